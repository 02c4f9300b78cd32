"""Mon espace santé's login: INS or email, then a one-time code by email (once, throttled), no
enumeration, session rotated and bounded like a professional's; the demo mailbox only in demo mode."""

import re
import time
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import limits
from accounts.services import SESSION_LAST_SEEN_AT
from audit.models import Action, Trace
from patients import models as patient_models
from patients.ins import with_key
from patients.models import Sandbox
from tests.factories import PatientFactory

LOGIN = reverse("space:login")
CODE = reverse("space:code")
DOCUMENTS = reverse("space:documents")


def _start(client: Client, identifier: str):
    return client.post(LOGIN, {"identifier": identifier}, follow=True)


def _code_sent() -> str:
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def test_an_existing_and_an_unknown_ins_get_the_same_answer_and_only_the_existing_one_gets_a_code(patient):
    known = _start(Client(), patient.ins)
    unknown = _start(Client(), with_key("1800167482001"))
    assert known.redirect_chain == unknown.redirect_chain == [(CODE, 302)]
    assert [str(m) for m in known.context["messages"]] == [str(m) for m in unknown.context["messages"]]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [patient.email]


def test_the_right_code_opens_the_space_with_a_new_session_key_and_a_trace(patient):
    client = Client()
    _start(client, patient.email.upper())
    key_before = client.session.session_key
    response = client.post(CODE, {"token": _code_sent()})
    assert response.status_code == 302 and response.url == DOCUMENTS
    assert client.session.session_key != key_before
    assert client.get(DOCUMENTS).status_code == 200
    assert Trace.objects.filter(patient=patient, action=Action.LOGIN, actor=None).exists()


def test_a_code_works_only_once(patient):
    client = Client()
    _start(client, patient.ins)
    code = _code_sent()
    client.post(CODE, {"token": code})
    client.post(reverse("space:logout"))
    _start(client, patient.ins)  # within the minute's cooldown: no new code is sent
    response = client.post(CODE, {"token": code})
    assert response.status_code == 200
    assert "Code incorrect ou expiré" in response.content.decode()
    assert client.get(DOCUMENTS).status_code == 302


def test_after_a_wrong_code_the_right_one_waits(patient, monkeypatch):
    monkeypatch.setattr(patient_models, "PATIENT_CODE_THROTTLE_FACTOR", 1000)
    client = Client()
    _start(client, patient.ins)
    code = _code_sent()
    client.post(CODE, {"token": "000000" if code != "000000" else "111111"})
    assert "Code incorrect" in client.post(CODE, {"token": code}).content.decode()


def test_five_wrong_codes_void_the_code(patient, monkeypatch):
    monkeypatch.setattr(patient_models, "PATIENT_CODE_THROTTLE_FACTOR", 0)
    client = Client()
    _start(client, patient.ins)
    code = _code_sent()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(patient_models.PATIENT_CODE_MAX_FAILURES):
        client.post(CODE, {"token": wrong})
    assert "Code incorrect" in client.post(CODE, {"token": code}).content.decode()
    assert client.get(DOCUMENTS).status_code == 302


def test_a_badly_formed_code_gets_a_french_message(patient):
    client = Client()
    _start(client, patient.ins)
    assert "Le code de sécurité compte 6 chiffres." in client.post(CODE, {"token": "12ab"}).content.decode()


def test_an_email_shared_by_two_patients_sends_no_code(db):
    PatientFactory(email="famille@example.test")
    PatientFactory(email="famille@example.test")
    _start(Client(), "famille@example.test")
    assert mail.outbox == []


def test_a_sandbox_patient_cannot_log_in_here(db):
    sandbox = Sandbox.objects.create(label="Bac à sable")
    trainee_copy = PatientFactory(email="bac@example.test", sandbox=sandbox)
    _start(Client(), trainee_copy.ins)
    assert mail.outbox == []


def test_the_demo_mailbox_shows_the_code_of_this_browsers_login_only(patient, settings):
    settings.DMP_DEMO_MODE = True
    client = Client()
    _start(client, patient.ins)
    page = client.get(reverse("space:code_simulator")).content.decode()
    assert _code_sent() in page
    assert _code_sent() not in Client().get(reverse("space:code_simulator")).content.decode()


def test_the_demo_mailbox_does_not_exist_outside_demo_mode(patient, settings):
    settings.DMP_DEMO_MODE = False
    client = Client()
    _start(client, patient.ins)
    assert client.get(reverse("space:code_simulator")).status_code == 404


@pytest.mark.parametrize("idle_seconds", [16 * 60])
def test_an_idle_patient_session_ends(patient_client, idle_seconds):
    session = patient_client.session
    session[SESSION_LAST_SEEN_AT] = time.time() - idle_seconds
    session.save()
    response = patient_client.get(DOCUMENTS)
    assert response.status_code == 302 and response.url == LOGIN


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_a_code_expires_after_its_few_minutes(patient):
    client = Client()
    _start(client, patient.ins)
    code = _code_sent()
    later = timezone.now() + timedelta(seconds=patient_models.PATIENT_CODE_VALIDITY_SECONDS + 1)
    with time_machine.travel(later):
        response = client.post(CODE, {"token": code})
        assert "Code incorrect ou expiré" in response.content.decode()
        assert client.get(DOCUMENTS).status_code == 302


def test_wrong_codes_for_several_patients_are_throttled_for_this_client(db, monkeypatch):
    """Each patient's code stays under its own limit (5); the client's counter (accounts.limits,
    10 per session per 15 minutes) stops the spray, and then even a right code is refused."""
    monkeypatch.setattr(patient_models, "PATIENT_CODE_THROTTLE_FACTOR", 0)
    client = Client()
    patients = [PatientFactory(email=f"p{i}@example.test") for i in range(3)]
    for victim in patients[:2]:
        _start(client, victim.ins)
        for _ in range(limits.CLIENT_SESSION.max_failures // 2):
            client.post(CODE, {"token": _wrong(_code_sent())})
    _start(client, patients[2].ins)
    response = client.post(CODE, {"token": _code_sent()})
    assert "Trop de codes erronés ont été saisis depuis ce poste" in response.content.decode()
    assert client.get(DOCUMENTS).status_code == 302
    assert not Trace.objects.filter(action=Action.LOGIN, patient__in=patients).exists()


def test_a_wrong_code_after_an_unknown_ins_counts_as_much(db):
    client = Client()
    _start(client, with_key("1800167482001"))
    for _ in range(limits.CLIENT_SESSION.max_failures):
        client.post(CODE, {"token": "123456"})
    response = client.post(CODE, {"token": "123456"})
    assert "Trop de codes erronés" in response.content.decode()


def test_a_minor_gets_no_code_of_their_own(minor, mother):
    """The family's mailbox would let a parent in as the minor, past the documents kept from them."""
    minor.email = mother.email
    minor.save()
    _start(Client(), minor.ins)
    assert mail.outbox == []
    _start(Client(), mother.ins)
    assert mail.outbox[0].to == [mother.email]
