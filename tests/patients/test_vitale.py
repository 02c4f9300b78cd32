"""The virtual Carte Vitale reader: inserted cards, then the holder or a beneficiary, then the DMP entry."""

import datetime

import pytest
from django.urls import reverse

from audit.models import Action, Trace
from tests.factories import PatientFactory, VitaleCardFactory
from tests.helpers import text

READER_URL = reverse("patients:vitale")


@pytest.fixture(autouse=True)
def _virtual_readers(settings):
    """The virtual reader exists in demo (and later workshop) mode only: these tests run in it."""
    settings.DMP_DEMO_MODE = True


def _card_url(card) -> str:
    return reverse("patients:vitale_card", args=[card.pk])


@pytest.fixture
def family_card(db):
    """A card in the reader: held by Aurélie, carrying her two children."""
    mother = PatientFactory(
        birth_name="Fischbach", first_name="Aurélie", sex="F", birth_date=datetime.date(1985, 6, 21)
    )
    card = VitaleCardFactory(holder=mother, in_reader=True)
    card.beneficiaries.set(
        [
            PatientFactory(
                birth_name="Fischbach", first_name="Inès", sex="F", birth_date=datetime.date(2018, 1, 27)
            ),
            PatientFactory(birth_name="Fischbach", first_name="Nathan", birth_date=datetime.date(2014, 9, 2)),
        ]
    )
    return card


@pytest.fixture
def wallet_card(db):
    """A card that is not in the reader (still in its holder's wallet)."""
    return VitaleCardFactory(holder__birth_name="Horslecteur", holder__first_name="Paul", in_reader=False)


def _choose(client, card, patient):
    return client.post(_card_url(card), {"patient": str(patient.code)})


def test_it_lists_only_the_inserted_cards_by_holder_name(alice_client, family_card, wallet_card):
    response = alice_client.get(READER_URL)

    assert response.status_code == 200
    page = text(response)
    assert "Cartes insérées" in page
    assert "Carte Vitale de Mme FISCHBACH AURÉLIE" in page
    assert _card_url(family_card) in page
    assert "HORSLECTEUR" not in page
    assert _card_url(wallet_card) not in page
    assert family_card.holder.ins not in page  # the holder's name, never the INS


def test_it_says_plainly_when_no_card_is_inserted(alice_client, wallet_card):
    page = text(alice_client.get(READER_URL))

    assert "Aucune carte Vitale n'est insérée dans le lecteur." in page


def test_the_reader_runs_the_same_queries_whatever_the_number_of_cards(
    alice_client, family_card, django_assert_max_num_queries
):
    alice_client.get(READER_URL)  # warm the session's lazy loads
    with django_assert_max_num_queries(10) as one_card:
        alice_client.get(READER_URL)
    VitaleCardFactory.create_batch(3, in_reader=True)

    with django_assert_max_num_queries(len(one_card.captured_queries)):
        alice_client.get(READER_URL)


def test_the_card_shows_its_holder_then_beneficiaries_with_birth_dates(alice_client, family_card):
    response = alice_client.get(_card_url(family_card))

    assert response.status_code == 200
    page = text(response)
    positions = [page.index(name) for name in ("FISCHBACH AURÉLIE", "FISCHBACH NATHAN", "FISCHBACH INÈS")]
    assert positions == sorted(positions)  # holder, then the eldest child
    for born in ("Né(e) le 21/06/1985", "Né(e) le 02/09/2014", "Né(e) le 27/01/2018"):
        assert born in page
    for person in (family_card.holder, *family_card.beneficiaries.all()):
        assert str(person.code) in page
        assert person.ins not in page


def test_choosing_the_holder_opens_their_dmp_entry(alice_client, family_card):
    response = _choose(alice_client, family_card, family_card.holder)

    assert response.status_code == 302
    assert response.url == reverse("patients:open", args=[family_card.holder.code])


def test_choosing_a_beneficiary_opens_their_dmp_entry(alice_client, family_card):
    child = family_card.beneficiaries.get(first_name="Nathan")

    response = _choose(alice_client, family_card, child)

    assert response.status_code == 302
    assert response.url == reverse("patients:open", args=[child.code])


def test_each_choice_writes_one_search_trace(alice, alice_client, family_card):
    for person in (family_card.holder, *family_card.beneficiaries.all()):
        _choose(alice_client, family_card, person)

    traces = Trace.objects.filter(actor=alice)
    assert traces.count() == 3
    assert set(traces.values_list("action", "details")) == {(Action.PATIENT_SEARCHED, "carte Vitale")}


def test_reading_a_card_without_choosing_writes_no_trace(alice_client, family_card):
    alice_client.get(READER_URL)
    alice_client.get(_card_url(family_card))

    assert not Trace.objects.exists()


def test_a_beneficiary_of_another_card_gives_404(alice_client, family_card):
    other_card = VitaleCardFactory(in_reader=True)
    stranger = PatientFactory()
    other_card.beneficiaries.add(stranger)

    for outsider in (stranger, other_card.holder):
        assert _choose(alice_client, family_card, outsider).status_code == 404
    assert not Trace.objects.exists()


@pytest.mark.parametrize("value", ["", "pas-un-uuid", "00000000-0000-0000-0000-000000000000"])
def test_an_unknown_patient_code_gives_404(alice_client, family_card, value):
    response = alice_client.post(_card_url(family_card), {"patient": value})

    assert response.status_code == 404
    assert not Trace.objects.exists()


def test_a_card_not_in_the_reader_gives_404(alice_client, wallet_card):
    assert alice_client.get(_card_url(wallet_card)).status_code == 404
    assert _choose(alice_client, wallet_card, wallet_card.holder).status_code == 404
    assert not Trace.objects.exists()


def test_an_unknown_card_gives_404(alice_client, db):
    assert alice_client.get(reverse("patients:vitale_card", args=[987654])).status_code == 404


def test_the_reader_list_refuses_post(alice_client, db):
    assert alice_client.post(READER_URL).status_code == 405


@pytest.mark.parametrize("name", ["reader", "card"])
def test_anonymous_is_sent_to_the_login(client, family_card, name):
    url = READER_URL if name == "reader" else _card_url(family_card)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_anonymous_cannot_choose_a_patient(client, family_card):
    response = _choose(client, family_card, family_card.holder)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert not Trace.objects.exists()


def test_a_login_without_second_factor_is_refused(client, alice, family_card):
    client.force_login(alice)  # password-less session, never verified by card or e-CPS

    response = client.get(READER_URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# --- outside demo mode, the virtual reader does not exist -----------------------------------------


@pytest.mark.parametrize("name", ["reader", "card"])
def test_outside_demo_mode_the_reader_pages_do_not_exist(alice_client, family_card, settings, name):
    settings.DMP_DEMO_MODE = False
    url = READER_URL if name == "reader" else _card_url(family_card)

    assert alice_client.get(url).status_code == 404
    assert alice_client.post(url, {"patient": str(family_card.holder.code)}).status_code == 404
    assert not Trace.objects.filter(action=Action.PATIENT_SEARCHED).exists()


def test_outside_demo_mode_mes_patients_does_not_offer_the_reader(alice_client, settings):
    settings.DMP_DEMO_MODE = False

    page = text(alice_client.get(reverse("patients:my_patients")))

    assert "Lire la carte Vitale" not in page
    assert READER_URL not in page
    assert "Accès par matricule INS" in page


def test_in_demo_mode_mes_patients_offers_the_reader(alice_client):
    page = text(alice_client.get(reverse("patients:my_patients")))

    assert "Lire la carte Vitale" in page
    assert READER_URL in page
