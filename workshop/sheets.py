"""What a trainee's login sheet says: who they are, how to log in, whom to look for, what to do.

Built for all the trainees of a session in a fixed number of queries (the sheets page prints up
to forty of them).
"""

from dataclasses import dataclass

from django.utils.safestring import SafeString

from accounts.models import CPSCard, ECPSDevice
from accounts.qrcode import qr_svg, totp_secret_base32
from patients.models import Patient
from workshop.demo import RICH_RECORD
from workshop.models import Trainee, WorkshopSession

# The slides' journey, as the sheet lists it (the guided scenario ticks them from the traces).
SHEET_STEPS = [
    "Se connecter avec la carte CPS (code porteur) ou l'application e-CPS (QR code ci-contre).",
    "Rechercher le patient par ses critères d'identité (nom, prénom, sexe, date de naissance).",
    "Déclarer le consentement du patient à l'accès à son DMP.",
    "Parcourir la grille des documents par rubrique et par année.",
    "Ouvrir un document.",
    "Ajouter un document « Bilan médicamenteux (Officine) » au format PDF en choisissant sa confidentialité.",
    "Consulter l'historique des accès au DMP.",
]
CARE_TEAM_STEP = "Vous faites partie de l'équipe de soins du patient : son consentement est présumé."


@dataclass(frozen=True)
class LoginSheet:
    trainee: Trainee
    card: CPSCard | None
    ecps_secret: str
    ecps_qr: SafeString | None
    patient: Patient | None
    steps: list[str]


def sheets_for(session: WorkshopSession, trainees: list[Trainee]) -> list[LoginSheet]:
    """The login sheets of these trainees of `session` (4 queries, whatever their number)."""
    user_ids = [trainee.user_id for trainee in trainees]
    cards = {card.user_id: card for card in CPSCard.objects.filter(user__in=user_ids, confirmed=True)}
    devices = {
        device.user_id: device for device in ECPSDevice.objects.filter(user__in=user_ids, confirmed=True)
    }
    patients = {
        patient.sandbox.trainee_id: patient
        for patient in Patient.objects.filter(
            sandbox__trainee__in=user_ids, sandbox__archived_at__isnull=True, ins=RICH_RECORD.ins
        ).select_related("sandbox")
    }
    steps = list(SHEET_STEPS)
    if session.care_team_scenario:
        steps[2] = CARE_TEAM_STEP
    sheets = []
    for trainee in trainees:
        device = devices.get(trainee.user_id)
        sheets.append(
            LoginSheet(
                trainee=trainee,
                card=cards.get(trainee.user_id),
                ecps_secret=totp_secret_base32(device) if device else "",
                ecps_qr=qr_svg(device.config_url, title=f"QR code e-CPS du poste {trainee.position}")
                if device
                else None,
                patient=patients.get(trainee.user_id),
                steps=steps,
            )
        )
    return sheets
