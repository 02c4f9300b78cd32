"""The trainer's dashboard: trainees by steps, refreshed live, and each trainee's sandbox history.

Trainers only (workshop.roles.trainer_required: 403 for anyone else), and only for their own
sessions (WorkshopSession.objects.run_by: 404 for another's; an administrator sees all).
The grid comes from workshop/progress.py (the traces decide, in one query). The page polls its
grid fragment (static/js/dashboard-poll.js); the fragment's view is @not_user_activity, so a
dashboard left open does not keep the trainer's session alive past the idle timeout.

The sandbox history lists traces, nothing more: no link into the patients' DMP, which the
trainer cannot open (the sandbox patients are reachable by their trainee only), and no document
title: the trainer may read no document of these records, so a line that names a document reads
"a consulté un document" (Trace.sentence_without_title), as it would for any reader who may not
see it.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.middleware import not_user_activity
from audit.models import Trace
from workshop.models import WorkshopSession
from workshop.progress import progress_for, steps_for
from workshop.roles import trainer_required
from workshop.services import active_sandboxes
from workshop.views import _session, _trainee

POLL_SECONDS = 5
HISTORY_PAGE_SIZE = 50
CURSOR = "avant"  # the keyset cursor: the last trace (pk) of the previous page


def _grid_context(session: WorkshopSession) -> dict:
    trainees = list(session.trainees.select_related("user"))
    now = timezone.now()
    rows = [(progress, progress.minutes_since_last(now)) for progress in progress_for(session, trainees)]
    return {"session": session, "steps": steps_for(session), "rows": rows, "updated_at": now}


@never_cache
@require_GET
@trainer_required
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    session = _session(request, code)
    context = _grid_context(session) | {"poll_seconds": POLL_SECONDS}
    return render(request, "workshop/dashboard.html", context)


@not_user_activity
@never_cache
@require_GET
@trainer_required
def dashboard_grid(request: HttpRequest, code: str) -> HttpResponse:
    """The grid alone, for the page's poll."""
    session = _session(request, code)
    return render(request, "workshop/_dashboard_grid.html", _grid_context(session))


@never_cache
@require_GET
@trainer_required
def trainee_history(request: HttpRequest, code: str, position: int) -> HttpResponse:
    """The traces of the trainee's sandbox patients, most recent first, by pages of 50 (keyset:
    the page after trace N starts below it, however many traces are written meanwhile)."""
    session = _session(request, code)
    trainee = _trainee(session, position)
    sandbox = active_sandboxes([trainee]).get(trainee.user_id)
    traces = (
        Trace.objects.filter(patient__sandbox=sandbox)
        .select_related("patient")
        .order_by("-created_at", "-pk")
        if sandbox
        else Trace.objects.none()
    )
    cursor = request.GET.get(CURSOR)
    if cursor is not None:
        after = traces.filter(pk=cursor).values("created_at").first() if cursor.isdigit() else None
        if after is None:
            messages.error(
                request, "Cette page de l'historique n'existe pas : voici les actions les plus récentes."
            )
        else:
            traces = traces.filter(created_at__lte=after["created_at"]).exclude(
                created_at=after["created_at"], pk__gte=int(cursor)
            )
    page = list(traces[: HISTORY_PAGE_SIZE + 1])
    context = {
        "session": session,
        "trainee": trainee,
        "sandbox": sandbox,
        "traces": page[:HISTORY_PAGE_SIZE],
        "next_cursor": page[HISTORY_PAGE_SIZE - 1].pk if len(page) > HISTORY_PAGE_SIZE else None,
        "cursor_name": CURSOR,
    }
    return render(request, "workshop/trainee_history.html", context)
