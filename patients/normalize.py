"""Search keys: accents, case, hyphens, apostrophes and extra spaces never matter."""

import re
import unicodedata

# Hyphen, apostrophes (straight, typographic U+2019, grave, acute) and any run of spaces.
_SEPARATORS = re.compile("[-'\u2019`\u00b4\\s]+")


def search_key(value: str) -> str:
    """ "Lé-Quinio  d'Arc" -> "LE QUINIO D ARC" (stored in indexed columns, and used to query them)."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    ascii_only = "".join(char for char in decomposed if not unicodedata.combining(char))
    ascii_only = ascii_only.replace("Œ", "OE").replace("œ", "oe").replace("Æ", "AE").replace("æ", "ae")
    return _SEPARATORS.sub(" ", ascii_only).strip().upper()
