"""Walk the trace chains and find the first broken link of each (for `manage.py verify_traces`)."""

from dataclasses import dataclass

from audit.models import GENESIS_HASH, ChainHead, Trace


@dataclass(frozen=True)
class Break:
    chain: str
    seq: int
    problem: str

    def __str__(self) -> str:
        return f"chaîne {self.chain}, rang {self.seq} : {self.problem}"


def verify_chain(chain: str, head: ChainHead | None) -> Break | None:
    """The first broken link of one chain, or None when it is intact."""
    expected_seq, expected_prev = 1, GENESIS_HASH
    rows = Trace.objects.filter(chain=chain).order_by("seq").iterator(chunk_size=2000)
    for trace in rows:
        if trace.seq != expected_seq:
            return Break(chain, expected_seq, "trace manquante (rang absent)")
        if trace.prev_hash != expected_prev:
            return Break(chain, trace.seq, "le lien vers la trace précédente est rompu")
        if trace.compute_hash() != trace.hash:
            return Break(chain, trace.seq, "trace modifiée (son empreinte ne correspond plus)")
        expected_seq, expected_prev = trace.seq + 1, trace.hash
    last_seq = expected_seq - 1
    if head is None:
        return Break(chain, last_seq, "tête de chaîne absente") if last_seq else None
    if head.seq != last_seq or head.hash != expected_prev:
        return Break(chain, last_seq + 1, "trace(s) manquante(s) en fin de chaîne")
    return None


def verify_all() -> tuple[int, list[Break]]:
    """(number of chains checked, their first breaks)."""
    heads = {head.chain: head for head in ChainHead.objects.all()}
    chains = set(heads) | set(Trace.objects.values_list("chain", flat=True).distinct())
    breaks = [found for chain in sorted(chains) if (found := verify_chain(chain, heads.get(chain)))]
    return len(chains), breaks
