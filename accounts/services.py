"""Login and e-CPS services: the only code that checks a PIN, a TOTP code, or opens a session."""

import time
from dataclasses import dataclass
from enum import Enum

import django_otp
from django.conf import settings
from django.contrib.auth import login as auth_login
from django.db import transaction
from django.http import HttpRequest
from django.utils.module_loading import import_string

from accounts.models import CPSCard, ECPSDevice, User
from accounts.open_sessions import session_register

# Session keys written at login and read by accounts.middleware.SessionLifetimeMiddleware.
SESSION_STARTED_AT = "dmp_session_started_at"
SESSION_LAST_SEEN_AT = "dmp_session_last_seen_at"
# Set only by the administrator login (password + TOTP code): the admin site requires it, so a
# session verified by a CPS card and its 4-digit PIN never opens the admin.
SESSION_ADMIN_LOGIN = "dmp_admin_login"


class CardRefusal(Enum):
    UNKNOWN = "unknown"
    WRONG_PIN = "wrong_pin"
    BLOCKED = "blocked"
    INACTIVE = "inactive"


@dataclass(frozen=True)
class CardCheck:
    card: CPSCard | None
    refusal: CardRefusal | None = None

    @property
    def ok(self) -> bool:
        return self.refusal is None


def card_check_pin(*, number: str, pin: str) -> CardCheck:
    """Check a card's PIN, counting consecutive failures under a row lock.

    The lock (SELECT ... FOR UPDATE on PostgreSQL; SQLite serializes writers) keeps two
    concurrent attempts from both reading "2 failures" and so granting a fourth try.
    """
    with transaction.atomic():
        card = CPSCard.objects.select_for_update().select_related("user").filter(number=number).first()
        if card is None:
            return CardCheck(None, CardRefusal.UNKNOWN)
        if card.is_blocked:
            return CardCheck(card, CardRefusal.BLOCKED)
        if not card.confirmed:
            return CardCheck(None, CardRefusal.UNKNOWN)
        if not card.verify_token(pin):
            return CardCheck(card, CardRefusal.BLOCKED if card.is_blocked else CardRefusal.WRONG_PIN)
        if not card.user.is_active:
            return CardCheck(card, CardRefusal.INACTIVE)
        return CardCheck(card)


def ecps_device_for(user: User) -> ECPSDevice | None:
    """The professional's confirmed e-CPS device (there is at most one)."""
    return ECPSDevice.objects.filter(user=user, confirmed=True).first()


def ecps_check_code(*, device: ECPSDevice, token: str) -> bool:
    """Verify a TOTP code: throttled by django-otp, and a code is accepted only once."""
    return django_otp.verify_token(device.user, device.persistent_id, token) is not None


def ecps_activation_start(*, user: User) -> ECPSDevice:
    """The pending (unconfirmed) device for a new e-CPS activation, made on first call."""
    device = ECPSDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = ECPSDevice.objects.create(user=user, name="e-CPS", confirmed=False)
    return device


@transaction.atomic
def ecps_activation_confirm(*, user: User, token: str) -> ECPSDevice | None:
    """Confirm the pending device with its first code; it then replaces any earlier one.

    Returns the confirmed device (None when the code is wrong): a session that was verified by
    the replaced device must be moved onto it, or the professional is logged out.
    """
    device = ECPSDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(token):
        return None
    ECPSDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


class SessionEvent(Enum):
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    SESSION_ENDED = "session_ended"  # another of one's sessions, ended from "Mes sessions"


def session_trace(request: HttpRequest, event: SessionEvent, *, user: User | None, label: str = "") -> None:
    """Trace a login, a failed login or a logout through the recorder named in settings.

    accounts sits below audit (DESIGN.md §2: audit imports accounts, never the reverse), so the
    recorder is plugged in by its dotted path, like an authentication backend: by default
    audit.services.record_session_event, which writes the trace in the caller's transaction.
    """
    recorder = import_string(settings.DMP_SESSION_RECORDER)
    recorder(request=request, event=event.value, user=user, label=label)


@transaction.atomic
def session_open(request: HttpRequest, *, user: User, device: CPSCard | ECPSDevice) -> None:
    """Log the user in, verified by `device`, with a fresh session key and fresh clocks; traced."""
    # auth_login rotates the session key (or flushes a session of another user), so a
    # session id planted before the login is worth nothing after it.
    auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    django_otp.login(request, device)
    now = time.time()
    request.session[SESSION_STARTED_AT] = now
    request.session[SESSION_LAST_SEEN_AT] = now
    session_register(request, user=user, device=device)  # "Mes sessions"
    session_trace(request, SessionEvent.LOGIN, user=user, label=device.name)
