"""The portal's one file pipeline: accept a file, store it, serve it (DESIGN.md §3).

Documents (documents/services.py) and message attachments (messaging/services.py) both go
through it; nothing else reads an upload, writes to the storage or builds a file's answer.

- **Accept** (`accept`): the checks of documents/validation.py, in one streaming pass that also
  counts and hashes. The verdict and the bytes it judged come back together, as an AcceptedFile:
  nobody can hand a service a verdict with other bytes, so the SHA-256 is computed once and
  never again. Views that receive files wear `size_limited_upload` (documents/uploads.py): the
  5 Mo limit is enforced while the body streams, and a refused file reaches `accept` as a
  placeholder that it refuses with the usual French message.
- **Store** (`stored`): under a random name (never the user's), through Django's storage API
  (settings.STORAGES["default"]: the filesystem under MEDIA_ROOT today, object storage in a
  region), and removed again if the caller's transaction fails (storage is not transactional).
- **Serve** (`file_response`): after the caller's trace is written, with the stored MIME type,
  a Content-Disposition carrying the original name made safe (RFC 6266 with an RFC 5987
  `filename*`), nosniff, no-store (a shared workstation's cache must not keep a medical file), and
  `Content-Security-Policy: sandbox`: whatever a file holds that the checks missed (markup a
  browser would render, a viewer's scripting) runs in an opaque origin without scripts, forms,
  plugins or popups, so it cannot read the portal's pages or act with the user's session.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import quote

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse

from documents.uploads import size_limited_upload
from documents.validation import ValidatedFile, safe_filename, validate_upload

__all__ = [
    "AcceptedFile",
    "StoredFile",
    "accept",
    "accept_bytes",
    "content_disposition",
    "file_response",
    "no_store",
    "opens_inline",
    "random_name",
    "size_limited_upload",
    "stored",
]

SERVED_FILE_POLICY = "sandbox"
# What a browser shows by itself ("Consulter"); the rest (RTF, TIFF) is only downloaded.
INLINE_MIME_TYPES = frozenset({"application/pdf", "image/jpeg", "text/plain"})


# --- Accept ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AcceptedFile:
    """A file the checks accepted, with the very bytes they judged (rewound to 0)."""

    verdict: ValidatedFile
    content: File

    @property
    def name(self) -> str:
        return self.verdict.name

    @property
    def size(self) -> int:
        return self.verdict.size

    @property
    def sha256(self) -> str:
        return self.verdict.sha256

    @property
    def content_type(self) -> str:
        return self.verdict.content_type


def accept(uploaded: Any) -> AcceptedFile:
    """Judge an uploaded file (an UploadedFile or any django File); raises ValidationError with
    the French message of documents/validation.py."""
    verdict = validate_upload(uploaded)
    return AcceptedFile(verdict, uploaded if isinstance(uploaded, File) else File(uploaded))


def accept_bytes(name: str, content: bytes) -> AcceptedFile:
    """The same checks for bytes the portal holds (demo data, a free text sent as a file)."""
    return accept(ContentFile(content, name=name))


# --- Store -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredFile:
    """What a model keeps of a stored file (Document and Attachment copy these fields)."""

    name: str  # the storage's name: random, e.g. "attachments/3f/3f2a…"; never shown
    original_filename: str  # the user's name made safe, for downloads
    mime_type: str  # with its charset for a legacy text file
    size: int
    sha256: str


def random_name(directory: str) -> str:
    """A storage name nobody can guess or choose; two hex characters of fan-out keep
    directories small on a filesystem storage."""
    name = uuid.uuid4().hex
    return f"{directory}/{name[:2]}/{name}"


@contextmanager
def stored(accepted: AcceptedFile, *, directory: str) -> Iterator[StoredFile]:
    """Write the accepted bytes under a random name for the duration of the `with` block: if
    the block raises (the row or its trace could not be written), the file is removed again."""
    storage = default_storage
    target = random_name(directory)
    name = ""
    try:
        accepted.content.seek(0)
        name = storage.save(target, accepted.content, max_length=100)
        yield StoredFile(
            name=name,
            original_filename=safe_filename(accepted.name) or "document",
            mime_type=accepted.content_type,
            size=accepted.size,
            sha256=accepted.sha256,
        )
    except BaseException:
        for leftover in {target, name} - {""}:
            if storage.exists(leftover):
                storage.delete(leftover)
        raise


# --- Serve -----------------------------------------------------------------------------------


def opens_inline(mime_type: str) -> bool:
    """Whether "Consulter" can show a file of this type in the browser."""
    return mime_type.split(";", 1)[0].strip().lower() in INLINE_MIME_TYPES


def file_response(
    *,
    filename: str,
    mime_type: str,
    inline: bool,
    stored_name: str = "",
    content: bytes | None = None,
    before_first_byte: Callable[[], None] = lambda: None,
) -> HttpResponse:
    """The answer carrying a stored file (`stored_name`) or bytes the portal made (`content`).

    `before_first_byte` writes the reading's trace: it runs once the file is known to exist and
    before any byte leaves; if it raises, nothing is sent. A stored file that vanished is a 404."""
    handle: IO[bytes] | None = None
    if content is None:
        try:
            handle = default_storage.open(stored_name, "rb")
        except FileNotFoundError:
            raise Http404("Le fichier est introuvable.") from None
    try:
        before_first_byte()
    except BaseException:
        if handle is not None:
            handle.close()
        raise
    if handle is None:
        response: HttpResponse = HttpResponse(content, content_type=mime_type)
    else:
        response = FileResponse(handle, content_type=mime_type)
    response["Content-Disposition"] = content_disposition("inline" if inline else "attachment", filename)
    # Set here, so that the CSP middleware leaves it as it is (it only fills an absent header).
    response["Content-Security-Policy"] = SERVED_FILE_POLICY
    response["X-Content-Type-Options"] = "nosniff"  # also set by SecurityMiddleware; never lost here
    return no_store(response)


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
