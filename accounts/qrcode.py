"""QR codes drawn on the server as inline SVG: no image request, nothing for the CSP to allow."""

from base64 import b32encode

import segno
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_totp.models import TOTPDevice


def qr_svg(data: str, *, title: str = "QR code d'activation de l'application e-CPS") -> SafeString:
    svg = segno.make(data, error="m").svg_inline(scale=5, light="#fff", title=title)
    return mark_safe(svg)  # noqa: S308 - segno escapes the title; data only becomes modules


def totp_secret_base32(device: TOTPDevice) -> str:
    """The secret as an authenticator app's "manual entry" expects it (RFC 4648 base32)."""
    return b32encode(device.bin_key).decode().rstrip("=")
