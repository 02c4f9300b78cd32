"""Mon espace santé's documents and history: what the patient (or legal representative) sees of
their record, always through `visible_to` with the session's viewer (documents/visibility.py).

The gate is patients.space_views.space_view; the record is the session's, and a document code
from another record, or one not visible yet, is a 404 like any unknown code.
"""

import uuid
from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.models import Action
from audit.services import record
from documents.filestore import size_limited_upload
from documents.models import Document, DocumentSource
from documents.services import document_add_from_source, documents_set_masked
from documents.space_forms import PatientDocumentForm
from documents.views import opens_inline
from documents.views_files import serve
from patients import space
from patients.history import PeriodForm, history_page, history_rows, within
from patients.space_views import actor_of, space_view

DOCUMENTS_CHOSEN_NONE = "Sélectionnez au moins un document."


def _visible(current: space.Space) -> QuerySet[Document]:
    return Document.objects.visible_to(current.viewer, current.record)


@space_view
@require_GET
def documents(request: HttpRequest, current: space.Space) -> HttpResponse:
    """By rubrique, then year (most recent first), like Mon espace santé's "Documents"."""
    rows = list(
        _visible(current)
        .select_related("document_type__rubrique")
        .order_by("document_type__rubrique__position", "-document_date", "-pk")
    )
    rubriques = [
        {
            "rubrique": rubrique,
            "years": [
                {"year": year, "documents": list(docs)}
                for year, docs in groupby(list(items), key=lambda d: d.document_date.year)
            ],
        }
        for rubrique, items in groupby(rows, key=lambda d: d.document_type.rubrique)
    ]
    context = {
        "current": current,
        "section": "documents",
        "rubriques": rubriques,
        "count": len(rows),
        "masked_count": sum(d.masked_to_professionals for d in rows),
        "choices": [current.person, *space.represented_minors(current.person)],
    }
    return render(request, "patients/space/documents.html", context)


@space_view
@require_POST
def mask(request: HttpRequest, current: space.Space) -> HttpResponse:
    """Masquer / démasquer the documents ticked, or all of them ("Masquer tous mes documents")."""
    masked = request.POST.get("action") != "demasquer"
    chosen = _visible(current)
    if request.POST.get("tous") != "1":
        codes = [code for code in request.POST.getlist("documents") if _is_uuid(code)]
        chosen = chosen.filter(code__in=codes)
        if not codes:
            messages.error(request, DOCUMENTS_CHOSEN_NONE)
            return redirect("space:documents")
    count = documents_set_masked(
        actor_label=space.actor_label(current.viewer, current.person),
        patient=current.record,
        documents=chosen,
        masked=masked,
        request=request,
    )
    verb = "masqué" if masked else "démasqué"
    messages.success(request, f"{count} document(s) {verb}(s) aux professionnels de santé.")
    return redirect("space:documents")


@space_view
@require_http_methods(["GET", "POST"])
@size_limited_upload
def document_add(request: HttpRequest, current: space.Space) -> HttpResponse:
    """ "Ajouter un document": a file of a patient document type, checked as a professional's
    (documents/validation.py, 5 Mo while it streams), masked if the patient asks or prefers."""
    masked_by_default = current.record.new_documents_masked
    if request.method == "POST":
        form = PatientDocumentForm(request.POST, request.FILES, masked_by_default=masked_by_default)
    else:
        form = PatientDocumentForm(masked_by_default=masked_by_default)
    if request.method == "POST" and form.is_valid():
        try:
            document = document_add_from_source(
                patient=current.record,
                source=DocumentSource.PATIENT,
                actor_label=space.actor_label(current.viewer, current.person),
                request=request,
                **form.service_arguments(),
            )
        except ValidationError as error:
            form.add_error(None, ValidationError(error.messages))
        else:
            messages.success(request, f"Le document « {document.title} » a été ajouté.")
            return redirect("space:documents")
    context = {"current": current, "section": "documents", "form": form}
    return render(request, "patients/space/document_form.html", context)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _document(current: space.Space, code: object) -> Document:
    return get_object_or_404(_visible(current), code=code)


def _consultation(request: HttpRequest, current: space.Space, document: Document):  # type: ignore[no-untyped-def]
    def trace(action: Action) -> None:
        with transaction.atomic():
            record(
                **actor_of(current),
                patient=current.record,
                document=document,
                action=action,
                mode=space.SPACE_LABEL,
                request=request,
            )

    return trace


@space_view
@require_GET
def document_consult(request: HttpRequest, current: space.Space, code: object) -> HttpResponse:
    document = _document(current, code)
    inline = document.is_text or opens_inline(document)
    return serve(document, inline=inline, trace=_consultation(request, current, document))


@space_view
@require_GET
def document_download(request: HttpRequest, current: space.Space, code: object) -> HttpResponse:
    document = _document(current, code)
    return serve(document, inline=False, trace=_consultation(request, current, document))


@space_view
@require_GET
def history(request: HttpRequest, current: space.Space) -> HttpResponse:
    """ "Historique": "Professionnels" or "Mes activités". A trace names a document only if the
    viewer may see it now (never a title still hidden from them)."""
    mine = request.GET.get("vue") == "mes-activites"
    period = PeriodForm(request.GET or None)
    # Traced and committed first, as the professional's history: the write transaction (the
    # patient's chain lock; SQLite: the database's write lock) lasts one insert, not the page.
    with transaction.atomic():
        record(
            **actor_of(current),
            patient=current.record,
            action=Action.HISTORY_VIEWED,
            details=space.SPACE_LABEL,
            request=request,
        )
    traces = space.traces_for(current, mine=mine)
    if period.is_valid():
        traces = within(traces, period.cleaned_data)
    page = history_page(request, traces)
    rows = history_rows(page, current.viewer, current.record)
    if mine:
        rows = space.in_own_words(current, rows)
    context = {
        "current": current,
        "section": "history",
        "page": page,
        "rows": rows,
        "mine": mine,
        "period": period,
    }
    return render(request, "patients/space/history.html", context)
