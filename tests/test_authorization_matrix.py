"""The authorization matrix, generated from the URL configuration: every URL by every persona.

`get_resolver()` is walked recursively; each URL name must have a row in MATRIX (the admin's URLs
form one class, ADMIN: everything under /admin/ is for the administrator). A URL nobody
classified fails `test_every_url_is_classified` with "URL non classée": adding a page means
saying here who may reach it. A row is one line: for GET and POST, a default answer and the
personas that get something else (shared groups: PORTAL, DMP_PAGE...).

Each persona then requests every URL, with its own patient (the one the persona is about: in
care, blocked, closed, opposed...), GET and POST (CSRF not enforced: the point is the refusal,
not the success, so POST bodies are empty and invalid), and gets exactly the expected status
and, for a redirect, the expected page. IDOR variants: the same DMP URLs with another patient's
code (the decision of that patient applies: the authorization page, never their data) and, under
the persona's patient, a document of another patient (404, like a document that does not exist).
"""

import datetime
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from accounts.models import CardType, Profession
from accounts.services import SESSION_ADMIN_LOGIN, SESSION_LAST_SEEN_AT, SESSION_STARTED_AT
from accounts.views import ECPS_PENDING
from documents import filestore
from messaging import services as messaging_services
from messaging.mailboxes import personal_mailbox
from patients.models import Block, DMPStatus
from tests.documents.badfiles import simple_pdf
from tests.factories import (
    AdministratorFactory,
    AuthorizationFactory,
    CareStayFactory,
    CPSCardFactory,
    DocumentFactory,
    DocumentTypeFactory,
    EstablishmentFactory,
    OpenSessionFactory,
    PatientFactory,
    PhysicianFactory,
    PracticeFactory,
    ProfessionalFactory,
    TOTPDeviceFactory,
    VitaleCardFactory,
    set_habilitation,
)
from tests.helpers import close_served_file, login_patient, login_verified
from workshop.roles import TRAINER_PERMISSION
from workshop.services import workshop_session_create

# --- answers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    to: str = ""  # for a redirect: the URL name it leads to

    def __str__(self) -> str:
        return f"{self.status} → {self.to}" if self.to else str(self.status)


OK = Answer(200)
BAD_REQUEST = Answer(400)  # a form sent empty: shown again with its French messages
REFUSED = Answer(403)
NOT_FOUND = Answer(404)
NOT_ALLOWED = Answer(405)
TO_LOGIN = Answer(302, "accounts:login")
TO_ADMIN_LOGIN = Answer(302, "admin:login")
TO_AUTHORIZATION = Answer(302, "patients:authorization")


def to(name: str) -> Answer:
    return Answer(302, name)


# --- personas --------------------------------------------------------------------------------

PROFESSIONS = {  # care-team members of their patient: they open the DMP with presumed consent
    "pharmacist": "21",
    "technician": "39",  # préparateur en pharmacie
    "intern": "10",  # interne: a physician with a CPF card
    "physician": "10",
    "nurse": "60",
    "midwife": "50",
}
PERSONAS = [
    "anonymous",
    "ecps_pending",  # gave their RPPS (e-CPS step 1), not the code yet
    "unverified",  # logged in without a second factor (must never happen; denied anyway)
    *PROFESSIONS,
    "blocked",  # a physician with the patient's consent, whom the patient blocked
    "outsider",  # a physician outside the care team, no declaration
    "closed",  # a care-team physician of a patient whose DMP is closed
    "opposed",  # a physician outside the care team; the patient opposed emergency access
    "administrator",  # staff, password and TOTP through the administrator login
    "trainer",  # a pharmacist with the trainer permission, running the world's workshop session
    "trainee",  # a trainee of that session: reaches only their own sandbox's patients
    "patient",  # the personas' patient, logged in to Mon espace santé: never a professional page
]

# Shared exceptions: who is refused a professional page, and how.
NOT_LOGGED_IN = {"anonymous": TO_LOGIN, "ecps_pending": TO_LOGIN, "unverified": TO_LOGIN, "patient": REFUSED}
PORTAL = NOT_LOGGED_IN | {"administrator": REFUSED}
DMP_PAGE = PORTAL | {
    "blocked": REFUSED,
    "closed": REFUSED,
    "outsider": TO_AUTHORIZATION,
    "opposed": TO_AUTHORIZATION,
    "trainer": TO_AUTHORIZATION,
    "trainee": NOT_FOUND,  # a portal patient is out of a trainee's scope: as if it did not exist
}
# The authorization page: for whoever must declare; the others are sent on or refused.
DECLARING = PORTAL | {
    "outsider": OK,
    "opposed": OK,
    "trainer": OK,
    "blocked": REFUSED,
    "closed": REFUSED,
    "trainee": NOT_FOUND,
}
# Mon espace santé: the patient reads (GET) their pages; POST-only actions; the anonymous are sent
# to the space's own entrance.
TO_SPACE_LOGIN = Answer(302, "space:login")
STRANGERS = dict.fromkeys(["anonymous", "ecps_pending", "unverified", "administrator"], TO_SPACE_LOGIN)
SPACE_GET = STRANGERS | {"patient": OK}
SPACE_NO_POST = STRANGERS | {"patient": NOT_ALLOWED}
SPACE_ACTION = STRANGERS
SPACE_PUBLIC = dict.fromkeys(["anonymous", "ecps_pending", "unverified", "administrator"], OK) | {
    "patient": to("space:documents")  # already in: on to their documents
}
SPACE_CODE = STRANGERS | {"patient": TO_SPACE_LOGIN}  # no login in progress: back to the entrance
# The trainer's pages: the session's own trainer and the administrators (superusers see every
# session); any other professional, trainees included, is refused.
TRAINERS_ONLY = NOT_LOGGED_IN | dict.fromkeys(
    [*PROFESSIONS, "blocked", "outsider", "closed", "opposed", "trainee"], REFUSED
)
NOBODY: dict[str, Answer] = {}


@dataclass(frozen=True)
class Row:
    """Expected answers to GET and POST: (default, {persona: exception}). `args` says which
    identifiers the URL takes (None, "patient", "document", "card", "session", "workshop" or "post":
    the world's workshop session, and its first trainee's post; "message" or "attachment": the
    world's message to the personas' patient, and its attachment)."""

    get: tuple[Answer, dict[str, Answer]]
    post: tuple[Answer, dict[str, Answer]]
    args: str | None = None


# One row per URL name. Adding a URL: add its line here (who may reach it, what others get).
MATRIX: dict[str, Row] = {
    # accounts: the login pages are public; Paramétrages is a professional's own page
    "accounts:health": Row(get=(OK, NOBODY), post=(NOT_ALLOWED, NOBODY)),
    "accounts:login": Row(get=(OK, NOBODY), post=(NOT_ALLOWED, NOBODY)),
    "accounts:login_cps": Row(get=(OK, NOBODY), post=(OK, NOBODY)),
    "accounts:login_ecps": Row(get=(OK, NOBODY), post=(OK, NOBODY)),
    "accounts:login_ecps_code": Row(
        get=(to("accounts:login_ecps"), {"ecps_pending": OK}),
        post=(to("accounts:login_ecps"), {"ecps_pending": OK}),
    ),
    "accounts:admin_login": Row(get=(OK, NOBODY), post=(OK, NOBODY)),
    "accounts:logout": Row(get=(NOT_ALLOWED, NOBODY), post=(TO_LOGIN, NOBODY)),
    "accounts:settings": Row(get=(OK, PORTAL), post=(to("accounts:settings"), PORTAL)),
    "accounts:ecps_activate": Row(get=(OK, PORTAL), post=(OK, PORTAL)),
    "accounts:forget_rpps": Row(get=(NOT_ALLOWED, PORTAL), post=(to("accounts:settings"), PORTAL)),
    "accounts:ecps_simulator": Row(get=(NOT_FOUND, NOBODY), post=(NOT_FOUND, NOBODY)),  # demo mode only
    "accounts:ecps_faq": Row(get=(OK, NOBODY), post=(NOT_ALLOWED, NOBODY)),
    # Sudo mode: a fresh proof (PIN or code); the personas' logins are fresh, so replacing e-CPS is open.
    "accounts:sudo": Row(get=(OK, PORTAL), post=(OK, PORTAL)),
    "accounts:ecps_reactivate": Row(get=(NOT_ALLOWED, PORTAL), post=(to("accounts:settings"), PORTAL)),
    # Mes sessions: one's own; another user's session is as if it did not exist.
    "accounts:sessions": Row(get=(OK, PORTAL), post=(NOT_ALLOWED, PORTAL)),
    "accounts:session_end": Row(get=(NOT_ALLOWED, PORTAL), post=(NOT_FOUND, PORTAL), args="session"),
    "accounts:sessions_end_others": Row(get=(NOT_ALLOWED, PORTAL), post=(to("accounts:sessions"), PORTAL)),
    # directory: the Annuaire santé, for every professional (never a patient); a GET search
    "directory:search": Row(get=(OK, PORTAL), post=(NOT_ALLOWED, PORTAL)),
    # patients: finding a patient is for professionals; the DMP pages ask patients.access
    "patients:my_patients": Row(get=(OK, PORTAL), post=(NOT_ALLOWED, PORTAL)),
    "patients:search": Row(get=(OK, PORTAL), post=(OK, PORTAL)),
    "patients:search_ins": Row(get=(OK, PORTAL), post=(OK, PORTAL)),
    # The virtual Carte Vitale reader exists in demo mode or a trainee's session (accounts.modes).
    # A trainee of a running session reads the cards of their own sandbox (workshop mode): a
    # portal patient's card is not one of them.
    "patients:vitale": Row(
        get=(NOT_FOUND, PORTAL | {"trainee": OK}), post=(NOT_FOUND, PORTAL | {"trainee": NOT_ALLOWED})
    ),
    "patients:vitale_card": Row(get=(NOT_FOUND, PORTAL), post=(NOT_FOUND, PORTAL), args="card"),
    "patients:open": Row(get=(to("patients:summary"), DMP_PAGE), post=(NOT_ALLOWED, PORTAL), args="patient"),
    "patients:authorization": Row(
        get=(to("patients:open"), DECLARING), post=(to("patients:open"), DECLARING), args="patient"
    ),
    "patients:summary": Row(get=(OK, DMP_PAGE), post=(NOT_ALLOWED, PORTAL), args="patient"),
    "patients:information": Row(get=(OK, DMP_PAGE), post=(NOT_ALLOWED, PORTAL), args="patient"),
    "patients:management": Row(get=(OK, DMP_PAGE), post=(NOT_ALLOWED, PORTAL), args="patient"),
    "patients:withdraw": Row(
        get=(NOT_ALLOWED, PORTAL), post=(to("patients:management"), DMP_PAGE), args="patient"
    ),
    "patients:history": Row(get=(OK, DMP_PAGE), post=(NOT_ALLOWED, PORTAL), args="patient"),
    # Closing the DMP at the patient's request (Gestion DMP): the DMP's decision; sent empty, the
    # form asks for the reason and the confirmation.
    "patients:close": Row(get=(NOT_ALLOWED, PORTAL), post=(BAD_REQUEST, DMP_PAGE), args="patient"),
    # documents: the DMP's decision, then visible_to for each document
    # workshop: the survey for every professional, the live figures also for administrators
    # (what each sees of the page: tests/workshop/test_statistics_page.py)
    # Mon espace santé: the patient's own space (a minor's for a legal representative); every
    # professional refused; sessions without a professional (pending, unverified, administrator)
    # are strangers to it, like the anonymous: sent to its entrance.
    **{
        name: Row(get=(REFUSED, SPACE_GET), post=(REFUSED, SPACE_NO_POST))
        for name in ("space:documents", "space:professionals", "space:history", "space:notifications")
    },
    # Sent empty, the patient's document form is shown again with its French messages.
    "space:document_add": Row(get=(REFUSED, SPACE_GET), post=(REFUSED, SPACE_GET)),
    "space:new_documents_masking": Row(
        get=(REFUSED, SPACE_NO_POST), post=(REFUSED, SPACE_ACTION | {"patient": to("space:settings")})
    ),
    "space:messages": Row(get=(REFUSED, SPACE_GET), post=(REFUSED, SPACE_NO_POST)),
    # The patient's answer without a body: the conversation again, with the French message.
    "space:message": Row(get=(REFUSED, SPACE_GET), post=(REFUSED, SPACE_GET), args="message"),
    "space:attachment": Row(get=(REFUSED, SPACE_GET), post=(REFUSED, SPACE_NO_POST), args="attachment"),
    "space:settings": Row(
        get=(REFUSED, SPACE_GET), post=(REFUSED, SPACE_GET | {"patient": to("space:settings")})
    ),
    "space:login": Row(get=(REFUSED, SPACE_PUBLIC), post=(REFUSED, SPACE_PUBLIC)),
    "space:code": Row(get=(REFUSED, SPACE_CODE), post=(REFUSED, SPACE_CODE)),
    "space:code_simulator": Row(get=(NOT_FOUND, NOBODY), post=(NOT_ALLOWED, NOBODY)),  # demo mode only
    "space:document_consult": Row(
        get=(REFUSED, SPACE_GET), post=(REFUSED, SPACE_NO_POST), args="space_document"
    ),
    "space:document_download": Row(
        get=(REFUSED, SPACE_GET), post=(REFUSED, SPACE_NO_POST), args="space_document"
    ),
    "space:mask": Row(
        get=(REFUSED, SPACE_NO_POST), post=(REFUSED, SPACE_ACTION | {"patient": to("space:documents")})
    ),
    "space:block": Row(
        get=(REFUSED, SPACE_NO_POST), post=(REFUSED, SPACE_ACTION | {"patient": to("space:professionals")})
    ),
    "space:unblock": Row(
        get=(REFUSED, SPACE_NO_POST),
        post=(REFUSED, SPACE_ACTION | {"patient": to("space:professionals")}),
        args="block",
    ),
    "space:choose": Row(
        get=(REFUSED, SPACE_NO_POST), post=(REFUSED, SPACE_ACTION | {"patient": to("space:documents")})
    ),
    "space:close": Row(
        get=(REFUSED, SPACE_NO_POST), post=(REFUSED, SPACE_ACTION | {"patient": OK})
    ),  # no reason given
    "space:reopen": Row(
        get=(REFUSED, SPACE_NO_POST), post=(REFUSED, SPACE_ACTION | {"patient": to("space:settings")})
    ),
    "space:logout": Row(
        get=(REFUSED, SPACE_NO_POST), post=(REFUSED, SPACE_ACTION | {"patient": to("space:login")})
    ),
    "workshop:statistics": Row(get=(OK, NOT_LOGGED_IN), post=(NOT_ALLOWED, NOT_LOGGED_IN)),
    "workshop:sessions": Row(get=(OK, TRAINERS_ONLY), post=(NOT_ALLOWED, NOT_LOGGED_IN)),
    "workshop:session_create": Row(get=(OK, TRAINERS_ONLY), post=(OK, TRAINERS_ONLY)),
    "workshop:session": Row(get=(OK, TRAINERS_ONLY), post=(NOT_ALLOWED, NOT_LOGGED_IN), args="workshop"),
    "workshop:sheets": Row(get=(OK, TRAINERS_ONLY), post=(NOT_ALLOWED, NOT_LOGGED_IN), args="workshop"),
    "workshop:sheet": Row(get=(OK, TRAINERS_ONLY), post=(NOT_ALLOWED, NOT_LOGGED_IN), args="post"),
    "workshop:dashboard": Row(get=(OK, TRAINERS_ONLY), post=(NOT_ALLOWED, NOT_LOGGED_IN), args="workshop"),
    "workshop:dashboard_grid": Row(
        get=(OK, TRAINERS_ONLY), post=(NOT_ALLOWED, NOT_LOGGED_IN), args="workshop"
    ),
    "workshop:trainee_history": Row(get=(OK, TRAINERS_ONLY), post=(NOT_ALLOWED, NOT_LOGGED_IN), args="post"),
    "workshop:trainee_reset": Row(
        get=(NOT_ALLOWED, NOT_LOGGED_IN), post=(to("workshop:session"), TRAINERS_ONLY), args="post"
    ),
    "workshop:session_reset": Row(
        get=(NOT_ALLOWED, NOT_LOGGED_IN), post=(to("workshop:session"), TRAINERS_ONLY), args="workshop"
    ),
    # Last of the workshop's rows: ending the session changes what the pages above answer.
    "workshop:session_end": Row(
        get=(NOT_ALLOWED, NOT_LOGGED_IN), post=(to("workshop:session"), TRAINERS_ONLY), args="workshop"
    ),
    # messaging: a professional's own mail. The world's message (a physician's, to the personas'
    # patient, with a PDF) is nobody else's: its pages and attachment are 404 to every
    # professional (as a guessed code would be), and read by the patient in their space.
    "messaging:inbox": Row(get=(OK, PORTAL), post=(NOT_ALLOWED, PORTAL)),
    "messaging:sent": Row(get=(OK, PORTAL), post=(NOT_ALLOWED, PORTAL)),
    "messaging:compose": Row(get=(OK, PORTAL), post=(OK, PORTAL)),
    "messaging:message": Row(get=(NOT_FOUND, PORTAL), post=(NOT_ALLOWED, PORTAL), args="message"),
    "messaging:reply": Row(get=(NOT_FOUND, PORTAL), post=(NOT_FOUND, PORTAL), args="message"),
    "messaging:mark_unread": Row(get=(NOT_ALLOWED, PORTAL), post=(NOT_FOUND, PORTAL), args="message"),
    "messaging:attachment": Row(get=(NOT_FOUND, PORTAL), post=(NOT_ALLOWED, PORTAL), args="attachment"),
    "messaging:attachment_file": Row(get=(NOT_FOUND, PORTAL), post=(NOT_FOUND, PORTAL), args="attachment"),
    "documents:list": Row(get=(OK, DMP_PAGE), post=(NOT_ALLOWED, PORTAL), args="patient"),
    "documents:grid": Row(get=(OK, DMP_PAGE), post=(NOT_ALLOWED, PORTAL), args="patient"),
    "documents:add": Row(get=(OK, DMP_PAGE), post=(OK, DMP_PAGE), args="patient"),
    "documents:vaccination": Row(get=(OK, DMP_PAGE), post=(OK, DMP_PAGE), args="patient"),
    "documents:detail": Row(get=(OK, DMP_PAGE), post=(NOT_ALLOWED, PORTAL), args="document"),
    "documents:consult": Row(get=(OK, DMP_PAGE), post=(NOT_ALLOWED, PORTAL), args="document"),
    "documents:download": Row(get=(OK, DMP_PAGE), post=(NOT_ALLOWED, PORTAL), args="document"),
    # not the author: sent back to the document's page with the reason
    "documents:archive": Row(
        get=(NOT_ALLOWED, PORTAL), post=(to("documents:detail"), DMP_PAGE), args="document"
    ),
    "documents:delete": Row(
        get=(to("documents:detail"), DMP_PAGE), post=(to("documents:detail"), DMP_PAGE), args="document"
    ),
    "documents:confidentiality": Row(
        get=(NOT_ALLOWED, PORTAL), post=(to("documents:detail"), DMP_PAGE), args="document"
    ),
    # The benchmark's bare view answers only in bench mode (DMP_BENCH_MODE, never in these tests).
    "bench:bare": Row(get=(NOT_FOUND, PORTAL), post=(NOT_FOUND, PORTAL)),
}
# Everything under /admin/: the administrator only; the others are sent to its login (which sends
# them on to the portal's administrator login). What the administrator gets: ADMIN_PAGES.
ADMIN_NAMESPACE = "admin"


# What the administrator may get from an admin page asked about objects that do not exist: the
# page, the index ("does not exist"), 403 (a read-only model has no add or delete), 404, 405.
ADMINISTRATOR_ANSWERS = {OK, to("admin:index"), REFUSED, NOT_FOUND, NOT_ALLOWED}
# The admin's pages that answer otherwise, as rows of MATRIX.
ADMIN_EXCEPTIONS = {
    "admin:login": Row(get=(to("accounts:admin_login"), NOBODY), post=(to("accounts:admin_login"), NOBODY)),
    # Django sends a non-administrator asking to log out of the admin to its index (then its login).
    "admin:logout": Row(
        get=(to("admin:index"), {"administrator": NOT_ALLOWED}),
        post=(to("admin:index"), {"administrator": OK}),
    ),
}
# The admin knows no patient: one professional stands for every profession and patient relation.
ADMIN_PERSONAS = ["anonymous", "ecps_pending", "unverified", "physician", "administrator"]


# --- the URL configuration -----------------------------------------------------------------


@dataclass(frozen=True)
class Url:
    name: str  # "namespace:name", or "namespace:<route>" when the pattern has no name
    route: str
    kwargs: tuple[str, ...]  # the URL's arguments, from every level of the route
    namespace: str


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "", kwargs: tuple = ()) -> Iterator[Url]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        found = kwargs + tuple(entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, route, inner, found)
        elif isinstance(entry, URLPattern):
            yield Url(f"{namespace}{entry.name or f'<{route}>'}", route, found, namespace.rstrip(":"))


def all_urls() -> list[Url]:
    return list(_walk(get_resolver()))


def unclassified(urls: list[Url]) -> list[str]:
    return sorted(
        f"URL non classée : {url.name} ({url.route})"
        for url in urls
        if url.name not in MATRIX and url.namespace != ADMIN_NAMESPACE
    )


def test_every_url_is_classified():
    missing = unclassified(all_urls())
    assert not missing, "\n".join(missing)


def test_every_row_names_a_url_that_exists():
    names = {url.name for url in all_urls()}
    assert sorted(set(MATRIX) - names) == []


# --- the world the personas live in (built once for the module) -------------------------------

READABLE_TYPE = "60593-1"  # a dispensation: made readable by every profession of the personas here


def _professional(profession: str, *, card_type: str = CardType.CPS, hospital=None):
    user = ProfessionalFactory(profession=Profession.objects.get(code=profession), card_type=card_type)
    CPSCardFactory(user=user)
    if hospital is not None:
        PracticeFactory(professional=user, establishment=hospital)
    return user


def _build_world() -> SimpleNamespace:
    hospital = EstablishmentFactory()
    home = PatientFactory()  # in care at the personas' hospital
    other = PatientFactory()  # nobody's patient here: the IDOR target
    closed = PatientFactory(dmp_status=DMPStatus.CLOSED, closed_on=datetime.date(2025, 1, 6))
    opposed = PatientFactory(emergency_samu_allowed=False, emergency_others_allowed=False)
    for patient in (home, closed):
        CareStayFactory(patient=patient, establishment=hospital)
    readable = DocumentTypeFactory(code=READABLE_TYPE)
    for profession in set(PROFESSIONS.values()):
        set_habilitation(profession, readable, may_read=True)
    author = PracticeFactory(professional=PhysicianFactory(), establishment=hospital).professional
    document = {
        patient.pk: DocumentFactory(patient=patient, author=author, document_type=readable)
        for patient in (home, other, closed, opposed)
    }
    users = {
        name: _professional(
            code, hospital=hospital, card_type=CardType.CPF if name == "intern" else CardType.CPS
        )
        for name, code in PROFESSIONS.items()
    }
    users |= {
        name: _professional("10") for name in ("blocked", "outsider", "opposed", "ecps_pending", "unverified")
    }
    users["closed"] = _professional("10", hospital=hospital)
    TOTPDeviceFactory(user=users["ecps_pending"])
    AuthorizationFactory(patient=home, professional=users["blocked"])
    block = Block.objects.create(patient=home, professional=users["blocked"])
    users["administrator"] = AdministratorFactory()
    TOTPDeviceFactory(user=users["administrator"])
    users["trainer"] = _professional("21")
    app_label, codename = TRAINER_PERMISSION.split(".")
    users["trainer"].user_permissions.add(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
    )
    workshop = workshop_session_create(
        trainer=users["trainer"], name="Atelier", on=datetime.date.today(), professions=["pharmacien"]
    )
    users["trainee"] = workshop.trainees.get().user
    patient_of = {"closed": closed, "opposed": opposed}
    message = messaging_services.message_send(
        professional=author,
        sender=personal_mailbox(author),
        addresses=[f"{home.ins}@patient.mssante.fr"],
        draft=messaging_services.Draft(
            subject="Votre ordonnance",
            body="Bonjour",
            files=(filestore.accept_bytes("ordonnance.pdf", simple_pdf()),),
        ),
    )
    return SimpleNamespace(
        users=users,
        patient={persona: patient_of.get(persona, home) for persona in PERSONAS},
        document=document,
        other=other,
        card_in_reader=VitaleCardFactory(holder=home).pk,
        card_elsewhere=VitaleCardFactory(holder=other, in_reader=False).pk,
        # Another professional's open session: ending it from one's own "Mes sessions" is a 404.
        foreign_session=OpenSessionFactory(user=author).code,
        workshop=workshop.code,
        block=block.pk,
        home=home,
        message=message.code,
        attachment=message.attachments.get().code,
    )


@pytest.fixture(scope="module")
def world_media(tmp_path_factory) -> Path:
    """One MEDIA_ROOT for the module: the world's files (the workshop's sandboxes) are built once."""
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _module_media(settings, world_media) -> None:
    settings.MEDIA_ROOT = world_media  # after tests/conftest.py's per-test MEDIA_ROOT


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, world_media):
    """Built once, in a transaction rolled back after the module; each test runs in a savepoint."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=world_media), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


def client_for(world: SimpleNamespace, persona: str) -> Client:
    client = Client(enforce_csrf_checks=False)
    user = world.users.get(persona)
    if persona == "ecps_pending":
        session = client.session
        session[ECPS_PENDING] = {"rpps": user.rpps, "at": time.time(), "next": "/"}
        session.save()
    elif persona == "unverified":
        client.force_login(user)  # as if a password alone had been accepted
        session = client.session
        session[SESSION_STARTED_AT] = session[SESSION_LAST_SEEN_AT] = time.time()
        session.save()
    elif persona == "administrator":
        login_verified(client, user, user.totpdevice_set.get())
        session = client.session
        session[SESSION_ADMIN_LOGIN] = True
        session.save()
    elif persona == "patient":
        login_patient(client, world.home)
    elif user is not None:
        login_verified(client, user, user.cpscard_set.get())
    return client


# Stand-ins for the admin's URL arguments: objects that do not exist, an app that does.
ADMIN_ARGUMENTS = {"object_id": "0", "pk": "0", "id": "0", "content_type_id": "0", "app_label": "accounts"}


def admin_path(world: SimpleNamespace, url: Url) -> str:
    if url.name.endswith(">"):  # unnamed: the admin's catch-all
        return "/admin/inexistant/"
    # django-otp's device pages answer an unknown device with a server error: a real one.
    arguments = ADMIN_ARGUMENTS | {"pk": str(world.users["administrator"].totpdevice_set.get().pk)}
    return reverse(url.name, kwargs={name: arguments[name] for name in url.kwargs})


# --- asking ----------------------------------------------------------------------------------

# Answers given before any patient or document is looked up: an IDOR variant gets them too.
GATE = {TO_LOGIN, REFUSED, TO_AUTHORIZATION, NOT_ALLOWED}
ENDS_THE_SESSION = {"accounts:logout", "admin:logout", "space:logout"}
# Their session ends at the first refusal (logged out, or the e-CPS step consumed): a new one each time.
FRESH_SESSION_EACH_TIME = {"ecps_pending", "unverified"}
PROFESSIONAL_PERSONAS = [*PROFESSIONS, "blocked", "outsider", "closed", "opposed"]


def answer_of(response) -> Answer:
    if response.status_code in (301, 302):
        return Answer(response.status_code, resolve(urlparse(response["Location"]).path).view_name)
    return Answer(response.status_code)


def expected(row: Row, method: str, persona: str, variant: str) -> Answer:
    default, exceptions = row.get if method == "GET" else row.post
    own = exceptions.get(persona, default)
    if variant == "other patient" and persona in PROFESSIONAL_PERSONAS:
        # Someone else's DMP: what a professional outside its care team gets, never its data.
        return exceptions.get("outsider", default)
    if variant == "other document":
        # Another patient's document under this patient's URL: as if it did not exist.
        return own if own in GATE else NOT_FOUND
    return own


def url_for(world: SimpleNamespace, name: str, row: Row, persona: str, variant: str) -> str:
    patient = world.other if variant == "other patient" else world.patient[persona]
    match row.args:
        case None:
            return reverse(name)
        case "patient":
            return reverse(name, args=[patient.code])
        case "document":
            owner = world.other if variant != "own" else patient
            return reverse(name, args=[patient.code, world.document[owner.pk].code])
        case "session":
            return reverse(name, args=[world.foreign_session])
        case "space_document":
            return reverse(name, args=[world.document[world.patient["patient"].pk].code])
        case "block":
            return reverse(name, args=[world.block])
        case "workshop":
            return reverse(name, args=[world.workshop])
        case "post":
            return reverse(name, args=[world.workshop, 1])
        case "message":
            return reverse(name, args=[world.message])
        case "attachment":
            return reverse(name, args=[world.attachment])
        case "card":
            return reverse(name, args=[world.card_elsewhere if variant != "own" else world.card_in_reader])
    raise AssertionError(f"unknown URL arguments: {row.args}")


def variants(row: Row) -> list[str]:
    return {
        None: ["own"],
        "patient": ["own", "other patient"],
        "document": ["own", "other patient", "other document"],
        "card": ["own", "other document"],
        "session": ["own"],
        "workshop": ["own"],
        "space_document": ["own"],
        "block": ["own"],
        "post": ["own"],
        "message": ["own"],
        "attachment": ["own"],
    }[row.args]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_the_expected_answer_on_every_url(world, persona):
    mismatches = []
    client = client_for(world, persona)
    for name, row in MATRIX.items():
        for variant in variants(row):
            url = url_for(world, name, row, persona, variant)
            for method in ("GET", "POST"):
                response = client.get(url) if method == "GET" else client.post(url, {})
                if persona in FRESH_SESSION_EACH_TIME or name in ENDS_THE_SESSION:
                    client = client_for(world, persona)
                got, want = answer_of(response), expected(row, method, persona, variant)
                close_served_file(response)
                if got != want:
                    mismatches.append(f"{method} {name} ({variant}) {url}: got {got}, expected {want}")
    assert not mismatches, f"{persona}:\n" + "\n".join(mismatches)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ADMIN_PERSONAS)
def test_only_the_administrator_reaches_the_admin(world, persona):
    mismatches = []
    client = client_for(world, persona)
    for url in all_urls():
        if url.namespace != ADMIN_NAMESPACE:
            continue
        path = admin_path(world, url)
        # The administrator's own POSTs are the admin's forms, not an authorization question.
        for method in ("GET",) if persona == "administrator" else ("GET", "POST"):
            response = client.get(path) if method == "GET" else client.post(path, {})
            got = answer_of(response)
            if url.name in ADMIN_EXCEPTIONS:
                ok = got == expected(ADMIN_EXCEPTIONS[url.name], method, persona, "own")
            elif persona == "administrator":
                ok = got in ADMINISTRATOR_ANSWERS
            else:
                ok = got == TO_ADMIN_LOGIN
            if not ok:
                mismatches.append(f"{method} {url.name} {path}: got {got}")
            if url.name in ENDS_THE_SESSION:
                client = client_for(world, persona)
