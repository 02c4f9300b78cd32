from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.admin import ReadOnlyAdmin
from audit.models import Notification, Trace


class EvidenceAdmin(ReadOnlyAdmin):
    """Traces and notifications are evidence (the database refuses changes to traces anyway).

    Search: an 11-digit term is a professional's RPPS, anything else a patient's INS; both by
    equality on their unique indexes (the default "=" search is case-insensitive: no index)."""

    patient_path = "patient"
    actor_path = "actor"
    search_fields = ["patient__ins"]  # enables the search box; get_search_results decides
    search_help_text = "Matricule INS du patient ou RPPS du professionnel (exact)."

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        term = "".join(search_term.split()).upper()
        if not term:
            return queryset, False
        if len(term) == 11 and term.isdigit():
            return queryset.filter(**{f"{self.actor_path}__rpps": term}), False
        return queryset.filter(**{f"{self.patient_path}__ins": term}), False


@admin.register(Trace)
class TraceAdmin(EvidenceAdmin):
    list_display = ["created_at", "actor_label", "sentence", "patient", "mode"]
    list_filter = ["action", ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["patient"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(Notification)
class NotificationAdmin(EvidenceAdmin):
    list_display = ["created_at", "kind", "to_email", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", ("created_at", admin.DateFieldListFilter)]
    actor_path = "trace__actor"
    exclude = ["body_html"]
