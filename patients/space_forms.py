"""Mon espace santé's forms: the login's two steps, blocking a professional."""

from django import forms

from accounts.forms import OTPCodeForm


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
