"""The Récapitulatif's "Documents médicaux" block, for patients.views.summary.

Every number goes through Document.objects.visible_to: a document the professional may not see is
in no count. The block costs the same few queries whatever the number of documents.

"N nouveau(x)": the documents this professional sees that someone else added since their previous
opening of the DMP. The previous opening is stored (RecordAccess.previous_access_at, moved there by
each opening: patients/opening.py), and given by the view as `since`; the count is then a range
on documents_doc_patient_idx, whatever the number of traces. On a first opening (`since` None),
every document someone else added is new. A professional's own additions are never "new" to them.

Archived documents count, as everywhere (archiving tidies a list, it hides nothing: see
documents/visibility.py): in "Tous les documents (N)", in the rubriques' counts, and in the
"document de synthèse" line, which names the latest active synthèse, else the latest archived one.
"""

from datetime import datetime

from django.db.models import Case, Count, Q, Value, When

from accounts.models import User
from documents.grid import build_grid
from documents.models import Document, DocumentStatus, DocumentType, Rubrique
from patients import access
from patients.models import Patient

LATEST_COUNT = 5  # "5 derniers documents ajoutés"
SYNTHESIS_RUBRIQUE = "syntheses"
# "Dernière synthèse": an active one first, else an archived one (badged), never "Aucun document
# de synthèse" next to "Synthèses (1)".
ARCHIVED_LAST = Case(When(status=DocumentStatus.ACTIVE, then=Value(0)), default=Value(1))


def summary_context(
    *, viewer: User, patient: Patient, decision: access.Decision, since: datetime | None
) -> dict:
    visible = Document.objects.visible_to(viewer, patient, decision=decision)
    # The totals by rubrique and "N nouveau(x)" in one query, on documents_doc_patient_type_idx
    # alone (added_at: a column of that index that is never null, so COUNT counts the rows).
    new = ~Q(author=viewer) if since is None else ~Q(author=viewer) & Q(added_at__gt=since)
    counts = visible.rubrique_counts(new=Count("added_at", filter=new))
    grid = build_grid(counts, list(Rubrique.objects.all()), years=[])
    latest = list(visible.select_related("document_type__rubrique").latest_added(LATEST_COUNT))
    for document in latest:
        document.is_new = document.author_id != viewer.pk and (since is None or document.added_at > since)
    synthesis = (
        visible.filter(document_type__in=DocumentType.objects.filter(rubrique_id=SYNTHESIS_RUBRIQUE))
        .order_by(ARCHIVED_LAST, "-document_date", "-added_at", "-pk")
        .first()
    )
    return {
        "documents_grid": grid,
        "documents_total": grid.total,
        "documents_new_count": sum(row["new"] for row in counts),
        "documents_latest": latest,
        "documents_hidden_from_patient_count": visible.hidden_from_patient_on().count(),
        "documents_synthesis": synthesis,
    }
