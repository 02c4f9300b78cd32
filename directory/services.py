"""Writing the directory: entries with their situations and addresses, keys computed in one place.

Two writers share the same builders: `entries_create` inserts many new entries in batches (the
generator of directory/generator.py, a national import), `entry_save` creates or refreshes one
(the portal's professionals, through `entry_professional_sync`). No signal: the portal calls
`entry_professional_sync` where it creates or refreshes a professional (workshop/demo.py), so a
reader of that code sees the directory being written.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import batched

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from directory.models import DirectoryEntry, DirectoryMailbox, DirectoryPractice

MSSANTE_DOMAIN = ".mssante.fr"  # the MSSanté space of trust (directory_mailbox_mssante_domain)


@dataclass(frozen=True)
class Situation:
    """A situation d'exercice as a source gives it."""

    structure_name: str
    city: str
    mode: str  # accounts.models.PracticeMode
    role: str = ""
    finess: str = ""


@dataclass(frozen=True)
class Listing:
    """One professional as a source gives it (the national file, the portal, the generator)."""

    rpps: str
    civility: str
    first_name: str
    last_name: str
    profession_code: str
    specialty: str = ""
    has_email: bool = False
    has_mobile: bool = False
    situations: tuple[Situation, ...] = ()
    addresses: tuple[str, ...] = field(default=())


def _entry(listing: Listing) -> DirectoryEntry:
    entry = DirectoryEntry(
        rpps=listing.rpps,
        civility=listing.civility,
        first_name=listing.first_name,
        last_name=listing.last_name,
        profession_id=listing.profession_code,
        specialty=listing.specialty,
        has_email=listing.has_email,
        has_mobile=listing.has_mobile,
    )
    entry.refresh_search_key()
    return entry


def _practices(entry: DirectoryEntry, listing: Listing) -> list[DirectoryPractice]:
    practices = []
    for situation in listing.situations:
        practice = DirectoryPractice(
            entry=entry,
            structure_name=situation.structure_name,
            finess=situation.finess,
            city=situation.city,
            mode=situation.mode,
            role=situation.role,
        )
        practice.refresh_search_keys(entry)
        practices.append(practice)
    return practices


def entries_create(listings: Iterable[Listing], *, batch_size: int = 2000) -> int:
    """Insert new entries (their RPPS must be absent), one transaction per batch; returns how many.

    Bulk inserts without full_clean(): the sources are checked upstream (the generator builds
    valid rows; the database's constraints still refuse a malformed RPPS or mode)."""
    created = 0
    for batch in batched(listings, batch_size):
        with transaction.atomic():
            entries = DirectoryEntry.objects.bulk_create([_entry(listing) for listing in batch])
            DirectoryPractice.objects.bulk_create(
                [p for entry, listing in zip(entries, batch, strict=True) for p in _practices(entry, listing)]
            )
            DirectoryMailbox.objects.bulk_create(
                [
                    DirectoryMailbox(entry=entry, address=address)
                    for entry, listing in zip(entries, batch, strict=True)
                    for address in listing.addresses
                ]
            )
        created += len(entries)
    return created


@transaction.atomic
def entry_save(*, listing: Listing, user: User | None = None) -> DirectoryEntry:
    """Create or refresh the entry of `listing.rpps`: identity, profession, contact flags and
    situations replaced; addresses added (a published address stays until its mailbox closes)."""
    entry = _entry(listing)
    entry.pk = DirectoryEntry.objects.filter(rpps=listing.rpps).values_list("pk", flat=True).first()
    entry.user = user
    entry.full_clean(validate_unique=False)
    entry.save()
    entry.practices.all().delete()
    DirectoryPractice.objects.bulk_create(_practices(entry, listing))
    for address in listing.addresses:
        entry_address_publish(entry=entry, address=address)
    return entry


def entry_address_publish(*, entry: DirectoryEntry, address: str) -> DirectoryMailbox:
    """Publish an MSSanté address for `entry` (nothing happens if it is already published)."""
    DirectoryMailbox(entry=entry, address=address).full_clean(validate_constraints=False)
    if not address.lower().endswith(MSSANTE_DOMAIN):
        raise ValidationError({"address": f"Une adresse MSSanté se termine par « {MSSANTE_DOMAIN} »."})
    return DirectoryMailbox.objects.get_or_create(entry=entry, address=address)[0]


def professional_listing(professional: User) -> Listing:
    """A portal professional as the directory lists them (their account's directory fields)."""
    return Listing(
        rpps=professional.rpps or "",
        civility=professional.civility,
        first_name=professional.first_name,
        last_name=professional.last_name,
        profession_code=professional.profession_id or "",
        specialty=professional.specialty,
        has_email=bool(professional.email),
        has_mobile=bool(professional.mobile),
        situations=tuple(
            Situation(
                structure_name=practice.establishment.name,
                city=practice.establishment.city,
                mode=practice.mode,
                role=practice.role,
                finess=practice.establishment.finess,
            )
            for practice in professional.practices.select_related("establishment").order_by("pk")
        ),
        addresses=(professional.mssante_address,) if professional.mssante_address else (),
    )


def entry_professional_sync(*, professional: User) -> DirectoryEntry:
    """The portal professional's entry, created or brought in step with their account."""
    if not professional.is_professional:
        raise ValueError("Seul un professionnel de santé (numéro RPPS) figure dans l'annuaire santé.")
    return entry_save(listing=professional_listing(professional), user=professional)
