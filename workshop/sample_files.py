"""Small, real files for the demo dataset, built in memory byte by byte (no fixtures on disk).

One builder per format that "Joindre un fichier" accepts (documents/validation.py): PDF, JPEG, TIFF,
RTF and plain text. Each returns bytes that validate_upload accepts and a reader opens: the PDF has
its objects, a cross-reference table with exact offsets, trailer, startxref and %%EOF (the layout of
tests/documents/badfiles.py, which builds the bad files of the upload tests); the images are encoded
by Pillow. Builders are pure and deterministic: the same arguments give the same bytes (for a given
Pillow), nothing is written anywhere, and no test module is imported.
"""

import io
import unicodedata
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

# --- PDF ------------------------------------------------------------------------------------

A4_POINTS = (595, 842)


def _pdf_string(text: str) -> bytes:
    """A PDF literal string in WinAnsiEncoding: escapes for the delimiters, octal for non-ASCII."""
    out = bytearray(b"(")
    for byte in text.encode("cp1252", errors="replace"):
        if byte in b"()\\":
            out += b"\\" + bytes([byte])
        elif 32 <= byte < 127:
            out.append(byte)
        else:
            out += b"\\%03o" % byte
    return bytes(out + b")")


def pdf_stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(data), extra, data)


def build_pdf(objects: list[bytes], trailer_extra: bytes = b"", version: bytes = b"1.4") -> bytes:
    """Object n is objects[n - 1]; the catalog is 1. A classic cross-reference table."""
    out = bytearray(b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\n" % (len(objects) + 1, trailer_extra)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def pdf(title: str, lines: Sequence[str] = ()) -> bytes:
    """A one-page A4 PDF: the title in bold, then the lines (Helvetica, WinAnsiEncoding)."""
    content = bytearray(b"BT /F2 15 Tf 56 780 Td %s Tj ET\n" % _pdf_string(title))
    y = 750
    for line in lines:
        content += b"BT /F1 11 Tf 56 %d Td %s Tj ET\n" % (y, _pdf_string(line))
        y -= 16
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>"
    return build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>" % A4_POINTS,
            pdf_stream(bytes(content)),
            font % b"Helvetica",
            font % b"Helvetica-Bold",
        ]
    )


# --- RTF ------------------------------------------------------------------------------------


def _rtf_text(text: str) -> bytes:
    """RTF body text: delimiters escaped, Windows-1252 characters as \\'xx, others as \\uN?."""
    out = bytearray()
    for char in text:
        if char in "\\{}":
            out += b"\\" + char.encode()
        elif 32 <= ord(char) < 127:
            out += char.encode()
        else:
            try:
                out += b"\\'%02x" % char.encode("cp1252")[0]
            except UnicodeEncodeError:
                code = ord(char)
                out += b"\\u%d?" % (code - 65536 if code > 32767 else code)
    return bytes(out)


def rtf(title: str, lines: Sequence[str] = ()) -> bytes:
    """A Word-compatible RTF letter: the title in bold, one paragraph per line. No object, no field."""
    body = bytearray(b"\\pard\\sa200\\b\\fs28 " + _rtf_text(title) + b"\\b0\\fs22\\par\n")
    for line in lines:
        body += b"\\pard\\sa120 " + _rtf_text(line) + b"\\par\n"
    return (
        b"{\\rtf1\\ansi\\ansicpg1252\\deff0\\deflang1036{\\fonttbl{\\f0\\fswiss Helvetica;}}\n"
        b"\\f0\\fs22\n" + bytes(body) + b"}"
    )


# --- Text -----------------------------------------------------------------------------------


def text(title: str, lines: Sequence[str] = ()) -> bytes:
    """A UTF-8 text file, lines ending in LF, as a patient's notes or a laboratory export."""
    return ("\n".join([title, "=" * len(title), "", *lines]) + "\n").encode()


# --- Images ---------------------------------------------------------------------------------


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    """Pillow's built-in font: the same on every machine, but without accented letters."""
    return ImageFont.load_default(size=size)


_FOLD = str.maketrans(
    {
        "œ": "oe",
        "Œ": "OE",
        "æ": "ae",
        "Æ": "AE",
        "\u2014": "-",
        "\u2013": "-",
        "\u2019": "'",
        "«": '"',
        "»": '"',
    }
)


def _printable(text: str) -> str:
    """What the built-in font can draw: accents dropped ("Dénomination" -> "Denomination")."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(char for char in decomposed if char.isascii() and char.isprintable())


def jpeg_photo(caption: str, size: tuple[int, int] = (640, 480)) -> bytes:
    """A clinical photograph, as a phone takes it: a skin-coloured field, a reddish oval lesion,
    a centimetre ruler and a caption. RGB JPEG, quality 85."""
    width, height = size
    image = Image.new("RGB", size, (222, 184, 160))
    draw = ImageDraw.Draw(image)
    cx, cy = width // 2, height // 2 - 20
    draw.ellipse((cx - 120, cy - 70, cx + 120, cy + 70), fill=(196, 120, 110))
    draw.ellipse((cx - 80, cy - 42, cx + 80, cy + 42), fill=(168, 62, 58))
    draw.ellipse((cx - 40, cy - 20, cx + 45, cy + 18), fill=(214, 170, 90))
    ruler_y = height - 90
    draw.rectangle((40, ruler_y, width - 40, ruler_y + 30), fill=(245, 245, 235), outline=(40, 40, 40))
    for index, x in enumerate(range(40, width - 40, 20)):
        draw.line((x, ruler_y, x, ruler_y + (16 if index % 5 == 0 else 8)), fill=(40, 40, 40))
    draw.text((40, height - 48), _printable(caption), fill=(20, 20, 20), font=_font(18))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def jpeg_card(title: str, lines: Sequence[str] = (), size: tuple[int, int] = (640, 400)) -> bytes:
    """A photographed card or certificate: a white card with a coloured band on a dark table."""
    width, height = size
    image = Image.new("RGB", size, (60, 64, 70))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((24, 24, width - 24, height - 24), radius=18, fill=(250, 250, 246))
    draw.rectangle((24, 60, width - 24, 104), fill=(38, 92, 160))
    draw.text((44, 68), _printable(title), fill=(255, 255, 255), font=_font(22))
    y = 130
    for line in lines:
        draw.text((44, y), _printable(line), fill=(30, 30, 30), font=_font(17))
        y += 30
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def tiff_scan(title: str, lines: Sequence[str] = (), size: tuple[int, int] = (827, 1169)) -> bytes:
    """A page scanned at 100 dpi (A4), bilevel and CCITT Group 4 compressed, as scanners and fax
    machines write it: a few kilobytes."""
    width, _ = size
    page = Image.new("1", size, 1)
    draw = ImageDraw.Draw(page)
    draw.rectangle((50, 50, width - 50, 120), outline=0, width=3)
    draw.text((70, 70), _printable(title), fill=0, font=_font(26))
    y = 170
    for line in lines:
        draw.text((70, y), _printable(line), fill=0, font=_font(20))
        y += 36
    draw.line((width - 330, y + 60, width - 90, y + 40), fill=0, width=3)  # a signature stroke
    buffer = io.BytesIO()
    page.save(buffer, "TIFF", compression="group4", dpi=(100, 100))
    return buffer.getvalue()
