"""How long validate_upload takes on 5 Mo files built to make a scanner slow (RTF and PDF).

Run: .venv/bin/python -m bench.upload_checks
Prints, for each file, the verdict (accepted or the refusal's code) and the best of three CPU times
(process time: the machine is shared, wall time would measure the neighbours too).
The checks are linear in the file: every case should stay well under a second on a 2-core machine.
Not a test (no timed assertion): a figure to compare before and after a change.
"""

from __future__ import annotations

import io
import time
import zlib
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.files import File

from documents.validation import MAX_UPLOAD_BYTES, validate_upload

SIZE = MAX_UPLOAD_BYTES - 4096  # room for the header and the trailer


def _fill(unit: bytes, size: int = SIZE) -> bytes:
    return unit * (size // len(unit))


def _rtf(body: bytes) -> bytes:
    return b"{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}\\pard " + body + b"\\par}"


def _field(padding: bytes, command: bytes = b"DDEAUTO c:\\\\windows\\\\cmd.exe") -> bytes:
    return _rtf(b"{\\field{\\*\\fldinst " + padding + command + b"}{\\fldrslt x}}")


def _pdf(body: bytes) -> bytes:
    head = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    tail = b"\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 /Root 1 0 R >>\nstartxref\n9\n%%EOF\n"
    return head + body + tail


def _inflating_object_stream() -> bytes:
    data = zlib.compress(bytes(80 * 1024 * 1024), 9)  # ~80 Ko that inflate to 80 Mo of zeros
    return _pdf(
        b"2 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n" % len(data)
        + data
        + b"\nendstream\nendobj\n"
    )


CASES: dict[str, Callable[[], tuple[str, bytes]]] = {
    "rtf: DDEAUTO after 5 Mo of spaces": lambda: ("a.rtf", _field(_fill(b" "))),
    "rtf: DDEAUTO after 5 Mo of line breaks": lambda: ("a.rtf", _field(_fill(b"\r\n"))),
    "rtf: DDEAUTO after 2.5 M empty groups": lambda: ("a.rtf", _field(_fill(b"{}"))),
    "rtf: DDEAUTO after 5 Mo of control words": lambda: ("a.rtf", _field(_fill(b"\\rtlch\\fcs1 \\af0 "))),
    "rtf: DDEAUTO inside 2.5 M nested groups": lambda: (
        "a.rtf",
        _field(b"{" * (SIZE // 2), b"DDEAUTO x" + b"}" * (SIZE // 2)),
    ),
    "rtf: groups opening and closing before the command": lambda: ("a.rtf", _field(_fill(b"{{}}"))),
    "rtf: 5 Mo of \\fldinst": lambda: ("a.rtf", _rtf(_fill(b"{\\*\\fldinst "))),
    "rtf: 5 Mo of \\FLDINST (upper case)": lambda: ("a.rtf", _rtf(_fill(b"\\FLDINST "))),
    "rtf: 130,000 harmless PAGE fields": lambda: (
        "a.rtf",
        _rtf(_fill(b"{\\field{\\*\\fldinst {\\rtlch\\fcs1 \\af0 PAGE }}{\\fldrslt 1}} ")),
    ),
    "rtf: 5 Mo picture in hex": lambda: ("a.rtf", _rtf(b"{\\pict\\pngblip " + _fill(b"89504e47") + b"}")),
    "rtf: deep \\* groups": lambda: ("a.rtf", _field(_fill(b"{\\*\\x {a{b{c{"))),
    "pdf: 250,000 tiny objects": lambda: ("a.pdf", _pdf(_fill(b"3 0 obj\n<<>>\nendobj\n"))),
    "pdf: one dictionary of 1.2 M names": lambda: (
        "a.pdf",
        _pdf(b"3 0 obj\n<< " + _fill(b"/A ") + b">>\nendobj"),
    ),
    "pdf: names made of #xx escapes": lambda: (
        "a.pdf",
        _pdf(b"3 0 obj\n<< /X " + _fill(b"/J#61#76 ") + b">>"),
    ),
    "pdf: 5 Mo of nested arrays": lambda: ("a.pdf", _pdf(b"3 0 obj\n" + _fill(b"["))),
    "pdf: 5 Mo of nested strings": lambda: ("a.pdf", _pdf(b"3 0 obj\n" + _fill(b"("))),
    "pdf: 5 Mo comment": lambda: ("a.pdf", _pdf(b"%" + _fill(b"x"))),
    "pdf: object stream inflating to 80 Mo": lambda: ("a.pdf", _inflating_object_stream()),
}


def _verdict(name: str, content: bytes) -> str:
    try:
        validate_upload(File(io.BytesIO(content), name=name))
    except ValidationError as error:
        return f"refused ({error.code})"
    return "accepted"


def main() -> None:
    print(f"{'case':<55} {'size':>9} {'best of 3':>10}  verdict")
    for label, build in CASES.items():
        name, content = build()
        timings = []
        for _ in range(3):
            start = time.process_time()
            verdict = _verdict(name, content)
            timings.append(time.process_time() - start)
        print(f"{label:<55} {len(content):>9} {min(timings):>9.3f}s  {verdict}")


if __name__ == "__main__":
    main()
