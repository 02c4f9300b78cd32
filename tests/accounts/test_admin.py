"""The admin: behind password + TOTP; professionals searchable; unblock cards; reset e-CPS."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from tests.factories import CPSCardFactory, ProfessionalFactory, TOTPDeviceFactory
from tests.helpers import code_for, login_verified, text

LOGIN = reverse("accounts:admin_login")


@pytest.mark.django_db
def test_the_admin_sends_strangers_to_the_administrator_login(client):
    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code == 302
    assert follow["Location"].startswith(LOGIN)


@pytest.mark.django_db
def test_password_and_code_open_the_admin(client, admin_user):
    device = admin_user.totpdevice_set.get()

    response = client.post(
        LOGIN,
        {
            "username": admin_user.username,
            "password": "mot-de-passe-administrateur",
            "token": code_for(device),
        },
    )

    assert response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_the_password_alone_does_not_open_the_admin(client, admin_user):
    client.force_login(admin_user)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302


@pytest.mark.django_db
def test_a_wrong_code_is_refused_with_one_message_for_all_errors(client, admin_user):
    device = admin_user.totpdevice_set.get()

    wrong_code = client.post(
        LOGIN,
        {
            "username": admin_user.username,
            "password": "mot-de-passe-administrateur",
            "token": code_for(device, offset_steps=10),
        },
    )
    wrong_password = client.post(
        LOGIN, {"username": admin_user.username, "password": "nope", "token": code_for(device)}
    )

    for response in (wrong_code, wrong_password):
        assert "Identifiant, mot de passe ou code incorrect." in text(response)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_staff_professional_verified_by_card_is_not_admitted(client):
    staff = ProfessionalFactory(is_staff=True, is_superuser=True)
    login_verified(client, staff, CPSCardFactory(user=staff))

    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 302


@pytest.mark.django_db
def test_an_administrator_verified_without_the_administrator_login_is_not_admitted(client, admin_user):
    login_verified(client, admin_user, admin_user.totpdevice_set.get())

    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.django_db
def test_a_professional_verified_by_card_is_not_admitted(alice_client):
    alice_client.get(reverse("admin:index"))
    response = alice_client.get(reverse("admin:accounts_user_changelist"))

    assert response.status_code == 302


@pytest.mark.django_db
def test_professionals_are_searchable_by_rpps_and_name(admin_client):
    target = ProfessionalFactory(last_name="Zimmermann")
    ProfessionalFactory(last_name="Autre")
    url = reverse("admin:accounts_user_changelist")

    by_rpps = text(admin_client.get(url, {"q": target.rpps}))
    by_name = text(admin_client.get(url, {"q": "zimmer"}))

    for body in (by_rpps, by_name):
        assert "ZIMMERMANN" in body
        assert "AUTRE" not in body


@pytest.mark.django_db
def test_professionals_can_be_filtered_by_profession(admin_client):
    ProfessionalFactory(last_name="Soignante", profession_id="60")
    ProfessionalFactory(last_name="Officine", profession_id="21")

    body = text(
        admin_client.get(reverse("admin:accounts_user_changelist"), {"profession__code__exact": "60"})
    )

    assert "SOIGNANTE" in body
    assert "OFFICINE" not in body


@pytest.mark.django_db
def test_the_admin_unblocks_a_cps_card(admin_client, alice, alice_card):
    for pin in ("0000", "1111", "2222"):
        alice_card.verify_token(pin)
    assert alice_card.is_blocked

    admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unblock_cps_cards", "_selected_action": [alice.pk]},
    )

    alice_card.refresh_from_db()
    assert not alice_card.is_blocked
    assert alice_card.failed_pin_attempts == 0


@pytest.mark.django_db
def test_the_admin_resets_an_e_cps_device(admin_client, alice, alice_ecps):
    admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_ecps", "_selected_action": [alice.pk]},
    )

    assert not TOTPDevice.objects.filter(user=alice).exists()


@pytest.mark.django_db
def test_the_user_change_page_renders(admin_client, alice):
    CPSCardFactory(user=ProfessionalFactory())
    TOTPDeviceFactory(user=alice, confirmed=False)

    assert admin_client.get(reverse("admin:accounts_user_change", args=[alice.pk])).status_code == 200
    assert admin_client.get(reverse("admin:accounts_cpscard_changelist")).status_code == 200
    assert User.objects.professionals().count() == 2
