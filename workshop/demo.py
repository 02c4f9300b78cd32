"""The workshop's demo dataset: fictive professionals and establishments of the Grand Est region.

Every identity here is invented. Numbers are fictive but well-formed (RPPS and FINESS carry a
Luhn key), and the e-CPS secrets are derived from the RPPS so that README.md can document them.
Later issues add patients and documents here.
"""

import hashlib
from base64 import b32encode
from dataclasses import dataclass

from django.contrib.auth.hashers import check_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

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

DEMO_PIN = "1234"
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "atelier-dmp-grand-est"  # noqa: S105 - documented demo credential


def luhn_key(digits: str) -> str:
    """The Luhn check digit to append to `digits` (as in RPPS and FINESS numbers)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def _with_key(digits: str) -> str:
    return digits + luhn_key(digits)


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
    ecps: bool = True  # enrolled with the documented secret


ESTABLISHMENTS = [
    DemoEstablishment(_with_key("67099001"), "Centre hospitalier Sainte-Odile", "Strasbourg"),
    DemoEstablishment(_with_key("54099002"), "Hôpital Saint-Nicolas", "Nancy"),
    DemoEstablishment(_with_key("51099003"), "Centre hospitalier de la Vesle", "Reims"),
    DemoEstablishment(_with_key("68099004"), "Maison de santé des Trois Frontières", "Saint-Louis"),
    DemoEstablishment(_with_key("57099005"), "Cabinet de maïeutique du Pontiffroy", "Metz"),
]
_STRASBOURG, _NANCY, _REIMS, _SAINT_LOUIS, _METZ = (e.finess for e in ESTABLISHMENTS)

PROFESSIONALS = [
    DemoProfessional(
        rpps=_with_key("1099000001"),
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
        rpps=_with_key("1099000002"),
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
        rpps=_with_key("1099000003"),
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
        rpps=_with_key("1099000004"),
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
        rpps=_with_key("1099000005"),
        civility=Civility.M,
        first_name="Thomas",
        last_name="Gerbaut",
        profession="60",
        card_type=CardType.CPS,
        card_number="2601000005",
        establishment=_REIMS,
        practice_setting="ETABLISSEMENT",
        mode=PracticeMode.SALARIE,
        role="Infirmier",
        ecps=False,  # neither email nor mobile in the directory: cannot activate e-CPS (step 03)
    ),
    DemoProfessional(
        rpps=_with_key("1099000006"),
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


@transaction.atomic
def seed_demo(*, reset: bool = False) -> list[DemoLogin]:
    """Create or refresh the demo accounts; the same call always yields the same state."""
    if reset:
        User.objects.filter(is_demo=True).delete()
    for item in ESTABLISHMENTS:
        Establishment.objects.update_or_create(
            finess=item.finess, defaults={"name": item.name, "city": item.city}
        )
    logins = [_seed_professional(item) for item in PROFESSIONALS]
    logins.append(_seed_admin())
    return logins


def _seed_professional(item: DemoProfessional) -> DemoLogin:
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
        },
    )
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

    card, _ = CPSCard.objects.update_or_create(
        number=item.card_number,
        defaults={"user": user, "name": f"Carte {item.card_type}", "confirmed": True},
    )
    if not card.pin_hash or not check_password(DEMO_PIN, card.pin_hash):
        card.set_pin(DEMO_PIN)
    card.failed_pin_attempts, card.blocked_at = 0, None
    card.save()

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
