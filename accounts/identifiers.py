"""Check keys of the national identifiers (RPPS, FINESS): a Luhn digit closes the number."""


def luhn_key(digits: str) -> str:
    """The Luhn check digit to append to `digits` (as in RPPS and FINESS numbers)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def with_luhn_key(digits: str) -> str:
    return digits + luhn_key(digits)
