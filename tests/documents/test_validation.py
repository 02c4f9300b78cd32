"""Upload content checks (documents/validation.py) and the streaming size limit
(documents/uploads.py), with real files built byte by byte in tests/documents/badfiles.py."""

import hashlib
import io
import os
import warnings
import zlib

import pytest
from django import forms
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, TemporaryFileUploadHandler
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.urls import path
from django.utils.decorators import method_decorator
from django.views import View
from PIL import Image

from documents import validation, validation_rtf
from documents.uploads import (
    OversizedUpload,
    RejectedUpload,
    SizeLimitUploadHandler,
    size_limited_upload,
)
from documents.validation import MAX_UPLOAD_BYTES, ValidatedFile, safe_filename, validate_upload
from tests.documents import badfiles
from tests.documents.badfiles import upload

CHUNK = SizeLimitUploadHandler.chunk_size


def refusal(name: str, content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_upload(upload(name, content))
    return caught.value


def refused_code(name: str, content: bytes) -> str:
    return refusal(name, content).code


# --- Accepted files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "extension", "mime_type"),
    [
        ("compte-rendu.pdf", badfiles.simple_pdf(), "pdf", "application/pdf"),
        ("compresse.pdf", badfiles.pdf_with_object_stream(), "pdf", "application/pdf"),
        ("objets.pdf", badfiles.pdf_with_object_stream(compress=False), "pdf", "application/pdf"),
        ("courrier.rtf", badfiles.simple_rtf(), "rtf", "application/rtf"),
        ("photo.jpg", badfiles.jpeg(), "jpg", "image/jpeg"),
        ("photo.jpeg", badfiles.jpeg(), "jpeg", "image/jpeg"),
        ("scan.tif", badfiles.tiff(), "tif", "image/tiff"),
        ("scan.tiff", badfiles.tiff(pages=3, compression="tiff_deflate"), "tiff", "image/tiff"),
        ("fax.tiff", badfiles.fax_tiff(), "tiff", "image/tiff"),
        ("note.txt", badfiles.FRENCH_TEXT.encode(), "txt", "text/plain"),
    ],
)
def test_valid_files_of_every_accepted_type(name, content, extension, mime_type):
    validated = validate_upload(upload(name, content))

    assert validated == ValidatedFile(
        name=name,
        extension=extension,
        mime_type=mime_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        charset="utf-8" if extension == "txt" else None,
    )


def test_extension_is_case_insensitive_and_the_name_kept():
    validated = validate_upload(upload("SCAN.PDF", badfiles.simple_pdf()))
    assert (validated.name, validated.extension) == ("SCAN.PDF", "pdf")
    assert validate_upload(upload("Photo.JPEG", badfiles.jpeg())).extension == "jpeg"


def test_validated_file_is_frozen_and_gives_the_content_type():
    validated = validate_upload(upload("note.txt", badfiles.FRENCH_TEXT.encode("cp1252")))
    assert validated.content_type == "text/plain; charset=windows-1252"
    assert validate_upload(upload("a.pdf", badfiles.simple_pdf())).content_type == "application/pdf"
    with pytest.raises(AttributeError):
        validated.name = "autre.txt"  # type: ignore[misc]


def test_the_file_is_rewound_and_intact_after_validation():
    content = badfiles.simple_pdf()
    uploaded = upload("a.pdf", content)
    validate_upload(uploaded)
    assert uploaded.tell() == 0
    assert uploaded.read() == content


def test_a_file_on_disk_is_checked_in_place_and_left_open(tmp_path, settings):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    content = badfiles.tiff((300, 200), pages=2, compression="tiff_lzw")
    uploaded = TemporaryUploadedFile("scan.tiff", "image/tiff", len(content), None)
    uploaded.write(content)
    uploaded.flush()
    try:
        assert validate_upload(uploaded).size == len(content)
        assert not uploaded.closed
        assert uploaded.read() == content
    finally:
        uploaded.close()


# --- Size -----------------------------------------------------------------------------------


def test_exactly_5_mo_of_text_is_accepted():
    content = badfiles.max_size_text()
    assert len(content) == MAX_UPLOAD_BYTES == 5 * 1024 * 1024
    assert validate_upload(upload("long.txt", content)).size == MAX_UPLOAD_BYTES


def test_5_mo_and_one_byte_is_refused():
    error = refusal("long.txt", badfiles.oversized_text())
    assert error.code == "too_large"
    assert error.messages == ["Le fichier dépasse la taille maximale de 5 Mo."]


class EndlessZeros(io.RawIOBase):
    """A stream that never ends and counts what it hands out."""

    def __init__(self):
        self.delivered = 0

    def readable(self):
        return True

    def seekable(self):
        return True

    def seek(self, offset, whence=0):
        return 0

    def readinto(self, buffer):
        buffer[:] = bytes(len(buffer))
        self.delivered += len(buffer)
        return len(buffer)


def test_a_file_lying_about_its_size_is_counted_and_reading_stops_at_the_limit():
    stream = EndlessZeros()
    lying = File(stream, name="petit.txt")
    lying.size = 10

    with pytest.raises(ValidationError) as caught:
        validate_upload(lying)

    assert caught.value.code == "too_large"
    assert stream.delivered <= MAX_UPLOAD_BYTES + validation.CHUNK_SIZE


@pytest.mark.parametrize("name", ["vide.pdf", "vide.txt", "vide.jpg"])
def test_an_empty_file_is_refused(name):
    error = refusal(name, b"")
    assert (error.code, error.messages) == ("empty", ["Le fichier est vide."])


def test_an_empty_file_without_a_declared_size_is_refused():
    empty = File(io.BytesIO(b""), name="vide.pdf")
    empty.size = None
    with pytest.raises(ValidationError) as caught:
        validate_upload(empty)
    assert caught.value.code == "empty"


# --- Names and extensions -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\System32\\rapport.pdf", "rapport.pdf"),
        ("C:\\Users\\marie\\Documents\\scan.tiff", "scan.tiff"),
        ("/var/www/media/../../x.txt", "x.txt"),
        ("\uff23\uff32\uff0f..\uff0fsecret.pdf", "secret.pdf"),  # fullwidth letters and slashes
        ("compte\x00rendu\r\n.pdf", "compterendu.pdf"),
        ("facture\u202egpj.exe", "facturegpj.exe"),  # right-to-left override removed
        ('a<b>:"c|?*.pdf', "a_b___c___.pdf"),
        ("  ..cach\u00e9   .pdf. ", "caché .pdf"),
        ("Compte rendu d\u2019hospitalisation.pdf", "Compte rendu d\u2019hospitalisation.pdf"),
        ("..", ""),
        ("../../", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_safe_filename(raw, safe):
    assert safe_filename(raw) == safe


def test_safe_filename_caps_the_length_and_keeps_the_extension():
    name = safe_filename("é" * 300 + ".pdf")
    assert len(name) == validation.MAX_NAME_LENGTH
    assert name.endswith("é.pdf")


@pytest.mark.parametrize("wrap", [upload, lambda name, content: File(io.BytesIO(content), name=name)])
@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\..\\etc\\passwd.pdf"])
def test_a_path_traversal_name_becomes_its_basename(wrap, name):
    # Django's UploadedFile already drops "/" paths; a plain File (or a backslash path) relies on us.
    assert validate_upload(wrap(name, badfiles.simple_pdf())).name == "passwd.pdf"


def test_a_name_that_is_only_a_path_is_refused():
    # Django's multipart parser drops such names; a direct caller gets a refusal.
    with pytest.raises(ValidationError) as caught:
        validate_upload(File(io.BytesIO(badfiles.simple_pdf()), name="../../"))
    assert caught.value.code == "extension"


@pytest.mark.parametrize(
    "name", ["rapport.exe", "rapport.docx", "image.png", "rapport", ".pdf", "rapport.pdf.exe", "page.html"]
)
def test_other_extensions_are_refused(name):
    error = refusal(name, badfiles.simple_pdf())
    assert error.code == "extension"
    assert error.messages == [
        "Ce format de fichier n'est pas accepté. Formats acceptés : jpeg, jpg, txt, pdf, rtf, tif, tiff."
    ]


# --- Content that does not match the extension ----------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("facture.pdf", badfiles.windows_executable()),
        ("facture.pdf", badfiles.elf_executable()),
        ("photo.jpg", badfiles.windows_executable()),
        ("scan.tif", badfiles.elf_executable()),
        ("courrier.rtf", badfiles.windows_executable()),
        ("photo.jpg", badfiles.png()),
        ("photo.jpeg", badfiles.tiff()),
        ("scan.tiff", badfiles.jpeg()),
        ("scan.tif", badfiles.png()),
        ("note.txt", badfiles.elf_executable()),
        ("note.txt", badfiles.png()),
        ("note.txt", badfiles.simple_pdf()),
        ("lettre.rtf", badfiles.FRENCH_TEXT.encode()),
        ("lettre.pdf", b" " + badfiles.simple_pdf()),
        ("lettre.rtf", b"{\\rt1 faux en-t\\'eate}"),
    ],
)
def test_content_that_does_not_match_the_extension_is_refused(name, content):
    error = refusal(name, content)
    extension = name.rsplit(".", 1)[1]
    assert error.code == "mismatch"
    assert error.messages == [f"Le contenu du fichier ne correspond pas à son extension (.{extension})."]


# --- PDF ------------------------------------------------------------------------------------

PDF_ACTIVE = (
    "Les PDF contenant du JavaScript, des actions de lancement, des fichiers joints, des formulaires "
    "à envoyer ou des liens vers d'autres fichiers ou des sites ne sont pas acceptés."
)


def test_a_pdf_with_javascript_is_refused():
    error = refusal("a.pdf", badfiles.pdf_with_javascript())
    assert (error.code, error.messages) == ("pdf_active", [PDF_ACTIVE])


def test_a_pdf_with_hex_escaped_javascript_names_is_refused():
    content = badfiles.pdf_with_hex_escaped_javascript()
    assert b"JavaScript" not in content and b"/JS" not in content
    assert refused_code("a.pdf", content) == "pdf_active"


@pytest.mark.parametrize(
    "action",
    [
        b"<< /S /JavaScript /JS 7 0 R >>",
        b"<< /S /J#61v#61#53cript >>",
        b"<< /Type /Action /S /Launch /Win << /F (cmd.exe) >> >>",
        b"<< /S /L#61unch /F (calc.exe) >>",
        b"<< /S /GoToR /F (\\\\\\\\attaquant\\\\partage\\\\x.pdf) /D [0 /Fit] >>",
        b"<< /S /GoToE /T << /R /C /N (x) >> >>",
        b"<< /Type /Annot /Subtype /FileAttachment /FS << /F (x.exe) /EF << /F 7 0 R >> >> >>",
        b"<< /Type /Annot /Subtype /RichMedia >>",
    ],
)
def test_a_pdf_with_an_active_or_external_action_is_refused(action):
    content = badfiles.simple_pdf(b" /OpenAction 6 0 R", (action, badfiles.pdf_stream(b"app.alert(1)")))
    assert refused_code("a.pdf", content) == "pdf_active"


def test_a_pdf_with_javascript_in_a_page_additional_action_is_refused():
    content = badfiles.simple_pdf(
        extra_objects=(b"<< /Type /Page /AA << /O << /S /JavaScript /JS (x) >> >> >>",)
    )
    assert refused_code("a.pdf", content) == "pdf_active"


def test_a_pdf_with_launch_is_refused():
    assert refused_code("a.pdf", badfiles.pdf_with_launch()) == "pdf_active"


def test_a_pdf_with_an_embedded_file_is_refused():
    assert refused_code("a.pdf", badfiles.pdf_with_embedded_file()) == "pdf_active"


def test_a_pdf_with_an_xfa_form_is_refused():
    content = badfiles.simple_pdf(
        b" /AcroForm << /Fields [] /XFA 6 0 R >>", (badfiles.pdf_stream(b"<xdp/>"),)
    )
    assert refused_code("a.pdf", content) == "pdf_active"


@pytest.mark.parametrize(
    "action", [badfiles.JS_ACTION, badfiles.HEX_ESCAPED_JS_ACTION, badfiles.LAUNCH_ACTION]
)
def test_a_pdf_hiding_an_action_in_a_compressed_object_stream_is_refused(action):
    content = badfiles.pdf_with_object_stream(b" /OpenAction 8 0 R", (action,))
    # Nothing of the action is visible in the raw bytes: only decompression reveals it.
    assert not any(word in content for word in (b"JavaScript", b"J#61va", b"Launch", b"alert", b"calc"))
    assert refused_code("a.pdf", content) == "pdf_active"


PLACEMENTS = {
    "open-action": badfiles.pdf_with_open_action,
    "link": badfiles.pdf_with_link,
    "page-open": badfiles.pdf_with_page_action,
    "object-stream": lambda action: badfiles.pdf_with_object_stream(b" /OpenAction 8 0 R", (action,)),
    "untyped-object-stream": badfiles.pdf_hiding_in_untyped_object_stream,
}


@pytest.mark.parametrize("placement", PLACEMENTS, ids=str)
@pytest.mark.parametrize("action", badfiles.OUTBOUND_ACTIONS, ids=str)
def test_a_pdf_with_an_outbound_action_is_refused(action, placement):
    error = refusal("a.pdf", PLACEMENTS[placement](badfiles.OUTBOUND_ACTIONS[action]))
    assert (error.code, error.messages) == ("pdf_active", [PDF_ACTIVE])


def test_an_untyped_object_stream_hides_its_action_from_the_raw_bytes():
    content = badfiles.pdf_hiding_in_untyped_object_stream(badfiles.URI_JAVASCRIPT_ACTION)
    assert b"ObjStm" not in content and b"javascript" not in content and b"URI" not in content
    assert refused_code("a.pdf", content) == "pdf_active"


def test_a_pdf_with_an_internal_link_is_accepted():
    content = badfiles.pdf_with_link(b"<< /S /GoTo /D [3 0 R /Fit] >>")
    assert validate_upload(upload("a.pdf", content)).extension == "pdf"


def test_a_short_forbidden_name_hidden_after_a_fake_stream_in_a_string_is_found():
    # A scan that took "stream" inside the string for a real one would skip to the next
    # "endstream" and never see /EF.
    content = badfiles.simple_pdf(
        extra_objects=(
            b"<< /Producer (x >>\nstream\n) >>",
            b"<< /Type /Filespec /F (a.exe) /EF << /F 8 0 R >> >>",
            badfiles.pdf_stream(b"MZ"),
        )
    )
    assert refused_code("a.pdf", content) == "pdf_active"


def test_names_inside_strings_and_stream_data_do_not_count_as_actions():
    # A title quoting "/JS" and a binary stream where the bytes "/JS " happen to appear.
    content = badfiles.simple_pdf(
        extra_objects=(
            b"<< /Title (Guide /JS \\(version 2\\) et (imbrication)) >>",
            badfiles.pdf_stream(b"\x00\x01/JS \x02\x03/EF\x00", b" /Subtype /Image /Width 2 /Height 2"),
        )
    )
    assert validate_upload(upload("a.pdf", content)).extension == "pdf"


def test_an_encrypted_pdf_is_refused():
    error = refusal("a.pdf", badfiles.encrypted_pdf())
    assert (error.code, error.messages) == (
        "pdf_encrypted",
        ["Les PDF chiffrés ou protégés par un mot de passe ne sont pas acceptés."],
    )


@pytest.mark.parametrize(
    "objstm_extra",
    [
        b" /DecodeParms << /Predictor 12 /Columns 5 >>",  # PNG predictor scrambles the names
        b" /Filter [/FlateDecode /ASCIIHexDecode]",  # chained filters
    ],
)
def test_an_object_stream_that_cannot_be_inspected_is_refused(objstm_extra):
    error = refusal("a.pdf", badfiles.pdf_with_object_stream(objstm_extra=objstm_extra))
    assert error.code == "pdf_uninspectable"


def test_an_object_stream_with_an_indirect_filter_is_refused():
    content = badfiles.pdf_with_object_stream().replace(b"/Filter /FlateDecode", b"/Filter 9 0 R       ")
    assert refused_code("a.pdf", content) == "pdf_uninspectable"


def test_a_corrupt_compressed_object_stream_is_refused():
    content = bytearray(badfiles.pdf_with_object_stream())
    start = content.index(b"stream\n", content.index(b"/ObjStm")) + len(b"stream\n")
    content[start : start + 8] = b"\x78\x9c\xff\xff\xff\xff\xff\xff"
    assert refused_code("a.pdf", bytes(content)) == "pdf_invalid"


@pytest.mark.parametrize(
    "damage",
    [
        lambda pdf: pdf[: len(pdf) // 2],  # truncated: no %%EOF
        lambda pdf: pdf.replace(b"startxref", b"startxrex"),
        lambda pdf: pdf.replace(b"xref\n0", b"xxxx\n0").replace(b"trailer", b"trailex"),
        lambda pdf: pdf.replace(b" obj\n", b" obx\n"),
        lambda pdf: pdf.replace(b"\nstartxref\n", b"\nstartxref\n9999999"),
        lambda pdf: pdf.replace(b"endstream", b"endstreax"),
        lambda pdf: pdf.replace(b"/Helvetica", b"/Helvetica /Title (jamais ferm\\351e"),
        lambda pdf: pdf.replace(b"/Helvetica", b"/Helvetica /Title ((((trop) profond)))"),
    ],
)
def test_a_damaged_pdf_is_refused(damage):
    error = refusal("a.pdf", damage(badfiles.simple_pdf()))
    assert error.code == "pdf_invalid"
    assert error.messages == ["Le fichier PDF est endommagé ou sa structure n'est pas reconnue."]


def test_a_stream_whose_real_length_runs_past_an_inner_endstream_is_refused():
    # /Length is indirect (object 7): a reader reads all 40 bytes, a naive scan stops at the
    # "endstream" inside the data and would lex the rest as PDF syntax.
    data = b"AAAA\nendstream\n<< /S /X >> BBBBBBBBBBBBBB"
    content = badfiles.simple_pdf(
        extra_objects=(b"<< /Length 7 0 R >>\nstream\n" + data + b"\nendstream", b"%d" % len(data))
    )
    assert refused_code("a.pdf", content) == "pdf_invalid"


def test_a_stream_with_a_correct_indirect_length_is_accepted():
    data = b"q 1 0 0 1 0 0 cm Q"
    content = badfiles.simple_pdf(
        extra_objects=(b"<< /Length 7 0 R >>\nstream\n" + data + b"\nendstream", b"%d" % len(data))
    )
    assert validate_upload(upload("a.pdf", content)).extension == "pdf"


def test_a_pdf_with_too_many_objects_is_not_scanned(monkeypatch):
    monkeypatch.setattr(validation, "MAX_PDF_OBJECTS", 5)
    assert refused_code("a.pdf", badfiles.simple_pdf(extra_objects=(b"<< >>",))) == "pdf_uninspectable"


def test_an_object_stream_inflating_beyond_the_budget_is_refused(monkeypatch):
    monkeypatch.setattr(validation, "MAX_PDF_INFLATED_BYTES", 100)
    assert refused_code("a.pdf", badfiles.pdf_with_object_stream()) == "pdf_uninspectable"


def test_a_name_split_between_two_inflated_pieces_is_still_found(monkeypatch):
    monkeypatch.setattr(validation, "_PDF_INFLATE_PIECE", 7)
    content = badfiles.pdf_with_object_stream(b" /OpenAction 8 0 R", (badfiles.JS_ACTION,))
    assert refused_code("a.pdf", content) == "pdf_active"


# --- RTF ------------------------------------------------------------------------------------


def test_an_rtf_with_accents_a_picture_and_harmless_fields_is_accepted():
    content = badfiles.simple_rtf(
        b"Patiente vue le 12/03, fi\\'e8vre \\u233? r\\'e9solue. "
        b"{\\pict\\pngblip\\picw1\\pich1 89504e470d0a1a0a}"
        b"Page {\\field{\\*\\fldinst {\\rtlch\\fcs1 \\af0 \\insrsid1  PAGE }}{\\fldrslt 1}} sur "
        b"{\\field{\\*\\fldinst NUMPAGES \\\\* MERGEFORMAT}{\\fldrslt 2}}, "
        b'{\\field{\\*\\fldinst DATE \\\\@ "dd/MM/yyyy"}{\\fldrslt 12/03/2024}}'
    )
    assert validate_upload(upload("a.rtf", content)).mime_type == "application/rtf"


def test_an_rtf_with_an_embedded_object_is_refused():
    error = refusal("a.rtf", badfiles.rtf_with_embedded_object())
    assert (error.code, error.messages) == (
        "rtf_object",
        [
            "Les fichiers RTF contenant des objets incorporés, un modèle externe, des champs actifs "
            "(DDE, inclusion de fichiers ou d'images) ou des liens ne sont pas acceptés."
        ],
    )


@pytest.mark.parametrize(
    "fragment",
    [
        b"{\\object\\objlink\\objupdate{\\*\\objclass Word.Document.8}{\\*\\objdata 0105}}",
        b"{\\object\\objautlink{\\*\\objclass Excel.Sheet.8}}",
        b"{\\*\\objclass Package}",
        b"{\\objdata 01050000020000000b000000}",
        b"{\\OBJDATA 0105}",
        b"{\\ob\r\nject\\o\nbjdata 0105}",
        b"{\\*\\datastore 0105000002000000}",
        b"{\\objupdate}",
        b"{\\pict\\bin4 \x00\x01\x02\x03}",  # raw binary that a scan could not follow
        b"{\\*\\mailmerge\\mmconnectstr Provider=Microsoft.ACE.OLEDB.12.0}",
        b"{\\*\\ffentrymcr AutoOpen}",
    ],
)
def test_every_kind_of_rtf_object_is_refused(fragment):
    assert refused_code("a.rtf", badfiles.simple_rtf(fragment)) == "rtf_object"


@pytest.mark.parametrize(
    "path",
    [
        b"http://attaquant.example/modele.dotm",
        b"\\\\\\\\attaquant\\\\partage\\\\modele.dotm",  # UNC: \\attaquant\partage\modele.dotm
        b"file://attaquant.example/modele.dotm",
    ],
)
def test_an_rtf_with_an_attached_template_is_refused(path):
    assert refused_code("lettre.rtf", badfiles.rtf_with_template(path)) == "rtf_object"


@pytest.mark.parametrize("padding", badfiles.RTF_PADDINGS, ids=str)
@pytest.mark.parametrize("command", badfiles.RTF_ACTIVE_FIELDS, ids=str)
def test_an_active_field_behind_any_padding_is_refused(command, padding):
    content = badfiles.rtf_field(
        command.encode(), badfiles.RTF_ACTIVE_FIELDS[command], badfiles.RTF_PADDINGS[padding]
    )
    assert content.index(command.encode()) > 1024 or padding == "control-words"  # beyond the old window
    assert refused_code("a.rtf", content) == "rtf_object"


@pytest.mark.parametrize(
    "instruction",
    [
        b"{I}{NCLUDE}TEXT x",  # one command across groups
        b"IN{\\b CLUDE}PICTURE x",
        b"DDE\\b AUTO x",  # a formatting word inside the command
        b"ddeauto x",  # commands are case-insensitive
        b"DDE\\tab AUTO x",  # a tab ends the command: DDE
        b"INCLUDE x",  # the old name of INCLUDETEXT
        b"RD x.doc",
        b"ASK x",
        b"=1+1",
        b"UNKNOWNFIELD x",
    ],
)
def test_a_field_command_not_on_the_allowlist_is_refused(instruction):
    content = badfiles.simple_rtf(b"{\\field{\\*\\fldinst " + instruction + b"}{\\fldrslt x}}")
    assert refused_code("a.rtf", content) == "rtf_object"


def test_a_field_command_split_by_a_line_break_is_read_both_ways():
    # "DDE" + CR LF + "AUTO": DDE for a reader that ends the command there, DDEAUTO for one that
    # ignores line breaks; both are refused.
    assert refused_code("a.rtf", badfiles.rtf_field(b"DDE\r\nAUTO", b"x")) == "rtf_object"
    assert refused_code("a.rtf", badfiles.rtf_field(b"PA\r\nGE", b"x")) == "rtf_object"
    # A reader that ignores line breaks inside control words reads "\\bPAGE" (an unknown word),
    # then the command DDEAUTO; one that does not reads PAGE. Refused.
    assert refused_code("a.rtf", badfiles.rtf_field(b"\\b\r\nPAGE DDEAUTO", b"x")) == "rtf_object"
    assert (
        refused_code("a.rtf", badfiles.simple_rtf(b"{\\field{\\*\\fld\r\ninst DDEAUTO x}}")) == "rtf_object"
    )


@pytest.mark.parametrize(
    "instruction",
    [
        b"\\'44DEAUTO x",  # hex escape
        b"\\u68?DEAUTO x",  # unicode escape
        b"{\\pict 44444541}DDEAUTO x",  # a destination whose text a reader skips
        b"{\\field{\\*\\fldinst QUOTE DDEAUTO}}x",  # a field inside the command
        b"\\~DDEAUTO x",
    ],
)
def test_a_field_command_that_cannot_be_read_without_guessing_is_refused(instruction):
    content = badfiles.simple_rtf(b"{\\field{\\*\\fldinst " + instruction + b"}{\\fldrslt x}}")
    error = refusal("a.rtf", content)
    assert (error.code, error.messages) == (
        "rtf_uninspectable",
        [
            "Ce fichier RTF ne peut pas être analysé (champ de structure inhabituelle). "
            "Enregistrez-le de nouveau au format RTF ou PDF puis réessayez."
        ],
    )


def test_a_field_hidden_beyond_a_deep_ignored_group_is_refused():
    content = badfiles.simple_rtf(b"{\\field{\\*\\fldinst {\\*\\x {{{{a}}}}}DDEAUTO x}{\\fldrslt x}}")
    assert refused_code("a.rtf", content) == "rtf_uninspectable"


def test_too_many_tokens_before_field_commands_are_refused(monkeypatch):
    monkeypatch.setattr(validation_rtf, "MAX_FIELD_TOKENS", 10)
    content = badfiles.rtf_field(b"PAGE", padding=(b"{" * 20 + b"}" * 20, b""))  # a step per "}"
    assert validation_rtf.rtf_problem(badfiles.rtf_field(b"PAGE")) is None
    assert refused_code("a.rtf", content) == "rtf_uninspectable"


def test_an_empty_field_and_text_after_a_field_are_accepted():
    content = badfiles.simple_rtf(
        b"{\\field{\\*\\fldinst }{\\fldrslt }} Le DDEAUTO et INCLUDEPICTURE ne sont que du texte ici."
    )
    assert validate_upload(upload("a.rtf", content)).extension == "rtf"


# --- Images ---------------------------------------------------------------------------------


def test_a_truncated_jpeg_is_refused():
    error = refusal("photo.jpg", badfiles.truncated_jpeg())
    assert (error.code, error.messages) == (
        "image_invalid",
        ["L'image est endommagée ou tronquée et ne peut pas être lue."],
    )


def test_a_truncated_tiff_is_refused():
    content = badfiles.tiff((256, 256))
    assert refused_code("scan.tif", content[: len(content) // 2]) == "image_invalid"


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (8_000, 8_000),  # 64 Mpx: above MAX_PIXELS, below Pillow's own limit
        (10_000, 10_000),  # 100 Mpx: Pillow warns (DecompressionBombWarning)
        (15_000, 15_000),  # 225 Mpx: Pillow raises (DecompressionBombError)
    ],
)
def test_a_decompression_bomb_tiff_is_refused(width, height):
    content = badfiles.bomb_tiff(width, height)
    assert len(content) < 64 * 1024  # a few kilobytes that would decode to width x height pixels

    error = refusal("bombe.tif", content)

    assert error.code == "image_too_large"
    assert error.messages == [
        "L'image est trop grande (40 millions de pixels au maximum par page, 100 pages au maximum)."
    ]


def test_the_bomb_builder_makes_real_images():
    # Same construction, a size under the ceiling: decoded and accepted.
    assert validate_upload(upload("grand.tif", badfiles.bomb_tiff(2_000, 2_000))).mime_type == "image/tiff"


@pytest.mark.parametrize(("width", "height"), [(8_000, 8_000), (65_000, 65_000)])
def test_a_jpeg_announcing_huge_dimensions_is_refused(width, height):
    assert refused_code("photo.jpg", badfiles.jpeg_with_declared_size(width, height)) == "image_too_large"


def test_checking_images_leaves_pillow_and_the_warning_filters_as_they_were():
    limit, filters = Image.MAX_IMAGE_PIXELS, list(warnings.filters)
    for width in (8_000, 10_000, 15_000):
        with pytest.raises(ValidationError):
            validate_upload(upload("bombe.tif", badfiles.bomb_tiff(width, width)))
    validate_upload(upload("photo.jpg", badfiles.jpeg()))
    assert limit == Image.MAX_IMAGE_PIXELS
    assert warnings.filters == filters


def test_the_pixel_ceiling_is_ours(monkeypatch):
    monkeypatch.setattr(validation, "MAX_PIXELS", 1_000)
    assert refused_code("photo.jpg", badfiles.jpeg((64, 48))) == "image_too_large"


def test_a_tiff_with_too_many_pages_is_refused(monkeypatch):
    content = badfiles.tiff((10, 10), pages=3)
    monkeypatch.setattr(validation, "MAX_FRAMES", 2)
    assert refused_code("scan.tiff", content) == "image_too_large"


def test_a_tiff_with_too_many_pixels_in_all_is_refused(monkeypatch):
    content = badfiles.tiff((100, 100), pages=3)
    monkeypatch.setattr(validation, "MAX_TOTAL_PIXELS", 25_000)
    assert refused_code("scan.tiff", content) == "image_too_large"


# --- Text -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "charset"),
    [
        (badfiles.FRENCH_TEXT.encode(), "utf-8"),
        (b"\xef\xbb\xbf" + badfiles.FRENCH_TEXT.encode(), "utf-8"),
        (badfiles.FRENCH_TEXT.encode("cp1252"), "windows-1252"),
        (badfiles.FRENCH_TEXT.encode("latin-1", errors="replace"), "windows-1252"),
        (b"Tabulations\tet\fsauts de page.\n", "utf-8"),
    ],
)
def test_text_in_utf8_or_a_legacy_french_encoding_is_accepted(content, charset):
    assert validate_upload(upload("note.txt", content)).charset == charset


@pytest.mark.parametrize(
    "content",
    [
        b"Compte rendu\x00\x00\x00\x00binaire",
        bytes(range(256)),
        badfiles.FRENCH_TEXT.encode("utf-16"),
        b"\x1b[31mTexte avec des s\xc3\xa9quences d'\xc3\xa9chappement\x1b[0m",
        zlib.compress(badfiles.FRENCH_TEXT.encode() * 50),
        badfiles.windows_executable(),
    ],
)
def test_binary_content_named_txt_is_refused(content):
    error = refusal("note.txt", content)
    assert error.code == "text_invalid"
    assert error.messages == [
        "Le fichier texte contient des données binaires ou des caractères non reconnus (encodage attendu : UTF-8)."
    ]


# --- The size limit while the upload streams ------------------------------------------------


class RecordingHandler(FileUploadHandler):
    """Stands for the handlers that store the file: records how many bytes reach them."""

    def receive_data_chunk(self, raw_data, start):
        self.request.downstream_bytes = getattr(self.request, "downstream_bytes", 0) + len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return None


class UploadForm(forms.Form):
    title = forms.CharField()
    file = forms.FileField()

    def clean_file(self):
        self.validated = validate_upload(self.cleaned_data["file"])
        return self.cleaned_data["file"]


def describe_upload(request):
    if request.method == "GET":
        return HttpResponse(get_token(request))
    form = UploadForm(request.POST, request.FILES)
    guard = request.upload_size_limit
    temporary_files = [
        handler.file.temporary_file_path()
        for handler in request.upload_handlers
        if isinstance(handler, TemporaryFileUploadHandler) and hasattr(handler, "file")
    ]
    valid = form.is_valid()
    return JsonResponse(
        {
            "valid": valid,
            "errors": {
                field: [e["message"] for e in errors] for field, errors in form.errors.get_json_data().items()
            },
            "title": request.POST.get("title"),
            "size": form.validated.size if valid else None,
            "guard_received": guard.received,
            "downstream_bytes": getattr(request, "downstream_bytes", 0),
            "rejected": [r.file_name for r in guard.rejected],
            "temporary_files_left": [p for p in temporary_files if os.path.exists(p)],
        }
    )


@method_decorator(size_limited_upload, name="dispatch")
class DescribeUploadView(View):
    def get(self, request):
        return describe_upload(request)

    def post(self, request):
        return describe_upload(request)


urlpatterns = [
    path("upload/", login_not_required(size_limited_upload(describe_upload))),
    path("upload-cbv/", login_not_required(DescribeUploadView.as_view())),
]


@pytest.fixture
def upload_site(settings, tmp_path):
    settings.ROOT_URLCONF = __name__
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.FILE_UPLOAD_HANDLERS = [
        f"{__name__}.RecordingHandler",
        "django.core.files.uploadhandler.MemoryFileUploadHandler",
        "django.core.files.uploadhandler.TemporaryFileUploadHandler",
    ]
    return tmp_path


@pytest.mark.parametrize("url", ["/upload/", "/upload-cbv/"])
def test_a_6_mo_upload_is_stopped_at_the_limit_and_the_form_shows_the_message(upload_site, client, url):
    big = SimpleUploadedFile("gros.txt", badfiles.text_of_size(6 * 1024 * 1024), content_type="text/plain")

    response = client.post(url, {"title": "Compte rendu", "file": big})

    result = response.json()
    assert result["valid"] is False
    assert result["errors"] == {"file": ["Le fichier dépasse la taille maximale de 5 Mo."]}
    assert result["title"] == "Compte rendu"  # the rest of the form survives
    assert result["rejected"] == ["gros.txt"]
    # The guard saw at most the limit and one chunk; the storing handlers, at most the limit.
    assert MAX_UPLOAD_BYTES < result["guard_received"] <= MAX_UPLOAD_BYTES + CHUNK
    assert result["downstream_bytes"] <= MAX_UPLOAD_BYTES
    assert result["temporary_files_left"] == []
    assert os.listdir(upload_site) == []


def test_exactly_5_mo_goes_through_the_guard_and_is_accepted(upload_site, client):
    exact = SimpleUploadedFile("exact.txt", badfiles.max_size_text(), content_type="text/plain")

    result = client.post("/upload/", {"title": "Compte rendu", "file": exact}).json()

    assert result["valid"] is True
    assert result["size"] == MAX_UPLOAD_BYTES
    assert result["rejected"] == []
    assert result["downstream_bytes"] == MAX_UPLOAD_BYTES


def test_a_small_upload_is_untouched_by_the_guard(upload_site, client):
    pdf = SimpleUploadedFile("cr.pdf", badfiles.simple_pdf(), content_type="application/pdf")
    result = client.post("/upload/", {"title": "CR", "file": pdf}).json()
    assert (result["valid"], result["errors"]) == (True, {})


def test_csrf_is_still_enforced_with_the_guard_installed(upload_site):
    client = Client(enforce_csrf_checks=True)
    small = SimpleUploadedFile("cr.pdf", badfiles.simple_pdf(), content_type="application/pdf")

    assert client.post("/upload/", {"title": "CR", "file": small}).status_code == 403

    token = client.get("/upload/").content.decode()
    small.seek(0)
    response = client.post("/upload/", {"csrfmiddlewaretoken": token, "title": "CR", "file": small})
    assert response.status_code == 200
    assert response.json()["valid"] is True


def test_the_csrf_token_after_a_refused_file_is_still_read(upload_site):
    # SkipFile (not StopUpload) keeps parsing the fields that follow the oversized file.
    client = Client(enforce_csrf_checks=True)
    token = client.get("/upload/").content.decode()
    big = SimpleUploadedFile("gros.txt", badfiles.text_of_size(6 * 1024 * 1024))

    response = client.post("/upload/", {"file": big, "title": "CR", "csrfmiddlewaretoken": token})

    assert response.status_code == 200
    assert response.json()["errors"] == {"file": ["Le fichier dépasse la taille maximale de 5 Mo."]}


def test_the_handler_counts_chunks_and_skips_the_file_past_the_limit():
    handler = SizeLimitUploadHandler(max_bytes=100)
    handler.new_file("file", "a.txt", "text/plain", None)
    assert handler.receive_data_chunk(b"x" * 60, 0) == b"x" * 60
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"x" * 60, 60)
    assert handler.rejected == [RejectedUpload("file", "a.txt", "text/plain", 120)]

    handler.new_file("file", "b.txt", "text/plain", None)  # the next file starts from zero
    assert handler.receive_data_chunk(b"x" * 100, 0) == b"x" * 100
    assert handler.file_complete(100) is None
    assert len(handler.rejected) == 1


def test_the_handler_skips_a_file_announced_too_big_before_its_first_byte():
    handler = SizeLimitUploadHandler()
    with pytest.raises(SkipFile):
        handler.new_file("file", "gros.pdf", "application/pdf", MAX_UPLOAD_BYTES + 1)
    assert handler.exceeded


def test_an_oversized_placeholder_is_refused_without_being_read():
    placeholder = OversizedUpload(
        RejectedUpload("file", "../gros.pdf", "application/pdf", MAX_UPLOAD_BYTES + CHUNK)
    )
    assert placeholder.name == "gros.pdf"
    with pytest.raises(ValidationError) as caught:
        validate_upload(placeholder)
    assert caught.value.code == "too_large"
    with pytest.raises(OSError):
        placeholder.read()
