"""Shared fixtures: personas, verified logins, TOTP codes."""

import pytest
from django.test import Client

from tests.factories import (
    AdministratorFactory,
    CPSCardFactory,
    PracticeFactory,
    ProfessionalFactory,
    TOTPDeviceFactory,
)
from tests.helpers import login_verified


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Fast hashing (PINs, passwords) and a private MEDIA_ROOT for each test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


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
def charlie(db):
    """A professional with neither email nor mobile in the directory (cannot activate e-CPS)."""
    user = ProfessionalFactory(no_contacts=True, first_name="Charlie")
    CPSCardFactory(user=user)
    return user
