"""A database writer attacks the trace chains; verify_traces names each attack (SQLite and PostgreSQL).

The attacker holds the database (the application's own role can set the append-only triggers
aside) but neither DMP_TRACE_KEYS nor DMP_CHECKPOINT_KEYS, nor write access to the checkpoints.
"""

import hashlib
import hmac
import io
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from audit import sealing, triggers
from audit.models import GENESIS_HASH, Action, ChainHead, Trace
from audit.sealing import LEGACY_KEY_ID
from audit.services import record
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def _write(actor, patient, count: int = 1) -> list[Trace]:
    traces = []
    for _ in range(count):
        with transaction.atomic():
            traces.append(record(actor=actor, patient=patient, action=Action.RECORD_OPENED))
    return traces


def _verify() -> tuple[str, str]:
    """(stdout, stderr) of verify_traces, which must fail."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_traces", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _verify_passes() -> str:
    out = io.StringIO()
    call_command("verify_traces", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _checkpoint() -> None:
    call_command("checkpoint_traces", stdout=io.StringIO())


@contextmanager
def _database_writer() -> Iterator[None]:
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


def _rehash(chain: str, seal, start: int) -> None:
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


def _as_legacy(trace: Trace) -> None:
    """The former unkeyed SHA-256, which anyone can compute."""
    trace.key_id = LEGACY_KEY_ID
    trace.hash = hashlib.sha256(trace.payload()).hexdigest()


def _with_the_stolen_key(trace: Trace) -> None:
    trace.hash = sealing.seal(trace.payload(), trace.key_id)


def _with_a_guessed_key(trace: Trace) -> None:
    """The real key id, a key the attacker does not have."""
    trace.hash = hmac.new(b"guessed" * 8, trace.payload(), hashlib.sha256).hexdigest()


@pytest.mark.parametrize(
    ("forge", "problem"),
    [
        (
            _as_legacy,
            "trace sans clé (ancienne empreinte SHA-256) qu'aucun premier point de contrôle ne couvre",
        ),
        (_with_a_guessed_key, "trace modifiée, ou rescellée sans la clé (son sceau ne correspond pas)"),
    ],
)
def test_a_trace_removed_and_the_rest_rehashed_is_detected(alice, forge, problem):
    patient = PatientFactory()
    traces = _write(alice, patient, 4)
    with _database_writer():
        Trace.objects.filter(pk=traces[1].pk).delete()
        _rehash(traces[0].chain, forge, start=2)

    _, err = _verify()

    assert f"Altération détectée — chaîne {traces[0].chain}, rang 2 : {problem}" in err


def test_a_whole_chain_deleted_with_its_head_is_named_by_the_last_checkpoint(alice):
    patient, other = PatientFactory(), PatientFactory()
    traces = _write(alice, patient, 3)
    _write(alice, other)
    _checkpoint()
    with _database_writer():
        Trace.objects.filter(chain=traces[0].chain).delete()
        ChainHead.objects.filter(chain=traces[0].chain).delete()

    _, err = _verify()

    assert f"chaîne {traces[0].chain} : chaîne supprimée : le point de contrôle n° 1" in err
    assert "jusqu'au rang 3" in err
    assert f"chaîne patient:{other.pk}" not in err


def test_a_chain_truncated_at_its_end_is_detected_by_its_head(alice):
    traces = _write(alice, PatientFactory(), 4)
    with _database_writer():
        Trace.objects.filter(pk__in=[traces[2].pk, traces[3].pk]).delete()

    _, err = _verify()

    assert f"chaîne {traces[0].chain}, rang 3 : trace(s) manquante(s) en fin de chaîne" in err


def test_a_chain_truncated_with_its_head_rolled_back_is_detected_by_the_checkpoint(alice):
    traces = _write(alice, PatientFactory(), 4)
    _checkpoint()
    with _database_writer():
        Trace.objects.filter(pk__in=[traces[2].pk, traces[3].pk]).delete()
        ChainHead.objects.filter(chain=traces[0].chain).update(seq=2, hash=traces[1].hash)

    _, err = _verify()

    assert f"chaîne {traces[0].chain}, rang 3 : chaîne tronquée : le point de contrôle n° 1" in err


def test_a_head_rolled_back_over_traces_still_there_is_detected(alice):
    traces = _write(alice, PatientFactory(), 3)
    ChainHead.objects.filter(chain=traces[0].chain).update(seq=1, hash=traces[0].hash)

    _, err = _verify()

    assert f"chaîne {traces[0].chain}, rang 3 : tête de chaîne incohérente (elle indique le rang 1)" in err


def test_a_chain_rewritten_after_a_checkpoint_no_longer_matches_it(alice):
    # Even an attacker who stole the trace key cannot go past a checkpoint: its signing key is elsewhere.
    traces = _write(alice, PatientFactory(), 3)
    _checkpoint()
    with _database_writer():
        Trace.objects.filter(pk=traces[0].pk).update(details="réécrit avec la clé volée")
        _rehash(traces[0].chain, _with_the_stolen_key, start=1)

    _, err = _verify()

    assert f"chaîne {traces[0].chain}, rang 3 : ne correspond plus au point de contrôle n° 1" in err


def test_intact_chains_under_checkpoints_pass(alice):
    patient = PatientFactory()
    _write(alice, patient, 2)
    _checkpoint()
    _write(alice, patient, 2)  # the chain goes on after the checkpoint
    _write(alice, PatientFactory())  # a chain the checkpoint does not know yet

    assert "2 chaîne(s) vérifiée(s) : aucune altération." in _verify_passes()
