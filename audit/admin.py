"""Traces and notifications in the admin (read-only evidence), and the mixin that traces every
administrator's read of a patient's documents or history in that patient's chain.

What an administrator reads of a patient is traced like a professional's read, because the patient
reads their history too (SECURITY.md §4):
- a detail page (a document, a trace, a vaccination, the patient's own page) writes one trace;
- lists show no clinical content and name no patient, so browsing them reveals nobody's record;
  narrowing a list to one patient (a search by INS) is reading that patient's file: one trace;
  narrowing it any other way (?patient=…) is refused.
"""

import uuid

from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse

from accounts.admin import ReadOnlyAdmin
from audit.models import Action, Notification, Trace
from audit.services import record
from dmp_portal.paging import BoundedCountPaginator


def _normalized_ins(term: str) -> str:
    return "".join(term.split()).upper()


def exact_search(
    queryset: QuerySet, search_term: str, *, patient_path: str, code_field: str | None = None
) -> QuerySet:
    """The admin's search on a big table, by equality on unique indexes: a row's own code (a
    UUID, when `code_field` names it) or its patient's INS. Nothing else is searched."""
    term = _normalized_ins(search_term)
    if not term:
        return queryset
    if code_field is not None:
        try:
            return queryset.filter(**{code_field: uuid.UUID(term)})
        except ValueError:
            pass
    return queryset.filter(**{f"{patient_path}__ins": term})


class LargeTableAdmin(admin.ModelAdmin):
    """A changelist on a table of millions of rows (patients, documents, traces): no COUNT of the
    whole table (a paginator that counts at most dmp_portal.paging.ADMIN_COUNT_LIMIT rows, no full
    count beside a search), no date_hierarchy (its year/month links are DISTINCT scans of the whole
    table), an `ordering` an index serves (newest first by default: the primary key), and pages
    of 50 rows."""

    paginator = BoundedCountPaginator
    show_full_result_count = False
    ordering = ["-pk"]
    # Drawing the rows is most of such a page's time (about 40 ms for Django's 100): 50 a page.
    list_per_page = 50


class TracedReadAdmin(LargeTableAdmin):
    """Trace the detail page (`read_action`) and a list narrowed to one patient (`list_action`)."""

    read_action: Action
    list_action: Action | None = None
    patient_path = "patient"

    def patient_of(self, obj: Model) -> Model | None:
        return getattr(obj, self.patient_path)

    def document_of(self, obj: Model) -> Model | None:
        return None

    def _searched_patient(self, request: HttpRequest) -> Model | None:
        ins = _normalized_ins(request.GET.get(SEARCH_VAR, ""))
        if not ins:
            return None
        patient_model = self.model._meta.get_field(self.patient_path).related_model
        return patient_model.objects.filter(ins=ins).first()

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # Only a search by INS (traced) narrows a list to one patient.
        if lookup.split("__")[0] == self.patient_path:
            return False
        return super().lookup_allowed(lookup, value, request)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        # The page is rendered, then its trace written: a failed trace raises, so no page goes out
        # without its trace, and the write transaction (the patient's chain lock; SQLite: the
        # database's write lock) lasts one insert, not the rendering.
        response = _rendered(super().change_view(request, object_id, form_url, extra_context))
        shown = getattr(response, "context_data", None) or {}
        obj = shown.get("original") if response.status_code == 200 else None
        patient = self.patient_of(obj) if obj is not None else None
        if patient is not None:
            with transaction.atomic():
                record(
                    actor=request.user,
                    patient=patient,
                    action=self.read_action,
                    document=self.document_of(obj),
                    request=request,
                )
        return response

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        response = _rendered(super().changelist_view(request, extra_context))
        patient = self._searched_patient(request) if self.list_action else None
        if patient is not None and response.status_code == 200:
            with transaction.atomic():
                record(actor=request.user, patient=patient, action=self.list_action, request=request)
        return response


def _rendered(response: HttpResponse) -> HttpResponse:
    if hasattr(response, "render"):
        response.render()
    return response


class EvidenceAdmin(TracedReadAdmin, ReadOnlyAdmin):
    """Traces and notifications are evidence (the database refuses changes to traces anyway).

    Search: an 11-digit term is a professional's RPPS, anything else a patient's INS; both by
    equality on their unique indexes (the default "=" search is case-insensitive: no index)."""

    read_action = Action.ADMIN_HISTORY_VIEWED
    list_action = Action.ADMIN_HISTORY_VIEWED
    actor_path = "actor"
    search_fields = ["patient__ins"]  # enables the search box; get_search_results decides
    search_help_text = "Matricule INS du patient ou RPPS du professionnel (exact)."

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        term = _normalized_ins(search_term)
        if not term:
            return queryset, False
        if len(term) == 11 and term.isdigit():
            return queryset.filter(**{f"{self.actor_path}__rpps": term}), False
        return queryset.filter(**{f"{self.patient_path}__ins": term}), False


@admin.register(Trace)
class TraceAdmin(EvidenceAdmin):
    # No patient and no document title in the list: the detail page (traced) shows them.
    list_display = ["created_at", "actor_label", "action", "mode"]
    # Served by audit_trace_created_idx and audit_trace_action_idx (date ranges within both).
    list_filter = ["action", ("created_at", admin.DateFieldListFilter)]
    ordering = ["-created_at", "-id"]


@admin.register(Notification)
class NotificationAdmin(EvidenceAdmin):
    # The recipient's address names the patient: on the detail page (traced) only.
    list_display = ["created_at", "kind", "status", "attempts", "sent_at"]
    # Newest first by primary key; "à envoyer" through audit_notification_pending_idx.
    list_filter = ["status"]
    actor_path = "trace__actor"
    exclude = ["body_html"]
