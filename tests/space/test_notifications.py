"""Mon espace santé's "Notifications reçues": the emails written to the patient, shown in the space
too (a workshop has no mail server), newest first, by keyset pages whose cost does not grow with
the number of notifications; another patient's never shown."""

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import Action
from audit.services import record
from patients.space_views import NOTIFICATIONS_CURSOR, NOTIFICATIONS_PER_PAGE
from tests.helpers import text

NOTIFICATIONS = reverse("space:notifications")


def _emergencies(patient, physician, count: int) -> None:
    """`count` emergency accesses: each one is notified to the patient."""
    for number in range(count):
        with transaction.atomic():
            record(
                actor=physician, patient=patient, action=Action.EMERGENCY_ACCESS, details=f"Motif {number}"
            )


def test_the_notifications_are_shown_newest_first_by_keyset_pages(patient, physician, patient_client):
    _emergencies(patient, physician, NOTIFICATIONS_PER_PAGE + 3)
    first = patient_client.get(NOTIFICATIONS)
    assert (
        text(first).count("a accédé en urgence à votre profil") == NOTIFICATIONS_PER_PAGE * 2
    )  # subject, body
    older = first.context["next_cursor"]
    assert older is not None
    second = patient_client.get(f"{NOTIFICATIONS}?{NOTIFICATIONS_CURSOR}={older}")
    assert text(second).count("a accédé en urgence à votre profil") == 3 * 2
    assert second.context["next_cursor"] is None
    shown = [n.pk for n in first.context["notifications"]] + [n.pk for n in second.context["notifications"]]
    assert shown == sorted(shown, reverse=True) and len(set(shown)) == NOTIFICATIONS_PER_PAGE + 3


def test_the_page_costs_the_same_with_one_or_many_notifications(patient, physician, patient_client):
    _emergencies(patient, physician, 1)
    patient_client.get(NOTIFICATIONS)  # the session's first write is not the page's cost
    with CaptureQueriesContext(connection) as one:
        patient_client.get(NOTIFICATIONS)
    _emergencies(patient, physician, 2 * NOTIFICATIONS_PER_PAGE)
    with CaptureQueriesContext(connection) as many:
        patient_client.get(NOTIFICATIONS)
    assert len(many) == len(one)


def test_another_patients_notifications_are_never_shown(patient, other, physician, patient_client):
    _emergencies(other, physician, 1)
    assert "Aucune notification." in text(patient_client.get(NOTIFICATIONS))


def test_a_bad_cursor_says_so_and_shows_the_newest(patient, physician, patient_client):
    _emergencies(patient, physician, 1)
    page = text(patient_client.get(f"{NOTIFICATIONS}?{NOTIFICATIONS_CURSOR}=abc", follow=True))
    assert "Cette page n'existe pas : voici les notifications les plus récentes." in page
    assert "a accédé en urgence à votre profil" in page
