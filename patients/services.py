"""Writes about a patient's DMP, each with its trace in the same transaction."""

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from audit.models import Action
from audit.services import record
from patients import access
from patients.ins import normalize_ins
from patients.models import Authorization, AuthorizationKind, Patient, RecordAccess


def patient_save(*, patient: Patient) -> Patient:
    """Validate and save a patient, with its normalized INS and search keys."""
    patient.ins = normalize_ins(patient.ins)
    patient.refresh_search_keys()
    patient.full_clean()
    patient.save()
    return patient


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
) -> None:
    """The professional opens the DMP: trace it, and remember when (six-month rule, "Mes patients").

    The trace comes first: it takes the patient's chain lock, so two tabs opening the same DMP
    at once queue there; the upsert then cannot collide on the (patient, professional) pair.
    """
    record(
        actor=professional,
        patient=patient,
        action=Action.RECORD_OPENED,
        mode=decision.mode.value if decision.mode else "",
        request=request,
    )
    now = timezone.now()
    RecordAccess.objects.bulk_create(
        [RecordAccess(patient=patient, professional=professional, first_access_at=now, last_access_at=now)],
        update_conflicts=True,
        unique_fields=["patient", "professional"],
        update_fields=["last_access_at"],
    )


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
