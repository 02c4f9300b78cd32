"""The one entry point that writes the access history: `record()`."""

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.client_address import client_address
from accounts.models import User
from audit import notifications, sealing
from audit.models import GENESIS_HASH, Action, ChainHead, Trace

ADMINISTRATOR_LABEL = "Administrateur du portail"


def chain_for(*, patient: object | None, actor: User | None) -> str:
    """A patient's traces form one chain; traces without a patient, one chain per actor."""
    if patient is not None:
        return f"patient:{patient.pk}"
    if actor is not None:
        return f"actor:{actor.pk}"
    return "system"


def record(
    *,
    actor: User | None,
    action: Action,
    patient: object | None = None,
    document: object | None = None,
    mode: str = "",
    details: str = "",
    actor_label: str = "",
    request: HttpRequest | None = None,
) -> Trace:
    """Write one trace, linked to the previous one of its chain, and its notification if due.

    Call it inside the action's transaction: if the trace cannot be written, the exception
    rolls the action back with it. No action without its trace, no trace without its action.
    `patient` is a patients.Patient and `document` a documents.Document (anything with `code`
    and `title`): typed loosely, because audit imports neither.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must run inside the action's transaction.")
    chain = chain_for(patient=patient, actor=actor)
    head = _lock_head(chain)
    trace = Trace(
        chain=chain,
        seq=head.seq + 1,
        prev_hash=head.hash,
        created_at=timezone.now(),
        actor=actor,
        actor_label=(actor_label or _label(actor))[:200],
        patient=patient,
        action=action,
        mode=mode,
        document_code=getattr(document, "code", None),
        document_title=(getattr(document, "title", "") or "")[:255],
        details=details[:500],
        client_address=_client_address(request),
    )
    trace.key_id = sealing.current_key_id()
    trace.hash = sealing.seal(trace.payload(), trace.key_id)
    # The patient hears of each professional once, at their first opening, unless an emergency
    # access already told them (every emergency access is notified on its own).
    first_opening = (
        action == Action.RECORD_OPENED
        and patient is not None
        and not Trace.objects.filter(
            patient=patient, actor=actor, action__in=[Action.RECORD_OPENED, Action.EMERGENCY_ACCESS]
        ).exists()
    )
    trace.save(force_insert=True)
    head.seq, head.hash = trace.seq, trace.hash
    head.save(update_fields=["seq", "hash"])
    if first_opening or action == Action.EMERGENCY_ACCESS:
        notifications.enqueue(trace=trace, patient=patient)
    return trace


def _client_address(request: HttpRequest | None) -> str | None:
    """The client's address (behind a trusted proxy, from X-Forwarded-For: accounts.client_address)
    in the canonical form the database stores, so that the hash computed now matches the row read
    back later ("2001:DB8::1" and "2001:0db8::1" are one address)."""
    return client_address(request)


def _label(actor: User | None) -> str:
    """ "PIERRE LE QUINIO (Pharmacien)" as the history shows it; "Système" without an actor; an
    administrator (no RPPS) says so, since the patient reads their traces too."""
    if actor is None:
        return "Système"
    if not actor.is_professional:
        return f"{actor.display_name} ({ADMINISTRATOR_LABEL})"
    profession = f" ({actor.profession.label})" if actor.profession_id else ""
    return f"{actor.display_name}{profession}"


def _lock_head(chain: str) -> ChainHead:
    """The chain's head, locked until the transaction ends, so that concurrent writers queue.

    PostgreSQL: an advisory transaction lock on the chain (it also covers a chain's very first
    trace, when there is no row yet to lock), then the head row. SQLite: transactions are
    IMMEDIATE (settings), so a writer already holds the database's write lock.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [chain])
    head, _ = ChainHead.objects.select_for_update().get_or_create(
        chain=chain, defaults={"seq": 0, "hash": GENESIS_HASH}
    )
    return head


_SESSION_ACTIONS = {
    "login": Action.LOGIN,
    "login_failed": Action.LOGIN_FAILED,
    "logout": Action.LOGOUT,
    "session_ended": Action.SESSION_ENDED,
    "ecps_activated": Action.ECPS_ACTIVATED,
    "ecps_suspended": Action.ECPS_SUSPENDED,
    "ecps_reactivated": Action.ECPS_REACTIVATED,
}


def record_session_event(*, request: HttpRequest, event: str, user: User | None, label: str = "") -> Trace:
    """settings.DMP_SESSION_RECORDER: logins, failed logins and logouts (no patient).

    Also the e-CPS events of the professional's account (activated, suspended, reactivated):
    they go to the professional's own chain; the portal, not the professional, suspends.
    `label` says how (card, e-CPS, administration); a failed login by an unknown card has no
    actor and goes to the "system" chain. Never a PIN, a code or a password.
    """
    action = _SESSION_ACTIONS[event]
    if user is None:
        actor_label = "Inconnu"
    elif action == Action.ECPS_SUSPENDED:
        actor_label = "Système"
    else:
        actor_label = ""
    return record(actor=user, action=action, details=label[:500], actor_label=actor_label, request=request)


ACCOUNT_ACTIONS = [action for action in _SESSION_ACTIONS.values() if action != Action.LOGOUT]


def account_history(*, user: User, limit: int) -> list[Trace]:
    """settings.DMP_ACCOUNT_HISTORY: the last logins, failed logins and e-CPS events of a
    professional, for their PARAMÉTRAGES page (one indexed query on their own chain)."""
    return list(
        Trace.objects.filter(chain=chain_for(patient=None, actor=user), action__in=ACCOUNT_ACTIONS)
        .order_by("-seq")
        .only("created_at", "action", "details", "actor_label")[:limit]
    )
