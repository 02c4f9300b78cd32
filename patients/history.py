"""Historique des accès: the patient's traces, most recent first; consulting them is traced."""

from datetime import datetime, time

from django import forms
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit.models import Action, Trace
from audit.services import record
from patients import access
from patients.forms import PERIOD_ORDER_ERROR, FrenchDateField
from patients.models import Patient
from patients.views import dmp_view

# "Seules les traces les plus récentes sont affichées dans cet écran": one page, older ones behind.
TRACES_PER_PAGE = 20


class PeriodForm(forms.Form):
    since = FrenchDateField(label="Du", required=False)
    until = FrenchDateField(label="Au", required=False)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(PERIOD_ORDER_ERROR)
        return data


@require_GET
@dmp_view
def history(request: HttpRequest, patient: Patient, decision: access.Decision) -> HttpResponse:
    mine = request.GET.get("vos") == "1"
    period = PeriodForm(request.GET or None)
    with transaction.atomic():
        record(
            actor=request.user,
            patient=patient,
            action=Action.HISTORY_VIEWED,
            mode=decision.mode.value,
            request=request,
        )
        traces = Trace.objects.filter(patient=patient)
        counts = {"all": traces.count(), "mine": traces.filter(actor=request.user).count()}
        if mine:
            traces = traces.filter(actor=request.user)
        if period.is_valid():
            traces = within(traces, period.cleaned_data)
        page = page_of(request, traces.order_by("-created_at", "-pk"))
    context = {
        "patient": patient,
        "decision": decision,
        "tab": "history",
        "page": page,
        "counts": counts,
        "mine": mine,
        "period": period,
    }
    return render(request, "patients/history.html", context)


def within(traces: QuerySet[Trace], period: dict) -> QuerySet[Trace]:
    """Whole days in Europe/Paris, as a range on created_at (the patient index still serves)."""
    tz = timezone.get_current_timezone()
    if period.get("since"):
        traces = traces.filter(created_at__gte=datetime.combine(period["since"], time.min, tzinfo=tz))
    if period.get("until"):
        traces = traces.filter(created_at__lte=datetime.combine(period["until"], time.max, tzinfo=tz))
    return traces


def page_of(request: HttpRequest, traces: QuerySet[Trace]) -> Page:
    return Paginator(
        traces.only("created_at", "actor_label", "action", "details", "document_code", "document_title"),
        TRACES_PER_PAGE,
    ).get_page(request.GET.get("page"))
