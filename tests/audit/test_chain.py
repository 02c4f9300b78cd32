"""Traces are append-only (database triggers) and hash-chained; verify_traces finds tampering."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audit import sealing, triggers
from audit.models import GENESIS_HASH, Action, ChainHead, Trace
from audit.services import record
from tests.factories import PatientFactory


def _write(actor, patient, action=Action.RECORD_OPENED, **extra) -> Trace:
    with transaction.atomic():
        return record(actor=actor, patient=patient, action=action, **extra)


def _verify() -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("verify_traces", stdout=out, stderr=err)
    return out.getvalue()


@pytest.mark.django_db
def test_each_trace_links_to_the_previous_one_of_its_patient(alice):
    patient, other = PatientFactory(), PatientFactory()
    first = _write(alice, patient)
    _write(alice, other)
    second = _write(alice, patient, Action.HISTORY_VIEWED)

    assert (first.seq, first.prev_hash) == (1, GENESIS_HASH)
    assert (second.seq, second.prev_hash) == (2, first.hash)
    assert second.key_id == "tests-a"
    assert sealing.matches(second.payload(), second.key_id, second.hash)
    assert ChainHead.objects.get(chain=f"patient:{patient.pk}").hash == second.hash


@pytest.mark.django_db
def test_traces_without_patient_chain_per_actor(alice):
    trace = _write(alice, None, Action.PATIENT_SEARCHED)

    assert trace.chain == f"actor:{alice.pk}"


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_run_outside_a_transaction(alice):
    with pytest.raises(RuntimeError):
        record(actor=alice, patient=PatientFactory(), action=Action.RECORD_OPENED)


@pytest.mark.django_db
def test_the_database_refuses_update_and_delete(alice):
    trace = _write(alice, PatientFactory())

    with pytest.raises(DatabaseError), transaction.atomic():
        Trace.objects.filter(pk=trace.pk).update(details="falsifié")
    with pytest.raises(DatabaseError), transaction.atomic():
        Trace.objects.filter(pk=trace.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_trace SET actor_label = 'X'")
    assert Trace.objects.get(pk=trace.pk).details == ""


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE exists on PostgreSQL only")
def test_postgresql_refuses_truncate(alice):
    _write(alice, PatientFactory())

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_trace CASCADE")


@pytest.mark.django_db
def test_verify_traces_passes_on_intact_chains(alice):
    patient = PatientFactory()
    for _ in range(5):
        _write(alice, patient)
    _write(alice, None, Action.PATIENT_SEARCHED)

    assert "2 chaîne(s) vérifiée(s) : aucune altération." in _verify()


def _tamper(sql: str, params: list) -> None:
    """An attacker with database access: triggers off, raw SQL, triggers back on."""
    triggers.uninstall(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    triggers.install(connection)


@pytest.mark.django_db
def test_verify_traces_detects_a_row_altered_by_raw_sql(alice):
    patient = PatientFactory()
    traces = [_write(alice, patient) for _ in range(4)]
    _tamper("UPDATE audit_trace SET actor_label = %s WHERE id = %s", ["Quelqu'un d'autre", traces[1].pk])

    with pytest.raises(CommandError):
        _verify()
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_traces", stdout=io.StringIO(), stderr=err)
    assert f"chaîne patient:{patient.pk}, rang 2 : trace modifiée" in err.getvalue()


@pytest.mark.django_db
def test_verify_traces_detects_a_removed_row(alice):
    patient = PatientFactory()
    traces = [_write(alice, patient) for _ in range(4)]
    _tamper("DELETE FROM audit_trace WHERE id = %s", [traces[1].pk])

    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_traces", stdout=io.StringIO(), stderr=err)
    assert "rang 2 : trace manquante" in err.getvalue()


@pytest.mark.django_db
def test_verify_traces_detects_the_last_row_removed(alice):
    patient = PatientFactory()
    traces = [_write(alice, patient) for _ in range(3)]
    _tamper("DELETE FROM audit_trace WHERE id = %s", [traces[-1].pk])

    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_traces", stdout=io.StringIO(), stderr=err)
    assert "en fin de chaîne" in err.getvalue()


@pytest.mark.django_db
def test_a_trace_that_cannot_be_written_aborts_the_action(alice_client, alice, monkeypatch):
    from django.urls import reverse

    from patients.models import Authorization

    patient = PatientFactory()

    def broken(*args, **kwargs):
        raise DatabaseError("disque plein")

    monkeypatch.setattr(Trace, "save", broken)
    with pytest.raises(DatabaseError):
        alice_client.post(reverse("patients:authorization", args=[patient.code]), {"declaration": "consent"})

    assert not Authorization.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["2001:DB8::1", "2001:0db8:0000::1", "fe80::1%eth0", "not-an-ip"])
def test_any_client_address_keeps_the_chain_verifiable(alice, rf, address):
    request = rf.get("/", REMOTE_ADDR=address)

    _write(alice, PatientFactory(), request=request)

    assert "aucune altération" in _verify()
