"""The seal of a trace: HMAC-SHA256 under a key kept outside the database (SECURITY.md §5).

A plain hash chain proves nothing against someone who can write the database: they remove a
trace and recompute every hash after it. With a keyed seal they cannot, because the key is in
the web processes' environment (settings.DMP_TRACE_KEYS), never in the database.

Each trace stores the id of the key that sealed it, so keys rotate: the keyring's first key seals
new traces, retired keys stay in the keyring to verify the traces they sealed.

Traces written before keys existed carry LEGACY_KEY_ID: their seal is the former unkeyed SHA-256.
Anyone can compute one, so verification accepts them only where the first signed checkpoint
already covered them (audit/verification.py): they are never resealed, because rewriting a trace
is exactly what the chain forbids.
"""

import hashlib
import hmac

from django.conf import settings

LEGACY_KEY_ID = "sha256-v1"


class UnknownKey(LookupError):
    """The trace names a key the keyring no longer holds (retired and removed, or forged)."""


def current_key_id() -> str:
    """The id of the key that seals new traces: the keyring's first."""
    return next(iter(settings.DMP_TRACE_KEYS))


def seal(payload: bytes, key_id: str) -> str:
    """The 64 hex characters stored in Trace.hash for this payload under this key.

    Raises UnknownKey when the keyring does not hold key_id.
    """
    if key_id == LEGACY_KEY_ID:
        return hashlib.sha256(payload).hexdigest()
    try:
        key = settings.DMP_TRACE_KEYS[key_id]
    except KeyError:
        raise UnknownKey(key_id) from None
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def matches(payload: bytes, key_id: str, stored: str) -> bool:
    """Whether `stored` is the seal of payload under key_id (constant-time comparison)."""
    return hmac.compare_digest(seal(payload, key_id), stored)
