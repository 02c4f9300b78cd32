"""Is this uploaded file acceptable? The one place that decides (DESIGN.md §3).

`validate_upload(uploaded_file)` judges a file by its bytes, not by what the browser says:

- size: at most MAX_UPLOAD_BYTES (5 Mo), checked on the declared size first, then by counting
  while hashing; an empty file is refused;
- name: reduced to a safe display name (basename only, no control or bidi characters, capped);
- extension: one of ALLOWED_EXTENSIONS, and the content must be that type:
  PDF (header, %%EOF, cross-reference structure; no JavaScript, launch action, embedded file,
  XFA, rich media, 3D, multimedia, nor any action that leaves the document: URI (javascript: URIs
  included), SubmitForm, ImportData, remote go-to (GoToR, GoToE); even hidden behind #xx escapes
  or inside compressed object streams; no encryption), RTF (header; no embedded OLE object, no
  template, no field but the harmless ones, read over the whole file: documents/validation_rtf.py),
  JPEG / TIFF (identified and fully decoded by Pillow, restricted to that format, with a pixel
  ceiling against decompression bombs), text (UTF-8 with or without BOM, or Windows-1252 for
  legacy French files; no NUL or other control bytes).

Every refusal is a django ValidationError with a French message and a stable `code`
(see MESSAGES). On success it returns a ValidatedFile and leaves the file rewound to 0, ready
to be handed to the storage. The module is pure: no database, no storage, no request.

Memory: the file is read in CHUNK_SIZE chunks; only a PDF or an RTF (at most MAX_UPLOAD_BYTES,
since the size is enforced before and while reading) is held whole for its structural scan.
Images are decoded by Pillow straight from the file; text is decoded incrementally.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import struct
import unicodedata
import warnings
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

from documents.validation_rtf import rtf_problem

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
CHUNK_SIZE = 64 * 1024
MAX_NAME_LENGTH = 150

# Images: one frame may not exceed MAX_PIXELS (a 40-megapixel photo decodes to ~120 MB in RGB);
# a multi-page TIFF may not exceed MAX_FRAMES pages nor MAX_TOTAL_PIXELS over all its pages
# (about 50 A4 pages scanned at 200 dpi).
MAX_PIXELS = 40_000_000
MAX_TOTAL_PIXELS = 200_000_000
MAX_FRAMES = 100

# PDF: decompressed object streams are scanned up to this many bytes in all (never held whole);
# a file with more objects and streams than this is not scanned (bounds the CPU time of a
# crafted file to about a second; real documents of 5 Mo have a few thousand).
MAX_PDF_INFLATED_BYTES = 64 * 1024 * 1024
MAX_PDF_OBJECTS = 100_000

# Extension -> (family, MIME type served on download), in the order the upload page lists them.
# The one list: the check, the page's accept attribute and the messages all derive from it.
_TYPES = {
    "jpeg": ("jpeg", "image/jpeg"),
    "jpg": ("jpeg", "image/jpeg"),
    "txt": ("text", "text/plain"),
    "pdf": ("pdf", "application/pdf"),
    "rtf": ("rtf", "application/rtf"),
    "tif": ("tiff", "image/tiff"),
    "tiff": ("tiff", "image/tiff"),
}
ALLOWED_EXTENSIONS = tuple(_TYPES)
_FORMATS = ", ".join(ALLOWED_EXTENSIONS)
ACCEPT_ATTRIBUTE = ",".join(f".{ext}" for ext in ALLOWED_EXTENSIONS)  # for <input type=file accept=…>
UPLOAD_HELP_TEXT = f"Joindre un fichier (Taille maximum : 5 Mo, formats acceptés : {_FORMATS})"

MESSAGES = {
    "too_large": "Le fichier dépasse la taille maximale de 5 Mo.",
    "empty": "Le fichier est vide.",
    "extension": f"Ce format de fichier n'est pas accepté. Formats acceptés : {_FORMATS}.",
    "mismatch": "Le contenu du fichier ne correspond pas à son extension (.%(extension)s).",
    "pdf_invalid": "Le fichier PDF est endommagé ou sa structure n'est pas reconnue.",
    "pdf_active": "Les PDF contenant du JavaScript, des actions de lancement, des fichiers joints, des formulaires à envoyer ou des liens vers d'autres fichiers ou des sites ne sont pas acceptés.",
    "pdf_encrypted": "Les PDF chiffrés ou protégés par un mot de passe ne sont pas acceptés.",
    "pdf_uninspectable": "Ce PDF ne peut pas être analysé (compression non prise en charge). Enregistrez-le de nouveau au format PDF/A puis réessayez.",
    "rtf_object": "Les fichiers RTF contenant des objets incorporés, un modèle externe, des champs actifs (DDE, inclusion de fichiers ou d'images) ou des liens ne sont pas acceptés.",
    "rtf_uninspectable": "Ce fichier RTF ne peut pas être analysé (champ de structure inhabituelle). Enregistrez-le de nouveau au format RTF ou PDF puis réessayez.",
    "image_invalid": "L'image est endommagée ou tronquée et ne peut pas être lue.",
    "image_too_large": "L'image est trop grande (40 millions de pixels au maximum par page, 100 pages au maximum).",
    "text_invalid": "Le fichier texte contient des données binaires ou des caractères non reconnus (encodage attendu : UTF-8).",
}


@dataclass(frozen=True, slots=True)
class ValidatedFile:
    """What the upload form keeps of an accepted file."""

    name: str  # safe display name, e.g. "compte-rendu.pdf"; never a storage path
    extension: str  # lower case, without the dot: "pdf"
    mime_type: str  # "application/pdf", "image/jpeg", "image/tiff", "application/rtf", "text/plain"
    size: int  # bytes actually read
    sha256: str  # hex digest of the content
    charset: str | None = None  # text files only: "utf-8" or "windows-1252"

    @property
    def content_type(self) -> str:
        """The Content-Type header to serve the file with."""
        return f"{self.mime_type}; charset={self.charset}" if self.charset else self.mime_type


def _refuse(code: str, **params: Any) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code, params=params or None)


# --- Name -----------------------------------------------------------------------------------

_RESERVED_CHARS = re.compile(r'[<>:"|?*]')


def safe_filename(name: str | None) -> str:
    """A display name that cannot be a path: basename only (after NFKC, so a fullwidth slash
    counts as a slash), no control, format (bidi override) or unassigned characters, no
    characters Windows forbids, no leading or trailing dots and spaces, at most
    MAX_NAME_LENGTH characters with the extension kept. May return "" (then refused)."""
    name = unicodedata.normalize("NFKC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = _RESERVED_CHARS.sub("_", name)
    name = " ".join(name.split()).strip(" .")
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and stem and 0 < len(ext) <= 10:
            name = stem[: MAX_NAME_LENGTH - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            name = name[:MAX_NAME_LENGTH].rstrip(" .")
    return name


def _extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


# --- Entry point ----------------------------------------------------------------------------


def validate_upload(uploaded_file: Any) -> ValidatedFile:
    """Accept or refuse an uploaded file (a django UploadedFile or File); see the module doc.

    Raises ValidationError (French message, `code` in MESSAGES). On success the file is
    rewound to its start."""
    declared = getattr(uploaded_file, "size", None)
    if declared is not None and declared > MAX_UPLOAD_BYTES:
        raise _refuse("too_large")
    if declared == 0:
        raise _refuse("empty")

    name = safe_filename(getattr(uploaded_file, "name", ""))
    extension = _extension(name)
    if extension not in _TYPES:
        raise _refuse("extension")
    family, mime_type = _TYPES[extension]

    # One pass: count, hash, keep the head, and hold the content only for PDF and RTF.
    hasher = hashlib.sha256()
    size = 0
    head = b""
    hold = family in ("pdf", "rtf")
    held = bytearray()
    for chunk in _chunks(uploaded_file):
        size += len(chunk)
        if size > MAX_UPLOAD_BYTES:
            raise _refuse("too_large")
        hasher.update(chunk)
        if len(head) < 16:
            head += chunk[: 16 - len(head)]
        if hold:
            held += chunk
    if size == 0:
        raise _refuse("empty")

    charset = None
    if family == "pdf":
        if not head.startswith(b"%PDF-"):
            raise _refuse("mismatch", extension=extension)
        _check_pdf(held)
    elif family == "rtf":
        if not head.startswith(b"{\\rtf"):
            raise _refuse("mismatch", extension=extension)
        _check_rtf(held)
    elif family in ("jpeg", "tiff"):
        if not head.startswith(_IMAGE_SIGNATURES[family]):
            raise _refuse("mismatch", extension=extension)
        _check_image(uploaded_file, family, extension)
    else:
        if head.startswith(_BINARY_SIGNATURES):
            raise _refuse("mismatch", extension=extension)
        charset = _check_text(uploaded_file)

    _rewind(uploaded_file)
    return ValidatedFile(
        name=name,
        extension=extension,
        mime_type=mime_type,
        size=size,
        sha256=hasher.hexdigest(),
        charset=charset,
    )


def _rewind(fileobj: Any) -> None:
    fileobj.seek(0)


def _chunks(fileobj: Any) -> Iterator[bytes]:
    """The file's bytes from its start, CHUNK_SIZE at a time (Django Files and plain ones)."""
    _rewind(fileobj)
    read = fileobj.read
    while chunk := read(CHUNK_SIZE):
        yield chunk


# --- Signatures -----------------------------------------------------------------------------

_IMAGE_SIGNATURES = {
    "jpeg": (b"\xff\xd8\xff",),
    "tiff": (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"),  # classic and BigTIFF
}

# A .txt starting like one of these is another kind of file (documents, images, archives,
# executables). Two-byte magics (MZ, BM) are left to the binary-content check.
_BINARY_SIGNATURES = (
    b"%PDF-",
    b"{\\rtf",
    b"\xff\xd8\xff",
    b"II*\x00",
    b"MM\x00*",
    b"\x89PNG\r\n\x1a\n",
    b"GIF87a",
    b"GIF89a",
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"\x7fELF",
    b"\xca\xfe\xba\xbe",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\x1f\x8b\x08",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
)


# --- Text -----------------------------------------------------------------------------------

# C0 controls except tab, line feed, form feed and carriage return; and DEL.
_TEXT_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _check_text(fileobj: Any) -> str:
    """UTF-8 (BOM or not) first; Windows-1252 for legacy files (it also covers the printable
    Latin-1 range). UTF-16 files contain NUL bytes and are refused like any binary content."""
    if _decodes_as_text(fileobj, "utf-8-sig"):
        return "utf-8"
    if _decodes_as_text(fileobj, "cp1252"):
        return "windows-1252"
    raise _refuse("text_invalid")


def _decodes_as_text(fileobj: Any, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        for chunk in _chunks(fileobj):
            if _TEXT_FORBIDDEN.search(decoder.decode(chunk)):
                return False
        if _TEXT_FORBIDDEN.search(decoder.decode(b"", final=True)):
            return False
    except UnicodeDecodeError:
        return False
    return True


# --- RTF ------------------------------------------------------------------------------------


def _check_rtf(data: bytearray) -> None:
    problem = rtf_problem(data)
    if problem is not None:
        raise _refuse(problem)


# --- PDF ------------------------------------------------------------------------------------
#
# Not a PDF parser, but a scan that walks the file the way a reader does: string literals,
# comments and stream bodies are skipped, names are compared after their #xx escapes are
# decoded (/J#61vaScript is /JavaScript), each stream is tied to its dictionary, and object
# streams (PDF 1.5+, where dictionaries are compressed) are decompressed and scanned too. On
# top of that, the long forbidden names are looked for in the raw bytes as well, in case this
# scan and a reader disagree about where a string or a stream ends.
#
# Everything runs in the regex engine over the bytes in place: Python only steps from one
# object header or stream to the next, so a 5 Mo file of a million tiny tokens is scanned in
# well under a second, and nothing but the file itself is held.

# Executable content, launching programs, carrying files, reaching other files or sites (a link to
# a web site or a UNC path is an outbound request the reader sends, with credentials for UNC):
_PDF_FORBIDDEN = (
    b"JS",
    b"JavaScript",
    b"Launch",
    b"EmbeddedFile",
    b"EmbeddedFiles",
    b"EF",
    b"FileAttachment",
    b"GoToE",
    b"GoToR",
    b"URI",
    b"SubmitForm",
    b"ImportData",
    b"RichMedia",
    b"Rendition",
    b"Movie",
    b"Sound",
    b"3D",
    b"XFA",
)
_PDF_FILTERS = (
    b"FlateDecode",
    b"Fl",
    b"LZWDecode",
    b"LZW",
    b"ASCIIHexDecode",
    b"AHx",
    b"ASCII85Decode",
    b"A85",
    b"RunLengthDecode",
    b"RL",
    b"CCITTFaxDecode",
    b"CCF",
    b"DCTDecode",
    b"DCT",
    b"JBIG2Decode",
    b"JPXDecode",
    b"Crypt",
)

# The lexical pieces, spliced into the patterns below as %(ws)b, %(reg)b, … (so a literal "%"
# in a pattern is written "%%").
_PIECES = {
    b"ws": rb"[\x00\t\n\x0c\r ]",
    b"reg": rb"[^\x00\t\n\x0c\r ()<>\[\]{}/%]",  # a regular character: names, numbers, keywords
    b"comment": rb"%[^\r\n]*+",
    b"hex": rb"<[0-9A-Fa-f\x00\t\n\x0c\r ]*+>",
}
# A literal string, with up to two levels of nested unescaped parentheses inside (deeper is
# refused: writers escape parentheses, and this keeps every match linear).
_STRING_0 = rb"\((?:[^()\\]++|\\.)*+\)"
_STRING_1 = rb"\((?:[^()\\]++|\\.|" + _STRING_0 + rb")*+\)"
_PIECES[b"string"] = rb"\((?:[^()\\]++|\\.|" + _STRING_1 + rb")*+\)"
_PIECES[b"special"] = (
    rb"(?:stream|obj|xref|trailer)(?!%(reg)b)|\d++%(ws)b++\d++%(ws)b++obj(?!%(reg)b)" % _PIECES
)


def _rx(template: bytes) -> re.Pattern[bytes]:
    return re.compile(template % _PIECES, re.DOTALL)


# Everything that is neither an object header nor one of the keywords above, in one match.
_PDF_RUN = _rx(
    rb"(?:%(ws)b++|%(comment)b|/%(reg)b*+|<<|>>|%(hex)b|%(string)b|[<>\[\]{})]|(?!%(special)b)%(reg)b++)++"
)
_PDF_SPECIAL = _rx(
    rb"(?P<header>(\d++)%(ws)b++(\d++)%(ws)b++obj)(?!%(reg)b)|(?P<keyword>stream|obj|xref|trailer)(?!%(reg)b)"
)
_PDF_INTEGER_BODY = _rx(rb"%(ws)b*+(\d{1,10})%(ws)b*+endobj(?!%(reg)b)")
_PDF_NOISE = _rx(rb"%(string)b|%(comment)b|%(hex)b")
_PDF_NAME_TOKEN = _rx(rb"/(%(reg)b*)")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_LENGTH = _rx(rb"/Length(?!%(reg)b)%(ws)b*(\d{1,10})(?:%(ws)b+(\d{1,10})%(ws)b+R(?!%(reg)b))?")
_PDF_ENDSTREAM_AT = _rx(rb"%(ws)b*endstream")
_PDF_HEADER = re.compile(rb"%PDF-\d\.\d")
_PDF_STARTXREF = _rx(rb"startxref%(ws)b+(\d{1,10})%(ws)b+%%%%EOF")
_PDF_INFLATE_PIECE = 256 * 1024
_PDF_NAME_OVERLAP = 256


def _name_pattern(names: tuple[bytes, ...]) -> bytes:
    """Alternation matching these names in any #xx-escaped spelling, as whole names."""

    def hex_escape(byte: int) -> bytes:
        high, low = (b"%02x" % byte).decode()
        return f"#[{high}{high.upper()}][{low}{low.upper()}]".encode()

    def spelled(name: bytes) -> bytes:
        rest = b"".join(
            b"(?:" + re.escape(bytes([byte])) + b"|" + hex_escape(byte) + b")" for byte in name[1:]
        )
        # Two branches, the first starting with a literal: the regex engine skips such a branch
        # after one byte comparison, which keeps a file of a million names fast.
        return re.escape(name[:1]) + rest + b"|" + hex_escape(name[0]) + rest

    return b"(?:" + b"|".join(spelled(name) for name in names) + b")(?!%(reg)b)" % _PIECES


def _name_outside_strings(names: tuple[bytes, ...]) -> re.Pattern[bytes]:
    """Matches from the start of a region up to the first of these names that is not inside a
    string or a comment (use with .match(data, start, end))."""
    target = _name_pattern(names)
    # A name whose first byte starts none of these names (nor a #xx escape) is skipped without
    # trying them all.
    first_bytes = re.escape(bytes(sorted({name[0] for name in names} | {ord("#")})))
    skip = rb"(?:%(string)b|%(comment)b|[^(%%/]++|/(?=[^%(first)b])%(reg)b*+|/(?!%(target)b)%(reg)b*+)*+" % {
        **_PIECES,
        b"target": target,
        b"first": first_bytes,
    }
    return re.compile(skip + b"/" + target, re.DOTALL)


_PDF_FORBIDDEN_IN_REGION = _name_outside_strings(_PDF_FORBIDDEN)
_PDF_ENCRYPT_IN_REGION = _name_outside_strings((b"Encrypt",))
_PDF_XREF_STREAM_IN_REGION = _name_outside_strings((b"XRef",))
# Anywhere, strings and stream bodies included: the long names only (a two-letter name like
# /JS turns up by chance in compressed data; these do not).
_PDF_FORBIDDEN_ANYWHERE = re.compile(b"/" + _name_pattern(tuple(n for n in _PDF_FORBIDDEN if len(n) >= 6)))
_PDF_FORBIDDEN_INFLATED = re.compile(b"/" + _name_pattern(_PDF_FORBIDDEN))
# An object stream is recognised by its /First key as well as by /Type /ObjStm: some readers load
# compressed objects from any stream the cross-reference points to, whatever its /Type says.
_PDF_OBJSTM = _rx(rb"/(?:ObjStm|First)(?!%(reg)b)")
_PDF_FILTER_KEY = _rx(rb"/Filter(?!%(reg)b)")
_PDF_PREDICTOR_KEY = _rx(rb"/Predictor(?!%(reg)b)")
_PDF_FILTER_NAMES = re.compile(b"/(%b)(?!%b)" % (b"|".join(_PDF_FILTERS), _PIECES[b"reg"]))


def _pdf_name(raw: bytes) -> bytes:
    """A name as readers see it: #xx escapes decoded."""
    return _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), raw)


class _PdfScan:
    """What the scan learnt about a PDF."""

    def __init__(self) -> None:
        self.regions: list[tuple[int, int]] = []  # outside stream bodies
        self.keywords: set[bytes] = set()
        self.objects = 0
        self.events = 0  # object headers and streams
        self.inflated = 0
        # Streams whose /Length is an indirect reference: (body start, (num, gen), end used).
        self.indirect_lengths: list[tuple[int, tuple[int, int], int]] = []
        # Objects whose whole body is one integer (where indirect lengths live).
        self.integers: dict[tuple[int, int], int] = {}


def _check_pdf(data: bytearray) -> None:
    if not _PDF_HEADER.match(data) or b"%%EOF" not in data[-1024:]:
        raise _refuse("pdf_invalid")
    startxrefs = list(_PDF_STARTXREF.finditer(data, max(0, len(data) - 2048)))
    if not startxrefs or int(startxrefs[-1][1]) >= len(data):
        raise _refuse("pdf_invalid")

    scan = _scan_pdf(data)

    def in_regions(pattern: re.Pattern[bytes]) -> bool:
        return any(pattern.match(data, start, end) for start, end in scan.regions)

    has_xref = {b"xref", b"trailer"} <= scan.keywords or in_regions(_PDF_XREF_STREAM_IN_REGION)
    if not scan.objects or not has_xref:
        raise _refuse("pdf_invalid")
    if in_regions(_PDF_ENCRYPT_IN_REGION):
        raise _refuse("pdf_encrypted")
    if in_regions(_PDF_FORBIDDEN_IN_REGION) or _PDF_FORBIDDEN_ANYWHERE.search(data):
        raise _refuse("pdf_active")
    # A stream whose indirect /Length reaches a later "endstream" than the one the scan
    # stopped at holds bytes a reader would parse differently: refused as ambiguous.
    for body, ref, used_end in scan.indirect_lengths:
        length = scan.integers.get(ref)
        if (
            length is not None
            and _PDF_ENDSTREAM_AT.match(data, body + length)
            and data.find(b"endstream", body + length) != data.find(b"endstream", used_end)
        ):
            raise _refuse("pdf_invalid")


def _scan_pdf(data: bytearray) -> _PdfScan:
    scan = _PdfScan()
    size = len(data)
    pos = region_start = 0
    dictionary_start: int | None = None  # where the current object's body starts
    while pos < size:
        run = _PDF_RUN.match(data, pos)
        if run is not None:
            pos = run.end()
            if pos >= size:
                break
        special = _PDF_SPECIAL.match(data, pos)
        if special is None:
            # An unterminated string, or one nested deeper than this scan follows.
            raise _refuse("pdf_invalid")
        pos = special.end()
        keyword = special["keyword"]
        if keyword != b"xref" and keyword != b"trailer":
            scan.events += 1
            if scan.events > MAX_PDF_OBJECTS:
                raise _refuse("pdf_uninspectable")
        if special["header"] is not None:
            scan.objects += 1
            dictionary_start = pos
            integer = _PDF_INTEGER_BODY.match(data, pos)
            if integer is not None:
                scan.integers[(int(special[2]), int(special[3]))] = int(integer[1])
        elif keyword == b"stream":
            start = dictionary_start if dictionary_start is not None else region_start
            dictionary = _pdf_dictionary(data[start : special.start()])
            scan.regions.append((region_start, special.start()))
            pos = region_start = _pdf_stream(data, pos, dictionary, scan)
            dictionary_start = None
        elif keyword == b"obj":
            scan.objects += 1  # without a number: tolerated, as readers do
            dictionary_start = pos
        else:
            scan.keywords.add(bytes(keyword))
    scan.regions.append((region_start, size))
    return scan


def _pdf_dictionary(raw: bytearray) -> bytes:
    """A stream's dictionary with strings and comments blanked and names unescaped."""
    text = _PDF_NOISE.sub(b" ", raw)
    if b"#" in text:
        text = _PDF_NAME_TOKEN.sub(lambda m: b"/" + _pdf_name(m[1]), text)
    return bytes(text)


def _pdf_stream(data: bytearray, pos: int, dictionary: bytes, scan: _PdfScan) -> int:
    """Skip (and, for an object stream, inspect) the stream body after the "stream" keyword;
    return the position after its "endstream"."""
    if data.startswith(b"\r\n", pos):
        pos += 2
    elif data.startswith((b"\n", b"\r"), pos):
        pos += 1
    body = end = pos
    length = _PDF_LENGTH.search(dictionary)
    if length is not None and length[2] is None and _PDF_ENDSTREAM_AT.match(data, body + int(length[1])):
        end = body + int(length[1])
    else:
        end = data.find(b"endstream", body)
        if end < 0:
            raise _refuse("pdf_invalid")
        if length is not None and length[2] is not None:
            scan.indirect_lengths.append((body, (int(length[1]), int(length[2])), end))
    if _PDF_OBJSTM.search(dictionary):
        _inspect_object_stream(memoryview(data)[body:end], dictionary, scan)
    return data.find(b"endstream", end) + len(b"endstream")


def _inspect_object_stream(body: memoryview, dictionary: bytes, scan: _PdfScan) -> None:
    """Look for forbidden names inside a compressed object stream.

    Only what writers actually produce is inspected: no filter, or one FlateDecode without a
    predictor. Anything else (an indirect /Filter, chained filters, a PNG predictor that would
    scramble the names) could hide a dictionary from this scan: refused."""
    filters = _PDF_FILTER_NAMES.findall(dictionary)
    has_filter = _PDF_FILTER_KEY.search(dictionary) is not None
    has_predictor = _PDF_PREDICTOR_KEY.search(dictionary) is not None
    if (has_filter and not filters) or len(filters) > 1 or has_predictor:
        raise _refuse("pdf_uninspectable")
    if not filters:
        pieces: Iterator[bytes] = iter((bytes(body),))
    elif filters[0] in (b"FlateDecode", b"Fl"):
        pieces = _inflate(body, scan)
    else:
        raise _refuse("pdf_uninspectable")
    for piece in pieces:
        if _PDF_FORBIDDEN_INFLATED.search(piece):
            raise _refuse("pdf_active")


def _inflate(body: memoryview, scan: _PdfScan) -> Iterator[bytes]:
    """Decompressed pieces of a Flate stream, cut before their last "/" so that no name is split
    between two pieces (the bytes from that "/" on start the next piece). At most
    MAX_PDF_INFLATED_BYTES in all, never more than one piece held."""
    decompressor = zlib.decompressobj()
    tail = b""
    try:
        for start in range(0, len(body), CHUNK_SIZE):
            pending = bytes(body[start : start + CHUNK_SIZE])
            while pending and not decompressor.eof:
                out = decompressor.decompress(pending, _PDF_INFLATE_PIECE)
                pending = decompressor.unconsumed_tail
                scan.inflated += len(out)
                if scan.inflated > MAX_PDF_INFLATED_BYTES:
                    raise _refuse("pdf_uninspectable")
                piece = tail + out
                slash = piece.rfind(b"/", max(0, len(piece) - _PDF_NAME_OVERLAP))
                if slash < 0:
                    yield piece
                    tail = b""
                else:
                    yield piece[:slash]
                    tail = piece[slash:]
            if decompressor.eof:
                break
    except zlib.error as error:
        raise _refuse("pdf_invalid") from error
    yield tail


# --- Images ---------------------------------------------------------------------------------

# Pillow opens only the expected format (no other decoder ever sees the bytes); an MPO is a
# JPEG with extra frames (phones write them).
_PIL_FORMATS = {"jpeg": ("JPEG",), "tiff": ("TIFF",)}
_PIL_ACCEPTED = {"jpeg": {"JPEG", "MPO"}, "tiff": {"TIFF"}}
_PIL_ERRORS = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    ZeroDivisionError,
    OverflowError,
    struct.error,
)


def _check_image(fileobj: IO[bytes], family: str, extension: str) -> None:
    """Identify, verify, then decode every frame with a pixel ceiling.

    Pillow's own bomb guard (module-global MAX_IMAGE_PIXELS) is left untouched: it raises
    DecompressionBombError above twice its limit and warns above it. Warnings are recorded
    locally (so the outcome does not depend on the process's warning filters, and
    filterwarnings=error in tests does not turn Pillow's metadata warnings into crashes), and
    a DecompressionBombWarning is a refusal. Our ceiling, MAX_PIXELS, is lower than Pillow's
    default and is checked on the header's dimensions before any pixel is decoded.
    (warnings.catch_warnings is process-wide state in Python 3.12: a concurrent thread's
    warnings may be recorded here and dropped, never turned into errors.)"""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            _decode_image(fileobj, family, extension, caught)
        except Image.DecompressionBombError as error:
            raise _refuse("image_too_large") from error
        except _PIL_ERRORS as error:
            raise _refuse("image_invalid") from error
        finally:
            _rewind(fileobj)
    if _bomb_warned(caught):
        raise _refuse("image_too_large")


def _bomb_warned(caught: list[warnings.WarningMessage]) -> bool:
    return any(issubclass(w.category, Image.DecompressionBombWarning) for w in caught)


def _decode_image(fileobj: IO[bytes], family: str, extension: str, caught: list[Any]) -> None:
    try:
        image = Image.open(fileobj, formats=_PIL_FORMATS[family])
    except UnidentifiedImageError as error:
        raise _refuse("mismatch", extension=extension) from error
    with image:
        if image.format not in _PIL_ACCEPTED[family]:
            raise _refuse("mismatch", extension=extension)
        if _bomb_warned(caught):
            raise _refuse("image_too_large")
        _check_pixels(image.size)
        image.verify()

    # verify() leaves the image unusable: reopen and really decode, frame by frame.
    total = 0
    with Image.open(fileobj, formats=_PIL_FORMATS[family]) as image:
        for index in range(MAX_FRAMES + 1):
            try:
                image.seek(index)
            except EOFError:
                break
            if index == MAX_FRAMES:
                raise _refuse("image_too_large")
            total += _check_pixels(image.size)
            if total > MAX_TOTAL_PIXELS or _bomb_warned(caught):
                raise _refuse("image_too_large")
            image.load()


def _check_pixels(size: tuple[int, int]) -> int:
    width, height = size
    if width <= 0 or height <= 0:
        raise _refuse("image_invalid")
    if width * height > MAX_PIXELS:
        raise _refuse("image_too_large")
    return width * height
