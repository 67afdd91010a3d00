"""Publication figures drawn from trained run artefacts; plotting never trains.

>>> from tms.plots import plot_figure
>>> plot_figure("intro", {"intro": tms.load_run("results/runs/intro")}, "figures/intro.pdf")

Each figure's plot function is its registry entry's ``plotter`` (``tms.figures``), imported on
first use: drawing one figure loads only its own plot module.
"""

from __future__ import annotations

import importlib
from typing import Callable

import matplotlib

from tms.core.io import Run
from tms.figures import FIGURES, experiments_for
from tms.plots.style import STYLE, save_figure


def plotter(figure: str) -> Callable:
    """The plot function of ``figure``: a function of its runs, in the order its entry lists them."""
    experiments_for(figure)  # validates the name
    module, _, function = FIGURES[figure].plotter.partition(":")
    return getattr(importlib.import_module(module), function)


def plot_figure(figure: str, runs: dict[str, Run], path, preview=None) -> None:
    """Draw paper figure ``figure`` from ``runs`` (experiment name -> Run); write a PDF (and a PNG
    ``preview``, if given) atomically."""
    names = experiments_for(figure)
    missing = [name for name in names if name not in runs]
    if missing:
        raise ValueError(f"figure {figure!r} needs runs {names}; missing {missing}")
    plot = plotter(figure)
    with matplotlib.rc_context(STYLE):  # local: callers' rcParams stay untouched
        fig = plot(*(runs[name] for name in names))
        save_figure(fig, path, preview)


__all__ = ["plot_figure", "plotter"]
