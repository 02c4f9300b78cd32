"""seed_demo's documents: the slides' grid on the rich record, every rubrique and confidentiality
case elsewhere, real files validated and hashed, idempotent, reset, nothing outside MEDIA_ROOT."""

import hashlib
import io
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from audit.models import Action, Trace
from documents import filestore, reimbursement
from documents.models import (
    PATIENT_INFORMED_AFTER,
    Document,
    DocumentSource,
    DocumentStatus,
    DocumentType,
    Rubrique,
    Vaccination,
    add_months,
)
from documents.services import document_add
from documents.validation import validate_upload
from patients.models import Patient
from workshop import demo_documents, sample_files
from workshop.demo import PATIENTS, PROFESSIONALS, RICH_RECORD, seed_demo
from workshop.demo_documents import DOCUMENTS, REIMBURSEMENTS, RICH_DOCUMENTS, VACCINATIONS

README = Path(__file__).resolve().parents[2] / "README.md"
MARCHAL, KIEFFER, ROTHENBACH, WENDLING, GERBAUT, LORRAIN = (item.rpps for item in PROFESSIONALS)

# The slides' grid "De 2005 à 2024" and "Tous les documents (11)".
SLIDES_GRID = {
    ("imagerie", 2023): 1,
    ("certificats", 2021): 4,
    ("certificats", 2022): 1,
    ("certificats", 2023): 1,
    ("remboursement", 2023): 1,
    ("administratifs", 2022): 1,
    ("administratifs", 2023): 2,
}


def _patient(key: str) -> Patient:
    return Patient.objects.get(sandbox=None, ins=next(item.ins for item in PATIENTS if item.key == key))


def _user(rpps: str) -> User:
    return User.objects.get(rpps=rpps)


def _grid(documents) -> dict[tuple[str, int], int]:
    return {(row["rubrique"], row["year"]): row["count"] for row in documents.rubrique_year_counts()}


def _document(title: str) -> Document:
    return Document.objects.get(title=title)


def _media_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def _document_state() -> list[tuple]:
    """The shared demo patients' documents and vaccinations by natural keys (codes and storage
    names are random); the workshop sandboxes' copies are left out."""
    documents = (
        Document.objects.filter(patient__sandbox=None)
        .order_by("patient__ins", "title")
        .values_list(
            "patient__ins",
            "document_type__code",
            "title",
            "document_date",
            "added_at",
            "source",
            "author__rpps",
            "author_label",
            "practice_label",
            "original_filename",
            "mime_type",
            "size",
            "sha256",
            "masked_to_professionals",
            "hidden_from_patient",
            "patient_informed_on",
            "visible_to_patient_on",
            "hidden_from_legal_representatives",
            "status",
            "status_changed_at",
        )
    )
    # The document hidden from the patient is added at the moment of the seed: its day only.
    documents = [
        (*row[:4], timezone.localtime(row[4]).date() if row[14] else row[4], *row[5:]) for row in documents
    ]
    vaccinations = (
        Vaccination.objects.filter(patient__sandbox=None)
        .order_by("patient__ins", "vaccinated_on", "vaccine")
        .values_list(
            "patient__ins",
            "vaccine",
            "vaccinated_on",
            "lot_number",
            "dose_type",
            "recorded_by__rpps",
            "recorded_at",
        )
    )
    return [*documents, *vaccinations]


@pytest.fixture
def seeded(db):
    seed_demo()


# --- The rich record: the slides ---------------------------------------------------------------


def test_the_rich_record_has_the_slides_eleven_documents_in_the_grid(seeded):
    patient = Patient.objects.get(sandbox=None, ins=RICH_RECORD.ins)

    for viewer in (patient, _user(WENDLING)):  # the patient, and his médecin traitant (reads all)
        visible = Document.objects.visible_to(viewer, patient)
        assert visible.count() == 11, viewer
        assert _grid(visible) == SLIDES_GRID, viewer
    assert Document.objects.filter(patient=patient).count() == 11  # nothing hidden, archived or deleted
    rubriques = Counter(
        Document.objects.filter(patient=patient).values_list("document_type__rubrique__label", flat=True)
    )
    assert rubriques == {
        "Imagerie médicale": 1,
        "Certificats, déclarations": 6,
        "Données de remboursement": 1,
        "Documents administratifs et de gestion": 3,
    }
    # The slide's 2005-2007 cells are empty and its four counts add up to the eleven documents.
    assert sum(SLIDES_GRID.values()) == 11
    years = Document.objects.filter(patient=patient).dates("document_date", "year")
    assert [day.year for day in years] == [2021, 2022, 2023]
    # The pharmacist of his care team reads them all, as the slide's pharmacist does.
    assert _grid(Document.objects.visible_to(_user(MARCHAL), patient)) == SLIDES_GRID


def test_the_rich_records_sources_are_the_demo_gp_assurance_maladie_and_the_patient(seeded):
    patient = Patient.objects.get(sandbox=None, ins=RICH_RECORD.ins)
    documents = Document.objects.filter(patient=patient)

    assert Counter(documents.values_list("source", flat=True)) == {
        DocumentSource.PROFESSIONAL: 7,
        DocumentSource.HEALTH_INSURANCE: 2,
        DocumentSource.PATIENT: 2,
    }
    wendling = _user(WENDLING)
    for document in documents.filter(source=DocumentSource.PROFESSIONAL):
        assert document.author == wendling and document.added_by == wendling
        assert document.author_label == "Antoine WENDLING"
        assert document.author_profession_label == wendling.profession.label
        assert document.practice == wendling.default_practice
        assert "Maison de santé des Trois Frontières" in document.practice_label
        assert document.practice_setting_label
    for document in documents.exclude(source=DocumentSource.PROFESSIONAL):
        assert document.author is None and document.added_by is None
    for document in documents.filter(source=DocumentSource.PATIENT):
        assert document.author_label == patient.display_name
        assert document.practice_setting_id == demo_documents.PATIENT_PRACTICE_SETTING

    # Données de remboursement: the CNAM-HR history, 24 months up to its date.
    history = documents.get(document_type__code="REMB")
    assert history.title == reimbursement.TITLE
    assert (history.source, history.author_label) == (DocumentSource.HEALTH_INSURANCE, "Assurance Maladie")
    assert history.document_date.year == 2023
    assert (history.event_start, history.event_end) == (
        add_months(history.document_date, -24),
        history.document_date,
    )
    assert "Consultation de médecine générale" in history.text
    assert "21/06/2021" not in history.text  # older than 24 months: left out

    # "ajouté le 05/08/2022 par Assurance Maladie"; the latest added is the history ("Hi…").
    attestation = documents.get(document_type__code="ATTEST-DROITS-AM")
    assert timezone.localtime(attestation.added_at).date() == date(2022, 8, 5)
    assert attestation.source == DocumentSource.HEALTH_INSURANCE
    assert attestation.author_label == "Assurance Maladie"
    assert documents.latest_added()[0] == history


def test_dates_are_fixed_but_the_document_hidden_from_the_patient(seeded):
    ins = {item.key: item.ins for item in PATIENTS}
    fixed = {(ins[item.patient], item.title): item for item in DOCUMENTS}
    for document in Document.objects.exclude(document_type__code="REMB"):
        item = fixed[(document.patient.ins, document.title)]
        if item.hidden_from_patient:  # the one relative to the day of the seed
            assert item.document_date is None and item.added_at is None
            assert document.document_date == timezone.localtime(document.added_at).date()
            assert document.document_date == timezone.localdate()
        else:
            assert (document.document_date, document.added_at) == (item.document_date, item.added_at)
            assert document.status_changed_at == item.status_changed_at
            assert timezone.localtime(document.added_at).date() >= document.document_date
    for item in REIMBURSEMENTS:
        history = Document.objects.get(patient__ins=ins[item.patient], document_type__code="REMB")
        assert (history.document_date, history.added_at) == (item.on, item.added_at)
    for item in VACCINATIONS:
        vaccination = Vaccination.objects.get(
            patient__ins=ins[item.patient], vaccine=item.vaccine, vaccinated_on=item.vaccinated_on
        )
        assert vaccination.recorded_at == item.recorded_at
        assert timezone.localtime(vaccination.recorded_at).date() == item.vaccinated_on


# --- Files ---------------------------------------------------------------------------------------


def test_every_file_is_valid_and_its_stored_hash_matches(seeded):
    files = Document.objects.exclude(file="")
    assert files.count() >= 15
    extensions = set()
    for document in files:
        with document.file.open("rb") as stored:
            content = stored.read()
        checked = validate_upload(SimpleUploadedFile(document.original_filename, content))
        assert hashlib.sha256(content).hexdigest() == document.sha256 == checked.sha256, document
        assert len(content) == document.size
        assert document.mime_type == checked.content_type
        extensions.add(checked.extension)
    assert extensions == {"pdf", "jpg", "jpeg", "tif", "rtf", "txt"}

    texts = Document.objects.filter(file="")
    assert texts.exists()  # "Rédiger un document (texte libre)", and the reimbursement histories
    for document in texts:
        assert hashlib.sha256(document.text.encode()).hexdigest() == document.sha256
        assert document.mime_type == "text/plain; charset=utf-8"


def test_files_are_written_under_media_root_only_with_random_names(db):
    default = Path(settings.BASE_DIR) / "media"
    before = sorted(default.rglob("*")) if default.exists() else []

    seed_demo()

    root = Path(settings.MEDIA_ROOT).resolve()
    assert root != default.resolve()
    assert (sorted(default.rglob("*")) if default.exists() else []) == before
    assert _media_files() == set(Document.objects.exclude(file="").values_list("file", flat=True))
    for document in Document.objects.exclude(file=""):
        assert Path(document.file.path).resolve().is_relative_to(root)
        directory, stem = document.file.name.rsplit("/", 1)
        assert directory == f"documents/{stem[:2]}" and len(stem) == 32 and int(stem, 16) >= 0
        assert document.original_filename.rsplit(".", 1)[0] not in document.file.name


def test_sample_files_are_deterministic():
    lines = ["Ligne (1) \\ « é » œ"]
    for build in (
        sample_files.pdf,
        sample_files.rtf,
        sample_files.text,
        sample_files.jpeg_card,
        sample_files.tiff_scan,
    ):
        assert build("Titre accentué", lines) == build("Titre accentué", lines), build
    assert sample_files.jpeg_photo("Légende") == sample_files.jpeg_photo("Légende")


def test_every_addition_is_traced_and_the_chains_verify(seeded):
    for document in Document.objects.all():
        trace = Trace.objects.get(document_code=document.code, action=Action.DOCUMENT_ADDED)
        assert trace.patient_id == document.patient_id
        assert trace.actor_id == document.author_id
    assert Trace.objects.filter(action=Action.DOCUMENT_ARCHIVED).count() == 1
    assert Trace.objects.filter(action=Action.DOCUMENT_DELETED).count() == 1
    assert Trace.objects.filter(action=Action.VACCINATION_ADDED).count() == len(VACCINATIONS)
    out = io.StringIO()
    call_command("verify_traces", stdout=out)
    assert "aucune altération" in out.getvalue()


# --- Every rubrique, every confidentiality case --------------------------------------------------


def test_the_demo_exercises_every_rubrique_and_the_named_kinds_of_documents(seeded):
    shown = Document.objects.exclude(status=DocumentStatus.DELETED)

    assert set(shown.values_list("document_type__rubrique", flat=True)) == set(
        Rubrique.objects.values_list("code", flat=True)
    )
    assert not Document.objects.filter(document_type__selectable=False).exists()
    outside_rich = Counter(
        shown.exclude(patient__ins=RICH_RECORD.ins).values_list("document_type__rubrique", flat=True)
    )
    for rubrique in (
        "syntheses",
        "traitements_soins",
        "comptes_rendus",
        "imagerie",
        "biologie",
        "prevention",
    ):
        assert outside_rich[rubrique] >= 1, rubrique

    def active(code: str):
        return shown.filter(document_type__code=code, status=DocumentStatus.ACTIVE)

    assert active("11502-2").exists()  # biology report
    assert active("57833-6").exists()  # prescription
    assert active("60593-1").exists()  # dispensation
    assert active("18748-4").exists()  # imaging report
    assert active("87273-9").count() >= 2  # vaccination notes
    assert shown.filter(source=DocumentSource.PATIENT, document_type__rubrique="patient").exists()
    assert shown.filter(document_type__code="REMB").count() == len(REIMBURSEMENTS) >= 2


def test_each_confidentiality_case_hides_the_document_from_the_right_viewers(seeded):
    riehl, nathan, mother = _patient("riehl"), _patient("fischbach_nathan"), _patient("fischbach_aurelie")
    wendling, marchal = _user(WENDLING), _user(MARCHAL)

    def sees(viewer, document: Document, **kwargs) -> bool:
        return Document.objects.visible_to(viewer, document.patient, **kwargs).filter(pk=document.pk).exists()

    # Masqué aux professionnels: its author (the médecin traitant) and the patient, not Élise MARCHAL,
    # who reads the other comptes rendus: the masking hides it, not the matrix.
    masked = Document.objects.get(patient=riehl, masked_to_professionals=True)
    assert masked.author == wendling and riehl.dmp_attending_physicians.filter(pk=wendling.pk).exists()
    assert sees(wendling, masked) and sees(riehl, masked) and not sees(marchal, masked)
    assert (
        Document.objects.visible_to(marchal, riehl).filter(document_type__rubrique="comptes_rendus").exists()
    )
    assert not Document.objects.visible_to(_user(KIEFFER), riehl).exists()  # she blocked him

    # Non visible par le patient, within its month (from the day of the seed).
    hidden = Document.objects.get(patient=riehl, hidden_from_patient=True)
    today = timezone.localdate()
    assert hidden.patient_informed_on == today + PATIENT_INFORMED_AFTER
    assert hidden.visible_to_patient_on == add_months(today, 1)
    assert Document.objects.filter(patient=riehl).hidden_from_patient_on(today).get() == hidden
    assert not sees(riehl, hidden) and sees(riehl, hidden, today=hidden.visible_to_patient_on)
    assert sees(wendling, hidden) and sees(marchal, hidden)

    # Invisible aux représentants légaux: the minor sees it, his mother does not.
    secret = Document.objects.get(patient=nathan, hidden_from_legal_representatives=True)
    assert nathan.is_minor and nathan.legal_representatives.filter(pk=mother.pk).exists()
    assert sees(nathan, secret) and sees(wendling, secret) and not sees(mother, secret)
    assert Document.objects.visible_to(mother, nathan).exists()  # the rest of his record

    assert Document.objects.filter(
        masked_to_professionals=False, hidden_from_patient=False, hidden_from_legal_representatives=False
    ).exists()  # and "normal"


def test_archived_deleted_the_pharmacy_technician_and_the_carnet(seeded):
    marchal, kieffer = _user(MARCHAL), _user(KIEFFER)

    archived = Document.objects.get(status=DocumentStatus.ARCHIVED)
    assert archived.author == marchal and archived.status_changed_at is not None
    assert Document.objects.visible_to(marchal, archived.patient).filter(pk=archived.pk).exists()

    deleted = Document.objects.get(status=DocumentStatus.DELETED)
    assert deleted.author == marchal and deleted.status_changed_at is not None
    for viewer in (marchal, deleted.patient, kieffer):
        assert not Document.objects.visible_to(viewer, deleted.patient).filter(pk=deleted.pk).exists()

    # The préparateur of the care team reads the dispensation, and nothing else there.
    muller = _patient("muller_pierre_67")
    seen = Document.objects.visible_to(kieffer, muller)
    assert list(seen.values_list("document_type__code", flat=True)) == ["60593-1"]

    # The minor's carnet de vaccination, read by her mother and her médecin traitant.
    ines, mother = _patient("fischbach_ines"), _patient("fischbach_aurelie")
    carnet = Vaccination.objects.filter(patient=ines)
    assert carnet.count() >= 3
    assert set(carnet.values_list("recorded_by__rpps", flat=True)) == {WENDLING}
    assert Vaccination.objects.visible_to(mother, ines).count() == carnet.count()
    assert Vaccination.objects.visible_to(_user(WENDLING), ines).count() == carnet.count()


# --- Idempotent, reset, robust -------------------------------------------------------------------


def test_the_dataset_identifies_each_document_once():
    keys = Counter((item.patient, item.type_code, item.title) for item in DOCUMENTS)
    assert max(keys.values()) == 1
    assert len(RICH_DOCUMENTS) + 1 == 11  # and the reimbursement history
    assert len({(item.patient, item.on) for item in REIMBURSEMENTS}) == len(REIMBURSEMENTS)


def test_seeding_twice_adds_nothing(seeded):
    state, files, traces = _document_state(), _media_files(), Trace.objects.count()

    report = demo_documents.seed_documents()
    seed_demo()

    assert (report.documents_added, report.vaccinations_added) == (0, 0)
    assert _document_state() == state
    assert _media_files() == files
    assert Trace.objects.count() == traces


def test_reset_leaves_the_shared_patients_documents_and_their_history_alone(
    seeded, django_capture_on_commit_callbacks
):
    """Trainees work in their sandboxes: reset no longer deletes and adds again the shared demo
    patients' documents, which piled an "a ajouté le document" trace per document on each reset."""
    holtzinger = Patient.objects.get(sandbox=None, ins=RICH_RECORD.ins)
    upload = SimpleUploadedFile("ajout.pdf", sample_files.pdf("Compte rendu ajouté"))
    document_add(
        professional=_user(MARCHAL),
        patient=holtzinger,
        document_type=DocumentType.objects.get(code="11488-4"),
        title="Compte rendu ajouté",
        document_date=date(2026, 1, 5),
        upload=filestore.accept(upload),
    )
    state, files = _document_state(), _media_files()
    traces = Trace.objects.filter(patient=holtzinger).count()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--reset", stdout=io.StringIO())

    assert _document_state() == state
    assert Trace.objects.filter(patient=holtzinger).count() == traces
    assert files <= _media_files()  # the sandboxes' copies come on top
    assert Patient.objects.get(sandbox=None, ins=RICH_RECORD.ins).pk == holtzinger.pk
    call_command("verify_traces", stdout=io.StringIO())


def test_reset_twice_from_an_empty_database(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--reset", stdout=io.StringIO())
    first = _document_state()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--reset", stdout=io.StringIO())

    assert _document_state() == first
    assert Document.objects.filter(patient__sandbox=None, patient__ins=RICH_RECORD.ins).count() == 11


def test_a_failure_half_way_leaves_no_row_and_no_file(db, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("panne")

    monkeypatch.setattr(demo_documents, "document_archive", broken)
    with pytest.raises(RuntimeError):
        seed_demo()

    assert not Document.objects.filter(title="Conciliation médicamenteuse d'entrée").exists()
    assert Document.objects.exists()  # the documents added before it stay
    assert _media_files() == set(Document.objects.exclude(file="").values_list("file", flat=True))

    monkeypatch.undo()
    seed_demo()  # picks up where it stopped
    assert Document.objects.count() == len(DOCUMENTS) + len(REIMBURSEMENTS)


# --- Output and README ---------------------------------------------------------------------------


def test_the_command_prints_the_documents_of_every_demo_patient(db):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)

    lines = (
        out.getvalue()
        .split("Documents de démonstration", 1)[1]
        .split("Atelier de formation", 1)[0]
        .splitlines()[1:]
    )
    assert len(lines) == len(PATIENTS)
    expected = Counter(item.patient for item in [*DOCUMENTS, *REIMBURSEMENTS])
    for item, line in zip(PATIENTS, lines, strict=True):
        assert item.display_name in line and item.birth_date.strftime("%d/%m/%Y") in line
        assert f"{expected[item.key]:>2} document(s)" in line, line
    riehl = next(line for line in lines if "RIEHL" in line)
    assert "1 archivé(s)" in riehl and "1 non visible(s) par le patient" in riehl


def test_the_readme_describes_the_demo_documents():
    section = README.read_text().split("## Patients de démonstration", 1)[1].split("\n## ", 1)[0]

    assert "11 documents" in section
    for case in ("masqué aux professionnels", "non visible par le patient", "invisible aux représentants"):
        assert case in section, case
