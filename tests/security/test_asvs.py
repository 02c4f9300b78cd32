"""ASVS 5.0 requirements SECURITY.md §9 claims and no other test proved; each test names its ids."""

import pytest
from django.urls import reverse

from patients.search import NO_RESULT_MESSAGE
from tests.factories import PatientFactory
from tests.helpers import text

SIGNED_IN_PAGES = [
    reverse("patients:my_patients"),
    reverse("accounts:settings"),
    reverse("accounts:sessions"),
]


@pytest.mark.django_db
def test_deactivating_a_professional_ends_the_session_they_have_open(alice_client, alice):
    """ASVS 7.4.2: an account disabled (a professional leaving) loses its open sessions at once."""
    assert alice_client.get(reverse("patients:my_patients")).status_code == 200

    alice.is_active = False
    alice.save(update_fields=["is_active"])
    response = alice_client.get(reverse("patients:my_patients"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
@pytest.mark.parametrize("url", SIGNED_IN_PAGES)
def test_every_signed_in_page_offers_the_logout_button(alice_client, url):
    """ASVS 7.4.4: logout is visible wherever one is logged in (a POST form with its CSRF token)."""
    page = text(alice_client.get(url))

    assert f'action="{reverse("accounts:logout")}"' in page
    assert "Se déconnecter" in page


@pytest.mark.django_db
@pytest.mark.parametrize("url", [reverse("accounts:login"), reverse("accounts:login_cps"), *SIGNED_IN_PAGES])
def test_the_trace_method_is_refused_and_echoes_nothing(alice_client, url):
    """ASVS 13.4.4: TRACE (cross-site tracing) is answered 405 without reflecting the request."""
    response = alice_client.generic("TRACE", url, HTTP_X_PROBE="reflected-header")

    assert response.status_code == 405
    assert b"reflected-header" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("url", [reverse("accounts:login"), *SIGNED_IN_PAGES, "/page-qui-n-existe-pas/"])
def test_every_response_carries_the_browser_security_headers(alice_client, url):
    """ASVS 3.4.1 and 3.4.3 to 3.4.6, and no CORS grant (3.4.2), on pages, refusals and 404s alike."""
    response = alice_client.get(url, secure=True, HTTP_ORIGIN="https://evil.example")

    policy = response["Content-Security-Policy"]
    assert "object-src 'none'" in policy
    assert "base-uri 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "Access-Control-Allow-Origin" not in response


ADMIN_PASSWORD = "mot-de-passe-administrateur"  # tests/factories.py AdministratorFactory


def _change_password(client, old: str, new: str):
    return client.post(
        reverse("admin:password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


@pytest.mark.django_db
def test_the_administrator_changes_the_password_only_with_the_current_one(admin_client, admin_user):
    """ASVS 6.2.2, 6.2.3, 6.2.9: the current password is required; 64 characters and more are accepted."""
    long_password = "une phrase de passe assez longue pour tenir dans un gestionnaire " * 2

    refused = _change_password(admin_client, "pas-le-bon-mot-de-passe", long_password)
    admin_user.refresh_from_db()
    assert refused.status_code == 200
    assert admin_user.check_password(ADMIN_PASSWORD)

    accepted = _change_password(admin_client, ADMIN_PASSWORD, long_password)
    admin_user.refresh_from_db()
    assert accepted.status_code == 302
    assert admin_user.check_password(long_password)


@pytest.mark.django_db
@pytest.mark.parametrize("weak", ["qwerty123456", "1qaz2wsx3edc"])
def test_a_common_password_is_refused(admin_client, admin_user, weak):
    """ASVS 6.2.4: a new password is checked against a list of common passwords (Django's, about 20,000)."""
    response = _change_password(admin_client, ADMIN_PASSWORD, weak)

    admin_user.refresh_from_db()
    assert response.status_code == 200
    assert admin_user.check_password(ADMIN_PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/static/", "/static/css/", "/media/", "/.git/config", "/.env"])
def test_no_folder_is_listed_and_no_upload_or_source_file_has_a_public_address(alice_client, url):
    """ASVS 5.3.1, 13.4.1, 13.4.3: uploads are served only through the traced, checked views."""
    assert alice_client.get(url).status_code == 404


@pytest.mark.django_db
def test_the_administrator_password_is_masked_and_left_to_password_managers(client):
    """ASVS 6.2.6, 6.2.7: type=password, autocomplete for password managers, paste not blocked."""
    page = text(client.get(reverse("accounts:admin_login")))

    assert 'type="password"' in page
    assert 'autocomplete="current-password"' in page
    assert "onpaste" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["X' OR '1'='1", "X%' OR 1=1 --", "X\\'; DROP TABLE patients_patient; --"])
def test_sql_in_the_search_fields_finds_nobody_and_breaks_nothing(alice_client, name):
    """ASVS 1.2.4: search values are query parameters (the ORM), never SQL."""
    PatientFactory.create_batch(3, sex="M", first_name="Pierre")

    response = alice_client.post(
        reverse("patients:search"), {"name": name, "first_name": "Pierre", "sex": "M"}
    )

    assert response.status_code == 200
    assert NO_RESULT_MESSAGE in text(response)
