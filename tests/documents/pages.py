"""Helpers of the documents pages' tests (fixtures: tests/documents/conftest.py)."""

import html
from datetime import date, timedelta
from pathlib import Path

from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from audit.models import Trace
from documents.models import Document
from tests.factories import DocumentFactory, DocumentTypeFactory

CONSULTATION = "11488-4"  # CR ou fiche de consultation ou de visite: Comptes-rendus, read by pharmacists
PATIENT_WISHES = (
    "EXPPAT_3"  # Directives anticipées: Autres documents déposés par le patient, not read by pharmacists
)
IMAGING = "18748-4"  # CR d'imagerie médicale
SYNTHESIS = "SYNTH"  # Synthèse


def url(name: str, patient, document=None) -> str:
    args = [patient.code] if document is None else [patient.code, document.code]
    return reverse(name, args=args)


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def bulk_documents(patient, author, count: int, *, first_year: int = 2005) -> None:
    """`count` documents over the years since `first_year` and a few types, in one bulk insert."""
    types = [DocumentTypeFactory(code=code) for code in (CONSULTATION, IMAGING, PATIENT_WISHES)]
    now = timezone.now()
    years = date.today().year - first_year + 1
    Document.objects.bulk_create(
        [
            DocumentFactory.build(
                patient=patient,
                author=author,
                document_type=types[i % len(types)],
                document_date=date(first_year + i % years, 1 + i % 12, 1 + i % 28),
                added_at=now - timedelta(hours=i),
                masked_to_professionals=i % 7 == 0,
            )
            for i in range(count)
        ],
        batch_size=500,
    )


def traces(patient, action) -> list[Trace]:
    return list(Trace.objects.filter(patient=patient, action=action).order_by("pk"))


def words(response) -> str:
    """What a reader sees: tags removed, entities decoded, white space collapsed."""
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


BOUNDARY = "----dmp-portal-test-boundary"


def raw_multipart(fields: dict, *, file_field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    """A multipart body carrying `filename` exactly as a client may send it (Django's test client
    would reduce it to its basename first), and its Content-Type."""
    parts = []
    for name, values in fields.items():
        for value in values if isinstance(values, list) else [values]:
            parts.append(
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode(), f"multipart/form-data; boundary={BOUNDARY}"
