"""The session and CSRF cookies as a browser receives them (the test settings are production's:
Secure cookies, hence the __Host- prefix, which the browser honours only with Secure, Path=/ and
no Domain)."""

import pytest
from django.urls import reverse


def _assert_host_only(cookie) -> None:
    assert cookie.key.startswith("__Host-")
    assert cookie["secure"] is True
    assert cookie["path"] == "/"
    assert cookie["domain"] == ""


@pytest.mark.django_db
def test_the_login_sets_a_host_prefixed_session_cookie(client, alice, alice_card):
    response = client.post(reverse("accounts:login_cps"), {"number": alice_card.number, "pin": "4321"})

    assert response.status_code == 302
    _assert_host_only(response.cookies["__Host-dmp_session"])
    assert response.cookies["__Host-dmp_session"]["httponly"] is True


@pytest.mark.django_db
def test_the_login_form_sets_a_host_prefixed_csrf_cookie(client):
    response = client.get(reverse("accounts:login_cps"))

    _assert_host_only(response.cookies["__Host-csrftoken"])
