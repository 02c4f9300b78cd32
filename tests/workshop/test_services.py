"""Workshop sessions: trainees and their sandboxes are created, reset and ended as the trainer expects."""

import datetime
import io

import pytest
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.identifiers import luhn_key
from accounts.models import CPSCard, ECPSDevice
from accounts.services import card_check_pin, ecps_device_for
from audit.models import Action, Trace
from documents.models import Document, DocumentType, Vaccination
from documents.services import document_add
from patients import access
from patients.models import Authorization, AuthorizationKind, Patient, Sandbox, VitaleCard
from patients.services import authorization_declare
from tests.helpers import client_request, login_verified
from workshop.demo import ALL_PATIENTS, RICH_RECORD
from workshop.models import Trainee, WorkshopSession
from workshop.services import (
    WorkshopError,
    target_patient,
    workshop_model,
    workshop_session_create,
    workshop_session_end,
    workshop_session_reset,
    workshop_trainee_reset,
)


def _state(sandbox: Sandbox) -> dict[str, object]:
    """What a trainee finds in their sandbox, by natural keys (codes and pks differ per copy)."""
    patients = Patient.objects.filter(sandbox=sandbox)
    return {
        "patients": sorted(patients.values_list("ins", "birth_name", "dmp_status")),
        "documents": sorted(
            Document.objects.filter(patient__sandbox=sandbox).values_list(
                "patient__ins", "title", "status", "sha256", "masked_to_professionals"
            )
        ),
        "vaccinations": Vaccination.objects.filter(patient__sandbox=sandbox).count(),
        "authorizations": Authorization.objects.filter(patient__sandbox=sandbox).count(),
        "cards": sorted(
            VitaleCard.objects.filter(holder__sandbox=sandbox).values_list("holder__ins", "in_reader")
        ),
        "stays": sorted(
            Patient.objects.filter(sandbox=sandbox, stays__isnull=False).values_list(
                "ins", "stays__establishment"
            )
        ),
    }


def _trainees(session: WorkshopSession) -> list[Trainee]:
    return list(session.trainees.select_related("user", "session"))


def test_a_session_creates_fictive_professionals_with_card_pin_and_ecps(workshop_session):
    pharmacist, preparer = _trainees(workshop_session)
    assert (pharmacist.user.profession_id, preparer.user.profession_id) == ("21", "38")
    for trainee in (pharmacist, preparer):
        rpps = trainee.user.rpps
        assert rpps.startswith("19") and len(rpps) == 11 and luhn_key(rpps[:-1]) == rpps[-1]
        assert trainee.user.is_active and trainee.user.is_demo
        assert not trainee.user.has_perm("workshop.run_workshop")
        card = CPSCard.objects.get(user=trainee.user)
        assert card_check_pin(request=client_request(), number=card.number, pin=trainee.pin).ok
        assert ECPSDevice.objects.get(user=trainee.user).confirmed


def test_each_trainee_gets_a_private_copy_of_the_demo_patients_and_documents(workshop_session):
    pharmacist, preparer = _trainees(workshop_session)
    mine, theirs = pharmacist.sandbox, preparer.sandbox
    model = workshop_model()
    assert _state(mine) == _state(theirs) == _state(model)
    assert Patient.objects.filter(sandbox=mine).count() == len(ALL_PATIENTS)
    assert Document.objects.filter(patient__sandbox=mine).count() > 20
    assert set(Patient.objects.reachable_by(pharmacist.user)) == set(Patient.objects.filter(sandbox=mine))
    # Same bytes, but each copy has its own stored file.
    files = [
        set(Document.objects.filter(patient__sandbox=box).exclude(file="").values_list("file", flat=True))
        for box in (mine, theirs, model)
    ]
    assert files[0] and not files[0] & files[1] and not files[0] & files[2]
    stored = Document.objects.filter(patient__sandbox=mine).exclude(file="").first()
    assert stored.file.storage.exists(stored.file.name)


def test_trainee_numbers_never_repeat_across_sessions(workshop_session, trainer):
    other = workshop_session_create(
        trainer=trainer, name="Atelier de Nancy", on=datetime.date(2026, 4, 2), professions=["infirmier"]
    )
    numbers = [trainee.user.rpps for session in (workshop_session, other) for trainee in _trainees(session)]
    assert len(set(numbers)) == 3


@pytest.mark.parametrize("professions", [[], ["pharmacien"] * 41, ["astronaute"]])
def test_a_bad_session_is_refused_and_nothing_is_created(trainer, professions):
    with pytest.raises(WorkshopError):
        workshop_session_create(
            trainer=trainer, name="Trop", on=datetime.date(2026, 3, 12), professions=professions
        )
    assert not WorkshopSession.objects.exists()
    assert not Trainee.objects.exists()


def test_the_care_team_scenario_puts_each_trainee_in_the_target_patients_care_team(trainer):
    session = workshop_session_create(
        trainer=trainer,
        name="Équipe",
        on=datetime.date.today(),
        professions=["pharmacien"],
        care_team_scenario=True,
    )
    trainee = _trainees(session)[0]
    decision = access.decision_for(trainee.user, target_patient(trainee.sandbox))
    assert decision.allowed


def _work(trainee: Trainee) -> Patient:
    """What a trainee does: declare consent, then add a document."""
    patient = target_patient(trainee.sandbox)
    assert authorization_declare(
        professional=trainee.user, patient=patient, kind=AuthorizationKind.CONSENT
    ).allowed
    document_add(
        professional=trainee.user,
        patient=patient,
        document_type=DocumentType.objects.get(code="11488-4"),
        title="Compte rendu du stagiaire",
        document_date=datetime.date(2026, 3, 12),
        text="Texte du stagiaire.",
    )
    return patient


def test_a_trainee_reset_restores_the_initial_state_and_archives_the_old_sandbox_with_its_traces(
    workshop_session,
):
    pharmacist, preparer = _trainees(workshop_session)
    initial = _state(pharmacist.sandbox)
    untouched = preparer.sandbox
    worked_on = _work(pharmacist)
    old = pharmacist.sandbox
    assert _state(old) != initial
    traces = Trace.objects.filter(patient=worked_on).count()

    fresh = workshop_trainee_reset(trainee=pharmacist, by=None)

    assert fresh != old and pharmacist.sandbox == fresh
    assert _state(fresh) == initial
    old.refresh_from_db()
    assert old.archived_at is not None
    assert Trace.objects.filter(patient=worked_on).count() == traces  # kept, never edited
    assert Trace.objects.filter(patient=worked_on, action=Action.AUTHORIZATION_DECLARED).exists()
    assert not Patient.objects.reachable_by(pharmacist.user).filter(sandbox=old).exists()
    assert preparer.sandbox == untouched  # the others keep working
    call_command("verify_traces", stdout=io.StringIO())


def test_a_session_reset_gives_every_trainee_a_fresh_sandbox(workshop_session):
    trainees = _trainees(workshop_session)
    initial = _state(trainees[0].sandbox)
    for trainee in trainees:
        _work(trainee)
    before = {trainee.pk: trainee.sandbox for trainee in trainees}

    workshop_session_reset(session=workshop_session, by=None)

    for trainee in trainees:
        assert trainee.sandbox != before[trainee.pk]
        assert _state(trainee.sandbox) == initial
    assert (
        Sandbox.objects.filter(pk__in=[box.pk for box in before.values()], archived_at__isnull=True).count()
        == 0
    )
    call_command("verify_traces", stdout=io.StringIO())


def test_ending_a_session_disables_its_trainees_at_once(workshop_session, client):
    trainee = _trainees(workshop_session)[0]
    card = CPSCard.objects.get(user=trainee.user)
    login_verified(client, trainee.user, card)
    assert client.get(reverse("patients:my_patients")).status_code == 200

    workshop_session_end(session=workshop_session, by=None)

    response = client.get(reverse("patients:my_patients"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert str(trainee.user_id) not in [
        row.get_decoded().get("_auth_user_id") for row in Session.objects.all()
    ]
    assert not card_check_pin(request=client_request(), number=card.number, pin=trainee.pin).ok
    assert ecps_device_for(trainee.user) is None  # e-CPS: no device to verify a code with
    assert not ECPSDevice.objects.filter(user=trainee.user, confirmed=True).exists()
    assert trainee.sandbox is None
    with pytest.raises(WorkshopError):
        workshop_session_reset(session=workshop_session, by=None)


def test_the_reset_command_resets_one_trainee_by_rpps_or_the_whole_session(workshop_session):
    pharmacist, preparer = _trainees(workshop_session)
    before = (pharmacist.sandbox, preparer.sandbox)
    out = io.StringIO()
    call_command("workshop_reset", str(workshop_session.code), "--trainee", pharmacist.user.rpps, stdout=out)
    assert "Poste 1" in out.getvalue()
    assert pharmacist.sandbox != before[0] and preparer.sandbox == before[1]
    call_command("workshop_reset", str(workshop_session.code), stdout=out)
    assert preparer.sandbox != before[1]


@pytest.mark.parametrize(
    "arguments",
    [["5a4db0c5-0000-4000-8000-00000000ffff"], ["pas-un-code"], ["{code}", "--trainee", "19999999999"]],
)
def test_the_reset_command_says_plainly_what_it_cannot_find(workshop_session, arguments):
    arguments = [argument.format(code=workshop_session.code) for argument in arguments]
    with pytest.raises(CommandError):
        call_command("workshop_reset", *arguments, stdout=io.StringIO())


def test_the_target_patient_is_the_slides_rich_record(workshop_session):
    trainee = _trainees(workshop_session)[0]
    assert target_patient(trainee.sandbox).ins == RICH_RECORD.ins


def test_the_model_sandbox_is_rebuilt_on_the_first_use_of_a_new_day(workshop_session):
    model = workshop_model()
    assert workshop_model() == model  # the same day: reused
    Sandbox.objects.filter(pk=model.pk).update(created_at=model.created_at - datetime.timedelta(days=1))

    fresh = workshop_model()

    assert fresh != model
    model.refresh_from_db()
    assert model.archived_at is not None  # archived with its traces, never deleted
    assert _state(fresh) == _state(_trainees(workshop_session)[0].sandbox)


def _trainer_traces(trainer) -> list[str]:
    return [trace.sentence for trace in Trace.objects.filter(chain=f"actor:{trainer.pk}").order_by("seq")]


def test_the_trainers_actions_are_traced_in_their_own_chain(workshop_session, trainer_client, trainer):
    """Creating accounts, resetting and ending are traced where the trainer did them, by the views."""
    code = str(workshop_session.code)
    trainer_client.post(reverse("workshop:trainee_reset", args=[code, 1]))
    trainer_client.post(reverse("workshop:session_reset", args=[code]))
    trainer_client.post(reverse("workshop:session_end", args=[code]))

    assert _trainer_traces(trainer)[-4:] == [
        "a créé une session d'atelier : « Atelier de Strasbourg » du 12/03/2026, 2 stagiaire(s)",
        "a réinitialisé des bacs à sable d'atelier : « Atelier de Strasbourg » du 12/03/2026, poste 1",
        "a réinitialisé des bacs à sable d'atelier : « Atelier de Strasbourg » du 12/03/2026, tous les postes",
        "a terminé une session d'atelier : « Atelier de Strasbourg » du 12/03/2026",
    ]
    ended = Trace.objects.get(action=Action.WORKSHOP_SESSION_ENDED)
    assert ended.actor == trainer and ended.client_address == "127.0.0.1"
    call_command("verify_traces", stdout=io.StringIO())


def test_a_refused_reset_writes_no_trace_and_the_command_traces_as_itself(workshop_session, trainer):
    workshop_session_end(session=workshop_session, by=trainer)
    traces = Trace.objects.count()
    with pytest.raises(CommandError):
        call_command("workshop_reset", str(workshop_session.code), stdout=io.StringIO())
    assert Trace.objects.count() == traces  # no action, no trace

    other = workshop_session_create(
        trainer=trainer, name="Atelier de Metz", on=datetime.date(2026, 4, 2), professions=["pharmacien"]
    )
    call_command("workshop_reset", str(other.code), stdout=io.StringIO())
    reset = Trace.objects.filter(action=Action.WORKSHOP_SANDBOXES_RESET).get()
    assert reset.actor is None and reset.chain == "system"
    assert reset.actor_label == "Administration du portail (ligne de commande)"
    assert "« Atelier de Metz » du 02/04/2026, tous les postes" in reset.sentence
