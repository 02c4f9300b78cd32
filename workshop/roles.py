"""Who runs a workshop: the trainer permission, and the check every trainer page makes.

Trainers are professionals (logging in by card or e-CPS like any other) given the permission,
or administrators. Trainees never get it.
"""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

TRAINER_PERMISSION = "workshop.run_workshop"
# Set at login: whether to show the ATELIER menu entry, without two permission queries on
# every page. Display only: every trainer page checks is_trainer() itself.
TRAINER_MENU_SESSION_KEY = "workshop_menu"


def is_trainer(user: object) -> bool:
    """An active administrator (superuser or staff) or an active user with the trainer permission."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or user.is_staff or user.has_perm(TRAINER_PERMISSION))


def trainer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """403 for anyone but a trainer (anonymous users never get here: the login middleware sends
    them to the login page first)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not is_trainer(request.user):
            raise PermissionDenied("Réservé aux formateurs de l'atelier.")
        return view(request, *args, **kwargs)

    return wrapper


def remember_trainer_menu(
    sender: object, request: HttpRequest | None, user: object, **kwargs: object
) -> None:
    """user_logged_in receiver (workshop/apps.py): note in the session whether to show ATELIER."""
    if request is not None and hasattr(request, "session"):
        request.session[TRAINER_MENU_SESSION_KEY] = is_trainer(user)
