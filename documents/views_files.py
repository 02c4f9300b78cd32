"""Reading a document: "Consulter" (in the browser) and "Télécharger" (saved as a file).

Never from a public URL: the document is found through visible_to (404 otherwise, see
documents.views.dmp_document_view), the reading is traced (Action.DOCUMENT_VIEWED when shown,
Action.DOCUMENT_DOWNLOADED when saved, with the document's snapshot) in its own transaction before
the first byte is sent, and the answer is the file pipeline's (documents/filestore.py: safe
Content-Disposition, nosniff, no-store, `Content-Security-Policy: sandbox`).

A free text shown in the page ("Consulter" on a text document) is the portal's own template with
the text escaped: it keeps the portal's strict policy (settings.SECURE_CSP), not the sandbox.
"""

from collections.abc import Callable

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit.models import Action
from audit.services import record
from documents.filestore import file_response, no_store
from documents.models import Document
from documents.services import TEXT_MIME_TYPE
from documents.validation import safe_filename
from documents.views import TAB, dmp_document_view, opens_inline
from patients import access
from patients.models import Patient
from patients.opening import shell_context


@require_GET
@dmp_document_view
def document_consult(
    request: HttpRequest, patient: Patient, decision: access.Decision, document: Document
) -> HttpResponse:
    """A free text is shown in the page, escaped; a file the browser can show is served inline."""
    if document.is_text:
        _trace(request, patient, decision, document)
        context = shell_context(patient, decision, TAB, document=document)
        return no_store(render(request, "documents/document_text.html", context))
    return _serve(request, patient, decision, document, inline=opens_inline(document))


@require_GET
@dmp_document_view
def document_download(
    request: HttpRequest, patient: Patient, decision: access.Decision, document: Document
) -> HttpResponse:
    return _serve(request, patient, decision, document, inline=False)


def _serve(
    request: HttpRequest, patient: Patient, decision: access.Decision, document: Document, *, inline: bool
) -> HttpResponse:
    return serve(
        document,
        inline=inline,
        trace=lambda action: _trace(request, patient, decision, document, action),
    )


def serve(document: Document, *, inline: bool, trace: Callable[[Action], None]) -> HttpResponse:
    """The file's answer, once `trace(action)` has written the reading's trace: shared by
    the professional's DMP and the patient's space (documents/space_views.py)."""
    action = Action.DOCUMENT_VIEWED if inline else Action.DOCUMENT_DOWNLOADED
    if document.is_text:
        # The title may hold a slash ("Synthèse 2023/2024"): not a path, a character.
        title = safe_filename(document.title.replace("/", "-").replace(chr(92), "-")) or "document"
        return file_response(
            filename=f"{title}.txt",
            mime_type=TEXT_MIME_TYPE,
            inline=inline,
            content=document.text.encode(),
            before_first_byte=lambda: trace(action),
        )
    return file_response(
        filename=document.original_filename or "document",
        mime_type=document.mime_type,
        inline=inline,
        stored_name=document.file.name,
        before_first_byte=lambda: trace(action),
    )


def _trace(
    request: HttpRequest,
    patient: Patient,
    decision: access.Decision,
    document: Document,
    action: Action = Action.DOCUMENT_VIEWED,
) -> None:
    """ "a consulté le document" when the browser shows it, "a téléchargé le document" when it is
    saved as a file (an RTF or a TIFF that "Consulter" cannot show is downloaded, and said so)."""
    with transaction.atomic():
        record(
            actor=request.user,
            patient=patient,
            document=document,
            action=action,
            mode=decision.mode.value,
            request=request,
        )
