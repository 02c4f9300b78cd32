"""What the access history may say about documents: the title of a traced document is shown only
to a reader who may see that document now.

A trace keeps the title the document had when the action happened (audit.Trace.document_title),
and that title often names a diagnosis. The history is read by people who may not see every
document it mentions (a document masked to professionals, outside the habilitation matrix,
deleted, or, for the patient, not visible to them yet): printing the snapshot would defeat the
confidentiality that every list enforces. So the history asks the one decision, `visible_to`.

patients.history (the page) may not import documents (DESIGN.md §2: patients ← documents): it
reaches this function through settings.DMP_HISTORY_DOCUMENT_DECIDER, the way accounts reaches
audit through settings.DMP_SESSION_RECORDER.
"""

import uuid
from collections.abc import Collection

from documents.models import Document
from patients import access
from patients.models import Patient


def visible_document_codes(
    viewer: object,
    patient: Patient,
    codes: Collection[uuid.UUID],
    *,
    decision: access.Decision | None = None,
) -> frozenset[uuid.UUID]:
    """Of `codes`, the documents of `patient` that `viewer` (a professional, the patient, or a
    legal representative) may see now, in one query. Codes of another patient's documents, of
    unknown documents, and anything `visible_to` refuses are left out."""
    if not codes:
        return frozenset()
    visible = Document.objects.visible_to(viewer, patient, decision=decision)
    return frozenset(visible.filter(code__in=codes).values_list("code", flat=True))
