"""Trace keys rotate (a keyring: id -> key), and traces sealed before keys existed stay
verifiable once the first signed checkpoint vouches for them (audit/sealing.py)."""

import pytest
from django.db import connection, transaction

from audit.models import Action, Trace
from audit.services import record
from tests.audit.chains import (
    as_legacy,
    checkpoint,
    database_writer,
    rehash,
    verify_fails,
    verify_passes,
    write,
)
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

KEY_A = {"key-a": b"first-trace-key-of-at-least-32-chars!"}
KEY_B = {"key-b": b"second-trace-key-of-at-least-32-chars"}


def test_new_traces_use_the_current_key_and_old_ones_stay_verifiable(alice, settings):
    patient = PatientFactory()
    settings.DMP_TRACE_KEYS = KEY_A
    before = write(alice, patient, 2)
    settings.DMP_TRACE_KEYS = {**KEY_B, **KEY_A}  # B seals from now on, A is retired
    after = write(alice, patient, 2)

    assert [trace.key_id for trace in before + after] == ["key-a", "key-a", "key-b", "key-b"]
    assert "1 chaîne(s) vérifiée(s) : aucune altération." in verify_passes()


def test_a_retired_key_removed_from_the_keyring_is_reported(alice, settings):
    patient = PatientFactory()
    settings.DMP_TRACE_KEYS = KEY_A
    write(alice, patient)
    settings.DMP_TRACE_KEYS = KEY_B
    write(alice, patient)

    assert (
        f"chaîne patient:{patient.pk}, rang 1 : scellée par la clé « key-a », absente du trousseau "
        "DMP_TRACE_KEYS (clé retirée puis supprimée ?)"
    ) in verify_fails()


def test_a_trace_cannot_be_passed_off_under_another_key(alice, settings):
    settings.DMP_TRACE_KEYS = {**KEY_B, **KEY_A}
    trace = write(alice, PatientFactory())[0]
    with database_writer():
        Trace.objects.filter(pk=trace.pk).update(key_id="key-a")

    assert "rang 1 : trace modifiée, ou rescellée sans la clé" in verify_fails()


def _written_before_keys(alice, patient, count: int) -> list[Trace]:
    """Traces as the former unkeyed chain sealed them (what the migration leaves behind)."""
    traces = write(alice, patient, count)
    with database_writer():
        rehash(traces[0].chain, as_legacy, start=1)
    return traces


def test_traces_sealed_before_keys_verify_once_the_first_checkpoint_covers_them(alice):
    patient = PatientFactory()
    _written_before_keys(alice, patient, 3)
    checkpoint()  # run right after the migration (README)
    write(alice, patient, 2)  # keyed traces go on from the legacy ones

    assert "1 chaîne(s) vérifiée(s) : aucune altération." in verify_passes()


def test_unkeyed_traces_no_checkpoint_covers_are_reported(alice):
    patient = PatientFactory()
    _written_before_keys(alice, patient, 2)

    assert (
        f"chaîne patient:{patient.pk}, rang 1 : trace sans clé (ancienne empreinte SHA-256)" in verify_fails()
    )


def test_an_unkeyed_trace_added_after_the_first_checkpoint_is_reported_even_once_checkpointed(alice):
    # A later checkpoint names whatever the database holds: only the first one vouches for SHA-256.
    patient = PatientFactory()
    traces = write(alice, patient, 2)
    checkpoint()
    write(alice, patient)
    with database_writer():
        rehash(traces[0].chain, as_legacy, start=3)
    checkpoint()

    assert (
        f"chaîne patient:{patient.pk}, rang 3 : trace sans clé (ancienne empreinte SHA-256) hors du premier "
        "point de contrôle"
    ) in verify_fails()


def test_unkeyed_traces_rewritten_before_the_first_checkpoint_no_longer_match_it(alice):
    patient = PatientFactory()
    traces = _written_before_keys(alice, patient, 3)
    checkpoint()
    with database_writer():
        Trace.objects.filter(pk=traces[0].pk).update(details="réécrit")
        rehash(traces[0].chain, as_legacy, start=1)

    assert "rang 3 : ne correspond plus au point de contrôle n° 1" in verify_fails()


def test_sealing_adds_no_query_to_writing_a_trace(alice, django_assert_num_queries):
    patient = PatientFactory()
    write(alice, patient)
    # PostgreSQL also takes the chain's advisory lock; then the head, the trace, the head again.
    expected = 4 if connection.vendor == "postgresql" else 3

    with transaction.atomic(), django_assert_num_queries(expected):
        record(actor=alice, patient=patient, action=Action.HISTORY_VIEWED)
