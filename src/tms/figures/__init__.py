"""The registry of paper figures: each figure declared once, everything else derived from it.

``FIGURES`` maps each figure's name to its ``Figure`` entry (``tms.figures.figure``): the paper's
figures in the paper's order (``tms.figures.paper``), then the figures beyond the paper
(``tms.figures.beyond``). The Snakemake rule of every figure (workflow/rules/figures.smk),
``tms.plots``, ``tms.claims``, the CLI and the report notebook all read this one table, so adding a
figure is one entry in ``paper`` or ``beyond`` plus its plot function, its claims, its config
entries and a test.

Plot functions and claims modules are named as strings (imported where they are used), so that
importing the registry loads neither matplotlib nor the plot modules.
"""

from __future__ import annotations

from tms.figures.beyond import BEYOND, BEYOND_FIGURES, DOUBLE_DESCENT
from tms.figures.figure import Figure
from tms.figures.paper import PAPER_FIGURES

__all__ = ["BEYOND", "DOUBLE_DESCENT", "FIGURES", "Figure", "experiments_for"]


def _figures(*figures: Figure) -> dict[str, Figure]:
    names = [f.name for f in figures]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"figures registered twice: {duplicates}")
    return {f.name: f for f in figures}


# figure name (figures/<name>.pdf) -> its entry: the paper's figures in its order, then those beyond it
FIGURES: dict[str, Figure] = _figures(*PAPER_FIGURES, *BEYOND_FIGURES)


def experiments_for(figure: str) -> tuple[str, ...]:
    """Experiment names that ``figure`` needs."""
    if figure not in FIGURES:
        raise ValueError(f"figure must be one of {tuple(FIGURES)}; got {figure!r}")
    return FIGURES[figure].experiments
