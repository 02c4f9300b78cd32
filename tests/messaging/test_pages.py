"""The Messagerie pages as their readers see them: who reads what (404 for everyone else, by URL
or by a guessed code), read/unread per reader, search, keyset pages and constant query counts."""

import uuid

import pytest
from django.urls import reverse

from messaging import services
from messaging.listing import PAGE_SIZE
from messaging.mailboxes import personal_mailbox
from messaging.models import Message
from tests.helpers import text
from tests.messaging.conftest import accepted_pdf, client_of, pdf


def send(author, sender, to, subject="Traitement de M. Holtz", body="Bonjour", **draft):
    return services.message_send(
        professional=author,
        sender=sender,
        addresses=to,
        draft=services.Draft(subject=subject, body=body, **draft),
    )


@pytest.fixture
def to_pharmacy(alice, alice_box, pharmacy):
    return send(
        alice, alice_box, [pharmacy.address], subject="Rupture d'amoxicilline", files=(accepted_pdf(),)
    )


def test_a_member_of_the_organisational_mailbox_reads_the_message_and_its_attachment(to_pharmacy, claire):
    client = client_of(claire)

    inbox = text(client.get(reverse("messaging:inbox")))
    assert "Rupture d'amoxicilline" in inbox and "Non lu" in inbox
    page = client.get(reverse("messaging:message", args=[to_pharmacy.code]))
    assert "Rupture d'amoxicilline" in text(page)
    attachment = to_pharmacy.attachments.get()
    served = client.get(reverse("messaging:attachment", args=[attachment.code]))
    assert served.status_code == 200
    assert b"".join(served.streaming_content).startswith(b"%PDF-")
    assert served["Content-Security-Policy"] == "sandbox"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in served["Cache-Control"]
    assert served["Content-Disposition"] == 'inline; filename="ordonnance.pdf"'


def test_read_is_per_reader(to_pharmacy, claire, denis):
    client_of(claire).get(reverse("messaging:message", args=[to_pharmacy.code]))

    assert "Non lu" not in text(client_of(claire).get(reverse("messaging:inbox")))
    assert "Non lu" in text(client_of(denis).get(reverse("messaging:inbox")))


def test_marking_unread_brings_the_badge_back(to_pharmacy, claire):
    client = client_of(claire)
    client.get(reverse("messaging:message", args=[to_pharmacy.code]))

    client.post(reverse("messaging:mark_unread", args=[to_pharmacy.code]))

    assert "Non lu" in text(client.get(reverse("messaging:inbox")))


def test_nobody_else_reads_the_message_or_downloads_its_attachment(to_pharmacy, outsider, bruno):
    attachment = to_pharmacy.attachments.get()
    for user in (outsider, bruno):
        client = client_of(user)
        assert "Rupture" not in text(client.get(reverse("messaging:inbox")))
        for name, code in (
            ("messaging:message", to_pharmacy.code),
            ("messaging:reply", to_pharmacy.code),
            ("messaging:attachment", attachment.code),
            ("messaging:attachment_file", attachment.code),
        ):
            assert client.get(reverse(name, args=[code])).status_code == 404
        assert client.post(reverse("messaging:mark_unread", args=[to_pharmacy.code])).status_code == 404


def test_a_guessed_code_is_a_404(alice_client):
    for name in ("messaging:message", "messaging:attachment"):
        assert alice_client.get(reverse(name, args=[uuid.uuid4()])).status_code == 404


def test_the_sender_sees_it_in_sent_messages(to_pharmacy, alice_client):
    sent = text(alice_client.get(reverse("messaging:sent")))
    assert "Rupture d'amoxicilline" in sent and "Pharmacie — CHRU de Nancy" in sent


def test_the_body_is_plain_text_escaped(alice, alice_box, pharmacy, claire):
    message = send(alice, alice_box, [pharmacy.address], body="<script>alert(1)</script>\nligne 2")

    page = client_of(claire).get(reverse("messaging:message", args=[message.code])).content.decode()

    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_search_finds_one_s_own_mail_only(alice, alice_box, pharmacy, claire, bruno):
    send(alice, alice_box, [pharmacy.address], subject="Stock de vaccins")
    send(alice, alice_box, [pharmacy.address], subject="Autre sujet")
    send(alice, alice_box, [personal_mailbox(bruno).address], subject="Vaccins de Bruno")

    found = text(client_of(claire).get(reverse("messaging:inbox"), {"q": "vaccins"}))

    assert "Stock de vaccins" in found
    assert "Autre sujet" not in found and "Vaccins de Bruno" not in found


def test_pages_follow_the_last_message_seen(alice, alice_box, pharmacy, claire):
    for n in range(PAGE_SIZE + 2):
        send(alice, alice_box, [pharmacy.address], subject=f"Message numéro {n:02d}")
    client = client_of(claire)

    first = client.get(reverse("messaging:inbox"))
    cursor = first.context["page"].next_cursor
    second = text(client.get(reverse("messaging:inbox"), {"apres": str(cursor)}))

    assert "Message numéro 26" in text(first) and "Message numéro 01" not in text(first)
    assert "Message numéro 01" in second and "Message numéro 00" in second and "numéro 26" not in second
    assert client.get(reverse("messaging:inbox"), {"apres": "n'importe-quoi"}).status_code == 200


def test_compose_sends_and_shows_the_conversation(alice_client, pharmacy):
    response = alice_client.post(
        reverse("messaging:compose"),
        {"recipients": pharmacy.address, "subject": "Question", "body": "Bonjour", "attachments": [pdf()]},
    )

    message = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("messaging:message", args=[message.code])
    assert message.attachments.count() == 1


def test_compose_shows_a_refusal_in_french_and_sends_nothing(alice_client, patient):
    wrong = patient.ins[:13] + f"{(int(patient.ins[13:]) + 1) % 97:02d}"
    response = alice_client.post(
        reverse("messaging:compose"),
        {"recipients": f"{wrong}@patient.mssante.fr", "subject": "Question", "body": "Bonjour"},
    )

    assert response.status_code == 200
    assert "La clé du matricule INS" in text(response)
    assert not Message.objects.exists()


def test_a_reply_stays_in_the_conversation(to_pharmacy, claire, alice):
    client_of(claire).post(
        reverse("messaging:reply", args=[to_pharmacy.code]),
        {"recipients": personal_mailbox(alice).address, "subject": "RE : Rupture", "body": "Reçu"},
    )

    reply = Message.objects.exclude(pk=to_pharmacy.pk).get()
    assert reply.thread_id == to_pharmacy.pk and reply.in_reply_to == to_pharmacy


def test_inbox_and_conversation_cost_the_same_queries_whatever_their_length(
    alice, alice_box, pharmacy, claire, django_assert_max_num_queries
):
    client = client_of(claire)

    def counted(url) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    first = send(alice, alice_box, [pharmacy.address], files=(accepted_pdf(),))
    counted(reverse("messaging:inbox"))  # the first visit makes the personal mailbox
    inbox_small = counted(reverse("messaging:inbox"))
    thread_small = counted(reverse("messaging:message", args=[first.code]))
    for _ in range(8):
        services.message_send(
            professional=alice,
            sender=alice_box,
            addresses=[pharmacy.address],
            draft=services.Draft(subject="Suite", body="…", files=(accepted_pdf(),)),
            in_reply_to=first,
        )
    assert counted(reverse("messaging:inbox")) == inbox_small
    assert counted(reverse("messaging:message", args=[first.code])) == thread_small


def test_a_dmp_document_is_attached_from_its_page_and_refused_to_the_patient_when_hidden(
    alice_client, patient
):
    from tests.factories import DocumentFactory

    hidden = DocumentFactory(patient=patient, announcement=True, title="Résultats à annoncer")
    compose = text(alice_client.get(reverse("messaging:compose"), {"document": str(hidden.code)}))
    assert "Résultats à annoncer" in compose

    response = alice_client.post(
        reverse("messaging:compose"),
        {
            "recipients": f"{patient.ins}@patient.mssante.fr",
            "subject": "Résultats",
            "body": "…",
            "document": str(hidden.code),
        },
    )

    assert "n'est pas visible par le patient" in text(response)
    assert not Message.objects.exists()


def test_search_is_bounded_to_the_most_recent_messages(alice, alice_box, pharmacy, claire, monkeypatch):
    from messaging import listing

    monkeypatch.setattr(listing, "SEARCH_WINDOW", 2)
    send(alice, alice_box, [pharmacy.address], subject="Ancien courrier")
    send(alice, alice_box, [pharmacy.address], subject="Courrier récent")
    send(alice, alice_box, [pharmacy.address], subject="Dernier courrier")
    client = client_of(claire)

    found = text(client.get(reverse("messaging:inbox"), {"q": "courrier"}))

    assert "Courrier récent" in found and "Dernier courrier" in found
    assert "Ancien courrier" not in found  # beyond the window: found by scrolling, not searching


def test_the_inbox_merges_one_s_own_and_shared_mailboxes_newest_first(alice, alice_box, pharmacy, claire):
    send(alice, alice_box, [pharmacy.address], subject="Premier, à la pharmacie")
    send(alice, alice_box, [personal_mailbox(claire).address], subject="Deuxième, à Claire")
    send(alice, alice_box, [pharmacy.address], subject="Troisième, à la pharmacie")

    page = client_of(claire).get(reverse("messaging:inbox")).context["page"]

    assert [d.message.subject for d in page.rows] == [
        "Troisième, à la pharmacie",
        "Deuxième, à Claire",
        "Premier, à la pharmacie",
    ]
