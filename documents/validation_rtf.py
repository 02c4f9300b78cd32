"""Is this RTF inert? The RTF part of documents/validation.py, over the whole file (at most 5 Mo).

`rtf_problem(data)` returns None for an RTF that only holds text, formatting, pictures and
harmless fields, or the code of the refusal (a key of validation.MESSAGES):

- "rtf_object": an embedded or linked OLE object (\\object, \\objdata, \\objupdate, \\objlink, …),
  the \\datastore destination, raw binary data (\\bin), an attached template (\\*\\template, which
  Word fetches from a URL or a UNC path when the file opens), a mail-merge data source, form-field
  macros; or a field (\\fldinst) whose command is not on FIELD_ALLOWLIST: DDE and DDEAUTO run a
  program, INCLUDETEXT / INCLUDEPICTURE / INCLUDE / IMPORT / LINK / DATABASE / RD fetch another
  file (a remote one leaks the reader's Windows credentials), MACROBUTTON runs a macro, HYPERLINK
  leaves the document. Deny by default: an unknown command is refused.
- "rtf_uninspectable": a field whose command this scan cannot read without guessing: an escape
  (\\'44, \\u68) or a destination group (\\pict, …) before the command, a field inside the command,
  or more tokens before the commands than MAX_FIELD_TOKENS in all.

How a field's command is read, the way Word reads it: from \\fldinst, skip spaces, line breaks,
control words, plain groups and \\* groups (ignored by every reader); the command is the first run of
other characters, which may continue across groups and control words ("{I}{NCLUDE}TEXT" is
INCLUDETEXT); a space, a tab, a paragraph mark or the end of the instruction ends it. Padding before
the command (spaces, line breaks, groups, control words, a megabyte of each) costs one regular
expression match per run, not one Python step per token.

The control words are looked for on the bytes as they are and again with every CR and LF removed:
RTF ignores line breaks in text, and a lenient reader may ignore them inside a control word
("\\ob<CR><LF>ject"); each reading alone could hide something from the other.

Time: every search is a regular expression without nested unbounded repetition (linear in the file);
the Python loop runs at most MAX_FIELD_TOKENS times per file. A 5 Mo file is checked in well under
a second (bench/upload_checks.py).
"""

from __future__ import annotations

import re

# Field commands that display something computed from the document itself: the allowlist of
# oletools' msodde ("FIELD_BLACKLIST", the fields it does not report), which the tests use as
# their oracle. Everything else is refused.
FIELD_ALLOWLIST = frozenset(
    {
        # date and time
        "CREATEDATE",
        "DATE",
        "EDITTIME",
        "PRINTDATE",
        "SAVEDATE",
        "TIME",
        # document information
        "AUTHOR",
        "COMMENTS",
        "DOCPROPERTY",
        "FILENAME",
        "FILESIZE",
        "KEYWORDS",
        "LASTSAVEDBY",
        "NUMCHARS",
        "NUMPAGES",
        "NUMWORDS",
        "SUBJECT",
        "TEMPLATE",
        "TITLE",
        # equations, symbols, form fields, index and tables
        "ADVANCE",
        "SYMBOL",
        "FORMCHECKBOX",
        "FORMDROPDOWN",
        "FORMTEXT",
        "INDEX",
        "TA",
        "TC",
        "TOA",
        "TOC",
        "XE",
        # references inside the document
        "BIBLIOGRAPHY",
        "CITATION",
        "NOTEREF",
        "PAGEREF",
        "QUOTE",
        "STYLEREF",
        # numbering
        "LISTNUM",
        "PAGE",
        "REVNUM",
        "SECTION",
        "SECTIONPAGES",
        "SEQ",
        # user information
        "USERADDRESS",
        "USERINITIALS",
        "USERNAME",
    }
)

# Tokens read before the field commands, over the whole file: beyond this the file is refused
# (a real document needs a handful per field; a crafted one could need millions).
MAX_FIELD_TOKENS = 100_000

# Control words refused wherever they are (case-insensitive, so \OBJDATA too). Matched on the raw
# bytes, so an escaped backslash (\\objdata as text) is refused too: a safe over-approximation.
# (Searched in the lower-cased bytes: faster than re.IGNORECASE on a file of control words.)
_ACTIVE_WORD = re.compile(
    rb"\\(?:obj[a-z]*|datastore|bin|template|mailmerge"
    rb"|mm(?:connectstr|datasource|query|linktoquery|defaultsql|headersource|odso[a-z]*)"
    rb"|ffentrymcr|ffexitmcr)(?![a-z])"
)
_FLDINST = re.compile(rb"\\fldinst(?![a-zA-Z])(?:-?\d{1,10})? ?", re.IGNORECASE)

# Control words that Word writes at the start of a plain group inside a field instruction (character
# formatting and revision marks). A group starting with any other control word may be a destination
# whose text a reader skips: the command after it cannot be read without guessing.
_FORMATTING = (
    rb"rtlch|ltrch|fcs|af|afs|ab|ai|alang|f|fs|b|i|ul|ulnone|uld|uldb|ulw|strike|caps|scaps|v|sub|super"
    rb"|up|dn|nosupersub|cf|cb|highlight|chcbpat|chcfpat|chshdng|lang|langfe|langnp|langfenp|loch|hich"
    rb"|dbch|insrsid|charrsid|delrsid|cs|plain|kerning|expnd|expndtw|charscalex|noproof|webhidden"
    rb"|outl|shad|embo|impr|ltrpar|rtlpar"
)
_WS = rb"[ \t\r\n]"
# A control word that may stand before the command and inside the command: any but the few that
# start another field, an escape or binary data (those end the run and are judged one by one).
# (Case-insensitive like _FLDINST: otherwise "\\FLDINST" would be padding for one field and the start
# of another, and a file of them would be scanned once per field.)
_QUIET_WORD = (
    rb"\\(?:[ac-eg-tv-zAC-EG-TV-Z]|(?!(?i:field|fldinst|fldrslt|u|uc|bin)(?![a-zA-Z]))[bfuBFU])"
    rb"[a-zA-Z]{0,31}(?:-?\d{1,10})? ?"
)
_PLAIN_OPEN = rb"\{(?=[ \t\r\n{}]|\\(?:" + _FORMATTING + rb")(?![a-zA-Z])|[^\\])"
_EMPTY_GROUP = rb"\{(?:" + _WS + rb"|" + _QUIET_WORD + rb")*+\}"
# Before the command: spaces, line breaks, quiet control words, empty groups and plain openings.
_PADDING = re.compile(
    rb"(?:" + _WS + rb"++|" + _QUIET_WORD + rb"|" + _EMPTY_GROUP + rb"|" + _PLAIN_OPEN + rb")++"
)
# The characters of a command (between them may stand quiet control words and braces).
_COMMAND_CHARS = re.compile(rb"[^ \t\r\n\\{}]++")
_IGNORED_GROUP_0 = rb"\{(?:[^{}\\]++|\\.)*+\}"
_IGNORED_GROUP_1 = rb"\{(?:[^{}\\]++|\\.|" + _IGNORED_GROUP_0 + rb")*+\}"
# A \* group, read as every reader does (skipped), with up to two levels of groups inside.
_IGNORED_GROUP = re.compile(rb"\{\\\*(?:[^{}\\]++|\\.|" + _IGNORED_GROUP_1 + rb")*+\}", re.DOTALL)
# Control words that end the command as a space would.
_BREAKING_WORD = re.compile(
    rb"\\(?:par|line|tab|page|sect|column|cell|row|lbr|emspace|enspace|qmspace)(?![a-zA-Z])(?:-?\d{1,10})? ?"
)
_QUIET_WORD_RE = re.compile(_QUIET_WORD)
_MAX_COMMAND = 32


class _Uninspectable(Exception):
    pass


def rtf_problem(data: bytes | bytearray) -> str | None:
    """None if the RTF is inert, else "rtf_object" or "rtf_uninspectable" (see the module doc)."""
    stripped = bytes(data).translate(None, b"\r\n")
    if _ACTIVE_WORD.search(stripped.lower()):
        return "rtf_object"
    budget = [MAX_FIELD_TOKENS]
    try:
        for reading in (bytes(data), stripped):
            for match in _FLDINST.finditer(reading):
                command = _field_command(reading, match.end(), budget)
                if command and command not in FIELD_ALLOWLIST:
                    return "rtf_object"
    except _Uninspectable:
        return "rtf_uninspectable"
    return None


def _field_command(data: bytes, pos: int, budget: list[int]) -> str:
    """The command of the field instruction starting at `pos`, upper case ("" for an empty one)."""
    depth = 0  # groups opened inside the instruction
    command = bytearray()
    size = len(data)
    while pos < size:
        budget[0] -= 1
        if budget[0] < 0:
            raise _Uninspectable
        if not command:
            padding = _PADDING.match(data, pos)
            if padding is not None:
                run = padding.group()
                depth += run.count(b"{") - run.count(b"}")
                pos = padding.end()
                continue
        else:
            chars = _COMMAND_CHARS.match(data, pos)
            if chars is not None:
                command += chars.group()
                if len(command) > _MAX_COMMAND:
                    break
                pos = chars.end()
                continue
            if data[pos] in b" \t\r\n" or _BREAKING_WORD.match(data, pos):
                break
            quiet = _QUIET_WORD_RE.match(data, pos)
            if quiet is not None:
                pos = quiet.end()
                continue
            if data.startswith(b"{", pos) and not data.startswith(b"{\\", pos):
                depth += 1
                pos += 1
                continue
        char = data[pos : pos + 1]
        if char == b"}":
            if depth == 0:
                break  # the end of the instruction
            depth -= 1
            pos += 1
        elif data.startswith(b"{\\*", pos):
            ignored = _IGNORED_GROUP.match(data, pos)
            if ignored is None:
                raise _Uninspectable
            pos = ignored.end()
        elif data.startswith(b"{\\", pos) and command and _plain_group_start(data, pos + 1):
            depth += 1
            pos += 1
        elif not command and char not in b"\\{":
            command += char  # the first character of the command
            pos += 1
        else:
            # An escape, a control symbol, a nested field, or a group that may be a destination.
            raise _Uninspectable
    return command.decode("ascii", errors="replace").upper()


_FORMATTING_START = re.compile(rb"\\(?:" + _FORMATTING + rb")(?![a-zA-Z])")


def _plain_group_start(data: bytes, pos: int) -> bool:
    return _FORMATTING_START.match(data, pos) is not None
