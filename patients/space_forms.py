"""Mon espace santé's forms: the login's two steps, the settings (emergency choices, masking of
new documents, closing)."""

from django import forms

from accounts.forms import OTPCodeForm
from patients.models import Patient


class SpaceLoginForm(forms.Form):
    identifier = forms.CharField(
        label="Matricule INS ou adresse électronique",
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": "autofocus"}),
    )


class SpaceCodeForm(OTPCodeForm):
    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["token"].label = "Code reçu par courrier électronique"


class EmergencyChoicesForm(forms.ModelForm):
    """The three emergency choices, in Mon espace santé's words (the fields' help texts)."""

    class Meta:
        model = Patient
        fields = ["emergency_samu_allowed", "emergency_others_allowed", "emergency_masked_allowed"]

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.label, field.help_text = field.help_text, ""

    def clean(self) -> dict:
        data = super().clean()
        if data.get("emergency_masked_allowed") and not (
            data.get("emergency_samu_allowed") or data.get("emergency_others_allowed")
        ):
            raise forms.ValidationError(MASKED_NEEDS_EMERGENCY)
        return data

    def _post_clean(self) -> None:
        """The service (patients.services.emergency_choices_change) validates and saves: the form
        never writes the instance itself."""


MASKED_NEEDS_EMERGENCY = (
    "Les documents masqués ne peuvent être consultés en urgence que si vous autorisez le SAMU "
    "ou les autres professionnels de santé à accéder à votre profil en cas d'urgence."
)


class NewDocumentsMaskingForm(forms.Form):
    masked = forms.BooleanField(
        label="Masquer aux professionnels de santé les nouveaux documents ajoutés à mon profil",
        help_text="Un document masqué reste visible par son auteur et par votre médecin traitant ; "
        "vous pourrez le démasquer à tout moment.",
        required=False,
    )


class CloseForm(forms.Form):
    reason = forms.CharField(
        label="Motif de la fermeture",
        max_length=200,  # Patient.closing_reason
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Indiquez le motif de la fermeture."},
    )
    confirm = forms.BooleanField(
        label="Je confirme vouloir fermer mon dossier médical partagé : les professionnels de santé n'y "
        "auront plus accès. Il sera conservé dix ans et pourra être réactivé.",
        error_messages={"required": "Cochez la case pour confirmer la fermeture."},
    )
