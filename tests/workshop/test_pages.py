"""The trainer's pages: only trainers reach them, only their own sessions; forms refuse bad input."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import CPSCard
from patients.models import Sandbox
from tests.factories import CPSCardFactory, PracticeFactory
from tests.helpers import login_verified, text
from workshop.models import WorkshopSession


def _urls(session: WorkshopSession) -> dict[str, tuple[str, str]]:
    """URL name → (method, URL) for every workshop page."""
    code = session.code
    return {
        "workshop:sessions": ("get", reverse("workshop:sessions")),
        "workshop:session_create": ("get", reverse("workshop:session_create")),
        "workshop:session": ("get", reverse("workshop:session", args=[code])),
        "workshop:sheets": ("get", reverse("workshop:sheets", args=[code])),
        "workshop:sheet": ("get", reverse("workshop:sheet", args=[code, 1])),
        "workshop:session_reset": ("post", reverse("workshop:session_reset", args=[code])),
        "workshop:trainee_reset": ("post", reverse("workshop:trainee_reset", args=[code, 1])),
        "workshop:session_end": ("post", reverse("workshop:session_end", args=[code])),
        "workshop:dashboard": ("get", reverse("workshop:dashboard", args=[code])),
        "workshop:dashboard_grid": ("get", reverse("workshop:dashboard_grid", args=[code])),
        "workshop:trainee_history": ("get", reverse("workshop:trainee_history", args=[code, 1])),
    }


URL_NAMES = list(_urls(WorkshopSession(code="5a4db0c5-0000-4000-8000-000000000002")))


def _request(client, session, name):
    method, url = _urls(session)[name]
    return getattr(client, method)(url)


@pytest.mark.parametrize("name", URL_NAMES)
def test_an_anonymous_visitor_is_sent_to_the_login(workshop_session, client, name):
    response = _request(client, workshop_session, name)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", URL_NAMES)
@pytest.mark.parametrize("persona", ["professional", "trainee"])
def test_a_professional_or_a_trainee_is_refused(workshop_session, client, name, persona):
    if persona == "trainee":
        user = workshop_session.trainees.get(position=1).user
        card = CPSCard.objects.get(user=user)
    else:
        user = PracticeFactory().professional
        card = CPSCardFactory(user=user)
    login_verified(client, user, card)
    assert _request(client, workshop_session, name).status_code == 403
    assert WorkshopSession.objects.get(pk=workshop_session.pk).ended_at is None


@pytest.mark.parametrize(
    "name", [name for name in URL_NAMES if name not in ("workshop:sessions", "workshop:session_create")]
)
def test_another_trainer_gets_a_404_for_a_session_not_theirs(workshop_session, client, name):
    other = PracticeFactory().professional
    other.user_permissions.add(Permission.objects.get(codename="run_workshop"))
    login_verified(client, other, CPSCardFactory(user=other))
    assert _request(client, workshop_session, name).status_code == 404
    assert WorkshopSession.objects.get(pk=workshop_session.pk).ended_at is None


def test_the_trainer_lists_their_sessions_and_sees_the_menu(workshop_session, trainer_client):
    page = text(trainer_client.get(reverse("workshop:sessions")))
    assert "Atelier de Strasbourg" in page and "12/03/2026" in page
    assert "ATELIER" in page


def test_the_session_page_lists_the_trainees(workshop_session, trainer_client):
    page = text(trainer_client.get(reverse("workshop:session", args=[workshop_session.code])))
    for trainee in workshop_session.trainees.select_related("user"):
        assert trainee.user.rpps in page
    assert "Préparateur en pharmacie" in page


def test_a_login_sheet_holds_everything_a_trainee_needs_and_no_inline_code(workshop_session, trainer_client):
    trainee = workshop_session.trainees.select_related("user").get(position=2)
    response = trainer_client.get(reverse("workshop:sheet", args=[workshop_session.code, 2]))
    page = text(response)
    card = CPSCard.objects.get(user=trainee.user)
    for expected in (
        trainee.user.rpps,
        card.number,
        trainee.pin,
        "Préparateur en pharmacie",
        "HOLTZINGER MARC",
        "<svg",
    ):
        assert expected in page
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert " style=" not in page.split("<main", 1)[1]


def test_the_sheets_page_has_one_sheet_per_trainee(workshop_session, trainer_client):
    page = text(trainer_client.get(reverse("workshop:sheets", args=[workshop_session.code])))
    assert page.count('class="dmp-card dmp-sheet') == 2


def test_creating_a_session_from_the_form(trainer, trainer_client):
    data = {
        "name": "Atelier de Reims",
        "date": "02/04/2026",
        "trainees": "3",
        "default_profession": "pharmacien",
        "poste_2": "infirmier",
    }
    response = trainer_client.post(reverse("workshop:session_create"), data)
    session = WorkshopSession.objects.get(name="Atelier de Reims")
    assert response["Location"] == reverse("workshop:session", args=[session.code])
    assert list(session.trainees.values_list("profession", flat=True)) == [
        "pharmacien",
        "infirmier",
        "pharmacien",
    ]
    assert session.trainer == trainer


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"trainees": "41"}, "entre 1 et 40"),
        ({"trainees": "0"}, "entre 1 et 40"),
        ({"date": "31/02/2026"}, "JJ/MM/AAAA"),
        ({"poste_5": "infirmier"}, "au-delà du nombre de stagiaires"),
        ({"default_profession": "astronaute"}, "Sélectionnez un choix valide"),
    ],
)
def test_a_bad_form_says_why_in_french_and_creates_nothing(trainer_client, change, message):
    data = {
        "name": "Atelier",
        "date": "02/04/2026",
        "trainees": "2",
        "default_profession": "pharmacien",
    } | change
    response = trainer_client.post(reverse("workshop:session_create"), data)
    assert response.status_code == 200
    assert message in text(response)
    assert not WorkshopSession.objects.exists()


def test_the_reset_and_end_buttons_work(workshop_session, trainer_client):
    trainee = workshop_session.trainees.get(position=1)
    before = trainee.sandbox
    trainer_client.post(reverse("workshop:trainee_reset", args=[workshop_session.code, 1]))
    assert trainee.sandbox != before
    trainer_client.post(reverse("workshop:session_reset", args=[workshop_session.code]))
    assert (
        Sandbox.objects.filter(trainee__trainee__session=workshop_session, archived_at__isnull=True).count()
        == 2
    )

    response = trainer_client.post(reverse("workshop:session_end", args=[workshop_session.code]), follow=True)
    assert "est terminée" in text(response)
    assert not Sandbox.objects.filter(
        trainee__trainee__session=workshop_session, archived_at__isnull=True
    ).exists()
    sheets = trainer_client.get(reverse("workshop:sheets", args=[workshop_session.code]), follow=True)
    assert "ne sont plus valables" in text(sheets)
    assert CPSCard.objects.get(user=trainee.user).number not in text(sheets)
    refused = trainer_client.post(
        reverse("workshop:session_reset", args=[workshop_session.code]), follow=True
    )
    assert "ne peuvent plus être réinitialisés" in text(refused)


def test_the_atelier_menu_is_only_shown_to_trainers(workshop_session, client):
    user = PracticeFactory().professional
    login_verified(client, user, CPSCardFactory(user=user))
    assert "ATELIER" not in text(client.get(reverse("patients:my_patients")))
