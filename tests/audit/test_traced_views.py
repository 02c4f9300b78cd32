"""Every view that shows or changes patient data writes exactly the expected traces."""

import pytest
from django.urls import reverse

from audit.models import Action, Trace
from tests.factories import PatientFactory, VitaleCardFactory

SEARCHED, DECLARED, EMERGENCY, OPENED, WITHDRAWN, HISTORY = (
    Action.PATIENT_SEARCHED,
    Action.AUTHORIZATION_DECLARED,
    Action.EMERGENCY_ACCESS,
    Action.RECORD_OPENED,
    Action.AUTHORIZATION_WITHDRAWN,
    Action.HISTORY_VIEWED,
)


def _declared_and_opened(client, patient) -> None:
    client.post(reverse("patients:authorization", args=[patient.code]), {"declaration": "consent"})
    client.get(reverse("patients:open", args=[patient.code]))


# (name, state before, method, url builder, data builder, expected new traces)
CASES = [
    (
        "identity search",
        None,
        "post",
        lambda p: reverse("patients:search"),
        lambda p: {"name": p.birth_name, "first_name": p.first_name, "sex": p.sex},
        [SEARCHED],
    ),
    (
        "INS search",
        None,
        "post",
        lambda p: reverse("patients:search_ins"),
        lambda p: {"ins": p.ins},
        [SEARCHED],
    ),
    (
        "Carte Vitale",
        None,
        "post",
        lambda p: reverse("patients:vitale_card", args=[p.card.pk]),
        lambda p: {"patient": str(p.code)},
        [SEARCHED],
    ),
    (
        "declare consent",
        None,
        "post",
        lambda p: reverse("patients:authorization", args=[p.code]),
        lambda p: {"declaration": "consent"},
        [DECLARED],
    ),
    (
        "declare emergency",
        None,
        "post",
        lambda p: reverse("patients:authorization", args=[p.code]),
        lambda p: {"declaration": "emergency", "reason": "Urgence vitale"},
        [EMERGENCY],
    ),
    ("authorization page", None, "get", lambda p: reverse("patients:authorization", args=[p.code]), None, []),
    (
        "open, first time",
        "declared",
        "get",
        lambda p: reverse("patients:open", args=[p.code]),
        None,
        [OPENED],
    ),
    ("open, same visit", "opened", "get", lambda p: reverse("patients:open", args=[p.code]), None, []),
    ("Récapitulatif", "opened", "get", lambda p: reverse("patients:summary", args=[p.code]), None, []),
    (
        "Informations Patient",
        "opened",
        "get",
        lambda p: reverse("patients:information", args=[p.code]),
        None,
        [],
    ),
    ("Gestion DMP", "opened", "get", lambda p: reverse("patients:management", args=[p.code]), None, []),
    (
        "Historique des accès",
        "opened",
        "get",
        lambda p: reverse("patients:history", args=[p.code]),
        None,
        [HISTORY],
    ),
    ("withdraw", "opened", "post", lambda p: reverse("patients:withdraw", args=[p.code]), None, [WITHDRAWN]),
    (
        "tab without authorization",
        None,
        "get",
        lambda p: reverse("patients:summary", args=[p.code]),
        None,
        [],
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "state", "method", "url", "data", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_each_view_writes_exactly_its_traces(
    alice_client, settings, name, state, method, url, data, expected
):
    settings.DMP_DEMO_MODE = True  # the virtual Carte Vitale reader exists in demo mode only
    patient = PatientFactory()
    patient.card = VitaleCardFactory(holder=patient)
    if state == "declared":
        alice_client.post(reverse("patients:authorization", args=[patient.code]), {"declaration": "consent"})
    elif state == "opened":
        _declared_and_opened(alice_client, patient)
    before = Trace.objects.count()

    response = getattr(alice_client, method)(url(patient), data(patient) if data else None)

    assert response.status_code in (200, 302), response.status_code
    new = list(Trace.objects.order_by("pk").values_list("action", flat=True)[before:])
    assert new == expected
