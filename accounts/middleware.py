"""Who may reach a page: a verified professional, or nobody but the login pages."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from accounts.open_sessions import session_touch
from accounts.services import SESSION_LAST_SEEN_AT, SESSION_STARTED_AT
from accounts.viewer import SESSION_PATIENT_PERSON, patient_session_alive, viewer_for

# Writing the session on every request would cost a database write per page: the idle
# clock is refreshed at most once every 30 s, well inside the 15-minute timeout.
LAST_SEEN_REFRESH_SECONDS = 30


def open_to_administrators(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let an administrator verified by the administrator login (no RPPS) reach this view too,
    besides verified professionals. The view still decides what each of them sees."""
    view.open_to_administrators = True  # type: ignore[attr-defined]
    return view


def not_user_activity(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view that a page calls by itself (a poll), not the user: it does not reset the idle
    clock, so a page left open does not keep its session alive past the idle timeout."""
    view.counts_as_activity = False  # type: ignore[attr-defined]
    return view


class SessionLifetimeMiddleware:
    """Ends a session idle for longer than DMP_SESSION_IDLE_TIMEOUT (15 min) or older than
    DMP_SESSION_MAX_AGE (12 h), whatever the cookie says: the server's clock decides. A patient
    session (Mon espace santé, no User row) follows the same clocks and is flushed when over.

    A professional's idle clock is refreshed once the view is known (process_view), except for
    views marked @not_user_activity.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.get(SESSION_STARTED_AT)
            last_seen = request.session.get(SESSION_LAST_SEEN_AT)
            if started is None or last_seen is None:
                logout(request)
            elif (
                now - last_seen > settings.DMP_SESSION_IDLE_TIMEOUT.total_seconds()
                or now - started > settings.DMP_SESSION_MAX_AGE.total_seconds()
            ):
                logout(request)
                messages.info(request, "Votre session a expiré. Veuillez vous identifier à nouveau.")
        elif SESSION_PATIENT_PERSON in request.session:
            if not patient_session_alive(request):
                request.session.flush()
                messages.info(request, "Votre session a expiré. Veuillez vous identifier à nouveau.")
            elif time.time() - request.session[SESSION_LAST_SEEN_AT] > LAST_SEEN_REFRESH_SECONDS:
                request.session[SESSION_LAST_SEEN_AT] = time.time()
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):  # type: ignore[no-untyped-def]
        if request.user.is_authenticated and getattr(view_func, "counts_as_activity", True):
            now = time.time()
            if now - request.session.get(SESSION_LAST_SEEN_AT, now) > LAST_SEEN_REFRESH_SECONDS:
                request.session[SESSION_LAST_SEEN_AT] = now
            # "Mes sessions": last activity, at most once a minute (a poll is not activity).
            session_touch(request, started_at=request.session.get(SESSION_STARTED_AT))
        return None


class ViewerMiddleware:
    """Resolves who is looking once per request: `request.viewer` (accounts/viewer.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.viewer = viewer_for(request)
        return self.get_response(request)


class VerifiedProfessionalMiddleware(LoginRequiredMiddleware):
    """Deny by default: every view needs a professional verified by CPS card or e-CPS.

    A patient session (Mon espace santé) is refused outright, never sent to the login.
    Exempt: views marked @login_not_required (login, health check, static files) and the
    admin, whose site demands a verified staff member itself (dmp_portal.admin); views marked
    @open_to_administrators also admit that verified staff member. A session
    that is logged in but not verified (no second factor) is ended and sent to the login.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):  # type: ignore[no-untyped-def]
        if not getattr(view_func, "login_required", True):
            return None
        match = request.resolver_match
        if match is not None and match.app_name == "admin":
            return None
        if request.viewer.is_patient_side:
            raise PermissionDenied("Réservé aux professionnels de santé.")
        user = request.user
        if user.is_authenticated and user.is_verified():
            if user.is_professional:
                return None
            if getattr(view_func, "open_to_administrators", False) and admin.site.has_permission(request):
                return None
            raise PermissionDenied("Réservé aux professionnels de santé.")
        if user.is_authenticated:
            logout(request)
        return self.handle_no_permission(request, view_func)
