"""The "Autorisation d'accès" page of a patient who opposed emergency access, in a real browser."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.e2e.test_login import login_with_card
from tests.factories import DEFAULT_PIN, PatientFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_emergency_choice_is_disabled_and_the_opposition_said_once(
    page: Page, live_server, alice, alice_card, assert_accessible
):
    patient = PatientFactory(
        birth_name="Schaller",
        first_name="Bernard",
        emergency_samu_allowed=False,
        emergency_others_allowed=False,
    )
    login_with_card(page, live_server.url, alice_card.number, DEFAULT_PIN)

    page.goto(live_server.url + reverse("patients:open", args=[patient.code]))

    emergency = page.get_by_label("J'accède en urgence au DMP.")
    expect(emergency).to_be_disabled()
    expect(page.get_by_label("Motif de l'accès en urgence")).to_be_disabled()
    expect(page.get_by_text("Le patient s'est opposé à l'accès en urgence à son DMP")).to_have_count(1)
    assert_accessible(page)

    page.get_by_label(
        "Le patient (ou son représentant légal), préalablement informé, consent au fait que j'accède à son DMP."
    ).check()
    page.get_by_role("button", name="Accéder au DMP").click()
    expect(page.get_by_role("navigation", name="Fil d'Ariane")).to_contain_text("Récapitulatif")
