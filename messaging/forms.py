"""The message forms: a professional's (recipients, subject, body, attachments), a patient's
answer (body, attachments), and filing an attachment into a DMP."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from accounts.models import User
from documents import filestore
from documents.forms import DocumentAddForm
from documents.validation import ACCEPT_ATTRIBUTE, UPLOAD_HELP_TEXT
from messaging.models import Mailbox
from patients.ins import normalize_ins, validate_ins

MAX_RECIPIENTS = 20  # a message is not a mailing list: beyond this, write to an organisational box
MAX_FILES = 5
_SEPARATORS = re.compile(r"[\s,;]+")


def split_addresses(value: str) -> list[str]:
    """ "a@x.fr; b@y.fr, c@z.fr" -> the addresses, lower-cased, duplicates removed, order kept."""
    seen: dict[str, None] = {}
    for part in _SEPARATORS.split(value or ""):
        if part:
            seen.setdefault(part.lower(), None)
    return list(seen)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one input; each goes through the file pipeline's checks (filestore.accept)."""

    widget = MultipleFileInput

    def __init__(self, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", f"Pièces jointes ({MAX_FILES} au plus) — {UPLOAD_HELP_TEXT}")
        super().__init__(widget=MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}), **kwargs)

    def clean(self, data, initial=None) -> list[filestore.AcceptedFile]:  # type: ignore[no-untyped-def,override]
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_FILES:
            raise ValidationError(f"Joignez {MAX_FILES} fichiers au plus.")
        accepted, errors = [], []
        for uploaded in files:
            try:
                accepted.append(filestore.accept(uploaded))
            except ValidationError as error:
                name = getattr(uploaded, "name", "") or "fichier"
                errors.extend(f"{name} : {message}" for message in error.messages)
        if errors:
            raise ValidationError(errors)
        return accepted


class ComposeForm(forms.Form):
    sender = forms.ChoiceField(label="Expéditeur", required=False)  # empty: one's own mailbox
    recipients = forms.CharField(
        label="Destinataires",
        max_length=2000,
        help_text="Adresses MSSanté, séparées par des virgules. Pour écrire à un patient : "
        "son matricule INS suivi de @patient.mssante.fr.",
        error_messages={"required": "Indiquez au moins un destinataire."},
    )
    subject = forms.CharField(
        label="Objet", max_length=200, error_messages={"required": "Indiquez l'objet du message."}
    )
    body = forms.CharField(
        label="Message",
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": "Rédigez le message."},
    )
    attachments = AttachmentsField()

    def __init__(self, *args, mailboxes: list[Mailbox], **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._mailboxes = {str(m.code): m for m in mailboxes}
        self.fields["sender"].choices = [(code, str(m)) for code, m in self._mailboxes.items()]
        if len(mailboxes) == 1:
            self.fields["sender"].widget = forms.HiddenInput()
        self.initial.setdefault("sender", next(iter(self._mailboxes), None))

    def clean_sender(self) -> Mailbox | None:
        chosen = self.cleaned_data["sender"]
        return self._mailboxes[chosen] if chosen else next(iter(self._mailboxes.values()), None)

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


class PatientReplyForm(forms.Form):
    body = forms.CharField(
        label="Votre réponse",
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Rédigez votre réponse."},
    )
    attachments = AttachmentsField()


class AttachmentFilingForm(DocumentAddForm):
    """ "Enregistrer dans le DMP": the upload form's description (type, title, date, practice,
    confidentiality), the file being the attachment; the patient by their INS."""

    ins = forms.CharField(label="Matricule INS du patient", max_length=30)

    def __init__(self, *args, professional: User, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, professional=professional, **kwargs)
        for name in ("mode", "file", "text"):
            del self.fields[name]
        self.order_fields(["ins"])

    def clean_ins(self) -> str:
        ins = normalize_ins(self.cleaned_data["ins"])
        validate_ins(ins)
        return ins
