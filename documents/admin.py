"""Documents in the admin: reference lists read-only, the rubrique of each type and the habilitation
matrix editable (through its traced service, also as a grid), documents and vaccinations read-only
(their writes are traced services) and their reads traced in the patient's history."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from accounts.admin import ReadOnlyAdmin
from accounts.models import Profession
from audit.admin import TracedReadAdmin, exact_search
from audit.models import Action
from documents.habilitation_grid import habilitation_grid
from documents.habilitations import habilitation_delete, habilitation_set
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


class GridFilterForm(forms.Form):
    rubrique = forms.ModelChoiceField(
        Rubrique.objects.all(), label="Rubrique", empty_label=None, to_field_name="code"
    )
    profession = forms.ModelChoiceField(
        Profession.objects.all(), label="Profession", required=False, empty_label="Toutes les professions"
    )


class CellForm(forms.Form):
    """One clicked cell: "<type id>:<1|0>:<profession code>:<specialty>" (habilitation_grid.Cell)."""

    cell = forms.RegexField(r"^[0-9]+:[01]:[0-9A-Za-z]{1,2}:.{0,100}$")

    def clean_cell(self) -> dict:
        type_id, may_read, profession, specialty = self.cleaned_data["cell"].split(":", 3)
        document_type = DocumentType.objects.filter(pk=type_id).first()
        profession = Profession.objects.filter(pk=profession).first()
        if document_type is None or profession is None:
            raise forms.ValidationError("Case inconnue.")
        return {
            "document_type": document_type,
            "profession": profession,
            "specialty": specialty,
            "may_read": may_read == "1",
        }


@admin.register(HabilitationRule)
class HabilitationRuleAdmin(admin.ModelAdmin):
    """The matrix: a grid per rubrique (grid_view) and the flat list. Every change, from either,
    goes through documents.habilitations (traced in the administrator's chain)."""

    list_display = ["document_type", "profession", "specialty", "rubrique", "may_read"]
    list_filter = ["profession", "document_type__rubrique", "may_read", "specialty"]
    list_select_related = ["profession", "document_type__rubrique"]
    search_fields = ["document_type__label"]
    search_help_text = "Libellé du type de document."
    autocomplete_fields = ["document_type"]
    list_per_page = 200

    @admin.display(description="rubrique", ordering="document_type__rubrique__position")
    def rubrique(self, rule: HabilitationRule) -> str:
        return str(rule.document_type.rubrique or "—")

    def get_readonly_fields(self, request: HttpRequest, obj: HabilitationRule | None = None) -> list[str]:
        # A rule's cell is its identity: move a cell by deleting one rule and adding another.
        return ["profession", "specialty", "document_type"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: HabilitationRule, form: object, change: bool) -> None:
        saved = habilitation_set(
            actor=request.user,
            profession=obj.profession,
            specialty=obj.specialty,
            document_type=obj.document_type,
            may_read=obj.may_read,
            request=request,
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: HabilitationRule) -> None:
        habilitation_delete(actor=request.user, rule=obj, request=request)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[HabilitationRule]) -> None:
        for rule in queryset.select_related("profession", "document_type"):
            habilitation_delete(actor=request.user, rule=rule, request=request)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        # Shown above the list (templates/admin/documents/habilitationrule/change_list.html).
        extra_context = {**(extra_context or {}), "matrix_notice": DEFAULT_MATRIX_NOTICE}
        return super().changelist_view(request, extra_context=extra_context)

    def get_urls(self) -> list:
        grid = path(
            "grille/", self.admin_site.admin_view(self.grid_view), name="documents_habilitationrule_grid"
        )
        return [grid, *super().get_urls()]

    def grid_view(self, request: HttpRequest) -> HttpResponse:
        """GET: one rubrique's grid; POST: toggle one cell (then back to the same grid)."""
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            return self._toggle_cell(request)
        filters = GridFilterForm(
            request.GET or {"rubrique": Rubrique.objects.values_list("code", flat=True).first()}
        )
        grid = None
        if filters.is_valid():
            profession = filters.cleaned_data["profession"]
            grid = habilitation_grid(
                rubrique=filters.cleaned_data["rubrique"],
                professions=[profession] if profession else list(Profession.objects.order_by("label")),
            )
        context = {
            **self.admin_site.each_context(request),
            "title": "Matrice d'habilitation : grille par rubrique",
            "opts": self.opts,
            "filters": filters,
            "grid": grid,
            "can_change": self.has_change_permission(request),
            "matrix_notice": DEFAULT_MATRIX_NOTICE,
        }
        return TemplateResponse(request, "admin/documents/habilitationrule/grid.html", context)

    def _toggle_cell(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = CellForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Case inconnue. Rien n'a été modifié.")
            return redirect(request.get_full_path())
        cell = form.cleaned_data["cell"]
        try:
            habilitation_set(actor=request.user, request=request, **cell)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages) + " Rien n'a été modifié.")
            return redirect(request.get_full_path())
        who = cell["profession"].label + (f" ({cell['specialty']})" if cell["specialty"] else "")
        verdict = "peut lire" if cell["may_read"] else "ne peut plus lire"
        messages.success(request, f"{who} {verdict} « {cell['document_type'].label} ».")
        return redirect(request.get_full_path())


@admin.register(Document)
class DocumentAdmin(TracedReadAdmin, ReadOnlyAdmin):
    """Read-only: adding, archiving, deleting and changing confidentiality are traced services.
    The content is not shown here (reading a document is a professional's traced act, and a file is
    never served from a public URL): its name, type, size and hash are. The list names neither the
    patient nor the title; the detail page does, and is traced in the patient's history."""

    read_action = Action.ADMIN_DOCUMENT_VIEWED
    list_action = Action.ADMIN_DOCUMENTS_LISTED
    list_display = ["code", "document_type", "status", "source", "added_at", "confidentiality"]
    # Each filter has its index (documents_doc_status_idx, documents_doc_source_idx), newest first.
    list_filter = ["status", "source"]
    list_select_related = ["document_type"]
    search_fields = ["code"]  # enables the search box; get_search_results decides
    search_help_text = "Identifiant du document ou matricule INS du patient (exacts)."
    exclude = ["file", "text"]

    @admin.display(description="confidentialité")
    def confidentiality(self, document: Document) -> str:
        return ", ".join(document.confidentiality_codes)

    def document_of(self, document: Document) -> Document:
        return document

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Document], search_term: str
    ) -> tuple[QuerySet[Document], bool]:
        """Equality on unique indexes (Django's "=" search is case-insensitive: no index)."""
        return exact_search(queryset, search_term, patient_path=self.patient_path, code_field="code"), False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Document]:
        return super().get_queryset(request).select_related("patient", "document_type")


@admin.register(Vaccination)
class VaccinationAdmin(TracedReadAdmin, ReadOnlyAdmin):
    """The list names no patient; the detail page and a search by INS are traced."""

    read_action = Action.ADMIN_VACCINATIONS_VIEWED
    list_action = Action.ADMIN_VACCINATIONS_VIEWED
    list_display = ["vaccine", "vaccinated_on", "dose_type", "recorded_by_label", "recorded_at"]
    search_fields = ["patient__ins"]  # enables the search box; get_search_results decides
    search_help_text = "Matricule INS du patient (exact)."

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Vaccination], search_term: str
    ) -> tuple[QuerySet[Vaccination], bool]:
        return exact_search(queryset, search_term, patient_path=self.patient_path), False
