"""Which of a patient's documents may this viewer see? The one place that decides (DESIGN.md §3).

Reached through `Document.objects.visible_to(viewer, patient, decision=None, today=None)` (and
`Vaccination.objects.visible_to(viewer, patient, decision=None)`), which return lazy QuerySets: every
list, count, grid cell, "5 derniers documents" and download filters through them, so a hidden
document never shows up, not even in a count. Deny by default: an unknown viewer sees nothing.

Never shown to anyone: deleted documents (deletion is logical), documents of a technical type (no
rubrique). Archived documents stay visible (archiving tidies a list, it hides nothing): pages flag
them with `Document.is_archived` and may split lists with `.active()` / `.archived()`.

Who is looking is an accounts.viewer.Viewer (`request.viewer`), and the rule dispatches on its kind,
never on the class of the argument. Call sites may pass `request.user` (a professional) or, outside
a request (seed, tests), a patients.Patient looking at `patient` (themselves, or a minor they
represent): both are turned into a Viewer first, by `viewer_of`.

A professional (accounts.User with an RPPS):
1. needs a favourable access decision (patients.access): none, and they see nothing. Pass the
   `decision` the view already has to save its queries; it must be this viewer's for this patient;
2. sees their own documents (as author) whatever the matrix and the masking;
3. otherwise sees the types the habilitation matrix lets them read: the rule for their specialty
   when one exists for the type, else the profession-wide rule; no rule, no access;
4. and, of those, a document masked to professionals (MASQUE_PS) only if they are the patient's
   médecin traitant DMP, or if they are in emergency access (bris de glace or SAMU) and the patient
   allowed masked documents in emergency.

The patient (a PATIENT viewer whose record is `patient`): every document except, while it lasts, one
not visible to the patient (INVISIBLE_PATIENT until `visible_to_patient_on`). Masking to
professionals does not hide a document from its patient.

A legal representative (a LEGAL_REPRESENTATIVE viewer whose record is `patient`, and who is in
patient.legal_representatives: checked in the SQL, whatever the session says): what the patient
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
from accounts.viewer import Viewer, ViewerKind, as_viewer
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
    seen_by = viewer_of(viewer, patient)
    if seen_by.is_patient_side:
        return _patient_side(shown, seen_by, patient, today=today)
    if seen_by.is_professional:
        return _professional(shown, seen_by.user, patient, decision=decision)
    return documents.none()


def viewer_of(who: object, patient: Patient) -> Viewer:
    """The Viewer for `who` looking at `patient`'s record (a Patient: themselves or a minor they
    represent; a patient-side Viewer must be looking at this very record, or it is nobody)."""
    if isinstance(who, Patient):
        if who.pk is None:
            return as_viewer(None)
        return Viewer.patient_side(person_id=who.pk, record_id=patient.pk)
    viewer = as_viewer(who)
    if viewer.is_patient_side and viewer.record_id != patient.pk:
        return as_viewer(None)
    return viewer


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
    seen_by = viewer_of(viewer, patient) if patient is not None and patient.pk is not None else None
    if seen_by is not None and seen_by.is_professional:
        return _professional(
            _shown(documents, patient), seen_by.user, patient, decision=decision, matrix=False
        )
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
    seen_by = viewer_of(viewer, patient)
    if seen_by.kind is ViewerKind.PATIENT:
        return of_patient
    if seen_by.kind is ViewerKind.LEGAL_REPRESENTATIVE:
        return of_patient.filter(_is_legal_representative(seen_by, patient))
    if seen_by.is_professional:
        if _allowed_decision(seen_by.user, patient, decision) is None:
            return vaccinations.none()
        system, code = VACCINATION_HISTORY_TYPE
        readable = DocumentType.objects.filter(code_system=system, code=code).filter(
            _readable("pk", seen_by.user)
        )
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
    # Without the matrix: any type (a condition that always holds, on a column of
    # documents_doc_patient_type_idx; an empty Q() would vanish from the OR below).
    readable = _readable("document_type", viewer) if matrix else Q(document_type__isnull=False)
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


def _patient_side(shown: QuerySet, viewer: Viewer, patient: Patient, *, today: date | None) -> QuerySet:
    today = today or timezone.localdate()
    seen = shown.exclude(still_hidden_from_patient(today))
    if viewer.kind is ViewerKind.PATIENT:
        return seen
    return seen.filter(_is_legal_representative(viewer, patient), hidden_from_legal_representatives=False)


def _is_legal_representative(viewer: Viewer, patient: Patient) -> Exists:
    return Exists(
        Patient.legal_representatives.through.objects.filter(
            from_patient_id=patient.pk, to_patient_id=viewer.person_id
        )
    )
