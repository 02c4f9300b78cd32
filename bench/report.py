"""The benchmark's results: one row per page, the issue's goals checked, Markdown and JSON."""

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class PageResult:
    """One page: throughput at N clients, latency at one client, queries, and comparisons."""

    name: str
    rps: float | None = None
    p50: float | None = None
    p95: float | None = None
    p99: float | None = None
    queries: int | None = None
    status: int | None = None
    bare_share: float | None = None  # rps / bare view's rps, same run
    heavy_light: float | None = None  # p50 heavy / p50 light
    notes: list[str] = field(default_factory=list)


@dataclass
class Goal:
    text: str
    measured: str
    met: bool


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def markdown(title: str, description: list[str], pages: list[PageResult], goals: list[Goal]) -> str:
    lines = [f"# {title}", "", *description, ""]
    lines += [
        "| Page | req/s (8 clients) | % du bare | p50 ms | p95 ms | p99 ms | requêtes SQL | lourd/léger | notes |",
        "|---|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for page in pages:
        share = "—" if page.bare_share is None else f"{page.bare_share * 100:.0f} %"
        ratio = "—" if page.heavy_light is None else f"{page.heavy_light:.2f} x"
        queries = "—" if page.queries is None else str(page.queries)
        lines.append(
            f"| {page.name} | {_number(page.rps)} | {share} | {_number(page.p50)} | {_number(page.p95)} | "
            f"{_number(page.p99)} | {queries} | {ratio} | {'; '.join(page.notes)} |"
        )
    lines += ["", "## Objectifs (issue 13)", "", "| Objectif | Mesure | Atteint |", "|---|---|---|"]
    for goal in goals:
        verdict = "oui" if goal.met else "**non**"
        lines.append(f"| {goal.text} | {goal.measured} | {verdict} |")
    return "\n".join(lines) + "\n"


def write(directory: Path, stem: str, document: str, data: dict) -> tuple[Path, Path]:
    """bench/results/<stem>.md and .json; returns both paths."""
    directory.mkdir(parents=True, exist_ok=True)
    md, js = directory / f"{stem}.md", directory / f"{stem}.json"
    md.write_text(document)
    js.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
    return md, js


def as_json(pages: list[PageResult], goals: list[Goal], meta: dict) -> dict:
    return {
        "meta": meta,
        "pages": [asdict(page) for page in pages],
        "goals": [asdict(goal) for goal in goals],
    }
