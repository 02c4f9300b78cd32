"""Traces and notifications in the admin: read-only for everyone, searchable by INS and RPPS."""

import pytest
from django.db import transaction
from django.urls import reverse

from audit.models import Action, Trace
from audit.services import record
from tests.factories import PatientFactory
from tests.helpers import text


@pytest.fixture
def traces(alice):
    mine, other = PatientFactory(birth_name="Cherché"), PatientFactory(birth_name="Autre")
    with transaction.atomic():
        record(actor=alice, patient=mine, action=Action.RECORD_OPENED)
        record(actor=alice, patient=other, action=Action.HISTORY_VIEWED)
    return mine, other


@pytest.mark.django_db
def test_even_a_superuser_cannot_add_change_or_delete_a_trace(admin_client, traces):
    trace = Trace.objects.first()

    assert admin_client.get(reverse("admin:audit_trace_add")).status_code == 403
    assert (
        admin_client.post(reverse("admin:audit_trace_delete", args=[trace.pk]), {"post": "yes"}).status_code
        == 403
    )
    page = text(admin_client.get(reverse("admin:audit_trace_change", args=[trace.pk])))
    assert 'name="_save"' not in page  # a view-only page: no save button
    # Nothing removed or changed; reading the trace added the administrator's own.
    assert list(Trace.objects.order_by("pk").values_list("action", flat=True)) == [
        Action.RECORD_OPENED,
        Action.HISTORY_VIEWED,
        Action.ADMIN_HISTORY_VIEWED,
    ]


@pytest.mark.django_db
def test_traces_are_searchable_by_ins_and_rpps(admin_client, alice, traces):
    mine, _ = traces
    url = reverse("admin:audit_trace_changelist")

    by_ins = admin_client.get(url, {"q": mine.ins})
    by_rpps = admin_client.get(url, {"q": alice.rpps})

    assert [t.patient_id for t in by_ins.context["cl"].result_list] == [mine.pk]
    assert len(by_rpps.context["cl"].result_list) == 2


@pytest.mark.django_db
def test_traces_are_filterable_by_action(admin_client, traces):
    response = admin_client.get(
        reverse("admin:audit_trace_changelist"), {"action__exact": Action.HISTORY_VIEWED}
    )

    assert [t.action for t in response.context["cl"].result_list] == [Action.HISTORY_VIEWED]
