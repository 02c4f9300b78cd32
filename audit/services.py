from django.db import transaction
from django.http import HttpRequest

from accounts.models import User
from audit.models import Action, Trace


def record(
    *,
    actor: User,
    action: Action,
    patient: object | None = None,
    mode: str = "",
    details: str = "",
    request: HttpRequest | None = None,
) -> Trace:
    """Write one trace. Call it inside the action's transaction: no action without its trace.

    `patient` is a patients.Patient (typed loosely: audit does not import patients).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must run inside the action's transaction.")
    profession = f" ({actor.profession.label})" if getattr(actor, "profession", None) else ""
    return Trace.objects.create(
        actor=actor,
        actor_label=f"{actor.display_name}{profession}",
        patient=patient,
        action=action,
        mode=mode,
        details=details[:500],
        client_address=request.META.get("REMOTE_ADDR") if request else None,
    )
