"""Patient emails through a real SMTP server (aiosmtpd): first access once, emergency always,
nothing lost when the server is down, nothing sent twice."""

import email
import io
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.urls import reverse

from audit.models import Notification, NotificationKind, NotificationStatus
from tests.factories import PatientFactory


class Inbox:
    """A real SMTP server on a local port that can be stopped and started again."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list = []
        self.controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A real SMTP server on a free local port, and the portal's mailer pointed at it."""
    port = _free_port()
    inbox = Inbox(port)
    inbox.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    yield inbox
    inbox.stop()


@pytest.fixture
def patient(db):
    return PatientFactory(first_name="Pierre", birth_name="Le Quinio", email="pierre@patient.test")


def _first_access(client, patient, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("patients:authorization", args=[patient.code]), {"declaration": "consent"})
        client.get(reverse("patients:open", args=[patient.code]))


def _body(envelope) -> str:
    message = email.message_from_bytes(envelope.content)
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode()


@pytest.mark.django_db
def test_the_first_opening_is_notified_once(smtp, alice_client, patient, django_capture_on_commit_callbacks):
    _first_access(alice_client, patient, django_capture_on_commit_callbacks)
    # the same professional comes back in a new session: no second email
    session = alice_client.session
    session.pop("dmp_opened_records", None)
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.get(reverse("patients:open", args=[patient.code]))

    assert len(smtp.messages) == 1
    body = _body(smtp.messages[0])
    assert "Bonjour Pierre," in body
    assert (
        "Un professionnel de santé a consulté pour la première fois votre profil Mon espace santé le" in body
    )
    assert "Vous avez la main sur votre santé." in body
    assert smtp.messages[0].rcpt_tos == ["pierre@patient.test"]
    notification = Notification.objects.get()
    assert notification.status == NotificationStatus.SENT


@pytest.mark.django_db
def test_the_email_names_no_professional_and_no_medical_content(
    smtp, alice, alice_client, patient, django_capture_on_commit_callbacks
):
    _first_access(alice_client, patient, django_capture_on_commit_callbacks)

    raw = smtp.messages[0].content.decode(errors="replace")
    assert alice.last_name.upper() not in raw.upper()
    assert patient.ins not in raw


@pytest.mark.django_db
def test_every_emergency_access_is_notified(smtp, alice_client, patient, django_capture_on_commit_callbacks):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            alice_client.post(
                reverse("patients:authorization", args=[patient.code]),
                {"declaration": "emergency", "reason": "Patient inconscient"},
            )
        alice_client.post(reverse("patients:withdraw", args=[patient.code]))

    kinds = list(Notification.objects.values_list("kind", flat=True))
    assert kinds.count(NotificationKind.EMERGENCY_ACCESS) == 2
    assert sum("accédé en urgence" in _body(m) for m in smtp.messages) == 2


@pytest.mark.django_db
def test_with_smtp_down_the_notification_waits_then_leaves_once(
    smtp, alice_client, patient, django_capture_on_commit_callbacks
):
    smtp.stop()

    _first_access(alice_client, patient, django_capture_on_commit_callbacks)

    notification = Notification.objects.get()
    assert notification.status == NotificationStatus.PENDING
    assert notification.attempts == 1
    assert smtp.messages == []

    smtp.start()
    call_command("send_notifications", stdout=io.StringIO())
    call_command("send_notifications", stdout=io.StringIO())

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert len(smtp.messages) == 1


@pytest.mark.django_db
def test_a_patient_without_email_gets_no_outbox_row(alice_client, django_capture_on_commit_callbacks):
    patient = PatientFactory(email="")

    _first_access(alice_client, patient, django_capture_on_commit_callbacks)

    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_a_notification_claimed_by_one_sender_is_not_sent_by_another(
    smtp, alice_client, patient, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from audit.notifications import deliver

    smtp.stop()
    _first_access(alice_client, patient, django_capture_on_commit_callbacks)
    smtp.start()
    notification = Notification.objects.get()
    Notification.objects.filter(pk=notification.pk).update(
        claimed_until=timezone.now() + timedelta(seconds=30)
    )

    assert deliver(notification.pk) is False  # another sender holds it
    assert smtp.messages == []


@pytest.mark.django_db
def test_one_undeliverable_row_does_not_block_the_queue(
    smtp, alice_client, django_capture_on_commit_callbacks
):
    smtp.stop()
    bad = PatientFactory(email="ok@patient.test")
    good = PatientFactory(email="good@patient.test")
    _first_access(alice_client, bad, django_capture_on_commit_callbacks)
    _first_access(alice_client, good, django_capture_on_commit_callbacks)
    Notification.objects.filter(patient=bad).update(to_email="not an address\r\nBcc: x@evil.test")
    smtp.start()

    call_command("send_notifications", stdout=io.StringIO())

    assert Notification.objects.get(patient=good).status == NotificationStatus.SENT
    assert Notification.objects.get(patient=bad).status == NotificationStatus.PENDING


@pytest.mark.django_db
def test_an_emergency_opening_sends_one_email_not_two(
    smtp, alice_client, patient, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(
            reverse("patients:authorization", args=[patient.code]),
            {"declaration": "emergency", "reason": "Patient inconscient"},
        )
        alice_client.get(reverse("patients:open", args=[patient.code]))

    assert list(Notification.objects.values_list("kind", flat=True)) == [NotificationKind.EMERGENCY_ACCESS]
    assert len(smtp.messages) == 1


@pytest.mark.django_db
def test_the_sender_as_a_worker_loops_until_told_to_stop(
    smtp, alice_client, patient, django_capture_on_commit_callbacks, monkeypatch
):
    import os
    import signal

    from audit.management.commands import send_notifications

    smtp.stop()
    _first_access(alice_client, patient, django_capture_on_commit_callbacks)
    smtp.start()
    pauses = []

    def pause(seconds: float) -> None:  # the outbox is empty: the worker waits, then is stopped
        pauses.append(seconds)
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(send_notifications.time, "sleep", pause)
    # Between rounds the worker drops stale connections; here the test's transaction owns the
    # connection (closing it would end the test's transaction on PostgreSQL, and the next tests').
    monkeypatch.setattr(send_notifications, "close_old_connections", lambda: None)
    previous = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        out = io.StringIO()
        call_command("send_notifications", "--boucle", "--pause", "2", stdout=out)
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])

    assert Notification.objects.get().status == NotificationStatus.SENT
    assert len(smtp.messages) == 1
    assert pauses == [2.0]
    assert out.getvalue().splitlines()[:2] == [
        "1 notification(s) envoyée(s), 0 en attente.",
        "0 notification(s) envoyée(s), 0 en attente.",
    ]
