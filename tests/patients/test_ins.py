"""The INS matricule: shape, key = 97 - (13 first digits mod 97), Corsica 2A/2B."""

import pytest
from django.core.exceptions import ValidationError

from patients.ins import ins_key, normalize_ins, validate_ins, with_key


def test_a_published_example_has_the_expected_key():
    # "2 55 08 14 168 025 38", the classic example of the NIR's key
    assert ins_key("2550814168025") == 38
    validate_ins("2 55 08 14 168 025 38")


@pytest.mark.parametrize(("department", "offset"), [("2A", 1_000_000), ("2B", 2_000_000)])
def test_corsica_counts_as_19_and_18(department, offset):
    first13 = f"18512{department}004005"
    # The other official wording of the rule: 2A/2B read as 20, minus 1,000,000 / 2,000,000.
    as_number = int(first13.replace(department, "20")) - offset

    assert ins_key(first13) == 97 - as_number % 97
    validate_ins(with_key(first13))


def test_2a_and_2b_give_different_keys():
    assert ins_key("185122A004005") != ins_key("185122B004005")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("255081416802539", "ins_key"),  # key off by one
        ("185122A00400500", "ins_key"),
        ("25508141680253", "ins_shape"),  # 14 characters
        ("2550814168025388", "ins_shape"),  # 16 characters
        ("255081416802X38", "ins_shape"),
        ("185122C00400512", "ins_shape"),  # only 2A and 2B are letters
        ("", "ins_shape"),
    ],
)
def test_a_wrong_matricule_is_refused_with_a_french_message(value, code):
    with pytest.raises(ValidationError) as error:
        validate_ins(value)

    assert error.value.code == code
    assert "matricule INS" in error.value.message


def test_spaces_dots_and_case_do_not_matter():
    assert normalize_ins(" 1 85 12 2a.004 005 ") == "185122A004005"


@pytest.mark.django_db
def test_a_corsican_ins_typed_in_lower_case_is_stored_upper_case_and_found():
    from patients.search import find_by_ins
    from tests.factories import PatientFactory

    ins = with_key("185122A004005")
    patient = PatientFactory(ins=ins.replace("A", "a"))

    assert patient.ins == ins
    assert find_by_ins(ins.replace("A", "a")) == patient
