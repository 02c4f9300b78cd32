"""Reading a document: "Consulter" (in the browser) and "Télécharger" (saved as a file).

Never from a public URL: the document is found through visible_to (404 otherwise, see
documents.views.dmp_document_view), the reading is traced (Action.DOCUMENT_VIEWED when shown,
Action.DOCUMENT_DOWNLOADED when saved, with the document's snapshot) in its own transaction before
the first byte is sent, and the answer carries the stored MIME type, a Content-Disposition with the
original filename made safe (RFC 6266 with an RFC 5987 `filename*` for non-ASCII names), nosniff and
no-store (a shared workstation's cache must not keep a medical document), and
`Content-Security-Policy: sandbox`: whatever a file holds that the upload checks missed (markup a
browser would render, a viewer's scripting), it runs in an opaque origin without scripts, forms,
plugins or popups, so it cannot read the portal's pages or act with the professional's session.

A free text shown in the page ("Consulter" on a text document) is the portal's own template with
the text escaped: it keeps the portal's strict policy (settings.SECURE_CSP), not the sandbox.
"""

import re
import unicodedata
from collections.abc import Callable
from urllib.parse import quote

from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit.models import Action
from audit.services import record
from documents.models import Document
from documents.services import TEXT_MIME_TYPE
from documents.validation import safe_filename
from documents.views import TAB, dmp_document_view, opens_inline
from patients import access
from patients.models import Patient
from patients.opening import shell_context

SERVED_FILE_POLICY = "sandbox"


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
    if document.is_text:
        content = document.text.encode()
        # The title may hold a slash ("Synthèse 2023/2024"): not a path, a character.
        filename = (
            f"{safe_filename(document.title.replace('/', '-').replace(chr(92), '-')) or 'document'}.txt"
        )
        mime_type = TEXT_MIME_TYPE
        handle = None
    else:
        filename = document.original_filename or "document"
        mime_type = document.mime_type
        try:
            handle = document.file.storage.open(document.file.name, "rb")
        except FileNotFoundError:
            raise Http404("Le fichier de ce document est introuvable.") from None
    try:
        trace(Action.DOCUMENT_VIEWED if inline else Action.DOCUMENT_DOWNLOADED)
    except BaseException:
        if handle is not None:
            handle.close()
        raise
    if handle is None:
        response = HttpResponse(content, content_type=mime_type)
    else:
        response = FileResponse(handle, content_type=mime_type)
    response["Content-Disposition"] = content_disposition("inline" if inline else "attachment", filename)
    # Set here, so that the CSP middleware leaves it as it is (it only fills an absent header).
    response["Content-Security-Policy"] = SERVED_FILE_POLICY
    response["X-Content-Type-Options"] = "nosniff"  # also set by SecurityMiddleware; never lost here
    return no_store(response)


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


def no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store, private"
    return response


_NOT_QUOTABLE = re.compile(r'[^\x20-\x7e]|["\\%]')


def content_disposition(disposition: str, filename: str) -> str:
    """`attachment; filename="compte-rendu e.pdf"; filename*=UTF-8''compte-rendu%20%C3%A9.pdf`:
    an ASCII fallback for old clients, the exact UTF-8 name for the others (RFC 6266 § 4.3)."""
    name = safe_filename(filename) or "document"
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    fallback = _NOT_QUOTABLE.sub("_", fallback).strip()
    if not fallback or fallback.startswith("."):
        fallback = f"document{fallback}"
    header = f'{disposition}; filename="{fallback}"'
    if fallback != name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header
