"""bench_data: a small dataset is deterministic, its chains verify, its heavy and light patients
have the plan's shape, and the bench physician may open both."""

import hashlib
from types import SimpleNamespace

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import CPSCard, Establishment, Practice, User
from audit import triggers
from audit.models import ChainHead, Trace
from audit.verification import verify_all
from bench.dataset import BENCH_RPPS, Generator, Plan
from documents.models import Document
from patients.access import Mode, decide, facts_for
from patients.ins import validate_ins
from patients.models import Authorization, Patient, RecordAccess

PLAN = Plan(patients=60, professionals=40, heavy_documents=45, heavy_traces=400, real_files=3)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_checkpoints(settings):
    # verify_traces without a checkpoint store checks the seals, links and heads only.
    settings.DMP_CHECKPOINT_DIR = ""


def _snapshot() -> dict:
    return {
        "patients": list(
            Patient.objects.order_by("pk").values_list(
                "pk", "code", "ins", "birth_name", "usual_name", "first_name"
            )
        ),
        "documents": list(
            Document.objects.order_by("pk").values_list(
                "pk", "code", "patient", "title", "author", "added_at"
            )
        ),
        "traces": list(Trace.objects.order_by("pk").values_list("chain", "seq", "hash")),
    }


def _wipe() -> None:
    """Everything the generator wrote (the traces' triggers lifted for it, as pytest-django does)."""
    triggers.uninstall(connection)
    for model in (
        Trace,
        ChainHead,
        RecordAccess,
        Authorization,
        Document,
        Patient,
        CPSCard,
        TOTPDevice,
        Practice,
    ):
        model.objects.all().delete()
    User.objects.all().delete()
    Establishment.objects.all().delete()
    triggers.install(connection)


def test_the_same_plan_builds_the_same_rows():
    first = Generator(PLAN).build()
    rows = _snapshot()
    _wipe()
    second = Generator(PLAN).build()
    assert _snapshot() == rows
    assert second == first


def test_every_chain_verifies_and_every_patient_has_a_valid_identity():
    built = Generator(PLAN).build()
    report = verify_all()
    assert report.findings == []
    assert report.chains == ChainHead.objects.count() > 1
    for patient in Patient.objects.all():
        validate_ins(patient.ins)
        expected = SimpleNamespace(
            **{
                name: getattr(patient, name)
                for name in ("birth_name", "usual_name", "first_name", "birth_first_names")
            }
        )
        Patient.refresh_search_keys(expected)
        assert (patient.birth_name_key, patient.usual_name_key, patient.first_names_key) == (
            expected.birth_name_key,
            expected.usual_name_key,
            expected.first_names_key,
        )
    assert Patient.objects.values("ins").distinct().count() == PLAN.patients
    assert built.counts["patients"] == PLAN.patients


def test_the_heavy_and_light_patients_have_the_plan_shape():
    built = Generator(PLAN).build()
    heavy, light = Patient.objects.get(code=built.heavy), Patient.objects.get(code=built.light)
    assert Document.objects.filter(patient=heavy).count() == PLAN.heavy_documents
    assert Trace.objects.filter(patient=heavy).count() == PLAN.heavy_traces
    assert Document.objects.filter(patient=light).count() == PLAN.light_documents
    assert Trace.objects.filter(patient=light).count() == PLAN.light_traces
    # The download document is a real 1 MB file whose hash the row carries.
    download = Document.objects.get(code=built.download_document)
    with default_storage.open(download.file.name) as stored:
        content = stored.read()
    assert len(content) == download.size == 1024 * 1024
    assert hashlib.sha256(content).hexdigest() == download.sha256
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")


def test_the_bench_physician_may_open_both_records_by_consent():
    built = Generator(PLAN).build()
    physician = User.objects.get(rpps=BENCH_RPPS)
    anchor_plus_a_day = PLAN.anchor_time.replace(day=PLAN.anchor.day + 1)
    for code in (built.heavy, built.light):
        decision = decide(facts_for(physician, Patient.objects.get(code=code), now=anchor_plus_a_day))
        assert decision.mode == Mode.CONSENT


def test_the_command_refuses_a_database_with_patients():
    Generator(PLAN).build()
    with pytest.raises(CommandError, match="déjà des patients"):
        call_command("bench_data", "--patients", "20")
