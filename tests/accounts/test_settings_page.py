"""PARAMÉTRAGES: directory data read-only, document defaults, remembered RPPS."""

import pytest
from django.urls import reverse

from accounts.models import PracticeSetting
from accounts.views import REMEMBERED_RPPS_COOKIE
from tests.factories import PracticeFactory
from tests.helpers import text

URL = reverse("accounts:settings")


@pytest.mark.django_db
def test_it_shows_the_directory_data_as_the_annuaire_holds_it(alice_client, alice):
    body = text(alice_client.get(URL))

    assert alice.rpps in body
    assert f"8{alice.rpps}" in body
    assert "Pharmacien" in body
    assert alice.email in body
    assert alice.practices.get().establishment.finess in body


@pytest.mark.django_db
def test_directory_data_cannot_be_changed_through_the_page(alice_client, alice):
    original = (alice.rpps, alice.last_name, alice.email)

    alice_client.post(URL, {"rpps": "10000000009", "last_name": "Pirate", "email": "x@evil.test"})

    alice.refresh_from_db()
    assert (alice.rpps, alice.last_name, alice.email) == original


@pytest.mark.django_db
def test_it_saves_the_default_cadre_and_situation(alice_client, alice):
    practice = alice.practices.get()

    response = alice_client.post(
        URL, {"default_practice_setting": "HAD", "default_practice": practice.pk}, follow=True
    )

    assert "Vos préférences ont été enregistrées." in text(response)
    alice.refresh_from_db()
    assert alice.default_practice_setting == PracticeSetting.objects.get(code="HAD")
    assert alice.default_practice == practice


@pytest.mark.django_db
def test_another_professionals_situation_is_refused(alice_client, alice):
    someone_elses = PracticeFactory()

    response = alice_client.post(
        URL, {"default_practice_setting": "ETABLISSEMENT", "default_practice": someone_elses.pk}
    )

    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in text(response)
    alice.refresh_from_db()
    assert alice.default_practice is None


@pytest.mark.django_db
def test_a_producer_code_is_not_a_cadre_d_exercice(alice_client, alice):
    response = alice_client.post(URL, {"default_practice_setting": "EXP_PATIENT"})

    assert "Sélectionnez un choix valide" in text(response)
    alice.refresh_from_db()
    assert alice.default_practice_setting is None


@pytest.mark.django_db
def test_forgetting_the_remembered_rpps_deletes_the_cookie(alice_client, alice):
    alice_client.cookies[REMEMBERED_RPPS_COOKIE] = alice.rpps
    assert "est mémorisé sur ce poste" in text(alice_client.get(URL))

    response = alice_client.post(reverse("accounts:forget_rpps"))

    assert response.cookies[REMEMBERED_RPPS_COOKIE].value == ""
    assert "Aucun identifiant n'est mémorisé" in text(alice_client.get(URL))


@pytest.mark.django_db
def test_forgetting_by_get_is_refused(alice_client):
    assert alice_client.get(reverse("accounts:forget_rpps")).status_code == 405
