"""The replication table: a measured value as text, the robustness study's verdicts merged into
the rows, the headline, the Markdown (the table and the report's blocks) and the files written."""

from __future__ import annotations

from pathlib import Path

from tms.claims.registry import STATUSES, VERDICTS
from tms.core.io import atomic_write, write_json
from tms.figures import BEYOND, FIGURES


def format_value(value) -> str:
    """A measured value as short text: floats to 4 digits, dicts as "key value; ..."."""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):
        return "; ".join(f"{k} {format_value(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    return str(value)


def add_study(results: list[dict], record: dict | None, hashes: dict | None = None) -> list[dict]:
    """Each row with the robustness study's ``seeds`` ({held, of}), ``paper_scale`` (the claim at
    the paper's scale), ``verdict`` and ``verdict_text`` (``tms.robustness``), and ``study``:
    ``"current"`` when the record's runs for the row's figure are this build's (``hashes``, from
    ``tms.robustness.figure_hashes``; None: not checked), else ``"stale"``."""
    if not record:
        return results
    by_id = {r["id"]: r for r in record["claims"]}
    made = record.get("figures") or {}
    out = []
    for r in results:
        s = by_id.get(r["id"])
        fresh = hashes is None or made.get(r["figure"], {}).get("hash") == hashes[r["figure"]]["hash"]
        extra = {"study": "current" if fresh else "stale"}
        if s is None:
            extra.update(seeds=None, paper_scale=None, verdict="not in the study", verdict_text="")
        else:
            extra.update(
                seeds=s["seeds"], paper_scale=s.get("paper_scale"), verdict=s["verdict"], verdict_text=s["verdict_text"]
            )
        out.append({**r, **extra})
    return out


def is_paper_claim(row: dict) -> bool:
    """A claim of the paper's (not one of this project's own, beyond the paper)."""
    return FIGURES[row["figure"]].paper != BEYOND


def headline(rows: list[dict]) -> str:
    """The one summary of the table (README, docs/findings.md, the report, ``tms check``): the
    paper's claims and this project's own counted apart, each by the study's verdict (rows whose
    study record is stale or missing counted as such), then by their status on seed 0."""
    parts = []
    for name, group in (
        ("Paper claims", [r for r in rows if is_paper_claim(r)]),
        ("This project's own claims", [r for r in rows if not is_paper_claim(r)]),
    ):
        held = sum(r["status"] == "held" for r in group)
        fresh = [r for r in group if r.get("verdict") not in (None, "not in the study") and r.get("study") != "stale"]
        count = {k: sum(r["verdict"] == k for r in fresh) for k in VERDICTS}
        text = (
            f"{name}: {len(group)}; {count['replicates']} replicate (held on at least 2 of 3 seeds), "
            f"{count['replicates at paper scale']} replicate at the paper's scale only, {count['recipe']} under a "
            f"recipe variant only, {count['not replicated']} do not replicate (the paper's scale included), "
            f"{count['not replicated at default scale']} do not replicate at the default scale (not yet run at the "
            "paper's)"
        )
        if len(fresh) < len(group):
            text += f", {len(group) - len(fresh)} without a current study verdict"
        parts.append(f"{text}; {held} of {len(group)} hold on seed 0.")
    return " ".join(parts)


def paper_scale_text(row: dict) -> str:
    """The claim at the paper's scale as short text: its status there, or why it was not run."""
    p = row.get("paper_scale")
    if not p:
        return "–"
    if p["status"] == "not run":
        return f"not run ({p['reason']})"
    return p["status"]


def study_text(row: dict) -> str:
    """Seeds, paper scale and verdict of one row as text; a stale record's says so."""
    seeds = row.get("seeds")
    if not seeds:
        return row.get("verdict", "")
    text = f"on {seeds['held']} of {seeds['of']} seeds; paper scale: {paper_scale_text(row)}; {row['verdict']}"
    return text + (" (STALE: the study's runs for this figure are not this build's)" if row["study"] == "stale" else "")


def to_blocks(results: list[dict]) -> str:
    """The claims as short Markdown blocks, one per claim (the report's per-figure view): its id,
    status, seed count, paper-scale status and verdict on one line, then the statement and the
    measured value as text."""
    out = []
    for r in results:
        head = f"**{r['id']}**{' (required)' if r['required'] else ''}: **{r['status']}**"
        if "seeds" in r:
            head += f", {study_text(r)}"
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
    """The replication table as Markdown (with the study's seed counts, paper-scale status and
    verdicts when the rows carry them, ``add_study``)."""
    counts = {s: sum(r["status"] == s for r in results) for s in STATUSES}
    study = any("seeds" in r for r in results)
    lines = [
        "# Replication table",
        "",
        headline(results) if study else "",
        "",
        f"Seed 0: {counts['held']} held, {counts['not held']} not held, {counts['not measured']} not measured "
        f"({len(results)} claims). Required claims are marked with *.",
    ]
    if study:
        stale = sorted({r["figure"] for r in results if r.get("study") == "stale"})
        lines += [
            "",
            "*seeds*: on how many of the robustness study's seeds the claim held; *paper scale*: the claim "
            "in the study's run of config/paper.yaml; *verdict*: replicates (a majority of seeds), replicates at "
            "paper scale, recipe (held under the named recipe on a majority of its seeds) or not replicated "
            "(under nothing tried), see docs/robustness.md. "
            + (
                f"Stale rows (the study's runs are not this build's): figures {', '.join(stale)}."
                if stale
                else "Every row's study record matches this build."
            ),
        ]
    head = "| claim | figure | paper says | expected | measured (seed 0) | tolerance | status |"
    lines += [
        "",
        head + (" seeds | paper scale | verdict |" if study else ""),
        "|---|---|---|---|---|---|---|" + ("---|---|---|" if study else ""),
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
            verdict = f"{r['verdict']}: {r['verdict_text']}".rstrip(": ")
            cells += [
                f"{seeds['held']}/{seeds['of']}" if seeds else "–",
                paper_scale_text(r),
                ("**STALE** " if r.get("study") == "stale" else "") + verdict,
            ]
        lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def write_replication(results: list[dict], json_path, md_path) -> None:
    """Write the table as JSON (a list of claim rows) and Markdown, atomically."""
    for r in results:
        if r["status"] not in STATUSES:
            raise ValueError(f"claim {r['id']}: status must be one of {STATUSES}; got {r['status']!r}")
    write_json(json_path, results)
    text = to_markdown(results)
    atomic_write(md_path, lambda tmp: Path(tmp).write_text(text))
