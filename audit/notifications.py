"""Who is told: the patient, by email, the first time a professional opens their DMP and at
every emergency access. An outbox row is written in the trace's transaction; it is sent after
the commit and, if the SMTP server is down, later by `manage.py send_notifications`.

The email says when, and where to look; never who, never what (no medical content, no title).

The same outbox relays secure messages to addresses outside the portal (`enqueue_relay`, called
by messaging/services.py in the message's transaction): claimed, then sent, never lost, never twice.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from audit.models import Notification, NotificationKind, NotificationStatus, Trace

logger = logging.getLogger(__name__)

SUBJECTS = {
    NotificationKind.FIRST_ACCESS: "Un professionnel de santé a consulté votre profil Mon espace santé",
    NotificationKind.EMERGENCY_ACCESS: "Un professionnel de santé a accédé en urgence à votre profil Mon espace santé",
}


def enqueue(*, trace: Trace, patient: object) -> Notification | None:
    """Write the outbox row for `trace` (same transaction) and send it once committed."""
    email = getattr(patient, "email", "")
    if not email:
        return None  # nowhere to write: the history still shows the access to the patient
    kind = (
        NotificationKind.FIRST_ACCESS
        if trace.action == "record_opened"
        else NotificationKind.EMERGENCY_ACCESS
    )
    context = {
        "first_name": getattr(patient, "first_name", "").capitalize(),
        "date": timezone.localtime(trace.created_at).strftime("%d/%m/%Y"),
        "kind": kind,
        "login_url": settings.DMP_PATIENT_SPACE_URL,
    }
    notification = Notification.objects.create(
        trace=trace,
        patient=patient,
        kind=kind,
        to_email=email,
        subject=SUBJECTS[kind],
        body_text=render_to_string("audit/email/notification.txt", context),
        body_html=render_to_string("audit/email/notification.html", context),
    )
    # robust: a failure here must not turn the professional's committed request into an error.
    transaction.on_commit(lambda: deliver(notification.pk), robust=True)
    return notification


def enqueue_relay(
    *, to_email: str, from_email: str, subject: str, body: str, attachments: list[dict]
) -> Notification:
    """Write the outbox row of a secure message relayed by SMTP (same transaction as the message)
    and send it once committed. `attachments`: {"name", "stored_name", "mime_type"} of stored files."""
    notification = Notification.objects.create(
        kind=NotificationKind.SECURE_MESSAGE,
        to_email=to_email,
        subject=subject[:200],
        body_text=f"{body}\n\n-- \nMessage sécurisé de {from_email}, relayé par le portail DMP.\n",
        attachments=attachments,
    )
    transaction.on_commit(lambda: deliver(notification.pk), robust=True)
    return notification


# How long a sender owns a row it claimed: longer than an SMTP attempt (10 s timeout).
CLAIM_SECONDS = 60


def deliver(notification_id: int) -> bool:
    """Send one pending notification; True when sent.

    The row is claimed first by a conditional UPDATE (only one sender can win it), the email is
    sent with no transaction or lock held (a slow mail server must not stall the portal's
    writers), then the row is marked sent. On failure it stays pending for the next run. Only a
    crash between the SMTP acceptance and the marking could send it twice, after the claim ends.
    """
    now = timezone.now()
    claimed = (
        Notification.objects.filter(pk=notification_id, status=NotificationStatus.PENDING)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + timedelta(seconds=CLAIM_SECONDS), attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    notification = Notification.objects.get(pk=notification_id)
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.to_email],
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    try:
        for item in notification.attachments:
            with default_storage.open(item["stored_name"], "rb") as handle:
                message.attach(item["name"], handle.read(), item["mime_type"])
        message.send()
    except Exception as error:  # SMTP down, refused, timed out, bad address: try again later
        Notification.objects.filter(pk=notification_id).update(
            claimed_until=None, last_error=str(error)[:500]
        )
        logger.warning("Notification %s not sent yet: %s", notification_id, error)
        return False
    Notification.objects.filter(pk=notification_id).update(
        status=NotificationStatus.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
    )
    return True


def deliver_pending(limit: int = 500) -> tuple[int, int]:
    """Send the oldest pending notifications; (sent, still pending)."""
    ids = list(
        Notification.objects.filter(status=NotificationStatus.PENDING)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    sent = sum(deliver(pk) for pk in ids)
    return sent, Notification.objects.filter(status=NotificationStatus.PENDING).count()
