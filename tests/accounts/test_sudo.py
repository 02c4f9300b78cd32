"""Sudo mode: enrolling or replacing an e-CPS device needs the card PIN or a current e-CPS code
given within 5 minutes; the change is traced and the professional told by email."""

import time
from urllib.parse import urlencode

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.qrcode import totp_secret_base32
from accounts.sudo import SUDO_SECONDS
from audit.models import Action, Trace
from tests.factories import DEFAULT_PIN
from tests.helpers import code_for, login_verified, text, wrong_code

ACTIVATE = reverse("accounts:ecps_activate")
SUDO = reverse("accounts:sudo")
LATER = SUDO_SECONDS + 1


def _sudo_url(next_url: str) -> str:
    return f"{SUDO}?{urlencode({'next': next_url})}"


@pytest.mark.django_db
def test_an_unattended_session_cannot_show_a_new_device_s_secret(alice_client, alice):
    with time_machine.travel(time.time() + LATER):
        response = alice_client.get(ACTIVATE)

    assert response["Location"] == _sudo_url(ACTIVATE)
    assert not TOTPDevice.objects.filter(user=alice, confirmed=False).exists()


@pytest.mark.django_db
def test_an_unattended_session_cannot_confirm_a_new_device(alice_client, alice, alice_ecps):
    alice_client.get(ACTIVATE)  # within the first minutes: the QR code is shown
    pending = TOTPDevice.objects.get(user=alice, confirmed=False)

    with time_machine.travel(time.time() + LATER):
        response = alice_client.post(ACTIVATE, {"token": code_for(pending)})

    assert response["Location"].startswith(SUDO)
    pending.refresh_from_db()
    assert not pending.confirmed
    assert TOTPDevice.objects.get(user=alice, confirmed=True) == alice_ecps


@pytest.mark.django_db
def test_the_card_pin_opens_sudo_mode_and_leads_back(alice_client):
    start = time.time() + LATER
    with time_machine.travel(start):
        page = text(alice_client.get(_sudo_url(ACTIVATE)))
        response = alice_client.post(_sudo_url(ACTIVATE), {"pin": DEFAULT_PIN})
        activation = alice_client.get(ACTIVATE)

    assert "Confirmez votre identité" in page
    assert response["Location"] == ACTIVATE
    assert activation.status_code == 200
    with time_machine.travel(start + LATER):
        assert alice_client.get(ACTIVATE).status_code == 302


@pytest.mark.django_db
def test_a_current_e_cps_code_opens_sudo_mode(client, alice, alice_ecps):
    login_verified(client, alice, alice_ecps)
    with time_machine.travel(time.time() + LATER):
        response = client.post(_sudo_url(ACTIVATE), {"token": code_for(alice_ecps)})
        assert response["Location"] == ACTIVATE
        assert client.get(ACTIVATE).status_code == 200


@pytest.mark.django_db
def test_a_wrong_pin_on_the_sudo_page_counts_towards_blocking_the_card(alice_client, alice_card):
    with time_machine.travel(time.time() + LATER):
        response = alice_client.post(_sudo_url(ACTIVATE), {"pin": "0000"})

    assert "Code porteur erroné. Il vous reste 2 essais" in text(response)
    alice_card.refresh_from_db()
    assert alice_card.failed_pin_attempts == 1
    assert Trace.objects.get(action=Action.LOGIN_FAILED).details == (
        f"confirmation d'identité, carte {alice_card.number}"
    )


@pytest.mark.django_db
def test_a_wrong_code_on_the_sudo_page_is_refused(client, alice, alice_ecps):
    login_verified(client, alice, alice_ecps)
    with time_machine.travel(time.time() + LATER):
        response = client.post(_sudo_url(ACTIVATE), {"token": wrong_code(alice_ecps)})
        assert client.get(ACTIVATE).status_code == 302

    assert "Code de sécurité incorrect." in text(response)


@pytest.mark.django_db
def test_the_sudo_page_does_not_follow_a_next_outside_the_site(alice_client):
    with time_machine.travel(time.time() + LATER):
        response = alice_client.post(f"{SUDO}?next=https://evil.example/", {"pin": DEFAULT_PIN})

    assert response["Location"] == reverse("accounts:settings")


@pytest.mark.django_db
def test_replacing_the_device_is_traced_and_told_by_email_without_the_secret(
    alice_client, alice, django_capture_on_commit_callbacks
):
    alice_client.get(ACTIVATE)
    new = TOTPDevice.objects.get(user=alice, confirmed=False)

    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(ACTIVATE, {"token": code_for(new)})

    trace = Trace.objects.get(action=Action.ECPS_ACTIVATED)
    assert (trace.chain, trace.actor_id) == (f"actor:{alice.pk}", alice.pk)
    assert trace.details == "remplacement de l'application précédente"
    [message] = mail.outbox
    assert message.to == [alice.email]
    assert message.subject == "Une application e-CPS a été activée sur votre compte"
    assert totp_secret_base32(new) not in message.body
    assert new.key not in message.body


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_from_the_sudo_page(client):
    response = client.get(SUDO)

    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_the_sudo_page_without_any_usable_means_says_whom_to_contact(client, alice, alice_card, alice_ecps):
    login_verified(client, alice, alice_ecps)
    alice_card.delete()
    alice.ecps_suspended_at = "2026-11-01T10:00:00Z"
    alice.save()

    page = text(client.get(f"{SUDO}?carte=1"))

    assert "aucune carte utilisable" in page
    assert 'name="pin"' not in page
