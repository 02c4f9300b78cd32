"""Many requests tracing one patient at once: one unbroken chain, no trace lost (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections, transaction

from audit.models import Action, Trace
from audit.services import record
from audit.verification import verify_all
from tests.factories import PatientFactory, ProfessionalFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"),
]

THREADS, PER_THREAD = 8, 15


def test_concurrent_writers_keep_one_unbroken_chain():
    patient = PatientFactory()
    actors = [ProfessionalFactory() for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def write(actor) -> None:
        try:
            barrier.wait()
            for _ in range(PER_THREAD):
                with transaction.atomic():
                    record(actor=actor, patient=patient, action=Action.HISTORY_VIEWED)
        except BaseException as error:  # surfaced below, not lost in the thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    seqs = list(Trace.objects.filter(patient=patient).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, THREADS * PER_THREAD + 1))
    assert verify_all().findings == []
