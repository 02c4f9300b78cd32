"""The trainer's dashboard, its live grid (which never keeps a session alive), each trainee's
sandbox history, and the trainee's own checklist on every page."""

import datetime
import time
import zoneinfo

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from accounts.models import CPSCard
from audit.models import Action, Trace
from audit.services import record
from patients.models import Patient
from tests.factories import CPSCardFactory, DocumentFactory, PracticeFactory
from tests.helpers import login_verified, text
from workshop import views_dashboard
from workshop.models import Trainee, WorkshopSession

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _words(response) -> str:
    """What a person reads, tags dropped and spaces collapsed."""
    return " ".join(strip_tags(text(response)).split())


def _trainee(session: WorkshopSession, position: int = 1) -> Trainee:
    return session.trainees.select_related("user").get(position=position)


def _patient(trainee: Trainee) -> Patient:
    return Patient.objects.filter(sandbox__trainee=trainee.user, sandbox__archived_at__isnull=True).first()


def _trace(trainee: Trainee, action: Action, *, patient=None, details: str = "") -> Trace:
    with transaction.atomic():
        return record(actor=trainee.user, action=action, patient=patient, details=details)


def _trainee_client(client, trainee: Trainee):
    return login_verified(client, trainee.user, CPSCard.objects.get(user=trainee.user))


def test_the_dashboard_ticks_each_step_in_words_and_says_who_is_stuck_since_when(
    workshop_session, trainer_client
):
    pharmacist = _trainee(workshop_session, 1)
    logged_in_at = timezone.now() + datetime.timedelta(minutes=1)
    with time_machine.travel(logged_in_at, tick=False):
        _trace(pharmacist, Action.LOGIN, details="e-CPS")
    with time_machine.travel(logged_in_at + datetime.timedelta(minutes=12, seconds=30), tick=False):
        page = _words(trainer_client.get(reverse("workshop:dashboard", args=[workshop_session.code])))

    paris = f"{timezone.localtime(logged_in_at, PARIS):%H:%M}"
    assert "Poste" in page and "Connexion e-CPS" in page and "Historique des accès" in page
    assert f"✓ Fait {paris}" in page
    assert page.count("À faire") == 6 + 7  # poste 1: six steps left; poste 2: all seven
    assert f"Recherche par identité depuis 12 min (dernière étape à {paris})" in page
    assert "aucune étape faite" in page  # poste 2


def test_the_dashboard_polls_its_grid_which_alone_comes_back(workshop_session, trainer_client):
    page = trainer_client.get(reverse("workshop:dashboard", args=[workshop_session.code])).content.decode()
    grid_url = reverse("workshop:dashboard_grid", args=[workshop_session.code])
    assert f'data-poll-url="{grid_url}"' in page
    assert "js/dashboard-poll.js" in page

    grid = trainer_client.get(grid_url)

    assert grid.status_code == 200
    assert "<html" not in grid.content.decode() and "Connexion e-CPS" in text(grid)
    assert "no-store" in grid["Cache-Control"]


def test_an_ended_sessions_dashboard_does_not_poll(workshop_session, trainer_client):
    WorkshopSession.objects.filter(pk=workshop_session.pk).update(ended_at=timezone.now())

    page = trainer_client.get(reverse("workshop:dashboard", args=[workshop_session.code])).content.decode()

    assert "data-poll-url" not in page and "dashboard-poll.js" not in page


def test_polling_the_grid_does_not_keep_the_trainers_session_alive(workshop_session, trainer_client):
    grid_url = reverse("workshop:dashboard_grid", args=[workshop_session.code])
    start = time.time()
    for seconds in range(60, 15 * 60, 60):  # the dashboard left open: a poll a minute, no click
        with time_machine.travel(start + seconds):
            assert trainer_client.get(grid_url).status_code == 200
    with time_machine.travel(start + 15 * 60 + 1):
        response = trainer_client.get(grid_url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in trainer_client.session


def test_a_click_on_a_page_does_keep_the_session_alive(workshop_session, trainer_client):
    """The counterpart of the poll: real pages still reset the idle clock."""
    page_url = reverse("workshop:dashboard", args=[workshop_session.code])
    start = time.time()
    for seconds in range(60, 20 * 60, 60):
        with time_machine.travel(start + seconds):
            assert trainer_client.get(page_url).status_code == 200


def test_the_trainees_history_lists_their_sandbox_patients_traces_only(workshop_session, trainer_client):
    pharmacist, preparer = _trainee(workshop_session, 1), _trainee(workshop_session, 2)
    _trace(pharmacist, Action.HISTORY_VIEWED, patient=_patient(pharmacist))
    _trace(preparer, Action.DOCUMENT_VIEWED, patient=_patient(preparer))
    _trace(pharmacist, Action.LOGIN, details="e-CPS")  # no patient: not a sandbox trace

    page = text(trainer_client.get(reverse("workshop:trainee_history", args=[workshop_session.code, 1])))

    assert "Historique du bac à sable — poste 1" in page
    assert "a consulté l'historique des accès" in page
    assert "a consulté le document" not in page and "s'est connecté" not in page


def test_the_trainees_history_never_names_a_document_the_trainer_may_not_read(
    workshop_session, trainer_client
):
    """The trainer opens no sandbox DMP, so no document title reaches them through the history."""
    pharmacist = _trainee(workshop_session, 1)
    patient = _patient(pharmacist)
    document = DocumentFactory(patient=patient, title="Bilan VIH confidentiel")
    with transaction.atomic():
        record(actor=pharmacist.user, action=Action.DOCUMENT_VIEWED, patient=patient, document=document)

    page = _words(trainer_client.get(reverse("workshop:trainee_history", args=[workshop_session.code, 1])))

    assert "a consulté un document" in page
    assert "Bilan VIH confidentiel" not in page


def test_the_trainees_history_pages_by_keyset(workshop_session, trainer_client, monkeypatch):
    monkeypatch.setattr(views_dashboard, "HISTORY_PAGE_SIZE", 2)
    pharmacist = _trainee(workshop_session, 1)
    patient = _patient(pharmacist)
    traces = [_trace(pharmacist, Action.HISTORY_VIEWED, patient=patient) for _ in range(3)]
    url = reverse("workshop:trainee_history", args=[workshop_session.code, 1])

    first = trainer_client.get(url)
    assert len(first.context["traces"]) == 2
    assert first.context["next_cursor"] == traces[1].pk
    _trace(pharmacist, Action.HISTORY_VIEWED, patient=patient)  # written meanwhile: no shift
    second = trainer_client.get(url, {"avant": traces[1].pk})

    assert [trace.pk for trace in second.context["traces"]] == [traces[0].pk]
    assert second.context["next_cursor"] is None


@pytest.mark.parametrize("cursor", ["abc", "999999999", "-1"])
def test_a_bad_history_cursor_shows_the_first_page_with_a_message(workshop_session, trainer_client, cursor):
    pharmacist = _trainee(workshop_session, 1)
    _trace(pharmacist, Action.HISTORY_VIEWED, patient=_patient(pharmacist))
    url = reverse("workshop:trainee_history", args=[workshop_session.code, 1])

    response = trainer_client.get(url, {"avant": cursor})

    assert response.status_code == 200
    assert "Cette page de l'historique n'existe pas" in text(response)
    assert len(response.context["traces"]) == 1


def test_the_history_gives_the_trainer_no_access_to_the_sandbox_patients(workshop_session, trainer_client):
    patient = _patient(_trainee(workshop_session, 1))
    page = trainer_client.get(reverse("workshop:trainee_history", args=[workshop_session.code, 1]))

    assert str(patient.code) not in page.content.decode()
    assert trainer_client.get(reverse("patients:summary", args=[patient.code])).status_code == 404
    assert trainer_client.get(reverse("patients:authorization", args=[patient.code])).status_code == 404


def test_a_trainee_sees_the_checklist_on_every_page_ticked_from_their_traces(workshop_session, client):
    pharmacist = _trainee(workshop_session, 1)
    _trainee_client(client, pharmacist)
    _trace(pharmacist, Action.LOGIN, details="e-CPS")

    page = _words(client.get(reverse("patients:my_patients")))

    assert "Parcours de l'atelier : 1 étape(s) faite(s) sur 7" in page
    assert "prochaine étape : Rechercher le patient par ses critères d'identité" in page
    assert "✓ Fait à" in page and "À faire : Déclarer le consentement du patient" in page


def test_a_portal_professional_and_a_trainee_of_an_ended_session_see_no_checklist(workshop_session, client):
    professional = PracticeFactory().professional
    login_verified(client, professional, CPSCardFactory(user=professional))
    assert "Parcours de l'atelier" not in text(client.get(reverse("patients:my_patients")))

    pharmacist = _trainee(workshop_session, 1)
    _trainee_client(client, pharmacist)
    assert "Parcours de l'atelier" in text(client.get(reverse("patients:my_patients")))
    WorkshopSession.objects.filter(pk=workshop_session.pk).update(ended_at=timezone.now())
    assert "Parcours de l'atelier" not in text(client.get(reverse("patients:my_patients")))
