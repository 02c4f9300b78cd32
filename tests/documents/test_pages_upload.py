""" "Joindre un fichier ou rédiger un document": the slides' form, good files and free texts added
and traced, bad files refused with their French message leaving no row, no file and no trace."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from audit.models import Action
from documents.forms import Confidentiality
from documents.models import Document, DocumentType
from documents.validation import ACCEPT_ATTRIBUTE, MESSAGES, UPLOAD_HELP_TEXT
from tests.documents import badfiles
from tests.documents.pages import CONSULTATION, raw_multipart, stored_files, traces, url, words
from tests.factories import DocumentTypeFactory, PracticeFactory
from tests.helpers import login_verified, make_minor, text

pytestmark = pytest.mark.django_db

SLIDES_CONFIDENTIALITY = [
    "Document visible par toute personne autorisée à accéder aux documents du dossier de votre patient",
    "Document non visible par le patient : vous souhaitez que ce document ne soit pas visible par le patient car il nécessite une information préalable par un professionnel",
    "Document masqué aux professionnels 👁️ : votre patient souhaite que ce document soit visible uniquement par son auteur et par le médecin traitant DMP",
    "Document invisible aux représentants légaux 👤 : en accord avec votre patient mineur, vous souhaitez rendre invisible un document au représentant légal pour préserver le secret de ces informations",
]
REMINDER = (
    "Les professionnels de santé doivent informer le patient de l'alimentation de son DMP. Cette "
    "information peut être fournie à travers un livret d'information à l'admission par exemple"
)


@pytest.fixture
def form_data(alice):
    """A valid form, file mode, without the file."""
    return {
        "mode": "fichier",
        "document_type": str(DocumentTypeFactory(code=CONSULTATION).pk),
        "title": "Compte rendu d'hospitalisation",
        "document_date": "30/01/2024",
        "comment": "Sortie le 30/01.",
        "event_start": "22/01/2024",
        "event_end": "30/01/2024",
        "practice_setting": "ETABLISSEMENT",
        "practice": str(alice.practices.get().pk),
        "confidentiality": [Confidentiality.NORMAL],
    }


def _post(client, patient, data, **extra):
    return client.post(url("documents:add", patient), data, **extra)


def _pdf(name: str = "compte-rendu.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, badfiles.simple_pdf(), content_type="application/pdf")


def _nothing_added(patient, settings) -> None:
    assert not Document.objects.filter(patient=patient).exists()
    assert stored_files(settings) == []
    assert traces(patient, Action.DOCUMENT_ADDED) == []


# --- the form --------------------------------------------------------------------------------


def test_the_form_speaks_as_the_slides_do(alice_client, patient):
    make_minor(patient)  # the slides' form is a minor's: all four confidentiality choices
    response = alice_client.get(url("documents:add", patient))
    body = words(response)

    for expected in (
        "Joindre un fichier ou rédiger un document",
        "Joindre un fichier (Max 5 Mo)",
        "Rédiger un document (texte libre)",
        UPLOAD_HELP_TEXT,
        "Type du document*",
        "Titre*",
        "Date du document*",
        "Commentaire lié au document (1000 caractères max.)",
        "0/1000",
        "Évènement / acte associé au document",
        "Date de début*",
        "Date de fin*",
        "Exemple : Dates d'hospitalisation",
        "Auteur du document",
        "Cadre d'exercice",
        "Situation d'exercice",
        "Confidentialité du document",
        *SLIDES_CONFIDENTIALITY,
        REMINDER,
        "Ajouter",
        "Annuler",
    ):
        assert expected in body, expected
    html = response.content.decode()
    assert f'accept="{ACCEPT_ATTRIBUTE}"' in html
    assert 'enctype="multipart/form-data"' in html
    assert f'value="{timezone.localdate():%d/%m/%Y}"' in html  # the document date defaults to today
    assert "js/document-form.js" in html and "<script>" not in html and "style=" not in html


def test_the_slides_marks_are_decoration_that_screen_readers_skip(alice_client, patient):
    make_minor(patient)  # "invisible aux représentants légaux" is offered on a minor's record only
    html = alice_client.get(url("documents:add", patient)).content.decode()

    assert 'Document masqué aux professionnels <span aria-hidden="true">👁️</span> : votre patient' in html
    assert (
        'Document invisible aux représentants légaux <span aria-hidden="true">👤</span> : en accord' in html
    )
    assert "&lt;span" not in html


def test_types_are_grouped_by_rubrique_without_the_patients_and_health_insurances_own(alice_client, patient):
    html = text(alice_client.get(url("documents:add", patient)))

    assert '<optgroup label="Synthèses">' in html
    assert '<optgroup label="Comptes-rendus">' in html
    assert html.index('<optgroup label="Synthèses">') < html.index('<optgroup label="Traitements et soins">')
    assert "Bilan médicamenteux (Officine)" in html
    assert "Synthèse déposée par le patient" not in html
    assert "Profil médical Mon espace santé" not in html
    assert '<optgroup label="Données de remboursement">' not in html
    assert '<optgroup label="Autres documents déposés par le patient">' not in html


def test_the_author_defaults_come_from_parametrages_and_only_her_situations_are_offered(
    alice_client, alice, patient
):
    second = PracticeFactory(professional=alice, role="Pharmacien gérant")
    alice.default_practice = second
    alice.save()
    someone_elses = PracticeFactory(role="Situation d'un autre")

    form = alice_client.get(url("documents:add", patient)).context["form"]
    html = str(form["practice"])

    assert form["practice"].value() == second.pk
    assert form["practice_setting"].value() == "ETABLISSEMENT"
    assert "Pharmacien gérant" in html and "Situation d'un autre" not in html
    assert someone_elses.pk not in [choice.pk for choice in form.fields["practice"].queryset]


# --- good content ------------------------------------------------------------------------------


def test_a_pdf_is_added_stored_traced_and_shown_in_the_latest_five(
    alice_client, alice, patient, form_data, settings
):
    response = _post(alice_client, patient, form_data | {"file": _pdf("Compte rendu été.pdf")}, follow=True)

    assert response.redirect_chain[-1][0] == url("patients:summary", patient)
    body = words(response)
    assert "Le document « Compte rendu d'hospitalisation » a été ajouté au DMP." in body
    assert "5 derniers documents ajoutés" in body and "Compte rendu d'hospitalisation" in body
    document = Document.objects.get(patient=patient)
    assert document.author == alice
    assert document.document_type.code == CONSULTATION
    assert (document.document_date, document.event_start, document.event_end) == (
        date(2024, 1, 30),
        date(2024, 1, 22),
        date(2024, 1, 30),
    )
    assert document.comment == "Sortie le 30/01."
    assert document.mime_type == "application/pdf"
    assert document.original_filename == "Compte rendu été.pdf"
    assert document.practice == alice.practices.get()
    assert document.practice_setting_id == "ETABLISSEMENT"
    assert document.confidentiality_codes == ["N"]
    [stored] = stored_files(settings)
    assert stored.read_bytes() == badfiles.simple_pdf()
    [trace] = traces(patient, Action.DOCUMENT_ADDED)
    assert (trace.actor, trace.document_code) == (alice, document.code)


def test_a_free_text_is_added(alice_client, patient, form_data, settings):
    data = form_data | {"mode": "texte", "text": "Patient vu ce jour.\r\nPas de changement."}

    response = _post(alice_client, patient, data)

    assert response.status_code == 302
    document = Document.objects.get(patient=patient)
    assert document.text == "Patient vu ce jour.\nPas de changement."
    assert not document.file and stored_files(settings) == []
    assert len(traces(patient, Action.DOCUMENT_ADDED)) == 1


def test_a_file_left_in_the_input_of_a_free_text_is_ignored(alice_client, patient, form_data, settings):
    data = form_data | {"mode": "texte", "text": "Texte.", "file": SimpleUploadedFile("vide.pdf", b"")}

    assert _post(alice_client, patient, data).status_code == 302
    assert Document.objects.get(patient=patient).text == "Texte."
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("choices", "flags"),
    [
        ([Confidentiality.HIDDEN_FROM_PATIENT], ["N", "INVISIBLE_PATIENT"]),
        ([Confidentiality.MASKED], ["N", "MASQUE_PS"]),
        ([Confidentiality.HIDDEN_FROM_REPRESENTATIVES], ["N", "INVISIBLE_REPRESENTANTS_LEGAUX"]),
        (
            [Confidentiality.MASKED, Confidentiality.HIDDEN_FROM_REPRESENTATIVES],
            ["N", "MASQUE_PS", "INVISIBLE_REPRESENTANTS_LEGAUX"],
        ),
    ],
)
def test_each_confidentiality_choice_sets_its_flags(alice_client, patient, form_data, choices, flags):
    if Confidentiality.HIDDEN_FROM_REPRESENTATIVES in choices:  # a minor's record only
        make_minor(patient)
    _post(alice_client, patient, form_data | {"file": _pdf(), "confidentiality": choices})

    document = Document.objects.get(patient=patient)
    assert document.confidentiality_codes == flags
    if Confidentiality.HIDDEN_FROM_PATIENT in choices:
        assert document.patient_informed_on == timezone.localdate() + timedelta(days=14)


def test_invisible_to_legal_representatives_is_neither_offered_nor_accepted_on_an_adults_record(
    alice_client, patient, form_data
):
    page = alice_client.get(url("documents:add", patient)).content.decode()
    assert "invisible aux représentants légaux" not in page.lower()
    data = form_data | {"file": _pdf(), "confidentiality": [Confidentiality.HIDDEN_FROM_REPRESENTATIVES]}
    response = _post(alice_client, patient, data)
    assert response.status_code == 200
    assert not Document.objects.filter(patient=patient).exists()
    assert traces(patient, Action.DOCUMENT_ADDED) == []


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\..\\etc\\passwd.pdf", "/etc/passwd.pdf"])
def test_a_path_traversal_name_is_reduced_to_its_basename_and_stored_under_media_root(
    alice_client, patient, form_data, settings, tmp_path, name
):
    body, content_type = raw_multipart(
        form_data, file_field="file", filename=name, content=badfiles.simple_pdf()
    )

    response = alice_client.post(url("documents:add", patient), body, content_type=content_type)

    assert response.status_code == 302
    document = Document.objects.get(patient=patient)
    assert document.original_filename == "passwd.pdf"
    [stored] = stored_files(settings)
    assert stored.resolve().is_relative_to(tmp_path / "media")
    assert "passwd" not in stored.name
    assert not (tmp_path / "etc").exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../../windows/evil.exe", MESSAGES["extension"]),
        ("../../", "Choisissez un fichier à joindre."),
        ("..", "Choisissez un fichier à joindre."),
    ],
)
def test_a_path_traversal_name_without_an_acceptable_file_is_refused(
    alice_client, patient, form_data, settings, name, message
):
    body, content_type = raw_multipart(
        form_data, file_field="file", filename=name, content=badfiles.simple_pdf()
    )

    response = alice_client.post(url("documents:add", patient), body, content_type=content_type)

    assert message in words(response)
    _nothing_added(patient, settings)


# --- bad content -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param("long.txt", badfiles.oversized_text(), MESSAGES["too_large"], id="5-mo-and-1-byte"),
        pytest.param(
            "cr.pdf",
            badfiles.windows_executable(),
            "Le contenu du fichier ne correspond pas à son extension (.pdf).",
            id="executable-renamed-pdf",
        ),
        pytest.param(
            "cr.pdf", badfiles.pdf_with_javascript(), MESSAGES["pdf_active"], id="pdf-with-javascript"
        ),
        pytest.param(
            "cr.rtf", badfiles.rtf_with_embedded_object(), MESSAGES["rtf_object"], id="rtf-with-object"
        ),
        pytest.param(
            "scan.tif", badfiles.bomb_tiff(15_000, 15_000), MESSAGES["image_too_large"], id="bomb-tiff"
        ),
        # The bypasses of issue 8: padding before a field command, a remote template, outbound
        # PDF actions (on opening, on a click, compressed in an object stream without its type).
        *(
            pytest.param(
                "cr.rtf",
                badfiles.rtf_field(command.encode(), badfiles.RTF_ACTIVE_FIELDS[command], padding),
                MESSAGES["rtf_object"],
                id=f"rtf-{command}-padded",
            )
            for command, padding in (
                ("DDEAUTO", badfiles.RTF_PADDINGS["spaces"]),
                ("INCLUDEPICTURE", badfiles.RTF_PADDINGS["nested-groups"]),
                ("INCLUDETEXT", badfiles.RTF_PADDINGS["line-breaks"]),
            )
        ),
        pytest.param(
            "cr.rtf",
            badfiles.rtf_with_template(b"\\\\\\\\attaquant\\\\partage\\\\modele.dotm"),
            MESSAGES["rtf_object"],
            id="rtf-unc-template",
        ),
        pytest.param(
            "cr.pdf",
            badfiles.pdf_with_open_action(badfiles.URI_JAVASCRIPT_ACTION),
            MESSAGES["pdf_active"],
            id="pdf-uri-javascript",
        ),
        pytest.param(
            "cr.pdf",
            badfiles.pdf_with_link(badfiles.SUBMIT_FORM_ACTION),
            MESSAGES["pdf_active"],
            id="pdf-submitform",
        ),
        pytest.param(
            "cr.pdf",
            badfiles.pdf_hiding_in_untyped_object_stream(badfiles.IMPORT_DATA_ACTION),
            MESSAGES["pdf_active"],
            id="pdf-importdata-unc-in-object-stream",
        ),
        pytest.param("vide.pdf", b"", MESSAGES["empty"], id="empty"),
    ],
)
def test_a_bad_file_is_refused_with_its_message_and_leaves_nothing(
    alice_client, patient, form_data, settings, name, content, message
):
    response = _post(alice_client, patient, form_data | {"file": SimpleUploadedFile(name, content)})

    assert response.status_code == 200
    body = words(response)
    assert "Le document n'a pas été ajouté : corrigez les points signalés." in body
    assert message in body
    assert response.context["form"]["title"].value() == "Compte rendu d'hospitalisation"  # kept
    _nothing_added(patient, settings)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"document_type": ""}, "Choisissez le type du document."),
        ({"title": ""}, "Indiquez le titre du document."),
        ({"document_date": "31/02/2024"}, "Saisissez une date au format JJ/MM/AAAA."),
        ({"document_date": "2024-01-30"}, "Saisissez une date au format JJ/MM/AAAA."),
        ({"event_start": ""}, "Ce champ est obligatoire."),
        ({"event_start": "31/01/2024"}, "La date de fin ne peut pas précéder la date de début."),
        ({"comment": "x" * 1001}, "1000 caractères"),
        ({"confidentiality": []}, "Choisissez la confidentialité du document."),
        (
            {"confidentiality": [Confidentiality.NORMAL, Confidentiality.MASKED]},
            "ne se combine pas avec une restriction",
        ),
        ({"mode": "texte", "text": "   "}, "Rédigez le texte du document."),
        ({"mode": ""}, "Choisissez de joindre un fichier ou de rédiger un document."),
    ],
)
def test_bad_fields_are_refused_in_french_and_nothing_is_saved(
    alice_client, patient, form_data, settings, changes, message
):
    response = _post(alice_client, patient, form_data | {"file": _pdf()} | changes)

    assert response.status_code == 200
    assert message in words(response)
    _nothing_added(patient, settings)


def test_a_document_date_in_the_future_is_refused(alice_client, patient, form_data, settings):
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = _post(
        alice_client, patient, form_data | {"file": _pdf(), "document_date": f"{tomorrow:%d/%m/%Y}"}
    )

    assert "La date du document ne peut pas être dans le futur." in words(response)
    _nothing_added(patient, settings)


def test_a_comment_of_1000_characters_with_line_breaks_is_accepted(alice_client, patient, form_data):
    comment = "\r\n".join(["x" * 99] * 10) + "x"  # 1009 bytes sent, 1000 characters typed

    _post(alice_client, patient, form_data | {"file": _pdf(), "comment": comment})

    assert len(Document.objects.get(patient=patient).comment) == 1000


def test_a_patient_or_health_insurance_type_cannot_be_chosen(alice_client, patient, form_data, settings):
    for code in ("DOCPAT01", "REMB"):
        document_type = DocumentType.objects.get(code=code)
        response = _post(
            alice_client, patient, form_data | {"file": _pdf(), "document_type": str(document_type.pk)}
        )
        assert "Choisissez un type de document de la liste." in words(response)
    _nothing_added(patient, settings)


def test_someone_elses_situation_cannot_be_chosen(alice_client, patient, form_data, settings):
    response = _post(
        alice_client, patient, form_data | {"file": _pdf(), "practice": str(PracticeFactory().pk)}
    )

    assert "Choisissez une de vos situations d'exercice." in words(response)
    _nothing_added(patient, settings)


# --- the script's requests, CSRF ---------------------------------------------------------------


def test_the_script_gets_json_on_success_and_the_page_on_errors(alice_client, patient, form_data):
    xhr = {"headers": {"X-Requested-With": "XMLHttpRequest"}}

    refused = _post(alice_client, patient, form_data | {"file": SimpleUploadedFile("vide.pdf", b"")}, **xhr)
    assert refused.status_code == 200 and 'id="document-add-form"' in refused.content.decode()

    added = _post(alice_client, patient, form_data | {"file": _pdf()}, **xhr)
    assert added.status_code == 200
    assert added.json() == {"redirect": url("patients:summary", patient)}
    # The message waits for the page the script then loads.
    assert "a été ajouté au DMP" in words(alice_client.get(url("patients:summary", patient)))


def test_the_csrf_token_is_still_checked(alice, alice_card, patient, form_data, settings):
    client = login_verified(Client(enforce_csrf_checks=True), alice, alice_card)

    response = _post(client, patient, form_data | {"file": _pdf()})

    assert response.status_code == 403
    _nothing_added(patient, settings)


def test_the_csrf_token_of_the_form_is_accepted(alice, alice_card, patient, form_data):
    client = login_verified(Client(enforce_csrf_checks=True), alice, alice_card)
    token = client.get(url("documents:add", patient)).context["csrf_token"]

    response = _post(client, patient, form_data | {"file": _pdf(), "csrfmiddlewaretoken": str(token)})

    assert response.status_code == 302
    assert Document.objects.filter(patient=patient).count() == 1


def test_the_size_limit_stops_the_file_while_it_streams(alice_client, patient, form_data, settings):
    response = _post(
        alice_client, patient, form_data | {"file": SimpleUploadedFile("long.txt", badfiles.oversized_text())}
    )

    assert response.wsgi_request.upload_size_limit.exceeded
    assert MESSAGES["too_large"] in words(response)
    _nothing_added(patient, settings)
