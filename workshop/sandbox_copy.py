"""Fill a trainee's sandbox in a fraction of a second: copy the model sandbox's rows in bulk.

The model sandbox (`model_sandbox()`: no trainee, reachable by no one) is built once through the
portal's own services (workshop/demo.py and workshop/demo_documents.py: validated files,
search keys, traces), which takes seconds per sandbox. Each trainee's sandbox is then a copy of
it: a handful of bulk inserts per model, whatever the number of patients, and one stored file per
document.

What is copied: the patients (new codes), their médecins traitants and legal representatives,
care stays, blocks, Carte Vitale cards (new serials) with their beneficiaries, documents (new
codes, each file stored again under a new random name: the storage API has no reference count,
so sharing a file between sandboxes would let one deletion remove another's) and vaccinations.
What is not: traces. The copy's history starts empty; the model's traces stay in the model's
own chains (audit.services.chain_for), so the copy never carries a history that did not happen.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.db import models, transaction

from documents.models import Document, Vaccination
from patients.models import Block, CareStay, Patient, Sandbox, VitaleCard
from workshop.demo import vitale_serial

# The model sandbox has no trainee and this label; rebuilding it archives the old one.
MODEL_SANDBOX_LABEL = "Modèle des bacs à sable de l'atelier (jeu de démonstration)"


def model_sandboxes() -> "models.QuerySet[Sandbox]":
    """The model sandbox(es) in force (at most one once built: the latest is used)."""
    return Sandbox.objects.filter(label=MODEL_SANDBOX_LABEL, trainee__isnull=True, archived_at__isnull=True)


@contextmanager
def files_removed_on_failure() -> Iterator[list[str]]:
    """Collect the names of the files stored inside a transaction; delete them if it fails
    (the rows roll back, the files would not)."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        storage = Document.file.field.storage
        for name in stored:
            if storage.exists(name):
                storage.delete(name)
        raise


def sandbox_copy(source: Sandbox, target: Sandbox, *, stored: list[str]) -> None:
    """Copy every row hanging off `source`'s patients into `target` (empty), inside the caller's
    transaction; the names of the files stored are appended to `stored` (files_removed_on_failure)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("sandbox_copy() must run inside a transaction.")
    patients = _copy_patients(source, target)
    _copy_relations(patients)
    _copy_cards(patients, target)
    _copy_documents(patients, stored)
    _copy_rows(Vaccination, patients)


def _clone(row: models.Model, **changes: object) -> models.Model:
    """An unsaved copy of `row` with `changes`: primary key cleared, and every unique field with a
    generated default (the UUID `code` that URLs carry) generated anew."""
    values = {
        field.attname: field.get_default()
        if field.unique and callable(field.default)
        else getattr(row, field.attname)
        for field in row._meta.concrete_fields
        if not field.primary_key
    }
    copy = type(row)(**values)
    for name, value in changes.items():
        setattr(copy, name, value)
    return copy


def _copy_patients(source: Sandbox, target: Sandbox) -> dict[int, Patient]:
    """The copies by the source patient's pk."""
    originals = list(Patient.objects.filter(sandbox=source).order_by("pk"))
    copies = [_clone(patient, sandbox_id=target.pk) for patient in originals]
    Patient.objects.bulk_create(copies)
    return {original.pk: copy for original, copy in zip(originals, copies, strict=True)}


def _copy_relations(patients: dict[int, Patient]) -> None:
    attending = Patient.dmp_attending_physicians.through
    attending.objects.bulk_create(
        attending(patient_id=patients[row.patient_id].pk, user_id=row.user_id)
        for row in attending.objects.filter(patient_id__in=patients)
    )
    representatives = Patient.legal_representatives.through
    representatives.objects.bulk_create(
        representatives(
            from_patient_id=patients[row.from_patient_id].pk, to_patient_id=patients[row.to_patient_id].pk
        )
        for row in representatives.objects.filter(from_patient_id__in=patients)
    )
    _copy_rows(CareStay, patients)
    _copy_rows(Block, patients)


def _copy_rows(model: type[models.Model], patients: dict[int, Patient]) -> None:
    """Rows with a `patient` foreign key, pointed at the copies."""
    model.objects.bulk_create(
        _clone(row, patient_id=patients[row.patient_id].pk)
        for row in model.objects.filter(patient_id__in=patients).order_by("pk")
    )


def _copy_cards(patients: dict[int, Patient], target: Sandbox) -> None:
    originals = list(VitaleCard.objects.filter(holder_id__in=patients).order_by("pk"))
    copies = [
        _clone(card, serial=vitale_serial(card.serial, target), holder_id=patients[card.holder_id].pk)
        for card in originals
    ]
    VitaleCard.objects.bulk_create(copies)
    by_original = {original.pk: copy for original, copy in zip(originals, copies, strict=True)}
    through = VitaleCard.beneficiaries.through
    through.objects.bulk_create(
        through(vitalecard_id=by_original[row.vitalecard_id].pk, patient_id=patients[row.patient_id].pk)
        for row in through.objects.filter(vitalecard_id__in=by_original)
    )


def _copy_documents(patients: dict[int, Patient], stored: list[str]) -> None:
    copies = [
        _clone(document, patient_id=patients[document.patient_id].pk)
        for document in Document.objects.filter(patient_id__in=patients).order_by("pk")
    ]
    for copy in _with_files(copies):
        stored.append(copy.file.name)
    Document.objects.bulk_create(copies)


def _with_files(documents: Iterable[Document]) -> Iterable[Document]:
    """Store each document's file again under a new random name (same bytes, same SHA-256)."""
    storage = Document.file.field.storage
    for document in documents:
        if not document.file:
            continue
        with storage.open(document.file.name, "rb") as source:
            content = source.read()
        target = document.file.field.generate_filename(document, document.original_filename)
        document.file = storage.save(target, ContentFile(content), max_length=100)
        yield document
