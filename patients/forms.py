from django import forms

from patients.models import AuthorizationKind


class AuthorizationForm(forms.Form):
    """The two declarations of the "Autorisation d'accès" page, in dmp.fr's words.

    Whether a declaration is accepted (reason given, patient's opposition) is patients.access's
    decision, not this form's.
    """

    declaration = forms.ChoiceField(
        label="Déclaration",
        widget=forms.RadioSelect,
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
