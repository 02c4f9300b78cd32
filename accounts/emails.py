"""What the professional is told by email about their own account: e-CPS activated, replaced,
suspended or reactivated. Never a secret (no code, no PIN, no QR key), never a link to follow:
the mail says what happened and when, and what to do if it was not them.

Sent once the transaction commits (nothing is announced that was rolled back); a mail server
that is down loses the mail, not the change, which stays in the professional's history and on
their PARAMÉTRAGES page.
"""

import logging
from enum import Enum

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User

logger = logging.getLogger(__name__)


class AccountEmail(Enum):
    ECPS_ACTIVATED = "Une application e-CPS a été activée sur votre compte"
    ECPS_SUSPENDED = "Votre application e-CPS est suspendue"
    ECPS_REACTIVATED = "Votre application e-CPS a été réactivée"

    @property
    def template(self) -> str:
        return f"accounts/email/{self.name.lower()}.txt"


def notify_professional(user: User, kind: AccountEmail, *, details: str = "") -> None:
    """Email `user` about `kind` after the commit (nothing when the directory has no email)."""
    if not user.email:
        return
    body = render_to_string(
        kind.template,
        {
            "name": user.display_name,
            "when": timezone.localtime().strftime("%d/%m/%Y à %H:%M"),
            "details": details,
        },
    )
    transaction.on_commit(lambda: _send(kind.value, body, user.email), robust=True)


def _send(subject: str, body: str, to: str) -> None:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    except Exception as error:  # SMTP down or refused: the change stands, the history shows it
        logger.warning("Account email %r to %s not sent: %s", subject, to, error)
