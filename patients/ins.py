"""The INS matricule (NIR or NIA): 13 characters and a 2-digit key, Corsica included.

key = 97 - (first 13 digits mod 97), where the Corsican departments 2A and 2B count as 19
and 18 before the computation (the official rule, DESIGN.md §4).
"""

import re

from django.core.exceptions import ValidationError

_SHAPE = re.compile(r"^[12378][0-9]{4}(?:[0-9]{2}|2A|2B)[0-9]{6}[0-9]{2}$")
_CORSICA = {"2A": "19", "2B": "18"}


def ins_key(first13: str) -> int:
    """The key of the 13 first characters (with 2A/2B at positions 6-7)."""
    department = first13[5:7].upper()
    digits = first13[:5] + _CORSICA.get(department, department) + first13[7:]
    return 97 - int(digits) % 97


def normalize_ins(value: str) -> str:
    """Spaces and dots removed, letters upper-cased: "1 84 12 2A 004 005 67" -> "184122A00400567"."""
    return re.sub(r"[\s.]", "", value or "").upper()


def validate_ins(value: str) -> None:
    """Refuse, in French, a matricule of the wrong shape or with a wrong key."""
    ins = normalize_ins(value)
    if not _SHAPE.match(ins):
        raise ValidationError(
            "Le matricule INS compte 15 caractères : 13 chiffres (2A ou 2B pour la Corse) et une clé de 2 chiffres.",
            code="ins_shape",
        )
    if int(ins[13:]) != ins_key(ins[:13]):
        raise ValidationError("La clé du matricule INS est incorrecte : vérifiez sa saisie.", code="ins_key")


def with_key(first13: str) -> str:
    """The 15-character matricule for 13 characters (demo data and tests)."""
    return f"{first13}{ins_key(first13):02d}"
