"""The explorer's views, one per paper figure (named as in ``tms.figures.FIGURES``, which gives
their runs), and the page assembled from them: the views in the paper's order, a short entry for
every figure without a view (so that every claim has an anchor to link to), and the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Callable

import plotly.graph_objects as go

from tms.core.io import Run
from tms.explorer import VIEW_FIGURES
from tms.explorer.basic import basic_results_figure
from tms.explorer.dimensionality import configurations_figure, dimensionality_figure
from tms.explorer.embeddings import intro_figure, non_uniform_figure
from tms.explorer.page import Section, build_page
from tms.explorer.phase import phase_figure
from tms.explorer.table import replication_table
from tms.explorer.training import learning_dynamics_figure, learning_geometry_figure
from tms.figures import FIGURES, experiments_for

TABLE = "replication"  # the table's anchor


@dataclass(frozen=True)
class View:
    """The view of figure ``figure``: ``build`` takes its runs in the registry's order and returns
    its plotly figures; ``text`` (HTML) says what it shows; ``also``: figures it shows too."""

    figure: str
    build: Callable[..., list[go.Figure]]
    text: str
    also: tuple[str, ...] = ()


VIEWS: tuple[View, ...] = (
    View(
        "intro",
        lambda run: [intro_figure(run)],
        "Five features in two dimensions: each W<sub>i</sub> (row i of W, the best replica per density) "
        "as a line from the origin, coloured by importance (yellow most important), with WᵀW and b. "
        "Move the slider from dense to sparse: two orthogonal features, two antipodal pairs, a pentagon.",
    ),
    View(
        "basic_results",
        lambda lin, relu: [basic_results_figure(lin, relu, "F4: n = 20, m = 5, linear beside ReLU output")],
        "WᵀW (−1 blue, 0 white, +1 red) with b, and the bars of ‖W<sub>i</sub>‖ coloured by superposition "
        "Σ<sub>j≠i</sub>(Ŵ<sub>i</sub>·W<sub>j</sub>)² (dark 0 → yellow ≥ 1), of the best replica per density. "
        "The slider runs over every trained density; the linear model shows its nearest trained density.",
    ),
    View(
        "basic_results_large",
        lambda lin, relu: [basic_results_figure(lin, relu, "F5: n = 80, m = 20, linear beside ReLU output")],
        "The same at n = 80, m = 20.",
    ),
    View(
        "phase_diagram",
        lambda run: [phase_figure(run)],
        "n = 2, m = 1: the closed-form phase map (the lowest-loss candidate of tms.analysis.theory at each cell) "
        "beside the trained grid (the extra feature's hue by its superposition, saturation by its norm). "
        "Hover a cell for its configuration, the candidates' losses and the trained loss and weights.",
    ),
    View(
        "phase_diagram_3_2",
        lambda run: [phase_figure(run)],
        "n = 3, m = 2: the same, coloured by candidate on both sides.",
    ),
    View(
        "feature_dimensionality",
        lambda run: [dimensionality_figure(run), configurations_figure(run)],
        "Each feature's dimensionality D<sub>i</sub> against 1/(1−S), coloured by the polytope of its tegum "
        "factor; hover a point for its polytope and D<sub>i</sub>. The black line is D* = m/‖W‖<sub>F</sub>² "
        "(F9). Below: a tetrahedron and a triangle beside an antipodal pair, found in the trained W by their "
        "D<sub>i</sub> (3/4; 2/3 and 1/2) and projected onto their own span (method: docs/explorer.md).",
        also=("dimensions_per_feature",),
    ),
    View(
        "non_uniform",
        lambda run: [non_uniform_figure(run)],
        "A pentagon (n = 5, m = 2) whose last feature (blue) is r times as dense as the others: the best fit "
        "per r, rotated into a canonical pose, and every fit's evaluation loss coloured by its configuration.",
    ),
    View(
        "learning_dynamics",
        lambda run: [learning_dynamics_figure(run)],
        "The lowest-loss replica over its saved checkpoints: WᵀW and each feature's D<sub>i</sub> at the chosen "
        "step, every learned feature's D<sub>i</sub> over training and the training loss.",
    ),
    View(
        "learning_geometry",
        lambda run: [learning_geometry_figure(run)],
        "Six features in two correlated sets of three (blue, red) in m = 3, over the saved checkpoints, each "
        "rotated onto the final model: a PCA-like stage, then the octahedron. Drag to rotate.",
    ),
)
if tuple(v.figure for v in VIEWS) != VIEW_FIGURES:
    raise RuntimeError("tms.explorer.VIEW_FIGURES must list the figures of VIEWS, in order")


def _plain(caption: str) -> str:
    """A registry caption (reStructuredText) as plain text."""
    return caption.replace("**", "").replace("\\|", "|")


def sections(runs: dict[str, Run], claims: list[dict]) -> list[Section]:
    """The page's sections from the runs (experiment name -> Run) and the replication rows."""
    missing = sorted({e for f in VIEW_FIGURES for e in experiments_for(f)} - set(runs))
    if missing:
        raise ValueError(f"the explorer needs runs {missing}")
    views = {v.figure: v for v in VIEWS}
    shown_elsewhere = {a: v.figure for v in VIEWS for a in v.also}
    out, others = [], []
    for name, entry in FIGURES.items():
        if name in views:
            view = views[name]
            figures = view.build(*(runs[e] for e in experiments_for(name)))
            heading = f"{entry.paper}: {entry.title}"
            out.append(Section(name, heading, view.text, figures, aliases=view.also))
        elif name not in shown_elsewhere:
            others.append(
                f'<dt id="{name}">{escape(entry.paper)}: {escape(entry.title)}</dt>'
                f'<dd>{escape(_plain(entry.caption))} Drawn in <a href="../figures/{name}.pdf">figures/{name}.pdf</a>; '
                "no interactive view.</dd>"
            )
    out.append(
        Section(
            "others",
            "Other figures",
            "Figures without an interactive view.",
            html=f'<dl class="others">{"".join(others)}</dl>',
        )
    )
    anchors = {name: name for name in FIGURES}
    out.append(
        Section(
            TABLE,
            "Replication table",
            "Every claim (results/replication.json): filter by status and by the robustness study's verdict; "
            "a claim's figure links to its view. * marks a required claim; a verdict's text shows on hover.",
            html=replication_table(claims, anchors),
        )
    )
    return out


def explorer_html(runs: dict[str, Run], claims: list[dict]) -> str:
    """The whole page."""
    intro = (
        "Interactive views of the trained toy models of Elhage et al. (2022), “Toy Models of Superposition”, "
        "built from this build's run artefacts (results/runs) and replication table. Everything is in this "
        "one file; it works offline."
    )
    return build_page("tms explorer: toy models of superposition", intro, sections(runs, claims))
