"""messaging/services.py: sending to a professional, an organisational mailbox, a patient and
outside the portal; refusals in French with nothing written; traces in the patient's history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import Action, Notification, NotificationKind, Trace
from messaging import services
from messaging.mailboxes import personal_mailbox
from messaging.models import Attachment, Delivery, Message
from patients.ins import with_key
from patients.models import DMPStatus
from tests.factories import DocumentFactory, PatientFactory
from tests.messaging.conftest import accepted_pdf


def send(alice, sender, to, **draft):
    draft.setdefault("subject", "Traitement de M. Holtz")
    draft.setdefault("body", "Bonjour,\nvoici l'ordonnance.")
    return services.message_send(
        professional=alice, sender=sender, addresses=to, draft=services.Draft(**draft)
    )


def test_a_professional_s_address_is_derived_once_ascii_folded_and_stored(db, bruno):
    mailbox = personal_mailbox(bruno)

    establishment = bruno.practices.get().establishment
    assert mailbox.address.startswith("bruno.leger@")
    assert mailbox.address.endswith(".mssante.fr")
    bruno.refresh_from_db()
    assert bruno.mssante_address == mailbox.address
    establishment.name = "Autre nom"
    establishment.save()
    assert personal_mailbox(bruno).address == mailbox.address  # stable


def test_a_namesake_gets_a_numeric_suffix(db, bruno):
    from tests.factories import PhysicianFactory, PracticeFactory

    namesake = PracticeFactory(
        professional=PhysicianFactory(first_name="Bruno", last_name="Leger"),
        establishment=bruno.practices.get().establishment,
    ).professional

    first, second = personal_mailbox(bruno), personal_mailbox(namesake)

    assert second.address == first.address.replace("bruno.leger@", "bruno.leger2@")


def test_a_message_to_a_professional_is_delivered_in_the_portal(alice, alice_box, bruno):
    message = send(alice, alice_box, [personal_mailbox(bruno).address])

    [delivery] = Delivery.objects.filter(message=message)
    assert delivery.mailbox.owner == bruno
    assert message.thread_id == message.pk


def test_a_message_reaches_a_professional_by_their_directory_address(alice, alice_box, bruno):
    bruno.mssante_address = "bruno.leger@medecin.mssante.fr"
    bruno.save()

    message = send(alice, alice_box, ["Bruno.Leger@medecin.mssante.fr"])

    assert message.deliveries.get().mailbox.owner == bruno


def test_a_message_to_an_organisational_mailbox_is_shared_by_its_members(alice, alice_box, pharmacy):
    message = send(alice, alice_box, [pharmacy.address])

    assert message.deliveries.get().mailbox == pharmacy
    assert Trace.objects.filter(action=Action.SECURE_MESSAGE_SENT).count() == 0  # no patient concerned


def test_a_message_to_a_patient_is_delivered_and_traced_in_their_history(alice, alice_box, patient):
    message = send(alice, alice_box, [f"{patient.ins}@patient.mssante.fr"], files=(accepted_pdf(),))

    assert message.deliveries.get().mailbox.patient == patient
    [trace] = Trace.objects.filter(patient=patient, action=Action.SECURE_MESSAGE_SENT)
    assert trace.actor == alice
    assert trace.sentence == "a envoyé un message sécurisé au patient"
    assert message.attachments.get().original_filename == "ordonnance.pdf"


@pytest.mark.parametrize(
    ("local", "message"),
    [
        ("wrong_key", "La clé du matricule INS"),
        ("unknown", "Aucun patient accessible"),
        ("12345", "ne commence pas par un matricule INS"),
    ],
)
def test_a_wrong_or_unknown_ins_is_refused_in_french_and_nothing_is_sent(
    alice, alice_box, patient, local, message
):
    ins = {
        "wrong_key": patient.ins[:13] + f"{(int(patient.ins[13:]) + 1) % 97:02d}",
        "unknown": with_key("2990175123456"),
        "12345": "12345",
    }[local]

    with pytest.raises(ValidationError, match=message):
        send(alice, alice_box, [f"{ins}@patient.mssante.fr"])

    assert not Message.objects.exists()
    assert not Trace.objects.filter(action=Action.SECURE_MESSAGE_SENT).exists()


def test_a_patient_out_of_scope_is_unknown(alice, alice_box):
    sandboxed = PatientFactory()
    from patients.models import Sandbox
    from tests.factories import ProfessionalFactory

    sandboxed.sandbox = Sandbox.objects.create(trainee=ProfessionalFactory(), label="Atelier")
    sandboxed.save()

    with pytest.raises(ValidationError, match="Aucun patient accessible"):
        send(alice, alice_box, [f"{sandboxed.ins}@patient.mssante.fr"])


def test_a_closed_space_is_refused(alice, alice_box, patient):
    import datetime

    patient.dmp_status, patient.closed_on = DMPStatus.CLOSED, datetime.date(2025, 1, 6)
    patient.save()

    with pytest.raises(ValidationError, match="est fermé"):
        send(alice, alice_box, [f"{patient.ins}@patient.mssante.fr"])


def test_an_address_outside_the_trust_space_is_refused(alice, alice_box):
    with pytest.raises(ValidationError, match="espace de confiance MSSanté"):
        send(alice, alice_box, ["quelqu.un@gmail.com"])


def test_an_unknown_address_of_a_portal_domain_is_refused(alice, alice_box, pharmacy):
    with pytest.raises(ValidationError, match="inconnue de l'annuaire"):
        send(alice, alice_box, ["inconnu@chru-nancy.mssante.fr"])


def test_another_operator_s_address_is_relayed_through_the_outbox(
    alice, alice_box, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = send(alice, alice_box, ["dr.who@hopital-ailleurs.mssante.fr"], files=(accepted_pdf(),))

    assert message.relayed_to == ["dr.who@hopital-ailleurs.mssante.fr"]
    [relay] = Notification.objects.filter(kind=NotificationKind.SECURE_MESSAGE)
    assert relay.sent_at is not None
    [email] = mailoutbox
    assert email.to == ["dr.who@hopital-ailleurs.mssante.fr"]
    assert email.attachments[0][0] == "ordonnance.pdf"


def test_nobody_writes_from_a_mailbox_they_do_not_read(alice, bruno, pharmacy):
    with pytest.raises(PermissionDenied):
        send(alice, personal_mailbox(bruno), [pharmacy.address])
    with pytest.raises(PermissionDenied):
        send(alice, pharmacy, [personal_mailbox(bruno).address])


def test_a_member_writes_from_the_organisational_mailbox(claire, pharmacy, bruno):
    message = send(claire, pharmacy, [personal_mailbox(bruno).address])

    assert message.sender == pharmacy and message.author == claire


def test_a_document_hidden_from_the_patient_cannot_be_sent_to_them(alice, alice_box, patient):
    hidden = DocumentFactory(patient=patient, announcement=True, title="Résultats à annoncer")
    shown = DocumentFactory(patient=patient, title="Ordonnance")
    address = f"{patient.ins}@patient.mssante.fr"

    with pytest.raises(ValidationError, match="n'est pas visible par le patient"):
        send(alice, alice_box, [address], documents=(hidden,))
    assert not Message.objects.exists()

    message = send(alice, alice_box, [address], documents=(shown,))
    attachment = message.attachments.get()
    assert attachment.document == shown
    [trace] = Trace.objects.filter(patient=patient, action=Action.DOCUMENT_SENT_BY_MESSAGE)
    assert trace.document_code == shown.code


def test_a_document_the_sender_does_not_see_cannot_be_attached(alice, alice_box, bruno):
    foreign = DocumentFactory(patient=PatientFactory())

    with pytest.raises(PermissionDenied):
        send(alice, alice_box, [personal_mailbox(bruno).address], documents=(foreign,))
    assert not Attachment.objects.exists()


def test_a_failed_send_leaves_no_stored_file(alice, alice_box, settings, monkeypatch):
    from pathlib import Path

    def broken(**kwargs):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(services, "enqueue_relay", broken)
    with pytest.raises(RuntimeError):
        send(alice, alice_box, ["dr.who@ailleurs.mssante.fr"], files=(accepted_pdf(),))

    root = Path(settings.MEDIA_ROOT)
    assert not [p for p in root.rglob("*") if p.is_file()] if root.exists() else True
    assert not Message.objects.exists()
