"""Replication claims: what the paper states, what our runs measure, and whether it held.

Each claim is a function registered with ``@claim(...)`` in the module of its figure (the
``claims`` of the figure's entry in ``tms.figures``, imported below). It receives
the figure's runs (``{experiment: Run}``) and returns a ``Measured``: the value(s) it measured
and whether the paper's statement held within the claim's stated tolerance. Tolerances are
fixed from the paper's wording before looking at a run, and each carries a one-line reason.

Status: ``held`` / ``not held`` / ``not measured`` (the runs it needs are missing).
``required`` claims are the ones CI insists on: a required claim that stops holding fails CI.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

from tms.core.io import write_json
from tms.figures import FIGURES, experiments_for

STATUSES = ("held", "not held", "not measured")


@dataclass(frozen=True)
class Measured:
    """What a check measured: ``value`` (JSON-able) and whether the claim ``held``."""

    value: object
    held: bool
    note: str = ""


@dataclass(frozen=True)
class Claim:
    id: str
    figure: str
    anchor: str
    statement: str
    expected: str
    tolerance: str
    required: bool
    measure: Callable[[dict], Measured]


REGISTRY: dict[str, Claim] = {}


def claim(id: str, figure: str, anchor: str, statement: str, expected: str, tolerance: str, required: bool = True):
    """Register the decorated ``measure(runs) -> Measured`` as claim ``id``."""
    if figure not in FIGURES:
        raise ValueError(f"claim {id}: figure must be one of {tuple(FIGURES)}; got {figure!r}")

    def register(measure):
        if id in REGISTRY:
            raise ValueError(f"claim {id} registered twice")
        REGISTRY[id] = Claim(id, figure, anchor, statement, expected, tolerance, required, measure)
        return measure

    return register


def claims_for(figure: str) -> list[Claim]:
    experiments_for(figure)  # validates the name
    return [c for c in REGISTRY.values() if c.figure == figure]


def check_figure(figure: str, runs: dict) -> list[dict]:
    """Measure every claim of ``figure`` on ``runs`` (``{experiment: Run}``); one dict per claim."""
    missing = [e for e in experiments_for(figure) if e not in runs]
    results = []
    for c in claims_for(figure):
        row = {
            "id": c.id,
            "figure": c.figure,
            "anchor": c.anchor,
            "statement": c.statement,
            "expected": c.expected,
            "tolerance": c.tolerance,
            "required": c.required,
        }
        if missing:
            row.update(measured=None, status="not measured", note=f"missing runs: {missing}")
        else:
            m = c.measure(runs)
            row.update(measured=m.value, status="held" if m.held else "not held", note=m.note)
        results.append(row)
    return results


def required_failures(results: list[dict]) -> list[dict]:
    """The required claims that did not hold (CI fails on any)."""
    return [r for r in results if r["required"] and r["status"] != "held"]


def format_value(value) -> str:
    """A measured value as short text: floats to 4 digits, dicts as "key value; ..."."""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):
        return "; ".join(f"{k} {format_value(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    return str(value)


def add_study(results: list[dict], record: dict | None, config_hash: str | None = None) -> list[dict]:
    """Each row with the robustness study's ``seeds`` ({held, of}), ``verdict`` and ``verdict_text``
    (``tms.robustness``), and ``study`` saying whether the record was made on this build's config."""
    if not record:
        return results
    by_id = {r["id"]: r for r in record["claims"]}
    same = config_hash is None or record["config_hash"] == config_hash
    out = []
    for r in results:
        s = by_id.get(r["id"])
        extra = {"study": "this config" if same else f"config {record['config_hash']}, not this build's"}
        if s is None:
            extra.update(seeds=None, verdict="not in the study", verdict_text="")
        else:
            extra.update(seeds=s["seeds"], verdict=s["verdict"], verdict_text=s["verdict_text"])
        out.append({**r, **extra})
    return out


def to_blocks(results: list[dict]) -> str:
    """The claims as short Markdown blocks, one per claim (the report's per-figure view): its id,
    status, seed count and verdict on one line, then the statement and the measured value as text."""
    out = []
    for r in results:
        head = f"**{r['id']}**{' (required)' if r['required'] else ''}: **{r['status']}**"
        if r.get("seeds"):
            head += f", on {r['seeds']['held']} of {r['seeds']['of']} seeds ({r['verdict']})"
        measured = format_value(r["measured"]) + (f" ({r['note']})" if r.get("note") else "")
        out += [
            head,
            "",
            f"- {r['statement']}",
            f"- expected: {r['expected']}; tolerance: {r['tolerance']}",
            f"- measured: {measured}",
            "",
        ]
    return "\n".join(out)


def to_markdown(results: list[dict]) -> str:
    """The replication table as Markdown (with the study's seed counts and verdicts when the rows
    carry them, ``add_study``)."""
    counts = {s: sum(r["status"] == s for r in results) for s in STATUSES}
    study = any("seeds" in r for r in results)
    lines = [
        "# Replication table",
        "",
        f"{counts['held']} held, {counts['not held']} not held, {counts['not measured']} not measured "
        f"({len(results)} claims). Required claims are marked with *.",
    ]
    if study:
        lines += [
            "",
            f"*seeds*: on how many of the robustness study's seeds the claim held (study record: "
            f"{results[0]['study']}); *verdict*: replicates (a majority of seeds), recipe (held only "
            "under the named recipe) or not replicated (under no variant tried), see docs/robustness.md.",
        ]
    head = "| claim | figure | paper says | expected | measured (seed 0) | tolerance | status |"
    lines += [
        "",
        head + (" seeds | verdict |" if study else ""),
        "|---|---|---|---|---|---|---|" + ("---|---|" if study else ""),
    ]
    for r in results:
        cells = [
            r["id"] + ("*" if r["required"] else ""),
            f"{r['figure']} ({r['anchor']})",
            r["statement"],
            r["expected"],
            format_value(r["measured"]) + (f" ({r['note']})" if r.get("note") else ""),
            r["tolerance"],
            f"**{r['status']}**",
        ]
        if study:
            seeds = r.get("seeds")
            cells += [
                f"{seeds['held']}/{seeds['of']}" if seeds else "–",
                f"{r['verdict']}: {r['verdict_text']}".rstrip(": "),
            ]
        lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def write_replication(results: list[dict], json_path, md_path) -> None:
    """Write the table as JSON (a list of claim rows) and Markdown, atomically."""
    from tms.core.io import atomic_write

    for r in results:
        if r["status"] not in STATUSES:
            raise ValueError(f"claim {r['id']}: status must be one of {STATUSES}; got {r['status']!r}")
    write_json(json_path, results)
    text = to_markdown(results)
    atomic_write(md_path, lambda tmp: open(tmp, "w").write(text))


# Register the claims of every figure: import each claims module that the registry names.
for _module in dict.fromkeys(f.claims for f in FIGURES.values()):
    importlib.import_module(_module)
del _module
