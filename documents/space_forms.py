"""Mon espace santé's document form: the patient (or legal representative) adds a document.

It parses and checks; the file is judged by documents/validation.py (the professionals' checks),
the 5 Mo limit is enforced while the body streams (documents.uploads, on the view), and
documents.services.document_add_from_source stores and traces it."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from documents.filestore import AcceptedFile, accept
from documents.models import DocumentType
from documents.validation import ACCEPT_ATTRIBUTE, UPLOAD_HELP_TEXT
from patients.forms import FrenchDateField


class PatientDocumentForm(forms.Form):
    file = forms.FileField(
        label=UPLOAD_HELP_TEXT,
        widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        error_messages={"required": "Choisissez un fichier à ajouter.", "empty": "Le fichier est vide."},
    )
    document_type = forms.ModelChoiceField(
        label="Type de document",
        queryset=DocumentType.objects.for_patients().order_by("label"),
        empty_label="Sélectionnez un type de document",
        error_messages={
            "required": "Choisissez le type du document.",
            "invalid_choice": "Choisissez un type de document de la liste.",
        },
    )
    title = forms.CharField(
        label="Titre", max_length=255, error_messages={"required": "Indiquez le titre du document."}
    )
    document_date = FrenchDateField(label="Date du document")
    masked = forms.BooleanField(label="Masquer ce document aux professionnels de santé", required=False)

    def __init__(self, *args, masked_by_default: bool, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.accepted_file: AcceptedFile | None = None
        self.initial.setdefault("document_date", timezone.localdate())
        if masked_by_default:  # the patient's preference applies whatever the box says
            field = self.fields["masked"]
            field.initial, field.disabled = True, True
            field.help_text = "Vos nouveaux documents sont masqués (Paramètres)."

    def clean_document_date(self) -> date:
        day = self.cleaned_data["document_date"]
        if day > timezone.localdate():
            raise ValidationError("La date du document ne peut pas être dans le futur.")
        return day

    def clean_file(self):  # type: ignore[no-untyped-def]
        uploaded = self.cleaned_data["file"]
        self.accepted_file = accept(uploaded)
        return uploaded

    def service_arguments(self) -> dict:
        """The keyword arguments of documents.services.document_add_from_source, minus who and whom."""
        data = self.cleaned_data
        return {
            "document_type": data["document_type"],
            "title": data["title"],
            "document_date": data["document_date"],
            "masked_to_professionals": data["masked"],
            "upload": self.accepted_file,
        }
