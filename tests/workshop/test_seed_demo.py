"""seed_demo: deterministic, idempotent, fictive, and documented in README.md."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import CPSCard, User
from workshop.demo import ADMIN_PASSWORD, DEMO_PIN, PROFESSIONALS, ecps_secret_base32, seed_demo

README = Path(__file__).resolve().parents[2] / "README.md"


def _state() -> list[tuple]:
    users = User.objects.order_by("username").values_list("username", "rpps", "profession_id", "card_type")
    cards = CPSCard.objects.order_by("number").values_list("number", "user__username")
    devices = TOTPDevice.objects.order_by("key").values_list("key", "user__username", "confirmed")
    return [*users, *cards, *devices]


@pytest.mark.django_db
def test_seeding_twice_gives_the_same_state():
    seed_demo()
    first = _state()
    seed_demo()

    assert _state() == first


@pytest.mark.django_db
def test_reset_restores_a_blocked_card_and_removes_extra_demo_accounts():
    seed_demo()
    card = CPSCard.objects.get(number=PROFESSIONALS[0].card_number)
    for pin in ("0000", "1111", "2222"):
        card.verify_token(pin)
    User.objects.create(username="stagiaire", is_demo=True)

    call_command("seed_demo", "--reset", stdout=io.StringIO())

    assert not CPSCard.objects.get(number=PROFESSIONALS[0].card_number).is_blocked
    assert not User.objects.filter(username="stagiaire").exists()


@pytest.mark.django_db
def test_it_covers_the_workshop_professions():
    seed_demo()
    professionals = User.objects.professionals()

    assert set(professionals.values_list("profession__code", flat=True)) >= {"21", "38", "10", "60", "50"}
    assert professionals.filter(card_type="CPF").exists()  # the intern
    assert professionals.filter(email="", mobile="").exists()  # cannot activate e-CPS
    assert User.objects.filter(is_staff=True, rpps__isnull=True).exists()


@pytest.mark.django_db
def test_every_demo_card_opens_with_the_documented_pin():
    seed_demo()

    for card in CPSCard.objects.all():
        assert card.verify_token(DEMO_PIN), card.number


def test_readme_documents_every_demo_login():
    readme = README.read_text()
    table = readme.split("## Comptes de démonstration", 1)[1]

    for item in PROFESSIONALS:
        assert item.rpps in table
        assert item.card_number in table
        if item.ecps:
            assert ecps_secret_base32(item.rpps) in table
    assert ADMIN_PASSWORD in table
    assert ecps_secret_base32("admin") in table
    assert re.search(rf"\b{DEMO_PIN}\b", table)
