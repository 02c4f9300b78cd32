"""May this professional open this patient's DMP, and in which mode? The one place that decides.

`decide()` is a pure function of `AccessFacts`; `facts_for()` gathers those facts from the
database. Deny by default: only the cases listed below open a DMP.

Rules (DESIGN.md §4, workshop slides "Autorisation d'accès"):
- the DMP must be open;
- a professional the patient blocked has no access, even with consent or in emergency;
- a care-team member (the patient's médecin traitant DMP, or a professional of an
  establishment where the patient is in care) has presumed consent;
- an emergency access in progress opens the DMP ("régulation" for SAMU professionals);
- anyone else must have declared the patient's consent, and must declare again on first
  access or when their last access is over six months old.
Interns (CPF) and pharmacy technicians get the same decision: what they may then read is the
habilitation matrix's business (documents issue).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from django.db.models import Exists, Max, OuterRef, Subquery
from django.utils import timezone

from accounts.models import User
from accounts.viewer import Viewer, as_viewer
from patients.models import Authorization, AuthorizationKind, Block, CareStay, Patient, RecordAccess

# "Accéder à un DMP pour la première fois ou depuis plus de six mois depuis la dernière connexion"
DECLARATION_VALIDITY = timedelta(days=183)
# An emergency access (bris de glace) opens the DMP for a bounded time, then ends by itself.
EMERGENCY_DURATION = timedelta(hours=24)
SAMU_PRACTICE_SETTING = "SAMU_SMUR"


class Mode(Enum):
    CARE_TEAM = "Membre de l'équipe de soins (consentement présumé)"
    CONSENT = "Consentement du patient déclaré"
    EMERGENCY = "Accès en urgence (bris de glace)"
    REGULATION = "Accès en urgence par le SAMU (régulation)"


class Refusal(Enum):
    NOT_A_PROFESSIONAL = "Réservé aux professionnels de santé."
    DMP_CLOSED = "Le DMP de ce patient est fermé."
    BLOCKED = "Le patient a bloqué votre accès à son DMP."
    NEEDS_DECLARATION = "Vous n'êtes actuellement pas autorisé à accéder au DMP de ce patient."
    EMERGENCY_OPPOSED = "Le patient s'est opposé à l'accès en urgence à son DMP."
    EMERGENCY_NEEDS_REASON = "Indiquez le motif de l'accès en urgence."


@dataclass(frozen=True)
class AccessFacts:
    now: datetime
    is_professional: bool
    dmp_open: bool
    blocked: bool
    care_team: bool
    is_samu: bool
    last_consent_at: datetime | None  # latest consent declaration not withdrawn
    last_access_at: datetime | None
    emergency_until: datetime | None  # end of the latest emergency access not withdrawn
    samu_allowed: bool
    others_allowed: bool
    # The last access before it (RecordAccess.previous_access_at): "N nouveau(x)" since then.
    previous_access_at: datetime | None = None


@dataclass(frozen=True)
class Decision:
    mode: Mode | None = None
    refusal: Refusal | None = None
    until: datetime | None = None  # when an emergency access ends

    @property
    def allowed(self) -> bool:
        return self.mode is not None

    @property
    def can_declare(self) -> bool:
        """The refusal can be lifted by a declaration on the "Autorisation d'accès" page."""
        return self.refusal is Refusal.NEEDS_DECLARATION


def _prior_refusal(facts: AccessFacts) -> Refusal | None:
    """What no declaration can lift: not a professional, a closed DMP, a block."""
    if not facts.is_professional:
        return Refusal.NOT_A_PROFESSIONAL
    if not facts.dmp_open:
        return Refusal.DMP_CLOSED
    if facts.blocked:
        return Refusal.BLOCKED
    return None


def decide(facts: AccessFacts) -> Decision:
    if refusal := _prior_refusal(facts):
        return Decision(refusal=refusal)
    if facts.care_team:
        return Decision(mode=Mode.CARE_TEAM)
    if facts.emergency_until is not None and facts.emergency_until > facts.now:
        return Decision(
            mode=Mode.REGULATION if facts.is_samu else Mode.EMERGENCY, until=facts.emergency_until
        )
    if facts.last_consent_at is not None:
        latest = max(filter(None, (facts.last_consent_at, facts.last_access_at)))
        if facts.now - latest <= DECLARATION_VALIDITY:
            return Decision(mode=Mode.CONSENT)
    return Decision(refusal=Refusal.NEEDS_DECLARATION)


def decide_emergency(facts: AccessFacts, *, reason: str) -> Decision:
    """May this professional declare an emergency access now? (The access itself is `decide`.)"""
    if refusal := _prior_refusal(facts):
        return Decision(refusal=refusal)
    if emergency_opposed(facts):
        return Decision(refusal=Refusal.EMERGENCY_OPPOSED)
    if not reason.strip():
        return Decision(refusal=Refusal.EMERGENCY_NEEDS_REASON)
    return Decision(mode=Mode.REGULATION if facts.is_samu else Mode.EMERGENCY)


def emergency_opposed(facts: AccessFacts) -> bool:
    """The patient refused emergency access for professionals like this one (SAMU or others)."""
    return not (facts.samu_allowed if facts.is_samu else facts.others_allowed)


def decide_consent(facts: AccessFacts) -> Decision:
    """May this professional declare the patient's consent now?"""
    if refusal := _prior_refusal(facts):
        return Decision(refusal=refusal)
    return Decision(mode=Mode.CONSENT)


def facts_for(user: User | Viewer, patient: Patient, *, now: datetime | None = None) -> AccessFacts:
    """Everything `decide` needs for one patient."""
    return facts_for_many(user, [patient], now=now)[patient.pk]


def facts_for_many(
    user: User | Viewer, patients: Iterable[Patient], *, now: datetime | None = None
) -> dict[int, AccessFacts]:
    """The facts for many patients in two queries, whatever their number ("Mes patients").

    Only a professional viewer gets past `_prior_refusal`: a patient or a legal representative
    reads their record in Mon espace santé, never through this decision."""
    now = now or timezone.now()
    patients = list(patients)
    viewer = as_viewer(user)
    user = viewer.user
    if not viewer.is_professional:
        return {
            p.pk: AccessFacts(now, False, p.is_open, False, False, False, None, None, None, False, False)
            for p in patients
        }
    practices = list(user.practices.values_list("establishment_id", "practice_setting_id"))
    known = _database_facts(user, [p.pk for p in patients], [e for e, _ in practices], now)
    facts_of = {p.pk: known.get(p.pk, NOTHING_KNOWN) for p in patients}
    is_samu = any(setting == SAMU_PRACTICE_SETTING for _, setting in practices)
    return {
        p.pk: AccessFacts(
            now=now,
            is_professional=True,
            dmp_open=p.is_open,
            blocked=facts_of[p.pk]["blocked"],
            care_team=facts_of[p.pk]["attending"] or facts_of[p.pk]["in_care"],
            is_samu=is_samu,
            last_consent_at=facts_of[p.pk]["consent"],
            last_access_at=facts_of[p.pk]["last_access"],
            emergency_until=facts_of[p.pk]["emergency"],
            samu_allowed=p.emergency_samu_allowed,
            others_allowed=p.emergency_others_allowed,
            previous_access_at=facts_of[p.pk]["previous_access"],
        )
        for p in patients
    }


# A patient the database does not hold (not saved, or gone): no relation to anyone.
NOTHING_KNOWN = {
    "attending": False,
    "in_care": False,
    "blocked": False,
    "consent": None,
    "emergency": None,
    "last_access": None,
    "previous_access": None,
}


def _database_facts(user: User, ids: list[int], establishments: list[int], now: datetime) -> dict[int, dict]:
    """Per patient id: what the database knows of this professional and this patient (médecin
    traitant DMP, care stay in one of their establishments, block, latest consent, end of the
    latest emergency access, last and previous access), in one query of indexed subqueries."""
    of_patient = {"patient_id": OuterRef("pk")}
    declared = Authorization.objects.filter(**of_patient, professional=user, withdrawn_at__isnull=True)
    accessed = RecordAccess.objects.filter(**of_patient, professional=user)

    def latest(kind: AuthorizationKind, field: str) -> Subquery:
        return Subquery(
            declared.filter(kind=kind)
            .order_by()
            .values("patient_id")
            .annotate(latest=Max(field))
            .values("latest")
        )

    rows = (
        Patient.objects.filter(pk__in=ids)
        .order_by()
        .annotate(
            attending=Exists(
                Patient.dmp_attending_physicians.through.objects.filter(**of_patient, user=user)
            ),
            in_care=Exists(
                CareStay.objects.current(timezone.localdate(now)).filter(
                    **of_patient, establishment_id__in=establishments
                )
            ),
            blocked=Exists(Block.objects.filter(**of_patient, professional=user)),
            consent=latest(AuthorizationKind.CONSENT, "declared_at"),
            emergency=latest(AuthorizationKind.EMERGENCY, "expires_at"),
            last_access=Subquery(accessed.values("last_access_at")[:1]),
            previous_access=Subquery(accessed.values("previous_access_at")[:1]),
        )
        .values(
            "pk", "attending", "in_care", "blocked", "consent", "emergency", "last_access", "previous_access"
        )
    )
    return {row["pk"]: row for row in rows}


def decision_for(user: User | Viewer, patient: Patient) -> Decision:
    return decide(facts_for(user, patient))
