"""Historique des accès: the patient's traces, most recent first; consulting them is traced.

A trace about a document names it only to a reader who may see that document now (a title can
name a diagnosis): `history_rows` asks documents' `visible_to` once per page, for the page's
document codes, and tells the other traces as "a consulté un document". patients may not import
documents (DESIGN.md §2: patients ← documents), so the decision is injected: the project names it
in settings.DMP_HISTORY_DOCUMENT_DECIDER (documents.history.visible_document_codes), as it names
audit's session recorder for accounts. Deny by default: without a decider, no title is shown.
"""

import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, time

from django import forms
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.module_loading import import_string
from django.views.decorators.http import require_GET

from audit.models import Action, ChainHead, Trace
from audit.services import chain_for, record
from dmp_portal.paging import BoundedCount, KeysetPage, bounded_count, keyset_page
from patients import access
from patients.forms import PERIOD_ORDER_ERROR, FrenchDateField
from patients.models import Patient
from patients.opening import Tab, shell_context
from patients.views import dmp_view

# "Seules les traces les plus récentes sont affichées dans cet écran": one page, older ones behind.
TRACES_PER_PAGE = 20


@dataclass(frozen=True)
class HistoryRow:
    """One line of a history as this reader may read it."""

    trace: Trace
    sentence: str


def history_rows(
    traces: Iterable[Trace], viewer: object, patient: Patient, *, decision: access.Decision | None = None
) -> list[HistoryRow]:
    """The traces as `viewer` (a professional, or later the patient or a legal representative, as
    `visible_to` takes them) may read them: a document's title only if they may see it now.

    Guarantees: one call of the decider for the whole page, whatever the number of traces (one
    query); a trace whose document cannot be checked (no code) never shows its title."""
    traces = list(traces)
    codes = {trace.document_code for trace in traces if trace.document_code is not None}
    visible = _visible_document_codes(viewer, patient, codes, decision)
    return [
        HistoryRow(trace, trace.sentence if trace.document_code in visible else trace.sentence_without_title)
        for trace in traces
    ]


def _visible_document_codes(
    viewer: object, patient: Patient, codes: Collection[uuid.UUID], decision: access.Decision | None
) -> frozenset[uuid.UUID]:
    """The decider named in settings (documents.history.visible_document_codes): one query."""
    path = getattr(settings, "DMP_HISTORY_DOCUMENT_DECIDER", "")
    if not codes or not path:
        return frozenset()
    return import_string(path)(viewer, patient, codes, decision=decision)


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
    """The costs do not grow with the record: "Toutes les actions (N)" is the patient's chain
    head (its rank is the number of traces), "Vos actions" a count bounded at 1 000, and a page
    a keyset range on audit_trace_patient_idx (or audit_trace_patient_actor_idx)."""
    mine = request.GET.get("vos") == "1"
    period = PeriodForm(request.GET or None)
    # The reading is traced (and committed) before anything is read: the page shows its own trace,
    # and the write transaction, which holds the patient's chain lock (SQLite: the database's write
    # lock), lasts one insert, not the page.
    with transaction.atomic():
        record(
            actor=request.user,
            patient=patient,
            action=Action.HISTORY_VIEWED,
            mode=decision.mode.value,
            request=request,
        )
    traces = Trace.objects.filter(patient=patient)
    counts = {
        "all": BoundedCount(trace_count(patient), more=False),
        "mine": bounded_count(traces.filter(actor=request.user)),
    }
    if mine:
        traces = traces.filter(actor=request.user)
    if period.is_valid():
        traces = within(traces, period.cleaned_data)
    page = history_page(request, traces)
    rows = history_rows(page, request.user, patient, decision=decision)
    context = shell_context(
        patient, decision, Tab.HISTORY, page=page, rows=rows, counts=counts, mine=mine, period=period
    )
    return render(request, "patients/history.html", context)


def trace_count(patient: Patient) -> int:
    """The number of `patient`'s traces, known without counting: the rank of their chain's head
    (audit/services.py chains every trace about a patient, and only those, on that chain)."""
    return (
        ChainHead.objects.filter(chain=chain_for(patient=patient, actor=None))
        .values_list("seq", flat=True)
        .first()
        or 0
    )


def within(traces: QuerySet[Trace], period: dict) -> QuerySet[Trace]:
    """Whole days in Europe/Paris, as a range on created_at (the patient index still serves)."""
    tz = timezone.get_current_timezone()
    if period.get("since"):
        traces = traces.filter(created_at__gte=datetime.combine(period["since"], time.min, tzinfo=tz))
    if period.get("until"):
        traces = traces.filter(created_at__lte=datetime.combine(period["until"], time.max, tzinfo=tz))
    return traces


# Most recent first; the patient index's order ("-id" breaks ties within one microsecond).
HISTORY_ORDER = ("-created_at", "-id")


SHOWN_FIELDS = ("created_at", "actor_label", "action", "details", "document_code", "document_title")


def history_page(request: HttpRequest, traces: QuerySet[Trace]) -> KeysetPage:
    """The page the request asks for, most recent first, as a keyset range (dmp_portal/paging.py):
    the professional's history and the patient's (Mon espace santé) alike."""
    return keyset_page(traces.only(*SHOWN_FIELDS), HISTORY_ORDER, request.GET, TRACES_PER_PAGE)
