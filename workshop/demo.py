"""The workshop's demo dataset: fictive professionals and establishments of the Grand Est region.

Every identity here is invented. Numbers are fictive but well-formed (RPPS and FINESS carry a
Luhn key, INS matricules a valid key and traits that agree with them), and the e-CPS secrets are
derived from the RPPS so that README.md can document them. The demo patients exercise every
access rule of the workshop (README.md, "Patients de démonstration"), and 25 homonyms show the
identity search's "Plus de 20 patients" guard; their documents and carnets de vaccination are in
workshop/demo_documents.py.
"""

import hashlib
from base64 import b32encode
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.contrib.auth.hashers import check_password
from django.db import transaction
from django.db.models import Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.identifiers import with_luhn_key
from accounts.models import (
    CardType,
    Civility,
    CPSCard,
    Establishment,
    Practice,
    PracticeMode,
    PracticeSetting,
    Profession,
    User,
)
from accounts.services import ecps_counters_reset
from audit.models import Trace
from directory.generator import fictive_entries_ensure
from directory.services import entry_professional_sync
from documents.models import Document, Vaccination
from messaging.models import Mailbox, Message
from patients.ins import with_key
from patients.models import (
    Authorization,
    Block,
    CareStay,
    DMPStatus,
    IdentityStatus,
    Patient,
    RecordAccess,
    Sandbox,
    Sex,
    VitaleCard,
)
from patients.services import patient_save, vitale_card_set_beneficiaries

DEMO_PIN = "1234"
# Fictive colleagues in the demo's Annuaire santé, beside the demo accounts (directory/generator.py).
DIRECTORY_FICTIVE_ENTRIES = 300
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "atelier-dmp-grand-est"  # noqa: S105 - documented demo credential


@dataclass(frozen=True)
class DemoEstablishment:
    finess: str
    name: str
    city: str


@dataclass(frozen=True)
class DemoProfessional:
    rpps: str
    civility: str
    first_name: str
    last_name: str
    profession: str
    card_type: str
    card_number: str
    establishment: str  # FINESS
    practice_setting: str
    mode: str
    role: str
    specialty: str = ""
    email: str = ""
    mobile: str = ""
    mssante: str = ""

    @property
    def ecps(self) -> bool:
        """Enrolled with the documented secret: only if e-CPS can be activated (README, step 03)."""
        return User(email=self.email, mobile=self.mobile).can_activate_ecps


ESTABLISHMENTS = [
    DemoEstablishment(with_luhn_key("67099001"), "Centre hospitalier Sainte-Odile", "Strasbourg"),
    DemoEstablishment(with_luhn_key("54099002"), "Hôpital Saint-Nicolas", "Nancy"),
    DemoEstablishment(with_luhn_key("51099003"), "Centre hospitalier de la Vesle", "Reims"),
    DemoEstablishment(with_luhn_key("68099004"), "Maison de santé des Trois Frontières", "Saint-Louis"),
    DemoEstablishment(with_luhn_key("57099005"), "Cabinet de maïeutique du Pontiffroy", "Metz"),
]
_STRASBOURG, _NANCY, _REIMS, _SAINT_LOUIS, _METZ = (e.finess for e in ESTABLISHMENTS)

PROFESSIONALS = [
    DemoProfessional(
        rpps=with_luhn_key("1099000001"),
        civility=Civility.MME,
        first_name="Élise",
        last_name="Marchal",
        profession="21",
        card_type=CardType.CPS,
        card_number="2601000001",
        establishment=_STRASBOURG,
        practice_setting="ETABLISSEMENT",
        mode=PracticeMode.SALARIE,
        role="Pharmacien hospitalier",
        email="elise.marchal@ch-sainte-odile.test",
        mobile="06 00 00 00 01",
        mssante="elise.marchal@ch-sainte-odile.mssante.fr",
    ),
    DemoProfessional(
        rpps=with_luhn_key("1099000002"),
        civility=Civility.M,
        first_name="Julien",
        last_name="Kieffer",
        profession="38",
        card_type=CardType.CPS,
        card_number="2601000002",
        establishment=_STRASBOURG,
        practice_setting="ETABLISSEMENT",
        mode=PracticeMode.SALARIE,
        role="Préparateur en pharmacie hospitalière",
        email="julien.kieffer@ch-sainte-odile.test",
    ),
    DemoProfessional(
        rpps=with_luhn_key("1099000003"),
        civility=Civility.MME,
        first_name="Camille",
        last_name="Rothenbach",
        profession="21",
        card_type=CardType.CPF,
        card_number="2601000003",
        establishment=_NANCY,
        practice_setting="ETABLISSEMENT",
        mode=PracticeMode.SALARIE,
        role="Interne en pharmacie",
        mobile="06 00 00 00 03",
    ),
    DemoProfessional(
        rpps=with_luhn_key("1099000004"),
        civility=Civility.M,
        first_name="Antoine",
        last_name="Wendling",
        profession="10",
        specialty="Médecine générale",
        card_type=CardType.CPS,
        card_number="2601000004",
        establishment=_SAINT_LOUIS,
        practice_setting="AMBULATOIRE",
        mode=PracticeMode.LIBERAL,
        role="Médecin généraliste",
        email="a.wendling@msp-trois-frontieres.test",
        mobile="06 00 00 00 04",
        mssante="antoine.wendling@medecin.mssante.fr",
    ),
    DemoProfessional(
        rpps=with_luhn_key("1099000005"),
        civility=Civility.M,
        first_name="Thomas",
        last_name="Gerbaut",
        profession="60",
        card_type=CardType.CPS,
        card_number="2601000005",
        establishment=_REIMS,
        practice_setting="ETABLISSEMENT",
        mode=PracticeMode.SALARIE,
        role="Infirmier",  # neither email nor mobile in the directory: cannot activate e-CPS (step 03)
    ),
    DemoProfessional(
        rpps=with_luhn_key("1099000006"),
        civility=Civility.MME,
        first_name="Anaïs",
        last_name="Lorrain",
        profession="50",
        card_type=CardType.CPS,
        card_number="2601000006",
        establishment=_METZ,
        practice_setting="AMBULATOIRE",
        mode=PracticeMode.LIBERAL,
        role="Sage-femme",
        email="anais.lorrain@maieutique-metz.test",
        mobile="06 00 00 00 06",
    ),
]


_KIEFFER, _WENDLING = PROFESSIONALS[1].rpps, PROFESSIONALS[3].rpps

PATIENT_EMAIL_DOMAIN = "patients-demo.test"


@dataclass(frozen=True)
class DemoPatient:
    """A fictive patient; the INS matricule is built from the traits, so they always agree."""

    key: str  # stable handle for the relations below (stays, cards, representatives, blocks)
    sex: str
    birth_name: str
    birth_first_names: str  # in civil-status order; the first one is the "premier prénom"
    birth_date: date
    birth_place_cog: str  # department (2 characters, 2A/2B in Corsica) + commune (3)
    order: str  # the NIR's 3-digit birth order number
    rule: str  # what the patient exercises (README.md, seed_demo output)
    usual_name: str = ""
    identity_status: str = IdentityStatus.QUALIFIEE
    email_local_part: str = ""
    closed_on: date | None = None
    closing_reason: str = ""
    emergency_samu_allowed: bool = True
    emergency_others_allowed: bool = True

    @property
    def ins(self) -> str:
        """NIR layout: sex (1), year (2), month (2), birth place COG (5), order (3), key (2)."""
        sex_digit = "1" if self.sex == Sex.M else "2"
        return with_key(f"{sex_digit}{self.birth_date:%y%m}{self.birth_place_cog}{self.order}")

    @property
    def first_name(self) -> str:
        return self.birth_first_names.split()[0]

    @property
    def email(self) -> str:
        return f"{self.email_local_part}@{PATIENT_EMAIL_DOMAIN}" if self.email_local_part else ""

    @property
    def display_name(self) -> str:
        return Patient(
            sex=self.sex, birth_name=self.birth_name, usual_name=self.usual_name, first_name=self.first_name
        ).display_name


@dataclass(frozen=True)
class DemoVitaleCard:
    serial: str
    holder: str  # DemoPatient.key
    beneficiaries: tuple[str, ...] = ()
    in_reader: bool = True  # "inserted" in the virtual reader


@dataclass(frozen=True)
class DemoStay:
    patient: str  # DemoPatient.key
    establishment: str  # FINESS
    started_on: date


@dataclass(frozen=True)
class DemoBlock:
    patient: str  # DemoPatient.key
    professional: str  # RPPS
    blocked_at: datetime = datetime(2025, 3, 17, 9, 30, tzinfo=UTC)


# Born after 1976 in Corsica: older NIRs code the island as department 20, not 2A/2B.
PATIENTS = [
    DemoPatient(
        key="holtzinger",
        sex=Sex.M,
        birth_name="HOLTZINGER",
        birth_first_names="Marc Joseph André",
        birth_date=date(1958, 3, 12),
        birth_place_cog="67482",  # Strasbourg
        order="901",
        email_local_part="marc.holtzinger",
        rule="Dossier riche ; pris en charge au CH Sainte-Odile (équipe de soins d'Élise MARCHAL) ; "
        "médecin traitant DMP : Antoine WENDLING",
    ),
    DemoPatient(
        key="fischbach_aurelie",
        sex=Sex.F,
        birth_name="FISCHBACH",
        birth_first_names="Aurélie Marie",
        birth_date=date(1985, 6, 21),
        birth_place_cog="57463",  # Metz
        order="902",
        email_local_part="aurelie.fischbach",
        rule="Représentante légale de Nathan et Inès ; sa carte Vitale porte ses deux enfants ; "
        "médecin traitant DMP de la famille : Antoine WENDLING",
    ),
    DemoPatient(
        key="fischbach_nathan",
        sex=Sex.M,
        birth_name="FISCHBACH",
        birth_first_names="Nathan Paul",
        birth_date=date(2014, 9, 2),
        birth_place_cog="54395",  # Nancy
        order="903",
        email_local_part="famille.fischbach",
        rule="Mineur représenté par sa mère ; bénéficiaire de la carte Vitale de sa mère ; "
        "un document invisible aux représentants légaux",
    ),
    DemoPatient(
        key="fischbach_ines",
        sex=Sex.F,
        birth_name="FISCHBACH",
        birth_first_names="Inès Claire",
        birth_date=date(2018, 1, 27),
        birth_place_cog="54395",  # Nancy
        order="904",
        email_local_part="famille.fischbach",
        rule="Mineure (sœur de Nathan) représentée par sa mère ; bénéficiaire de la même carte ; "
        "carnet de vaccination",
    ),
    DemoPatient(
        key="riehl",
        sex=Sex.F,
        birth_name="RIEHL",
        birth_first_names="Martine Odile",
        birth_date=date(1962, 10, 15),
        birth_place_cog="68066",  # Colmar
        order="905",
        email_local_part="martine.riehl",
        rule="A bloqué Julien KIEFFER, pourtant de son équipe de soins au CH Sainte-Odile : "
        "le blocage l'emporte ; médecin traitant DMP : Antoine WENDLING (document masqué aux "
        "professionnels, document non visible par la patiente)",
    ),
    DemoPatient(
        key="schaller",
        sex=Sex.M,
        birth_name="SCHALLER",
        birth_first_names="Bernard Louis",
        birth_date=date(1949, 4, 8),
        birth_place_cog="68224",  # Mulhouse
        order="906",
        email_local_part="bernard.schaller",
        emergency_samu_allowed=False,
        emergency_others_allowed=False,
        rule="S'est opposé à l'accès en urgence (SAMU et autres professionnels) : bris de glace refusé",
    ),
    DemoPatient(
        key="gangloff",
        sex=Sex.F,
        birth_name="GANGLOFF",
        birth_first_names="Yvette Jeanne",
        birth_date=date(1937, 2, 19),
        birth_place_cog="67180",  # Haguenau
        order="907",
        identity_status=IdentityStatus.VALIDEE,
        email_local_part="yvette.gangloff",
        closed_on=date(2024, 5, 13),
        closing_reason="Fermeture à la demande de la patiente",
        rule="DMP fermé le 13/05/2024 à la demande de la patiente (conservé, peut être rouvert)",
    ),
    DemoPatient(
        key="muller_pierre_67",
        sex=Sex.M,
        birth_name="MULLER",
        birth_first_names="Pierre Henri",
        birth_date=date(1972, 7, 14),
        birth_place_cog="67482",  # Strasbourg
        order="908",
        email_local_part="pierre.muller.67",
        rule="Homonyme : Pierre MULLER né en 1972 dans le Bas-Rhin (carte Vitale hors du lecteur) ; "
        "pris en charge au CH Sainte-Odile (dispensation lisible par le préparateur Julien KIEFFER)",
    ),
    DemoPatient(
        key="muller_pierre_51",
        sex=Sex.M,
        birth_name="MULLER",
        birth_first_names="Pierre Étienne",
        birth_date=date(1980, 11, 30),
        birth_place_cog="51454",  # Reims
        order="909",
        email_local_part="pierre.muller.51",
        rule="Homonyme : Pierre MULLER né en 1980 dans la Marne ; pris en charge au CH de la Vesle "
        "(équipe de soins de Thomas GERBAUT)",
    ),
    DemoPatient(
        key="muller_marie",
        sex=Sex.F,
        birth_name="MULLER",
        birth_first_names="Marie Hélène",
        birth_date=date(1975, 4, 9),
        birth_place_cog="57463",  # Metz
        order="910",
        email_local_part="marie.muller",
        rule="Homonyme : Marie MULLER par son nom de naissance",
    ),
    DemoPatient(
        key="hoffmann_marie",
        sex=Sex.F,
        birth_name="HOFFMANN",
        usual_name="MULLER",
        birth_first_names="Marie Christine",
        birth_date=date(1977, 9, 23),
        birth_place_cog="57672",  # Thionville
        order="911",
        identity_status=IdentityStatus.RECUPEREE,
        email_local_part="marie.hoffmann",
        rule="Homonyme : Marie MULLER par son nom d'usage (née HOFFMANN)",
    ),
    DemoPatient(
        key="santoni",
        sex=Sex.M,
        birth_name="SANTONI",
        birth_first_names="Dominique Antoine",
        birth_date=date(1981, 8, 22),
        birth_place_cog="2A004",  # Ajaccio
        order="912",
        email_local_part="dominique.santoni",
        rule="Né en Corse-du-Sud : matricule INS en 2A (Ajaccio, 2A004)",
    ),
    DemoPatient(
        key="orsoni",
        sex=Sex.F,
        birth_name="ORSONI",
        birth_first_names="Laetitia Maria",
        birth_date=date(1991, 12, 3),
        birth_place_cog="2B033",  # Bastia
        order="913",
        email_local_part="laetitia.orsoni",
        rule="Née en Haute-Corse : matricule INS en 2B (Bastia, 2B033)",
    ),
    DemoPatient(
        key="brunner",
        sex=Sex.M,
        birth_name="BRUNNER",
        birth_first_names="Noah Lucas",
        birth_date=date(2001, 5, 17),
        birth_place_cog="88160",  # Épinal
        order="914",
        identity_status=IdentityStatus.PROVISOIRE,
        email_local_part="noah.brunner",
        rule="Identité provisoire : l'identité n'est pas encore vérifiée",
    ),
]
# The record with the slides' eleven documents (workshop/demo_documents.py, RICH_DOCUMENTS).
RICH_RECORD = PATIENTS[0]

# Birthplaces of the homonyms below (COG): prefectures and large towns of the Grand Est.
_HOMONYM_BIRTHPLACES = [
    "67482",
    "57463",
    "54395",
    "51454",
    "68224",
    "68066",
    "88160",
    "10387",
    "08105",
    "52121",
]
HOMONYM_COUNT = 25


def _homonym(day: int) -> DemoPatient:
    return DemoPatient(
        key=f"martin_marie_{day:02d}",
        sex=Sex.F,
        birth_name="MARTIN",
        birth_first_names="Marie",
        birth_date=date(1980, 1, day),
        birth_place_cog=_HOMONYM_BIRTHPLACES[day % len(_HOMONYM_BIRTHPLACES)],
        order=f"{914 + day}",
        email_local_part=f"marie.martin.{day:02d}",
        rule=f"Homonyme : une des {HOMONYM_COUNT} Marie MARTIN nées en janvier 1980",
    )


# More MARTIN MARIE than the search lists (patients/search.py, MAX_RESULTS): the search shows
# "Plus de 20 patients… précisez votre recherche", and their exact birth date finds each one.
HOMONYMS = [_homonym(day) for day in range(1, HOMONYM_COUNT + 1)]
# Every patient seed_demo writes (and `seed_demo --reset` wipes).
ALL_PATIENTS = [*PATIENTS, *HOMONYMS]

VITALE_CARDS = [
    DemoVitaleCard("900000000001", "holtzinger"),
    DemoVitaleCard("900000000002", "fischbach_aurelie", beneficiaries=("fischbach_nathan", "fischbach_ines")),
    DemoVitaleCard("900000000003", "riehl"),
    DemoVitaleCard("900000000004", "schaller"),
    DemoVitaleCard("900000000005", "gangloff"),
    DemoVitaleCard("900000000006", "muller_pierre_67", in_reader=False),
    DemoVitaleCard("900000000007", "santoni", in_reader=False),
]
STAYS = [
    DemoStay("holtzinger", _STRASBOURG, date(2024, 11, 4)),
    DemoStay("riehl", _STRASBOURG, date(2024, 12, 9)),
    DemoStay("muller_pierre_51", _REIMS, date(2024, 10, 21)),
    DemoStay("muller_pierre_67", _STRASBOURG, date(2025, 11, 3)),
]
# Médecin traitant DMP (RPPS). Antoine WENDLING also follows Martine RIEHL and the FISCHBACH family,
# so that he can write their documents (workshop/demo_documents.py) and read the masked one.
ATTENDING_PHYSICIANS = {
    "holtzinger": (_WENDLING,),
    "riehl": (_WENDLING,),
    "fischbach_aurelie": (_WENDLING,),
    "fischbach_nathan": (_WENDLING,),
    "fischbach_ines": (_WENDLING,),
}
LEGAL_REPRESENTATIVES = {"fischbach_nathan": ("fischbach_aurelie",), "fischbach_ines": ("fischbach_aurelie",)}
BLOCKS = [DemoBlock("riehl", _KIEFFER)]


def ecps_key(seed: str) -> str:
    """A documented TOTP secret (hex, 20 bytes) derived from an account's identifier."""
    return hashlib.sha256(f"dmp-portal-demo-ecps:{seed}".encode()).hexdigest()[:40]


def ecps_secret_base32(seed: str) -> str:
    return b32encode(bytes.fromhex(ecps_key(seed))).decode()


@dataclass(frozen=True)
class DemoLogin:
    name: str
    profession: str
    rpps: str
    card: str
    pin: str
    ecps_secret: str


def seed_demo(*, reset: bool = False) -> list[DemoLogin]:
    """Create or refresh the demo accounts, patients and documents; the same call always yields
    the same state.

    Without `reset`, only what the dataset defines is written (update_or_create by username, card
    number, INS, serial; documents and vaccinations added when missing): what the trainees did
    (declarations, accesses, documents) stays. With `reset`, see `_reset_demo()`.

    Accounts and patients are one transaction; the documents follow it, each in its own
    (workshop/demo_documents.py: a stored file must not outlive a rolled-back row).
    """
    from workshop.demo_documents import seed_documents  # it imports this module's dataset
    from workshop.demo_mailboxes import seed_mailboxes  # it imports this module's dataset

    logins = _seed_accounts_and_patients(reset=reset)
    seed_mailboxes()
    seed_documents()
    return logins


@transaction.atomic
def _seed_accounts_and_patients(*, reset: bool) -> list[DemoLogin]:
    if reset:
        _reset_demo()
    for item in ESTABLISHMENTS:
        Establishment.objects.update_or_create(
            finess=item.finess, defaults={"name": item.name, "city": item.city}
        )
    logins = [seed_professional(item) for item in PROFESSIONALS]
    logins.append(_seed_admin())
    fictive_entries_ensure(DIRECTORY_FICTIVE_ENTRIES)
    seed_patients()
    return logins


def ensure_dataset_professionals() -> None:
    """The dataset's establishments and professionals, whom the sandboxes' copies name (authors,
    médecin traitant, the blocked préparateur). Missing ones (a portal where seed_demo never ran)
    are created inactive, without card or e-CPS: their demo secrets are published in the README."""
    for item in ESTABLISHMENTS:
        Establishment.objects.get_or_create(
            finess=item.finess, defaults={"name": item.name, "city": item.city}
        )
    known = set(
        User.objects.filter(rpps__in=[item.rpps for item in PROFESSIONALS]).values_list("rpps", flat=True)
    )
    missing = [item.rpps for item in PROFESSIONALS if item.rpps not in known]
    for item in PROFESSIONALS:
        if item.rpps in missing:
            seed_professional(item)
    User.objects.filter(rpps__in=missing).update(is_active=False)
    CPSCard.objects.filter(user__rpps__in=missing).delete()
    TOTPDevice.objects.filter(user__rpps__in=missing).delete()


def _reset_demo() -> None:
    """Put the shared demo patients' access rules back to the dataset, without adding a trace.

    Trainees no longer work on the shared demo patients but in their own sandboxes, which
    `seed_demo --reset` resets (workshop/demo_workshop.py). Traces are never deleted (the access
    history is append-only, DESIGN.md §4) and PROTECT the patients and accounts they name. So reset:
    - deletes the declarations, record accesses, blocks, care stays and Vitale cards of the shared
      demo patients: `seed_demo` then recreates the dataset's own (none of these writes a trace);
    - leaves their documents and vaccinations alone: deleting and adding them again would pile
      one "a ajouté le document" trace per document on every reset (seed_documents adds only
      what is missing);
    - deletes the demo patients and demo accounts that no trace (and no declaration) names; the
      others are kept and refreshed in place by `seed_demo` (same INS, same username), so their
      history stays attached to them. A kept demo account that the dataset does not define is
      deactivated instead of deleted; workshop accounts (trainees, trainers) are left alone.
    """
    patients = Patient.objects.filter(ins__in=[item.ins for item in ALL_PATIENTS], sandbox__isnull=True)
    Authorization.objects.filter(patient__in=patients).delete()
    RecordAccess.objects.filter(patient__in=patients).delete()
    Block.objects.filter(patient__in=patients).delete()
    CareStay.objects.filter(patient__in=patients).delete()
    VitaleCard.objects.filter(
        Q(holder__in=patients) | Q(serial__in=[card.serial for card in VITALE_CARDS])
    ).delete()
    # actor/patient are nullable: exclude NULLs, or "NOT IN (…, NULL)" would match nothing.
    traced_patients = Trace.objects.filter(patient__isnull=False).values("patient")
    patients.exclude(pk__in=traced_patients).delete()

    # Documents and vaccinations of other patients PROTECT their authors too (they are traced,
    # so this is belt and braces).
    kept_users = (
        Q(pk__in=Trace.objects.filter(actor__isnull=False).values("actor"))
        | Q(pk__in=Authorization.objects.values("professional"))
        | Q(pk__in=Document.objects.filter(author__isnull=False).values("author"))
        | Q(pk__in=Document.objects.filter(added_by__isnull=False).values("added_by"))
        | Q(pk__in=Vaccination.objects.values("recorded_by"))
        # A mailbox and the messages written keep their professional (PROTECT).
        | Q(pk__in=Mailbox.objects.filter(owner__isnull=False).values("owner"))
        | Q(pk__in=Message.objects.filter(author__isnull=False).values("author"))
    )
    # Workshop accounts (trainees of a running session, the demo trainer) are the workshop's
    # business (workshop/demo_workshop.py): never deleted nor deactivated here.
    demo_users = (
        User.objects.filter(is_demo=True)
        .exclude(trainee__isnull=False)
        .exclude(workshop_sessions__isnull=False)
    )
    demo_users.exclude(kept_users).delete()
    demo_users.filter(kept_users).update(is_active=False)  # seed_demo reactivates its own accounts


def seed_professional(item: DemoProfessional) -> DemoLogin:
    user, _ = User.objects.update_or_create(
        username=f"8{item.rpps}",
        defaults={
            "rpps": item.rpps,
            "civility": item.civility,
            "first_name": item.first_name,
            "last_name": item.last_name,
            "profession": Profession.objects.get(code=item.profession),
            "specialty": item.specialty,
            "card_type": item.card_type,
            "email": item.email,
            "mobile": item.mobile,
            "mssante_address": item.mssante,
            "is_demo": True,
            "is_active": True,
            "ecps_suspended_at": None,
        },
    )
    ecps_counters_reset(user)
    user.set_unusable_password()
    setting = PracticeSetting.objects.get(code=item.practice_setting)
    practice, _ = Practice.objects.update_or_create(
        professional=user,
        establishment=Establishment.objects.get(finess=item.establishment),
        defaults={"practice_setting": setting, "mode": item.mode, "role": item.role},
    )
    user.default_practice = practice
    user.default_practice_setting = setting
    user.save()
    entry_professional_sync(professional=user)

    card, _ = CPSCard.objects.update_or_create(
        number=item.card_number,
        defaults={"user": user, "name": f"Carte {item.card_type}", "confirmed": True},
    )
    if not card.pin_hash or not check_password(DEMO_PIN, card.pin_hash):
        card.set_pin(DEMO_PIN)
        card.save(update_fields=["pin_hash"])
    card.unblock()

    secret = ""
    if item.ecps:
        _seed_totp(user, seed=item.rpps)
        secret = ecps_secret_base32(item.rpps)
    else:
        TOTPDevice.objects.filter(user=user).delete()
    return DemoLogin(
        name=f"{user.get_civility_display()} {item.first_name} {item.last_name.upper()}",
        profession=_profession_label(item, user),
        rpps=item.rpps,
        card=item.card_number,
        pin=DEMO_PIN,
        ecps_secret=secret or "— (pas d'e-mail ni de mobile : e-CPS impossible)",
    )


def _profession_label(item: DemoProfessional, user: User) -> str:
    if item.specialty:
        return f"{user.profession.label} ({item.specialty.lower()})"
    if item.card_type == CardType.CPF:
        return f"{user.profession.label} (interne, carte CPF)"
    return user.profession.label


def _seed_totp(user: User, *, seed: str) -> None:
    TOTPDevice.objects.filter(user=user).exclude(key=ecps_key(seed)).delete()
    TOTPDevice.objects.update_or_create(
        user=user,
        key=ecps_key(seed),
        defaults={
            "name": "e-CPS",
            "confirmed": True,
            "throttling_failure_count": 0,
            "throttling_failure_timestamp": None,
        },
    )


def _seed_admin() -> DemoLogin:
    admin, _ = User.objects.update_or_create(
        username=ADMIN_USERNAME,
        defaults={
            "first_name": "Administrateur",
            "last_name": "Portail",
            "email": "admin@dmp-portal.test",
            "is_staff": True,
            "is_superuser": True,
            "is_demo": True,
            "is_active": True,
        },
    )
    if not admin.check_password(ADMIN_PASSWORD):
        admin.set_password(ADMIN_PASSWORD)
        admin.save(update_fields=["password"])
    _seed_totp(admin, seed=ADMIN_USERNAME)
    return DemoLogin(
        name="Administrateur du portail",
        profession=f"Administrateur (identifiant {ADMIN_USERNAME}, mot de passe {ADMIN_PASSWORD})",
        rpps="—",
        card="—",
        pin="—",
        ecps_secret=ecps_secret_base32(ADMIN_USERNAME),
    )


def seed_patients(sandbox: Sandbox | None = None) -> dict[str, Patient]:
    """Create or refresh the dataset's patients in one scope: the portal's own (no sandbox), or a
    workshop sandbox's private copies (workshop/services.py). Returns them by DemoPatient.key.

    The professionals (attending physicians, the blocked one) are the portal's demo accounts,
    whatever the scope: the copies behave exactly like the originals.
    """
    by_key = {item.key: _seed_patient(item, sandbox) for item in ALL_PATIENTS}
    professionals = {
        user.rpps: user for user in User.objects.filter(rpps__in=[p.rpps for p in PROFESSIONALS])
    }
    for item in ALL_PATIENTS:
        patient = by_key[item.key]
        patient.dmp_attending_physicians.set(
            [professionals[rpps] for rpps in ATTENDING_PHYSICIANS.get(item.key, ())]
        )
        patient.legal_representatives.set([by_key[key] for key in LEGAL_REPRESENTATIVES.get(item.key, ())])
    establishments = {
        item.finess: item
        for item in Establishment.objects.filter(finess__in=[e.finess for e in ESTABLISHMENTS])
    }
    for stay in STAYS:
        CareStay.objects.update_or_create(
            patient=by_key[stay.patient],
            establishment=establishments[stay.establishment],
            started_on=stay.started_on,
            defaults={"ended_on": None},
        )
    for block in BLOCKS:
        Block.objects.update_or_create(
            patient=by_key[block.patient],
            professional=professionals[block.professional],
            defaults={"blocked_at": block.blocked_at},
        )
    for item in VITALE_CARDS:
        card, _ = VitaleCard.objects.update_or_create(
            serial=vitale_serial(item.serial, sandbox),
            defaults={"holder": by_key[item.holder], "in_reader": item.in_reader},
        )
        vitale_card_set_beneficiaries(card=card, beneficiaries=[by_key[key] for key in item.beneficiaries])
    return by_key


def vitale_serial(serial: str, sandbox: Sandbox | None) -> str:
    """The dataset's serial in the portal; in a sandbox, "7" + the sandbox number + the dataset
    card's last three digits (12 characters, unique across sandboxes, never a portal serial)."""
    if sandbox is None:
        return serial
    return f"7{sandbox.pk:08d}{serial[-3:]}"


def _seed_patient(item: DemoPatient, sandbox: Sandbox | None) -> Patient:
    """Create or refresh one patient by INS in its scope, through patient_save (validation, search keys)."""
    patient = Patient.objects.filter(ins=item.ins, sandbox=sandbox).first() or Patient(
        ins=item.ins, sandbox=sandbox
    )
    patient.identity_status = item.identity_status
    patient.birth_name = item.birth_name
    patient.usual_name = item.usual_name
    patient.birth_first_names = item.birth_first_names
    patient.first_name = item.first_name
    patient.sex = item.sex
    patient.birth_date = item.birth_date
    patient.birth_place_cog = item.birth_place_cog
    patient.email = item.email
    patient.dmp_status = DMPStatus.CLOSED if item.closed_on else DMPStatus.ACTIVE
    patient.closed_on = item.closed_on
    patient.closing_reason = item.closing_reason
    patient.emergency_samu_allowed = item.emergency_samu_allowed
    patient.emergency_others_allowed = item.emergency_others_allowed
    patient.emergency_masked_allowed = False
    return patient_save(patient=patient)
