"""Documents in the admin: the matrix editable with its notice, types' rubriques editable,
documents read-only and never linked to their file."""

import pytest
from django.urls import reverse

from documents.models import DocumentType
from tests.factories import DocumentFactory, PatientFactory
from tests.helpers import text

pytestmark = pytest.mark.django_db


def test_the_matrix_says_plainly_it_is_a_default(admin_client):
    body = text(admin_client.get(reverse("admin:documents_habilitationrule_changelist")))

    assert "La grille officielle (annexe de l'arrêté du 26 octobre 2023) n'est pas publiée" in body
    assert "import_habilitations" in body


def test_the_matrix_filters_by_profession_and_rubrique_and_searches_type_labels(admin_client):
    url = reverse("admin:documents_habilitationrule_changelist")

    body = text(
        admin_client.get(
            url,
            {"profession__code__exact": "39", "document_type__rubrique__code__exact": "traitements_soins"},
        )
    )
    assert "Dispensation médicamenteuse" in body
    assert "CR d'imagerie médicale" not in body

    body = text(admin_client.get(url, {"q": "pré-anesthésique", "profession__code__exact": "21"}))
    assert "CR de consultation pré-anesthésique" in body
    assert "Dispensation médicamenteuse" not in body


def test_a_types_rubrique_is_editable_its_class_is_not(admin_client):
    document_type = DocumentType.objects.get(code="56445-0")
    body = text(admin_client.get(reverse("admin:documents_documenttype_change", args=[document_type.pk])))

    assert 'name="rubrique"' in body
    assert 'name="class_code"' not in body


def test_documents_are_read_only_and_their_file_is_not_linked(admin_client):
    document = DocumentFactory(patient=PatientFactory(), title="CR confidentiel")

    changelist = text(
        admin_client.get(reverse("admin:documents_document_changelist"), {"q": document.patient.ins})
    )
    page = admin_client.get(reverse("admin:documents_document_change", args=[document.pk]))

    assert str(document.code) in changelist
    assert "CR confidentiel" not in changelist  # titles only on the (traced) detail page
    assert page.status_code == 200
    assert "CR confidentiel" in text(page)
    assert 'name="title"' not in text(page)
    assert "/media/" not in text(page)
    assert admin_client.get(reverse("admin:documents_document_add")).status_code == 403


@pytest.mark.parametrize(
    "name",
    [
        "classcode",
        "confidentialitycode",
        "mescategory",
        "rubrique",
        "documenttype",
        "habilitationrule",
        "vaccination",
    ],
)
def test_every_list_opens(admin_client, name):
    assert admin_client.get(reverse(f"admin:documents_{name}_changelist")).status_code == 200
