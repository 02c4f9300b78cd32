"""The professional's identity: the database refuses what the Annuaire santé would not hold."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from accounts.models import Profession, User
from tests.factories import ProfessionalFactory


@pytest.mark.django_db
def test_the_national_id_is_8_followed_by_the_rpps():
    user = ProfessionalFactory(rpps="10000000009")

    assert user.national_id == "810000000009"


@pytest.mark.django_db
@pytest.mark.parametrize("rpps", ["1234567890", "123456789012", "1234567890a"])
def test_the_database_refuses_an_rpps_that_is_not_11_digits(rpps):
    # PostgreSQL refuses a 12-character value for a varchar(11) before checking constraints.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        ProfessionalFactory(rpps=rpps)


@pytest.mark.django_db
def test_a_professional_needs_a_profession_and_a_card_type():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="x", rpps="10000000009", card_type="CPS")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="y", rpps="10000000017", profession_id="21")


@pytest.mark.django_db
def test_an_administrator_has_no_rpps_profession_or_card():
    admin = User.objects.create(username="admin-x")

    assert not admin.is_professional
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="admin-y", profession_id="21")


@pytest.mark.django_db
def test_only_physicians_have_a_specialty():
    ProfessionalFactory(profession_id="10", specialty="Médecine générale")

    with pytest.raises(IntegrityError), transaction.atomic():
        ProfessionalFactory(profession_id="21", specialty="Médecine générale")


@pytest.mark.django_db
def test_rpps_is_unique():
    ProfessionalFactory(rpps="10000000009")

    with pytest.raises(IntegrityError), transaction.atomic():
        ProfessionalFactory(rpps="10000000009", username="other")


@pytest.mark.django_db
def test_full_clean_explains_a_bad_rpps_in_french():
    user = ProfessionalFactory.build(rpps="12")

    with pytest.raises(ValidationError) as error:
        user.full_clean()

    assert "Le numéro RPPS compte exactement 11 chiffres." in str(error.value)


@pytest.mark.django_db
def test_the_profession_list_is_the_tre_g15_with_the_pharmacy_technicians():
    assert Profession.objects.count() == 30
    assert Profession.objects.get(code="38").label == "Préparateur en pharmacie hospitalière"
    assert Profession.objects.get(code="39").label == "Préparateur en pharmacie (officine)"
    assert Profession.objects.get(code="21").label == "Pharmacien"
