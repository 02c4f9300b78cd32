"""The Documents tab: "Liste des documents", "Parcours de soins" (the rubrique-by-year grid), a
document's page and its author's actions (archive, delete, confidentiality).

Every page goes through patients.views.dmp_view (the access decision and the opening trace) and
reads documents only through Document.objects.visible_to with that decision. The writes are
documents/services.py's, each traced there; a refusal comes back as a French message.
Files and free texts are served by documents/views_files.py, the upload form is
documents/views_upload.py, the Carnet de vaccination documents/views_vaccination.py.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.models import Action
from audit.services import record
from dmp_portal.paging import AFTER, BEFORE, LAST, bounded_count, keyset_page
from documents import filestore, services
from documents.forms import ConfidentialityForm, DocumentFilterForm, Sort, recent_author_choices
from documents.grid import build_grid
from documents.models import Document, DocumentQuerySet, Rubrique
from patients import access
from patients.models import Patient
from patients.opening import Tab, shell_context
from patients.views import dmp_view

DOCUMENTS_PER_PAGE = 20
TAB = Tab.DOCUMENTS

DocumentView = Callable[[HttpRequest, Patient, access.Decision, Document], HttpResponse]


def visible_documents(request: HttpRequest, patient: Patient, decision: access.Decision) -> DocumentQuerySet:
    """What this professional may see of this patient's documents (documents/visibility.py)."""
    return Document.objects.visible_to(request.user, patient, decision=decision)


def get_visible_document(
    request: HttpRequest, patient: Patient, decision: access.Decision, code: object
) -> Document:
    """The document `code` of `patient` if the professional may see it, else 404: a hidden document
    and one that does not exist answer alike, so a URL reveals nothing."""
    documents = visible_documents(request, patient, decision).select_related("document_type__rubrique")
    return get_object_or_404(documents, code=code)


def dmp_document_view(view: DocumentView) -> Callable[..., HttpResponse]:
    """dmp_view for the pages of one document (URL kwargs `code` and `document`): the decision and
    the opening trace first, then the document through visible_to (404 if hidden or unknown)."""

    @dmp_view
    @wraps(view)
    def page(
        request: HttpRequest, patient: Patient, decision: access.Decision, document: object
    ) -> HttpResponse:
        return view(request, patient, decision, get_visible_document(request, patient, decision, document))

    return page


def opens_inline(document: Document) -> bool:
    return document.is_text or filestore.opens_inline(document.mime_type)


# ---------------------------------------------------------------------------------------------
# Liste des documents and Parcours de soins


@require_GET
@dmp_view
def document_list(request: HttpRequest, patient: Patient, decision: access.Decision) -> HttpResponse:
    """Sortable, filterable (rubrique, type, author, dates, status), paginated; archived badged.

    Its cost does not grow with the record: a keyset page (dmp_portal/paging.py) on
    documents_doc_patient_date_idx or documents_doc_patient_idx for the date sorts, a count
    bounded at 1 000, and the author filter offers the authors of the most recent documents
    (forms.recent_author_choices), not one option per author of the record."""
    visible = visible_documents(request, patient, decision)
    types = list(
        visible.order_by("document_type__label")
        .values_list("document_type__code", "document_type__label")
        .distinct()
    )
    filters = DocumentFilterForm(
        request.GET or None,
        rubriques=list(Rubrique.objects.all()),
        types=types,
        authors=recent_author_choices(visible, wanted=request.GET.get("auteur", "")),
    )
    documents = filters.apply(visible.select_related("document_type__rubrique"))
    page = keyset_page(documents, Sort.ORDERINGS[filters.sort], request.GET, DOCUMENTS_PER_PAGE)
    context = shell_context(
        patient,
        decision,
        Tab.DOCUMENTS,
        filters=filters,
        page=page,
        total=bounded_count(documents),
        documents=page.object_list,
        sort=filters.sort,
        sort_keys=Sort.ORDERINGS,
        filtered=bool(request.GET.keys() - {AFTER, BEFORE, LAST, "tri"}),
    )
    return render(request, "documents/document_list.html", context)


@require_GET
@dmp_view
def document_grid(request: HttpRequest, patient: Patient, decision: access.Decision) -> HttpResponse:
    """ "Parcours de soins": rubriques by years, "De AAAA à AAAA"; a cell opens the filtered list."""
    # Traced and committed first: the write transaction (the patient's chain lock; SQLite: the
    # database's write lock) lasts one insert, not the grid's reads.
    with transaction.atomic():
        record(
            actor=request.user,
            patient=patient,
            action=Action.CARE_PATHWAY_VIEWED,
            mode=decision.mode.value,
            request=request,
        )
    counts = visible_documents(request, patient, decision).rubrique_year_counts()
    years = Document.objects.in_grid_years_of(request.user, patient, decision=decision).years()
    grid = build_grid(counts, list(Rubrique.objects.all()), years)
    return render(request, "documents/document_grid.html", shell_context(patient, decision, TAB, grid=grid))


# ---------------------------------------------------------------------------------------------
# A document's page and its author's actions


@require_GET
@dmp_document_view
def document_detail(
    request: HttpRequest, patient: Patient, decision: access.Decision, document: Document
) -> HttpResponse:
    """Metadata only: reading the content is "Consulter" / "Télécharger", which are traced."""
    is_author = document.is_authored_by(request.user)
    context = shell_context(
        patient,
        decision,
        TAB,
        document=document,
        is_author=is_author,
        opens_inline=opens_inline(document),
        confidentiality_form=ConfidentialityForm(document=document) if is_author else None,
    )
    return render(request, "documents/document_detail.html", context)


def _refused(request: HttpRequest, patient: Patient, document: Document, error: Exception) -> HttpResponse:
    """Back to the document's page with the service's French message."""
    messages.error(request, " ".join(_messages(error)))
    return redirect("documents:detail", code=patient.code, document=document.code)


def _messages(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return error.messages
    return [str(error) or "Action refusée."]


@require_POST
@dmp_document_view
def document_archive(
    request: HttpRequest, patient: Patient, decision: access.Decision, document: Document
) -> HttpResponse:
    try:
        services.document_archive(professional=request.user, document=document, request=request)
    except (PermissionDenied, ValidationError) as error:
        return _refused(request, patient, document, error)
    messages.success(request, f"Le document « {document.title} » a été archivé.")
    return redirect("documents:detail", code=patient.code, document=document.code)


@require_http_methods(["GET", "POST"])
@dmp_document_view
def document_delete(
    request: HttpRequest, patient: Patient, decision: access.Decision, document: Document
) -> HttpResponse:
    """GET asks for confirmation (author only), POST deletes (logically: nobody sees it afterwards)."""
    if request.method == "GET":
        if not document.is_authored_by(request.user):
            return _refused(request, patient, document, PermissionDenied(services.NOT_AUTHOR))
        return render(
            request,
            "documents/document_confirm_delete.html",
            shell_context(patient, decision, TAB, document=document),
        )
    try:
        services.document_delete(professional=request.user, document=document, request=request)
    except (PermissionDenied, ValidationError) as error:
        return _refused(request, patient, document, error)
    messages.success(request, f"Le document « {document.title} » a été supprimé du DMP.")
    return redirect("documents:list", code=patient.code)


@require_POST
@dmp_document_view
def document_confidentiality(
    request: HttpRequest, patient: Patient, decision: access.Decision, document: Document
) -> HttpResponse:
    form = ConfidentialityForm(request.POST, document=document)
    if not form.is_valid():  # booleans: only a disabled field's tampering could get here
        return _refused(request, patient, document, ValidationError("Choix de confidentialité invalide."))
    try:
        services.document_set_confidentiality(
            professional=request.user, document=document, request=request, **form.cleaned_data
        )
    except (PermissionDenied, ValidationError) as error:
        return _refused(request, patient, document, error)
    messages.success(request, "La confidentialité du document a été enregistrée.")
    return redirect("documents:detail", code=patient.code, document=document.code)
