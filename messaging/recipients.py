"""Who a list of addresses reaches: portal mailboxes (delivered as rows), the patient behind a
``<INS>@patient.mssante.fr`` address, and addresses of other MSSanté operators (relayed by SMTP).

Every refusal is a ValidationError with a French message naming the address; nothing is created
for a refused list but the personal mailbox of a professional known to the directory.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from accounts.models import User
from messaging import addresses, mailboxes
from messaging.models import Mailbox, MailboxKind
from patients.ins import normalize_ins, validate_ins
from patients.models import Patient
from patients.scope import scope_for

WRONG_KEY = "La clé du matricule INS de l'adresse « {address} » est incorrecte : vérifiez le matricule du patient (rubrique « Informations patient » du DMP)."
BAD_INS = "L'adresse « {address} » ne commence pas par un matricule INS : 15 caractères, 13 chiffres (2A ou 2B pour la Corse) et une clé de 2 chiffres."
UNKNOWN_INS = "Aucun patient accessible ne porte le matricule INS de l'adresse « {address} »."
CLOSED = "Le profil Mon espace santé du patient de l'adresse « {address} » est fermé : il ne peut pas recevoir de message."
UNKNOWN = "L'adresse « {address} » est inconnue de l'annuaire santé : vérifiez-la dans l'annuaire."
OUTSIDE = "L'adresse « {address} » n'appartient pas à l'espace de confiance MSSanté (adresses en …mssante.fr) : un message sécurisé ne peut pas lui être envoyé."


@dataclass
class Recipients:
    mailboxes: list[Mailbox] = field(default_factory=list)  # delivered in the portal
    patients: list[Patient] = field(default_factory=list)  # whose mailbox is among them
    relayed: list[str] = field(default_factory=list)  # other MSSanté operators' addresses


def resolve(addresses_given: list[str], *, professional: User) -> Recipients:
    """The recipients a professional reaches; patients within their scope only (scope_for)."""
    found = Recipients()
    errors = []
    for address in addresses_given:
        try:
            _resolve_one(address.lower(), professional, found)
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return found


def _resolve_one(address: str, professional: User, found: Recipients) -> None:
    if addresses.is_patient_address(address):
        patient = _patient(address, professional)
        found.patients.append(patient)
        found.mailboxes.append(mailboxes.patient_mailbox(patient))
        return
    mailbox = Mailbox.objects.exclude(kind=MailboxKind.PATIENT).filter(address=address).first()
    if mailbox is None:
        holder = User.objects.professionals().filter(mssante_address__iexact=address, is_active=True).first()
        mailbox = mailboxes.personal_mailbox(holder) if holder is not None else None
    if mailbox is not None:
        found.mailboxes.append(mailbox)
    elif Mailbox.objects.filter(domain=addresses.domain_of(address)).exists():
        raise ValidationError(UNKNOWN.format(address=address))
    elif addresses.in_trust_space(address):
        found.relayed.append(address)
    else:
        raise ValidationError(OUTSIDE.format(address=address))


def _patient(address: str, professional: User) -> Patient:
    ins = normalize_ins(address.partition("@")[0])
    try:
        validate_ins(ins)
    except ValidationError as error:
        message = WRONG_KEY if error.code == "ins_key" else BAD_INS
        raise ValidationError(message.format(address=address)) from None
    patient = scope_for(professional).filter(ins=ins).first()
    if patient is None:
        raise ValidationError(UNKNOWN_INS.format(address=address))
    if not patient.is_open:
        raise ValidationError(CLOSED.format(address=address))
    return patient
