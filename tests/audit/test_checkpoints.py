"""Signed checkpoints of every chain head, outside the database: written by checkpoint_traces,
read back by verify_traces, which names any checkpoint edited, truncated, removed or stale."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError
from django.utils import timezone

from audit.checkpoints import DirectoryStore
from audit.models import ChainHead
from tests.audit.chains import checkpoint, verify_fails, verify_passes, write
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def _trace(actor) -> None:
    write(actor, PatientFactory())


@pytest.fixture
def directory(settings) -> Path:
    return Path(settings.DMP_CHECKPOINT_DIR)


def _edit(path: Path, text: str) -> None:
    """The attacker holding the checkpoints' directory (files are written read-only)."""
    path.chmod(0o600)
    path.write_text(text)


def test_a_checkpoint_lists_every_head_and_is_signed_and_linked_to_the_previous_one(alice, directory):
    _trace(alice)
    _trace(alice)

    with time_machine.travel(datetime(2026, 11, 29, 2, 0, tzinfo=UTC), tick=False):
        assert checkpoint() == "Point de contrôle n° 1 (29/11/2026 03:00) écrit : 2 tête(s) de chaîne.\n"
    checkpoint()

    heads = (directory / "checkpoint-00000001.heads").read_text().splitlines()
    assert sorted(heads) == sorted(f"{h.chain}\t{h.seq}\t{h.hash}" for h in ChainHead.objects.all())
    first = json.loads((directory / "checkpoint-00000001.seal").read_text())
    second = json.loads((directory / "checkpoint-00000002.seal").read_text())
    assert (first["chains"], first["key_id"], len(first["signature"])) == (2, "tests-cp", 64)
    assert second["previous"] == first["signature"]
    assert (directory / "checkpoint-00000001.heads").stat().st_mode & 0o222 == 0  # read-only


def test_a_checkpoint_is_never_replaced(tmp_path):
    store = DirectoryStore(tmp_path)
    store.create("checkpoint-00000001.seal", [b"first"])

    with pytest.raises(FileExistsError):
        store.create("checkpoint-00000001.seal", [b"second"])
    assert b"".join(store.read("checkpoint-00000001.seal")) == b"first"
    assert store.names() == ["checkpoint-00000001.seal"]  # no partial file left behind


def test_an_edited_head_list_is_detected(alice, directory):
    _trace(alice)
    checkpoint()
    heads = directory / "checkpoint-00000001.heads"
    chain, seq, seal = heads.read_text().rstrip("\n").split("\t")
    _edit(heads, f"{chain}\t{int(seq) + 5}\t{seal}\n")

    findings = verify_fails()

    assert "point de contrôle n° 1 (" in findings
    assert "liste des têtes de chaîne modifiée ou tronquée (empreinte différente)" in findings


def test_a_truncated_head_list_is_detected(alice, directory):
    _trace(alice)
    _trace(alice)
    checkpoint()
    heads = directory / "checkpoint-00000001.heads"
    _edit(heads, heads.read_text().splitlines(keepends=True)[0])

    assert "liste des têtes de chaîne modifiée ou tronquée" in verify_fails()


def test_an_edited_seal_is_detected(alice, directory):
    _trace(alice)
    checkpoint()
    seal_path = directory / "checkpoint-00000001.seal"
    seal = json.loads(seal_path.read_text())
    _edit(seal_path, json.dumps({**seal, "chains": 0}))

    assert (
        "point de contrôle checkpoint-00000001.seal : signature invalide (fichier modifié)" in verify_fails()
    )


def test_a_truncated_seal_is_detected(alice, directory):
    _trace(alice)
    checkpoint()
    seal_path = directory / "checkpoint-00000001.seal"
    _edit(seal_path, seal_path.read_text()[:40])

    assert "checkpoint-00000001.seal illisible (fichier modifié ou tronqué)" in verify_fails()


def test_a_checkpoint_removed_from_the_series_is_detected(alice, directory):
    _trace(alice)
    for _ in range(3):
        checkpoint()
    (directory / "checkpoint-00000002.seal").unlink()

    findings = verify_fails()

    assert "point de contrôle n° 3 (" in findings
    assert "la série des points de contrôle est rompue" in findings


def test_a_removed_head_list_is_detected(alice, directory):
    _trace(alice)
    checkpoint()
    (directory / "checkpoint-00000001.heads").unlink()

    assert "liste des têtes de chaîne absente (fichier supprimé)" in verify_fails()


def test_a_checkpoint_signed_by_a_key_no_longer_in_the_keyring_is_reported(alice, settings):
    _trace(alice)
    checkpoint()
    settings.DMP_CHECKPOINT_KEYS = {"tests-cp2": b"another-checkpoint-key-of-32-characters!"}

    assert "signé par la clé « tests-cp », absente du trousseau DMP_CHECKPOINT_KEYS" in verify_fails()


def test_a_stale_checkpoint_series_is_reported(alice):
    # Cron stopped, or the attacker deleted the latest checkpoints to roll the heads back further.
    _trace(alice)
    checkpoint()

    with time_machine.travel(timezone.now() + timedelta(hours=26)):
        assert "dernier point de contrôle vieux de plus de 25 h" in verify_fails()


def test_traces_older_than_the_limit_without_any_checkpoint_are_reported(alice):
    _trace(alice)

    with time_machine.travel(timezone.now() + timedelta(hours=26)):
        assert "aucun point de contrôle alors que des traces ont plus de 25 h" in verify_fails()


def test_checkpoint_traces_needs_its_directory_and_its_key(settings):
    settings.DMP_CHECKPOINT_KEYS = {}
    with pytest.raises(CommandError, match="Configuration incomplète : DMP_CHECKPOINT_KEYS"):
        checkpoint()
    settings.DMP_CHECKPOINT_DIR = ""
    with pytest.raises(CommandError, match="DMP_CHECKPOINT_DIR n'est pas défini"):
        checkpoint()


def test_verify_traces_says_what_it_cannot_see_without_checkpoints(alice, settings):
    settings.DMP_CHECKPOINT_DIR = ""
    _trace(alice)

    out = verify_passes()

    assert "Points de contrôle non configurés (DMP_CHECKPOINT_DIR)" in out
    assert "1 chaîne(s) vérifiée(s) : aucune altération." in out
