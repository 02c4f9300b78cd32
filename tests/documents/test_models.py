"""Document invariants: each a named database constraint, with a readable clean() message."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from documents.models import Document, DocumentSource, DocumentStatus, HabilitationRule, add_months
from tests.factories import DocumentFactory, DocumentTypeFactory, PatientFactory, PhysicianFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 12, 15), 1, date(2025, 1, 15)),
        (date(2024, 3, 31), -24, date(2022, 3, 31)),
        (date(2024, 2, 29), -24, date(2022, 2, 28)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"status": "perdu"}, "documents_document_status_valid"),
        ({"source": "inconnu", "author": None}, "documents_document_source_valid"),
        ({"source": DocumentSource.HEALTH_INSURANCE}, "documents_document_author_matches_source"),
        ({"text": ""}, "documents_document_file_or_text"),
        ({"file": "documents/ab/abc"}, "documents_document_file_or_text"),
        ({"sha256": "ABC"}, "documents_document_sha256_hex"),
        ({"size": 0}, "documents_document_not_empty"),
        ({"comment": "x" * 1001}, "documents_document_comment_max_1000"),
        (
            {"event_start": date(2024, 3, 5), "event_end": date(2024, 3, 1)},
            "documents_document_event_start_before_end",
        ),
        ({"event_start": date(2024, 3, 5)}, "documents_document_event_start_before_end"),
        ({"hidden_from_patient": True}, "documents_document_hidden_from_patient_dates"),
        ({"visible_to_patient_on": date(2024, 3, 5)}, "documents_document_hidden_from_patient_dates"),
    ],
)
def test_the_database_refuses_a_broken_document(fields, constraint):
    document = DocumentFactory.build(
        **{"patient": PatientFactory(), "document_type": DocumentTypeFactory(), "author": PhysicianFactory()}
        | fields
    )
    document.added_by = document.author

    # bulk_create bypasses clean(): the database alone decides. PostgreSQL refuses an over-long
    # comment by its varchar(1000) already; SQLite needs the constraint.
    with pytest.raises((IntegrityError, DataError)) as raised, transaction.atomic():
        Document.objects.bulk_create([document])

    if isinstance(raised.value, DataError):
        assert "comment" in fields
    else:
        assert constraint in str(raised.value)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"event_start": date(2024, 3, 5), "event_end": date(2024, 3, 1)},
            "event_end",
            "ne peut pas précéder",
        ),
        ({"event_end": date(2024, 3, 1)}, "event_end", "date de début et la date de fin"),
        ({"text": ""}, "text", "l'un ou l'autre"),
        ({"source": DocumentSource.PATIENT}, "author", "indique son auteur"),
    ],
)
def test_clean_explains_in_french(fields, field, message):
    document = DocumentFactory(status=DocumentStatus.ACTIVE)
    for name, value in fields.items():
        setattr(document, name, value)

    with pytest.raises(ValidationError) as raised:
        document.full_clean()

    assert message in " ".join(raised.value.message_dict[field])


def test_the_announcement_dates_follow_the_rule():
    document = DocumentFactory()

    document.start_announcement(date(2024, 1, 31))

    assert document.patient_informed_on == date(2024, 2, 14)
    assert document.visible_to_patient_on == date(2024, 2, 29)
    assert document.is_hidden_from_patient_on(date(2024, 2, 28))
    assert not document.is_hidden_from_patient_on(date(2024, 2, 29))
    document.full_clean()
    document.save()


def test_a_document_reads_as_its_title_and_codes():
    document = DocumentFactory(title="CR hospitalier", masked_to_professionals=True)

    assert str(document) == "CR hospitalier"
    assert document.confidentiality_codes == ["N", "MASQUE_PS"]
    assert document.is_text and not document.is_archived and not document.is_deleted


def test_reference_rules_explain_themselves_in_the_admin():
    document_type = DocumentTypeFactory(code="FEUILLE-DE-STYLE")
    document_type.selectable = True
    rule = HabilitationRule(
        profession_id="21", specialty="Officine", document_type=DocumentTypeFactory(), may_read=True
    )

    with pytest.raises(ValidationError, match="doit être rangé dans une rubrique"):
        document_type.full_clean()
    with pytest.raises(ValidationError, match="admise que pour les médecins"):
        rule.full_clean()
