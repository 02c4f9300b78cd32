"""seed_demo's ready workshop: a trainer who logs in by card, one session of three trainees."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.services import card_check_pin
from audit.models import Action, Trace
from patients.models import Sandbox
from tests.helpers import client_request
from workshop.demo import DEMO_PIN
from workshop.demo_workshop import DEMO_SESSION_NAME, DEMO_TRAINEES, TRAINER
from workshop.models import WorkshopSession
from workshop.roles import is_trainer

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.django_db
def test_seed_demo_makes_a_trainer_and_one_ready_session_however_often_it_runs():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)

    session = WorkshopSession.objects.get(name=DEMO_SESSION_NAME)
    assert is_trainer(session.trainer) and session.trainer.rpps == TRAINER.rpps
    assert card_check_pin(request=client_request(), number=TRAINER.card_number, pin=DEMO_PIN).ok
    assert list(session.trainees.values_list("profession", flat=True)) == list(DEMO_TRAINEES)
    for trainee in session.trainees.all():
        assert not is_trainer(trainee.user)
        assert trainee.sandbox is not None
        assert f"PIN {trainee.pin}" in out.getvalue()


@pytest.mark.django_db
def test_seed_demo_reset_gives_the_trainees_fresh_sandboxes_with_its_one_trace():
    call_command("seed_demo", stdout=io.StringIO())
    before = set(
        Sandbox.objects.filter(archived_at__isnull=True, trainee__isnull=False).values_list("pk", flat=True)
    )
    traces = Trace.objects.count()

    call_command("seed_demo", "--reset", stdout=io.StringIO())

    after = set(
        Sandbox.objects.filter(archived_at__isnull=True, trainee__isnull=False).values_list("pk", flat=True)
    )
    assert len(after) == len(DEMO_TRAINEES) and not before & after
    # One new trace, the reset's own, by the command line: the fresh copies carry none.
    assert list(Trace.objects.order_by("pk").values_list("action", "actor")[traces:]) == [
        (Action.WORKSHOP_SANDBOXES_RESET, None)
    ]
    assert WorkshopSession.objects.filter(name=DEMO_SESSION_NAME).count() == 1
    call_command("verify_traces", stdout=io.StringIO())


def test_the_readme_documents_the_demo_trainer():
    section = README.read_text().split("## Atelier de formation", 1)[1].split("\n## ", 1)[0]
    assert TRAINER.rpps in section and TRAINER.card_number in section
    assert "workshop_reset" in section
