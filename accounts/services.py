"""Login and e-CPS services: the only code that checks a PIN, a TOTP code, or opens a session."""

import time
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

import django_otp
from django.conf import settings
from django.contrib.auth import login as auth_login
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts import emails, limits, sudo
from accounts.backends import PORTAL_BACKEND
from accounts.models import CodeOutcome, CPSCard, ECPSDevice, FailedAttempt, User
from accounts.open_sessions import session_register

# Session keys written at login and read by accounts.middleware.SessionLifetimeMiddleware.
SESSION_STARTED_AT = "dmp_session_started_at"
SESSION_LAST_SEEN_AT = "dmp_session_last_seen_at"
# Set only by the administrator login (password + TOTP code): the admin site requires it, so a
# session verified by a CPS card and its 4-digit PIN never opens the admin.
SESSION_ADMIN_LOGIN = "dmp_admin_login"


class CardRefusal(Enum):
    WRONG_PIN = "wrong_pin"
    BLOCKED = "blocked"
    INACTIVE = "inactive"
    TOO_MANY = "too_many"  # this client's limit (accounts.limits), whatever the card


@dataclass(frozen=True)
class CardCheck:
    card: CPSCard | None
    refusal: CardRefusal | None = None
    remaining: int = 0  # tries left before the card blocks, after WRONG_PIN
    retry_after: timedelta | None = None  # after TOO_MANY

    @property
    def ok(self) -> bool:
        return self.refusal is None


def card_check_pin(*, request: HttpRequest, number: str, pin: str, purpose: str = "") -> CardCheck:
    """Check a card's PIN: this client's limit first, then the card's three tries. Traced.

    An unknown (or disabled) card number answers exactly as a real card would (wrong PIN, 2
    tries left, 1, then blocked) and counts against the client, so that card numbers cannot be
    enumerated. The card's row lock (SELECT ... FOR UPDATE on PostgreSQL; SQLite serializes
    writers) keeps two concurrent attempts from both reading "2 failures" and so granting a
    fourth try; the client's lock (limits.lock) does the same for the client's count.
    `purpose` prefixes the trace ("carte 2700000001"), e.g. "confirmation d'identité".
    """
    label = f"{purpose}, carte {number}" if purpose else f"carte {number}"
    with transaction.atomic():
        wait = limits.client_retry_after(request)
        if wait is not None:
            return CardCheck(None, CardRefusal.TOO_MANY, retry_after=wait)
        card = CPSCard.objects.select_for_update().select_related("user").filter(number=number).first()
        if card is None or not (card.confirmed or card.is_blocked):
            return _unknown_card_check(request, number, label)
        if card.is_blocked:
            session_trace(request, SessionEvent.LOGIN_FAILED, user=card.user, label=f"{label} (bloquée)")
            return CardCheck(card, CardRefusal.BLOCKED)
        if not card.verify_token(pin):
            limits.add_client_failure(request)
            session_trace(request, SessionEvent.LOGIN_FAILED, user=card.user, label=label)
            if card.is_blocked:
                return CardCheck(card, CardRefusal.BLOCKED)
            return CardCheck(card, CardRefusal.WRONG_PIN, remaining=card.remaining_attempts)
        if not card.user.is_active:
            return CardCheck(card, CardRefusal.INACTIVE)
        return CardCheck(card)


def _unknown_card_check(request: HttpRequest, number: str, label: str) -> CardCheck:
    key = limits.unknown_card_key(number)
    limits.lock([key])
    earlier = len(limits.failures(key))
    session_trace(request, SessionEvent.LOGIN_FAILED, user=None, label=label)
    if earlier >= CPSCard.MAX_PIN_ATTEMPTS:
        return CardCheck(None, CardRefusal.BLOCKED)
    limits.add_client_failure(request, key)
    remaining = CPSCard.MAX_PIN_ATTEMPTS - earlier - 1
    if remaining == 0:
        return CardCheck(None, CardRefusal.BLOCKED)
    return CardCheck(None, CardRefusal.WRONG_PIN, remaining=remaining)


def ecps_device_for(user: User) -> ECPSDevice | None:
    """The professional's confirmed e-CPS device (there is at most one)."""
    return ECPSDevice.objects.filter(user=user, confirmed=True).first()


class CodeRefusal(Enum):
    WRONG = "wrong"
    REPLAYED = "replayed"  # a valid code already used: not a guess, not counted
    WAIT = "wait"  # typed before the throttle's end: not looked at, not counted
    SUSPENDED = "suspended"  # limits.ECPS_ACCOUNT reached: e-CPS refuses every code
    TOO_MANY = "too_many"  # this client's limit (accounts.limits), whatever the account


@dataclass(frozen=True)
class CodeCheck:
    refusal: CodeRefusal | None = None
    wait: timedelta | None = None  # after WAIT and TOO_MANY

    @property
    def ok(self) -> bool:
        return self.refusal is None


def ecps_code_check(
    *,
    request: HttpRequest,
    device: ECPSDevice | None,
    token: str,
    user: User | None = None,
    rpps: str = "",
    purpose: str = "",
) -> CodeCheck:
    """Check an e-CPS code: this client's limit, the account's suspension, the throttle, the
    code (once only). Wrong codes are traced; the 20th in 30 days suspends e-CPS.

    `device` None: the RPPS typed at the login's first step (`rpps`, belonging to `user` if
    anyone) has no usable e-CPS. It is answered as a device nobody uses would be (incorrect,
    wait, suspended, from the same counters), so that the login cannot tell whether an RPPS is
    known, has contact details or has activated e-CPS.
    """
    label = f"{purpose}, e-CPS" if purpose else "e-CPS"
    with transaction.atomic():
        wait = limits.client_retry_after(request)
        if wait is not None:
            return CodeCheck(CodeRefusal.TOO_MANY, wait=wait)
        if device is None:
            return _phantom_code_check(request, user, rpps, label)
        device = ECPSDevice.objects.select_for_update().select_related("user").get(pk=device.pk)
        owner = device.user
        if owner.ecps_suspended_at is not None:
            return CodeCheck(CodeRefusal.SUSPENDED)
        outcome, locked_until = device.check_code(token)
        if outcome == CodeOutcome.ACCEPTED:
            return CodeCheck()
        if outcome == CodeOutcome.WAIT:
            return CodeCheck(CodeRefusal.WAIT, wait=locked_until - timezone.now())
        session_trace(request, SessionEvent.LOGIN_FAILED, user=owner, label=label)
        if outcome == CodeOutcome.REPLAYED:
            return CodeCheck(CodeRefusal.REPLAYED)
        account = limits.ecps_account_key(user_pk=owner.pk)
        limits.add_client_failure(request, account)
        wrong_codes = len(limits.failures(account))
        if wrong_codes >= limits.ECPS_ACCOUNT.max_failures:
            _ecps_suspend(request, owner, wrong_codes)
            return CodeCheck(CodeRefusal.SUSPENDED)
        return CodeCheck(CodeRefusal.WRONG)


def _phantom_code_check(request: HttpRequest, user: User | None, rpps: str, label: str) -> CodeCheck:
    account = limits.ecps_account_key(rpps=rpps)
    limits.lock([account])
    earlier = limits.failures(account)
    if len(earlier) >= limits.ECPS_ACCOUNT.max_failures:
        return CodeCheck(CodeRefusal.SUSPENDED)
    if earlier:
        wait = earlier[0] + ECPSDevice.throttle_delay(len(earlier)) - timezone.now()
        if wait > timedelta(0):
            return CodeCheck(CodeRefusal.WAIT, wait=wait)
    session_trace(request, SessionEvent.LOGIN_FAILED, user=user, label=label)
    limits.add_client_failure(request, account)
    if len(earlier) + 1 >= limits.ECPS_ACCOUNT.max_failures:
        return CodeCheck(CodeRefusal.SUSPENDED)
    return CodeCheck(CodeRefusal.WRONG)


def _ecps_suspend(request: HttpRequest, user: User, wrong_codes: int) -> None:
    """Suspend e-CPS (the card still works), tell the professional, trace it in their chain."""
    User.objects.filter(pk=user.pk).update(ecps_suspended_at=timezone.now())
    window = limits.ECPS_ACCOUNT.window.days
    details = f"{wrong_codes} codes erronés en {window} jours"
    session_trace(request, SessionEvent.ECPS_SUSPENDED, user=user, label=details)
    emails.notify_professional(user, emails.AccountEmail.ECPS_SUSPENDED, details=details)


def ecps_counters_reset(user: User) -> None:
    """A fresh start for the account's window of wrong codes (after a proven reactivation, or
    the demo's reset)."""
    FailedAttempt.objects.filter(key=limits.ecps_account_key(user_pk=user.pk).digest).delete()


@transaction.atomic
def ecps_reactivate(*, request: HttpRequest, user: User, by: User | None = None) -> None:
    """Lift an e-CPS suspension: the professional after a CPS-card proof (sudo mode, card only),
    or an administrator (`by`). Traced in the professional's chain; the professional is told."""
    User.objects.filter(pk=user.pk).update(ecps_suspended_at=None)
    user.ecps_suspended_at = None
    ecps_counters_reset(user)
    ECPSDevice.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    details = f"par l'administrateur {by.display_name}" if by else "après confirmation par carte CPS"
    session_trace(request, SessionEvent.ECPS_REACTIVATED, user=user, label=details)
    emails.notify_professional(user, emails.AccountEmail.ECPS_REACTIVATED, details=details)


def ecps_activation_start(*, user: User) -> ECPSDevice:
    """The pending (unconfirmed) device for a new e-CPS activation, made on first call."""
    device = ECPSDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = ECPSDevice.objects.create(user=user, name="e-CPS", confirmed=False)
    return device


@transaction.atomic
def ecps_activation_confirm(
    *, request: HttpRequest, user: User, token: str
) -> tuple[ECPSDevice | None, CodeCheck]:
    """Confirm the pending device with its first code; it then replaces any earlier one and
    lifts a suspension (the view demanded a fresh proof: sudo mode). Traced and notified.

    Returns the confirmed device (None when the code is refused, with why): a session that was
    verified by the replaced device must be moved onto it, or the professional is logged out.
    """
    device = ECPSDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None:
        return None, CodeCheck(CodeRefusal.WRONG)
    outcome, locked_until = device.check_code(token)
    if outcome == CodeOutcome.WAIT:
        return None, CodeCheck(CodeRefusal.WAIT, wait=locked_until - timezone.now())
    if outcome != CodeOutcome.ACCEPTED:
        return None, CodeCheck(CodeRefusal.WRONG)
    replaced = ECPSDevice.objects.filter(user=user, confirmed=True).delete()[0] > 0
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    if user.ecps_suspended_at is not None:
        User.objects.filter(pk=user.pk).update(ecps_suspended_at=None)
        user.ecps_suspended_at = None
        ecps_counters_reset(user)
    details = "remplacement de l'application précédente" if replaced else "première activation"
    session_trace(request, SessionEvent.ECPS_ACTIVATED, user=user, label=details)
    emails.notify_professional(user, emails.AccountEmail.ECPS_ACTIVATED, details=details)
    return device, CodeCheck()


class SessionEvent(Enum):
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    SESSION_ENDED = "session_ended"  # another of one's sessions, ended from "Mes sessions"
    ECPS_ACTIVATED = "ecps_activated"
    ECPS_SUSPENDED = "ecps_suspended"
    ECPS_REACTIVATED = "ecps_reactivated"


def session_trace(request: HttpRequest, event: SessionEvent, *, user: User | None, label: str = "") -> None:
    """Trace a login, a failed login or a logout through the recorder named in settings.

    accounts sits below audit (DESIGN.md §2: audit imports accounts, never the reverse), so the
    recorder is plugged in by its dotted path, like an authentication backend: by default
    audit.services.record_session_event, which writes the trace in the caller's transaction.

    A failed login with no known account would go to the one chain all such failures share:
    it is written only when limits.anonymous_trace_due says so (one bounded bucket).
    """
    if event == SessionEvent.LOGIN_FAILED and user is None and not limits.anonymous_trace_due(request):
        return
    recorder = import_string(settings.DMP_SESSION_RECORDER)
    recorder(request=request, event=event.value, user=user, label=label)


@transaction.atomic
def session_open(request: HttpRequest, *, user: User, device: CPSCard | ECPSDevice) -> None:
    """Log the user in, verified by `device`, with a fresh session key and fresh clocks; traced."""
    # auth_login rotates the session key (or flushes a session of another user), so a
    # session id planted before the login is worth nothing after it.
    auth_login(request, user, backend=PORTAL_BACKEND)
    django_otp.login(request, device)
    now = time.time()
    request.session[SESSION_STARTED_AT] = now
    request.session[SESSION_LAST_SEEN_AT] = now
    session_register(request, user=user, device=device)  # "Mes sessions"
    sudo.grant(request, card=isinstance(device, CPSCard))
    session_trace(request, SessionEvent.LOGIN, user=user, label=device.name)
