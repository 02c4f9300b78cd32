"""Writes to a patient's documents and vaccination book, each with its trace in the same transaction.

Every service asks patients.access for a favourable decision first and refuses otherwise
(PermissionDenied with a French message the view can show); data problems raise ValidationError.
If the trace cannot be written nothing is saved, and a file already written to storage is removed:
no row, no file, no trace of an addition that failed.

A file comes through the portal's file pipeline (documents/filestore.py): `document_add` takes
what `filestore.accept` returned (`upload`, an AcceptedFile: the verdict and the very bytes it
judged, hashed once), stores it under a random name and removes it again if the row or its trace
cannot be written.

Each service is its own transaction. Called inside a caller's transaction that later rolls back, a
stored file would stay behind (storage is not transactional): call document_add outside one.
"""

import hashlib
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Practice, PracticeSetting, User
from audit.models import Action
from audit.services import record
from documents.filestore import AcceptedFile, stored
from documents.models import (
    DOCUMENTS_DIRECTORY,
    Document,
    DocumentSource,
    DocumentStatus,
    DocumentType,
    DoseType,
    Vaccination,
)
from patients import access
from patients.models import Patient

# Who may record a vaccination (Code de la santé publique: médecins, pharmaciens, sages-femmes,
# infirmiers, infirmiers psychiatriques).
VACCINATING_PROFESSIONS = frozenset({"10", "21", "50", "60", "69"})


def may_record_vaccinations(professional: User) -> bool:
    """Physicians, pharmacists, midwives and nurses record vaccinations in the carnet."""
    return professional.profession_id in VACCINATING_PROFESSIONS


NOT_AUTHOR = "Seul l'auteur du document peut le faire."
DOCUMENT_DELETED = "Ce document a été supprimé."
CLOSED_DMP_NO_ADDITION = "Ce dossier médical partagé est fermé : réactivez-le pour y ajouter un document."
TEXT_MIME_TYPE = "text/plain; charset=utf-8"  # free texts, served as such
# Who a document without a professional author comes from, and its cadre d'exercice (JDV_J04).
HEALTH_INSURANCE_LABEL = "Assurance Maladie"
SOURCE_PRACTICE_SETTINGS = {DocumentSource.HEALTH_INSURANCE: "AMO", DocumentSource.PATIENT: "EXP_PATIENT"}


def _require_decision(professional: User, patient: Patient) -> access.Decision:
    decision = access.decision_for(professional, patient)
    if not decision.allowed:
        raise PermissionDenied(decision.refusal.value)
    return decision


def _require_author(professional: User, document: Document) -> access.Decision:
    if not document.is_authored_by(professional):
        raise PermissionDenied(NOT_AUTHOR)
    if document.status == DocumentStatus.DELETED:
        raise ValidationError(DOCUMENT_DELETED)
    return _require_decision(professional, document.patient)


def text_digest(text: str) -> tuple[str, int]:
    """The SHA-256 and size of a free text, as stored (UTF-8)."""
    content = text.encode()
    return hashlib.sha256(content).hexdigest(), len(content)


def _source_labels(professional: User, practice: Practice | None, setting: PracticeSetting | None) -> dict:
    return {
        "author_label": professional.display_name,
        "author_profession_label": professional.profession.label if professional.profession_id else "",
        "practice": practice,
        "practice_label": str(practice) if practice else "",
        "practice_setting": setting,
        "practice_setting_label": setting.label if setting else "",
    }


@transaction.atomic
def document_add(
    *,
    professional: User,
    patient: Patient,
    document_type: DocumentType,
    title: str,
    document_date: date,
    upload: AcceptedFile | None = None,
    text: str = "",
    comment: str = "",
    event_start: date | None = None,
    event_end: date | None = None,
    practice: Practice | None = None,
    practice_setting: PracticeSetting | None = None,
    masked_to_professionals: bool = False,
    hidden_from_patient: bool = False,
    hidden_from_legal_representatives: bool = False,
    request: HttpRequest | None = None,
    added_at: datetime | None = None,
) -> Document:
    """The professional adds, as its author, a file (`upload`, accepted by documents/filestore.py)
    or a free text (`text`): exactly one ("Joindre un fichier ou rédiger
    un document"). The practice and its setting default to the professional's preferences and are
    recorded as they are now. The file is stored under a random name; the user's name is kept apart."""
    decision = _require_decision(professional, patient)
    if not DocumentType.objects.for_professionals().filter(pk=document_type.pk).exists():
        raise ValidationError(
            {"document_type": "Ce type de document ne peut pas être choisi pour un nouveau document."}
        )
    text = text or ""
    if (upload is None) == (not text.strip()):
        raise ValidationError("Joignez un fichier ou rédigez un texte libre (l'un ou l'autre).")
    practice = practice or professional.default_practice
    if practice is not None and practice.professional_id != professional.pk:
        raise ValidationError({"practice": "Cette situation d'exercice n'est pas la vôtre."})
    practice_setting = practice_setting or (
        practice.practice_setting if practice else professional.default_practice_setting
    )
    now = added_at or timezone.now()
    document = Document(
        patient=patient,
        document_type=document_type,
        title=title.strip(),
        document_date=document_date,
        comment=comment.strip(),
        event_start=event_start,
        event_end=event_end,
        source=DocumentSource.PROFESSIONAL,
        author=professional,
        masked_to_professionals=masked_to_professionals,
        hidden_from_legal_representatives=hidden_from_legal_representatives,
        added_at=now,
        added_by=professional,
        **_source_labels(professional, practice, practice_setting),
    )
    if hidden_from_patient:
        document.start_announcement(timezone.localdate(now))
    if upload is None:
        document.text = text
        document.mime_type = TEXT_MIME_TYPE
        document.sha256, document.size = text_digest(text)
        return _save_and_trace(document, actor=professional, mode=decision.mode.value, request=request)
    return _store_save_and_trace(
        document, upload, actor=professional, mode=decision.mode.value, request=request
    )


@transaction.atomic
def document_add_from_source(
    *,
    patient: Patient,
    source: DocumentSource,
    document_type: DocumentType,
    title: str,
    document_date: date,
    upload: AcceptedFile | None = None,
    text: str = "",
    comment: str = "",
    event_start: date | None = None,
    event_end: date | None = None,
    masked_to_professionals: bool = False,
    hidden_from_legal_representatives: bool = False,
    added_at: datetime | None = None,
    actor_label: str = "",
    request: HttpRequest | None = None,
) -> Document:
    """A file (`upload`, accepted by documents/filestore.py) or a text that Assurance Maladie sends or the patient
    deposits: no professional author, so no access decision and no "non visible par le patient"
    (only a professional sets it). Stored, hashed and traced as document_add does; the trace's
    actor is the source, or `actor_label` (who deposited it from Mon espace santé: the patient or
    their legal representative, as patients.space.actor_label names them)."""
    if source == DocumentSource.HEALTH_INSURANCE:
        label = actor_label = HEALTH_INSURANCE_LABEL
    elif source == DocumentSource.PATIENT:
        if not patient.is_open:
            raise ValidationError(CLOSED_DMP_NO_ADDITION)
        label, actor_label = patient.display_name, actor_label or f"{patient.display_name} (patient)"
    else:
        raise ValueError("A professional's document is added by document_add.")
    setting = PracticeSetting.objects.get(code=SOURCE_PRACTICE_SETTINGS[source])
    document = Document(
        patient=patient,
        document_type=document_type,
        title=title.strip(),
        document_date=document_date,
        comment=comment.strip(),
        event_start=event_start,
        event_end=event_end,
        source=source,
        author_label=label,
        practice_setting=setting,
        practice_setting_label=setting.label,
        masked_to_professionals=masked_to_professionals,
        hidden_from_legal_representatives=hidden_from_legal_representatives,
        added_at=added_at or timezone.now(),
    )
    trace = {"actor": None, "actor_label": actor_label, "request": request}
    if upload is None:
        document.text = text
        document.mime_type = TEXT_MIME_TYPE
        document.sha256, document.size = text_digest(text)
        return _save_and_trace(document, **trace)
    return _store_save_and_trace(document, upload, **trace)


def _store_save_and_trace(document: Document, upload: AcceptedFile, **trace: object) -> Document:
    """Store the accepted file under a random name, then save the row and its trace (`trace`:
    _save_and_trace's arguments); the pipeline removes the file if they cannot be written."""
    with stored(upload, directory=DOCUMENTS_DIRECTORY) as file:
        document.file.name = file.name
        document.original_filename = file.original_filename
        # "text/plain; charset=windows-1252" for a legacy text file: served as such on download.
        document.mime_type = file.mime_type
        document.size, document.sha256 = file.size, file.sha256
        return _save_and_trace(document, **trace)


def _save_and_trace(
    document: Document,
    *,
    actor: User | None,
    mode: str = "",
    actor_label: str = "",
    request: HttpRequest | None = None,
) -> Document:
    """Every new document is saved here: it arrives masked to professionals when its patient
    chose so in Mon espace santé (Patient.new_documents_masked), whoever adds it."""
    if document.patient.new_documents_masked:
        document.masked_to_professionals = True
    document.full_clean()
    document.save(force_insert=True)
    record(
        actor=actor,
        actor_label=actor_label,
        patient=document.patient,
        document=document,
        action=Action.DOCUMENT_ADDED,
        mode=mode,
        request=request,
    )
    return document


def _locked(document: Document) -> Document:
    """The row, locked until the transaction ends (PostgreSQL), as it is now."""
    return Document.objects.select_for_update().select_related("patient").get(pk=document.pk)


def _set_status(
    document: Document,
    status: DocumentStatus,
    action: Action,
    decision: access.Decision,
    professional: User,
    request: HttpRequest | None,
) -> Document:
    """Archive or delete, and trace it in the same transaction."""
    document.status = status
    document.status_changed_at = timezone.now()
    document.save(update_fields=["status", "status_changed_at"])
    record(
        actor=professional,
        patient=document.patient,
        document=document,
        action=action,
        mode=decision.mode.value,
        request=request,
    )
    return document


@transaction.atomic
def document_archive(
    *, professional: User, document: Document, request: HttpRequest | None = None
) -> Document:
    """The author archives their document: still visible, flagged "Archivé"."""
    document = _locked(document)
    decision = _require_author(professional, document)
    if document.status == DocumentStatus.ARCHIVED:
        raise ValidationError("Ce document est déjà archivé.")
    return _set_status(
        document, DocumentStatus.ARCHIVED, Action.DOCUMENT_ARCHIVED, decision, professional, request
    )


@transaction.atomic
def document_delete(
    *, professional: User, document: Document, request: HttpRequest | None = None
) -> Document:
    """The author deletes their document: logically (the row and the file are kept, the law keeps
    a DMP's content), and it is then shown to nobody."""
    document = _locked(document)
    decision = _require_author(professional, document)
    return _set_status(
        document, DocumentStatus.DELETED, Action.DOCUMENT_DELETED, decision, professional, request
    )


@transaction.atomic
def document_set_confidentiality(
    *,
    professional: User,
    document: Document,
    masked_to_professionals: bool,
    hidden_from_patient: bool,
    hidden_from_legal_representatives: bool,
    request: HttpRequest | None = None,
) -> Document:
    """The author changes the confidentiality of their document. Masking is traced as "a masqué /
    a démasqué le document", the other flags as "a modifié la confidentialité du document".

    "Non visible par le patient" can be lifted at any time (after the announcement consultation)
    but not set on a document the patient may already have read: it is chosen when adding.
    """
    document = _locked(document)
    decision = _require_author(professional, document)
    if hidden_from_patient and not document.hidden_from_patient:
        raise ValidationError(
            "Un document déjà visible par le patient ne peut plus lui être rendu invisible : "
            "ce choix se fait à l'ajout du document."
        )
    actions = []
    if masked_to_professionals != document.masked_to_professionals:
        actions.append(Action.DOCUMENT_MASKED if masked_to_professionals else Action.DOCUMENT_UNMASKED)
    changes = []
    if hidden_from_patient != document.hidden_from_patient:
        changes.append("visible par le patient")
        document.end_announcement()
    if hidden_from_legal_representatives != document.hidden_from_legal_representatives:
        changes.append(
            "invisible aux représentants légaux"
            if hidden_from_legal_representatives
            else "visible par les représentants légaux"
        )
    if changes:
        actions.append(Action.DOCUMENT_CONFIDENTIALITY_CHANGED)
    if not actions:
        return document
    document.masked_to_professionals = masked_to_professionals
    document.hidden_from_legal_representatives = hidden_from_legal_representatives
    document.full_clean()
    document.save(
        update_fields=[
            "masked_to_professionals",
            "hidden_from_patient",
            "patient_informed_on",
            "visible_to_patient_on",
            "hidden_from_legal_representatives",
        ]
    )
    for action in actions:
        record(
            actor=professional,
            patient=document.patient,
            document=document,
            action=action,
            mode=decision.mode.value,
            details=", ".join(changes) if action == Action.DOCUMENT_CONFIDENTIALITY_CHANGED else "",
            request=request,
        )
    return document


@transaction.atomic
def vaccination_add(
    *,
    professional: User,
    patient: Patient,
    vaccine: str,
    vaccinated_on: date,
    dose_type: DoseType,
    lot_number: str = "",
    request: HttpRequest | None = None,
    recorded_at: datetime | None = None,
) -> Vaccination:
    """A vaccinating professional (VACCINATING_PROFESSIONS) with access records a vaccination."""
    decision = _require_decision(professional, patient)
    if not may_record_vaccinations(professional):
        raise PermissionDenied("Votre profession ne permet pas d'inscrire une vaccination au carnet.")
    vaccination = Vaccination(
        patient=patient,
        vaccine=vaccine.strip(),
        vaccinated_on=vaccinated_on,
        dose_type=dose_type,
        lot_number=lot_number.strip(),
        recorded_by=professional,
        recorded_by_label=professional.display_name,
        recorded_at=recorded_at or timezone.now(),
    )
    vaccination.full_clean()
    vaccination.save(force_insert=True)
    record(
        actor=professional,
        patient=patient,
        action=Action.VACCINATION_ADDED,
        mode=decision.mode.value,
        details=f"{vaccination.vaccine} ({vaccination.get_dose_type_display()}, {vaccinated_on:%d/%m/%Y})",
        request=request,
    )
    return vaccination


@transaction.atomic
def documents_set_masked(
    *,
    actor_label: str,
    patient: Patient,
    documents: QuerySet[Document],
    masked: bool,
    request: HttpRequest | None = None,
) -> int:
    """The patient masks (or unmasks) documents to professionals, from Mon espace santé: one
    trace per document that changes, in this transaction; returns how many changed.

    `documents` must already be the patient's visible ones (visible_to): a code from another
    record, or a document the patient may not see yet, is simply not in it."""
    changed = list(
        documents.select_for_update(of=("self",))
        .filter(patient=patient)
        .exclude(masked_to_professionals=masked)
    )
    Document.objects.filter(pk__in=[d.pk for d in changed]).update(masked_to_professionals=masked)
    for document in changed:
        record(
            actor=None,
            actor_label=actor_label,
            patient=patient,
            document=document,
            action=Action.DOCUMENT_MASKED if masked else Action.DOCUMENT_UNMASKED,
            request=request,
        )
    return len(changed)
