"""Per-client limits on card PINs and e-CPS codes (accounts.limits): a stranger is stopped long
before any card blocks; the card's owner still blocks their card on the 3rd wrong PIN; other
clients notice nothing; counters expire and are pruned."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import limits
from accounts.models import CPSCard, FailedAttempt
from tests.factories import DEFAULT_PIN, CPSCardFactory
from tests.helpers import text, wrong_code

CPS = reverse("accounts:login_cps")
REFUSED = "Trop de codes erronés ont été saisis depuis ce poste : patientez"


def _pin(browser, number, pin):
    return browser.post(CPS, {"number": number, "pin": pin})


@pytest.mark.django_db
def test_a_stranger_trying_pins_on_many_cards_is_stopped_before_any_card_blocks(client):
    cards = CPSCardFactory.create_batch(8)
    answers = [text(_pin(client, card.number, pin)) for card in cards for pin in ("0000", "1111")]

    assert [REFUSED in answer for answer in answers] == [False] * 10 + [True] * 6
    assert "patientez 15 minutes avant de réessayer" in answers[10]
    assert not CPSCard.objects.filter(blocked_at__isnull=False).exists()
    # Refused tries were not tried: the last cards count nothing.
    assert [card.failed_pin_attempts for card in CPSCard.objects.order_by("number")] == [2] * 5 + [0] * 3


@pytest.mark.django_db
def test_dropping_cookies_meets_the_address_limit(alice, alice_card):
    cards = CPSCardFactory.create_batch(16)
    answers = []
    for card in cards:
        for pin in ("0000", "1111"):
            answers.append(text(_pin(Client(REMOTE_ADDR="198.51.100.66"), card.number, pin)))

    assert [REFUSED in answer for answer in answers] == [False] * 30 + [True] * 2
    assert "patientez 1 heure" in answers[30]
    assert not CPSCard.objects.filter(blocked_at__isnull=False).exists()
    # The refusal is that address's alone: Alice, elsewhere, logs in.
    elsewhere = _pin(Client(REMOTE_ADDR="192.0.2.44"), alice_card.number, DEFAULT_PIN)
    assert elsewhere.status_code == 302


@pytest.mark.django_db
def test_the_address_is_refused_for_a_day_after_a_hundred_wrong_pins():
    cards = CPSCardFactory.create_batch(50)
    start = time.time()
    for hour, batch in enumerate([cards[i : i + 15] for i in range(0, 50, 15)]):
        with time_machine.travel(start + hour * 3601, tick=False):
            for card in batch:
                for pin in ("0000", "1111"):
                    _pin(Client(REMOTE_ADDR="198.51.100.67"), card.number, pin)

    with time_machine.travel(start + 4 * 3601, tick=False):
        refused = text(_pin(Client(REMOTE_ADDR="198.51.100.67"), cards[-1].number, "2222"))

    assert REFUSED in refused
    assert "heures" in refused


@pytest.mark.django_db
def test_the_owner_still_blocks_their_card_on_the_third_wrong_pin(client, alice_card):
    answers = [text(_pin(client, alice_card.number, pin)) for pin in ("0000", "1111", "2222")]

    assert "Il vous reste 2 essais" in answers[0]
    assert "Il vous reste 1 essai" in answers[1]
    assert "Carte bloquée" in answers[2]
    alice_card.refresh_from_db()
    assert alice_card.is_blocked


@pytest.mark.django_db
def test_the_right_pin_is_refused_too_while_the_client_is_over_its_limit(client, alice_card):
    for card in CPSCardFactory.create_batch(5):
        _pin(client, card.number, "0000")
        _pin(client, card.number, "1111")

    response = _pin(client, alice_card.number, DEFAULT_PIN)

    assert REFUSED in text(response)
    assert "_auth_user_id" not in client.session
    alice_card.refresh_from_db()
    assert alice_card.failed_pin_attempts == 0


@pytest.mark.django_db
def test_the_limit_slides_the_client_tries_again_once_the_window_has_passed(client, alice_card):
    start = time.time()
    with time_machine.travel(start, tick=False):
        for card in CPSCardFactory.create_batch(5):
            _pin(client, card.number, "0000")
            _pin(client, card.number, "1111")
    with time_machine.travel(start + 15 * 60 + 1, tick=False):
        response = _pin(client, alice_card.number, DEFAULT_PIN)

    assert response.status_code == 302


@pytest.mark.django_db
def test_wrong_e_cps_codes_spend_the_same_budget(client, alice, alice_ecps):
    start = time.time()
    for attempt in range(10):
        with time_machine.travel(start + attempt * 61, tick=False):
            client.post(reverse("accounts:login_ecps"), {"rpps": alice.rpps})
            client.post(reverse("accounts:login_ecps_code"), {"token": wrong_code(alice_ecps)})
    with time_machine.travel(start + 10 * 61, tick=False):
        client.post(reverse("accounts:login_ecps"), {"rpps": alice.rpps})
        refused = client.post(reverse("accounts:login_ecps_code"), {"token": wrong_code(alice_ecps)})

    assert REFUSED in text(refused)


@pytest.mark.django_db
def test_counters_hold_no_address_or_session_in_clear(client):
    _pin(client, "2799999999", "0000")

    stored = " ".join(FailedAttempt.objects.values_list("key", flat=True))
    assert "127.0.0.1" not in stored
    assert client.session.session_key not in stored
    assert "2799999999" not in stored


@pytest.mark.django_db
def test_expired_counters_are_pruned_by_the_next_failure(client):
    long_ago = timezone.now() - timedelta(days=40)
    FailedAttempt.objects.bulk_create(
        [
            FailedAttempt(key=f"{n:064x}", at=long_ago, expires_at=long_ago + timedelta(hours=1))
            for n in range(150)
        ]
    )

    _pin(client, "2799999999", "0000")
    _pin(client, "2799999998", "0000")

    assert not FailedAttempt.objects.filter(expires_at__lt=timezone.now()).exists()
    # Per failure: address, address-day, session, card number; plus the anonymous-trace bucket
    # (per address, all) for the first, the only one traced.
    assert FailedAttempt.objects.count() == 2 * 4 + 2


def test_the_limits_are_those_the_comments_give():
    assert (limits.CLIENT_SESSION.max_failures, limits.CLIENT_SESSION.window) == (10, timedelta(minutes=15))
    assert (limits.CLIENT_ADDRESS.max_failures, limits.CLIENT_ADDRESS.window) == (30, timedelta(hours=1))
    assert (limits.CLIENT_ADDRESS_DAY.max_failures, limits.CLIENT_ADDRESS_DAY.window) == (
        100,
        timedelta(days=1),
    )
    assert (limits.ECPS_ACCOUNT.max_failures, limits.ECPS_ACCOUNT.window) == (20, timedelta(days=30))


@pytest.mark.django_db
def test_a_training_room_behind_one_address_can_raise_the_address_limit(settings):
    settings.DMP_LOGIN_FAILURES_PER_ADDRESS_HOUR = 150
    settings.DMP_LOGIN_FAILURES_PER_ADDRESS_DAY = 300
    cards = CPSCardFactory.create_batch(20)  # twenty trainees block their card, as taught

    answers = [
        text(_pin(Client(REMOTE_ADDR="198.51.100.80"), card.number, pin))
        for card in cards
        for pin in ("0000", "1111", "2222")
    ]

    assert not any(REFUSED in answer for answer in answers)
    assert CPSCard.objects.filter(blocked_at__isnull=False).count() == 20
