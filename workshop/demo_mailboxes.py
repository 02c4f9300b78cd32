"""The demo's MSSanté mailboxes (seed_demo, after the accounts): every demo professional's own
address (derived once by messaging.mailboxes, or the directory's when the dataset gives one), and
organisational mailboxes shared by a service's members, as the workshop's section 05 shows them."""

from dataclasses import dataclass

from accounts.models import User
from messaging.mailboxes import personal_mailbox
from messaging.models import Mailbox, MailboxKind
from workshop.demo import PROFESSIONALS


@dataclass(frozen=True)
class DemoMailbox:
    address: str
    label: str
    members: tuple[str, ...]  # RPPS of the dataset's professionals


_MARCHAL, _KIEFFER, _ROTHENBACH, _WENDLING, _GERBAUT, _LORRAIN = (item.rpps for item in PROFESSIONALS)

MAILBOXES = [
    DemoMailbox(
        "pharmacie@ch-sainte-odile.mssante.fr",
        "Pharmacie — Centre hospitalier Sainte-Odile",
        (_MARCHAL, _KIEFFER),
    ),
    DemoMailbox(
        "pharmacie@hopital-saint-nicolas.mssante.fr", "Pharmacie — Hôpital Saint-Nicolas", (_ROTHENBACH,)
    ),
    DemoMailbox(
        "accueil@msp-trois-frontieres.mssante.fr",
        "Accueil — Maison de santé des Trois Frontières",
        (_WENDLING,),
    ),
]


def seed_mailboxes() -> None:
    """Idempotent: the same call always yields the same mailboxes and memberships."""
    professionals = {
        user.rpps: user for user in User.objects.filter(rpps__in=[p.rpps for p in PROFESSIONALS])
    }
    for user in professionals.values():
        personal_mailbox(user)
    for item in MAILBOXES:
        mailbox = Mailbox.objects.filter(address=item.address, kind=MailboxKind.ORGANISATION).first()
        if mailbox is None:
            mailbox = Mailbox(kind=MailboxKind.ORGANISATION, address=item.address, label=item.label)
            mailbox.full_clean()
            mailbox.save()
        mailbox.members.set([professionals[rpps] for rpps in item.members if rpps in professionals])
