"""Shared fixtures: personas, verified logins, TOTP codes."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client

from accounts.services import SESSION_ADMIN_LOGIN
from audit import triggers
from tests.factories import (
    AdministratorFactory,
    CPSCardFactory,
    PracticeFactory,
    ProfessionalFactory,
    TOTPDeviceFactory,
)
from tests.helpers import login_verified
from workshop.roles import TRAINER_PERMISSION


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Fast hashing (PINs, passwords) and a private MEDIA_ROOT for each test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DMP_CHECKPOINT_DIR = tmp_path / "checkpoints"


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    marked = marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    return bool(marked) or {"transactional_db", "live_server"} & set(request.fixturenames)


@pytest.fixture(autouse=True)
def _append_only_traces(request):
    """The audit triggers (audit/triggers.py) are on in every test. pytest-django empties the
    tables after a transactional test (TRUNCATE / DELETE), which they refuse: they are lifted
    for that flush only, and put back before the next test."""
    if _is_transactional(request):
        request.getfixturevalue("transactional_db")  # so that our teardown runs before its flush
        triggers.install(connection)
        yield
        triggers.uninstall(connection)
    elif "db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
        triggers.install(connection)
        yield
    else:
        yield


@pytest.fixture
def alice(db):
    """Hospital pharmacist with a CPS card (PIN 4321), an e-CPS device and a practice."""
    practice = PracticeFactory(professional__first_name="Alice", professional__last_name="Martin")
    user = practice.professional
    CPSCardFactory(user=user, number="2700000001")
    TOTPDeviceFactory(user=user)
    return user


@pytest.fixture
def alice_card(alice):
    return alice.cpscard_set.get()


@pytest.fixture
def alice_ecps(alice):
    return alice.totpdevice_set.get()


@pytest.fixture
def alice_client(client, alice, alice_card) -> Client:
    """A browser where Alice is logged in with her CPS card."""
    return login_verified(client, alice, alice_card)


@pytest.fixture
def admin_user(db):
    """A portal administrator (no RPPS) with a TOTP device."""
    admin = AdministratorFactory()
    TOTPDeviceFactory(user=admin)
    return admin


@pytest.fixture
def admin_client(client, admin_user) -> Client:
    """A browser where the administrator logged in through the administrator login."""
    login_verified(client, admin_user, admin_user.totpdevice_set.get())
    session = client.session
    session[SESSION_ADMIN_LOGIN] = True
    session.save()
    return client


@pytest.fixture
def trainer(db):
    """A hospital pharmacist who runs the workshop (workshop.run_workshop), with a CPS card."""
    user = PracticeFactory(professional__first_name="Théo", professional__last_name="Formateur").professional
    app_label, codename = TRAINER_PERMISSION.split(".")
    user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    CPSCardFactory(user=user)
    return user


@pytest.fixture
def trainer_client(trainer) -> Client:
    """A second browser, where the trainer is logged in with their CPS card."""
    return login_verified(Client(), trainer, trainer.cpscard_set.get())


@pytest.fixture
def charlie(db):
    """A professional with neither email nor mobile in the directory (cannot activate e-CPS)."""
    user = ProfessionalFactory(no_contacts=True, first_name="Charlie")
    CPSCardFactory(user=user)
    return user
