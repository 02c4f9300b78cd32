"""The session and CSRF cookies as a browser receives them (the test settings are production's:
Secure cookies, hence the __Host- prefix, which the browser honours only with Secure, Path=/ and
no Domain)."""

import pytest
from django.urls import reverse

from tests.helpers import text


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


@pytest.mark.django_db
def test_the_remembered_rpps_cookie_is_host_prefixed_too(client, alice, alice_ecps):
    response = client.post(reverse("accounts:login_ecps"), {"rpps": alice.rpps, "remember": "on"})

    _assert_host_only(response.cookies["__Host-dmp_rpps"])
    assert "dmp_rpps" not in response.cookies


@pytest.mark.django_db
def test_messages_travel_in_the_session_never_in_a_cookie_of_their_own(alice_client):
    # A message may name a document ("Le document « … » a été archivé."): Django's messages
    # cookie is signed, not encrypted, so it would carry the title in clear to the browser.
    response = alice_client.post(reverse("accounts:forget_rpps"))

    assert response.status_code == 302
    assert "messages" not in response.cookies
    page = text(alice_client.get(response["Location"]))
    assert "Votre identifiant RPPS n'est plus mémorisé sur ce poste." in page
