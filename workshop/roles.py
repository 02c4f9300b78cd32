"""Who is a trainer: the one role check of the workshop's pages.

A trainer is a professional who logs in with a card or e-CPS like any other and holds
`TRAINER_PERMISSION` (given in the administration), or a portal administrator. Trainees never
get the permission. An active, OTP-verified session is already demanded by the middleware
(accounts/middleware.py); this module only answers "may this user run a workshop?".
"""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from accounts.middleware import open_to_administrators
from accounts.modes import WORKSHOP_TRAINEE_SESSION_KEY
from workshop.models import Trainee

TRAINER_PERMISSION = "workshop.run_workshop"
# Set at login: whether to show the ATELIER menu entry, without two permission queries on
# every page. Display only: every trainer page checks is_trainer() itself.
TRAINER_MENU_SESSION_KEY = "workshop_menu"


def is_trainer(user: object) -> bool:
    """True for an active administrator (staff or superuser) or an active holder of the permission."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_staff or user.is_superuser or user.has_perm(TRAINER_PERMISSION))


def trainer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A view for trainers only: anyone else signed in gets 403 (the middleware already sent the
    anonymous to the login). Administrators without an RPPS may reach it."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not is_trainer(request.user):
            raise PermissionDenied("Réservé aux formateurs de l'atelier.")
        return view(request, *args, **kwargs)

    return open_to_administrators(wrapped)


def remember_trainer_menu(
    sender: object, request: HttpRequest | None, user: object, **kwargs: object
) -> None:
    """user_logged_in receiver (workshop/apps.py): note in the session whether to show ATELIER,
    and whether this is a trainee of a running session (the workshop mode: accounts.modes)."""
    if request is not None and hasattr(request, "session"):
        request.session[TRAINER_MENU_SESSION_KEY] = is_trainer(user)
        request.session[WORKSHOP_TRAINEE_SESSION_KEY] = Trainee.objects.filter(
            user_id=getattr(user, "pk", None), session__ended_at__isnull=True
        ).exists()
