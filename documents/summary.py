"""The Récapitulatif's "Documents médicaux" block, for patients.views.summary.

Every number goes through Document.objects.visible_to: a document the professional may not see is
in no count. The block costs the same few queries whatever the number of documents.

"N nouveau(x)": the documents this professional sees that someone else added since their previous
opening of the DMP. The previous opening is read from the access history: the second latest
"a ouvert le DMP" trace of this professional on this patient (the latest one is the current visit's,
written by patients.views.dmp_view before the page). RecordAccess.last_access_at cannot serve: the
opening has already moved it to now. On a first opening, every document someone else added is new.
A professional's own additions are never "new" to them.

Archived documents count, as everywhere (archiving tidies a list, it hides nothing: see
documents/visibility.py): in "Tous les documents (N)", in the rubriques' counts, and in the
"document de synthèse" line, which names the latest active synthèse, else the latest archived one.
"""

from datetime import datetime

from django.db.models import Case, Value, When

from accounts.models import User
from audit.models import Action, Trace
from documents.grid import build_grid
from documents.models import Document, DocumentStatus, Rubrique
from patients import access
from patients.models import Patient

LATEST_COUNT = 5  # "5 derniers documents ajoutés"
SYNTHESIS_RUBRIQUE = "syntheses"
# "Dernière synthèse": an active one first, else an archived one (badged), never "Aucun document
# de synthèse" next to "Synthèses (1)".
ARCHIVED_LAST = Case(When(status=DocumentStatus.ACTIVE, then=Value(0)), default=Value(1))


def previous_opening(viewer: User, patient: Patient) -> datetime | None:
    """When `viewer` opened `patient`'s DMP before this visit (None: never). Served by
    audit_trace_patient_actor_idx."""
    openings = (
        Trace.objects.filter(patient=patient, actor=viewer, action=Action.RECORD_OPENED)
        .order_by("-created_at", "-pk")
        .values_list("created_at", flat=True)
    )
    return next(iter(openings[1:2]), None)


def summary_context(*, viewer: User, patient: Patient, decision: access.Decision) -> dict:
    visible = Document.objects.visible_to(viewer, patient, decision=decision)
    # The block shows totals by rubrique, not the years: no column to compute.
    grid = build_grid(visible.rubrique_year_counts(), list(Rubrique.objects.all()), years=[])
    since = previous_opening(viewer, patient)
    new = visible.exclude(author=viewer)
    if since is not None:
        new = new.filter(added_at__gt=since)
    latest = list(visible.select_related("document_type__rubrique").latest_added(LATEST_COUNT))
    for document in latest:
        document.is_new = document.author_id != viewer.pk and (since is None or document.added_at > since)
    synthesis = (
        visible.filter(document_type__rubrique_id=SYNTHESIS_RUBRIQUE)
        .order_by(ARCHIVED_LAST, "-document_date", "-added_at", "-pk")
        .first()
    )
    return {
        "documents_grid": grid,
        "documents_total": grid.total,
        "documents_new_count": new.count(),
        "documents_latest": latest,
        "documents_hidden_from_patient_count": visible.hidden_from_patient_on().count(),
        "documents_synthesis": synthesis,
    }
