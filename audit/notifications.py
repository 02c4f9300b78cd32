"""Who is told: the patient, by email, the first time a professional opens their DMP and at
every emergency access. An outbox row is written in the trace's transaction; it is sent after
the commit and, if the SMTP server is down, later by `manage.py send_notifications`.

The email says when, and where to look; never who, never what (no medical content, no title).
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
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
    transaction.on_commit(lambda: deliver(notification.pk))
    return notification


def deliver(notification_id: int) -> bool:
    """Send one pending notification. The row stays locked while it is sent, so two senders
    never both send it; on failure it stays pending for the next run. True when sent."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id, status=NotificationStatus.PENDING)
            .first()
        )
        if notification is None:
            return False
        message = EmailMultiAlternatives(
            subject=notification.subject,
            body=notification.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.to_email],
        )
        message.attach_alternative(notification.body_html, "text/html")
        notification.attempts += 1
        try:
            message.send()
        except OSError as error:  # SMTP down, refused, timed out: try again later
            notification.last_error = str(error)[:500]
            notification.save(update_fields=["attempts", "last_error"])
            logger.warning("Notification %s not sent yet: %s", notification.pk, error)
            return False
        notification.status = NotificationStatus.SENT
        notification.sent_at = timezone.now()
        notification.last_error = ""
        notification.save(update_fields=["attempts", "status", "sent_at", "last_error"])
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
