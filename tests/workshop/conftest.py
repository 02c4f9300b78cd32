import datetime

import pytest
from django.contrib.auth.models import Permission

from tests.factories import CPSCardFactory, PracticeFactory
from tests.helpers import login_verified
from workshop.services import workshop_session_create


@pytest.fixture(autouse=True)
def _demo_mode(settings):
    """seed_demo runs only in demo mode (its accounts' secrets are published)."""
    settings.DMP_DEMO_MODE = True


@pytest.fixture
def trainer(db):
    """A professional (logging in by card like any other) with the trainer permission."""
    user = PracticeFactory(
        professional__first_name="Françoise", professional__last_name="Formatrice"
    ).professional
    user.user_permissions.add(
        Permission.objects.get(codename="run_workshop", content_type__app_label="workshop")
    )
    CPSCardFactory(user=user)
    return user


@pytest.fixture
def trainer_client(client, trainer):
    return login_verified(client, trainer, trainer.cpscard_set.get())


@pytest.fixture
def workshop_session(trainer):
    """A session of two trainees (a pharmacist and a préparateur), each with a fresh sandbox."""
    return workshop_session_create(
        trainer=trainer,
        name="Atelier de Strasbourg",
        on=datetime.date(2026, 3, 12),
        professions=["pharmacien", "preparateur"],
    )
