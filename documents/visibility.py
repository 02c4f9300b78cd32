"""Which of a patient's documents may this viewer see? The one place that decides (DESIGN.md §3).

Reached through `Document.objects.visible_to(viewer, patient, decision=None, today=None)` (and
`Vaccination.objects.visible_to(viewer, patient, decision=None)`), which return lazy QuerySets: every
list, count, grid cell, "5 derniers documents" and download filters through them, so a hidden
document never shows up, not even in a count. Deny by default: an unknown viewer sees nothing.

Never shown to anyone: deleted documents (deletion is logical), documents of a technical type (no
rubrique). Archived documents stay visible (archiving tidies a list, it hides nothing): pages flag
them with `Document.is_archived` and may split lists with `.active()` / `.archived()`.

A professional (accounts.User with an RPPS):
1. needs a favourable access decision (patients.access): none, and they see nothing. Pass the
   `decision` the view already has to save its queries; it must be this viewer's for this patient;
2. sees their own documents (as author) whatever the matrix and the masking;
3. otherwise sees the types the habilitation matrix lets them read: the rule for their specialty
   when one exists for the type, else the profession-wide rule; no rule, no access;
4. and, of those, a document masked to professionals (MASQUE_PS) only if they are the patient's
   médecin traitant DMP, or if they are in emergency access (bris de glace or SAMU) and the patient
   allowed masked documents in emergency.

The patient (the same patients.Patient as `patient`): every document except, while it lasts, one
not visible to the patient (INVISIBLE_PATIENT until `visible_to_patient_on`). Masking to
professionals does not hide a document from its patient.

A legal representative (a patients.Patient in patient.legal_representatives): what the patient
sees, minus the documents invisible to legal representatives (INVISIBLE_REPRESENTANTS_LEGAUX).

The "Parcours de soins" grid's years (`Document.objects.in_grid_years_of(viewer, patient, ...)`,
`restrict_grid_span`): the years of the documents this viewer sees, and, for a professional, of
those that only the habilitation matrix keeps from them, as dmp.fr does (the slides' pharmacist sees
empty 2005-2007 columns). The matrix is a published rule about professions: a year column says that
the record holds something their profession does not read, never what, nor how many. A document
masked to professionals, invisible to the patient or to legal representatives, deleted or of a
technical type, is the patient's (or author's) secret and adds no year; no decision, no years.

Each QuerySet is one SQL query (the matrix, the médecin traitant and the legal representative are
subqueries), backed by documents_doc_patient_idx and the matrix's unique index; asking for the
decision costs the few constant queries of patients.access.facts_for.
"""

from datetime import date

from django.db.models import Exists, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from documents.models import DocumentStatus, DocumentType, HabilitationRule, still_hidden_from_patient
from patients import access
from patients.models import Patient

SHOWN_STATUSES = (DocumentStatus.ACTIVE, DocumentStatus.ARCHIVED)
EMERGENCY_MODES = frozenset({access.Mode.EMERGENCY, access.Mode.REGULATION})
# The carnet de vaccination is read under the matrix cell of "Historique des vaccinations".
VACCINATION_HISTORY_TYPE = ("LOINC", "11369-6")


def restrict(
    documents: QuerySet,
    viewer: object,
    patient: Patient,
    *,
    decision: access.Decision | None = None,
    today: date | None = None,
) -> QuerySet:
    if patient is None or patient.pk is None:
        return documents.none()
    shown = _shown(documents, patient)
    if isinstance(viewer, Patient):
        return _patient_side(shown, viewer, patient, today=today)
    if isinstance(viewer, User):
        return _professional(shown, viewer, patient, decision=decision)
    return documents.none()


def restrict_grid_span(
    documents: QuerySet,
    viewer: object,
    patient: Patient,
    *,
    decision: access.Decision | None = None,
    today: date | None = None,
) -> QuerySet:
    """The documents whose year the grid shows as a column (module docstring): `restrict` without
    its matrix clause, for professionals only. Never a list, a count or a download."""
    if isinstance(viewer, User) and patient is not None and patient.pk is not None:
        return _professional(_shown(documents, patient), viewer, patient, decision=decision, matrix=False)
    return restrict(documents, viewer, patient, decision=decision, today=today)


def _shown(documents: QuerySet, patient: Patient) -> QuerySet:
    """The patient's documents that can be shown at all: not deleted, of a type with a rubrique."""
    return documents.filter(patient=patient, status__in=SHOWN_STATUSES, document_type__rubrique__isnull=False)


def restrict_vaccinations(
    vaccinations: QuerySet,
    viewer: object,
    patient: Patient,
    *,
    decision: access.Decision | None = None,
) -> QuerySet:
    """The carnet de vaccination: the patient and their legal representatives see it all; a
    professional with a favourable decision sees it if the matrix lets them read the vaccination
    history of their profession (specialty)."""
    if patient is None or patient.pk is None:
        return vaccinations.none()
    of_patient = vaccinations.filter(patient=patient)
    if isinstance(viewer, Patient):
        if viewer.pk is None:
            return vaccinations.none()
        if viewer.pk == patient.pk:
            return of_patient
        return of_patient.filter(_is_legal_representative(viewer, patient))
    if isinstance(viewer, User):
        if _allowed_decision(viewer, patient, decision) is None:
            return vaccinations.none()
        system, code = VACCINATION_HISTORY_TYPE
        readable = DocumentType.objects.filter(code_system=system, code=code).filter(_readable("pk", viewer))
        return of_patient.filter(Exists(readable))
    return vaccinations.none()


def _allowed_decision(
    viewer: User, patient: Patient, decision: access.Decision | None
) -> access.Decision | None:
    """The professional's favourable decision for this patient (the one given, else asked), or None."""
    if not viewer.is_professional:
        return None
    if decision is None:
        decision = access.decision_for(viewer, patient)
    return decision if decision.allowed else None


def _professional(
    shown: QuerySet, viewer: User, patient: Patient, *, decision: access.Decision | None, matrix: bool = True
) -> QuerySet:
    decision = _allowed_decision(viewer, patient, decision)
    if decision is None:
        return shown.none()
    readable = _readable("document_type", viewer) if matrix else Q(pk__isnull=False)
    if decision.mode in EMERGENCY_MODES and patient.emergency_masked_allowed:
        allowed = readable
    else:
        attending = Exists(
            Patient.dmp_attending_physicians.through.objects.filter(patient_id=patient.pk, user_id=viewer.pk)
        )
        allowed = readable & (Q(masked_to_professionals=False) | Q(attending))
    return shown.filter(Q(author=viewer) | allowed)


def _readable(field: str, viewer: User) -> Q:
    """`field` (a DocumentType reference) is a type the matrix lets `viewer` read."""
    rules = HabilitationRule.objects.filter(profession_id=viewer.profession_id)
    profession_wide = rules.filter(specialty="", may_read=True).values("document_type_id")
    if not viewer.specialty:
        return Q(**{f"{field}__in": profession_wide})
    specialty_rules = rules.filter(specialty=viewer.specialty)
    return Q(**{f"{field}__in": specialty_rules.filter(may_read=True).values("document_type_id")}) | (
        Q(**{f"{field}__in": profession_wide})
        & ~Q(**{f"{field}__in": specialty_rules.values("document_type_id")})
    )


def _patient_side(shown: QuerySet, viewer: Patient, patient: Patient, *, today: date | None) -> QuerySet:
    if viewer.pk is None:
        return shown.none()
    today = today or timezone.localdate()
    seen = shown.exclude(still_hidden_from_patient(today))
    if viewer.pk == patient.pk:
        return seen
    return seen.filter(_is_legal_representative(viewer, patient), hidden_from_legal_representatives=False)


def _is_legal_representative(viewer: Patient, patient: Patient) -> Exists:
    return Exists(
        Patient.legal_representatives.through.objects.filter(
            from_patient_id=patient.pk, to_patient_id=viewer.pk
        )
    )
