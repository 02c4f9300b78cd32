"""documents/services.py: adding, archiving, deleting, confidentiality and vaccinations; each traced
in the same transaction, refused with a French message, and leaving no file behind on failure."""

import hashlib
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Profession
from audit.models import Action, Trace
from documents import filestore, services
from documents.models import (
    Document,
    DocumentSource,
    DocumentStatus,
    DocumentType,
    DoseType,
    Vaccination,
    add_months,
)
from patients.access import Mode
from patients.models import Block
from tests.factories import (
    AuthorizationFactory,
    CareStayFactory,
    DocumentTypeFactory,
    EstablishmentFactory,
    PatientFactory,
    PhysicianFactory,
    PracticeFactory,
    ProfessionalFactory,
)
from tests.helpers import make_minor

pytestmark = pytest.mark.django_db

TEXT_FILE = "Compte rendu de consultation.\nTension artérielle 12/8.\n".encode()


@pytest.fixture
def ctx():
    patient = PatientFactory()
    hospital = EstablishmentFactory(name="CH Sainte-Odile")
    CareStayFactory(patient=patient, establishment=hospital)
    # author: physician of the hospital caring for the patient, with it as default situation
    practice = PracticeFactory(professional=PhysicianFactory(), establishment=hospital, role="Interne")
    author = practice.professional
    author.default_practice = practice
    author.save()
    # colleague: another physician with the patient's consent declared
    colleague = PhysicianFactory()
    AuthorizationFactory(patient=patient, professional=colleague)
    return SimpleNamespace(
        patient=patient,
        author=author,
        practice=practice,
        colleague=colleague,
        consultation=DocumentTypeFactory(code="11488-4"),
    )


def _stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def _add_text(ctx, **kwargs) -> Document:
    arguments = {
        "professional": ctx.author,
        "patient": ctx.patient,
        "document_type": ctx.consultation,
        "title": "Consultation du 3 mars",
        "document_date": date(2024, 3, 3),
        "text": "Patient vu en consultation. Pas de changement de traitement.",
    }
    return services.document_add(**(arguments | kwargs))


def _upload(name: str = "cr.txt", data: bytes = TEXT_FILE) -> filestore.AcceptedFile:
    return filestore.accept(SimpleUploadedFile(name, data, content_type="application/octet-stream"))


def _add_file(ctx, name: str = "cr.txt", data: bytes = TEXT_FILE, **kwargs) -> Document:
    return _add_text(ctx, text="", upload=_upload(name, data), **kwargs)


def _traces(ctx, action: Action) -> list[Trace]:
    return list(Trace.objects.filter(patient=ctx.patient, action=action))


# --- document_add -------------------------------------------------------------------------------


def test_a_free_text_is_added_with_its_author_snapshots_hash_and_trace(ctx):
    document = _add_text(
        ctx, comment="À revoir dans un mois.", event_start=date(2024, 3, 3), event_end=date(2024, 3, 3)
    )

    document.refresh_from_db()
    assert document.author == document.added_by == ctx.author
    assert document.author_label == ctx.author.display_name
    assert document.author_profession_label == "Médecin"
    assert document.practice == ctx.practice
    assert "CH Sainte-Odile" in document.practice_label
    assert document.practice_setting_id == "ETABLISSEMENT"
    assert document.practice_setting_label == "Etablissement de santé"
    assert document.mime_type == "text/plain; charset=utf-8"
    assert document.sha256 == hashlib.sha256(document.text.encode()).hexdigest()
    assert document.size == len(document.text.encode())
    assert not document.file
    assert document.confidentiality_codes == ["N"]
    [trace] = _traces(ctx, Action.DOCUMENT_ADDED)
    assert trace.actor == ctx.author
    assert trace.mode == Mode.CARE_TEAM.value
    assert trace.document_code == document.code
    assert trace.document_title == "Consultation du 3 mars"


def test_a_file_is_stored_under_a_random_name_and_its_own_name_kept_apart(ctx, settings):
    document = _add_file(ctx, name="../../etc/Compte rendu; mars.txt")

    [stored] = _stored_files(settings)
    assert stored.read_bytes() == TEXT_FILE
    assert document.file.name.startswith("documents/")
    assert "Compte" not in document.file.name and ".." not in document.file.name
    assert len(Path(document.file.name).name) == 32  # uuid4 hex, no extension from the user
    assert document.original_filename == "Compte rendu; mars.txt"
    assert document.mime_type == "text/plain; charset=utf-8"
    assert document.sha256 == hashlib.sha256(TEXT_FILE).hexdigest()
    assert document.size == len(TEXT_FILE)
    assert document.text == ""
    assert len(_traces(ctx, Action.DOCUMENT_ADDED)) == 1


def test_bytes_are_accepted_as_content(ctx, settings):
    document = _add_text(ctx, text="", upload=filestore.accept_bytes("cr.txt", TEXT_FILE))

    assert Path(settings.MEDIA_ROOT, document.file.name).read_bytes() == TEXT_FILE


def test_not_visible_by_the_patient_dates_the_announcement(ctx):
    document = _add_text(ctx, hidden_from_patient=True)

    today = timezone.localdate()
    assert document.patient_informed_on == today + timedelta(days=14)
    assert document.visible_to_patient_on == add_months(today, 1)
    assert document.confidentiality_codes == ["N", "INVISIBLE_PATIENT"]


def test_a_professional_without_access_cannot_add(ctx, settings):
    stranger = PhysicianFactory()

    with pytest.raises(PermissionDenied, match="pas autorisé à accéder au DMP"):
        _add_file(ctx, professional=stranger)

    assert not Document.objects.exists()
    assert not _stored_files(settings)
    assert not _traces(ctx, Action.DOCUMENT_ADDED)


def test_a_blocked_professional_cannot_add(ctx):
    Block.objects.create(patient=ctx.patient, professional=ctx.author)

    with pytest.raises(PermissionDenied, match="bloqué"):
        _add_text(ctx)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"document_type": "FEUILLE-DE-STYLE"}, "ne peut pas être choisi"),
        ({"document_type": "PIECE-IDENTITE"}, "ne peut pas être choisi"),
        ({"text": "   "}, "l'un ou l'autre"),
        ({"event_start": date(2024, 3, 5), "event_end": date(2024, 3, 1)}, "ne peut pas précéder"),
        ({"event_start": date(2024, 3, 5)}, "date de début et la date de fin"),
        ({"comment": "x" * 1001}, "1000"),
        ({"title": " "}, "ne peut pas être vide"),
    ],
)
def test_bad_data_is_refused_in_french_and_nothing_is_kept(ctx, changes, message):
    if "document_type" in changes:
        changes["document_type"] = DocumentTypeFactory(code=changes["document_type"])

    with pytest.raises(ValidationError, match=message):
        _add_text(ctx, **changes)

    assert not Document.objects.exists()
    assert not _traces(ctx, Action.DOCUMENT_ADDED)


def test_a_file_and_a_text_together_are_refused(ctx, settings):
    with pytest.raises(ValidationError, match="l'un ou l'autre"):
        _add_text(ctx, upload=_upload())

    assert not _stored_files(settings)


def test_another_professionals_practice_is_refused(ctx):
    with pytest.raises(ValidationError, match="n'est pas la vôtre"):
        _add_text(ctx, practice=PracticeFactory())


def test_a_refusal_after_the_file_was_stored_removes_the_file(ctx, settings):
    with pytest.raises(ValidationError):
        _add_file(ctx, event_start=date(2024, 3, 5), event_end=date(2024, 3, 1))

    assert not Document.objects.exists()
    assert not _stored_files(settings)


def test_the_file_is_hashed_once_and_the_stored_bytes_are_the_ones_judged(ctx, settings, monkeypatch):
    """The verdict and its bytes travel together (filestore.AcceptedFile): the checks' single
    streaming pass gives the SHA-256, and what is stored is what was judged."""
    fed_the_file = []
    real_sha256 = hashlib.sha256

    class Watched:  # a SHA-256 that says when it is fed the file's bytes
        def __init__(self, data: bytes = b"") -> None:
            self._hash = real_sha256()
            self.update(data)

        def update(self, data: bytes) -> None:
            if TEXT_FILE[:20] in bytes(data):
                fed_the_file.append(self)
            self._hash.update(data)

        def __getattr__(self, name: str):
            return getattr(self._hash, name)

    monkeypatch.setattr(hashlib, "sha256", Watched)
    document = _add_file(ctx)

    assert len(fed_the_file) == 1
    stored = Path(settings.MEDIA_ROOT, document.file.name).read_bytes()
    assert real_sha256(stored).hexdigest() == document.sha256


def test_if_the_trace_cannot_be_written_nothing_is_saved(ctx, settings, monkeypatch):
    def broken_record(**kwargs):
        raise RuntimeError("audit database unavailable")

    monkeypatch.setattr(services, "record", broken_record)

    with pytest.raises(RuntimeError):
        _add_file(ctx)
    with pytest.raises(RuntimeError):
        _add_text(ctx)

    assert not Document.objects.exists()
    assert not _stored_files(settings)
    assert not Trace.objects.filter(patient=ctx.patient).exists()


# --- archive, delete, confidentiality ----------------------------------------------------------


def test_the_author_archives_and_it_is_traced(ctx):
    document = _add_text(ctx)

    services.document_archive(professional=ctx.author, document=document)

    document.refresh_from_db()
    assert document.status == DocumentStatus.ARCHIVED
    assert document.status_changed_at is not None
    assert len(_traces(ctx, Action.DOCUMENT_ARCHIVED)) == 1
    with pytest.raises(ValidationError, match="déjà archivé"):
        services.document_archive(professional=ctx.author, document=document)


@pytest.mark.parametrize("service", [services.document_archive, services.document_delete])
def test_only_the_author_archives_or_deletes(ctx, service):
    document = _add_text(ctx)

    with pytest.raises(PermissionDenied, match="Seul l'auteur"):
        service(professional=ctx.colleague, document=document)

    document.refresh_from_db()
    assert document.status == DocumentStatus.ACTIVE
    assert not _traces(ctx, Action.DOCUMENT_ARCHIVED) + _traces(ctx, Action.DOCUMENT_DELETED)


def test_the_author_deletes_logically_and_it_is_traced(ctx, settings):
    document = _add_file(ctx)

    services.document_delete(professional=ctx.author, document=document)

    document.refresh_from_db()
    assert document.status == DocumentStatus.DELETED
    assert len(_stored_files(settings)) == 1  # kept: deletion is logical
    assert len(_traces(ctx, Action.DOCUMENT_DELETED)) == 1
    assert not Document.objects.visible_to(ctx.author, ctx.patient).exists()
    for service in (services.document_delete, services.document_archive):
        with pytest.raises(ValidationError, match="a été supprimé"):
            service(professional=ctx.author, document=document)


def test_an_author_who_lost_access_cannot_delete(ctx):
    document = _add_text(ctx)
    Block.objects.create(patient=ctx.patient, professional=ctx.author)

    with pytest.raises(PermissionDenied, match="bloqué"):
        services.document_delete(professional=ctx.author, document=document)


def _confidentiality(ctx, document, *, masked=False, hidden=False, legal=False, who=None) -> Document:
    return services.document_set_confidentiality(
        professional=who or ctx.author,
        document=document,
        masked_to_professionals=masked,
        hidden_from_patient=hidden,
        hidden_from_legal_representatives=legal,
    )


def test_masking_and_unmasking_are_traced_as_such(ctx):
    document = _add_text(ctx)

    _confidentiality(ctx, document, masked=True)
    document.refresh_from_db()
    assert document.masked_to_professionals
    _confidentiality(ctx, document, masked=False)

    assert len(_traces(ctx, Action.DOCUMENT_MASKED)) == 1
    assert len(_traces(ctx, Action.DOCUMENT_UNMASKED)) == 1
    assert not _traces(ctx, Action.DOCUMENT_CONFIDENTIALITY_CHANGED)


def test_lifting_not_visible_by_the_patient_clears_its_dates(ctx):
    document = _add_text(ctx, hidden_from_patient=True)
    make_minor(document.patient)

    _confidentiality(ctx, document, hidden=False, legal=True)

    document.refresh_from_db()
    assert not document.hidden_from_patient
    assert document.patient_informed_on is None and document.visible_to_patient_on is None
    assert document.hidden_from_legal_representatives
    [trace] = _traces(ctx, Action.DOCUMENT_CONFIDENTIALITY_CHANGED)
    assert "visible par le patient" in trace.details
    assert "invisible aux représentants légaux" in trace.details


def test_every_service_refuses_invisible_to_legal_representatives_on_an_adults_record(ctx):
    """An adult has no legal representative: the mark is refused however the document comes."""
    adult = ctx.patient
    with pytest.raises(ValidationError, match="mineur"):
        _add_text(ctx, hidden_from_legal_representatives=True)
    with pytest.raises(ValidationError, match="mineur"):
        services.document_add_from_source(
            patient=adult,
            source=DocumentSource.PATIENT,
            document_type=DocumentTypeFactory(code="DOCPAT03"),
            title="Compte rendu",
            document_date=date(2024, 3, 3),
            text="Déposé par le patient.",
            hidden_from_legal_representatives=True,
        )
    document = _add_text(ctx)
    with pytest.raises(ValidationError, match="mineur"):
        _confidentiality(ctx, document, legal=True)
    document.refresh_from_db()
    assert not document.hidden_from_legal_representatives
    assert Document.objects.filter(patient=adult).count() == 1
    assert len(_traces(ctx, Action.DOCUMENT_ADDED)) == 1
    assert not _traces(ctx, Action.DOCUMENT_CONFIDENTIALITY_CHANGED)


def test_a_visible_document_cannot_be_hidden_from_the_patient_afterwards(ctx):
    document = _add_text(ctx)

    with pytest.raises(ValidationError, match="ce choix se fait à l'ajout"):
        _confidentiality(ctx, document, hidden=True)


def test_no_change_no_trace(ctx):
    document = _add_text(ctx)

    _confidentiality(ctx, document)

    assert Trace.objects.filter(patient=ctx.patient).count() == 1  # the addition only


def test_only_the_author_changes_confidentiality(ctx):
    document = _add_text(ctx)

    with pytest.raises(PermissionDenied, match="Seul l'auteur"):
        _confidentiality(ctx, document, masked=True, who=ctx.colleague)

    document.refresh_from_db()
    assert not document.masked_to_professionals


# --- vaccination_add ----------------------------------------------------------------------------


def _vaccinate(ctx, professional, **kwargs) -> Vaccination:
    arguments = {
        "professional": professional,
        "patient": ctx.patient,
        "vaccine": "Comirnaty",
        "vaccinated_on": date(2024, 10, 15),
        "dose_type": DoseType.BOOSTER,
        "lot_number": "FA1234",
    }
    return services.vaccination_add(**(arguments | kwargs))


def test_a_vaccination_is_recorded_and_traced(ctx):
    vaccination = _vaccinate(ctx, ctx.author)

    assert vaccination.recorded_by == ctx.author
    assert vaccination.recorded_by_label == ctx.author.display_name
    [trace] = _traces(ctx, Action.VACCINATION_ADDED)
    assert "Comirnaty (Rappel, 15/10/2024)" in trace.details


def test_a_pharmacy_technician_cannot_record_a_vaccination(ctx):
    technician = ProfessionalFactory(profession=Profession.objects.get(code="39"))
    AuthorizationFactory(patient=ctx.patient, professional=technician)

    with pytest.raises(PermissionDenied, match="ne permet pas"):
        _vaccinate(ctx, technician)

    assert not Vaccination.objects.exists()


def test_a_vaccination_needs_access_and_a_past_date(ctx):
    with pytest.raises(PermissionDenied):
        _vaccinate(ctx, PhysicianFactory())
    with pytest.raises(ValidationError, match="dans le futur"):
        _vaccinate(ctx, ctx.author, vaccinated_on=timezone.localdate() + timedelta(days=1))

    assert not Vaccination.objects.exists()
    assert not _traces(ctx, Action.VACCINATION_ADDED)


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["REMB", "DOCPAT07"])
def test_a_professional_cannot_add_a_patient_or_assurance_maladie_type(code):
    patient = PatientFactory()
    doctor = PhysicianFactory()
    patient.dmp_attending_physicians.add(doctor)

    with pytest.raises(ValidationError):
        services.document_add(
            professional=doctor,
            patient=patient,
            document_type=DocumentType.objects.get(code=code),
            title="Essai",
            document_date=date(2024, 1, 30),
            text="Texte",
        )
    assert not Document.objects.exists()


def test_a_stored_file_and_its_directories_are_private_to_the_portal_account(ctx, settings):
    document = _add_file(ctx)

    stored = Path(settings.MEDIA_ROOT, document.file.name)
    assert stored.stat().st_mode & 0o777 == 0o600
    for directory in (stored.parent, stored.parent.parent, Path(settings.MEDIA_ROOT)):
        assert directory.stat().st_mode & 0o777 == 0o700, directory
