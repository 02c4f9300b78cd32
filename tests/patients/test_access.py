"""Decision table of patients/access.py: who may open a DMP, and in which mode."""

import itertools
from datetime import datetime, timedelta

import pytest

from patients.access import (
    DECLARATION_VALIDITY,
    EMERGENCY_DURATION,
    AccessFacts,
    Decision,
    Mode,
    Refusal,
    decide,
    decide_consent,
    decide_emergency,
)

NOW = datetime(2026, 11, 25, 12, 0)
RECENT = NOW - timedelta(days=30)
OLD = NOW - timedelta(days=200)  # over six months

HISTORY = {
    "never": {"last_consent_at": None, "last_access_at": None},
    "recent": {"last_consent_at": RECENT, "last_access_at": RECENT},
    "consent_old_access_recent": {"last_consent_at": OLD, "last_access_at": RECENT},
    "over_six_months": {"last_consent_at": OLD, "last_access_at": OLD},
    "accessed_without_consent": {"last_consent_at": None, "last_access_at": RECENT},
}
EMERGENCY = {"none": None, "active": NOW + timedelta(hours=3), "expired": NOW - timedelta(hours=1)}


def facts(
    *,
    professional=True,
    open_=True,
    blocked=False,
    care_team=False,
    samu=False,
    history="never",
    emergency="none",
    samu_allowed=True,
    others_allowed=True,
) -> AccessFacts:
    return AccessFacts(
        now=NOW,
        is_professional=professional,
        dmp_open=open_,
        blocked=blocked,
        care_team=care_team,
        is_samu=samu,
        emergency_until=EMERGENCY[emergency],
        samu_allowed=samu_allowed,
        others_allowed=others_allowed,
        **HISTORY[history],
    )


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        # care team: presumed consent, no declaration ever needed
        ({"care_team": True}, Mode.CARE_TEAM),
        ({"care_team": True, "history": "over_six_months"}, Mode.CARE_TEAM),
        # others: a declaration, renewed after six months without access
        ({}, Refusal.NEEDS_DECLARATION),
        ({"history": "recent"}, Mode.CONSENT),
        ({"history": "consent_old_access_recent"}, Mode.CONSENT),
        ({"history": "over_six_months"}, Refusal.NEEDS_DECLARATION),
        ({"history": "accessed_without_consent"}, Refusal.NEEDS_DECLARATION),
        # emergency: open while it lasts, then over
        ({"emergency": "active"}, Mode.EMERGENCY),
        ({"emergency": "active", "samu": True}, Mode.REGULATION),
        ({"emergency": "expired"}, Refusal.NEEDS_DECLARATION),
        ({"emergency": "expired", "history": "recent"}, Mode.CONSENT),
        # a block beats everything
        ({"blocked": True, "care_team": True}, Refusal.BLOCKED),
        ({"blocked": True, "history": "recent"}, Refusal.BLOCKED),
        ({"blocked": True, "emergency": "active"}, Refusal.BLOCKED),
        # a closed DMP opens to nobody
        ({"open_": False, "care_team": True}, Refusal.DMP_CLOSED),
        ({"open_": False, "history": "recent"}, Refusal.DMP_CLOSED),
        ({"open_": False, "emergency": "active"}, Refusal.DMP_CLOSED),
        # administrators are not professionals
        ({"professional": False, "care_team": True}, Refusal.NOT_A_PROFESSIONAL),
    ],
)
def test_decision_table(case, expected):
    decision = decide(facts(**case))

    assert (decision.mode or decision.refusal) is expected
    assert decision.allowed is isinstance(expected, Mode)


def test_declaration_validity_is_six_months():
    assert timedelta(days=181) <= DECLARATION_VALIDITY <= timedelta(days=184)


@pytest.mark.parametrize(
    ("since_last_access", "expected"),
    [
        (timedelta(days=183), Mode.CONSENT),  # six months (183 days) to the second: still valid
        (timedelta(days=183, seconds=1), Refusal.NEEDS_DECLARATION),
        (timedelta(days=182), Mode.CONSENT),
        (timedelta(days=184), Refusal.NEEDS_DECLARATION),
    ],
)
def test_the_six_month_bound_is_183_days_to_the_second(since_last_access, expected):
    last = NOW - since_last_access
    decision = decide(AccessFacts(NOW, True, True, False, False, False, last, last, None, True, True))

    assert (decision.mode or decision.refusal) is expected


@pytest.mark.parametrize(
    ("until", "expected"),
    [(NOW + timedelta(seconds=1), Mode.EMERGENCY), (NOW, Refusal.NEEDS_DECLARATION)],
)
def test_an_emergency_access_ends_at_its_end_time(until, expected):
    decision = decide(AccessFacts(NOW, True, True, False, False, False, None, None, until, True, True))

    assert (decision.mode or decision.refusal) is expected
    assert decision.until == (until if expected is Mode.EMERGENCY else None)


def test_an_emergency_access_lasts_24_hours():
    assert timedelta(hours=24) == EMERGENCY_DURATION


@pytest.mark.parametrize(
    ("refusal", "can_declare"), [(refusal, refusal is Refusal.NEEDS_DECLARATION) for refusal in Refusal]
)
def test_only_the_missing_declaration_can_be_lifted_by_declaring(refusal, can_declare):
    assert Decision(refusal=refusal).can_declare is can_declare


@pytest.mark.parametrize(
    ("care_team", "history", "blocked", "open_", "emergency"),
    list(itertools.product([False, True], HISTORY, [False, True], [False, True], EMERGENCY)),
)
def test_every_combination_obeys_the_invariants(care_team, history, blocked, open_, emergency):
    decision = decide(
        facts(care_team=care_team, history=history, blocked=blocked, open_=open_, emergency=emergency)
    )

    if not open_:
        assert decision.refusal is Refusal.DMP_CLOSED
    elif blocked:
        assert decision.refusal is Refusal.BLOCKED
    elif care_team:
        assert decision.mode is Mode.CARE_TEAM
    elif emergency == "active":
        assert decision.mode is Mode.EMERGENCY
    elif history in ("recent", "consent_old_access_recent"):
        assert decision.mode is Mode.CONSENT
    else:
        assert decision.refusal is Refusal.NEEDS_DECLARATION
        assert decision.can_declare


@pytest.mark.parametrize(
    ("case", "reason", "expected"),
    [
        ({}, "Patient inconscient aux urgences", Mode.EMERGENCY),
        ({"samu": True}, "Régulation : détresse respiratoire", Mode.REGULATION),
        ({}, "", Refusal.EMERGENCY_NEEDS_REASON),
        ({}, "   ", Refusal.EMERGENCY_NEEDS_REASON),
        ({"others_allowed": False}, "Urgence vitale", Refusal.EMERGENCY_OPPOSED),
        ({"samu": True, "samu_allowed": False}, "Urgence vitale", Refusal.EMERGENCY_OPPOSED),
        # a SAMU professional is judged by the SAMU choice, others by theirs
        ({"samu": True, "others_allowed": False}, "Urgence vitale", Mode.REGULATION),
        ({"samu_allowed": False}, "Urgence vitale", Mode.EMERGENCY),
        ({"blocked": True}, "Urgence vitale", Refusal.BLOCKED),
        ({"open_": False}, "Urgence vitale", Refusal.DMP_CLOSED),
    ],
)
def test_emergency_declaration(case, reason, expected):
    decision = decide_emergency(facts(**case), reason=reason)

    assert (decision.mode or decision.refusal) is expected


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ({}, Mode.CONSENT),
        ({"others_allowed": False, "samu_allowed": False}, Mode.CONSENT),  # opposition is to emergency only
        ({"blocked": True}, Refusal.BLOCKED),
        ({"open_": False}, Refusal.DMP_CLOSED),
    ],
)
def test_consent_declaration(case, expected):
    decision = decide_consent(facts(**case))

    assert (decision.mode or decision.refusal) is expected
