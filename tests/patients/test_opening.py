"""Opening a DMP (patients/opening.py): one service decides, traces the opening once per visit and
stores the previous access; the HTML pages are its adapter (patients.views.dmp_view)."""

from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, Trace
from patients import access
from patients.models import Block, RecordAccess
from patients.opening import Tab, open_dmp
from tests.factories import AuthorizationFactory, PatientFactory, ProfessionalFactory

pytestmark = pytest.mark.django_db


def _openings(patient, professional) -> int:
    return Trace.objects.filter(patient=patient, actor=professional, action=Action.RECORD_OPENED).count()


def _open(professional, patient, *, already_opened=False):
    with transaction.atomic():
        return open_dmp(professional=professional, patient=patient, already_opened=already_opened)


def test_an_opening_is_traced_and_remembered_and_the_previous_one_is_kept(alice):
    patient = PatientFactory()
    AuthorizationFactory(patient=patient, professional=alice)
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        first = _open(alice, patient)
    with time_machine.travel(start + timedelta(days=3), tick=False):
        second = _open(alice, patient)
        later_page = _open(alice, patient, already_opened=True)

    assert first.allowed and first.traced and first.previous_access_at is None
    assert second.traced and second.previous_access_at == start
    assert not later_page.traced and later_page.previous_access_at == start  # read back, stored
    assert _openings(patient, alice) == 2
    access_row = RecordAccess.objects.get(patient=patient, professional=alice)
    assert (access_row.first_access_at, access_row.previous_access_at) == (start, start)
    assert access_row.last_access_at == start + timedelta(days=3)


def test_a_refused_opening_writes_nothing_and_has_no_previous_access(alice):
    patient = PatientFactory()
    AuthorizationFactory(patient=patient, professional=alice)
    Block.objects.create(patient=patient, professional=alice)

    opening = _open(alice, patient)

    assert not opening.allowed and opening.decision.refusal is access.Refusal.BLOCKED
    assert not opening.traced and opening.previous_access_at is None
    assert _openings(patient, alice) == 0
    assert not RecordAccess.objects.filter(patient=patient).exists()


def test_without_any_opening_there_is_no_previous_access(alice):
    patient = PatientFactory()
    AuthorizationFactory(patient=patient, professional=alice)

    assert access.facts_for(alice, patient).previous_access_at is None
    assert _open(alice, patient, already_opened=True).previous_access_at is None


def test_the_pages_open_once_per_visit_and_mark_their_tab(alice_client, alice):
    patient = PatientFactory()
    AuthorizationFactory(patient=patient, professional=alice)
    pages = {
        Tab.SUMMARY: "patients:summary",
        Tab.DOCUMENTS: "documents:list",
        Tab.VACCINATION: "documents:vaccination",
        Tab.INFORMATION: "patients:information",
        Tab.MANAGEMENT: "patients:management",
        Tab.HISTORY: "patients:history",
    }

    for tab, name in pages.items():
        response = alice_client.get(reverse(name, args=[patient.code]))
        assert response.context["tab"] is tab
        assert 'aria-current="page"' in response.content.decode()

    assert _openings(patient, ProfessionalFactory()) == 0
    assert _openings(patient, alice) == 1
