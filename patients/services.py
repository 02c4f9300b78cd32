"""Writes about a patient's DMP, each with its trace in the same transaction."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import PHYSICIAN_CODE, User
from audit.models import Action
from audit.services import record
from patients import access
from patients.ins import normalize_ins
from patients.models import (
    Authorization,
    AuthorizationKind,
    Block,
    CareStay,
    DMPStatus,
    Patient,
    RecordAccess,
    VitaleCard,
)


def patient_save(*, patient: Patient) -> Patient:
    """Validate and save a patient, with its normalized INS and search keys."""
    patient.ins = normalize_ins(patient.ins)
    patient.refresh_search_keys()
    patient.full_clean()
    patient.save()
    return patient


def vitale_card_set_beneficiaries(*, card: VitaleCard, beneficiaries: list[Patient]) -> VitaleCard:
    """Put these persons on the card: all from the holder's scope (the portal or one sandbox)."""
    card.validate_beneficiaries(beneficiaries)
    card.beneficiaries.set(beneficiaries)
    return card


@transaction.atomic
def authorization_declare(
    *,
    professional: User,
    patient: Patient,
    kind: AuthorizationKind,
    reason: str = "",
    request: HttpRequest | None = None,
) -> access.Decision:
    """Record the professional's declaration (consent or emergency) if the rules allow it."""
    facts = access.facts_for(professional, patient)
    if kind == AuthorizationKind.EMERGENCY:
        decision = access.decide_emergency(facts, reason=reason)
    else:
        decision = access.decide_consent(facts)
    if not decision.allowed:
        return decision
    now = timezone.now()
    emergency = kind == AuthorizationKind.EMERGENCY
    Authorization.objects.create(
        patient=patient,
        professional=professional,
        kind=kind,
        declared_at=now,
        reason=reason.strip() if emergency else "",
        expires_at=now + access.EMERGENCY_DURATION if emergency else None,
    )
    record(
        actor=professional,
        patient=patient,
        action=Action.EMERGENCY_ACCESS if emergency else Action.AUTHORIZATION_DECLARED,
        mode=decision.mode.value,
        details=reason.strip() if emergency else "",
        request=request,
    )
    return decision


@transaction.atomic
def record_open(
    *, professional: User, patient: Patient, decision: access.Decision, request: HttpRequest | None = None
) -> datetime | None:
    """The professional opens the DMP: trace it, and remember when (six-month rule, "Mes patients",
    and the previous access that "N nouveau(x)" counts from). Returns the previous access (None
    on a first opening).

    The trace comes first: it takes the patient's chain lock, so two tabs opening the same DMP
    at once queue there; reading then moving the (patient, professional) row cannot race.
    """
    record(
        actor=professional,
        patient=patient,
        action=Action.RECORD_OPENED,
        mode=decision.mode.value if decision.mode else "",
        request=request,
    )
    now = timezone.now()
    accesses = RecordAccess.objects.filter(patient=patient, professional=professional)
    previous = accesses.values_list("last_access_at", flat=True).first()
    if previous is None:
        RecordAccess.objects.create(
            patient=patient, professional=professional, first_access_at=now, last_access_at=now
        )
    else:
        accesses.update(previous_access_at=previous, last_access_at=now)
    return previous


@transaction.atomic
def authorization_withdraw(
    *, professional: User, patient: Patient, request: HttpRequest | None = None
) -> int:
    """Withdraw the professional's own declarations; effective on their very next request."""
    count = Authorization.objects.filter(
        patient=patient, professional=professional, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())
    if count:
        record(actor=professional, patient=patient, action=Action.AUTHORIZATION_WITHDRAWN, request=request)
    return count


# ---------------------------------------------------------------------------------------------
# Who may open the DMP: blocks, care stays, médecins traitants DMP, status, emergency choices.
# The administration and the patient space (patients/space_views.py) call these: each writes its
# trace in the patient's history, in the same transaction, with the actor who made the change (a
# patient has no User row: actor None and `actor_label`, their name and role).


def _professional_label(professional: User) -> str:
    profession = f" ({professional.profession.label})" if professional.profession_id else ""
    return f"{professional.display_name}{profession}"


def _stay_label(stay: CareStay) -> str:
    period = f"depuis le {stay.started_on:%d/%m/%Y}"
    if stay.ended_on:
        period = f"du {stay.started_on:%d/%m/%Y} au {stay.ended_on:%d/%m/%Y}"
    return f"{stay.establishment.name} ({period})"


@transaction.atomic
def block_add(
    *,
    actor: User | None,
    actor_label: str = "",
    patient: Patient,
    professional: User,
    request: HttpRequest | None = None,
) -> Block:
    """The patient blocks this professional: no access from their next request, whatever the consent."""
    block = Block(patient=patient, professional=professional, blocked_at=timezone.now())
    block.full_clean()
    block.save()
    record(
        actor=actor,
        actor_label=actor_label,
        patient=patient,
        action=Action.BLOCK_ADDED,
        details=_professional_label(professional),
        request=request,
    )
    return block


@transaction.atomic
def block_remove(
    *, actor: User | None, actor_label: str = "", block: Block, request: HttpRequest | None = None
) -> None:
    """Lift a block: the professional needs an authorization again, like anyone outside the care team."""
    record(
        actor=actor,
        actor_label=actor_label,
        patient=block.patient,
        action=Action.BLOCK_REMOVED,
        details=_professional_label(block.professional),
        request=request,
    )
    block.delete()


@transaction.atomic
def care_stay_save(*, actor: User, stay: CareStay, request: HttpRequest | None = None) -> CareStay:
    """Add or change a stay: the establishment's professionals are in the care team during it."""
    stay.full_clean()
    action = Action.CARE_STAY_CHANGED if stay.pk else Action.CARE_STAY_ADDED
    stay.save()
    record(actor=actor, patient=stay.patient, action=action, details=_stay_label(stay), request=request)
    return stay


@transaction.atomic
def care_stay_delete(*, actor: User, stay: CareStay, request: HttpRequest | None = None) -> None:
    record(
        actor=actor,
        patient=stay.patient,
        action=Action.CARE_STAY_REMOVED,
        details=_stay_label(stay),
        request=request,
    )
    stay.delete()


@transaction.atomic
def attending_physician_add(
    *, actor: User, patient: Patient, physician: User, request: HttpRequest | None = None
) -> None:
    """Name a médecin traitant DMP: a physician, in the care team, who also reads masked documents."""
    if physician.profession_id != PHYSICIAN_CODE:
        raise ValidationError("Le médecin traitant DMP doit être un médecin.")
    if patient.dmp_attending_physicians.filter(pk=physician.pk).exists():
        return
    patient.dmp_attending_physicians.add(physician)
    record(
        actor=actor,
        patient=patient,
        action=Action.ATTENDING_PHYSICIAN_ADDED,
        details=_professional_label(physician),
        request=request,
    )


@transaction.atomic
def attending_physician_remove(
    *, actor: User, patient: Patient, physician: User, request: HttpRequest | None = None
) -> None:
    if not patient.dmp_attending_physicians.filter(pk=physician.pk).exists():
        return
    patient.dmp_attending_physicians.remove(physician)
    record(
        actor=actor,
        patient=patient,
        action=Action.ATTENDING_PHYSICIAN_REMOVED,
        details=_professional_label(physician),
        request=request,
    )


@transaction.atomic
def dmp_close(
    *,
    actor: User | None,
    actor_label: str = "",
    patient: Patient,
    reason: str,
    at_patient_request: bool = False,
    request: HttpRequest | None = None,
) -> Patient:
    """Close the DMP: nobody opens it any more; it is kept (ten years by law) and can be reopened.
    The patient closes it from Mon espace santé; a professional, in consultation, only at the
    patient's request (`at_patient_request`, traced as such: "a clôturé le DMP à la demande du
    patient")."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"closing_reason": "Indiquez le motif de fermeture du DMP."})
    if not patient.is_open:
        raise ValidationError({"dmp_status": "Ce DMP est déjà fermé."})
    patient.dmp_status, patient.closed_on, patient.closing_reason = (
        DMPStatus.CLOSED,
        timezone.localdate(),
        reason,
    )
    patient.full_clean()
    patient.save(update_fields=["dmp_status", "closed_on", "closing_reason"])
    record(
        actor=actor,
        actor_label=actor_label,
        patient=patient,
        action=Action.DMP_CLOSED_AT_PATIENT_REQUEST if at_patient_request else Action.DMP_CLOSED,
        details=reason,
        request=request,
    )
    return patient


@transaction.atomic
def dmp_reopen(
    *, actor: User | None, actor_label: str = "", patient: Patient, request: HttpRequest | None = None
) -> Patient:
    if patient.is_open:
        raise ValidationError({"dmp_status": "Ce DMP est déjà ouvert."})
    patient.dmp_status, patient.closed_on, patient.closing_reason = DMPStatus.ACTIVE, None, ""
    patient.full_clean()
    patient.save(update_fields=["dmp_status", "closed_on", "closing_reason"])
    record(actor=actor, actor_label=actor_label, patient=patient, action=Action.DMP_REOPENED, request=request)
    return patient


def _yes_no(value: bool) -> str:
    return "oui" if value else "non"


@transaction.atomic
def emergency_choices_change(
    *,
    actor: User | None,
    actor_label: str = "",
    patient: Patient,
    samu_allowed: bool,
    others_allowed: bool,
    masked_allowed: bool,
    request: HttpRequest | None = None,
) -> Patient:
    """The patient's three emergency choices (masked documents only if SAMU or others may access)."""
    patient.emergency_samu_allowed = samu_allowed
    patient.emergency_others_allowed = others_allowed
    patient.emergency_masked_allowed = masked_allowed
    patient.full_clean()
    patient.save(
        update_fields=["emergency_samu_allowed", "emergency_others_allowed", "emergency_masked_allowed"]
    )
    record(
        actor=actor,
        actor_label=actor_label,
        patient=patient,
        action=Action.EMERGENCY_CHOICES_CHANGED,
        details=(
            f"SAMU : {_yes_no(samu_allowed)} ; autres professionnels : {_yes_no(others_allowed)} ; "
            f"documents masqués : {_yes_no(masked_allowed)}"
        ),
        request=request,
    )
    return patient


NEW_DOCUMENTS_MASKED = "les nouveaux documents arrivent masqués"
NEW_DOCUMENTS_VISIBLE = "les nouveaux documents arrivent visibles par les professionnels autorisés"


@transaction.atomic
def new_documents_masking_change(
    *,
    actor: User | None,
    actor_label: str = "",
    patient: Patient,
    masked: bool,
    request: HttpRequest | None = None,
) -> Patient:
    """The patient's preference: documents added from now on arrive masked to professionals (or
    not). Documents already in the record keep their masking."""
    if patient.new_documents_masked == masked:
        return patient
    patient.new_documents_masked = masked
    patient.save(update_fields=["new_documents_masked"])
    record(
        actor=actor,
        actor_label=actor_label,
        patient=patient,
        action=Action.NEW_DOCUMENTS_MASKING_CHANGED,
        details=NEW_DOCUMENTS_MASKED if masked else NEW_DOCUMENTS_VISIBLE,
        request=request,
    )
    return patient
