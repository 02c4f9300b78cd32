"""The message form: recipients (MSSanté addresses), subject, body."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

MAX_RECIPIENTS = 20  # a message is not a mailing list: beyond this, write to an organisational box
_SEPARATORS = re.compile(r"[\s,;]+")


def split_addresses(value: str) -> list[str]:
    """ "a@x.fr; b@y.fr, c@z.fr" -> the addresses, lower-cased, duplicates removed, order kept."""
    seen: dict[str, None] = {}
    for part in _SEPARATORS.split(value or ""):
        if part:
            seen.setdefault(part.lower(), None)
    return list(seen)


class ComposeForm(forms.Form):
    recipients = forms.CharField(
        label="Destinataires",
        max_length=2000,
        help_text="Adresses MSSanté, séparées par des virgules. Pour écrire à un patient : "
        "son matricule INS suivi de @patient.mssante.fr.",
    )
    subject = forms.CharField(label="Objet", max_length=200)
    body = forms.CharField(label="Message", max_length=20_000, widget=forms.Textarea(attrs={"rows": 10}))

    def clean_recipients(self) -> list[str]:
        addresses = split_addresses(self.cleaned_data["recipients"])
        if not addresses:
            raise ValidationError("Indiquez au moins un destinataire.")
        if len(addresses) > MAX_RECIPIENTS:
            raise ValidationError(f"Un message compte {MAX_RECIPIENTS} destinataires au plus.")
        for address in addresses:
            try:
                validate_email(address)
            except ValidationError:
                raise ValidationError(f"« {address} » n'est pas une adresse de messagerie valide.") from None
        return addresses
