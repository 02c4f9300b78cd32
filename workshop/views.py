"""The workshop's pages: "Le DMP en chiffres" (the slides' survey and the portal's figures)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.middleware import open_to_administrators
from workshop import statistics, survey
from workshop.charts import bar_chart
from workshop.roles import is_trainer


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
        "session_charts": [bar_chart(b) for b in statistics.steps_completed_by_session()] if trainer else [],
        "threshold": statistics.SMALL_CELL_THRESHOLD,
    }
    return render(request, "workshop/statistics.html", context)
