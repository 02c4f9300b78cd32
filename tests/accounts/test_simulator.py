"""Application e-CPS (simulation): demo mode only, demo professionals only, PIN required."""

import pytest
from django.urls import reverse

from tests.factories import DEFAULT_PIN
from tests.helpers import code_for, text

URL = reverse("accounts:ecps_simulator")


@pytest.fixture
def demo_alice(alice, settings):
    settings.DMP_DEMO_MODE = True
    alice.is_demo = True
    alice.save()
    return alice


@pytest.mark.django_db
def test_it_does_not_exist_outside_demo_mode(client, alice):
    assert client.get(URL).status_code == 404


@pytest.mark.django_db
def test_the_right_pin_shows_the_current_code(client, demo_alice, alice_ecps):
    response = client.post(URL, {"rpps": demo_alice.rpps, "pin": DEFAULT_PIN})

    assert code_for(alice_ecps) in text(response)


@pytest.mark.django_db
def test_the_shown_code_logs_in(client, demo_alice, alice_ecps):
    client.post(URL, {"rpps": demo_alice.rpps, "pin": DEFAULT_PIN})
    client.post(reverse("accounts:login_ecps"), {"rpps": demo_alice.rpps})

    response = client.post(reverse("accounts:login_ecps_code"), {"token": code_for(alice_ecps)})

    assert response["Location"] == reverse("patients:my_patients")


@pytest.mark.django_db
def test_a_wrong_pin_shows_no_code_and_counts_towards_blocking(client, demo_alice, alice_card, alice_ecps):
    response = client.post(URL, {"rpps": demo_alice.rpps, "pin": "0000"})

    assert code_for(alice_ecps) not in text(response)
    assert "Code porteur erroné" in text(response)
    alice_card.refresh_from_db()
    assert alice_card.failed_pin_attempts == 1


@pytest.mark.django_db
def test_real_professionals_are_never_simulated(client, alice, alice_ecps, settings):
    settings.DMP_DEMO_MODE = True

    response = client.post(URL, {"rpps": alice.rpps, "pin": DEFAULT_PIN})

    assert code_for(alice_ecps) not in text(response)
    assert "Aucun professionnel de démonstration" in text(response)


@pytest.mark.django_db
@pytest.mark.parametrize("demo", [True, False])
def test_the_login_page_offers_the_simulator_only_in_demo_mode(client, settings, demo):
    settings.DMP_DEMO_MODE = demo

    page = text(client.get(reverse("accounts:login")))

    assert ("Application e-CPS (simulation)" in page) is demo
    assert (URL in page) is demo
