"""Historique des accès: the slides' lines, counts, pagination, period filter; itself traced."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, Trace
from patients.history import TRACES_PER_PAGE
from tests.factories import CPSCardFactory, PatientFactory, ProfessionalFactory
from tests.helpers import link_to, login_verified, text


@pytest.fixture
def opened(alice_client):
    """Alice declared consent and opened the DMP, as in the slides."""
    patient = PatientFactory(birth_name="Le Quinio", first_name="Pierre")
    alice_client.post(reverse("patients:authorization", args=[patient.code]), {"declaration": "consent"})
    alice_client.get(reverse("patients:open", args=[patient.code]))
    return patient


def _lines(response) -> list[str]:
    return [row.sentence for row in response.context["rows"]]


@pytest.mark.django_db
def test_the_history_shows_the_slides_three_lines_most_recent_first(alice_client, alice, opened):
    response = alice_client.get(reverse("patients:history", args=[opened.code]))

    assert _lines(response) == [
        "a consulté l'historique des accès",
        "a ouvert le DMP avec un navigateur web",
        "s'est déclaré autorisé à accéder au DMP",
    ]
    body = text(response)
    assert "Toutes les actions (3)" in body
    assert "Vos actions (3)" in body
    assert f"{alice.display_name} (Pharmacien)" in body
    assert "Seules les traces les plus récentes sont affichées dans cet écran." in body
    assert "Imprimer" in body


@pytest.mark.django_db
def test_consulting_the_history_is_traced_each_time(alice_client, opened):
    for _ in range(2):
        alice_client.get(reverse("patients:history", args=[opened.code]))

    assert Trace.objects.filter(patient=opened, action=Action.HISTORY_VIEWED).count() == 2


@pytest.mark.django_db
def test_vos_actions_shows_only_mine(alice_client, opened):
    bob = ProfessionalFactory()
    bob_client = login_verified(Client(), bob, CPSCardFactory(user=bob))
    bob_client.post(reverse("patients:authorization", args=[opened.code]), {"declaration": "consent"})
    bob_client.get(reverse("patients:open", args=[opened.code]))

    response = alice_client.get(reverse("patients:history", args=[opened.code]), {"vos": "1"})

    assert "Toutes les actions (5)" in text(response)  # 2 of Bob's, 3 of Alice's
    assert "Vos actions (3)" in text(response)
    assert len(response.context["page"]) == 3


@pytest.mark.django_db
def test_older_traces_are_on_the_next_pages(alice_client, opened):
    for _ in range(TRACES_PER_PAGE + 5):
        alice_client.get(reverse("patients:history", args=[opened.code]))
    history = reverse("patients:history", args=[opened.code])

    first = alice_client.get(history)
    second = alice_client.get(history + link_to(first, "Traces plus anciennes"))
    back = alice_client.get(history + link_to(second, "Traces plus récentes"))
    oldest = alice_client.get(history + link_to(first, "Traces les plus anciennes"))

    assert len(first.context["page"]) == TRACES_PER_PAGE
    assert "Traces plus récentes" not in text(first)
    assert _lines(second)[-1] == "s'est déclaré autorisé à accéder au DMP"  # the oldest, last
    assert not second.context["page"].has_next()
    assert len(_lines(first)) + len(_lines(second)) == TRACES_PER_PAGE + 8  # nothing lost, nothing twice
    # Back to the traces just before the second page: the first page's, though the reads in between
    # wrote newer traces (which a "Traces les plus récentes" link reaches).
    assert [row.trace.pk for row in back.context["rows"]] == [row.trace.pk for row in first.context["rows"]]
    assert back.context["page"].has_previous()
    assert _lines(oldest)[-1] == "s'est déclaré autorisé à accéder au DMP"
    assert "Traces plus anciennes" not in text(oldest)


@pytest.mark.django_db
@pytest.mark.parametrize("cursor", ["apres=%%%", "avant=bm9wZQ", "apres=W10", "apres=" + "A" * 2000])
def test_a_tampered_cursor_shows_the_first_page(alice_client, opened, cursor):
    response = alice_client.get(reverse("patients:history", args=[opened.code]) + "?" + cursor)

    assert response.status_code == 200
    assert _lines(response)[0] == "a consulté l'historique des accès"


@pytest.mark.django_db
def test_the_period_filter_keeps_only_that_period(alice_client, alice, opened):
    today = timezone.localdate()
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        login_verified(alice_client, alice, alice.cpscard_set.get())
        response = alice_client.get(
            reverse("patients:history", args=[opened.code]),
            {"since": today.strftime("%d/%m/%Y"), "until": today.strftime("%d/%m/%Y")},
        )

    assert _lines(response) == [
        "a ouvert le DMP avec un navigateur web",
        "s'est déclaré autorisé à accéder au DMP",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"since": "32/13/2024"}, "Saisissez une date au format JJ/MM/AAAA."),
        ({"since": "01/01/0001"}, "Saisissez une date entre 1900 et 9999."),
        ({"until": "01/01/1"}, "Saisissez une date"),  # refused as a format or as out of range
        (
            {"since": "10/01/2025", "until": "01/01/2025"},
            "La date de début de la période doit précéder sa date de fin.",
        ),
    ],
)
def test_a_bad_period_gets_a_french_message_and_shows_everything(alice_client, opened, params, message):
    response = alice_client.get(reverse("patients:history", args=[opened.code]), params)

    assert response.status_code == 200
    assert message in text(response)
    assert len(response.context["page"]) == 3


@pytest.mark.django_db
def test_the_history_query_count_does_not_grow_with_traces(
    alice_client, opened, django_assert_max_num_queries
):
    for _ in range(30):
        alice_client.get(reverse("patients:history", args=[opened.code]))

    with django_assert_max_num_queries(22):  # PostgreSQL adds an advisory lock
        alice_client.get(reverse("patients:history", args=[opened.code]))


@pytest.mark.django_db
def test_without_authorization_the_history_is_not_shown(alice_client):
    patient = PatientFactory()

    response = alice_client.get(reverse("patients:history", args=[patient.code]))

    assert response["Location"] == reverse("patients:authorization", args=[patient.code])
    assert not Trace.objects.filter(action=Action.HISTORY_VIEWED).exists()
