"""PARAMÉTRAGES, Mes sessions: the professional's open sessions (never their keys), the current one
marked, and "Terminer" ending another session for every process at once, traced in their chain."""

import datetime
import hashlib
import time
import zoneinfo

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import LoginMethod, OpenSession
from accounts.open_sessions import LISTED_AT_MOST, browser_summary
from audit.models import Action, Trace
from tests.factories import CPSCardFactory, PracticeFactory
from tests.helpers import code_for, text

pytestmark = pytest.mark.django_db

SESSIONS_URL = reverse("accounts:sessions")
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:146.0) Gecko/20100101 Firefox/146.0"
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/142.0.0.0 Mobile Safari/537.36"
)


def _card_login(
    client: Client, card, *, user_agent: str = FIREFOX_WINDOWS, address: str = "192.0.2.10"
) -> Client:
    response = client.post(
        reverse("accounts:login_cps"),
        {"number": card.number, "pin": "4321"},
        HTTP_USER_AGENT=user_agent,
        REMOTE_ADDR=address,
    )
    assert response.status_code == 302
    return client


def _key(client: Client) -> str:
    return client.session.session_key


def _is_logged_in(client: Client) -> bool:
    return client.get(reverse("patients:my_patients")).status_code == 200


@pytest.fixture
def office(client, alice_card):
    """Alice logged in with her card at the office (Firefox under Windows)."""
    return _card_login(client, alice_card)


@pytest.fixture
def phone(alice_card):
    """Alice logged in a second time, from another browser (Chrome under Android)."""
    return _card_login(Client(), alice_card, user_agent=CHROME_ANDROID, address="198.51.100.20")


def _row_of(client: Client) -> OpenSession:
    return OpenSession.objects.get(key_hash=hashlib.sha256(_key(client).encode()).hexdigest())


# --- the rows ----------------------------------------------------------------------------------


def test_a_login_records_the_session_by_the_hash_of_its_key_only(office, alice):
    row = OpenSession.objects.get(user=alice)

    assert row.key_hash == hashlib.sha256(_key(office).encode()).hexdigest()
    assert _key(office) not in str(list(OpenSession.objects.values()))
    assert row.method == LoginMethod.CARD
    assert row.client_address == "192.0.2.10"
    assert row.browser == "Firefox sous Windows"


def test_an_ecps_login_is_recorded_as_such(client, alice, alice_ecps):
    client.post(reverse("accounts:login_ecps"), {"rpps": alice.rpps})
    client.post(reverse("accounts:login_ecps_code"), {"token": code_for(alice_ecps)})

    assert OpenSession.objects.get(user=alice).method == LoginMethod.ECPS


def test_logging_out_removes_the_session_from_the_list(office, alice):
    office.post(reverse("accounts:logout"))

    assert not OpenSession.objects.filter(user=alice).exists()


def test_an_expired_session_leaves_the_list(office, alice):
    with time_machine.travel(time.time() + 16 * 60):
        office.get(reverse("patients:my_patients"))

    assert not OpenSession.objects.filter(user=alice).exists()


def test_activity_is_recorded_at_most_once_a_minute(office):
    opened = _row_of(office).last_seen_at
    now = time.time()
    with time_machine.travel(now + 30):
        office.get(reverse("patients:my_patients"))
    assert _row_of(office).last_seen_at == opened

    with time_machine.travel(now + 61):
        office.get(reverse("patients:my_patients"))
    assert _row_of(office).last_seen_at > opened


def test_a_session_opened_before_the_list_existed_joins_it_at_its_next_request(office, alice):
    OpenSession.objects.all().delete()
    with time_machine.travel(time.time() + 61):
        office.get(reverse("patients:my_patients"))

    assert _row_of(office).user == alice


# --- the page ----------------------------------------------------------------------------------


def test_the_page_lists_each_session_and_marks_the_current_one(office, phone, alice):
    row = _row_of(phone)
    # An hour ago (within the 12 h a session lives), on a whole minute, shown in Europe/Paris.
    opened = (timezone.now() - datetime.timedelta(hours=1)).replace(second=0, microsecond=0)
    OpenSession.objects.filter(pk=row.pk).update(created_at=opened)

    page = text(office.get(SESSIONS_URL))

    assert "Firefox sous Windows" in page and "Chrome sous Android" in page
    assert "192.0.2.10" in page and "198.51.100.20" in page
    assert f"{opened.astimezone(zoneinfo.ZoneInfo('Europe/Paris')):%d/%m/%Y %H:%M}" in page
    assert page.count("Session en cours") == 1
    assert reverse("accounts:session_end", args=[row.code]) in page
    assert reverse("accounts:session_end", args=[_row_of(office).code]) not in page
    assert "Terminer toutes les autres sessions" in page


def test_alone_there_is_nothing_else_to_end(office):
    page = text(office.get(SESSIONS_URL))

    assert "Session en cours" in page
    assert "Aucune autre session n'est ouverte" in page
    assert "Terminer toutes les autres sessions" not in page


def test_the_settings_page_links_to_the_sessions(office):
    assert SESSIONS_URL in text(office.get(reverse("accounts:settings")))


def test_the_list_is_capped_and_says_how_many_it_does_not_show(office, alice):
    now = timezone.now()
    OpenSession.objects.bulk_create(
        OpenSession(
            user=alice,
            key_hash=f"{i:064x}",
            method=LoginMethod.CARD,
            created_at=now,
            last_seen_at=now - datetime.timedelta(seconds=i + 1),
        )
        for i in range(LISTED_AT_MOST + 4)
    )

    response = office.get(SESSIONS_URL)

    assert len(response.context["listing"].sessions) == LISTED_AT_MOST
    assert "(5 autres non affichées)" in text(response)
    assert "Session en cours" in text(response)


def test_sessions_idle_too_long_are_neither_listed_nor_kept(office, alice):
    old = timezone.now() - datetime.timedelta(minutes=20)
    stale = OpenSession.objects.create(
        user=alice, key_hash="f" * 64, method=LoginMethod.CARD, created_at=old, last_seen_at=old
    )

    response = office.get(SESSIONS_URL)

    assert stale not in response.context["listing"].sessions
    assert not OpenSession.objects.filter(pk=stale.pk).exists()


def test_another_professionals_sessions_are_not_listed(office, db):
    bob_card = CPSCardFactory(user=PracticeFactory(professional__last_name="Durand").professional)
    _card_login(Client(), bob_card, address="203.0.113.99")

    assert "203.0.113.99" not in text(office.get(SESSIONS_URL))


# --- ending sessions ---------------------------------------------------------------------------


def test_terminer_ends_the_other_session_for_every_process(office, phone, alice):
    phone_key, row = _key(phone), _row_of(phone)

    response = office.post(reverse("accounts:session_end", args=[row.code]))

    assert response.status_code == 302
    assert "La session a été terminée" in text(office.get(response["Location"]))
    assert not Session.objects.filter(session_key=phone_key).exists()
    assert not OpenSession.objects.filter(pk=row.pk).exists()
    assert not _is_logged_in(phone)
    assert _is_logged_in(office)


def test_ending_a_session_is_traced_in_the_professionals_own_chain(office, phone, alice):
    office.post(reverse("accounts:session_end", args=[_row_of(phone).code]))

    trace = Trace.objects.get(action=Action.SESSION_ENDED)
    assert trace.actor == alice
    assert trace.patient is None
    assert trace.chain == f"actor:{alice.pk}"
    assert "par Carte CPS (Chrome sous Android, 198.51.100.20)" in trace.details
    assert _key(phone) not in trace.details


def test_terminer_toutes_les_autres_sessions_keeps_only_the_current_one(office, phone, alice_card, alice):
    third = _card_login(Client(), alice_card, address="198.51.100.30")

    response = office.post(reverse("accounts:sessions_end_others"))

    assert "2 sessions terminées" in text(office.get(response["Location"]))
    assert not _is_logged_in(phone)
    assert not _is_logged_in(third)
    assert _is_logged_in(office)
    assert list(OpenSession.objects.filter(user=alice)) == [_row_of(office)]
    assert Trace.objects.get(action=Action.SESSION_ENDED).details == "toutes les autres sessions (2)"


def test_ending_the_others_when_there_are_none_changes_nothing(office):
    response = office.post(reverse("accounts:sessions_end_others"))

    assert "Aucune autre session n'était ouverte" in text(office.get(response["Location"]))
    assert not Trace.objects.filter(action=Action.SESSION_ENDED).exists()
    assert _is_logged_in(office)


def test_another_professionals_session_cannot_be_ended(office, db):
    bob_card = CPSCardFactory(user=PracticeFactory(professional__last_name="Durand").professional)
    bob = _card_login(Client(), bob_card)

    response = office.post(reverse("accounts:session_end", args=[_row_of(bob).code]))

    assert response.status_code == 404
    assert _is_logged_in(bob)
    assert not Trace.objects.filter(action=Action.SESSION_ENDED).exists()


def test_the_current_session_is_ended_by_logging_out_not_here(office):
    response = office.post(reverse("accounts:session_end", args=[_row_of(office).code]))

    assert response.status_code == 404
    assert _is_logged_in(office)


def test_an_unknown_session_code_gives_404(office):
    assert (
        office.post("/parametrages/sessions/00000000-0000-0000-0000-000000000000/terminer/").status_code
        == 404
    )
    assert office.post("/parametrages/sessions/pas-un-uuid/terminer/").status_code == 404


@pytest.mark.parametrize("name", ["session_end", "sessions_end_others"])
def test_ending_sessions_is_post_only(office, phone, name):
    args = [_row_of(phone).code] if name == "session_end" else []
    url = reverse(f"accounts:{name}", args=args)

    assert office.get(url).status_code == 405
    assert _is_logged_in(phone)


def test_ending_a_session_needs_the_csrf_token(alice_card, phone):
    forged = _card_login(Client(), alice_card)
    forged.handler.enforce_csrf_checks = True  # a forged form: the session cookie, no token

    response = forged.post(reverse("accounts:sessions_end_others"))

    assert response.status_code == 403
    assert _is_logged_in(phone)


def test_anonymous_visitors_are_sent_to_the_login(client, phone):
    for url in (SESSIONS_URL, reverse("accounts:sessions_end_others")):
        response = client.post(url) if "terminer" in url else client.get(url)
        assert response["Location"].startswith(reverse("accounts:login"))
    assert _is_logged_in(phone)


# --- the browser, in a few words ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_agent", "summary"),
    [
        (FIREFOX_WINDOWS, "Firefox sous Windows"),
        (CHROME_ANDROID, "Chrome sous Android"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/142.0.0.0 Safari/537.36 Edg/142.0.0.0",
            "Edge sous Windows",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
            "Safari sous iOS",
        ),
        ("curl/8.5.0", "Navigateur inconnu"),
        ("", "Navigateur inconnu"),
    ],
)
def test_the_browser_is_summed_up_without_its_version(user_agent, summary):
    assert browser_summary(user_agent) == summary
