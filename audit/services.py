from django.db import transaction
from django.http import HttpRequest

from accounts.models import User
from audit.models import Action, Trace


def record(
    *,
    actor: User,
    action: Action,
    patient: object | None = None,
    document: object | None = None,
    mode: str = "",
    details: str = "",
    request: HttpRequest | None = None,
) -> Trace:
    """Write one trace. Call it inside the action's transaction: no action without its trace.

    `patient` is a patients.Patient and `document` a documents.Document (anything with `code` and
    `title`): typed loosely, because audit imports neither.
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
        document_code=getattr(document, "code", None),
        document_title=getattr(document, "title", "")[:255] if document is not None else "",
        details=details[:500],
        client_address=request.META.get("REMOTE_ADDR") if request else None,
    )
