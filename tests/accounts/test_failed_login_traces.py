"""Failed logins with no known account share the "system" trace chain: one bounded bucket
(one trace per client address per 15 minutes, 100 per 15 minutes in all); failures on known
accounts keep one trace each, in the account's own chain."""

import time

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts import limits
from audit.models import Action, Trace
from tests.helpers import client_request

CPS = reverse("accounts:login_cps")


def _unknown_card(browser, n: int):
    return browser.post(CPS, {"number": f"279999{n:04d}", "pin": "0000"})


def _system_traces() -> int:
    return Trace.objects.filter(chain="system", action=Action.LOGIN_FAILED).count()


@pytest.mark.django_db
def test_a_flood_from_one_address_writes_one_system_trace_per_quarter_hour():
    start = time.time()
    with time_machine.travel(start, tick=False):
        for n in range(8):
            _unknown_card(Client(REMOTE_ADDR="198.51.100.1"), n)
    assert _system_traces() == 1

    with time_machine.travel(start + 60, tick=False):
        _unknown_card(Client(REMOTE_ADDR="198.51.100.2"), 99)
    assert _system_traces() == 2

    with time_machine.travel(start + 15 * 60 + 1, tick=False):
        _unknown_card(Client(REMOTE_ADDR="198.51.100.1"), 100)
    assert _system_traces() == 3


@pytest.mark.django_db
def test_the_system_chain_takes_at_most_a_hundred_traces_a_quarter_hour():
    due = [limits.anonymous_trace_due(client_request(f"10.0.{n // 250}.{n % 250}")) for n in range(120)]

    assert due.count(True) == 100
    assert due[100:] == [False] * 20


@pytest.mark.django_db
def test_each_wrong_pin_on_a_known_card_is_traced_in_the_holder_s_chain(client, alice, alice_card):
    for pin in ("0000", "1111"):
        client.post(CPS, {"number": alice_card.number, "pin": pin})

    assert Trace.objects.filter(chain=f"actor:{alice.pk}", action=Action.LOGIN_FAILED).count() == 2
    assert _system_traces() == 0


@pytest.mark.django_db
def test_wrong_codes_for_an_unknown_rpps_share_the_bucket(client):
    start = time.time()
    for n in range(3):
        with time_machine.travel(start + n * 61, tick=False):
            client.post(reverse("accounts:login_ecps"), {"rpps": "10000000009"})
            client.post(reverse("accounts:login_ecps_code"), {"token": "123456"})

    assert _system_traces() == 1
