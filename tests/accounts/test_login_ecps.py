"""Connexion avec l'application e-CPS: RPPS identifier, then a single-use, throttled TOTP code."""

import re
import time
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.views import ECPS_PENDING_SECONDS, REMEMBERED_RPPS_COOKIE, duration_fr
from tests.factories import ProfessionalFactory
from tests.helpers import code_for, text, wrong_code

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
    assert "Trop d'essais successifs : patientez 1 seconde avant de saisir un nouveau code." in text(
        throttled
    )
    assert "incorrect" not in text(throttled)
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
def test_a_malformed_rpps_is_refused_in_french(client):
    response = _identify(client, "12ab")

    assert "Le numéro RPPS compte exactement 11 chiffres." in text(response)


@pytest.mark.django_db
def test_a_stranger_cannot_lock_a_professional_out_for_more_than_a_minute(client, alice, alice_ecps):
    """RPPS numbers are public: the throttle is capped, so the owner waits a minute at most."""
    start = time.time()
    for attempt in range(12):  # twelve wrong codes, each as soon as the previous wait ended
        with time_machine.travel(start + attempt * 61):
            _identify(client, alice.rpps)
            client.post(STEP2, {"token": wrong_code(alice_ecps)})

    owner = Client(REMOTE_ADDR="198.51.100.20")
    with time_machine.travel(start + 11 * 61 + 61):
        _identify(owner, alice.rpps)
        response = owner.post(STEP2, {"token": code_for(alice_ecps)})

    assert response.status_code == 302
    assert owner.session[DEVICE_ID_SESSION_KEY].startswith("accounts.ecpsdevice/")


def _step2_text(client) -> str:
    """The code page as read, minus the RPPS typed (which it repeats) and the CSRF token."""
    page = text(client.get(STEP2)).replace(client.session["dmp_ecps_pending"]["rpps"], "RPPS")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


@pytest.mark.django_db
def test_step_one_answers_alike_for_unknown_uncontactable_unenrolled_and_enrolled(alice, alice_ecps, charlie):
    """Whether an RPPS is known, has contact details or has e-CPS is said only after a proof."""
    rpps_numbers = ["10000000009", charlie.rpps, ProfessionalFactory().rpps, alice.rpps]
    answers = []
    for rpps in rpps_numbers:
        browser = Client()
        response = _identify(browser, rpps)
        answers.append((response.status_code, response["Location"], _step2_text(browser)))

    assert len(set(answers)) == 1
    assert answers[0][1] == STEP2


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["unknown", "uncontactable", "unenrolled", "enrolled"])
def test_a_wrong_code_reads_alike_whoever_the_rpps_is(client, alice, alice_ecps, charlie, who):
    rpps = {
        "unknown": "10000000009",
        "uncontactable": charlie.rpps,
        "unenrolled": ProfessionalFactory().rpps,
        "enrolled": alice.rpps,
    }[who]
    _identify(client, rpps)
    start = time.time()
    with time_machine.travel(start, tick=False):
        first = text(client.post(STEP2, {"token": wrong_code(alice_ecps)}))
        second = text(client.post(STEP2, {"token": wrong_code(alice_ecps)}))

    assert "Code de sécurité incorrect." in first
    assert "Trop d'essais" not in first
    assert "Trop d'essais successifs : patientez 1 seconde" in second
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_first_wrong_code_says_incorrect_and_nothing_about_waiting(client, alice, alice_ecps):
    _identify(client, alice.rpps)

    body = text(client.post(STEP2, {"token": wrong_code(alice_ecps)}))

    assert "Code de sécurité incorrect." in body
    assert "patientez" not in body


@pytest.mark.django_db
def test_a_replayed_code_is_said_to_be_already_used(client, alice, alice_ecps):
    code = code_for(alice_ecps)
    _identify(client, alice.rpps)
    client.post(STEP2, {"token": code})
    client.post(reverse("accounts:logout"))

    _identify(client, alice.rpps)
    body = text(client.post(STEP2, {"token": code}))

    assert "Code de sécurité déjà utilisé : attendez le code suivant" in body
    assert "incorrect" not in body
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_replay_does_not_make_the_owner_wait(client, alice, alice_ecps):
    start = time.time()
    code = code_for(alice_ecps)
    _identify(client, alice.rpps)
    with time_machine.travel(start, tick=False):
        client.post(STEP2, {"token": code})
        client.post(reverse("accounts:logout"))
        _identify(client, alice.rpps)
        client.post(STEP2, {"token": code})
    with time_machine.travel(start + alice_ecps.step, tick=False):
        response = client.post(STEP2, {"token": code_for(alice_ecps)})

    assert response.status_code == 302


@pytest.mark.django_db
def test_the_right_code_typed_during_the_wait_is_not_called_incorrect_and_works_after(
    client, alice, alice_ecps
):
    _identify(client, alice.rpps)
    start = time.time()
    with time_machine.travel(start, tick=False):
        client.post(STEP2, {"token": wrong_code(alice_ecps)})
        early = text(client.post(STEP2, {"token": code_for(alice_ecps)}))
    with time_machine.travel(start + 2, tick=False):
        later = client.post(STEP2, {"token": code_for(alice_ecps)})

    assert "patientez 1 seconde" in early
    assert "incorrect" not in early
    assert later.status_code == 302


@pytest.mark.django_db
def test_a_fast_typist_sees_the_clock_hint_with_a_link_to_the_faq(client, alice, alice_ecps):
    """Codes typed within the wait are counted, so the slides' hint does show."""
    _identify(client, alice.rpps)
    start = time.time()
    with time_machine.travel(start, tick=False):
        for _ in range(2):
            page = text(client.post(STEP2, {"token": wrong_code(alice_ecps)}))
            assert "mauvaise configuration de l'heure" not in page
        page = text(client.post(STEP2, {"token": wrong_code(alice_ecps)}))

    assert (
        "cela peut être dû à une mauvaise configuration de l'heure sur votre téléphone. "
        'Consultez <a href="/connexion/e-cps/aide/#heure">la FAQ e-CPS</a> pour résoudre ce problème.'
    ) in " ".join(page.split())


@pytest.mark.django_db
def test_the_faq_is_public_and_explains_the_clock(client):
    page = text(client.get(reverse("accounts:ecps_faq")))

    assert 'id="heure"' in page
    assert "Régler l'heure automatiquement" in page


@pytest.mark.django_db
def test_the_code_page_tells_everyone_how_to_activate_e_cps(client):
    _identify(client, ProfessionalFactory().rpps)

    page = " ".join(text(client.get(STEP2)).split())

    assert "Vous n'avez pas encore activé l'application e-CPS ?" in page
    assert "annuaire santé" in page


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0.2, "1 seconde"),
        (1, "1 seconde"),
        (59, "59 secondes"),
        (60, "1 minute"),
        (61, "2 minutes"),
        (899.5, "15 minutes"),
        (3599, "1 heure"),
        (3601, "2 heures"),
    ],
)
def test_waits_read_in_the_unit_that_suits_rounded_up(seconds, words):
    assert duration_fr(timedelta(seconds=seconds)) == words
