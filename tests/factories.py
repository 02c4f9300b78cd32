"""Factories for every model the tests need (Faker fr_FR: French names, cities, phones)."""

import datetime

import factory
from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory.django import DjangoModelFactory

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
from patients.ins import with_key
from patients.models import CareStay, IdentityStatus, Patient, Sex, VitaleCard
from patients.services import patient_save
from workshop.demo import luhn_key

factory.Faker._DEFAULT_LOCALE = "fr_FR"

DEFAULT_PIN = "4321"


def _rpps(n: int) -> str:
    digits = f"1{n:09d}"
    return digits + luhn_key(digits)


class EstablishmentFactory(DjangoModelFactory):
    class Meta:
        model = Establishment

    finess = factory.Sequence(lambda n: f"67{n:06d}" + luhn_key(f"67{n:06d}"))
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
