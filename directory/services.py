"""Writing the directory: entries with their situations and addresses, keys computed in one place.

Two writers, the keys computed by the models' own functions: `entries_create` bulk-loads many new
entries (the generator of directory/generator.py, a national import), `entry_save` creates or
refreshes one (the portal's professionals, through `entry_professional_sync`). No signal: the portal calls
`entry_professional_sync` where it creates or refreshes a professional (workshop/demo.py), so a
reader of that code sees the directory being written.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import batched

from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max

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
    addresses: tuple[str, ...] = ()


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


def entries_create(listings: Iterable[Listing], *, batch_size: int = 5000) -> int:
    """Bulk-load new entries (their RPPS must be absent), one transaction per batch; returns how many.

    A loader for the national file or the generator, at a million rows: plain multi-row INSERTs
    (executemany), no model instance (Django's bulk_create cost ~0.6 ms per entry here, 5 minutes
    for 500,000). The entries' ids are given, following the highest one (the situations and
    addresses need them before the insert), so no other writer may add entries meanwhile; the
    sequence is moved past them afterwards (PostgreSQL). No full_clean(): the sources are checked
    upstream, and the database's constraints still refuse a malformed RPPS or mode.
    """
    # The same names, structures and communes come back again and again: their keys are computed once.
    name_key_of = cache(DirectoryEntry.name_key_of)
    practice_keys = cache(DirectoryPractice.keys_of)
    created = 0
    for batch in batched(listings, batch_size):
        with transaction.atomic():
            next_id = (DirectoryEntry.objects.aggregate(highest=Max("pk"))["highest"] or 0) + 1
            entries, practices, mailboxes = [], [], []
            for entry_id, listing in enumerate(batch, start=next_id):
                name_key = name_key_of(listing.last_name, listing.first_name)
                entries.append(
                    (
                        entry_id,
                        listing.rpps,
                        listing.civility,
                        listing.first_name,
                        listing.last_name,
                        name_key,
                        listing.profession_code,
                        listing.specialty,
                        listing.has_email,
                        listing.has_mobile,
                    )
                )
                practices += [
                    (
                        entry_id,
                        s.structure_name,
                        s.finess,
                        s.city,
                        s.mode,
                        s.role,
                        *practice_keys(s.structure_name, s.city),
                        name_key,
                    )
                    for s in listing.situations
                ]
                mailboxes += [(entry_id, address) for address in listing.addresses]
            _insert(DirectoryEntry, _ENTRY_COLUMNS, entries)
            _insert(DirectoryPractice, _PRACTICE_COLUMNS, practices)
            _insert(DirectoryMailbox, ("entry_id", "address"), mailboxes)
        created += len(entries)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [DirectoryEntry]):
            cursor.execute(statement)
    return created


_ENTRY_COLUMNS = (
    "id",
    "rpps",
    "civility",
    "first_name",
    "last_name",
    "name_key",
    "profession_id",
    "specialty",
    "has_email",
    "has_mobile",
)
_PRACTICE_COLUMNS = (
    "entry_id",
    "structure_name",
    "finess",
    "city",
    "mode",
    "role",
    "structure_key",
    "city_key",
    "name_key",
)


def _insert(model: type[models.Model], columns: tuple[str, ...], rows: list[tuple]) -> None:
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})", rows)  # noqa: S608 - names from the models


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
