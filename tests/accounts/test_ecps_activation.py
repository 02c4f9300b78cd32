"""e-CPS activation: a QR code drawn on the server, confirmed by a first code."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import CPSCardFactory, ProfessionalFactory
from tests.helpers import code_for, login_verified, text

URL = reverse("accounts:ecps_activate")


@pytest.fixture
def newcomer_client(client, db):
    """A professional logged in by card who has not activated e-CPS yet."""
    user = ProfessionalFactory()
    return login_verified(client, user, CPSCardFactory(user=user)), user


@pytest.mark.django_db
def test_it_shows_an_svg_qr_code_and_the_manual_key(newcomer_client):
    browser, user = newcomer_client

    body = text(browser.get(URL))

    assert "<svg" in body
    assert "QR code d'activation" in body
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert device.config_url.split("secret=")[1].split("&")[0] in body


@pytest.mark.django_db
def test_the_first_code_confirms_the_device(newcomer_client):
    browser, user = newcomer_client
    browser.get(URL)
    device = TOTPDevice.objects.get(user=user, confirmed=False)

    response = browser.post(URL, {"token": code_for(device)}, follow=True)

    assert "L'application e-CPS est activée" in text(response)
    device.refresh_from_db()
    assert device.confirmed


@pytest.mark.django_db
def test_a_wrong_first_code_leaves_nothing_activated(newcomer_client):
    browser, user = newcomer_client
    browser.get(URL)
    device = TOTPDevice.objects.get(user=user, confirmed=False)

    response = browser.post(URL, {"token": code_for(device, offset_steps=10)})

    assert "Code de sécurité incorrect" in text(response)
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@pytest.mark.django_db
def test_reloading_the_page_keeps_the_same_pending_secret(newcomer_client):
    browser, user = newcomer_client
    browser.get(URL)
    browser.get(URL)

    assert TOTPDevice.objects.filter(user=user, confirmed=False).count() == 1


@pytest.mark.django_db
def test_replacing_keeps_the_old_app_until_the_new_one_is_confirmed(alice_client, alice, alice_ecps):
    alice_client.get(URL)
    assert TOTPDevice.objects.get(user=alice, confirmed=True) == alice_ecps

    new = TOTPDevice.objects.get(user=alice, confirmed=False)
    alice_client.post(URL, {"token": code_for(new)})

    assert list(TOTPDevice.objects.filter(user=alice)) == [new]


@pytest.mark.django_db
def test_without_email_or_mobile_activation_is_refused(client, charlie):
    login_verified(client, charlie, charlie.cpscard_set.get())

    response = client.get(URL, follow=True)

    assert "ne peut pas être activée" in text(response)
    assert not TOTPDevice.objects.filter(user=charlie).exists()


@pytest.mark.django_db
def test_replacing_the_app_that_verified_the_session_keeps_the_professional_logged_in(
    client, alice, alice_ecps
):
    login_verified(client, alice, alice_ecps)
    client.get(URL)
    new = TOTPDevice.objects.get(user=alice, confirmed=False)

    client.post(URL, {"token": code_for(new)})

    assert client.get(reverse("accounts:settings")).status_code == 200
