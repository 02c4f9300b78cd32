from typing import Any

from django import forms

from patients.models import AuthorizationKind
from patients.space_forms import CloseForm

PERIOD_ORDER_ERROR = "La date de début de la période doit précéder sa date de fin."


class FrenchDateField(forms.DateField):
    """A date typed JJ/MM/AAAA, between 1900 and 9999: the portal's one date field.

    The bound is not cosmetic: a year-1 date cannot become a datetime in Europe/Paris (period
    filters turn dates into datetimes), and no date of the DMP is older than 1900."""

    default_error_messages = {"invalid": "Saisissez une date au format JJ/MM/AAAA."}

    def __init__(self, *, label: str, required: bool = True, **kwargs: object) -> None:
        super().__init__(
            label=label,
            required=required,
            input_formats=["%d/%m/%Y"],
            widget=forms.DateInput(
                format="%d/%m/%Y", attrs={"placeholder": "JJ/MM/AAAA", "autocomplete": "off"}
            ),
            **kwargs,
        )

    def validate(self, value: object) -> None:
        super().validate(value)
        if value is not None and not 1900 <= value.year <= 9999:
            raise forms.ValidationError("Saisissez une date entre 1900 et 9999.", code="out_of_range")


class _RadioSelectWithDisabledChoices(forms.RadioSelect):
    """Radio buttons of which some are shown but cannot be chosen (`disabled_values`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.disabled_values: set[str] = set()
        self.disabled_description = ""  # id of the element that says why

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):  # type: ignore[no-untyped-def]
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value in self.disabled_values:
            option["attrs"]["disabled"] = True
            if self.disabled_description:
                option["attrs"]["aria-describedby"] = self.disabled_description
        return option


# The element of the authorization page that announces the patient's opposition.
EMERGENCY_OPPOSED_NOTICE_ID = "opposition-acces-urgence"


class AuthorizationForm(forms.Form):
    """The two declarations of the "Autorisation d'accès" page, in dmp.fr's words.

    Whether a declaration is accepted (reason given, patient's opposition) is patients.access's
    decision, not this form's: when the patient opposed emergency access, the form only shows the
    emergency choice (and its reason) disabled, and a forced submission is refused by the decision.
    """

    declaration = forms.ChoiceField(
        label="Déclaration",
        widget=_RadioSelectWithDisabledChoices,
        choices=[
            (
                AuthorizationKind.CONSENT,
                "Le patient (ou son représentant légal), préalablement informé, consent au fait que j'accède à son DMP.",
            ),
            (AuthorizationKind.EMERGENCY, "J'accède en urgence au DMP."),
        ],
        error_messages={"required": "Choisissez l'une des deux déclarations."},
    )
    reason = forms.CharField(
        label="Motif de l'accès en urgence",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Obligatoire pour un accès en urgence ; le patient en est informé.",
    )

    def __init__(self, *args: Any, emergency_opposed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if emergency_opposed:
            widget = self.fields["declaration"].widget
            widget.disabled_values = {AuthorizationKind.EMERGENCY}
            widget.disabled_description = EMERGENCY_OPPOSED_NOTICE_ID
            self.fields["reason"].disabled = True
            self.fields["reason"].help_text = ""


class PatientRequestCloseForm(CloseForm):
    """Gestion DMP: the professional closes the DMP in consultation, at the patient's request only
    (the patient's own form, in the professional's words)."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = "Motif de la fermeture donné par le patient"
        self.fields["confirm"].label = (
            "Le patient m'a demandé, en consultation, de fermer son DMP. Je confirme la fermeture : "
            "plus aucun professionnel n'y aura accès. Le DMP est conservé dix ans et le patient peut le "
            "réactiver depuis Mon espace santé."
        )
