"""How many wrong secrets may be sent, by whom: sliding-window counters kept in the database.

A real CPS card's PIN is checked by its chip, in the reader, in the professional's hands; here
the server checks it, and e-CPS codes too, so the server must bound who can try. Each wrong
secret (card PIN, unknown card number, e-CPS code) is one `FailedAttempt` row per key it counts
against; a key is refused once it holds `max_failures` rows younger than `window`. The numbers:

- CLIENT_SESSION, 10 wrong secrets per 15 minutes for one browser session; CLIENT_ADDRESS, 30
  per hour, and CLIENT_ADDRESS_DAY, 100 per 24 hours, for one client address. A stranger trying
  2 PINs on each of many cards (staying under each card's 3) is stopped after 10 (5 cards) in
  their session, and after 30 an hour, 100 a day, however often they drop their cookies; no
  card blocks. A PIN has 4 digits: 100 guesses a day are a 1 % chance a day per address of
  finding the PIN of a card whose number they know (unknown numbers get the same answer as
  real ones), each wrong PIN is traced in the card holder's history, and each card still dies
  at its 3rd. Only that session or address is refused: professionals elsewhere notice nothing.
  A hospital whose workstations share one public address shares its budget: a whole site's
  honest mistakes stay well below it, but a stranger on that network can spend it and keep
  that site from logging in for an hour (a day at worst); nobody elsewhere is affected.
- ECPS_ACCOUNT, 20 wrong codes per 30 days for one e-CPS account, after which e-CPS is
  suspended (services.ecps_code_check). Staying under it allows 19 guesses a month, 231 a year;
  each guess matches one of at most 3 valid codes (the current one and its neighbours, drift
  tolerance) among 10^6: below 0.07 % a year per account, and 20 x 3 / 10^6 = 0.006 % for a
  burst before the suspension. The owner meets it only with a phone whose clock is off (the
  page points to the clock from the third refusal).
- UNKNOWN_CARD, 3 per 30 days per unknown card number: an unknown card answers exactly as a
  real one (2 tries left, 1, then blocked), so card numbers cannot be enumerated.
- ANONYMOUS_TRACE_*: failed logins with no known account (unknown card, unknown RPPS, wrong
  administrator name) are written to the shared "system" trace chain at most once per client
  address per 15 minutes and 100 times per 15 minutes in all; every one is still logged.

Rows are pruned as new ones come (`prune`), so the table holds only unexpired rows: at most
the limits above per key.

Concurrency: on PostgreSQL the counted keys are locked (transaction-scoped advisory locks, in a
fixed order) between counting and adding, so N simultaneous tries count exactly; SQLite's
IMMEDIATE transactions (settings) already serialise writers. The lock holds one client's own
attempts in a queue; other clients are not affected.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Subquery
from django.http import HttpRequest
from django.utils import timezone

from accounts.client_address import client_address
from accounts.models import CPSCard, FailedAttempt

security_log = logging.getLogger("accounts.security")


@dataclass(frozen=True)
class Limit:
    name: str
    default_max: int
    window: timedelta
    setting: str = ""  # a setting that overrides default_max, if any

    @property
    def max_failures(self) -> int:
        return getattr(settings, self.setting, self.default_max) if self.setting else self.default_max


CLIENT_SESSION = Limit("session", 10, timedelta(minutes=15))
# A training room whose 40 trainees each block their card on purpose, behind one address,
# raises these two (DMP_LOGIN_FAILURES_PER_ADDRESS_HOUR / _DAY).
CLIENT_ADDRESS = Limit("address", 30, timedelta(hours=1), "DMP_LOGIN_FAILURES_PER_ADDRESS_HOUR")
CLIENT_ADDRESS_DAY = Limit("address-day", 100, timedelta(days=1), "DMP_LOGIN_FAILURES_PER_ADDRESS_DAY")
ECPS_ACCOUNT = Limit("ecps", 20, timedelta(days=30))
UNKNOWN_CARD = Limit("card", CPSCard.MAX_PIN_ATTEMPTS, timedelta(days=30))
ANONYMOUS_TRACE_PER_CLIENT = Limit("trace-address", 1, timedelta(minutes=15))
ANONYMOUS_TRACE_ALL = Limit("trace-all", 100, timedelta(minutes=15))

# Each failure deletes at most this many expired rows: the table shrinks faster than it grows.
PRUNE_BATCH = 100


@dataclass(frozen=True)
class Key:
    """One counter: a limit and what it counts (stored as a digest, never in clear)."""

    limit: Limit
    digest: str

    @classmethod
    def of(cls, limit: Limit, value: str) -> "Key":
        return cls(limit, hashlib.sha256(f"{limit.name}:{value}".encode()).hexdigest())


def _client(request: HttpRequest) -> str:
    """The client's address as the one function decides it (trusted proxies included); an
    unusable peer address counts under one shared empty key rather than escaping the limit."""
    return client_address(request) or ""


def client_keys(request: HttpRequest) -> list[Key]:
    """The client's counters: its address, and its session once it has one."""
    address = _client(request)
    keys = [Key.of(CLIENT_ADDRESS, address), Key.of(CLIENT_ADDRESS_DAY, address)]
    if request.session.session_key:
        keys.append(Key.of(CLIENT_SESSION, request.session.session_key))
    return keys


def ecps_account_key(*, user_pk: int | None = None, rpps: str = "") -> Key:
    """The e-CPS account's counter: the device's owner, or the RPPS typed when there is none."""
    return Key.of(ECPS_ACCOUNT, f"user:{user_pk}" if user_pk is not None else f"rpps:{rpps}")


def unknown_card_key(number: str) -> Key:
    return Key.of(UNKNOWN_CARD, number)


def lock(keys: list[Key]) -> None:
    """Queue concurrent attempts on the same keys until the caller's transaction ends."""
    if connection.vendor != "postgresql":
        return  # SQLite: the IMMEDIATE transaction already holds the database's write lock
    with connection.cursor() as cursor:
        for digest in sorted({key.digest for key in keys}):
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"limit:{digest}"])


def failures(key: Key, *, now: datetime | None = None) -> list[datetime]:
    """The key's failures within its window, the latest first (at most max_failures)."""
    now = now or timezone.now()
    return list(
        FailedAttempt.objects.filter(key=key.digest, at__gt=now - key.limit.window)
        .order_by("-at")
        .values_list("at", flat=True)[: key.limit.max_failures]
    )


def retry_after(keys: list[Key], *, now: datetime | None = None) -> timedelta | None:
    """None when no key is full; else how long until the last full one frees a place."""
    now = now or timezone.now()
    waits = []
    for key in keys:
        times = failures(key, now=now)
        if len(times) >= key.limit.max_failures:
            waits.append(times[-1] + key.limit.window - now)
    return max(waits) if waits else None


def client_retry_after(request: HttpRequest) -> timedelta | None:
    """Lock this client's counters (see `lock`) and say whether it must wait."""
    keys = client_keys(request)
    lock(keys)
    return retry_after(keys)


def add(keys: list[Key], *, now: datetime | None = None) -> None:
    """Count one failure against each key, and prune expired rows."""
    now = now or timezone.now()
    FailedAttempt.objects.bulk_create(
        [FailedAttempt(key=key.digest, at=now, expires_at=now + key.limit.window) for key in keys]
    )
    prune(now=now)


def add_client_failure(request: HttpRequest, *extra: Key) -> None:
    """Count a wrong secret against this client (and `extra` keys). The session is created if
    needed, so that a client keeping its cookies meets the lower per-session limit."""
    if not request.session.session_key:
        request.session.save()
    add([*client_keys(request), *extra])
    security_log.info("wrong secret from %s", _client(request))


def prune(*, now: datetime | None = None) -> int:
    """Delete up to PRUNE_BATCH expired rows, skipping rows another pruner holds."""
    now = now or timezone.now()
    expired = (
        FailedAttempt.objects.filter(expires_at__lt=now)
        .select_for_update(skip_locked=True)
        .values("pk")[:PRUNE_BATCH]
    )
    deleted, _ = FailedAttempt.objects.filter(pk__in=Subquery(expired)).delete()
    return deleted


def anonymous_trace_due(request: HttpRequest) -> bool:
    """Whether this failed login with no known account goes to the shared "system" chain.

    Every writer of that chain waits for the previous one, so a flood would stall them all:
    one trace per client address per 15 minutes, 100 per 15 minutes in all; the others are
    only logged (accounts.security). Unlocked: concurrent callers may overshoot by a few.
    """
    keys = [Key.of(ANONYMOUS_TRACE_PER_CLIENT, _client(request)), Key.of(ANONYMOUS_TRACE_ALL, "")]
    if retry_after(keys) is not None:
        security_log.warning("failed login without account from %s (not traced)", _client(request))
        return False
    add(keys)
    return True
