"""Writing the directory: portal professionals become entries and stay in step; the generator is
deterministic and realistic; the demo seeds a small directory."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Profession
from directory.generator import FictiveDirectory, fictive_entries_ensure
from directory.models import DirectoryEntry
from directory.search import Criteria, directory_search
from directory.services import entry_address_publish, entry_professional_sync
from tests.factories import EstablishmentFactory, PracticeFactory, ProfessionalFactory

pytestmark = pytest.mark.django_db


def test_a_portal_professional_becomes_an_entry_with_situations_and_address():
    practice = PracticeFactory(
        professional__last_name="Müller",
        professional__first_name="Élise",
        professional__mssante_address="elise.muller@ch-colmar.mssante.fr",
        establishment=EstablishmentFactory(name="Hôpital Pasteur", city="Colmar"),
    )
    professional = practice.professional

    entry = entry_professional_sync(professional=professional)

    assert entry.user == professional and entry.rpps == professional.rpps
    assert directory_search(Criteria(name="MULLER EL")).entries == [entry]
    assert directory_search(Criteria(city="COLMAR")).entries == [entry]
    assert [p.structure_name for p in entry.practices.all()] == ["Hôpital Pasteur"]
    assert [m.address for m in entry.mailboxes.all()] == ["elise.muller@ch-colmar.mssante.fr"]


def test_syncing_again_follows_the_account_and_keeps_one_entry():
    professional = ProfessionalFactory(last_name="Roth", email="", mobile="")
    entry_professional_sync(professional=professional)
    professional.last_name = "Roth-Weber"
    professional.mobile = "06 00 00 00 09"
    professional.profession = Profession.objects.get(code="60")
    professional.save()

    entry = entry_professional_sync(professional=professional)

    assert DirectoryEntry.objects.filter(rpps=professional.rpps).count() == 1
    assert entry.can_activate_ecps and entry.profession_id == "60"
    assert directory_search(Criteria(name="ROTH WEBER")).entries == [entry]


def test_an_administrator_is_not_in_the_directory(admin_user):
    with pytest.raises(ValueError, match="Seul un professionnel"):
        entry_professional_sync(professional=admin_user)


def test_an_address_is_published_once_and_must_be_mssante():
    entry = entry_professional_sync(professional=ProfessionalFactory())
    entry_address_publish(entry=entry, address="a.b@medecin.mssante.fr")
    entry_address_publish(entry=entry, address="a.b@medecin.mssante.fr")

    assert entry.mailboxes.count() == 1
    with pytest.raises(ValidationError, match=r"se termine par « \.mssante\.fr »"):
        entry_address_publish(entry=entry, address="a.b@gmail.com")


def test_the_generator_is_deterministic_french_and_skewed():
    first = list(FictiveDirectory(7).listings(0, 2000))
    again = list(FictiveDirectory(7).listings(1000, 10))

    assert first[1000:1010] == again  # entry N is the same whatever was drawn before
    names = [listing.last_name for listing in first]
    assert names.count("Martin") > 10 * names.count("Kieffer") > 0  # skew
    assert any("-" in name for name in names) and any(c in "".join(names) for c in "éèëï")
    assert len({listing.rpps for listing in first}) == 2000
    addresses = [address for listing in first for address in listing.addresses]
    assert len(set(addresses)) == len(addresses)


def test_fictive_entries_are_created_once():
    assert fictive_entries_ensure(50) == 50
    assert fictive_entries_ensure(60) == 10
    assert DirectoryEntry.objects.count() == 60
