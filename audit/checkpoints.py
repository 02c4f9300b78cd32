"""Signed checkpoints of every chain head, kept outside the database (SECURITY.md §5).

The keyed seals (audit/sealing.py) stop a database writer from rewriting a chain, but not from
deleting a chain's end, or a whole chain with its head: what is gone leaves no broken link.
A checkpoint names every head, (chain, seq, seal), at a moment; `verify_traces` then finds each
chain it names at least that long and passing through that seal.

A checkpoint is two objects in a store: `checkpoint-NNNNNNNN.heads`, one "chain<TAB>seq<TAB>seal"
line per head, streamed from the database (a million chains: about 60 MB, one index scan, a few
MB of memory), and `checkpoint-NNNNNNNN.seal`, a small JSON document holding the heads' SHA-256,
their count, the previous seal's signature (checkpoints form a chain of their own) and an
HMAC-SHA256 signature under DMP_CHECKPOINT_KEYS. That key belongs to the cron job and the
verifier only: the web processes, which hold the trace key, cannot forge a checkpoint.

Stores are append-only: objects are created once, never replaced. DirectoryStore keeps them as
read-only files; an object-storage store (with object lock) implements the same three methods.
"""

import hashlib
import hmac
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from audit.models import GENESIS_HASH, ChainHead

_PREFIX = "checkpoint-"


class CheckpointStore(Protocol):
    """Where checkpoints live: write-once named objects, read back as lines."""

    def names(self) -> list[str]:
        """Every object's name, sorted."""

    def create(self, name: str, chunks: Iterable[bytes]) -> None:
        """Write a new object; refuse (FileExistsError) to replace one."""

    def read(self, name: str) -> Iterator[bytes]:
        """The object's lines (FileNotFoundError when it is missing)."""


class DirectoryStore:
    """Checkpoints as read-only files in one directory (mount it from another host, or make it
    append-only with `chattr +a`, so that the portal's own account cannot rewrite it)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def names(self) -> list[str]:
        if not self.path.is_dir():
            return []
        return sorted(entry.name for entry in self.path.iterdir() if entry.name.startswith(_PREFIX))

    def create(self, name: str, chunks: Iterable[bytes]) -> None:
        self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=self.path, prefix=".partial-")
        try:
            with os.fdopen(descriptor, "wb") as file:
                for chunk in chunks:
                    file.write(chunk)
                file.flush()
                os.fsync(file.fileno())
            os.chmod(temporary, 0o400)
            # link() fails if the name exists: a checkpoint is never replaced, even by a race.
            os.link(temporary, self.path / name)
        finally:
            os.unlink(temporary)

    def read(self, name: str) -> Iterator[bytes]:
        with open(self.path / name, "rb") as file:
            yield from file


def default_store() -> CheckpointStore | None:
    """The configured store (DMP_CHECKPOINT_DIR), or None when checkpoints are not set up."""
    return DirectoryStore(settings.DMP_CHECKPOINT_DIR) if settings.DMP_CHECKPOINT_DIR else None


def checkpoint_keyring() -> dict[str, bytes]:
    if not settings.DMP_CHECKPOINT_KEYS:
        raise ImproperlyConfigured(
            "DMP_CHECKPOINT_KEYS (or DMP_CHECKPOINT_KEYS_FILE) is required: id:secret,..."
        )
    return settings.DMP_CHECKPOINT_KEYS


class CheckpointInvalid(ValueError):
    """A checkpoint object that cannot be trusted; the message says why, in French."""


@dataclass(frozen=True)
class Seal:
    number: int
    created: str
    previous: str
    heads_sha256: str
    chains: int
    key_id: str
    signature: str

    @property
    def name(self) -> str:
        return f"{_PREFIX}{self.number:08d}"

    @property
    def created_at(self) -> datetime:
        return datetime.fromisoformat(self.created)

    def describe(self) -> str:
        return f"point de contrôle n° {self.number} ({timezone.localtime(self.created_at):%d/%m/%Y %H:%M})"


def _signature(fields: dict, key: bytes) -> str:
    message = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _head_lines(digest: "hashlib._Hash", count: list[int]) -> Iterator[bytes]:
    """Every head as a line, streamed in one snapshot (a single SELECT) by the chain index."""
    rows = ChainHead.objects.order_by("chain").values_list("chain", "seq", "hash").iterator(chunk_size=5000)
    for chain, seq, seal in rows:
        line = f"{chain}\t{seq}\t{seal}\n".encode()
        digest.update(line)
        count[0] += 1
        yield line


def write_checkpoint(store: CheckpointStore) -> Seal:
    """Append a checkpoint of every chain head to the store, signed and linked to the last one."""
    keyring = checkpoint_keyring()
    key_id = next(iter(keyring))
    seals = [name for name in store.names() if name.endswith(".seal")]
    last = read_seal(store, seals[-1]) if seals else None
    number = last.number + 1 if last else 1
    digest, count = hashlib.sha256(), [0]
    # One SELECT reads every head in one snapshot. PostgreSQL: inside a transaction, its server-side
    # cursor streams rather than materialises; SQLite (WAL): outside one, not to block writers.
    with transaction.atomic() if connection.vendor == "postgresql" else nullcontext():
        store.create(f"{_PREFIX}{number:08d}.heads", _head_lines(digest, count))
    fields = {
        "number": number,
        "created": timezone.now().isoformat(),
        "previous": last.signature if last else GENESIS_HASH,
        "heads_sha256": digest.hexdigest(),
        "chains": count[0],
        "key_id": key_id,
    }
    seal = Seal(**fields, signature=_signature(fields, keyring[key_id]))
    store.create(f"{seal.name}.seal", [json.dumps(asdict(seal), indent=1).encode() + b"\n"])
    return seal


def read_seal(store: CheckpointStore, name: str) -> Seal:
    """A seal as stored, unverified (CheckpointInvalid when it does not even parse)."""
    try:
        return Seal(**json.loads(b"".join(store.read(name))))
    except (ValueError, TypeError) as exc:
        raise CheckpointInvalid(f"{name} illisible (fichier modifié ou tronqué)") from exc


def verify_seal(seal: Seal, keyring: dict[str, bytes]) -> None:
    """Raise CheckpointInvalid unless the seal's signature is right under a key of the keyring."""
    if seal.key_id not in keyring:
        raise CheckpointInvalid(
            f"signé par la clé « {seal.key_id} », absente du trousseau DMP_CHECKPOINT_KEYS"
        )
    fields = {key: value for key, value in asdict(seal).items() if key != "signature"}
    if not hmac.compare_digest(_signature(fields, keyring[seal.key_id]), seal.signature):
        raise CheckpointInvalid("signature invalide (fichier modifié)")


def read_heads(store: CheckpointStore, seal: Seal) -> Iterator[tuple[str, int, str]]:
    """The heads a verified seal vouches for, streamed; CheckpointInvalid once the end shows
    the file was edited or truncated (consumers roll back what they took from it)."""
    digest, count = hashlib.sha256(), 0
    try:
        for line in store.read(f"{seal.name}.heads"):
            digest.update(line)
            chain, seq, head_seal = line.decode().rstrip("\n").split("\t")
            count += 1
            yield chain, int(seq), head_seal
    except FileNotFoundError:
        raise CheckpointInvalid("liste des têtes de chaîne absente (fichier supprimé)") from None
    except (ValueError, UnicodeDecodeError):
        raise CheckpointInvalid("liste des têtes de chaîne illisible (fichier modifié)") from None
    if count != seal.chains or not hmac.compare_digest(digest.hexdigest(), seal.heads_sha256):
        raise CheckpointInvalid("liste des têtes de chaîne modifiée ou tronquée (empreinte différente)")
