"""The explorer: one self-contained, offline HTML page (``results/explorer.html``) of interactive
plotly views of the trained runs, beside the replication table (docs/explorer.md).

>>> from tms.explorer import EXPERIMENTS, write_explorer
>>> runs = {name: tms.load_run(f"results/runs/{name}") for name in EXPERIMENTS}
>>> write_explorer("results/explorer.html", runs, json.load(open("results/replication.json")))

The modules, one concept each: ``style`` (the figures' colours for plotly), ``panels`` (shared
traces), ``slider`` (figures whose traces a slider shows step by step), one module per view
(``basic`` F4/F5, ``embeddings`` F1/F13, ``dimensionality`` and ``polytopes`` F10, ``training``
F17/F18, ``phase`` F7/F8), ``table`` (the replication table), ``page`` (the HTML) and ``views``
(which view shows which figure, and the page's sections). Importing this package loads neither
plotly nor matplotlib: the Snakefile reads ``EXPERIMENTS`` from it.
"""

from __future__ import annotations

from pathlib import Path

from tms.figures import experiments_for

# the figures with an interactive view, in the paper's order (tms.explorer.views.VIEWS)
VIEW_FIGURES = (
    "intro",
    "basic_results",
    "basic_results_large",
    "phase_diagram",
    "phase_diagram_3_2",
    "feature_dimensionality",
    "non_uniform",
    "learning_dynamics",
    "learning_geometry",
)
EXPERIMENTS = tuple(dict.fromkeys(e for f in VIEW_FIGURES for e in experiments_for(f)))  # the runs it reads


def write_explorer(path, runs: dict, claims: list[dict]) -> int:
    """Write the page from ``runs`` (experiment name -> Run) and the replication rows to ``path``,
    atomically and 0644; return its size in bytes."""
    from tms.core.io import atomic_write
    from tms.explorer.views import explorer_html

    data = explorer_html(runs, claims).encode("utf-8")
    atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))
    return len(data)


__all__ = ["EXPERIMENTS", "VIEW_FIGURES", "write_explorer"]
