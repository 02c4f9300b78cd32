"""Logins, failed logins and logouts are traced (no patient), never with a PIN or a code."""

import pytest
from django.urls import reverse

from audit.models import Action, Trace
from tests.factories import DEFAULT_PIN
from tests.helpers import code_for


def _actions() -> list[tuple]:
    return list(Trace.objects.order_by("pk").values_list("action", "actor_id", "patient_id"))


@pytest.mark.django_db
def test_a_card_login_and_logout_are_traced(client, alice, alice_card):
    client.post(reverse("accounts:login_cps"), {"number": alice_card.number, "pin": DEFAULT_PIN})
    client.post(reverse("accounts:logout"))

    assert _actions() == [(Action.LOGIN, alice.pk, None), (Action.LOGOUT, alice.pk, None)]


@pytest.mark.django_db
def test_a_wrong_pin_is_traced_against_the_card_holder_without_the_pin(client, alice, alice_card):
    client.post(reverse("accounts:login_cps"), {"number": alice_card.number, "pin": "9876"})

    trace = Trace.objects.get()
    assert (trace.action, trace.actor_id) == (Action.LOGIN_FAILED, alice.pk)
    assert "9876" not in trace.details
    assert alice_card.number in trace.details


@pytest.mark.django_db
def test_an_unknown_card_is_traced_without_actor(client):
    client.post(reverse("accounts:login_cps"), {"number": "2999999999", "pin": "1234"})

    trace = Trace.objects.get()
    assert (trace.action, trace.actor_id, trace.actor_label, trace.chain) == (
        Action.LOGIN_FAILED,
        None,
        "Inconnu",
        "system",
    )


@pytest.mark.django_db
def test_an_e_cps_login_and_a_wrong_code_are_traced(client, alice, alice_ecps):
    client.post(reverse("accounts:login_ecps"), {"rpps": alice.rpps})
    client.post(reverse("accounts:login_ecps_code"), {"token": code_for(alice_ecps, offset_steps=10)})

    trace = Trace.objects.get()
    assert (trace.action, trace.actor_id, trace.details) == (Action.LOGIN_FAILED, alice.pk, "e-CPS")


@pytest.mark.django_db
def test_a_failed_administrator_login_is_traced_without_the_password(client, admin_user):
    client.post(
        reverse("accounts:admin_login"),
        {"username": admin_user.username, "password": "mauvais-mot-de-passe", "token": "123456"},
    )

    trace = Trace.objects.get()
    assert trace.action == Action.LOGIN_FAILED
    assert "mauvais" not in trace.details
