"""Connexion par carte CPS: card number + 4-digit PIN, three wrong PINs block the card."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from accounts import services
from accounts.models import CPSCard
from tests.factories import DEFAULT_PIN
from tests.helpers import client_request, text

URL = reverse("accounts:login_cps")


def _post(client, number="2700000001", pin=DEFAULT_PIN, **extra):
    return client.post(URL, {"number": number, "pin": pin, **extra})


@pytest.mark.django_db
def test_the_right_pin_opens_a_verified_session_on_mes_patients(client, alice, alice_card):
    response = _post(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("patients:my_patients")
    assert client.session[DEVICE_ID_SESSION_KEY] == alice_card.persistent_id
    page = client.get(reverse("patients:my_patients"))
    assert page.status_code == 200
    assert "Mes patients" in text(page)
    assert alice.display_name in text(page)


@pytest.mark.django_db
def test_login_rotates_the_session_key(client, alice_card):
    client.get(URL)
    session = client.session
    session["planted"] = "by an attacker"
    session.save()
    planted_key = session.session_key

    _post(client)

    assert client.session.session_key != planted_key


@pytest.mark.django_db
def test_a_wrong_pin_is_refused_and_says_how_many_tries_remain(client, alice_card):
    response = _post(client, pin="0000")

    assert response.status_code == 200
    assert "Code porteur erroné. Il vous reste 2 essais" in text(response)
    assert "_auth_user_id" not in client.session
    alice_card.refresh_from_db()
    assert alice_card.failed_pin_attempts == 1
    assert not alice_card.is_blocked


@pytest.mark.django_db
def test_the_third_wrong_pin_blocks_the_card_even_for_the_right_pin(client, alice_card):
    _post(client, pin="0000")
    _post(client, pin="1111")
    third = _post(client, pin="2222")

    assert "Carte bloquée" in text(third)
    right_pin = _post(client, pin=DEFAULT_PIN)
    assert right_pin.status_code == 200
    assert "Carte bloquée" in text(right_pin)
    assert "_auth_user_id" not in client.session
    alice_card.refresh_from_db()
    assert alice_card.is_blocked


@pytest.mark.django_db
def test_a_right_pin_resets_the_count_of_consecutive_failures(client, alice_card):
    _post(client, pin="0000")
    _post(client, pin="1111")
    _post(client)
    client.logout()
    _post(client, pin="0000")

    alice_card.refresh_from_db()
    assert alice_card.failed_pin_attempts == 1
    assert not alice_card.is_blocked


@pytest.mark.django_db
def test_an_unblocked_card_works_again(client, alice_card):
    for pin in ("0000", "1111", "2222"):
        _post(client, pin=pin)
    CPSCard.objects.get(pk=alice_card.pk).unblock()

    assert _post(client).status_code == 302


@pytest.mark.django_db
def test_the_pin_is_stored_hashed(alice_card):
    assert DEFAULT_PIN not in alice_card.pin_hash
    assert alice_card.pin_hash.startswith("md5$")  # the tests' fast hasher; PBKDF2 in production


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("number", "pin", "message"),
    [
        ("27000", DEFAULT_PIN, "Le numéro de carte compte 10 chiffres."),
        ("2700000001", "12", "Le code porteur compte 4 chiffres."),
        ("2700000001", "abcd", "Le code porteur compte 4 chiffres."),
    ],
)
def test_bad_input_gets_a_french_message_and_counts_nothing(client, alice_card, number, pin, message):
    response = _post(client, number=number, pin=pin)

    assert response.status_code == 200
    assert message in text(response)
    alice_card.refresh_from_db()
    assert alice_card.failed_pin_attempts == 0


@pytest.mark.django_db
def test_a_deactivated_professional_cannot_log_in(client, alice, alice_card):
    alice.is_active = False
    alice.save()

    response = _post(client)

    assert "Ce compte est désactivé" in text(response)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_next_is_followed_only_within_the_site(client, alice_card):
    inside = _post(client, next="/parametrages/")
    assert inside["Location"] == "/parametrages/"
    client.logout()
    outside = _post(client, next="https://evil.example/")
    assert outside["Location"] == reverse("patients:my_patients")


@pytest.mark.django_db
def test_blocking_the_card_ends_the_sessions_it_opened(client, alice_card):
    _post(client)
    assert client.get(reverse("patients:my_patients")).status_code == 200

    for pin in ("0000", "1111", "2222"):
        services.card_check_pin(request=client_request(), number=alice_card.number, pin=pin)

    assert client.get(reverse("patients:my_patients")).status_code == 302


@pytest.mark.django_db
def test_an_unknown_card_answers_exactly_as_a_real_card_with_a_wrong_pin(client, alice_card):
    """ "Carte non reconnue" would tell a stranger which card numbers exist."""
    stranger = Client(REMOTE_ADDR="198.51.100.9")
    pages = {}
    for number, browser in (("2799999999", client), (alice_card.number, stranger)):
        pages[number] = [
            _message(_post(browser, number=number, pin=pin)) for pin in ("0000", "1111", "2222", "3333")
        ]

    assert pages["2799999999"] == pages[alice_card.number]
    assert pages["2799999999"] == [
        "Code porteur erroné. Il vous reste 2 essais avant le blocage de la carte.",
        "Code porteur erroné. Il vous reste 1 essai avant le blocage de la carte.",
        "Carte bloquée : trois codes porteurs erronés ont été saisis. "
        "Contactez votre administrateur pour la faire débloquer.",
        "Carte bloquée : trois codes porteurs erronés ont été saisis. "
        "Contactez votre administrateur pour la faire débloquer.",
    ]


@pytest.mark.django_db
def test_an_unknown_card_counts_against_the_client(client):
    for n in range(5):
        _post(client, number=f"279999999{n}", pin="0000")
        _post(client, number=f"279999999{n}", pin="1111")

    refused = _post(client, number="2799999995", pin="0000")

    assert "Trop de codes erronés ont été saisis depuis ce poste" in text(refused)


def _message(response) -> str:
    page = text(response)
    start = (
        page.index("Code porteur erroné") if "Code porteur erroné" in page else page.index("Carte bloquée")
    )
    return page[start : page.index("</", start)].strip()
