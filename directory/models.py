"""The Annuaire santé: every professional of the RPPS with their situations d'exercice and their
published MSSanté addresses, searchable at the national size (about a million entries).

Why entries are not `accounts.User` rows: the directory lists every professional of France, the
portal's users are the few who log in. A million User rows would carry passwords, sessions and
cards for nobody, and every query on users (logins, the admin, the workshop) would run against
them. So an entry is its own row, keyed by RPPS like the national file; a portal professional is
also an entry, linked by `user` and kept in step by one service (directory.services.
entry_professional_sync), called where the portal creates or refreshes professionals (the demo
seed). The directory holds only what the Annuaire santé publishes: identity, profession, situations
d'exercice and MSSanté addresses; for email and mobile it keeps whether they are filled in (what
e-CPS needs, workshop step 03), never the values.

Where it sits: accounts ← audit ← patients ← directory ← messaging, workshop. It reads accounts
(professions, the portal's professionals) and patients.normalize (the search keys every search of
the portal shares); the messaging and the demo seed write to it through directory.services.

Searches use stored normalized keys (patients.normalize.search_key) in byte-ordered columns
(directory.fields.SearchKeyField), each index serving one filter and the page order at once:
directory/search.py says which.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import PHYSICIAN_CODE, Civility, PracticeMode, Profession, rpps_validator
from directory.fields import SearchKeyField
from patients.normalize import search_key


class DirectoryEntry(models.Model):
    """One professional of the RPPS, as the Annuaire santé shows them."""

    rpps = models.CharField("numéro RPPS", max_length=11, unique=True, validators=[rpps_validator])
    civility = models.CharField("civilité", max_length=3, choices=Civility, blank=True)
    first_name = models.CharField("prénom d'exercice", max_length=100)
    last_name = models.CharField("nom d'exercice", max_length=100)
    # search_key("<nom> <prénom>"): "Lefèvre-Dupont Zoé" -> "LEFEVRE DUPONT ZOE"; the name search's
    # prefix and the page order.
    name_key = SearchKeyField(max_length=201, editable=False)
    # PROTECT: profession codes are reference data (TRE_G15).
    profession = models.ForeignKey(Profession, models.PROTECT, verbose_name="profession")
    specialty = models.CharField("spécialité (savoir-faire)", max_length=100, blank=True)
    # Whether the directory has an email / a mobile for this professional (not the values: the
    # Annuaire santé does not publish them). Neither blocks e-CPS (workshop step 03).
    has_email = models.BooleanField("adresse électronique renseignée", default=False)
    has_mobile = models.BooleanField("téléphone mobile renseigné", default=False)
    # SET_NULL: the national entry outlives a portal account (demo resets delete accounts).
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_entry",
        verbose_name="compte du portail",
    )

    class Meta:
        verbose_name = "professionnel de l'annuaire"
        verbose_name_plural = "professionnels de l'annuaire"
        constraints = [
            models.CheckConstraint(
                condition=Q(rpps__regex=r"^[0-9]{11}$"), name="directory_entry_rpps_11_digits"
            ),
            models.CheckConstraint(
                condition=Q(specialty="") | Q(profession_id=PHYSICIAN_CODE),
                name="directory_entry_specialty_only_for_physicians",
            ),
        ]
        # The id closes every index: it is the page order's tie-break between homonyms (SQLite
        # appends the rowid by itself, PostgreSQL needs it said).
        indexes = [
            # search by name prefix (name_key range), in page order
            models.Index(fields=["name_key", "id"], name="directory_entry_name_idx"),
            # search by profession, alone or with a name prefix, in page order
            models.Index(fields=["profession", "name_key", "id"], name="directory_entry_prof_idx"),
            # search by specialty, alone or with a name prefix, in page order
            models.Index(fields=["specialty", "name_key", "id"], name="directory_entry_spec_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.rpps})"

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name.upper()}"

    @property
    def can_activate_ecps(self) -> bool:
        """As accounts.User.can_activate_ecps: e-CPS sends its activation to the email or the mobile."""
        return self.has_email or self.has_mobile

    def refresh_search_key(self) -> None:
        self.name_key = self.name_key_of(self.last_name, self.first_name)

    @staticmethod
    def name_key_of(last_name: str, first_name: str) -> str:
        return search_key(f"{last_name} {first_name}")


class DirectoryPractice(models.Model):
    """A situation d'exercice of an entry: the structure, its commune, the mode and the function.

    It repeats the entry's name_key so that one index serves "this commune (or structure), in name
    order" without reading the entries (directory/search.py); services write both together.
    """

    # CASCADE: a situation is part of its entry.
    entry = models.ForeignKey(
        DirectoryEntry, models.CASCADE, related_name="practices", verbose_name="professionnel"
    )
    structure_name = models.CharField("structure d'exercice (raison sociale)", max_length=200)
    finess = models.CharField("FINESS", max_length=9, blank=True)
    city = models.CharField("commune", max_length=100)
    mode = models.CharField("mode d'exercice", max_length=1, choices=PracticeMode)
    role = models.CharField("fonction", max_length=100, blank=True)
    structure_key = SearchKeyField(max_length=200, editable=False)
    city_key = SearchKeyField(max_length=100, editable=False)
    name_key = SearchKeyField(max_length=201, editable=False)

    class Meta:
        verbose_name = "situation d'exercice"
        verbose_name_plural = "situations d'exercice"
        constraints = [
            models.CheckConstraint(
                condition=Q(mode__in=PracticeMode.values), name="directory_practice_mode_valid"
            ),
        ]
        indexes = [
            # search by commune (exact key), with or without a name prefix, in name order
            models.Index(fields=["city_key", "name_key", "id"], name="directory_practice_city_idx"),
            # search by structure (key prefix), grouped by structure, in name order
            models.Index(fields=["structure_key", "name_key", "id"], name="directory_practice_struct_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.structure_name} ({self.city})"

    def refresh_search_keys(self, entry: DirectoryEntry) -> None:
        self.structure_key, self.city_key = self.keys_of(self.structure_name, self.city)
        self.name_key = entry.name_key

    @staticmethod
    def keys_of(structure_name: str, city: str) -> tuple[str, str]:
        """(structure_key, city_key)"""
        return search_key(structure_name), search_key(city)


class DirectoryMailbox(models.Model):
    """An MSSanté address the directory publishes for an entry (a personal mailbox).

    Written by directory.services (the national file, the portal's professionals, and whatever
    mailbox the messaging publishes through entry_address_publish).
    """

    # CASCADE: a published address is part of its entry.
    entry = models.ForeignKey(
        DirectoryEntry, models.CASCADE, related_name="mailboxes", verbose_name="professionnel"
    )
    address = models.EmailField("adresse MSSanté")

    class Meta:
        verbose_name = "adresse MSSanté publiée"
        verbose_name_plural = "adresses MSSanté publiées"
        constraints = [
            models.UniqueConstraint(fields=["entry", "address"], name="directory_mailbox_once_per_entry"),
            models.CheckConstraint(
                condition=Q(address__iendswith=".mssante.fr"), name="directory_mailbox_mssante_domain"
            ),
        ]

    def __str__(self) -> str:
        return self.address
