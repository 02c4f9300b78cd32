"""Viewing the "Parcours de soins" grid is a read of the DMP: it is traced, in dmp.fr's words."""

import pytest

from audit.models import Action, Trace
from tests.documents.pages import url, words
from tests.helpers import login_verified

pytestmark = pytest.mark.django_db


def test_viewing_the_grid_writes_a_trace_the_patients_history_shows(alice_client, alice, patient):
    assert alice_client.get(url("documents:grid", patient)).status_code == 200

    trace = Trace.objects.get(patient=patient, action=Action.CARE_PATHWAY_VIEWED)
    assert trace.actor == alice and trace.mode
    assert "a consulté le parcours de soins" in words(alice_client.get(url("patients:history", patient)))


def test_a_refused_grid_writes_no_trace(client, patient, charlie):
    login_verified(client, charlie, charlie.cpscard_set.get())  # not in the care team, no consent
    client.get(url("documents:grid", patient))

    assert not Trace.objects.filter(patient=patient, action=Action.CARE_PATHWAY_VIEWED).exists()
