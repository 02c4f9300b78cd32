"""Concurrent attempts cannot beat the PIN counter or replay a TOTP code (PostgreSQL row locks).

SQLite serializes writers and its test database is in memory, shared by one connection, so
these tests run where concurrency is real: on PostgreSQL (.ci/run's second pass).
"""

import threading

import pytest
from django.db import connection, connections

from accounts import services
from accounts.models import CPSCard
from tests.factories import DEFAULT_PIN
from tests.helpers import code_for

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
    _race(10, lambda i: services.card_check_pin(number=alice_card.number, pin=f"{i:04d}"))

    card = CPSCard.objects.get(pk=alice_card.pk)
    assert card.failed_pin_attempts == 3
    assert card.is_blocked
    assert not services.card_check_pin(number=card.number, pin=DEFAULT_PIN).ok


def test_one_code_sent_twice_at_once_is_accepted_once(alice_ecps):
    code = code_for(alice_ecps)

    results = _race(2, lambda i: services.ecps_check_code(device=alice_ecps, token=code))

    assert sorted(results) == [False, True]
