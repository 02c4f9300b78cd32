"""Documents in the admin: reference lists read-only, the rubrique of each type and the habilitation
matrix editable, documents and vaccinations read-only (their writes are traced services)."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from accounts.admin import ReadOnlyAdmin
from documents.models import (
    ClassCode,
    ConfidentialityCode,
    Document,
    DocumentType,
    HabilitationRule,
    MesCategory,
    Rubrique,
    Vaccination,
)
from documents.reference.default_matrix import NOTICE as DEFAULT_MATRIX_NOTICE


@admin.register(ClassCode)
class ClassCodeAdmin(ReadOnlyAdmin):
    list_display = ["code", "label", "in_dmp"]


@admin.register(ConfidentialityCode)
class ConfidentialityCodeAdmin(ReadOnlyAdmin):
    list_display = ["code", "label", "code_system", "in_dmp"]
    list_filter = ["code_system", "in_dmp"]


@admin.register(MesCategory)
class MesCategoryAdmin(ReadOnlyAdmin):
    list_display = ["code", "label", "app_enum", "filterable"]


@admin.register(Rubrique)
class RubriqueAdmin(admin.ModelAdmin):
    """The ten rubriques: label and order may be adjusted, the set is fixed."""

    list_display = ["position", "label", "code", "mes_category"]
    list_display_links = ["label"]
    readonly_fields = ["code"]
    fields = ["code", "label", "position", "mes_category"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    """The reference's types; only the rubrique (where dmp.fr shows it) and `selectable` are data
    an administrator may change. The class comes from the reference."""

    list_display = ["label", "code", "code_system", "class_code", "rubrique", "selectable"]
    list_editable = ["rubrique", "selectable"]
    list_filter = ["rubrique", "class_code", "selectable", "code_system"]
    list_select_related = ["class_code", "rubrique"]
    search_fields = ["label", "=code"]
    readonly_fields = ["code_system", "code", "label", "class_code"]
    fields = ["code_system", "code", "label", "class_code", "rubrique", "selectable"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(HabilitationRule)
class HabilitationRuleAdmin(admin.ModelAdmin):
    list_display = ["document_type", "profession", "specialty", "rubrique", "may_read"]
    list_editable = ["may_read"]
    list_filter = ["profession", "document_type__rubrique", "may_read", "specialty"]
    list_select_related = ["profession", "document_type__rubrique"]
    search_fields = ["document_type__label"]
    search_help_text = "Libellé du type de document."
    autocomplete_fields = ["document_type"]
    list_per_page = 200

    @admin.display(description="rubrique", ordering="document_type__rubrique__position")
    def rubrique(self, rule: HabilitationRule) -> str:
        return str(rule.document_type.rubrique or "—")

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        # Shown above the list (templates/admin/documents/habilitationrule/change_list.html).
        extra_context = {**(extra_context or {}), "matrix_notice": DEFAULT_MATRIX_NOTICE}
        return super().changelist_view(request, extra_context=extra_context)


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    """Read-only: adding, archiving, deleting and changing confidentiality are traced services.
    The content is not shown here (reading a document is a professional's traced act, and a file is
    never served from a public URL): its name, type, size and hash are."""

    list_display = ["title", "patient", "document_type", "status", "added_at", "confidentiality"]
    list_filter = [
        "status",
        "source",
        "document_type__rubrique",
        "masked_to_professionals",
        "hidden_from_patient",
        "hidden_from_legal_representatives",
    ]
    list_select_related = ["patient", "document_type"]
    # Exact lookups on unique indexes: the document's code or the patient's INS.
    search_fields = ["=code", "=patient__ins"]
    search_help_text = "Identifiant du document ou matricule INS du patient (exacts)."
    show_full_result_count = False
    date_hierarchy = "added_at"
    exclude = ["file", "text"]

    @admin.display(description="confidentialité")
    def confidentiality(self, document: Document) -> str:
        return ", ".join(document.confidentiality_codes)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Document]:
        return super().get_queryset(request).select_related("patient", "document_type")


@admin.register(Vaccination)
class VaccinationAdmin(ReadOnlyAdmin):
    list_display = ["vaccine", "patient", "vaccinated_on", "dose_type", "recorded_by_label", "recorded_at"]
    list_filter = ["dose_type"]
    list_select_related = ["patient"]
    search_fields = ["=patient__ins", "vaccine"]
