"""The mail lists are index ranges: "Messages reçus" walks Delivery (mailbox, -delivered_at, -id),
"Messages envoyés" Message (sender, -sent_at, -id), a conversation Message (thread, sent_at).
Printed plans (pytest -s) for SQLite and PostgreSQL (DATABASE_URL=postgres://…)."""

import pytest
from django.db import connection

from accounts.viewer import Viewer
from messaging import listing, services
from messaging.models import Delivery, Message


def _plan(queryset) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # A 30-row table is read whole; at a region's size the index is the plan: ask for it.
            cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off")
    sql, params = queryset.query.sql_with_params()
    prefix = "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN"
    with connection.cursor() as cursor:
        cursor.execute(f"{prefix} {sql}", params)
        plan = "\n".join(" ".join(str(cell) for cell in row) for row in cursor.fetchall())
    print(f"\n{connection.vendor}:\n{plan}")
    return plan


@pytest.fixture
def mail(alice, alice_box, pharmacy):
    for n in range(30):
        services.message_send(
            professional=alice,
            sender=alice_box,
            addresses=[pharmacy.address],
            draft=services.Draft(subject=f"Message {n}", body="…"),
        )


def test_the_inbox_is_read_from_its_index(mail, claire, pharmacy):
    viewer = Viewer.for_user(claire)
    page = listing.received(viewer, [pharmacy.pk], cursor=None)
    rows = Delivery.objects.filter(mailbox_id__in=[pharmacy.pk]).order_by("-delivered_at", "-pk")[:26]

    plan = _plan(rows)

    assert len(page.rows) == listing.PAGE_SIZE
    assert "messaging_delivery_inbox_idx" in plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan  # the index gives the order: no sort


def test_sent_messages_are_read_from_their_index(mail, alice_box):
    plan = _plan(Message.objects.filter(sender_id__in=[alice_box.pk]).order_by("-sent_at", "-pk")[:26])

    assert "messaging_message_sent_idx" in plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan
