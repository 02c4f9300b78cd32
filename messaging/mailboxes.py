"""Whose mailboxes: a professional's own and the organisational ones they are a member of; a
patient's own (Mon espace santé). The one place that says which mailboxes a viewer reads.

A professional's personal mailbox is made the first time it is needed (their first visit to the
Messagerie, or a colleague writing to their directory address); its address is derived once
(messaging/addresses.py) and stored, and written to the directory entry when that had none.
"""

from django.db import IntegrityError, transaction
from django.db.models import Q

from accounts.models import User
from accounts.viewer import Viewer, ViewerKind
from directory.models import DirectoryEntry
from directory.services import entry_address_publish
from messaging import addresses
from messaging.models import Mailbox, MailboxKind

SUFFIX_ATTEMPTS = 100  # jean.martin, jean.martin2 … jean.martin100: then the RPPS decides


def mailbox_ids_of(viewer: Viewer) -> list[int]:
    """The mailboxes this viewer reads, in one query; none for anyone else (deny by default).
    A legal representative reads no minor's messages here: Mon espace santé's messaging is the
    holder's own."""
    if viewer.kind is ViewerKind.PROFESSIONAL and viewer.user is not None:
        user = viewer.user
        own = Q(owner=user, kind=MailboxKind.PERSONAL)
        shared = Q(pk__in=Mailbox.members.through.objects.filter(user=user).values("mailbox_id"))
        return list(
            Mailbox.objects.filter(own | (shared & Q(kind=MailboxKind.ORGANISATION))).values_list(
                "pk", flat=True
            )
        )
    if viewer.kind is ViewerKind.PATIENT and viewer.record_id is not None:
        return list(
            Mailbox.objects.filter(patient_id=viewer.record_id, kind=MailboxKind.PATIENT).values_list(
                "pk", flat=True
            )
        )
    return []


def personal_mailbox(user: User) -> Mailbox:
    """The professional's own mailbox, made (and its address derived) on first need."""
    existing = Mailbox.objects.filter(owner=user, kind=MailboxKind.PERSONAL).first()
    if existing is not None:
        return existing
    return _create_personal(user)


def _create_personal(user: User) -> Mailbox:
    if user.mssante_address and not Mailbox.objects.filter(address=user.mssante_address.lower()).exists():
        candidates = [user.mssante_address.lower()]
    else:
        practice = user.practices.select_related("establishment").order_by("pk").first()
        domain = (
            addresses.establishment_domain(practice.establishment)
            if practice
            else addresses.profession_domain(user)
        )
        local = addresses.local_part(user)
        candidates = [f"{local}@{domain}"] + [f"{local}{n}@{domain}" for n in range(2, SUFFIX_ATTEMPTS + 1)]
        candidates.append(f"{local}.{user.rpps}@{domain}")
    taken = set(Mailbox.objects.filter(address__in=candidates).values_list("address", flat=True))
    for address in (candidate for candidate in candidates if candidate not in taken):
        try:
            with transaction.atomic():
                mailbox = Mailbox(
                    kind=MailboxKind.PERSONAL, owner=user, address=address, label=user.display_name
                )
                mailbox.full_clean()
                mailbox.save()
                if not user.mssante_address:
                    User.objects.filter(pk=user.pk).update(mssante_address=address)
                    user.mssante_address = address
                _publish(user, address)
                return mailbox
        except IntegrityError:
            # Taken meanwhile (another request), or this professional's box was just made.
            existing = Mailbox.objects.filter(owner=user, kind=MailboxKind.PERSONAL).first()
            if existing is not None:
                return existing
    raise RuntimeError(f"No free MSSanté address for {user.pk}")


def _publish(user: User, address: str) -> None:
    """The new address in the professional's Annuaire santé entry, if they have one: colleagues
    find it there, with its "Écrire" link."""
    entry = DirectoryEntry.objects.filter(user=user).first()
    if entry is not None:
        entry_address_publish(entry=entry, address=address)


def patient_mailbox(patient: object) -> Mailbox:
    """The patient's Mon espace santé mailbox, ``<INS>@patient.mssante.fr``."""
    mailbox = Mailbox.objects.filter(patient=patient, kind=MailboxKind.PATIENT).first()
    if mailbox is not None:
        return mailbox
    address = addresses.patient_address(patient.ins)  # type: ignore[attr-defined]
    mailbox = Mailbox(kind=MailboxKind.PATIENT, patient=patient, address=address, label=patient.display_name)  # type: ignore[attr-defined]
    mailbox.full_clean()
    mailbox.save()
    return mailbox
