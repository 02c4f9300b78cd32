"""Workshop step 03: without email or mobile in the Annuaire santé, e-CPS cannot be activated,
and the professional is told where to update them: their own order, or for RPPS+ professions
their employer (or the ARS)."""

import pytest
from django.urls import reverse

from accounts.directory import where_to_update
from tests.factories import CPSCardFactory, ProfessionalFactory
from tests.helpers import login_verified, text


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("10", "sur le site de l'ordre des médecins"),
        ("21", "sur le site de l'ordre des pharmaciens"),
        ("40", "sur le site de l'ordre des chirurgiens-dentistes"),
        ("50", "sur le site de l'ordre des sages-femmes"),
        ("60", "sur le site de l'ordre des infirmiers"),
        ("69", "sur le site de l'ordre des infirmiers"),
        ("70", "sur le site de l'ordre des masseurs-kinésithérapeutes"),
        ("80", "sur le site de l'ordre des pédicures-podologues"),
    ],
)
def test_professions_with_an_order_are_sent_to_their_order(code, expected):
    assert where_to_update(code) == expected


@pytest.mark.parametrize("code", ["38", "39", "35", "26", "28", "91", "96"])
def test_rpps_plus_professions_are_sent_to_their_employer_or_the_ars(code):
    advice = where_to_update(code)

    assert "employeur" in advice
    assert "RPPS+" in advice
    assert "ARS" in advice
    assert "ordre" not in advice


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("profession", "expected"),
    [
        ("60", "Mettez à jour ces informations sur le site de l'ordre des infirmiers."),
        ("39", "Mettez à jour ces informations auprès de votre employeur, qui les renseigne dans RPPS+"),
    ],
)
def test_the_settings_page_names_who_updates_the_directory(client, profession, expected):
    user = ProfessionalFactory(no_contacts=True, profession_id=profession)
    login_verified(client, user, CPSCardFactory(user=user))

    page = " ".join(text(client.get(reverse("accounts:settings"))).split())

    assert "l'application e-CPS ne peut pas être activée" in page
    assert expected in page
    assert "ordre des pharmaciens" not in page


@pytest.mark.django_db
def test_activating_without_contact_details_names_the_order(client, charlie):
    login_verified(client, charlie, charlie.cpscard_set.get())

    page = text(client.get(reverse("accounts:ecps_activate"), follow=True))

    assert "sur le site de l'ordre des pharmaciens" in page
