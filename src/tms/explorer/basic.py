"""F4/F5 view (#demonstrating-basic-results): WᵀW, b and ‖W_i‖ of the linear model beside the
ReLU-output model, with a slider over density.

The slider runs over every density trained by either run, dense → sparse; each side shows the
best replica (``Run.best()``) at that density, or, where its run did not train it, at its
nearest trained density in log scale (the linear model's solution does not depend on density;
its titles say which density is shown).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from tms.core.io import Run
from tms.explorer.panels import gram_bias_heatmap, norm_bars, square_heatmap_axes
from tms.explorer.slider import Step, with_slider
from tms.explorer.style import GUIDE

NORM_MAX = 1.2  # bar axis limit, as the figure's
SIDES = ("linear", "ReLU output")


def densities(*runs: Run) -> list[float]:
    """Every density trained by any of ``runs``, dense → sparse."""
    return sorted({float(d) for run in runs for d in run.density}, reverse=True)


def nearest(trained: list[float], density: float) -> int:
    """Index of the density in ``trained`` nearest to ``density`` in log scale."""
    return int(np.argmin(np.abs(np.log(trained) - np.log(density))))


def basic_results_figure(linear: Run, relu: Run, title: str = "") -> go.Figure:
    """The view of one linear and one ReLU-output run with the same n, m and importance.

    Grid: row 1, per side, WᵀW ``[n, n]`` with b ``[n]`` beside it (``panels.gram_bias_heatmap``);
    row 2, per side, the bars of ‖W_i‖.
    Every step trace carries ``meta = {"model": side, "density": slider density, "shown":
    density drawn, "instance": index into run.best(), "quantity": gram+b | norms}``.
    """
    best = {SIDES[0]: linear.best(), SIDES[1]: relu.best()}
    n = linear.W.shape[1]
    fig = make_subplots(
        rows=2,
        cols=2,
        row_heights=[0.58, 0.42],
        subplot_titles=[SIDES[0], SIDES[1], "‖W<sub>i</sub>‖", "‖W<sub>i</sub>‖"],
        horizontal_spacing=0.06,
        vertical_spacing=0.08,
    )
    steps = []
    for d in densities(linear, relu):
        traces, layout = [], {}
        for s, side in enumerate(SIDES):
            run = best[side]
            k = nearest(run.density, d)
            shown = float(run.density[k])
            meta = {"model": side, "density": d, "shown": shown, "instance": k}
            first = s == 1  # one colour bar per scale, on the right-hand side
            traces += [
                (gram_bias_heatmap(run.W[k], run.b[k], meta, showscale=first), 1, 1 + s),
                (norm_bars(run.W[k], meta, showscale=first), 2, 1 + s),
            ]
            note = "" if shown == d else " (nearest trained)"
            # annotations: the subplot titles (linear, ReLU, the two bar titles)
            layout[f"annotations[{s}].text"] = f"{side}: 1−S = {shown:.3g}{note}"
        steps.append(Step(f"{d:.3g}", traces, layout))
    for col in (1, 2):
        square_heatmap_axes(fig, 1, col)
        fig.update_yaxes(autorange="reversed", title_text="feature i" if col == 1 else None, row=2, col=col)
        fig.update_xaxes(range=[0, NORM_MAX], row=2, col=col)
        fig.add_vline(x=1.0, line={"color": GUIDE, "dash": "dash", "width": 1}, row=2, col=col)
    fig.update_layout(
        title=title or f"n = {n}, m = {linear.W.shape[2]}: linear beside ReLU output",
        height=900,
        margin={"l": 60, "r": 100, "t": 90, "b": 40},
        plot_bgcolor="white",
        bargap=0.15,
        showlegend=False,
    )
    return with_slider(fig, steps, prefix="density 1−S = ")
