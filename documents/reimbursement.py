"""The "Historique de remboursement (CNAM-HR)" document that Assurance Maladie puts in the DMP.

"Les professionnels de santé autorisés peuvent consulter les documents Historique de
remboursement (CNAM-HR), sur la période des 24 derniers mois" (workshop, questions/réponses).
Here it is a free-text document of type REMB (class 60, rubrique "Données de remboursement"),
source Assurance Maladie, without a professional author; the seed calls
`reimbursement_history_create` for the demo patients.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from documents.models import Document, DocumentSource, DocumentType, add_months
from documents.services import document_add_from_source
from patients.models import Patient

WINDOW_MONTHS = 24
TITLE = "Historique de remboursement (CNAM-HR)"
TYPE_CODE = ("TRE_A05", "REMB")


@dataclass(frozen=True)
class ReimbursementLine:
    """One reimbursed act or product."""

    on: date
    label: str  # "Consultation de médecine générale", "DOLIPRANE 1000 mg cp (boîte de 8)"
    amount: Decimal  # reimbursed by Assurance Maladie, in euros
    provider: str = ""  # who performed or dispensed it


def _euros(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",") + " €"


def reimbursement_history_text(*, patient: Patient, lines: Iterable[ReimbursementLine], today: date) -> str:
    """The content: the lines of the last 24 months (older ones are left out), latest first."""
    start = add_months(today, -WINDOW_MONTHS)
    kept = sorted(
        (line for line in lines if start <= line.on <= today), key=lambda line: line.on, reverse=True
    )
    out = [
        TITLE,
        f"Assuré : {patient.display_name} — matricule INS {patient.ins}",
        f"Période : du {start:%d/%m/%Y} au {today:%d/%m/%Y} ({WINDOW_MONTHS} derniers mois)",
        "",
    ]
    if not kept:
        out.append("Aucun remboursement sur la période.")
    for line in kept:
        provider = f" — {line.provider}" if line.provider else ""
        out.append(f"{line.on:%d/%m/%Y} | {line.label}{provider} | remboursé : {_euros(line.amount)}")
    if kept:
        out += [
            "",
            f"Total remboursé sur la période : {_euros(sum((line.amount for line in kept), Decimal(0)))}",
        ]
    return "\n".join(out) + "\n"


@transaction.atomic
def reimbursement_history_create(
    *,
    patient: Patient,
    lines: Iterable[ReimbursementLine],
    today: date | None = None,
    added_at: datetime | None = None,
) -> Document:
    """Add the CNAM-HR document of `patient` for the 24 months up to `today` (added at `added_at`,
    now by default), and its trace (actor: Assurance Maladie, no professional)."""
    added_at = added_at or timezone.now()
    today = today or timezone.localdate(added_at)
    text = reimbursement_history_text(patient=patient, lines=lines, today=today)
    system, code = TYPE_CODE
    return document_add_from_source(
        patient=patient,
        source=DocumentSource.HEALTH_INSURANCE,
        document_type=DocumentType.objects.get(code_system=system, code=code),
        title=TITLE,
        document_date=today,
        text=text,
        event_start=add_months(today, -WINDOW_MONTHS),
        event_end=today,
        added_at=added_at,
    )
