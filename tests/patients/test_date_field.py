"""The portal's one date field: JJ/MM/AAAA, between 1900 and 9999, French messages."""

import datetime

import pytest
from django import forms

from patients.forms import FrenchDateField


class _Form(forms.Form):
    day = FrenchDateField(label="Date")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2024-01-30", "Saisissez une date au format JJ/MM/AAAA."),
        ("31/02/2024", "Saisissez une date au format JJ/MM/AAAA."),
        ("01/01/0001", "Saisissez une date entre 1900 et 9999."),
        ("", "Ce champ est obligatoire."),
    ],
)
def test_a_bad_date_is_refused_in_french(typed, message):
    form = _Form({"day": typed})

    assert not form.is_valid()
    assert form.errors["day"] == [message]


def test_a_french_date_is_read():
    form = _Form({"day": "30/01/2024"})

    assert form.is_valid()
    assert form.cleaned_data["day"] == datetime.date(2024, 1, 30)
