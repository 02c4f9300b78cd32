"""The Annuaire santé's search form: criteria in, normalized search keys out (French messages)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms

from accounts.models import Profession
from directory.generator import SPECIALTIES
from directory.search import Criteria
from patients.normalize import search_key

NO_CRITERION_MESSAGE = "Saisissez au moins un critère de recherche."
RPPS_MESSAGE = "Le numéro RPPS compte exactement 11 chiffres."


def _text(label: str, *, max_length: int = 100, **attrs: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        error_messages={"max_length": f"{label} : {max_length} caractères au plus."},
        widget=forms.TextInput(attrs=attrs),
    )


class DirectorySearchForm(forms.Form):
    """Nom, profession, spécialité, commune, structure, RPPS: any of them, at least one."""

    name = _text("Nom (et prénom)", max_length=200, autocomplete="off")
    profession = forms.ModelChoiceField(
        label="Profession",
        queryset=Profession.objects.order_by("label"),
        required=False,
        empty_label="Toutes les professions",
        error_messages={"invalid_choice": "Choisissez une profession de la liste."},
    )
    specialty = forms.ChoiceField(
        label="Spécialité (savoir-faire)",
        choices=[("", "Toutes les spécialités"), *((label, label) for label in SPECIALTIES)],
        required=False,
        error_messages={"invalid_choice": "Choisissez une spécialité de la liste."},
    )
    city = _text("Commune")
    structure = _text("Structure d'exercice (raison sociale)", max_length=200)
    rpps = _text("Numéro RPPS", max_length=11, inputmode="numeric")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template owns the <form> and its buttons
        self.helper.disable_csrf = True  # a GET search: nothing to protect
        self.helper.layout = Layout(
            Row(Column("name", css_class="col-md-6"), Column("rpps", css_class="col-md-6")),
            Row(Column("profession", css_class="col-md-6"), Column("specialty", css_class="col-md-6")),
            Row(Column("city", css_class="col-md-6"), Column("structure", css_class="col-md-6")),
        )

    def clean_rpps(self) -> str:
        value = "".join(self.cleaned_data["rpps"].split())
        if value and not (value.isdigit() and len(value) == 11):
            raise forms.ValidationError(RPPS_MESSAGE, code="rpps")
        return value

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if not self.errors and self.criteria().is_empty:
            raise forms.ValidationError(NO_CRITERION_MESSAGE, code="empty")
        return cleaned

    def criteria(self) -> Criteria:
        data = self.cleaned_data
        profession = data.get("profession")
        return Criteria(
            name=search_key(data.get("name", "")),
            profession=profession.code if profession else "",
            specialty=data.get("specialty", ""),
            city=search_key(data.get("city", "")),
            structure=search_key(data.get("structure", "")),
            rpps=data.get("rpps", ""),
        )
