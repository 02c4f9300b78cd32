"""The 5 Mo limit enforced while the upload streams, before anything is written.

Django stores an uploaded file as it arrives (in memory up to FILE_UPLOAD_MAX_MEMORY_SIZE,
then in a temporary file). SizeLimitUploadHandler, put first in the request's handler chain,
counts each file's bytes as they stream and, as soon as a file passes the limit, raises
SkipFile: the handlers after it never receive more than the limit, the partial temporary file
is closed (and so deleted) by Django's parser, and the rest of that file's bytes are read and
thrown away without being kept. The other fields of the form (and the CSRF token, wherever it
sits in the body) are still parsed, so the form can be shown again with its values and the
French message. A file announced bigger than the limit (a part's Content-Length) is skipped
before its first byte.

How a view uses it — the decorator does everything (views take it from the file pipeline,
documents/filestore.py, which owns accepting a file):

    from documents.filestore import size_limited_upload

    @size_limited_upload
    def add_document(request, patient_uuid): ...

    # class-based view:
    @method_decorator(size_limited_upload, name="dispatch")
    class AddDocumentView(FormView): ...

It follows "Modifying upload handlers on the fly" in Django's documentation: handlers can only
be changed before request.POST / request.FILES are read, and CsrfViewMiddleware reads
request.POST; so the outer view is csrf_exempt, installs the handler, and only then runs the
CSRF check (csrf_protect) and the view. CSRF protection is therefore still enforced. After
parsing, a refused file is put back in request.FILES as an OversizedUpload placeholder (its
name and a size above the limit, no content): the form's FileField receives it and
validate_upload refuses it with "Le fichier dépasse la taille maximale de 5 Mo.", so the view
needs no special case. The handler is also available as request.upload_size_limit
(`.exceeded`, `.rejected`) for views that want to know.

Note: Django cannot stop reading a request body without resetting the connection (which a
browser shows as a network error instead of the message). The discarded bytes cost bandwidth,
not memory or disk; the reverse proxy's body limit (e.g. nginx client_max_body_size 6m or a
little more for several attachments) is what bounds that.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from documents.validation import MAX_UPLOAD_BYTES

REQUEST_ATTRIBUTE = "upload_size_limit"


@dataclass(frozen=True, slots=True)
class RejectedUpload:
    """A file the handler stopped: its form field, client-side name and bytes seen (> limit)."""

    field_name: str
    file_name: str
    content_type: str
    size: int


class SizeLimitUploadHandler(FileUploadHandler):
    """Skips every uploaded file as soon as it exceeds `max_bytes`; must come first in
    request.upload_handlers so that the storing handlers after it never see the excess."""

    chunk_size = 64 * 1024

    def __init__(self, request: HttpRequest | None = None, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.received = 0  # bytes of the current file seen so far
        self.rejected: list[RejectedUpload] = []

    @property
    def exceeded(self) -> bool:
        return bool(self.rejected)

    def new_file(self, field_name, file_name, content_type, content_length, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().new_file(field_name, file_name, content_type, content_length, *args, **kwargs)
        self.received = 0
        if content_length is not None and content_length > self.max_bytes:
            self._reject(content_length)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self._reject(self.received)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler builds the UploadedFile

    def _reject(self, size: int) -> None:
        self.rejected.append(
            RejectedUpload(
                field_name=str(self.field_name),
                file_name=str(self.file_name or ""),
                content_type=str(self.content_type or ""),
                size=size,
            )
        )
        raise SkipFile()


class _NoContent(io.RawIOBase):
    """The content of a file that was never kept: any read is an error, never empty bytes."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        raise OSError("Fichier refusé pendant l'envoi : son contenu n'a pas été conservé.")


class OversizedUpload(UploadedFile):
    """Stands in request.FILES for a file the size limit stopped. Its size is above the limit,
    so validate_upload (or any size check) refuses it before reading; reading it raises."""

    def __init__(self, rejected: RejectedUpload) -> None:
        super().__init__(
            file=_NoContent(),
            name=rejected.file_name,
            content_type=rejected.content_type,
            size=rejected.size,
        )


def install_size_limit(request: HttpRequest, max_bytes: int = MAX_UPLOAD_BYTES) -> SizeLimitUploadHandler:
    """Put a SizeLimitUploadHandler first in the request's chain (before request.POST or
    request.FILES is read: the view must be csrf_exempt, see size_limited_upload)."""
    handler = SizeLimitUploadHandler(request, max_bytes=max_bytes)
    request.upload_handlers.insert(0, handler)
    setattr(request, REQUEST_ATTRIBUTE, handler)
    return handler


def restore_rejected_files(request: HttpRequest) -> None:
    """After parsing, put an OversizedUpload in request.FILES for each file the limit stopped."""
    handler = getattr(request, REQUEST_ATTRIBUTE, None)
    if handler is None or request.method != "POST":
        return
    files = request.FILES  # parses the body if nothing has yet
    for rejected in handler.rejected:
        files.appendlist(rejected.field_name, OversizedUpload(rejected))


def size_limited_upload(view_func: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """View decorator: size limit installed before the body is parsed, CSRF still checked."""

    @wraps(view_func)
    def _after_parsing(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        restore_rejected_files(request)
        return view_func(request, *args, **kwargs)

    protected = csrf_protect(_after_parsing)

    @wraps(view_func)
    def _before_parsing(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        install_size_limit(request)
        return protected(request, *args, **kwargs)

    return csrf_exempt(_before_parsing)
