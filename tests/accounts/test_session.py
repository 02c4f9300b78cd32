"""Every page but login, static files and the health check needs a verified professional;
sessions expire when idle (15 min) or old (12 h); logout is POST-only."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from tests.helpers import login_verified, text

PROTECTED = [
    reverse("patients:my_patients"),
    reverse("accounts:settings"),
    reverse("accounts:ecps_activate"),
]
PUBLIC = [
    reverse("accounts:login"),
    reverse("accounts:login_cps"),
    reverse("accounts:login_ecps"),
    reverse("accounts:admin_login"),
    reverse("accounts:health"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PROTECTED)
def test_anonymous_visitors_are_sent_to_the_login(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
@pytest.mark.parametrize("url", PUBLIC)
def test_login_pages_and_health_check_are_public(client, url):
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_the_health_check_reports_the_database(client):
    assert client.get(reverse("accounts:health")).json() == {"status": "ok"}


@pytest.mark.django_db
@pytest.mark.parametrize("url", PROTECTED)
def test_a_session_without_second_factor_is_refused_and_ended(client, alice, url):
    client.force_login(alice)  # password-style login: no card, no e-CPS

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_verified_administrator_cannot_use_the_professional_pages(client, admin_user):
    login_verified(client, admin_user, admin_user.totpdevice_set.get())

    assert client.get(reverse("patients:my_patients")).status_code == 403


@pytest.mark.django_db
def test_an_idle_session_expires_after_fifteen_minutes(alice_client):
    now = time.time()
    with time_machine.travel(now + 14 * 60):
        assert alice_client.get(reverse("patients:my_patients")).status_code == 200
    with time_machine.travel(now + 14 * 60 + 15 * 60 + 1):
        response = alice_client.get(reverse("patients:my_patients"))

    assert response.status_code == 302
    assert "_auth_user_id" not in alice_client.session
    login_page = alice_client.get(response["Location"])
    assert "Votre session a expiré" in text(login_page)


@pytest.mark.django_db
def test_activity_does_not_extend_a_session_beyond_twelve_hours(alice_client):
    start = time.time()
    for minutes in range(10, 12 * 60, 10):  # a click every ten minutes, all day long
        with time_machine.travel(start + minutes * 60):
            assert alice_client.get(reverse("patients:my_patients")).status_code == 200
    with time_machine.travel(start + 12 * 3600 + 60):
        response = alice_client.get(reverse("patients:my_patients"))

    assert response.status_code == 302
    assert "_auth_user_id" not in alice_client.session


@pytest.mark.django_db
def test_the_idle_timeout_is_a_setting(alice_client, settings):
    settings.DMP_SESSION_IDLE_TIMEOUT = timedelta(minutes=5)

    with time_machine.travel(time.time() + 6 * 60):
        response = alice_client.get(reverse("patients:my_patients"))

    assert response.status_code == 302


@pytest.mark.django_db
def test_logout_by_get_is_refused(alice_client):
    response = alice_client.get(reverse("accounts:logout"))

    assert response.status_code == 405
    assert alice_client.get(reverse("patients:my_patients")).status_code == 200


@pytest.mark.django_db
def test_logout_by_post_ends_the_session(alice_client):
    response = alice_client.post(reverse("accounts:logout"))

    assert response["Location"] == reverse("accounts:login")
    assert alice_client.get(reverse("patients:my_patients")).status_code == 302


@pytest.mark.django_db
def test_logout_without_csrf_token_is_refused(alice, alice_card):
    from django.test import Client

    browser = login_verified(Client(enforce_csrf_checks=True), alice, alice_card)

    assert browser.post(reverse("accounts:logout")).status_code == 403


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get(reverse("accounts:login"))["Content-Security-Policy"]

    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_pages_have_no_inline_script_or_style(alice_client):
    for url in [reverse("accounts:login"), *PROTECTED]:
        body = text(alice_client.get(url))
        assert "<script>" not in body
        assert "style=" not in body
        assert "<style" not in body
