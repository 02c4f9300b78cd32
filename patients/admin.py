from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from patients.ins import normalize_ins
from patients.models import Authorization, Block, CareStay, Patient, RecordAccess, VitaleCard
from patients.services import patient_save


class CareStayInline(admin.TabularInline):
    model = CareStay
    extra = 0
    autocomplete_fields = ["establishment"]


class AuthorizationInline(admin.TabularInline):
    """Declarations are the professionals' acts: visible here, never edited."""

    model = Authorization
    extra = 0
    can_delete = False
    fields = ["professional", "kind", "declared_at", "reason", "expires_at", "withdrawn_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class BlockInline(admin.TabularInline):
    model = Block
    extra = 0
    autocomplete_fields = ["professional"]


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):
    list_display = ["display_name", "ins", "birth_date", "identity_status", "dmp_status"]
    list_filter = ["dmp_status", "identity_status", "sex"]
    # One search box for the INS or a name; see get_search_results for why not search_fields.
    search_fields = ["ins"]
    search_help_text = "Matricule INS exact, ou nom de naissance ou d'usage (accents et tirets indifférents)."
    autocomplete_fields = ["dmp_attending_physicians", "legal_representatives"]
    inlines = [CareStayInline, AuthorizationInline, BlockInline]
    readonly_fields = ["code"]
    show_full_result_count = False  # a COUNT(*) over a million patients on every search is not free

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Patient], search_term: str
    ) -> tuple[QuerySet[Patient], bool]:
        """Index-backed: the INS by equality on its unique index, a name through the normalized
        name keys. Django's default (icontains on each field) would scan a million rows."""
        term = search_term.strip()
        if not term:
            return queryset, False
        ins = normalize_ins(term)
        if ins[:1].isdigit() and len(ins) == 15:
            return queryset.filter(ins=ins), False
        return queryset.matching_name(term), False

    def save_model(self, request: HttpRequest, obj: Patient, form: object, change: bool) -> None:
        patient_save(patient=obj)


@admin.register(VitaleCard)
class VitaleCardAdmin(admin.ModelAdmin):
    list_display = ["serial", "holder", "in_reader"]
    list_filter = ["in_reader"]
    search_fields = ["=serial"]
    autocomplete_fields = ["holder", "beneficiaries"]
    list_select_related = ["holder"]


@admin.register(RecordAccess)
class RecordAccessAdmin(admin.ModelAdmin):
    list_display = ["patient", "professional", "first_access_at", "last_access_at"]
    list_select_related = ["patient", "professional"]
    readonly_fields = ["patient", "professional", "first_access_at", "last_access_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
