"""Check every trace chain against its seals, its head and the signed checkpoints
(for `manage.py verify_traces`; what each finding means: SECURITY.md §5).

Scale: traces are read in one streaming query by the (chain, seq) index, one HMAC each; heads
and the checkpoints' heads go into a temporary SQLite ledger on disk (about 150 bytes a chain),
so memory stays flat whatever the number of chains. A million chains: a ledger of ~150 MB and
one pass over the table.
"""

import itertools
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from audit import checkpoints, sealing
from audit.models import GENESIS_HASH, ChainHead, Trace


@dataclass(frozen=True)
class Finding:
    """One alteration, said in French: where, and what."""

    subject: str
    problem: str

    def __str__(self) -> str:
        return f"{self.subject} : {self.problem}"


def _at(chain: str, seq: int) -> str:
    return f"chaîne {chain}, rang {seq}"


@dataclass
class Report:
    chains: int = 0
    findings: list[Finding] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Expected:
    """What the database's head and the checkpoints say of one chain."""

    head: tuple[int, str] | None
    pinned: tuple[int, str] | None  # (seq, seal) in the latest checkpoint
    first: tuple[int, str] | None  # (seq, seal) in the first checkpoint: sha256-v1 traces up to it


class _Ledger:
    """Heads and checkpoint heads by chain, in a temporary SQLite file rather than in memory."""

    def __init__(self, directory: str) -> None:
        self.db = sqlite3.connect(Path(directory) / "ledger.sqlite3", isolation_level=None)
        # A scratch file, deleted after the run: no journal, no fsync (one per chain otherwise).
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute(
            "CREATE TABLE ledger (chain TEXT PRIMARY KEY, head_seq INT, head_hash TEXT, "
            "pin_seq INT, pin_hash TEXT, first_seq INT, first_hash TEXT)"
        )
        self.db.execute("CREATE TABLE seen (chain TEXT PRIMARY KEY)")
        self._seen: list[tuple[str]] = []

    def load(self, rows: Iterable[tuple[str, int, str]], columns: tuple[str, str]) -> None:
        """Upsert (chain, seq, seal) rows into two columns, all or nothing."""
        first, second = columns
        self.db.execute("BEGIN")
        try:
            self.db.executemany(
                f"INSERT INTO ledger (chain, {first}, {second}) VALUES (?, ?, ?) "  # noqa: S608 (our names)
                f"ON CONFLICT (chain) DO UPDATE SET {first} = excluded.{first}, {second} = excluded.{second}",
                rows,
            )
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def take(self, chain: str) -> _Expected:
        """What is expected of a chain found in the database; the chain is marked seen."""
        self._seen.append((chain,))
        if len(self._seen) >= 5000:
            self._flush_seen()
        row = self.db.execute(
            "SELECT head_seq, head_hash, pin_seq, pin_hash, first_seq, first_hash FROM ledger WHERE chain = ?",
            [chain],
        ).fetchone()
        if row is None:
            return _Expected(None, None, None)
        pairs = (row[index : index + 2] for index in range(0, 6, 2))
        return _Expected(*(tuple(pair) if pair[0] is not None else None for pair in pairs))

    def _flush_seen(self) -> None:
        self.db.execute("BEGIN")
        self.db.executemany("INSERT INTO seen (chain) VALUES (?)", self._seen)
        self.db.execute("COMMIT")
        self._seen.clear()

    def unseen(self) -> Iterator[tuple[str, int | None, int | None]]:
        """Chains a head or a checkpoint names but that have no trace left."""
        self._flush_seen()
        yield from self.db.execute(
            "SELECT chain, head_seq, pin_seq FROM ledger WHERE chain NOT IN (SELECT chain FROM seen) ORDER BY chain"
        )


def verify_chain(traces: Iterable[Trace], chain: str, expected: _Expected, pin_label: str) -> Finding | None:
    """The first problem of one chain (its traces in seq order), or None when it is intact."""
    expected_seq, expected_prev = 1, GENESIS_HASH
    for trace in traces:
        if trace.seq != expected_seq:
            return Finding(_at(chain, expected_seq), "trace manquante (rang absent)")
        if trace.prev_hash != expected_prev:
            return Finding(_at(chain, trace.seq), "le lien vers la trace précédente est rompu")
        legacy_until = expected.first[0] if expected.first else 0
        if problem := _seal_problem(trace, legacy_until):
            return Finding(_at(chain, trace.seq), problem)
        for pin, label in ((expected.pinned, pin_label), (expected.first, "premier point de contrôle")):
            if pin and pin[0] == trace.seq and pin[1] != trace.hash:
                return Finding(
                    _at(chain, trace.seq), f"ne correspond plus au {label} (chaîne réécrite depuis)"
                )
        expected_seq, expected_prev = trace.seq + 1, trace.hash
    last_seq = expected_seq - 1
    if expected.pinned and last_seq < expected.pinned[0]:
        return Finding(
            _at(chain, last_seq + 1),
            f"chaîne tronquée : le {pin_label} la mène jusqu'au rang {expected.pinned[0]}",
        )
    if expected.head is None:
        return Finding(_at(chain, last_seq), "tête de chaîne absente") if last_seq else None
    if expected.head[0] > last_seq:
        return Finding(
            _at(chain, last_seq + 1),
            f"trace(s) manquante(s) en fin de chaîne (la tête indique le rang {expected.head[0]})",
        )
    if expected.head != (last_seq, expected_prev):
        return Finding(
            _at(chain, last_seq), f"tête de chaîne incohérente (elle indique le rang {expected.head[0]})"
        )
    return None


def _seal_problem(trace: Trace, legacy_until: int) -> str | None:
    if trace.key_id == sealing.LEGACY_KEY_ID and trace.seq > legacy_until:
        return (
            "trace sans clé (ancienne empreinte SHA-256) hors du premier point de contrôle : ajoutée ou "
            "réécrite sans la clé (ou antérieure aux clés, en attente du premier checkpoint_traces)"
        )
    try:
        if not sealing.matches(trace.payload(), trace.key_id, trace.hash):
            return "trace modifiée, ou rescellée sans la clé (son sceau ne correspond pas)"
    except sealing.UnknownKey:
        return f"scellée par la clé « {trace.key_id} », absente du trousseau DMP_TRACE_KEYS (clé retirée puis supprimée ?)"
    return None


def verify_all(store: checkpoints.CheckpointStore | None = None, now: datetime | None = None) -> Report:
    """Every chain, head and checkpoint; the store defaults to the configured one."""
    store = store or checkpoints.default_store()
    report = Report()
    with tempfile.TemporaryDirectory(prefix="verify-traces-") as directory:
        ledger = _Ledger(directory)
        heads = ChainHead.objects.order_by().values_list("chain", "seq", "hash").iterator(chunk_size=5000)
        ledger.load(heads, ("head_seq", "head_hash"))
        latest = _load_checkpoints(store, ledger, report, now or timezone.now()) if store else None
        if store is None:
            report.notices.append(
                "Points de contrôle non configurés (DMP_CHECKPOINT_DIR) : la suppression d'une chaîne "
                "entière ou de sa fin avec sa tête ne peut pas être détectée."
            )
        pin_label = latest.describe() if latest else ""
        rows = Trace.objects.order_by("chain", "seq").iterator(chunk_size=2000)
        for chain, traces in itertools.groupby(rows, key=lambda trace: trace.chain):
            report.chains += 1
            if found := verify_chain(traces, chain, ledger.take(chain), pin_label):
                report.findings.append(found)
        for chain, head_seq, pin_seq in ledger.unseen():
            if pin_seq:
                report.chains += 1
                report.findings.append(
                    Finding(
                        f"chaîne {chain}",
                        f"chaîne supprimée : le {pin_label} la mène jusqu'au rang {pin_seq}",
                    )
                )
            elif head_seq:
                report.chains += 1
                report.findings.append(
                    Finding(f"chaîne {chain}", f"traces absentes : la tête indique le rang {head_seq}")
                )
        ledger.db.close()
    return report


def _load_checkpoints(
    store: checkpoints.CheckpointStore, ledger: _Ledger, report: Report, now: datetime
) -> checkpoints.Seal | None:
    """Verify every seal and their links; load the first and the latest checkpoint's heads into
    the ledger. Returns the latest checkpoint used, if any."""
    keyring = checkpoints.checkpoint_keyring()
    seals: list[checkpoints.Seal] = []
    previous = GENESIS_HASH
    for name in (name for name in store.names() if name.endswith(".seal")):
        try:
            seal = checkpoints.read_seal(store, name)
            checkpoints.verify_seal(seal, keyring)
        except checkpoints.CheckpointInvalid as invalid:
            report.findings.append(Finding(f"point de contrôle {name}", str(invalid)))
            continue
        if seal.number != len(seals) + 1 or seal.previous != previous:
            report.findings.append(
                Finding(
                    seal.describe(), "la série des points de contrôle est rompue (point de contrôle manquant)"
                )
            )
        seals.append(seal)
        previous = seal.signature
    _check_age(seals[-1] if seals else None, report, now)
    if not seals:
        return None
    first, latest = seals[0], seals[-1]
    if _load_heads(store, ledger, latest, ("pin_seq", "pin_hash"), report) is False:
        latest = None
    if first.number == 1:
        _load_heads(store, ledger, first, ("first_seq", "first_hash"), report)
    return latest


def _load_heads(
    store: checkpoints.CheckpointStore,
    ledger: _Ledger,
    seal: checkpoints.Seal,
    columns: tuple[str, str],
    report: Report,
) -> bool:
    try:
        ledger.load(checkpoints.read_heads(store, seal), columns)
    except checkpoints.CheckpointInvalid as invalid:
        report.findings.append(Finding(seal.describe(), str(invalid)))
        return False
    return True


def _check_age(latest: checkpoints.Seal | None, report: Report, now: datetime) -> None:
    """A checkpoint series that stopped: cron stopped, or its latest checkpoints were deleted."""
    limit = settings.DMP_CHECKPOINT_MAX_AGE
    hours = int(limit.total_seconds() // 3600)
    if latest is not None:
        if now - latest.created_at > limit:
            report.findings.append(
                Finding(
                    latest.describe(),
                    f"dernier point de contrôle vieux de plus de {hours} h : checkpoint_traces ne tourne "
                    "plus, ou les points de contrôle suivants ont été supprimés",
                )
            )
        return
    oldest = Trace.objects.order_by("pk").values_list("created_at", flat=True).first()
    if oldest is not None and now - oldest > limit:
        report.findings.append(
            Finding(
                "points de contrôle",
                f"aucun point de contrôle alors que des traces ont plus de {hours} h : checkpoint_traces "
                "n'a jamais tourné, ou ses fichiers ont été supprimés",
            )
        )
