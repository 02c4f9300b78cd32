"""Helpers of the trace-chain tests: write traces, run the commands, and do what an attacker
holding the database does (set the append-only triggers aside, as the application's own role
can, and rewrite rows, without DMP_TRACE_KEYS or DMP_CHECKPOINT_KEYS unless a test says so).
"""

import hashlib
import hmac
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from audit import sealing, triggers
from audit.models import GENESIS_HASH, Action, ChainHead, Trace
from audit.sealing import LEGACY_KEY_ID
from audit.services import record


def write(actor, patient, count: int = 1) -> list[Trace]:
    """`count` traces of the actor opening the patient's DMP, each in its own transaction."""
    traces = []
    for _ in range(count):
        with transaction.atomic():
            traces.append(record(actor=actor, patient=patient, action=Action.RECORD_OPENED))
    return traces


def checkpoint() -> str:
    out = io.StringIO()
    call_command("checkpoint_traces", stdout=out)
    return out.getvalue()


def verify_fails() -> str:
    """The findings verify_traces prints, as it exits non-zero."""
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_traces", stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def verify_passes() -> str:
    out = io.StringIO()
    call_command("verify_traces", stdout=out, stderr=io.StringIO())
    return out.getvalue()


@contextmanager
def database_writer() -> Iterator[None]:
    """The triggers out of the way, as the attacker would: the table's owner (the application's
    role) disables them on PostgreSQL, drops them on SQLite; then puts them back, to leave no
    sign. (The test's transaction first settles its pending foreign-key checks, which a separate
    attacker's session would not have.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_trace DISABLE TRIGGER USER")
        yield
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_trace ENABLE TRIGGER USER")
    else:
        triggers.uninstall(connection)
        yield
        triggers.install(connection)


def rehash(chain: str, seal: Callable[[Trace], None], start: int) -> None:
    """Renumber and relink what is left of a chain from rank `start` on, resealing each trace
    there with `seal`, and move its head along: every link and the head agree again."""
    prev = GENESIS_HASH
    for seq, trace in enumerate(Trace.objects.filter(chain=chain).order_by("seq"), start=1):
        if seq >= start:
            trace.seq, trace.prev_hash = seq, prev
            seal(trace)
            Trace.objects.filter(pk=trace.pk).update(
                seq=trace.seq, prev_hash=trace.prev_hash, key_id=trace.key_id, hash=trace.hash
            )
        prev = trace.hash
    ChainHead.objects.filter(chain=chain).update(seq=seq, hash=prev)


def as_legacy(trace: Trace) -> None:
    """The former unkeyed SHA-256, which anyone can compute."""
    trace.key_id = LEGACY_KEY_ID
    trace.hash = hashlib.sha256(trace.payload()).hexdigest()


def with_the_stolen_key(trace: Trace) -> None:
    trace.hash = sealing.seal(trace.payload(), trace.key_id)


def with_a_guessed_key(trace: Trace) -> None:
    """The real key id, a key the attacker does not have."""
    trace.hash = hmac.new(b"guessed" * 8, trace.payload(), hashlib.sha256).hexdigest()
