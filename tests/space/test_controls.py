"""The patient's controls and their effect on the professional's side: masking documents,
blocking a professional; both traced in the patient's history in words the patient understands."""

import datetime

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, Trace
from audit.services import record
from documents.models import Document
from patients.models import Authorization, Block
from tests.factories import (
    AuthorizationFactory,
    CareStayFactory,
    CPSCardFactory,
    DocumentFactory,
    PhysicianFactory,
)
from tests.helpers import link_to, login_patient, login_verified, text
from tests.scale.records import append_traces


@pytest.fixture
def in_care(patient, alice):
    """Alice (pharmacist) is in the care team: she reads consultation reports."""
    CareStayFactory(patient=patient, establishment=alice.practices.get().establishment)
    return patient


def _alice_list(alice_client, patient) -> str:
    return alice_client.get(reverse("documents:list", args=[patient.code])).content.decode()


def test_a_masked_document_disappears_for_a_professional_but_not_for_its_author(
    in_care, document, physician, alice, alice_client, patient_client
):
    assert document.title in _alice_list(alice_client, in_care)
    patient_client.post(reverse("space:mask"), {"documents": [str(document.code)], "action": "masquer"})
    assert document.title not in _alice_list(alice_client, in_care)
    consult = reverse("documents:consult", args=[in_care.code, document.code])
    assert alice_client.get(consult).status_code == 404
    assert Document.objects.visible_to(physician, in_care).filter(pk=document.pk).exists()  # the author
    mine = patient_client.get(reverse("space:documents")).content.decode()
    assert document.title in mine and "Masqué aux professionnels" in mine


def test_a_document_the_patient_masked_is_gone_from_every_professional_page_but_the_attending_physicians(
    in_care, document, physician, alice, alice_client, patient_client
):
    """Lists, counts, the grid, history titles, detail and download: Alice (care team, matrix lets
    her read it) loses it all; the médecin traitant DMP keeps it."""
    attending = PhysicianFactory(first_name="Jean", last_name="Traitant")
    in_care.dmp_attending_physicians.add(attending)
    attending_client = login_verified(
        Client(), attending, CPSCardFactory(user=attending, number="2799999999")
    )
    with transaction.atomic():
        record(actor=physician, patient=in_care, document=document, action=Action.DOCUMENT_VIEWED)
    pages = {
        "summary": reverse("patients:summary", args=[in_care.code]),
        "grid": reverse("documents:grid", args=[in_care.code]),
        "history": reverse("patients:history", args=[in_care.code]),
    }
    summary = text(alice_client.get(pages["summary"]))
    assert "Tous les documents (1)" in summary and document.title in summary
    patient_client.post(reverse("space:mask"), {"documents": [str(document.code)], "action": "masquer"})
    summary = text(alice_client.get(pages["summary"]))
    assert "Tous les documents (0)" in summary and document.title not in summary
    assert document.title not in text(alice_client.get(pages["grid"]))
    history = text(alice_client.get(pages["history"]))
    assert "a consulté un document" in history and document.title not in history
    for name in ("documents:detail", "documents:consult", "documents:download"):
        assert alice_client.get(reverse(name, args=[in_care.code, document.code])).status_code == 404
    assert document.title in text(attending_client.get(pages["summary"]))
    assert (
        attending_client.get(reverse("documents:download", args=[in_care.code, document.code])).status_code
        == 200
    )


def test_masking_all_then_unmasking_all(in_care, physician, alice, alice_client, patient_client):
    titles = [DocumentFactory(patient=in_care, author=physician).title for _ in range(3)]
    patient_client.post(reverse("space:mask"), {"tous": "1", "action": "masquer"})
    page = _alice_list(alice_client, in_care)
    assert not any(title in page for title in titles)
    assert Trace.objects.filter(patient=in_care, action=Action.DOCUMENT_MASKED, actor=None).count() == 3
    patient_client.post(reverse("space:mask"), {"tous": "1", "action": "demasquer"})
    page = _alice_list(alice_client, in_care)
    assert all(title in page for title in titles)


def test_masking_nothing_says_so(patient_client, document):
    response = patient_client.post(reverse("space:mask"), {"action": "masquer"}, follow=True)
    assert "Sélectionnez au moins un document." in response.content.decode()
    document.refresh_from_db()
    assert not document.masked_to_professionals


def test_a_blocked_professional_is_refused_at_the_next_request_despite_consent(
    patient, physician, patient_client
):
    client = login_verified(Client(), physician, _card(physician))
    summary = reverse("patients:summary", args=[patient.code])
    assert client.get(summary).status_code == 200
    patient_client.post(reverse("space:block"), {"rpps": physician.rpps})
    refused = client.get(summary)
    assert refused.status_code == 403
    assert "Le patient a bloqué votre accès à son DMP." in refused.content.decode()


def test_a_blocked_professional_is_refused_even_in_emergency(patient, patient_client):
    rescuer = PhysicianFactory()
    AuthorizationFactory(patient=patient, professional=rescuer, emergency=True)
    client = login_verified(Client(), rescuer, _card(rescuer))
    summary = reverse("patients:summary", args=[patient.code])
    assert client.get(summary).status_code == 200
    patient_client.post(reverse("space:block"), {"rpps": rescuer.rpps})
    assert client.get(summary).status_code == 403


def test_unblocking_does_not_restore_an_expired_consent(patient, physician, patient_client):
    patient_client.post(reverse("space:block"), {"rpps": physician.rpps})
    Authorization.objects.filter(professional=physician).update(
        declared_at=timezone.now() - datetime.timedelta(days=400)
    )
    block = Block.objects.get(patient=patient, professional=physician)
    patient_client.post(reverse("space:unblock", args=[block.pk]))
    assert not Block.objects.filter(pk=block.pk).exists()
    client = login_verified(Client(), physician, _card(physician))
    response = client.get(reverse("patients:summary", args=[patient.code]))
    assert response.status_code == 302 and response.url == reverse(
        "patients:authorization", args=[patient.code]
    )


def test_a_professional_unknown_to_the_patient_cannot_be_blocked_from_the_space(patient, patient_client):
    stranger = PhysicianFactory()
    response = patient_client.post(reverse("space:block"), {"rpps": stranger.rpps}, follow=True)
    assert "ne figure pas parmi vos professionnels autorisés" in response.content.decode()
    assert not Block.objects.exists()


def test_another_patients_block_cannot_be_lifted(patient_client, other):
    theirs = Block.objects.create(patient=other, professional=PhysicianFactory())
    assert patient_client.post(reverse("space:unblock", args=[theirs.pk])).status_code == 404
    assert Block.objects.filter(pk=theirs.pk).exists()


def test_the_professionals_page_lists_authorised_and_blocked(patient, physician, patient_client):
    page = patient_client.get(reverse("space:professionals")).content.decode()
    assert "Autorisé(s)" in page and physician.display_name in page
    patient_client.post(reverse("space:block"), {"rpps": physician.rpps})
    page = patient_client.get(reverse("space:professionals")).content.decode()
    blocked = page.split("Bloqué(s)")[1]
    assert physician.display_name in blocked


def test_the_history_shows_the_patients_actions_and_the_professionals_opening(
    patient, physician, document, patient_client
):
    client = login_verified(Client(), physician, _card(physician))
    client.get(reverse("patients:summary", args=[patient.code]))
    patient_client.post(reverse("space:mask"), {"documents": [str(document.code)], "action": "masquer"})
    patient_client.post(reverse("space:block"), {"rpps": physician.rpps})
    professionals = patient_client.get(reverse("space:history")).content.decode()
    assert "a ouvert le DMP" in professionals and physician.display_name in professionals
    mine = patient_client.get(reverse("space:history") + "?vue=mes-activites").content.decode()
    assert "Vous avez masqué le document « Compte rendu cardiologie »" in mine
    assert "Vous avez bloqué l&#x27;accès d&#x27;un professionnel au DMP" in mine
    assert Trace.objects.filter(patient=patient, action=Action.HISTORY_VIEWED, actor=None).count() == 2


def test_the_history_never_shows_a_title_the_patient_may_not_see_yet(patient, physician, patient_client):
    hidden = DocumentFactory(
        patient=patient, author=physician, title="Résultat à annoncer", announcement=True
    )
    with transaction.atomic():
        record(actor=physician, patient=patient, document=hidden, action=Action.DOCUMENT_ADDED)
    page = patient_client.get(reverse("space:history")).content.decode()
    assert "a ajouté un document" in page  # the same untitled sentence as the professionals read
    assert "Résultat à annoncer" not in page


def test_the_notifications_received_are_shown_in_the_space(patient, physician, patient_client):
    client = login_verified(Client(), physician, _card(physician))
    client.get(reverse("patients:summary", args=[patient.code]))
    page = text(patient_client.get(reverse("space:notifications")))
    assert "Un professionnel de santé a consulté votre profil Mon espace santé" in page
    assert "Un professionnel de santé a consulté pour la première fois votre profil" in page


def _card(user):
    return user.cpscard_set.first() or CPSCardFactory(user=user)


def test_a_legal_representatives_action_reads_as_such(mother, minor):
    document = DocumentFactory(patient=minor)
    client = login_patient(Client(), mother, record=minor)
    client.post(reverse("space:mask"), {"documents": [str(document.code)], "action": "masquer"})
    trace = Trace.objects.get(patient=minor, action=Action.DOCUMENT_MASKED)
    assert trace.actor_label.endswith("(représentant légal)")


def test_the_history_pages_follow_by_keyset_as_the_professionals_do(patient, physician, patient_client):
    """Older actions behind "Actions plus anciennes", on the same keyset pages as the professional's
    history (dmp_portal/paging.py): no OFFSET, whose cost grows with the page number."""
    append_traces(patient, [physician, PhysicianFactory()], 45)
    first = patient_client.get(reverse("space:history"))
    older = link_to(first, "Actions plus anciennes")

    with CaptureQueriesContext(connection) as queries:
        second = patient_client.get(reverse("space:history") + older)

    assert len(first.context["rows"]) == len(second.context["rows"]) == 20
    assert {row.trace.pk for row in first.context["rows"]}.isdisjoint(
        row.trace.pk for row in second.context["rows"]
    )
    assert max(row.trace.created_at for row in second.context["rows"]) < min(
        row.trace.created_at for row in first.context["rows"]
    )
    assert "Actions plus récentes" in text(second)
    assert not [query["sql"] for query in queries if "OFFSET" in query["sql"]]
