"""Big records built in bulk for the scale tests: traces appended to a patient's chain (valid
links and seals are not needed by the pages, which never check them; the append-only triggers
allow inserts) and documents by many authors."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from audit.models import Action, ChainHead, Trace
from audit.services import chain_for
from documents.models import Document
from tests.factories import DocumentFactory, DocumentTypeFactory

ACTIONS = [Action.DOCUMENT_VIEWED, Action.RECORD_OPENED, Action.HISTORY_VIEWED, Action.DOCUMENT_DOWNLOADED]


def append_traces(patient, actors: list, count: int) -> None:
    """`count` older traces at the start of `patient`'s chain (before any trace the test writes
    later, which record() appends after the head): every tenth by actors[0], the others by the
    other actors in turn."""
    chain = chain_for(patient=patient, actor=None)
    start = timezone.now() - timedelta(days=3650)
    with transaction.atomic():
        head, _ = ChainHead.objects.get_or_create(chain=chain, defaults={"seq": 0, "hash": "0" * 64})
        first = head.seq + 1
        Trace.objects.bulk_create(
            [
                Trace(
                    chain=chain,
                    seq=seq,
                    prev_hash="0" * 64,
                    hash=f"{seq:064x}",
                    key_id="test",
                    created_at=start + timedelta(minutes=seq),
                    actor=actors[0] if seq % 10 == 0 else actors[1 + seq % (len(actors) - 1)],
                    actor_label="Professionnel",
                    patient=patient,
                    action=ACTIONS[seq % len(ACTIONS)],
                )
                for seq in range(first, first + count)
            ],
            batch_size=2000,
        )
        head.seq, head.hash = first + count - 1, f"{first + count - 1:064x}"
        head.save()


def add_documents(patient, authors: list, count: int, *, type_codes=("11488-4", "18748-4")) -> None:
    """`count` documents over 25 years, by `authors` in turn, newest added first."""
    types = [DocumentTypeFactory(code=code) for code in type_codes]
    now = timezone.now()
    Document.objects.bulk_create(
        [
            DocumentFactory.build(
                patient=patient,
                author=authors[i % len(authors)],
                added_by=authors[i % len(authors)],
                author_label=f"Auteur {i % len(authors)}",
                document_type=types[i % len(types)],
                document_date=date(2000 + i % 25, 1 + i % 12, 1 + i % 28),
                added_at=now - timedelta(hours=i + 1),
            )
            for i in range(count)
        ],
        batch_size=1000,
    )
