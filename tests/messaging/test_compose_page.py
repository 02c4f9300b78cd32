"""The compose page: the directory's and Informations Patient's "Écrire" links land here."""

from django.urls import reverse

from tests.helpers import text


def test_it_prefills_the_recipient_given_in_the_link(alice_client):
    response = alice_client.get(reverse("messaging:compose") + "?a=pharmacie@chru-nancy.mssante.fr")
    assert response.status_code == 200
    assert 'value="pharmacie@chru-nancy.mssante.fr"' in text(response)


def test_it_escapes_a_hostile_prefilled_address(alice_client):
    response = alice_client.get(reverse("messaging:compose"), {"a": '"><script>alert(1)</script>'})
    assert "<script>alert(1)" not in response.content.decode()


def test_it_sends_the_anonymous_to_the_login(client):
    response = client.get(reverse("messaging:compose"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
