"""The benchmark dataset (`manage.py bench_data`): a national-scale portal, built in minutes.

Deterministic: the same plan (size, seed, anchor date) gives the same rows, ids, codes and seals,
whatever the machine (one random.Random seeded per purpose; UUIDs drawn from it, never uuid4).

What it writes, around the anchor date:
- professionals (physicians, pharmacists, nurses...) with their profession labels, one bench
  physician with a CPS card (PIN in BENCH_PIN), a situation d'exercice and a consent declared for
  the two patients the benchmark opens; an administrator with a password and a TOTP device;
- patients with realistic French identities (bench/names.py), a valid INS (patients/ins.py) and
  the normalized name columns Patient.refresh_search_keys computes;
- documents as metadata (a short free text each), a few with real files under MEDIA_ROOT, among
  them one of 1 MB for the download benchmark;
- traces: one valid chain per patient, sealed under the current trace key exactly as
  audit.services.record seals them (Trace.payload, audit.sealing.seal), and its ChainHead, so that
  `manage.py verify_traces` passes;
- one heavy patient (5,000 documents, 200,000 traces by about a thousand professionals) and one
  light patient (40 of each: two pages of each list), plus a frequent and a rare identity for the
  search.
Rows go through bench/bulk.py (executemany on SQLite, COPY on PostgreSQL) in chunks of patients,
one transaction per chunk.
"""

import hashlib
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from accounts.models import (
    CardType,
    CPSCard,
    Establishment,
    Practice,
    PracticeMode,
    PracticeSetting,
    Profession,
    User,
)
from audit import sealing
from audit.models import GENESIS_HASH, Action, ChainHead, Trace
from audit.services import chain_for
from bench import bulk, names
from documents.models import Document, DocumentSource, DocumentStatus, DocumentType, HabilitationRule
from patients.access import Mode
from patients.ins import with_key
from patients.models import Authorization, AuthorizationKind, Patient, RecordAccess
from workshop import sample_files

BENCH_PIN = "1234"
BENCH_CARD = "2799000001"
BENCH_RPPS = "10999000001"
ADMIN_USERNAME = "admin-banc"
ADMIN_PASSWORD = "mot-de-passe-du-banc-d-essai"  # noqa: S105 (a throwaway dataset's published secret)
# The administrator's TOTP key (hex), published like the demo's: the benchmark logs in with it.
ADMIN_TOTP_KEY = hashlib.sha256(b"dmp-bench-admin").hexdigest()[:40]

DOWNLOAD_SIZE = 1024 * 1024
CHUNK = 5000

# Identities the benchmark searches for (the frequent one is shared by many; the rare one by one).
COMMON_IDENTITY = ("Martin", "Nicolas", "M", 1975)
RARE_IDENTITY = ("Kerhervé-Quéméner", "Gwénaëlle", "F", 1982)
HEAVY_IDENTITY = ("Dubois", "Hélène", "F", 1948)
LIGHT_IDENTITY = ("Le Goff", "Loïc", "M", 1990)

# Professions of the generated professionals, with their share.
PROFESSIONS = (("10", 0.55), ("21", 0.15), ("60", 0.2), ("50", 0.05), ("40", 0.05))
SPECIALTIES = ("", "", "", "Cardiologie", "Pneumologie", "Gériatrie", "Radiodiagnostic et imagerie médicale")


@dataclass(frozen=True)
class Plan:
    """What to build. Means are per ordinary patient; the heavy one has its own figures."""

    patients: int
    seed: int = 13
    anchor: date = date(2026, 11, 1)
    professionals: int = 2000
    documents_mean: float = 4.8
    traces_mean: float = 3.0
    heavy_documents: int = 5000
    heavy_traces: int = 200_000
    # Two full pages of each list (20 a page): heavy and light pages then show as many rows, and
    # their ratio measures the record's size, not a short page against a full one.
    light_documents: int = 40
    light_traces: int = 40
    real_files: int = 20

    @property
    def anchor_time(self) -> datetime:
        return datetime(self.anchor.year, self.anchor.month, self.anchor.day, 8, tzinfo=UTC)


@dataclass
class Built:
    """What the benchmark needs to find in the dataset (written to its manifest)."""

    heavy: str = ""
    light: str = ""
    heavy_last_document: str = ""
    light_document: str = ""
    download_document: str = ""
    common: dict = field(default_factory=dict)
    rare: dict = field(default_factory=dict)
    rare_ins: str = ""
    counts: dict = field(default_factory=dict)


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


@dataclass
class _Professional:
    id: int
    label: str
    profession_label: str


class Generator:
    """Builds a Plan into the configured database (a fresh, migrated one: see bench_data)."""

    def __init__(self, plan: Plan, progress: Callable[[str], None] = lambda message: None) -> None:
        self.plan = plan
        self.progress = progress
        self.key_id = sealing.current_key_id()
        self.built = Built()
        self.ins_orders: dict[str, int] = {}

    # --- people ------------------------------------------------------------------------------

    def build(self) -> Built:
        self._reference_data()
        with transaction.atomic():
            self._professionals()
            self._administrator()
        with bulk.loading([Patient, Document, Trace, ChainHead]):
            self._patients()
        bulk.reset_sequences([Patient, Document, Trace, ChainHead])
        with transaction.atomic():
            self._bench_physician_access()
        self.built.counts = {
            "patients": Patient.objects.count(),
            "documents": Document.objects.count(),
            "traces": Trace.objects.count(),
            "professionals": User.objects.professionals().count(),
        }
        return self.built

    def _reference_data(self) -> None:
        readable = set(
            HabilitationRule.objects.filter(profession_id="10", specialty="", may_read=True).values_list(
                "document_type_id", flat=True
            )
        )
        types = list(DocumentType.objects.for_professionals().filter(pk__in=readable).order_by("pk"))
        self.types = [(kind.pk, kind.label) for kind in types]
        reimbursement = DocumentType.objects.filter(rubrique_id="remboursement").order_by("pk").first()
        self.reimbursement = (reimbursement.pk, reimbursement.label) if reimbursement else None
        self.profession_labels = dict(Profession.objects.values_list("code", "label"))

    def _professionals(self) -> None:
        rng = random.Random(f"{self.plan.seed}-professionals")
        users, self.professionals = [], []
        codes, shares = zip(*PROFESSIONS, strict=True)
        # Explicit ids, like every generated row: traces and documents name them, and their seals
        # must not depend on the ids a database's sequence happens to be at.
        first_id = bulk.next_id(User)
        for index in range(self.plan.professionals):
            profession = rng.choices(codes, weights=shares)[0]
            sex = rng.choice("MF")
            first, _ = names.first_names(rng, sex)
            last = names.surname(rng)
            users.append(
                User(
                    id=first_id + index,
                    username=f"8{20_000_000_000 + index}",
                    rpps=f"{20_000_000_000 + index}",
                    civility="M" if sex == "M" else "MME",
                    first_name=first,
                    last_name=last,
                    profession_id=profession,
                    specialty=rng.choice(SPECIALTIES) if profession == "10" else "",
                    card_type=CardType.CPS,
                    password=UNUSABLE_PASSWORD_PREFIX,  # unusable: a card, never a password
                    date_joined=self.plan.anchor_time,
                )
            )
        for user in User.objects.bulk_create(users, batch_size=1000):
            label = f"{user.display_name} ({self.profession_labels[user.profession_id]})"
            self.professionals.append(
                _Professional(user.pk, label, self.profession_labels[user.profession_id])
            )
        bulk.reset_sequences([User])
        physician = User.objects.create(
            username=f"8{BENCH_RPPS}",
            rpps=BENCH_RPPS,
            civility="MME",
            first_name="Claire",
            last_name="Banc-d'Essai",
            profession_id="10",
            card_type=CardType.CPS,
            email="claire.banc@exemple.test",
            password=UNUSABLE_PASSWORD_PREFIX,  # unusable: a card, never a password
        )
        establishment = Establishment.objects.create(
            finess="750999001", name="Centre du banc d'essai", city="Paris"
        )
        setting = PracticeSetting.objects.get(code="ETABLISSEMENT")
        practice = Practice.objects.create(
            professional=physician,
            establishment=establishment,
            practice_setting=setting,
            mode=PracticeMode.SALARIE,
        )
        physician.default_practice, physician.default_practice_setting = practice, setting
        physician.save(update_fields=["default_practice", "default_practice_setting"])
        card = CPSCard(user=physician, number=BENCH_CARD, name="Carte CPS", confirmed=True)
        card.set_pin(BENCH_PIN)
        card.save()
        self.physician = physician

    def _administrator(self) -> None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        admin = User.objects.create(
            username=ADMIN_USERNAME,
            first_name="Administrateur",
            last_name="Banc",
            is_staff=True,
            is_superuser=True,
            password=make_password(ADMIN_PASSWORD),
        )
        TOTPDevice.objects.create(user=admin, name="e-CPS", key=ADMIN_TOTP_KEY, confirmed=True)

    def _bench_physician_access(self) -> None:
        """Consent declared for the heavy and light patients, and "Mes patients" filled."""
        at = self.plan.anchor_time
        for code in (self.built.heavy, self.built.light):
            patient = Patient.objects.get(code=code)
            Authorization.objects.create(
                patient=patient, professional=self.physician, kind=AuthorizationKind.CONSENT, declared_at=at
            )
        rng = random.Random(f"{self.plan.seed}-my-patients")
        first = Patient.objects.order_by("pk").values_list("pk", flat=True).first()
        ids = {rng.randrange(first, first + self.plan.patients) for _ in range(300)}
        ids |= set(
            Patient.objects.filter(code__in=[self.built.heavy, self.built.light]).values_list("pk", flat=True)
        )
        RecordAccess.objects.bulk_create(
            RecordAccess(
                patient_id=pk,
                professional=self.physician,
                first_access_at=at - timedelta(days=400),
                last_access_at=at - timedelta(minutes=index),
            )
            for index, pk in enumerate(sorted(ids))
        )

    # --- patients, documents, traces ---------------------------------------------------------

    def _patients(self) -> None:
        plan = self.plan
        rng = random.Random(f"{plan.seed}-patients")
        patient_id = bulk.next_id(Patient)
        self.document_id = bulk.next_id(Document)
        self.trace_id = bulk.next_id(Trace)
        self.head_id = bulk.next_id(ChainHead)
        # Where the special patients sit: in the middle of the table, not at its ends.
        specials = {
            plan.patients // 2: ("heavy", HEAVY_IDENTITY),
            plan.patients // 2 + 1: ("light", LIGHT_IDENTITY),
            plan.patients // 3: ("common", COMMON_IDENTITY),
            plan.patients // 4: ("rare", RARE_IDENTITY),
        }
        for start in range(0, plan.patients, CHUNK):
            patients, documents, traces, heads = [], [], [], []
            for index in range(start, min(start + CHUNK, plan.patients)):
                role, identity = specials.get(index, ("", None))
                row = self._identity(rng, patient_id, identity)
                patients.append(row)
                code = row[1]
                if role == "heavy":
                    n_documents, n_traces, span = plan.heavy_documents, plan.heavy_traces, 3650
                elif role == "light":
                    n_documents, n_traces, span = plan.light_documents, plan.light_traces, 365
                else:
                    n_documents = min(int(rng.expovariate(1 / plan.documents_mean) + 0.5), 80)
                    n_traces = min(int(rng.expovariate(1 / plan.traces_mean) + 0.5), 60)
                    span = 1095
                own = self._documents(rng, patient_id, n_documents, span, role)
                documents.extend(own)
                chain = self._chain(rng, patient_id, n_traces, span, own)
                traces.extend(chain)
                if chain:
                    last = chain[-1]
                    heads.append((self.head_id, last[1], last[2], last[4]))
                    self.head_id += 1
                if role in ("heavy", "light"):
                    setattr(self.built, role, str(code))
                    self._remember_documents(role, own)
                elif role in ("common", "rare"):
                    identity_of = {"name": identity[0], "first_name": identity[1], "sex": identity[2]}
                    setattr(self.built, role, identity_of | {"year": identity[3]})
                    if role == "rare":
                        self.built.rare_ins = row[3]
                patient_id += 1
            with transaction.atomic():
                bulk.insert(Patient, PATIENT_FIELDS, patients)
                bulk.insert(Document, DOCUMENT_FIELDS, documents)
                bulk.insert(Trace, TRACE_FIELDS, traces)
                bulk.insert(ChainHead, ("id", "chain", "seq", "hash"), heads)
            self.progress(f"{min(start + CHUNK, plan.patients)} patients")

    def _identity(self, rng: random.Random, pk: int, forced: tuple | None) -> tuple:
        """One patient row (PATIENT_FIELDS), its INS unique and keyed."""
        if forced:
            birth_name, first, sex, year = forced
            birth_first_names = first
            birth = date(year, 1 + pk % 12, 1 + pk % 28)
        else:
            sex = rng.choice("MF")
            birth_name = names.surname(rng)
            first, birth_first_names = names.first_names(rng, sex)
            birth = self.plan.anchor - timedelta(days=rng.randrange(0, 95 * 365))
        # Married women often use another name (nom d'usage), as do a few men.
        usual_name = ""
        if (sex == "F" and rng.random() < 0.35) or rng.random() < 0.02:
            usual_name = names.surname(rng)
        if forced:
            usual_name = ""
        cog = names.birth_place(rng)
        bucket = names.ins_first13(sex, birth, cog, 0)
        order = self.ins_orders.get(bucket, 0) + 1
        self.ins_orders[bucket] = order
        ins = with_key(names.ins_first13(sex, birth, cog, order))
        keys = SimpleNamespace(
            birth_name=birth_name,
            usual_name=usual_name,
            first_name=first,
            birth_first_names=birth_first_names,
        )
        Patient.refresh_search_keys(keys)
        status = "qualifiee" if rng.random() < 0.7 else "provisoire"
        return (
            pk,
            _uuid(rng),
            None,
            ins,
            status,
            birth_name,
            usual_name,
            birth_first_names,
            first,
            sex,
            birth,
            cog,
            "",
            keys.birth_name_key,
            keys.usual_name_key,
            keys.first_names_key,
            "actif",
            None,
            "",
            True,
            True,
            False,
        )

    def _documents(
        self, rng: random.Random, patient_id: int, count: int, span_days: int, role: str
    ) -> list[tuple]:
        rows = []
        anchor = self.plan.anchor_time
        # Added over the span, oldest first; a heavy record's authors are many (about a thousand).
        authors = self.professionals if role == "heavy" else self._some_professionals(rng, 4)
        for number in range(count):
            added_at = anchor - timedelta(
                seconds=int(span_days * 86400 * (count - number) / max(count, 1) + rng.random() * 3600)
            )
            document_date = (added_at - timedelta(days=int(rng.random() * 20))).date()
            if self.reimbursement and rng.random() < 0.08:
                type_id, label = self.reimbursement
                source, author, added_by = DocumentSource.HEALTH_INSURANCE, None, None
                author_label, profession_label = "Assurance Maladie", ""
            else:
                type_id, label = self.types[int(rng.triangular(0, len(self.types), 0))]
                professional = authors[int(rng.random() * len(authors))]
                source, author, added_by = DocumentSource.PROFESSIONAL, professional.id, professional.id
                author_label, profession_label = professional.label, professional.profession_label
            title = f"{label} du {document_date.day:02d}/{document_date.month:02d}/{document_date.year}"
            text = _TEXTS[number % len(_TEXTS)]
            status = DocumentStatus.ARCHIVED if rng.random() < 0.02 else DocumentStatus.ACTIVE
            rows.append(
                (
                    self.document_id,
                    _uuid(rng),
                    patient_id,
                    type_id,
                    title[:255],
                    document_date,
                    source,
                    author,
                    author_label,
                    profession_label,
                    "",
                    "",
                    text,
                    "text/plain",
                    _TEXT_SIZES[text],
                    _TEXT_SHA[text],
                    rng.random() < 0.02,
                    status,
                    added_at if status == DocumentStatus.ARCHIVED else None,
                    added_at,
                    added_by,
                )
            )
            self.document_id += 1
        if role in ("heavy", "light") and rows:
            rows = self._with_real_files(rows, role)
        return rows

    def _with_real_files(self, rows: list[tuple], role: str) -> list[tuple]:
        """The last documents of the heavy and light records become real PDF files (the last one
        of 1 MB: the download benchmark's); readable, active, not masked."""
        out = list(rows)
        count = min(self.plan.real_files if role == "heavy" else 2, len(rows))
        for position in range(len(rows) - count, len(rows)):
            row = list(out[position])
            title = row[4]
            # The last one weighs 1 MB: the download benchmark's.
            content = padded_pdf(title, DOWNLOAD_SIZE if position == len(rows) - 1 else 0)
            name = f"documents/bench/{row[1].hex}.pdf"
            if not default_storage.exists(name):
                default_storage.save(name, ContentFile(content))
            row[10], row[11], row[12], row[13] = name, f"{title}.pdf", "", "application/pdf"
            row[14], row[15] = len(content), hashlib.sha256(content).hexdigest()
            row[16], row[17], row[18] = False, DocumentStatus.ACTIVE, None
            out[position] = tuple(row)
        return out

    def _some_professionals(self, rng: random.Random, count: int) -> list[_Professional]:
        """A few professionals (maybe one twice: a patient's usual team is small anyway)."""
        return [self.professionals[int(rng.random() * len(self.professionals))] for _ in range(count)]

    def _remember_documents(self, role: str, rows: list[tuple]) -> None:
        if role == "heavy":
            self.built.heavy_last_document = str(rows[0][1])
            self.built.download_document = str(rows[-1][1])
        else:
            self.built.light_document = str(rows[-1][1])

    def _chain(
        self, rng: random.Random, patient_id: int, count: int, span_days: int, documents: list[tuple]
    ) -> list[tuple]:
        """The patient's traces, oldest first, linked and sealed as audit.services.record does."""
        chain = chain_for(patient=SimpleNamespace(pk=patient_id), actor=None)
        rows, previous = [], GENESIS_HASH
        start = self.plan.anchor_time - timedelta(days=span_days)
        step = span_days * 86400 / max(count, 1)
        actors = self.professionals if count > 1000 else self._some_professionals(rng, 3)
        for seq in range(1, count + 1):
            actor = actors[int(rng.random() * len(actors))]
            action, mode = rng.choices(_TRACE_ACTIONS, cum_weights=_TRACE_WEIGHTS)[0]
            document = (
                documents[int(rng.random() * len(documents))]
                if documents and action in _DOCUMENT_ACTIONS
                else None
            )
            trace = SimpleNamespace(
                chain=chain,
                seq=seq,
                prev_hash=previous,
                created_at=start + timedelta(seconds=int(step * (seq - 1 + rng.random()))),
                actor_id=actor.id,
                actor_label=actor.label,
                patient_id=patient_id,
                action=action,
                mode=mode,
                document_code=document[1] if document else None,
                document_title=document[4] if document else "",
                details="",
                client_address=None,
                key_id=self.key_id,
            )
            trace.hash = sealing.seal(Trace.payload(trace), self.key_id)
            previous = trace.hash
            rows.append(
                (
                    self.trace_id,
                    chain,
                    seq,
                    trace.prev_hash,
                    trace.hash,
                    self.key_id,
                    trace.created_at,
                    actor.id,
                    actor.label,
                    patient_id,
                    action,
                    mode,
                    trace.document_code,
                    trace.document_title,
                    "",
                    None,
                )
            )
            self.trace_id += 1
        return rows


def padded_pdf(title: str, size: int = 0) -> bytes:
    """A valid one-page PDF of exactly `size` bytes when `size` exceeds the bare page: the weight
    is a long line of text on the page (a scan would be an image; the upload checks read both)."""
    lines = ["Document du banc d'essai (données fictives)."]
    content = sample_files.pdf(title, lines)
    if size <= len(content):
        return content
    filler = size - len(content)
    for _ in range(4):  # the line's operators and the stream's /Length add a few bytes: converge
        content = sample_files.pdf(title, [*lines, "0" * filler])
        if len(content) == size:
            break
        filler += size - len(content)
    return content


PATIENT_FIELDS = (
    "id", "code", "sandbox", "ins", "identity_status", "birth_name", "usual_name", "birth_first_names",
    "first_name", "sex", "birth_date", "birth_place_cog", "email", "birth_name_key", "usual_name_key",
    "first_names_key", "dmp_status", "closed_on", "closing_reason", "emergency_samu_allowed",
    "emergency_others_allowed", "emergency_masked_allowed",
)  # fmt: skip
DOCUMENT_FIELDS = (
    "id", "code", "patient", "document_type", "title", "document_date", "source", "author", "author_label",
    "author_profession_label", "file", "original_filename", "text", "mime_type", "size", "sha256",
    "masked_to_professionals", "status", "status_changed_at", "added_at", "added_by",
)  # fmt: skip
TRACE_FIELDS = (
    "id", "chain", "seq", "prev_hash", "hash", "key_id", "created_at", "actor", "actor_label", "patient",
    "action", "mode", "document_code", "document_title", "details", "client_address",
)  # fmt: skip

_TRACE_ACTIONS = (
    (Action.RECORD_OPENED, Mode.CONSENT.value),
    (Action.RECORD_OPENED, Mode.CARE_TEAM.value),
    (Action.DOCUMENT_VIEWED, ""),
    (Action.DOCUMENT_ADDED, ""),
    (Action.HISTORY_VIEWED, ""),
    (Action.AUTHORIZATION_DECLARED, ""),
    (Action.DOCUMENT_DOWNLOADED, ""),
)
_TRACE_WEIGHTS = list(names._cumulative([30, 10, 25, 15, 8, 8, 4]))
_DOCUMENT_ACTIONS = {Action.DOCUMENT_VIEWED, Action.DOCUMENT_ADDED, Action.DOCUMENT_DOWNLOADED}

_TEXTS = (
    "Compte rendu (données fictives du banc d'essai).",
    "Patient vu en consultation ce jour. Examen clinique sans particularité. (données fictives)",
    "Résultats joints. Pas d'anomalie significative. (données fictives)",
    "Traitement poursuivi à l'identique, réévaluation dans trois mois. (données fictives)",
)
_TEXT_SIZES = {text: len(text.encode()) for text in _TEXTS}
_TEXT_SHA = {text: hashlib.sha256(text.encode()).hexdigest() for text in _TEXTS}
