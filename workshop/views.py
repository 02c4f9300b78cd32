"""L'atelier: the trainer's pages (sessions, trainees, login sheets, reset, end), and "Le DMP en
chiffres" (the slides' survey for every professional, the portal's figures for trainers).

Every view is for trainers only (workshop.roles.trainer_required: 403 for anyone else), and a
trainer reaches only their own sessions (WorkshopSession.objects.run_by: 404 for another's).
Pages holding login secrets are never cached.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.middleware import open_to_administrators
from workshop import services, statistics, survey
from workshop.charts import bar_chart
from workshop.forms import SessionCreateForm
from workshop.models import Trainee, TraineeProfession, WorkshopSession
from workshop.roles import is_trainer, trainer_required
from workshop.sheets import sheets_for


def _session(request: HttpRequest, code: str) -> WorkshopSession:
    return get_object_or_404(WorkshopSession.objects.run_by(request.user), code=code)


def _trainee(session: WorkshopSession, position: int) -> Trainee:
    return get_object_or_404(session.trainees.select_related("user", "session"), position=position)


@require_GET
@trainer_required
def session_list(request: HttpRequest) -> HttpResponse:
    sessions = WorkshopSession.objects.run_by(request.user).select_related("trainer")
    return render(request, "workshop/session_list.html", {"sessions": list(sessions)})


@require_http_methods(["GET", "POST"])
@trainer_required
def session_create(request: HttpRequest) -> HttpResponse:
    form = SessionCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.workshop_session_create(
                trainer=request.user,
                request=request,
                name=form.cleaned_data["name"],
                on=form.cleaned_data["date"],
                professions=form.professions(),
                care_team_scenario=form.cleaned_data["care_team_scenario"],
            )
        except services.WorkshopError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"La session « {session.name} » est prête : {len(form.professions())} stagiaire(s)."
            )
            return redirect("workshop:session", code=session.code)
    return render(request, "workshop/session_form.html", {"form": form})


@never_cache
@require_GET
@trainer_required
def session_detail(request: HttpRequest, code: str) -> HttpResponse:
    session = _session(request, code)
    trainees = list(session.trainees.select_related("user__profession"))
    sandboxes = services.active_sandboxes(trainees)
    rows = [(trainee, sandboxes.get(trainee.user_id)) for trainee in trainees]
    return render(request, "workshop/session_detail.html", {"session": session, "rows": rows})


@never_cache
@require_GET
@trainer_required
def sheets(request: HttpRequest, code: str) -> HttpResponse:
    """Every login sheet of the session, one per printed page."""
    session = _session(request, code)
    if session.is_ended:
        return _ended(request, session)
    trainees = list(session.trainees.select_related("user__profession"))
    return _render_sheets(request, session, trainees)


@never_cache
@require_GET
@trainer_required
def sheet(request: HttpRequest, code: str, position: int) -> HttpResponse:
    session = _session(request, code)
    if session.is_ended:
        return _ended(request, session)
    return _render_sheets(request, session, [_trainee(session, position)])


def _render_sheets(request: HttpRequest, session: WorkshopSession, trainees: list[Trainee]) -> HttpResponse:
    context = {
        "session": session,
        "sheets": sheets_for(session, trainees),
        "portal_url": request.build_absolute_uri("/"),
        "professions": dict(TraineeProfession.choices),
    }
    return render(request, "workshop/sheets.html", context)


def _ended(request: HttpRequest, session: WorkshopSession) -> HttpResponse:
    messages.info(request, "Cette session est terminée : ses fiches de connexion ne sont plus valables.")
    return redirect("workshop:session", code=session.code)


@require_POST
@trainer_required
def session_reset(request: HttpRequest, code: str) -> HttpResponse:
    session = _session(request, code)
    try:
        services.workshop_session_reset(session=session, by=request.user, request=request)
    except services.WorkshopError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Tous les bacs à sable de la session ont été remis dans leur état initial.")
    return redirect("workshop:session", code=session.code)


@require_POST
@trainer_required
def trainee_reset(request: HttpRequest, code: str, position: int) -> HttpResponse:
    session = _session(request, code)
    trainee = _trainee(session, position)
    try:
        services.workshop_trainee_reset(trainee=trainee, by=request.user, request=request)
    except services.WorkshopError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"Le bac à sable du poste {trainee.position} a été remis dans son état initial."
        )
    return redirect("workshop:session", code=session.code)


@require_POST
@trainer_required
def session_end(request: HttpRequest, code: str) -> HttpResponse:
    session = services.workshop_session_end(session=_session(request, code), by=request.user, request=request)
    messages.success(
        request, f"La session « {session.name} » est terminée : les comptes des stagiaires sont désactivés."
    )
    return redirect("workshop:session", code=session.code)


@require_GET
@open_to_administrators
def statistics_page(request: HttpRequest) -> HttpResponse:
    """The survey for any signed-in professional (it is the workshop's teaching); the portal's
    live figures only for trainers and administrators, who run the workshop. Aggregates name
    no patient, so reading them is not a DMP access and writes no trace."""
    trainer = is_trainer(request.user)
    context = {
        "survey": survey,
        "survey_chart": bar_chart(statistics.survey_breakdown()),
        "trainer": trainer,
        "live_charts": [bar_chart(b) for b in statistics.live_breakdowns()] if trainer else [],
        "session_charts": [bar_chart(b) for b in statistics.steps_completed_by_session(request.user)]
        if trainer
        else [],
        "threshold": statistics.SMALL_CELL_THRESHOLD,
    }
    return render(request, "workshop/statistics.html", context)
