"""Two tabs opening the same DMP at once: one access row, two traces, no error (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from audit.models import Action, Trace
from patients import access, services
from patients.models import RecordAccess
from tests.factories import CareStayFactory, PatientFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"),
]


def test_simultaneous_first_openings_do_not_collide(alice):
    patient = PatientFactory()
    CareStayFactory(patient=patient, establishment=alice.practices.get().establishment)
    decision = access.decision_for(alice, patient)
    barrier, errors = threading.Barrier(4), []

    def open_record() -> None:
        try:
            barrier.wait()
            services.record_open(professional=alice, patient=patient, decision=decision)
        except BaseException as error:  # surfaced below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=open_record) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert RecordAccess.objects.filter(patient=patient, professional=alice).count() == 1
    assert Trace.objects.filter(patient=patient, action=Action.RECORD_OPENED).count() == 4
