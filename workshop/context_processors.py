"""The guided scenario's checklist on every page of a trainee of a running session."""

from django.http import HttpRequest

from workshop.progress import TraineeProgress, progress_of_user
from workshop.services import TRAINEE_RPPS_PREFIX


def scenario(request: HttpRequest) -> dict:
    """`workshop_scenario`: the trainee's progress, read only when a page draws it (a callable,
    which templates call), and only for trainee accounts (their RPPS range): no query for others."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False) or not (user.rpps or "").startswith(TRAINEE_RPPS_PREFIX):
        return {}

    def progress() -> TraineeProgress | None:
        return progress_of_user(user)

    return {"workshop_scenario": progress}
