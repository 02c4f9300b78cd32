"""seed_demo: deterministic, idempotent, fictive, and documented in README.md."""

import io
import re
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import CPSCard, User
from audit.models import Action, Trace
from audit.services import record
from directory.models import DirectoryEntry
from patients import access
from patients.ins import validate_ins
from patients.models import (
    Authorization,
    AuthorizationKind,
    Block,
    CareStay,
    DMPStatus,
    IdentityStatus,
    Patient,
    RecordAccess,
    VitaleCard,
)
from patients.search import TOO_MANY_MESSAGE
from tests.helpers import text
from workshop.demo import (
    ADMIN_PASSWORD,
    ALL_PATIENTS,
    DEMO_PIN,
    DIRECTORY_FICTIVE_ENTRIES,
    HOMONYMS,
    PATIENTS,
    PROFESSIONALS,
    RICH_RECORD,
    ecps_secret_base32,
    seed_demo,
)

README = Path(__file__).resolve().parents[2] / "README.md"
MARCHAL, KIEFFER, ROTHENBACH, WENDLING, GERBAUT, LORRAIN = (f"8{item.rpps}" for item in PROFESSIONALS)


def _state() -> list[tuple]:
    users = User.objects.order_by("username").values_list(
        "username", "rpps", "profession_id", "card_type", "is_active"
    )
    cards = CPSCard.objects.order_by("number").values_list("number", "user__username")
    devices = TOTPDevice.objects.order_by("key").values_list("key", "user__username", "confirmed")
    return [*users, *cards, *devices, *_patient_state()]


def _patient_state() -> list[tuple]:
    """Every demo fact about patients, by natural keys (INS, RPPS, FINESS, serial): pks may change."""
    patients = (
        Patient.objects.filter(sandbox=None)
        .order_by("ins")
        .values_list(
            "ins",
            "identity_status",
            "birth_name",
            "usual_name",
            "birth_first_names",
            "first_name",
            "sex",
            "birth_date",
            "birth_place_cog",
            "email",
            "dmp_status",
            "closed_on",
            "closing_reason",
            "emergency_samu_allowed",
            "emergency_others_allowed",
            "emergency_masked_allowed",
        )
    )
    relations = [
        (
            patient.ins,
            sorted(patient.legal_representatives.values_list("ins", flat=True)),
            sorted(patient.dmp_attending_physicians.values_list("rpps", flat=True)),
        )
        for patient in Patient.objects.filter(sandbox=None).order_by("ins")
    ]
    vitale = [
        (
            card.serial,
            card.holder.ins,
            card.in_reader,
            sorted(card.beneficiaries.values_list("ins", flat=True)),
        )
        for card in VitaleCard.objects.filter(holder__sandbox=None).order_by("serial")
    ]
    stays = (
        CareStay.objects.filter(patient__sandbox=None)
        .order_by("patient__ins", "started_on")
        .values_list("patient__ins", "establishment__finess", "started_on", "ended_on")
    )
    blocks = (
        Block.objects.filter(patient__sandbox=None)
        .order_by("patient__ins")
        .values_list("patient__ins", "professional__rpps", "blocked_at")
    )
    return [*patients, *relations, *vitale, *stays, *blocks]


def _patient(key: str) -> Patient:
    return Patient.objects.get(sandbox=None, ins=next(item.ins for item in PATIENTS if item.key == key))


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


# Demo patients: every access rule of the workshop, on fictive but well-formed identities.


@pytest.mark.django_db
def test_every_demo_patient_has_a_valid_ins_that_agrees_with_the_traits():
    seed_demo()

    patients = Patient.objects.filter(ins__in=[item.ins for item in ALL_PATIENTS])
    assert patients.count() == len(ALL_PATIENTS) == len(PATIENTS) + 25
    for patient in patients:
        validate_ins(patient.ins)
        assert patient.ins[0] == ("1" if patient.sex == "M" else "2"), patient
        assert patient.ins[1:5] == patient.birth_date.strftime("%y%m"), patient
        assert patient.ins[5:10] == patient.birth_place_cog, patient
        assert patient.email.endswith(".test"), patient


@pytest.mark.django_db
def test_the_rich_record_belongs_to_a_qualified_adult_man_in_marchals_care_team():
    seed_demo()
    patient = Patient.objects.get(sandbox=None, ins=RICH_RECORD.ins)

    assert (patient.sex, patient.identity_status, patient.is_minor) == ("M", IdentityStatus.QUALIFIEE, False)
    assert patient.stays.filter(establishment__name="Centre hospitalier Sainte-Odile", ended_on=None).exists()
    assert list(patient.dmp_attending_physicians.values_list("username", flat=True)) == [WENDLING]
    for username in (MARCHAL, WENDLING):
        decision = access.decision_for(User.objects.get(username=username), patient)
        assert decision.mode is access.Mode.CARE_TEAM, username


@pytest.mark.django_db
def test_minors_have_a_legal_representative_whose_card_carries_both():
    seed_demo()
    nathan, ines, mother = (
        _patient(key) for key in ("fischbach_nathan", "fischbach_ines", "fischbach_aurelie")
    )

    assert nathan.is_minor and ines.is_minor and not mother.is_minor
    for child in (nathan, ines):
        assert list(child.legal_representatives.all()) == [mother]
    card = VitaleCard.objects.get(holder=mother)
    assert card.in_reader
    assert set(card.beneficiaries.all()) == {nathan, ines}


@pytest.mark.django_db
def test_a_patient_blocked_a_professional_of_her_care_team():
    seed_demo()
    patient, kieffer = _patient("riehl"), User.objects.get(username=KIEFFER)

    assert Block.objects.filter(patient=patient, professional=kieffer).exists()
    assert access.facts_for(kieffer, patient).care_team  # the block beats presumed consent
    assert access.decision_for(kieffer, patient).refusal is access.Refusal.BLOCKED
    assert access.decision_for(User.objects.get(username=MARCHAL), patient).mode is access.Mode.CARE_TEAM


@pytest.mark.django_db
def test_a_patient_refused_emergency_access():
    seed_demo()
    patient = _patient("schaller")

    assert (patient.emergency_samu_allowed, patient.emergency_others_allowed) == (False, False)
    assert not patient.emergency_masked_allowed
    facts = access.facts_for(User.objects.get(username=LORRAIN), patient)
    assert access.decide_emergency(facts, reason="Malaise").refusal is access.Refusal.EMERGENCY_OPPOSED


@pytest.mark.django_db
def test_a_dmp_is_closed_with_its_date_and_reason():
    seed_demo()
    patient = _patient("gangloff")

    assert patient.dmp_status == DMPStatus.CLOSED
    assert patient.closed_on is not None and patient.closing_reason
    assert (
        access.decision_for(User.objects.get(username=MARCHAL), patient).refusal is access.Refusal.DMP_CLOSED
    )


@pytest.mark.django_db
def test_homonyms_make_relevance_matter():
    seed_demo()
    pierres = list(Patient.objects.matching_name("Muller").filter(first_name="Pierre", sex="M"))
    maries = list(Patient.objects.matching_name("Muller").filter(first_name="Marie", sex="F"))

    assert len(pierres) == 2
    assert len({p.birth_date for p in pierres}) == 2 and len({p.birth_department for p in pierres}) == 2
    assert len({p.birth_name for p in pierres}) == 1
    assert len(maries) == 2
    assert {m.usual_name for m in maries} == {"", "MULLER"}  # one is a MULLER by usage name only


@pytest.mark.django_db
def test_the_demo_homonyms_show_the_too_many_guard_and_the_exact_date_finds_each_one(alice_client):
    seed_demo()
    search = reverse("patients:search")
    martin_marie = {"name": "Martin", "first_name": "Marie", "sex": "F"}

    by_name = text(alice_client.post(search, martin_marie))
    by_year = text(alice_client.post(search, martin_marie | {"birth": "1980"}))
    by_date = text(alice_client.post(search, martin_marie | {"birth": "05/01/1980"}))

    assert TOO_MANY_MESSAGE in by_name and TOO_MANY_MESSAGE in by_year
    fifth = next(item for item in HOMONYMS if item.birth_date == date(1980, 1, 5))
    assert TOO_MANY_MESSAGE not in by_date
    assert "Patients correspondant aux critères (1/1)" in by_date
    assert fifth.ins in by_date
    assert not {item.ins for item in HOMONYMS if item is not fifth} & set(re.findall(r"\b\w{15}\b", by_date))


@pytest.mark.django_db
def test_the_command_sums_the_homonyms_up_in_one_line():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)

    lines = [line for line in out.getvalue().splitlines() if "MARTIN MARIE" in line]
    assert len(lines) == 1
    assert (
        "25 homonymes Mme MARTIN MARIE" in lines[0] and "01/01/1980" in lines[0] and "25/01/1980" in lines[0]
    )


@pytest.mark.django_db
def test_corsican_births_use_2a_and_2b():
    seed_demo()
    demo = Patient.objects.filter(ins__in=[item.ins for item in PATIENTS])

    corsicans = {p.ins[5:7]: p.birth_place_cog for p in demo if p.ins[5:7] in {"2A", "2B"}}
    assert corsicans == {"2A": "2A004", "2B": "2B033"}


@pytest.mark.django_db
def test_an_identity_is_still_provisional():
    seed_demo()

    assert _patient("brunner").identity_status == IdentityStatus.PROVISOIRE


@pytest.mark.django_db
def test_several_vitale_cards_are_in_the_reader_and_some_are_not():
    seed_demo()

    assert VitaleCard.objects.filter(in_reader=True).count() >= 3
    assert VitaleCard.objects.filter(in_reader=False).exists()


@pytest.mark.django_db
def test_reset_works_on_a_fresh_database_and_twice():
    call_command("seed_demo", "--reset", stdout=io.StringIO())
    first = _state()
    call_command("seed_demo", "--reset", stdout=io.StringIO())

    assert _state() == first


@pytest.mark.django_db
def test_reset_wipes_the_declarations_but_keeps_traced_patients_accounts_and_documents():
    call_command("seed_demo", stdout=io.StringIO())
    fresh = _state()
    seeded = Trace.objects.count()  # the dataset's documents and vaccinations, each traced
    patient, marchal = (
        Patient.objects.get(sandbox=None, ins=RICH_RECORD.ins),
        User.objects.get(username=MARCHAL),
    )
    rothenbach, schaller = User.objects.get(username=ROTHENBACH), _patient("schaller")
    trainee = User.objects.create(username="stagiaire-trace", is_demo=True)
    with transaction.atomic():
        record(actor=marchal, patient=patient, action=Action.RECORD_OPENED)
        record(actor=trainee, action=Action.PATIENT_SEARCHED)
    Authorization.objects.create(patient=schaller, professional=rothenbach, kind=AuthorizationKind.CONSENT)
    RecordAccess.objects.create(
        patient=schaller,
        professional=rothenbach,
        first_access_at=timezone.now(),
        last_access_at=timezone.now(),
    )
    Block.objects.create(patient=patient, professional=User.objects.get(username=GERBAUT))

    call_command("seed_demo", "--reset", stdout=io.StringIO())

    assert Patient.objects.get(sandbox=None, ins=RICH_RECORD.ins).pk == patient.pk  # kept, with its history
    assert User.objects.get(username=MARCHAL).pk == marchal.pk
    # The two traces stay, and so do the seed's; reset adds one, its own reset of the workshop
    # sandboxes: it leaves the shared patients' documents alone and the fresh copies carry no trace.
    assert Trace.objects.count() == seeded + 3
    assert Trace.objects.latest("pk").action == Action.WORKSHOP_SANDBOXES_RESET
    assert not Authorization.objects.exists() and not RecordAccess.objects.exists()
    assert not User.objects.get(username="stagiaire-trace").is_active
    assert [row for row in _state() if row[0] != "stagiaire-trace"] == fresh


def test_readme_lists_every_demo_patient():
    section = README.read_text().split("## Patients de démonstration", 1)[1].split("\n## ", 1)[0]

    for item in PATIENTS:
        assert item.ins in section, item.key
        assert item.birth_date.strftime("%d/%m/%Y") in section, item.key


@pytest.mark.django_db
def test_the_command_prints_the_demo_patients():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)

    for item in PATIENTS:
        assert item.ins in out.getvalue()


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_outside_demo_mode(settings):
    from django.core.management import CommandError

    settings.DMP_DEMO_MODE = False

    with pytest.raises(CommandError, match="mode démonstration"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not User.objects.filter(username="admin").exists()


@pytest.mark.django_db
def test_the_demo_directory_lists_the_demo_professionals_and_fictive_colleagues(alice_client):
    seed_demo()
    seed_demo()  # idempotent

    demo = DirectoryEntry.objects.filter(rpps__in=[item.rpps for item in PROFESSIONALS])
    assert demo.filter(user__isnull=False).count() == len(PROFESSIONALS)
    assert DirectoryEntry.objects.filter(user__isnull=True).count() == DIRECTORY_FICTIVE_ENTRIES
    page = text(alice_client.get(reverse("directory:search"), {"name": "gerbaut"}))
    assert "Thomas GERBAUT" in page and "e-CPS impossible." in page
    page = text(alice_client.get(reverse("directory:search"), {"name": "marchal el"}))
    assert "elise.marchal@ch-sainte-odile.mssante.fr" in page
