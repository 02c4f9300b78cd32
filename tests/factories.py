"""Factories for every model the tests need (Faker fr_FR: French names, cities, phones)."""

import datetime
import hashlib

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory.django import DjangoModelFactory

from accounts.models import (
    CardType,
    Civility,
    CPSCard,
    Establishment,
    LoginMethod,
    OpenSession,
    Practice,
    PracticeMode,
    PracticeSetting,
    Profession,
    User,
)
from directory.models import DirectoryEntry, DirectoryPractice
from documents.models import (
    PATIENT_INFORMED_AFTER,
    PATIENT_VISIBLE_AFTER_MONTHS,
    Document,
    DocumentSource,
    DocumentType,
    DoseType,
    HabilitationRule,
    Vaccination,
    add_months,
)
from patients.ins import with_key
from patients.models import (
    Authorization,
    AuthorizationKind,
    CareStay,
    IdentityStatus,
    Patient,
    Sex,
    VitaleCard,
)
from patients.normalize import search_key
from patients.services import patient_save
from workshop.demo import with_luhn_key

factory.Faker._DEFAULT_LOCALE = "fr_FR"

DEFAULT_PIN = "4321"


def _rpps(n: int) -> str:
    return with_luhn_key(f"1{n:09d}")


class EstablishmentFactory(DjangoModelFactory):
    class Meta:
        model = Establishment

    finess = factory.Sequence(lambda n: with_luhn_key(f"67{n:06d}"))
    name = factory.Faker("company")
    city = factory.Faker("city")


class ProfessionalFactory(DjangoModelFactory):
    """A professional of the directory: pharmacist with a CPS card by default."""

    class Meta:
        model = User
        django_get_or_create = ["username"]

    rpps = factory.Sequence(_rpps)
    username = factory.LazyAttribute(lambda o: f"8{o.rpps}")
    civility = Civility.MME
    first_name = factory.Faker("first_name_female")
    last_name = factory.Faker("last_name")
    profession = factory.LazyFunction(lambda: Profession.objects.get(code="21"))
    card_type = CardType.CPS
    email = factory.LazyAttribute(lambda o: f"{o.username}@exemple.test")
    mobile = factory.Faker("phone_number")
    password = "!unusable"  # professionals log in with a card or e-CPS, never a password

    class Params:
        no_contacts = factory.Trait(email="", mobile="")


class AdministratorFactory(DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"admin{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    is_staff = True
    is_superuser = True
    password = factory.LazyFunction(lambda: make_password("mot-de-passe-administrateur"))


class PracticeFactory(DjangoModelFactory):
    class Meta:
        model = Practice

    professional = factory.SubFactory(ProfessionalFactory)
    establishment = factory.SubFactory(EstablishmentFactory)
    practice_setting = factory.LazyFunction(lambda: PracticeSetting.objects.get(code="ETABLISSEMENT"))
    mode = PracticeMode.SALARIE
    role = "Pharmacien hospitalier"


class CPSCardFactory(DjangoModelFactory):
    class Meta:
        model = CPSCard

    user = factory.SubFactory(ProfessionalFactory)
    name = "Carte CPS"
    number = factory.Sequence(lambda n: f"{2700000000 + n}")
    confirmed = True
    pin_hash = factory.LazyFunction(lambda: make_password(DEFAULT_PIN))


class OpenSessionFactory(DjangoModelFactory):
    """A session row of "Mes sessions" (the session itself need not exist)."""

    class Meta:
        model = OpenSession

    user = factory.SubFactory(ProfessionalFactory)
    key_hash = factory.Sequence(lambda n: f"{n:064x}")
    method = LoginMethod.CARD
    created_at = factory.LazyFunction(timezone.now)
    last_seen_at = factory.LazyFunction(timezone.now)


class TOTPDeviceFactory(DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(ProfessionalFactory)
    name = "e-CPS"
    confirmed = True


class PatientFactory(DjangoModelFactory):
    """A patient with an open DMP and a valid INS (key computed from the traits)."""

    class Meta:
        model = Patient

    sex = Sex.M
    birth_name = factory.Faker("last_name")
    first_name = factory.Faker("first_name_male")
    birth_first_names = factory.LazyAttribute(lambda o: o.first_name)
    birth_date = factory.Faker("date_of_birth", minimum_age=20, maximum_age=90)
    birth_place_cog = "67482"
    identity_status = IdentityStatus.QUALIFIEE
    ins = factory.Sequence(lambda n: with_key(f"1{80 + n % 20:02d}0167{n % 1000:03d}{n // 1000 % 1000:03d}"))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return patient_save(patient=model_class(*args, **kwargs))


class CareStayFactory(DjangoModelFactory):
    class Meta:
        model = CareStay

    patient = factory.SubFactory(PatientFactory)
    establishment = factory.SubFactory(EstablishmentFactory)
    started_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=3))


class VitaleCardFactory(DjangoModelFactory):
    class Meta:
        model = VitaleCard

    serial = factory.Sequence(lambda n: f"{n:012d}")
    holder = factory.SubFactory(PatientFactory)
    in_reader = True


# --- documents ---------------------------------------------------------------------------------


class PhysicianFactory(ProfessionalFactory):
    """A physician (profession 10): reads every document type in the default matrix."""

    civility = Civility.M
    first_name = factory.Faker("first_name_male")
    profession = factory.LazyFunction(lambda: Profession.objects.get(code="10"))


class AuthorizationFactory(DjangoModelFactory):
    """The professional declared the patient's consent just now (emergency with `emergency=True`)."""

    class Meta:
        model = Authorization

    patient = factory.SubFactory(PatientFactory)
    professional = factory.SubFactory(ProfessionalFactory)
    kind = AuthorizationKind.CONSENT
    declared_at = factory.LazyFunction(timezone.now)

    class Params:
        emergency = factory.Trait(
            kind=AuthorizationKind.EMERGENCY,
            reason="Patient inconscient aux urgences",
            expires_at=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(hours=24)),
        )


class DocumentTypeFactory(DjangoModelFactory):
    """An existing reference type (loaded by the migrations), by its code (codes are unique across
    the code systems): "CR ou fiche de consultation ou de visite" by default."""

    class Meta:
        model = DocumentType

    code = "11488-4"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.get(code=kwargs["code"])


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class DocumentFactory(DjangoModelFactory):
    """A free-text document written by a physician, normal confidentiality, active."""

    class Meta:
        model = Document

    patient = factory.SubFactory(PatientFactory)
    document_type = factory.SubFactory(DocumentTypeFactory)
    title = factory.Sequence(lambda n: f"Compte rendu de consultation n° {n}")
    document_date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=10))
    source = DocumentSource.PROFESSIONAL
    author = factory.SubFactory(PhysicianFactory)
    author_label = factory.LazyAttribute(lambda o: o.author.display_name if o.author else "Assurance Maladie")
    author_profession_label = factory.LazyAttribute(lambda o: o.author.profession.label if o.author else "")
    added_by = factory.SelfAttribute("author")
    text = factory.Sequence(lambda n: f"Texte libre du document {n}.")
    mime_type = "text/plain"
    size = factory.LazyAttribute(lambda o: len(o.text.encode()))
    sha256 = factory.LazyAttribute(lambda o: _sha256(o.text))

    class Params:
        # Assurance Maladie's feed: no professional author.
        from_health_insurance = factory.Trait(
            source=DocumentSource.HEALTH_INSURANCE, author=None, author_label="Assurance Maladie"
        )
        # Deposited by the patient in Mon espace santé: no professional author.
        from_patient = factory.Trait(
            source=DocumentSource.PATIENT,
            author=None,
            author_label=factory.LazyAttribute(lambda o: o.patient.display_name),
            document_type=factory.SubFactory(DocumentTypeFactory, code="DOCPAT03"),
        )
        # INVISIBLE_PATIENT set today: told in two weeks, visible in a month.
        announcement = factory.Trait(
            hidden_from_patient=True,
            patient_informed_on=factory.LazyFunction(lambda: timezone.localdate() + PATIENT_INFORMED_AFTER),
            visible_to_patient_on=factory.LazyFunction(
                lambda: add_months(timezone.localdate(), PATIENT_VISIBLE_AFTER_MONTHS)
            ),
        )


class HabilitationRuleFactory(DjangoModelFactory):
    """A matrix cell. The default matrix already has a profession-wide row for every profession and
    shown type: use it for specialty rules, or `set_habilitation` to change an existing cell."""

    class Meta:
        model = HabilitationRule

    profession = factory.LazyFunction(lambda: Profession.objects.get(code="10"))
    specialty = ""
    document_type = factory.SubFactory(DocumentTypeFactory)
    may_read = True


def set_habilitation(
    profession_code: str, document_type: DocumentType, *, may_read: bool, specialty: str = ""
):
    """Set one cell of the matrix, whether the default matrix has it or not."""
    rule, _ = HabilitationRule.objects.update_or_create(
        profession_id=profession_code,
        specialty=specialty,
        document_type=document_type,
        defaults={"may_read": may_read},
    )
    return rule


class VaccinationFactory(DjangoModelFactory):
    class Meta:
        model = Vaccination

    patient = factory.SubFactory(PatientFactory)
    vaccine = "Boostrix Tetra (diphtérie, tétanos, coqueluche, poliomyélite)"
    vaccinated_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))
    lot_number = factory.Sequence(lambda n: f"LOT{n:05d}")
    dose_type = DoseType.BOOSTER
    recorded_by = factory.SubFactory(PhysicianFactory)
    recorded_by_label = factory.LazyAttribute(lambda o: o.recorded_by.display_name)


class DirectoryEntryFactory(DjangoModelFactory):
    """An Annuaire santé entry (not a portal account): a nurse with an email, no situation."""

    class Meta:
        model = DirectoryEntry

    rpps = factory.Sequence(lambda n: with_luhn_key(f"3{n:09d}"))
    civility = Civility.MME
    first_name = factory.Faker("first_name_female")
    last_name = factory.Faker("last_name")
    name_key = factory.LazyAttribute(lambda o: search_key(f"{o.last_name} {o.first_name}"))
    profession = factory.LazyFunction(lambda: Profession.objects.get(code="60"))
    has_email = True


class DirectoryPracticeFactory(DjangoModelFactory):
    class Meta:
        model = DirectoryPractice

    entry = factory.SubFactory(DirectoryEntryFactory)
    structure_name = "Centre hospitalier de Colmar"
    city = "Colmar"
    mode = PracticeMode.SALARIE
    structure_key = factory.LazyAttribute(lambda o: search_key(o.structure_name))
    city_key = factory.LazyAttribute(lambda o: search_key(o.city))
    name_key = factory.LazyAttribute(lambda o: o.entry.name_key)
