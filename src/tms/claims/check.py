"""Measuring a figure's claims on its runs: one row per claim, with its status (one of
``tms.claims.registry.STATUSES``)."""

from __future__ import annotations

from tms.claims.catalogue import claims_for
from tms.figures import experiments_for


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
