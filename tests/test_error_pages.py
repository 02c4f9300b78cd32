"""Errors speak French: unknown pages, refusals, expired forms."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from tests.helpers import login_verified, text


@pytest.mark.django_db
def test_an_unknown_patient_page_is_a_french_404(alice_client):
    response = alice_client.get(reverse("patients:summary", args=[uuid.uuid4()]))

    assert response.status_code == 404
    assert "Page introuvable" in text(response)


@pytest.mark.django_db
def test_a_malformed_uuid_is_a_french_404(alice_client):
    response = alice_client.get("/dmp/pas-un-uuid/recapitulatif/")

    assert response.status_code == 404
    assert "Page introuvable" in text(response)


@pytest.mark.django_db
def test_a_refusal_says_why_in_french(client, admin_user):
    login_verified(client, admin_user, admin_user.totpdevice_set.get())

    response = client.get(reverse("patients:my_patients"))

    assert response.status_code == 403
    assert "Réservé aux professionnels de santé." in text(response)


@pytest.mark.django_db
def test_an_expired_form_is_refused_in_french(alice, alice_card):
    browser = login_verified(Client(enforce_csrf_checks=True), alice, alice_card)

    response = browser.post(reverse("accounts:logout"))

    assert response.status_code == 403
    assert "Formulaire expiré" in text(response)


@pytest.mark.django_db
def test_an_administrator_can_log_out_from_the_header(admin_client):
    response = admin_client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in admin_client.session
