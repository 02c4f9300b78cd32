"""The admin never lets an administrator become a professional: no e-CPS secret shown (hex or
base32, confirmed or pending device), no device created, moved or configured, no card created or
reassigned, no PIN hash shown, no password set for a professional."""

from base64 import b32encode

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import CPSCard
from tests.factories import TOTPDeviceFactory
from tests.helpers import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def devices(alice, alice_ecps):
    """Alice's e-CPS, and a pending replacement (its key is as good as the confirmed one's)."""
    return [alice_ecps, TOTPDeviceFactory(user=alice, confirmed=False, name="e-CPS (en attente)")]


def _secrets(device: TOTPDevice) -> list[str]:
    base32 = b32encode(device.bin_key).decode()
    return [device.key.lower(), device.key.upper(), base32, base32.rstrip("="), base32.lower().rstrip("=")]


def test_no_admin_page_shows_an_e_cps_key(admin_client, alice, alice_card, devices):
    pages = [
        reverse("admin:accounts_user_change", args=[alice.pk]),
        reverse("admin:accounts_ecpsdevice_changelist"),
        reverse("admin:accounts_cpscard_change", args=[alice_card.pk]),
        *[reverse("admin:accounts_ecpsdevice_change", args=[device.pk]) for device in devices],
    ]
    for url in pages:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        body = text(response)
        for device in devices:
            for secret in _secrets(device):
                assert secret not in body, url
        assert "otpauth://" not in body
        assert alice_card.pin_hash not in body
        assert alice_card.pin_hash.split("$")[-1] not in body


def test_there_is_no_qr_code_or_config_page(admin_client, devices):
    for model in ("otp_totp/totpdevice", "accounts/ecpsdevice"):
        for page in ("config", "qrcode"):
            response = admin_client.get(f"/admin/{model}/{devices[0].pk}/{page}/", follow=True)
            body = text(response)
            assert response.headers["Content-Type"].startswith("text/html"), (model, page)
            assert "otpauth://" not in body
            assert not any(secret in body for device in devices for secret in _secrets(device))


@pytest.mark.parametrize("url", [reverse("admin:accounts_ecpsdevice_add"), "/admin/otp_totp/totpdevice/add/"])
def test_an_administrator_cannot_create_an_e_cps_device_with_a_known_key(admin_client, alice, url):
    response = admin_client.post(
        url,
        {
            "user": alice.pk,
            "name": "pirate",
            "key": "3132333435363738393031323334353637383930",
            "confirmed": "on",
        },
    )

    assert response.status_code in (403, 404)
    assert not TOTPDevice.objects.filter(name="pirate").exists()


def test_an_administrator_cannot_move_an_e_cps_device_to_another_account(
    admin_client, admin_user, alice_ecps
):
    response = admin_client.post(
        reverse("admin:accounts_ecpsdevice_change", args=[alice_ecps.pk]),
        {"user": admin_user.pk, "name": "e-CPS", "confirmed": "on"},
    )

    assert response.status_code == 403
    alice_ecps.refresh_from_db()
    assert alice_ecps.user_id != admin_user.pk


def test_an_administrator_cannot_create_or_reassign_a_cps_card(admin_client, admin_user, alice_card):
    add = admin_client.post(
        reverse("admin:accounts_cpscard_add"), {"user": admin_user.pk, "number": "2799999999"}
    )
    change = admin_client.post(
        reverse("admin:accounts_cpscard_change", args=[alice_card.pk]),
        {"user": admin_user.pk, "name": "Carte CPS", "number": alice_card.number, "confirmed": "on"},
    )

    assert (add.status_code, change.status_code) == (403, 403)
    alice_card.refresh_from_db()
    assert alice_card.user_id != admin_user.pk
    assert not CPSCard.objects.filter(number="2799999999").exists()


def test_an_administrator_cannot_set_a_professionals_password(admin_client, alice):
    url = reverse("admin:auth_user_password_change", args=[alice.pk])

    assert admin_client.get(url).status_code == 403
    response = admin_client.post(
        url, {"password1": "Un-mot-de-passe-long-1", "password2": "Un-mot-de-passe-long-1"}
    )
    assert response.status_code == 403
    alice.refresh_from_db()
    assert not alice.has_usable_password()


def test_an_e_cps_device_deleted_in_the_admin_is_a_reset(admin_client, alice_ecps):
    response = admin_client.post(
        reverse("admin:accounts_ecpsdevice_delete", args=[alice_ecps.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=alice_ecps.pk).exists()


def test_a_user_is_deactivated_never_deleted_in_the_admin(admin_client, alice):
    response = admin_client.post(reverse("admin:accounts_user_delete", args=[alice.pk]), {"post": "yes"})

    assert response.status_code == 403
    alice.refresh_from_db()
    assert alice.is_active
