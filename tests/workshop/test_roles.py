"""Who is a trainer (workshop/roles.py), the role every trainer page asks."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from tests.factories import AdministratorFactory, ProfessionalFactory
from workshop.roles import is_trainer, trainer_required


@trainer_required
def _trainer_page(request):
    return HttpResponse("ok")


def test_a_professional_with_the_permission_is_a_trainer(trainer):
    assert is_trainer(trainer)


def test_a_professional_without_it_is_not(alice):
    assert not is_trainer(alice)


@pytest.mark.parametrize("superuser", [True, False])
def test_an_administrator_is_a_trainer(db, superuser):
    assert is_trainer(AdministratorFactory(is_superuser=superuser))


def test_a_disabled_account_is_no_trainer_even_with_the_permission(trainer):
    trainer.is_active = False
    assert not is_trainer(trainer)


def test_the_anonymous_are_no_trainers():
    from django.contrib.auth.models import AnonymousUser

    assert not is_trainer(AnonymousUser())


def test_the_decorator_refuses_a_plain_professional_and_lets_a_trainer_in(db, trainer):
    request = RequestFactory().get("/")
    request.user = ProfessionalFactory()
    with pytest.raises(PermissionDenied):
        _trainer_page(request)
    request.user = trainer
    assert _trainer_page(request).content == b"ok"


def test_the_decorator_lets_verified_administrators_past_the_professionals_only_middleware():
    assert _trainer_page.open_to_administrators is True
