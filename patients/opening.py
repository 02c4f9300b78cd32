"""Opening a DMP: the decision, the opening trace, and the previous access, as one service.

`open_dmp` is what every front door calls (the HTML pages through `patients.views.dmp_view`, later
an API): it asks patients.access for the decision and, when favourable and not yet opened during
this visit, traces the opening and remembers it (RecordAccess). It never renders anything: the
adapter turns a refusal into its own answer (the authorization page, the refusal page, a 403).

The previous access is stored, not searched for: each opening moves RecordAccess.last_access_at
into previous_access_at, so "N nouveau(x)" on the Récapitulatif reads it with the access facts
instead of scanning the professional's opening traces on this patient.

The DMP's tabs are `Tab` values, and every tab's page builds its shell context (`patient`,
`decision`, `tab`) with `shell_context`.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.http import HttpRequest

from accounts.models import User
from patients import access, services
from patients.models import Patient


class Tab(StrEnum):
    """The DMP's tabs (templates/patients/dmp_base.html marks the current one)."""

    SUMMARY = "summary"
    DOCUMENTS = "documents"
    VACCINATION = "vaccination"
    INFORMATION = "information"
    MANAGEMENT = "management"
    HISTORY = "history"


@dataclass(frozen=True)
class Opening:
    """What opening `patient`'s DMP gave: the decision, whether this call traced the opening, and
    when this professional opened the DMP before this visit (None on a first opening, and
    without a favourable decision)."""

    professional: User
    patient: Patient
    decision: access.Decision
    traced: bool = False
    previous_access_at: datetime | None = None

    @property
    def allowed(self) -> bool:
        return self.decision.allowed


def open_dmp(
    *, professional: User, patient: Patient, already_opened: bool, request: HttpRequest | None = None
) -> Opening:
    """Decide; if favourable and this visit has not opened the DMP yet (`already_opened`, the
    adapter's rule: a browser session for the HTML pages), trace the opening and store it. The
    previous access comes with the facts of the decision (or from the opening that moves it)."""
    facts = access.facts_for(professional, patient)
    decision = access.decide(facts)
    if not decision.allowed:
        return Opening(professional, patient, decision)
    if already_opened:
        return Opening(professional, patient, decision, previous_access_at=facts.previous_access_at)
    previous = services.record_open(
        professional=professional, patient=patient, decision=decision, request=request
    )
    return Opening(professional, patient, decision, traced=True, previous_access_at=previous)


def shell_context(patient: Patient, decision: access.Decision, tab: Tab, **extra: object) -> dict:
    """The context every DMP tab's template extends (patients/dmp_base.html)."""
    return {"patient": patient, "decision": decision, "tab": tab, **extra}
