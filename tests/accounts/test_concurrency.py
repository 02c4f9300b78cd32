"""Concurrent attempts cannot beat the PIN counter, the per-client limits, the e-CPS suspension
or replay a TOTP code (PostgreSQL row and advisory locks).

SQLite serializes writers and its test database is in memory, shared by one connection, so
these tests run where concurrency is real: on PostgreSQL (.ci/run's second pass).
"""

import threading

import pytest
from django.db import connection, connections

from accounts import limits, services
from accounts.models import CPSCard, FailedAttempt, User
from tests.factories import DEFAULT_PIN, CPSCardFactory
from tests.helpers import client_request, code_for, wrong_code

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks (PostgreSQL)"),
]


def _race(count: int, attempt) -> list:
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = attempt(i)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_ten_simultaneous_wrong_pins_count_three_and_block_the_card(alice_card):
    _race(
        10,
        lambda i: services.card_check_pin(
            request=client_request(f"203.0.113.{i + 1}"), number=alice_card.number, pin=f"{i:04d}"
        ),
    )

    card = CPSCard.objects.get(pk=alice_card.pk)
    assert card.failed_pin_attempts == 3
    assert card.is_blocked
    assert not services.card_check_pin(request=client_request(), number=card.number, pin=DEFAULT_PIN).ok


def test_one_code_sent_twice_at_once_is_accepted_once(alice_ecps):
    code = code_for(alice_ecps)

    results = _race(
        2,
        lambda i: (
            services.ecps_code_check(
                request=client_request(f"203.0.113.{i + 1}"), device=alice_ecps, token=code
            ).ok
        ),
    )

    assert sorted(results) == [False, True]


def test_forty_simultaneous_wrong_pins_from_one_address_count_thirty(db):
    cards = CPSCardFactory.create_batch(40)

    results = _race(
        40,
        lambda i: (
            services.card_check_pin(
                request=client_request("198.51.100.50"), number=cards[i].number, pin="0000"
            ).refusal
        ),
    )

    assert results.count(services.CardRefusal.TOO_MANY) == 10
    assert sum(CPSCard.objects.values_list("failed_pin_attempts", flat=True)) == 30
    address = limits.Key.of(limits.CLIENT_ADDRESS, "198.51.100.50")
    assert FailedAttempt.objects.filter(key=address.digest).count() == 30


def test_thirty_simultaneous_wrong_codes_suspend_after_exactly_twenty(alice, alice_ecps, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no wait between codes: only the suspension stops them

    results = _race(
        30,
        lambda i: (
            services.ecps_code_check(
                request=client_request(f"203.0.113.{i + 1}"), device=alice_ecps, token=wrong_code(alice_ecps)
            ).refusal
        ),
    )

    assert results.count(services.CodeRefusal.WRONG) == 19
    assert results.count(services.CodeRefusal.SUSPENDED) == 11
    assert User.objects.get(pk=alice.pk).ecps_suspended_at is not None
    account = limits.ecps_account_key(user_pk=alice.pk)
    assert FailedAttempt.objects.filter(key=account.digest).count() == 20
