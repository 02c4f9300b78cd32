"""Small helpers the tests share: verified logins, TOTP codes, page text."""

import html
import time

from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp

from accounts.models import CPSCard, OpenSession
from accounts.open_sessions import SESSION_LISTED_AT, key_hash, login_method
from accounts.services import SESSION_LAST_SEEN_AT, SESSION_STARTED_AT
from accounts.sudo import SESSION_SUDO_AT, SESSION_SUDO_BY_CARD


def text(response) -> str:
    """The page as a person reads it: HTML entities (&#x27; for ') decoded."""
    return html.unescape(response.content.decode())


def code_for(device, *, offset_steps: int = 0) -> str:
    """The TOTP code the app would show now (or `offset_steps` periods away)."""
    value = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0 - offset_steps * device.step,
        digits=device.digits,
        drift=device.drift,
    )
    return str(value).zfill(device.digits)


def login_verified(client: Client, user, device) -> Client:
    """Log `client` in as `user`, verified by `device`, as the login views would (the login
    is also a fresh proof for sudo mode, for 5 minutes)."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_STARTED_AT] = time.time()
    session[SESSION_LAST_SEEN_AT] = time.time()
    session[SESSION_LISTED_AT] = time.time()
    session[SESSION_SUDO_AT] = time.time()
    session[SESSION_SUDO_BY_CARD] = isinstance(device, CPSCard)
    session.save()
    now = timezone.now()
    OpenSession.objects.create(
        user=user,
        key_hash=key_hash(session.session_key),
        method=login_method(device),
        created_at=now,
        last_seen_at=now,
    )
    return client


def client_request(address: str = "203.0.113.7") -> HttpRequest:
    """A POST from a client at `address` with an empty session, for calling services directly."""
    request = RequestFactory().post("/", REMOTE_ADDR=address)
    request.session = SessionStore()
    return request


def wrong_code(device) -> str:
    """A code the device will refuse: the one of five minutes ago (outside the drift tolerance)."""
    return code_for(device, offset_steps=10)


def login_patient(client: Client, person, record=None) -> Client:
    """Log `client` in to Mon espace santé as `person` (looking at `record`, themselves by default),
    as patients.space.login_verify would after the right code."""
    from accounts.viewer import SESSION_PATIENT_PERSON, SESSION_PATIENT_RECORD

    session = client.session
    session[SESSION_PATIENT_PERSON] = person.pk
    session[SESSION_PATIENT_RECORD] = (record or person).pk
    session[SESSION_STARTED_AT] = time.time()
    session[SESSION_LAST_SEEN_AT] = time.time()
    session.save()
    return client


def make_minor(patient) -> None:
    """Make `patient` a child (for "invisible aux représentants légaux", offered on minors only)."""
    from django.utils import timezone

    patient.birth_date = timezone.localdate().replace(year=timezone.localdate().year - 10, day=1)
    type(patient).objects.filter(pk=patient.pk).update(birth_date=patient.birth_date)


def link_to(response, words: str) -> str:
    """The href of the link reading `words` (HTML entities decoded), for following a page's links."""
    import re

    for href, label in re.findall(r'<a [^>]*href="([^"]*)"[^>]*>([^<]*)</a>', response.content.decode()):
        if html.unescape(label).strip() == words:
            return html.unescape(href)
    raise AssertionError(f"No link reading {words!r}.")


def close_served_file(response) -> None:
    """A served file (an attachment) holds its file open until closed. Not response.close(): it
    sends request_finished, whose close_old_connections would end the test's transaction and
    its database connection (PostgreSQL), breaking every later request of the test."""
    for closer in response._resource_closers:  # what HttpResponseBase.close() closes, minus the signal
        closer()
    response._resource_closers.clear()
