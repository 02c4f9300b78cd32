"""A database writer attacks the trace chains; verify_traces names each attack (SQLite and PostgreSQL).

The attacker holds the database (the application's own role can set the append-only triggers
aside) but neither DMP_TRACE_KEYS nor DMP_CHECKPOINT_KEYS, nor write access to the checkpoints.
"""

import pytest

from audit.models import ChainHead, Trace
from tests.audit.chains import (
    as_legacy,
    checkpoint,
    database_writer,
    rehash,
    verify_fails,
    verify_passes,
    with_a_guessed_key,
    with_the_stolen_key,
    write,
)
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("forge", "problem"),
    [
        (
            as_legacy,
            "trace sans clé (ancienne empreinte SHA-256) hors du premier point de contrôle",
        ),
        (with_a_guessed_key, "trace modifiée, ou rescellée sans la clé (son sceau ne correspond pas)"),
    ],
)
def test_a_trace_removed_and_the_rest_rehashed_is_detected(alice, forge, problem):
    patient = PatientFactory()
    traces = write(alice, patient, 4)
    with database_writer():
        Trace.objects.filter(pk=traces[1].pk).delete()
        rehash(traces[0].chain, forge, start=2)

    err = verify_fails()

    assert f"Altération détectée — chaîne {traces[0].chain}, rang 2 : {problem}" in err


def test_a_whole_chain_deleted_with_its_head_is_named_by_the_last_checkpoint(alice):
    patient, other = PatientFactory(), PatientFactory()
    traces = write(alice, patient, 3)
    write(alice, other)
    checkpoint()
    with database_writer():
        Trace.objects.filter(chain=traces[0].chain).delete()
        ChainHead.objects.filter(chain=traces[0].chain).delete()

    err = verify_fails()

    assert f"chaîne {traces[0].chain} : chaîne supprimée : le point de contrôle n° 1" in err
    assert "jusqu'au rang 3" in err
    assert f"chaîne patient:{other.pk}" not in err


def test_a_chain_truncated_at_its_end_is_detected_by_its_head(alice):
    traces = write(alice, PatientFactory(), 4)
    with database_writer():
        Trace.objects.filter(pk__in=[traces[2].pk, traces[3].pk]).delete()

    err = verify_fails()

    assert f"chaîne {traces[0].chain}, rang 3 : trace(s) manquante(s) en fin de chaîne" in err


def test_a_chain_truncated_with_its_head_rolled_back_is_detected_by_the_checkpoint(alice):
    traces = write(alice, PatientFactory(), 4)
    checkpoint()
    with database_writer():
        Trace.objects.filter(pk__in=[traces[2].pk, traces[3].pk]).delete()
        ChainHead.objects.filter(chain=traces[0].chain).update(seq=2, hash=traces[1].hash)

    err = verify_fails()

    assert f"chaîne {traces[0].chain}, rang 3 : chaîne tronquée : le point de contrôle n° 1" in err


def test_a_head_rolled_back_over_traces_still_there_is_detected(alice):
    traces = write(alice, PatientFactory(), 3)
    ChainHead.objects.filter(chain=traces[0].chain).update(seq=1, hash=traces[0].hash)

    err = verify_fails()

    assert f"chaîne {traces[0].chain}, rang 3 : tête de chaîne incohérente (elle indique le rang 1)" in err


def test_a_chain_rewritten_after_a_checkpoint_no_longer_matches_it(alice):
    # Even an attacker who stole the trace key cannot go past a checkpoint: its signing key is elsewhere.
    traces = write(alice, PatientFactory(), 3)
    checkpoint()
    with database_writer():
        Trace.objects.filter(pk=traces[0].pk).update(details="réécrit avec la clé volée")
        rehash(traces[0].chain, with_the_stolen_key, start=1)

    err = verify_fails()

    assert f"chaîne {traces[0].chain}, rang 3 : ne correspond plus au point de contrôle n° 1" in err


def test_intact_chains_under_checkpoints_pass(alice):
    patient = PatientFactory()
    write(alice, patient, 2)
    checkpoint()
    write(alice, patient, 2)  # the chain goes on after the checkpoint
    write(alice, PatientFactory())  # a chain the checkpoint does not know yet

    assert "2 chaîne(s) vérifiée(s) : aucune altération." in verify_passes()
