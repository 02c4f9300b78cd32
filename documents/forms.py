"""The forms of the Documents and Carnet de vaccination tabs. They parse and check what the user
typed; the writes are documents/services.py's (traced there), the file is judged by
documents/validation.py, and what a viewer may see is documents/visibility.py's."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from accounts.models import Practice, PracticeSetting, User
from documents import filestore
from documents.models import COMMENT_MAX_LENGTH, Document, DocumentSource, DocumentType, DoseType, Rubrique
from documents.validation import ACCEPT_ATTRIBUTE, UPLOAD_HELP_TEXT
from patients.forms import PERIOD_ORDER_ERROR, FrenchDateField

# A free text is typed in the page: 100 000 characters (about forty pages) is plenty, and keeps the
# request under Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 Mo) for non-file fields.
TEXT_MAX_LENGTH = 100_000


# ---------------------------------------------------------------------------------------------
# Liste des documents: filters and sort


class Sort:
    """The list's sort keys (the `tri` parameter): column -> ORDER BY, newest first by default."""

    ORDERINGS = {
        "date": ("document_date", "added_at", "pk"),
        "-date": ("-document_date", "-added_at", "-pk"),
        "type": ("document_type__label", "-document_date", "-pk"),
        "-type": ("-document_type__label", "-document_date", "-pk"),
        "auteur": ("author_label", "-document_date", "-pk"),
        "-auteur": ("-author_label", "-document_date", "-pk"),
        "ajout": ("added_at", "pk"),
        "-ajout": ("-added_at", "-pk"),
    }
    DEFAULT = "-date"


class StatusFilter:
    ALL = ""
    ACTIVE = "actifs"
    ARCHIVED = "archives"
    CHOICES = [(ALL, "Tous"), (ACTIVE, "Actifs"), (ARCHIVED, "Archivés")]


SELECTED = SafeString(" selected")


class PlainSelect(forms.Select):
    """A <select> without option groups, drawn in Python: Django draws each <option> through two
    templates (about 0.1 ms each), and the filters of a big record offer a hundred options (its
    types, its recent authors), which made most of the list's extra cost over a small record's."""

    def render(
        self, name: str, value: object, attrs: dict | None = None, renderer: object = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], SELECTED if option["selected"] else "", option["label"])
                for _, group, _ in widget["optgroups"]
                for option in group
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options
        )


class DocumentFilterForm(forms.Form):
    """GET parameters of the list. The type and author choices are those of the documents the
    viewer sees (given by the view), so a filter never reveals a hidden document's type or author."""

    rubrique = forms.ChoiceField(label="Rubrique", required=False, widget=PlainSelect)
    type = forms.ChoiceField(label="Type de document", required=False, widget=PlainSelect)
    auteur = forms.ChoiceField(label="Auteur", required=False, widget=PlainSelect)
    du = FrenchDateField(label="Du", required=False)
    au = FrenchDateField(label="Au", required=False)
    statut = forms.ChoiceField(
        label="Statut", required=False, choices=StatusFilter.CHOICES, widget=PlainSelect
    )
    tri = forms.ChoiceField(
        required=False, choices=[(key, key) for key in Sort.ORDERINGS], widget=forms.HiddenInput
    )

    def __init__(
        self,
        data: dict | None,
        *,
        rubriques: list[Rubrique],
        types: list[tuple[str, str]],
        authors: list[tuple[str, str]],
    ) -> None:
        super().__init__(data)
        self.fields["rubrique"].choices = [("", "Toutes"), *((r.code, r.label) for r in rubriques)]
        self.fields["type"].choices = [("", "Tous"), *types]
        self.fields["auteur"].choices = [("", "Tous"), *authors]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("du") and data.get("au") and data["du"] > data["au"]:
            raise ValidationError(PERIOD_ORDER_ERROR)
        return data

    @property
    def sort(self) -> str:
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("tri") or Sort.DEFAULT

    def apply(self, documents):  # type: ignore[no-untyped-def]
        """`documents` narrowed by the valid filters (an invalid one is left out, and shown as an
        error), in the chosen order."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("rubrique"):
            documents = documents.filter(document_type__rubrique_id=data["rubrique"])
        if data.get("type"):
            documents = documents.filter(document_type__code=data["type"])
        if author := data.get("auteur"):
            if author in NON_PROFESSIONAL_SOURCES:
                documents = documents.filter(source=author)
            else:
                documents = documents.filter(source=DocumentSource.PROFESSIONAL, author__rpps=author)
        if data.get("du"):
            documents = documents.filter(document_date__gte=data["du"])
        if data.get("au"):
            documents = documents.filter(document_date__lte=data["au"])
        if data.get("statut") == StatusFilter.ACTIVE:
            documents = documents.active()
        elif data.get("statut") == StatusFilter.ARCHIVED:
            documents = documents.archived()
        return documents.order_by(*Sort.ORDERINGS[self.sort])


NON_PROFESSIONAL_SOURCES = frozenset({DocumentSource.HEALTH_INSURANCE.value, DocumentSource.PATIENT.value})


# The author filter offers the authors of the most recent documents: a record of 5,000 documents
# has about a thousand authors, and one <option> each was most of the page's time.
AUTHOR_SCAN = 200
AUTHOR_CHOICES = 30


def recent_author_choices(visible, *, wanted: str = "") -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """The author filter's choices: the authors of the AUTHOR_SCAN most recent documents the viewer
    sees (at most AUTHOR_CHOICES, read on documents_doc_patient_idx), plus the author `wanted` (the
    filter's current value) when the viewer sees a document of theirs. Two bounded queries."""
    fields = ("source", "author__rpps", "author_label")
    rows = list(visible.order_by("-added_at", "-pk").values_list(*fields)[:AUTHOR_SCAN])
    choices = author_choices(rows)[:AUTHOR_CHOICES]
    if wanted and wanted not in dict(choices):
        if wanted in NON_PROFESSIONAL_SOURCES:
            more = visible.filter(source=wanted)
        else:
            more = visible.filter(source=DocumentSource.PROFESSIONAL, author__rpps=wanted)
        choices += author_choices(list(more.order_by("-added_at", "-pk").values_list(*fields)[:1]))
    return sorted(choices, key=lambda item: item[1].casefold())


def author_choices(rows: list[tuple[str, str | None, str]]) -> list[tuple[str, str]]:
    """(source, author RPPS, author label) rows, newest first -> the author filter's choices: a
    professional by RPPS, Assurance Maladie and the patient by source; each key once, in the rows'
    order."""
    choices: dict[str, str] = {}
    for source, rpps, label in rows:
        key = rpps if source == DocumentSource.PROFESSIONAL and rpps else source
        choices.setdefault(key, label)
    return list(choices.items())


# ---------------------------------------------------------------------------------------------
# "Joindre un fichier ou rédiger un document"


class TypedTextField(forms.CharField):
    """A textarea's text with its line breaks as typed: browsers send CR LF and their counter (and
    the live "0/1000") counts one character, so the length limit is checked on LF line breaks."""

    def to_python(self, value: object) -> str:
        return super().to_python(value).replace("\r\n", "\n")


class AddMode:
    FILE = "fichier"
    TEXT = "texte"
    CHOICES = [(FILE, "Joindre un fichier (Max 5 Mo)"), (TEXT, "Rédiger un document (texte libre)")]


# The slide's marks after "Document masqué aux professionnels" (👁️) and "Document invisible aux
# représentants légaux" (👤). Decoration: hidden from screen readers, the words say it all.
MASKED_MARK = "👁️"
REPRESENTATIVES_MARK = "👤"


def marked(words: str, mark: str, explanation: str = "") -> str:
    """ "words 👁️ : explanation", the mark aria-hidden (safe HTML, the texts escaped)."""
    label = format_html('{} <span aria-hidden="true">{}</span>', words, mark)
    return format_html("{} : {}", label, explanation) if explanation else label


class Confidentiality:
    """The four choices of the slides. "Visible" means none of the three flags; the others combine."""

    NORMAL = "normal"
    HIDDEN_FROM_PATIENT = "non_visible_patient"
    MASKED = "masque_ps"
    HIDDEN_FROM_REPRESENTATIVES = "invisible_representants"
    CHOICES = [
        (
            NORMAL,
            "Document visible par toute personne autorisée à accéder aux documents du dossier de votre patient",
        ),
        (
            HIDDEN_FROM_PATIENT,
            "Document non visible par le patient : vous souhaitez que ce document ne soit pas visible par le patient car il nécessite une information préalable par un professionnel",
        ),
        (
            MASKED,
            marked(
                "Document masqué aux professionnels",
                MASKED_MARK,
                "votre patient souhaite que ce document soit visible uniquement par son auteur et par le médecin traitant DMP",
            ),
        ),
        (
            HIDDEN_FROM_REPRESENTATIVES,
            marked(
                "Document invisible aux représentants légaux",
                REPRESENTATIVES_MARK,
                "en accord avec votre patient mineur, vous souhaitez rendre invisible un document au représentant légal pour préserver le secret de ces informations",
            ),
        ),
    ]


def professional_document_types():  # type: ignore[no-untyped-def]
    return (
        DocumentType.objects.for_professionals()
        .select_related("rubrique")
        .order_by("rubrique__position", "label")
    )


class DocumentAddForm(forms.Form):
    """The slides' form. Parses and checks; `service_arguments()` is what documents_add needs."""

    mode = forms.ChoiceField(
        label="Mode d'ajout",
        choices=AddMode.CHOICES,
        initial=AddMode.FILE,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez de joindre un fichier ou de rédiger un document."},
    )
    file = forms.FileField(
        label=UPLOAD_HELP_TEXT,
        required=False,
        widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        error_messages={"empty": "Le fichier est vide."},
    )
    text = TypedTextField(
        label="Texte du document",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    document_type = forms.ChoiceField(
        label="Type du document",
        error_messages={
            "required": "Choisissez le type du document.",
            "invalid_choice": "Choisissez un type de document de la liste.",
        },
    )
    title = forms.CharField(
        label="Titre", max_length=255, error_messages={"required": "Indiquez le titre du document."}
    )
    document_date = FrenchDateField(label="Date du document")
    comment = TypedTextField(
        label=f"Commentaire lié au document ({COMMENT_MAX_LENGTH} caractères max.)",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "data-counter": "commentaire-compteur",
                "aria-describedby": "commentaire-compteur",
            }
        ),
    )
    event_start = FrenchDateField(label="Date de début")
    event_end = FrenchDateField(label="Date de fin")
    practice_setting = forms.ModelChoiceField(
        label="Cadre d'exercice",
        queryset=PracticeSetting.objects.filter(code_system=PracticeSetting.CADRE_SYSTEM),
        empty_label="Sélectionnez",
        error_messages={"required": "Choisissez le cadre d'exercice."},
    )
    practice = forms.ModelChoiceField(
        label="Situation d'exercice",
        queryset=Practice.objects.none(),
        required=False,
        empty_label="Sélectionnez",
        error_messages={"invalid_choice": "Choisissez une de vos situations d'exercice."},
    )
    confidentiality = forms.MultipleChoiceField(
        label="Confidentialité du document",
        choices=Confidentiality.CHOICES,
        initial=[Confidentiality.NORMAL],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choisissez la confidentialité du document."},
    )

    def __init__(self, *args, professional: User, minor: bool = True, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.professional = professional
        self.accepted_file: filestore.AcceptedFile | None = None
        if not minor:  # "invisible aux représentants légaux" is offered on a minor's record only
            field = self.fields["confidentiality"]
            field.choices = [c for c in field.choices if c[0] != Confidentiality.HIDDEN_FROM_REPRESENTATIVES]
        types = list(professional_document_types())
        self._types = {str(t.pk): t for t in types}
        groups: dict[str, list[tuple[str, str]]] = {}
        for document_type in types:
            groups.setdefault(document_type.rubrique.label, []).append(
                (str(document_type.pk), document_type.label)
            )
        self.fields["document_type"].choices = [("", "Sélectionnez un type de document"), *groups.items()]
        # PARAMÉTRAGES' defaults; without one, a professional's only situation goes without saying.
        practices = Practice.objects.filter(professional=professional).select_related("establishment")
        own = list(practices)
        self.fields["practice"].queryset = practices
        self.fields["practice"].required = bool(own)
        default_practice = professional.default_practice or (own[0] if len(own) == 1 else None)
        self.initial.setdefault("document_date", timezone.localdate())
        self.initial.setdefault("practice", default_practice.pk if default_practice else None)
        default_setting = professional.default_practice_setting_id or (
            default_practice.practice_setting_id if default_practice else None
        )
        self.initial.setdefault("practice_setting", default_setting)

    def clean_document_type(self) -> DocumentType:
        return self._types[self.cleaned_data["document_type"]]

    def clean_document_date(self) -> date:
        day = self.cleaned_data["document_date"]
        if day > timezone.localdate():
            raise ValidationError("La date du document ne peut pas être dans le futur.")
        return day

    def clean_confidentiality(self) -> list[str]:
        chosen = self.cleaned_data["confidentiality"]
        if Confidentiality.NORMAL in chosen and len(chosen) > 1:
            raise ValidationError(
                "« Document visible par toute personne autorisée » ne se combine pas avec une restriction : "
                "décochez l'un ou les autres."
            )
        return chosen

    def clean(self) -> dict:
        data = super().clean()
        # Only the chosen mode's content counts: a file left in the input of a free text (or the
        # reverse) is ignored, and so are its errors.
        ignored = {AddMode.FILE: "text", AddMode.TEXT: "file"}.get(data.get("mode"))
        if ignored and ignored in self._errors:
            del self._errors[ignored]
        if data.get("mode") == AddMode.FILE:
            uploaded = data.get("file")
            if not uploaded:
                if "file" not in self.errors:
                    self.add_error("file", "Choisissez un fichier à joindre.")
            else:
                try:
                    self.accepted_file = filestore.accept(uploaded)
                except ValidationError as error:
                    self.add_error("file", error)
        elif (
            data.get("mode") == AddMode.TEXT
            and not (data.get("text") or "").strip()
            and "text" not in self.errors
        ):
            self.add_error("text", "Rédigez le texte du document.")
        start, end = data.get("event_start"), data.get("event_end")
        if start and end and start > end:
            self.add_error("event_end", "La date de fin ne peut pas précéder la date de début.")
        return data

    def service_arguments(self) -> dict:
        """The keyword arguments of documents.services.document_add, minus who, whom and request."""
        data = self.cleaned_data
        arguments = self.description_arguments()
        if data["mode"] == AddMode.FILE:
            return arguments | {"upload": self.accepted_file}
        return arguments | {"text": data["text"]}

    def description_arguments(self) -> dict:
        """What describes the document (type, title, dates, practice, confidentiality), whatever
        its content: also used to file a message's attachment (messaging/forms.py)."""
        data = self.cleaned_data
        chosen = set(data["confidentiality"])
        return {
            "document_type": data["document_type"],
            "title": data["title"],
            "document_date": data["document_date"],
            "comment": data["comment"],
            "event_start": data["event_start"],
            "event_end": data["event_end"],
            "practice": data.get("practice"),
            "practice_setting": data["practice_setting"],
            "masked_to_professionals": Confidentiality.MASKED in chosen,
            "hidden_from_patient": Confidentiality.HIDDEN_FROM_PATIENT in chosen,
            "hidden_from_legal_representatives": Confidentiality.HIDDEN_FROM_REPRESENTATIVES in chosen,
        }


# ---------------------------------------------------------------------------------------------
# The author's actions on a document


class ConfidentialityForm(forms.Form):
    """The author changes the flags. "Non visible par le patient" can only be lifted: set on a
    document the patient may have read, it would hide nothing (services.document_set_confidentiality)."""

    masked_to_professionals = forms.BooleanField(
        label=marked("Document masqué aux professionnels", MASKED_MARK), required=False
    )
    hidden_from_patient = forms.BooleanField(label="Document non visible par le patient", required=False)
    hidden_from_legal_representatives = forms.BooleanField(
        label=marked("Document invisible aux représentants légaux", REPRESENTATIVES_MARK), required=False
    )

    def __init__(self, *args, document: Document, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault(
            "initial",
            {
                "masked_to_professionals": document.masked_to_professionals,
                "hidden_from_patient": document.hidden_from_patient,
                "hidden_from_legal_representatives": document.hidden_from_legal_representatives,
            },
        )
        super().__init__(*args, **kwargs)
        if not document.hidden_from_patient:
            field = self.fields["hidden_from_patient"]
            field.disabled = True
            field.help_text = "Ce choix se fait à l'ajout du document."
        if not document.patient.is_minor and not document.hidden_from_legal_representatives:
            field = self.fields["hidden_from_legal_representatives"]
            field.disabled = True
            field.help_text = "Réservé au dossier d'un patient mineur."


# ---------------------------------------------------------------------------------------------
# Carnet de vaccination


class VaccinationForm(forms.Form):
    vaccine = forms.CharField(
        label="Vaccin", max_length=200, error_messages={"required": "Indiquez le vaccin."}
    )
    vaccinated_on = FrenchDateField(label="Date de vaccination")
    dose_type = forms.ChoiceField(
        label="Type de dose",
        choices=[("", "Sélectionnez"), *DoseType.choices],
        error_messages={"required": "Choisissez le type de dose."},
    )
    lot_number = forms.CharField(label="Numéro de lot", max_length=40, required=False)

    def clean_vaccinated_on(self) -> date:
        day = self.cleaned_data["vaccinated_on"]
        if day > timezone.localdate():
            raise ValidationError("La date de vaccination ne peut pas être dans le futur.")
        return day
