"""A professional's new MSSanté address reaches their Annuaire santé entry, where colleagues find it."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from directory.services import entry_professional_sync
from messaging.mailboxes import personal_mailbox
from tests.helpers import text

from .conftest import client_of

pytestmark = pytest.mark.django_db


def test_a_personal_mailbox_is_published_in_the_directory_entry(bruno, claire):
    entry = entry_professional_sync(professional=claire)
    assert not entry.mailboxes.exists()  # listed before the portal gave her an address

    mailbox = personal_mailbox(claire)

    assert list(entry.mailboxes.values_list("address", flat=True)) == [mailbox.address]
    page = text(client_of(bruno).get(reverse("directory:search"), {"name": claire.last_name}))
    assert mailbox.address in page
    assert f"{reverse('messaging:compose')}?a={quote(mailbox.address)}" in page


def test_a_professional_without_an_entry_still_gets_a_mailbox(claire):
    assert personal_mailbox(claire).address.endswith(".mssante.fr")
