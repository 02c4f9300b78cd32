""" "Mes sessions": which sessions a professional has open, and ending the ones they do not recognise.

An OpenSession row stands beside each logged-in session (wherever SESSION_ENGINE keeps it: the
database here, shared by every process). It holds the SHA-256 of the session key, never the key,
so that reading this table lets nobody take a session over. Life of a row:
- written by `session_register` when accounts.services.session_open logs someone in;
- refreshed by `session_touch` (accounts.middleware, at most once a minute per session);
- deleted at logout (`session_forget`, on Django's user_logged_out signal, which every logout
  sends: the button, the idle and maximum-age expiry, a refused second factor), when it is
  found expired (`sessions_of`, `session_register`), and when the professional ends it.

Ending a session deletes the session itself, so its next request is anonymous whichever process
serves it. Only the key's hash is known, so the session row is found by hashing the keys of the
open sessions in the database (SHA-256 is built into SQLite through Django and into PostgreSQL):
one scan of the open sessions, for an action a professional takes rarely and on purpose (measured:
about 0.25 s with 20,000 open sessions, on SQLite as on PostgreSQL).
"""

import hashlib
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import import_module

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from accounts.client_address import client_address
from accounts.models import CPSCard, LoginMethod, OpenSession, User

# Session key of the last refresh of the session's row (epoch seconds): at most one write a minute.
SESSION_LISTED_AT = "dmp_session_listed_at"
TOUCH_EVERY_SECONDS = 60
# "Mes sessions" shows the most recently active ones; ending all the others reaches every one.
LISTED_AT_MOST = 50


def key_hash(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()


def _current_hash(request: HttpRequest) -> str | None:
    key = request.session.session_key
    return key_hash(key) if key else None


# --- the browser, in a few words -------------------------------------------------------------------

# First match wins: Edge and Opera also say "Chrome", Chrome also says "Safari".
_BROWSERS = [
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
]
_SYSTEMS = [
    (r"Android", "Android"),
    (r"iPhone|iPad|iPod", "iOS"),
    (r"Windows", "Windows"),
    (r"Mac OS X|Macintosh", "macOS"),
    (r"CrOS", "ChromeOS"),
    (r"Linux|X11", "Linux"),
]


def browser_summary(user_agent: str) -> str:
    """ "Firefox sous Windows": the family and the system, no version (enough to recognise one's
    own computer, too little to single a browser out)."""
    browser = next((name for token, name in _BROWSERS if token in user_agent), "Navigateur inconnu")
    system = next((name for pattern, name in _SYSTEMS if re.search(pattern, user_agent)), "")
    return f"{browser} sous {system}" if system else browser


# --- writing the rows ---------------------------------------------------------------------------


def login_method(device: object) -> LoginMethod:
    return LoginMethod.CARD if isinstance(device, CPSCard) else LoginMethod.ECPS


def _stale(now: datetime) -> Q:
    """Rows whose session can no longer be used: idle too long, or older than the maximum age."""
    return Q(last_seen_at__lt=now - settings.DMP_SESSION_IDLE_TIMEOUT) | Q(
        created_at__lt=now - settings.DMP_SESSION_MAX_AGE
    )


def session_register(request: HttpRequest, *, user: User, device: object) -> OpenSession:
    """The row of a session just opened by `user` with `device` (called by session_open)."""
    if request.session.session_key is None:
        request.session.save()  # the login flushed the old session: give the new one its key
    now = timezone.now()
    OpenSession.objects.filter(_stale(now), user=user).delete()
    request.session[SESSION_LISTED_AT] = time.time()
    return OpenSession.objects.create(
        user=user,
        key_hash=key_hash(request.session.session_key),
        method=login_method(device),
        created_at=now,
        last_seen_at=now,
        client_address=client_address(request),
        browser=browser_summary(request.headers.get("User-Agent", "")),
    )


def session_touch(request: HttpRequest, *, started_at: float) -> None:
    """Record the session's activity, at most once a minute (called by the middleware for every
    logged-in request; `started_at`: the login's epoch seconds). A session opened before this
    list existed gets its row now."""
    last = request.session.get(SESSION_LISTED_AT, 0)
    if time.time() - last < TOUCH_EVERY_SECONDS or request.session.session_key is None:
        return
    request.session[SESSION_LISTED_AT] = time.time()
    now = timezone.now()
    hashed = key_hash(request.session.session_key)
    if OpenSession.objects.filter(key_hash=hashed).update(last_seen_at=now):
        return
    # No row: either never registered (opened before this feature), or ended a moment ago by
    # another request; only a session still in its store gets one.
    if request.session.exists(request.session.session_key):
        OpenSession.objects.get_or_create(
            key_hash=hashed,
            defaults={
                "user": request.user,
                "method": login_method(getattr(request.user, "otp_device", None)),
                "created_at": datetime.fromtimestamp(started_at, tz=UTC),
                "last_seen_at": now,
                "client_address": client_address(request),
                "browser": browser_summary(request.headers.get("User-Agent", "")),
            },
        )


def session_forget(request: HttpRequest | None) -> None:
    """The session is ending (logout, expiry): its row goes with it."""
    hashed = _current_hash(request) if request is not None and hasattr(request, "session") else None
    if hashed:
        OpenSession.objects.filter(key_hash=hashed).delete()


# --- reading and ending -------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionList:
    sessions: list[OpenSession]
    current: OpenSession | None
    total: int  # all the open sessions, the listed ones and the others

    @property
    def others_count(self) -> int:
        return self.total - (1 if self.current is not None else 0)

    @property
    def hidden_count(self) -> int:
        return self.total - len(self.sessions)


def sessions_of(request: HttpRequest) -> SessionList:
    """The professional's open sessions, most recently active first, at most LISTED_AT_MOST,
    the current one marked (`is_current`)."""
    user = request.user
    OpenSession.objects.filter(_stale(timezone.now()), user=user).delete()
    rows = OpenSession.objects.filter(user=user)
    listed = list(rows.order_by("-last_seen_at", "-pk")[:LISTED_AT_MOST])
    hashed = _current_hash(request)
    current = next((row for row in listed if row.key_hash == hashed), None)
    if current is None and hashed:
        current = rows.filter(key_hash=hashed).first()
    for row in listed:
        row.is_current = row is current
    total = len(listed) if len(listed) < LISTED_AT_MOST else rows.count()
    return SessionList(listed, current, total)


class _KeyHash(models.Func):
    """SHA-256 of a text column, in lowercase hex, computed by the database: Django registers SHA256
    on every SQLite connection; PostgreSQL has sha256() built in (Django's own SHA256 function
    would need the pgcrypto extension there)."""

    function = "SHA256"
    output_field = models.CharField()

    def as_postgresql(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        return self.as_sql(
            compiler,
            connection,
            template="ENCODE(SHA256(CONVERT_TO(%(expressions)s, 'UTF8')), 'hex')",
            **extra_context,
        )


def _delete_sessions(hashes: list[str]) -> None:
    """Delete the stored sessions whose key hashes to one of `hashes` (see the module docstring)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    model = store.get_model_class()
    keys = (
        model.objects.filter(expire_date__gt=timezone.now())
        .annotate(hashed=_KeyHash("session_key"))
        .filter(hashed__in=hashes)
        .values_list("session_key", flat=True)
    )
    for key in list(keys):
        store().delete(key)  # through the store, so that a cache in front of it forgets it too


@transaction.atomic
def session_end(request: HttpRequest, *, code: object) -> OpenSession | None:
    """End one of the professional's other sessions; None if it is not one of theirs (or is the
    current one: that one ends with "Se déconnecter"). Traced in the professional's chain."""
    row = (
        OpenSession.objects.select_for_update()
        .filter(user=request.user, code=code)
        .exclude(key_hash=_current_hash(request) or "")
        .first()
    )
    if row is None:
        return None
    _delete_sessions([row.key_hash])
    row.delete()
    _trace(request, describe(row))
    return row


@transaction.atomic
def sessions_end_others(request: HttpRequest) -> int:
    """End every session of the professional but the current one; how many ended. Traced."""
    rows = list(
        OpenSession.objects.select_for_update()
        .filter(user=request.user)
        .exclude(key_hash=_current_hash(request) or "")
    )
    if not rows:
        return 0
    _delete_sessions([row.key_hash for row in rows])
    OpenSession.objects.filter(pk__in=[row.pk for row in rows]).delete()
    count = len(rows)
    label = f"toutes les autres sessions ({count})" if count > 1 else describe(rows[0])
    _trace(request, label)
    return count


def _trace(request: HttpRequest, label: str) -> None:
    """ "a mis fin à une autre de ses sessions", in the professional's own chain."""
    # accounts.services opens sessions through this module, so it is imported here, when used.
    from accounts.services import SessionEvent, session_trace

    session_trace(request, SessionEvent.SESSION_ENDED, user=request.user, label=label)


def describe(row: OpenSession) -> str:
    """What the trace says of an ended session: when, how, from where (never the key)."""
    opened = timezone.localtime(row.created_at).strftime("%d/%m/%Y %H:%M")
    where = ", ".join(part for part in (row.browser, row.client_address) if part)
    return f"session ouverte le {opened} par {row.get_method_display()}" + (f" ({where})" if where else "")
