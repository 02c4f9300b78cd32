"""Connexion avec l'application e-CPS: RPPS identifier, then a single-use, throttled TOTP code."""

import time

import pytest
import time_machine
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.views import ECPS_PENDING_SECONDS, REMEMBERED_RPPS_COOKIE
from tests.factories import ProfessionalFactory
from tests.helpers import code_for, text

STEP1 = reverse("accounts:login_ecps")
STEP2 = reverse("accounts:login_ecps_code")


def _identify(client, rpps, remember=False):
    data = {"rpps": rpps}
    if remember:
        data["remember"] = "on"
    return client.post(STEP1, data)


@pytest.mark.django_db
def test_rpps_then_the_current_code_opens_a_verified_session(client, alice, alice_ecps):
    first = _identify(client, alice.rpps)
    assert first["Location"] == STEP2

    second = client.post(STEP2, {"token": code_for(alice_ecps)})

    assert second["Location"] == reverse("patients:my_patients")
    assert client.session[DEVICE_ID_SESSION_KEY] == f"accounts.ecpsdevice/{alice_ecps.pk}"
    assert client.get(reverse("patients:my_patients")).status_code == 200


@pytest.mark.django_db
def test_a_wrong_code_is_refused(client, alice, alice_ecps):
    _identify(client, alice.rpps)
    wrong = "000000" if code_for(alice_ecps) != "000000" else "111111"

    response = client.post(STEP2, {"token": wrong})

    assert response.status_code == 200
    assert "Code de sécurité incorrect" in text(response)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_code_works_only_once(client, alice, alice_ecps):
    code = code_for(alice_ecps)
    _identify(client, alice.rpps)
    assert client.post(STEP2, {"token": code}).status_code == 302
    client.post(reverse("accounts:logout"))

    _identify(client, alice.rpps)
    replay = client.post(STEP2, {"token": code})

    assert replay.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_after_a_failure_even_the_right_code_waits_for_the_throttle(client, alice, alice_ecps):
    _identify(client, alice.rpps)
    with time_machine.travel(time.time(), tick=False):
        client.post(STEP2, {"token": "000000" if code_for(alice_ecps) != "000000" else "111111"})
        throttled = client.post(STEP2, {"token": code_for(alice_ecps)})

    assert throttled.status_code == 200
    assert "Trop d'essais successifs" in text(throttled)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_repeated_failures_point_to_the_phone_clock_as_the_faq_does(client, alice, alice_ecps):
    _identify(client, alice.rpps)
    hint = "cela peut être dû à une mauvaise configuration de l'heure sur votre téléphone"
    start = time.time()
    for attempt in range(3):
        assert hint not in text(client.get(STEP2))
        with time_machine.travel(start + attempt * 10):  # past each throttle delay (1 s, 2 s)
            client.post(STEP2, {"token": code_for(alice_ecps, offset_steps=10)})

    assert hint in text(client.get(STEP2))


@pytest.mark.django_db
def test_a_code_from_a_phone_whose_clock_is_far_off_is_refused(client, alice, alice_ecps):
    _identify(client, alice.rpps)

    response = client.post(STEP2, {"token": code_for(alice_ecps, offset_steps=10)})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_code_step_expires_after_five_minutes(client, alice, alice_ecps):
    _identify(client, alice.rpps)
    with time_machine.travel(time.time() + ECPS_PENDING_SECONDS + 1):
        response = client.post(STEP2, {"token": code_for(alice_ecps)})

    assert response["Location"] == STEP1
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_code_page_without_an_identifier_sends_back_to_step_one(client):
    assert client.get(STEP2)["Location"] == STEP1


@pytest.mark.django_db
def test_remembered_rpps_is_a_long_lived_cookie_holding_only_the_rpps(client, alice, alice_ecps):
    response = _identify(client, alice.rpps, remember=True)

    cookie = response.cookies[REMEMBERED_RPPS_COOKIE]
    assert cookie.value == alice.rpps
    assert int(cookie["max-age"]) >= 300 * 24 * 3600
    assert cookie["httponly"]
    page = client.get(STEP1)
    assert f'value="{alice.rpps}"' in text(page)


@pytest.mark.django_db
def test_unticking_remember_forgets_the_rpps(client, alice, alice_ecps):
    _identify(client, alice.rpps, remember=True)

    response = _identify(client, alice.rpps, remember=False)

    assert response.cookies[REMEMBERED_RPPS_COOKIE].value == ""
    assert alice.rpps not in text(client.get(STEP1))


@pytest.mark.django_db
def test_an_unknown_rpps_is_refused(client):
    response = _identify(client, "10000000009")

    assert "Aucun professionnel de l'annuaire santé" in text(response)


@pytest.mark.django_db
def test_a_malformed_rpps_is_refused_in_french(client):
    response = _identify(client, "12ab")

    assert "Le numéro RPPS compte exactement 11 chiffres." in text(response)


@pytest.mark.django_db
def test_without_email_or_mobile_the_professional_is_sent_to_their_order(client, charlie):
    response = _identify(client, charlie.rpps)

    body = text(response)
    assert "ne peut pas être activée" in body
    assert "ordre" in body
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_professional_without_e_cps_is_told_to_activate_it(client):
    user = ProfessionalFactory()

    response = _identify(client, user.rpps)

    assert "Vous n'avez pas encore activé l'application e-CPS" in text(response)


@pytest.mark.django_db
def test_a_stranger_cannot_lock_a_professional_out_for_more_than_a_minute(client, alice, alice_ecps):
    """RPPS numbers are public: the throttle is capped, so the owner waits a minute at most."""
    _identify(client, alice.rpps)
    start = time.time()
    for attempt in range(12):  # twelve wrong codes, each as soon as the previous wait ended
        with time_machine.travel(start + attempt * 61):
            client.post(STEP2, {"token": code_for(alice_ecps, offset_steps=10)})
            _identify(client, alice.rpps)

    with time_machine.travel(start + 12 * 61 + 61):
        _identify(client, alice.rpps)
        response = client.post(STEP2, {"token": code_for(alice_ecps)})

    assert response.status_code == 302
    assert client.session[DEVICE_ID_SESSION_KEY].startswith("accounts.ecpsdevice/")
