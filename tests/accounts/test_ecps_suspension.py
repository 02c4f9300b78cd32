"""e-CPS guessing is stopped: the 20th wrong code in 30 days suspends e-CPS until a CPS-card
proof or an administrator reactivates it; the professional is told by email and in their own
history; the card keeps working."""

import time

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import User
from accounts.qrcode import totp_secret_base32
from audit.models import Action, Trace
from tests.factories import DEFAULT_PIN
from tests.helpers import client_request, code_for, login_verified, text, wrong_code

STEP1 = reverse("accounts:login_ecps")
STEP2 = reverse("accounts:login_ecps_code")
SETTINGS = reverse("accounts:settings")
REACTIVATE = reverse("accounts:ecps_reactivate")
SUSPENDED = "Votre application e-CPS est suspendue"


def _guess(device, count: int, *, start: float, every: int = 61) -> list[services.CodeCheck]:
    """`count` wrong codes from as many addresses, each once the throttle's wait is over."""
    checks = []
    for n in range(count):
        with time_machine.travel(start + n * every, tick=False):
            checks.append(
                services.ecps_code_check(
                    request=client_request(f"203.0.113.{n + 1}"), device=device, token=wrong_code(device)
                )
            )
    return checks


def _login_ecps(browser, user, device):
    browser.post(STEP1, {"rpps": user.rpps})
    return browser.post(STEP2, {"token": code_for(device)})


@pytest.mark.django_db
def test_the_twentieth_wrong_code_suspends_e_cps_and_even_the_right_code_is_refused(
    alice, alice_ecps, django_capture_on_commit_callbacks
):
    start = time.time()
    with django_capture_on_commit_callbacks(execute=True):
        checks = _guess(alice_ecps, 20, start=start)

    assert [c.refusal for c in checks] == [services.CodeRefusal.WRONG] * 19 + [services.CodeRefusal.SUSPENDED]
    alice.refresh_from_db()
    assert alice.ecps_suspended_at is not None
    with time_machine.travel(start + 21 * 61, tick=False):
        response = _login_ecps(Client(REMOTE_ADDR="192.0.2.1"), alice, alice_ecps)
    assert SUSPENDED in text(response)
    assert "_auth_user_id" not in Client().session


@pytest.mark.django_db
def test_the_suspension_is_told_by_email_without_any_secret(
    alice, alice_ecps, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _guess(alice_ecps, 20, start=time.time())

    [message] = mail.outbox
    assert message.to == [alice.email]
    assert message.subject == "Votre application e-CPS est suspendue"
    assert "carte CPS fonctionne toujours" in message.body
    assert code_for(alice_ecps) not in message.body
    assert alice_ecps.key not in message.body
    assert totp_secret_base32(alice_ecps) not in message.body


@pytest.mark.django_db
def test_the_suspension_is_written_in_the_professional_s_own_chain(alice, alice_ecps):
    _guess(alice_ecps, 20, start=time.time())

    trace = Trace.objects.get(action=Action.ECPS_SUSPENDED)
    assert (trace.chain, trace.actor_id, trace.actor_label) == (f"actor:{alice.pk}", alice.pk, "Système")
    assert trace.details == "20 codes erronés en 30 jours"
    assert Trace.objects.filter(chain=f"actor:{alice.pk}", action=Action.LOGIN_FAILED).count() == 20


@pytest.mark.django_db
def test_nineteen_wrong_codes_a_month_do_not_suspend_and_old_ones_expire(alice, alice_ecps):
    start = time.time()
    _guess(alice_ecps, 19, start=start)
    checks = _guess(alice_ecps, 5, start=start + 31 * 24 * 3600)

    assert services.CodeRefusal.SUSPENDED not in [c.refusal for c in checks]
    alice.refresh_from_db()
    assert alice.ecps_suspended_at is None


@pytest.mark.django_db
def test_the_card_still_works_while_e_cps_is_suspended(client, alice, alice_card, alice_ecps):
    _guess(alice_ecps, 20, start=time.time() - 30 * 61)

    response = client.post(reverse("accounts:login_cps"), {"number": alice_card.number, "pin": DEFAULT_PIN})

    assert response.status_code == 302
    assert SUSPENDED in text(client.get(SETTINGS))


@pytest.mark.django_db
def test_the_professional_reactivates_after_a_card_login(
    client, alice, alice_card, alice_ecps, django_capture_on_commit_callbacks
):
    _guess(alice_ecps, 20, start=time.time() - 30 * 61)
    client.post(reverse("accounts:login_cps"), {"number": alice_card.number, "pin": DEFAULT_PIN})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REACTIVATE, follow=True)

    assert "Votre application e-CPS est réactivée." in text(response)
    alice.refresh_from_db()
    assert alice.ecps_suspended_at is None
    assert Trace.objects.get(action=Action.ECPS_REACTIVATED).chain == f"actor:{alice.pk}"
    assert mail.outbox[-1].subject == "Votre application e-CPS a été réactivée"
    client.post(reverse("accounts:logout"))
    assert _login_ecps(client, alice, alice_ecps).status_code == 302
    # The window starts afresh: one more wrong code does not suspend again.
    assert _guess(alice_ecps, 1, start=time.time() + 120)[0].refusal == services.CodeRefusal.WRONG


@pytest.mark.django_db
def test_an_e_cps_code_cannot_lift_the_suspension_only_the_card_can(client, alice, alice_card, alice_ecps):
    login_verified(client, alice, alice_ecps)  # a session opened before the suspension
    User.objects.filter(pk=alice.pk).update(ecps_suspended_at="2026-11-01T10:00:00Z")

    response = client.post(REACTIVATE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sudo"))
    assert "carte=1" in response["Location"]
    page = text(client.get(response["Location"]))
    assert 'name="pin"' in page
    assert 'name="token"' not in page
    alice.refresh_from_db()
    assert alice.ecps_suspended_at is not None


@pytest.mark.django_db
def test_an_administrator_reactivates_from_the_admin(admin_client, admin_user, alice, alice_ecps):
    _guess(alice_ecps, 20, start=time.time() - 30 * 61)

    admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reactivate_ecps", "_selected_action": [alice.pk]},
    )

    alice.refresh_from_db()
    assert alice.ecps_suspended_at is None
    trace = Trace.objects.get(action=Action.ECPS_REACTIVATED)
    assert trace.chain == f"actor:{alice.pk}"
    assert admin_user.display_name in trace.details


@pytest.mark.django_db
def test_an_unknown_rpps_is_suspended_alike(client):
    """A stranger cannot tell an enrolled RPPS by guessing it to its suspension."""
    rpps = "10000000009"
    start = time.time()
    answers = []
    for n in range(21):
        with time_machine.travel(start + n * 61, tick=False):
            browser = Client(REMOTE_ADDR=f"203.0.113.{n + 1}")
            browser.post(STEP1, {"rpps": rpps})
            answers.append(text(browser.post(STEP2, {"token": "123456"})))

    assert all("Code de sécurité incorrect." in answer for answer in answers[:19])
    assert all(SUSPENDED in answer for answer in answers[19:])


@pytest.mark.django_db
def test_the_settings_page_lists_the_account_events(client, alice, alice_card, alice_ecps):
    _guess(alice_ecps, 20, start=time.time() - 30 * 61)
    client.post(reverse("accounts:login_cps"), {"number": alice_card.number, "pin": DEFAULT_PIN})

    page = " ".join(text(client.get(SETTINGS)).split())

    assert "Dernières connexions et modifications de mon compte" in page
    assert "Le portail a suspendu l'application e-CPS" in page
    assert "20 codes erronés en 30 jours" in page
    assert "S'est connecté" in page
