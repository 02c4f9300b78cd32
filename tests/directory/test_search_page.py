"""The Annuaire santé page as a professional uses it, and as nobody else may."""

import re

import pytest
from django.urls import reverse

from accounts.models import Profession
from directory.services import entry_professional_sync
from tests.factories import DirectoryEntryFactory, DirectoryPracticeFactory, PatientFactory
from tests.helpers import login_patient, login_verified, text

pytestmark = pytest.mark.django_db

URL = reverse("directory:search")


def test_the_header_leads_to_the_directory(alice_client):
    page = text(alice_client.get(reverse("patients:my_patients")))

    assert f'href="{URL}"' in page and "ANNUAIRE SANTÉ" in page


def test_a_search_shows_profession_situations_addresses_and_the_write_link(alice_client):
    practice = DirectoryPracticeFactory(
        entry__last_name="Lefèvre",
        entry__first_name="Zoé",
        entry__profession=Profession.objects.get(code="21"),
        structure_name="Hôpital Saint-Nicolas",
        city="Nancy",
        role="Pharmacien hospitalier",
    )
    practice.entry.mailboxes.create(address="zoe.lefevre@hopital-nancy.mssante.fr")

    response = alice_client.get(URL, {"name": "lefevre"})

    page = text(response)
    assert response.status_code == 200
    assert "Zoé LEFÈVRE" in page and "Pharmacien" in page
    assert "Hôpital Saint-Nicolas — Nancy (salarié, Pharmacien hospitalier)" in page
    compose = reverse("messaging:compose")
    assert f'href="{compose}?a=zoe.lefevre%40hopital-nancy.mssante.fr"' in page
    assert ">Écrire</a>" in page


def test_an_entry_without_mssante_address_says_so(alice_client):
    DirectoryEntryFactory(last_name="Zimmermann", first_name="Ida")

    page = text(alice_client.get(URL, {"name": "zimmermann"}))

    assert "Aucune adresse MSSanté publiée." in page
    assert "Écrire" not in page


def test_a_professional_with_neither_email_nor_mobile_is_flagged_with_who_updates_it(alice_client):
    DirectoryEntryFactory(last_name="Gerbaut", first_name="Tom", has_email=False, has_mobile=False)
    DirectoryEntryFactory(last_name="Gerbet", first_name="Ana", has_email=False, has_mobile=True)

    page = text(alice_client.get(URL, {"name": "gerb"}))

    assert page.count("e-CPS impossible.") == 1
    assert (
        "Ni adresse électronique ni téléphone mobile dans l'annuaire santé : l'application e-CPS ne peut "
        "pas être activée. Ces informations se mettent à jour auprès de l'ordre des infirmiers." in page
    )


def test_ones_own_entry_without_contact_says_what_to_do(client, charlie):
    entry_professional_sync(professional=charlie)
    login_verified(client, charlie, charlie.cpscard_set.get())

    page = text(client.get(URL, {"rpps": charlie.rpps}))

    assert "Mettez à jour ces informations sur le site de l'ordre des pharmaciens." in page


def test_the_next_page_link_continues_after_the_last_entry(alice_client):
    for index in range(25):
        DirectoryEntryFactory(last_name="Martin", first_name=f"Anne{chr(65 + index)}")

    first = text(alice_client.get(URL, {"name": "martin"}))
    next_href = re.search(r'href="\?([^"]+)">Résultats suivants', first).group(1).replace("&amp;", "&")
    second = text(alice_client.get(f"{URL}?{next_href}"))

    assert first.count("<h3") == 20 and "AnneA MARTIN" in first and "AnneY MARTIN" not in first
    assert second.count("<h3") == 5 and "AnneY MARTIN" in second and "AnneA MARTIN" not in second
    assert "Résultats suivants" not in second and "Premiers résultats" in second


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"name": ""}, "Saisissez au moins un critère de recherche."),
        ({"name": " - ' "}, "Saisissez au moins un critère de recherche."),
        ({"rpps": "1234"}, "Le numéro RPPS compte exactement 11 chiffres."),
        ({"rpps": "1234567890A"}, "Le numéro RPPS compte exactement 11 chiffres."),
        ({"profession": "ZZ"}, "Choisissez une profession de la liste."),
        ({"specialty": "Astrologie"}, "Choisissez une spécialité de la liste."),
        ({"name": "x" * 201}, "200 caractères au plus."),
    ],
)
def test_bad_criteria_get_a_clear_message_and_no_results(alice_client, query, message):
    DirectoryEntryFactory(last_name="Martin")

    response = alice_client.get(URL, query)

    assert response.status_code == 200
    assert message in text(response)
    assert "Professionnels correspondant" not in text(response)


@pytest.mark.parametrize("cursor", ["abc", "99999999", "9" * 40, "-1"])
def test_a_bad_cursor_gives_the_first_page_with_a_message(alice_client, cursor):
    DirectoryEntryFactory(last_name="Martin", first_name="Ana")

    page = text(alice_client.get(URL, {"name": "martin", "apres": cursor}))

    assert "Cette page de résultats n'existe pas : voici les premiers résultats." in page
    assert "Ana MARTIN" in page


def test_a_patient_never_reaches_the_directory(client):
    patient = PatientFactory()
    login_patient(client, patient)
    DirectoryEntryFactory(last_name="Martin", first_name="Ana")

    response = client.get(URL, {"name": "martin"})

    assert response.status_code == 403
    assert "Ana MARTIN" not in text(response)


def test_the_anonymous_are_sent_to_the_login(client):
    response = client.get(URL, {"name": "martin"})

    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
