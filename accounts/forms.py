from django import forms
from django.core.validators import RegexValidator

from accounts.models import (
    Practice,
    PracticeSetting,
    User,
    card_number_validator,
    pin_validator,
    rpps_validator,
)

otp_code_validator = RegexValidator(r"^[0-9]{6}$", "Le code de sécurité compte 6 chiffres.")


def _digits_input(length: int, *, secret: bool = False, **attrs: str) -> forms.Widget:
    widget = forms.PasswordInput if secret else forms.TextInput
    return widget(
        attrs={
            "inputmode": "numeric",
            "pattern": f"[0-9]{{{length}}}",
            "maxlength": str(length),
            "autocomplete": "off",
            **attrs,
        }
    )


def _pin_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label, strip=False, validators=[pin_validator], widget=_digits_input(4, secret=True)
    )


class CPSLoginForm(forms.Form):
    number = forms.CharField(
        label="Numéro de la carte CPS insérée dans le lecteur",
        validators=[card_number_validator],
        widget=_digits_input(10, list="demo-cards"),
    )
    pin = _pin_field("Code porteur (4 chiffres)")


class ECPSIdentifierForm(forms.Form):
    rpps = forms.CharField(
        label="Votre identifiant RPPS",
        validators=[rpps_validator],
        widget=_digits_input(11, autocomplete="username"),
    )
    remember = forms.BooleanField(label="Mémoriser mon identifiant sur ce poste", required=False)


class OTPCodeForm(forms.Form):
    token = forms.CharField(
        label="Code de sécurité affiché par l'application e-CPS",
        validators=[otp_code_validator],
        widget=_digits_input(6, autocomplete="one-time-code", autofocus="autofocus"),
    )


class AdminLoginForm(forms.Form):
    username = forms.CharField(
        label="Identifiant", widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    token = forms.CharField(
        label="Code à usage unique (application d'authentification)",
        validators=[otp_code_validator],
        widget=_digits_input(6, autocomplete="one-time-code"),
    )


class SimulatorForm(forms.Form):
    rpps = forms.CharField(label="Identifiant RPPS", validators=[rpps_validator], widget=_digits_input(11))
    pin = _pin_field("Code porteur de la carte CPS (4 chiffres)")


class DocumentDefaultsForm(forms.ModelForm):
    """The cadre and situation d'exercice proposed by default when adding a document."""

    class Meta:
        model = User
        fields = ["default_practice_setting", "default_practice"]
        labels = {
            "default_practice_setting": "Cadre d'exercice",
            "default_practice": "Situation d'exercice",
        }

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["default_practice"].queryset = Practice.objects.filter(
            professional=self.instance
        ).select_related("establishment")
        self.fields["default_practice_setting"].queryset = PracticeSetting.objects.filter(
            code_system=PracticeSetting.CADRE_SYSTEM
        )


class SudoPINForm(forms.Form):
    pin = _pin_field("Code porteur de votre carte CPS (4 chiffres)")
