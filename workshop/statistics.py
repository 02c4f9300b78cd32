"""The figures of "Le DMP en chiffres": the slides' survey and the portal's own live counts.

The live counts are aggregates computed by the database (GROUP BY), one query per breakdown,
whatever the number of documents or traces: no row is loaded into Python.

Confidentiality: a count over the whole portal names no patient, but a small one can point to
one ("the only SAMU access this year"). So every count from 1 to SMALL_CELL_THRESHOLD - 1 is
shown as "< 5" (primary suppression). The three document breakdowns share one total, so a
single hidden cell could be worked out by subtraction: when a breakdown hides exactly one cell,
its smallest other non-zero cell is hidden too (secondary suppression). Zero is shown: it
describes nobody.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, QuerySet
from django.utils.formats import number_format

from audit.models import Action, Trace
from documents.models import Document, DocumentSource, DocumentStatus, DocumentType, Rubrique, YearOf
from patients.access import Mode
from workshop import survey
from workshop.models import WorkshopSession
from workshop.progress import progress_for, steps_for

SMALL_CELL_THRESHOLD = 5
# Running sessions drawn on the page, the latest first (a trainer runs one or two at a time).
MAX_SESSION_CHARTS = 5
SMALL_CELL_TEXT = f"< {SMALL_CELL_THRESHOLD}"
SECONDARY_TEXT = "masqué"
NO_MODE_LABEL = "Mode non précisé"


def format_count(value: int) -> str:
    """1234 → "1 234" (French grouping, a no-break space)."""
    return number_format(value, force_grouping=True)


def format_percent(value: int) -> str:
    """23 → "23 %" (a no-break space before the sign, as French typography wants)."""
    return f"{value}\u00a0%"


@dataclass(frozen=True)
class Cell:
    label: str
    count: int | None  # None: hidden, the exact figure never leaves this module
    text: str  # what the reader sees: "1 234", "23 %", "< 5", "masqué"

    @property
    def hidden(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class Breakdown:
    """One chart and its table: what is counted, by what, and the cells in display order."""

    slug: str
    title: str
    description: str
    label_header: str
    value_header: str
    cells: tuple[Cell, ...]
    scale: int  # the value a full-width bar stands for
    percent: bool = False


def protect(counts: Iterable[tuple[str, int]]) -> tuple[Cell, ...]:
    """Cells for (label, count) pairs, small counts hidden (see the module docstring)."""
    pairs = list(counts)
    small = {i for i, (_, n) in enumerate(pairs) if 0 < n < SMALL_CELL_THRESHOLD}
    secondary: set[int] = set()
    if len(small) == 1:
        others = [(n, i) for i, (_, n) in enumerate(pairs) if n > 0 and i not in small]
        if others:
            secondary.add(min(others)[1])
    cells = []
    for i, (label, n) in enumerate(pairs):
        if i in small:
            cells.append(Cell(label, None, SMALL_CELL_TEXT))
        elif i in secondary:
            cells.append(Cell(label, None, SECONDARY_TEXT))
        else:
            cells.append(Cell(label, n, format_count(n)))
    return tuple(cells)


def _counted(
    slug: str,
    title: str,
    description: str,
    label_header: str,
    value_header: str,
    counts: list[tuple[str, int]],
) -> Breakdown:
    cells = protect(counts)
    scale = max((c.count for c in cells if c.count), default=0)
    return Breakdown(slug, title, description, label_header, value_header, cells, scale)


# ---------------------------------------------------------------------------------------------
# The slides' survey


def survey_breakdown() -> Breakdown:
    """The survey's answers, as percentages of the pharmacists who answered (no suppression:
    published figures about professionals, not patients)."""
    cells = tuple(Cell(a.label, a.percent, format_percent(a.percent)) for a in survey.ANSWERS)
    return Breakdown(
        slug="enquete",
        title="Usage du DMP par les pharmaciens hospitaliers (part des répondants)",
        description=(
            f"{survey.RESPONDENTS} réponses de {survey.ESTABLISHMENTS} établissements différents. "
            + " ; ".join(f"{c.text} {c.label}" for c in cells)
            + "."
        ),
        label_header="Les pharmaciens hospitaliers qui…",
        value_header="Part des répondants",
        cells=cells,
        scale=100,
        percent=True,
    )


# ---------------------------------------------------------------------------------------------
# The portal's live figures


def _documents() -> QuerySet[Document]:
    """The documents the portal's figures count: those still in a DMP (active or archived), of the
    portal's own patients (the workshop sandboxes' copies would count each document forty times).
    """
    return Document.objects.exclude(status=DocumentStatus.DELETED).filter(patient__sandbox__isnull=True)


def documents_by_rubrique() -> Breakdown:
    """Every rubrique in the slides' order, zero included, in one query.

    The documents are counted per type first (the big table grouped by its foreign key), and only
    those few rows are joined to the types and rubriques: joining every document to its type and
    rubrique before grouping cost about four times as much on PostgreSQL with 500,000 documents.
    """
    per_type, params = (
        _documents().order_by().values("document_type_id").annotate(n=Count("*")).query.sql_with_params()
    )
    rubrique, document_type = Rubrique._meta.db_table, DocumentType._meta.db_table
    # Table names come from the models, values from the ORM's own parameters.
    sql = (
        f"SELECT r.label, COALESCE(SUM(c.n), 0) FROM {rubrique} r "  # noqa: S608
        f"LEFT JOIN {document_type} t ON t.rubrique_id = r.code "
        f"LEFT JOIN ({per_type}) c ON c.document_type_id = t.id "
        "GROUP BY r.code, r.label, r.position ORDER BY r.position"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counts = [(label, int(n)) for label, n in cursor.fetchall()]
    return _counted(
        "rubriques",
        "Documents par rubrique",
        "Nombre de documents présents dans les DMP du portail (actifs ou archivés), par rubrique.",
        "Rubrique",
        "Documents",
        counts,
    )


def documents_by_year() -> Breakdown:
    """By year of the document's date (not the year it was added), oldest first."""
    counted = (
        _documents()
        .order_by()
        .values(year=YearOf("document_date"))
        .annotate(documents=Count("*"))
        .order_by("year")
        .values_list("year", "documents")
    )
    return _counted(
        "annees",
        "Documents par année",
        "Nombre de documents présents dans les DMP du portail, par année de la date du document.",
        "Année",
        "Documents",
        [(str(year), n) for year, n in counted],
    )


def documents_by_source() -> Breakdown:
    """Who produced them: a professional, Assurance Maladie or the patient (Document.source)."""
    found = dict(_documents().order_by().values("source").annotate(n=Count("*")).values_list("source", "n"))
    return _counted(
        "origines",
        "Documents par origine",
        "Nombre de documents présents dans les DMP du portail, selon qui les a produits.",
        "Origine",
        "Documents",
        [(source.label, found.get(source.value, 0)) for source in DocumentSource],
    )


def accesses_by_mode() -> Breakdown:
    """Openings of a DMP ("a ouvert le DMP avec un navigateur web" traces) by access mode.

    Trace.mode holds the mode's sentence (patients.access.Mode); the four modes come in their
    order, zero included, then any other value the history holds (older wording, no mode).
    """
    found = dict(
        Trace.objects.filter(action=Action.RECORD_OPENED, patient__sandbox__isnull=True)
        .order_by()
        .values("mode")
        .annotate(n=Count("*"))
        .values_list("mode", "n")
    )
    known = [(mode.value, found.pop(mode.value, 0)) for mode in Mode]
    others = sorted((mode or NO_MODE_LABEL, n) for mode, n in found.items())
    return _counted(
        "modes",
        "Ouvertures de DMP par mode d'accès",
        "Nombre d'ouvertures de DMP tracées dans l'historique des accès, par mode d'accès.",
        "Mode d'accès",
        "Ouvertures",
        known + others,
    )


def live_breakdowns() -> tuple[Breakdown, ...]:
    """The portal's figures, for trainers and administrators only (workshop/roles.py)."""
    return (documents_by_rubrique(), documents_by_year(), documents_by_source(), accesses_by_mode())


def steps_completed_by_session(trainer: object) -> tuple[Breakdown, ...]:
    """Per running session of this trainer (every running one for a superuser; the latest
    MAX_SESSION_CHARTS): how many of its trainees have done each step, from the traces
    (workshop/progress.py: one query per session). Exact counts, not `protect()`ed: the trainer
    already sees each trainee on the session's dashboard."""
    sessions = WorkshopSession.objects.run_by(trainer).filter(ended_at__isnull=True)[:MAX_SESSION_CHARTS]
    breakdowns = []
    for session in sessions:
        trainees = list(session.trainees.all())
        progress = progress_for(session, trainees)
        cells = tuple(
            Cell(step.label, n, format_count(n))
            for step in steps_for(session)
            for n in [sum(1 for row in progress if step.key in row.done_at)]
        )
        breakdowns.append(
            Breakdown(
                f"session-{session.code}",
                f"Atelier « {session.name} » du {session.date:%d/%m/%Y}",
                "Nombre de stagiaires ayant fait chaque étape du parcours, d'après l'historique des accès.",
                "Étape",
                "Stagiaires",
                cells,
                scale=len(trainees),
            )
        )
    return tuple(breakdowns)
