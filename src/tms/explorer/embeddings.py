"""F1 (#motivation) and F13 (#geometry-non-uniform) views: 2-D feature embeddings with a slider.

F1: the best replica per density (dense → sparse), each W_i ∈ R² (row i of W[k], ``[n, 2]``) a
line from the origin coloured by importance as in the figure, beside its WᵀW and b.
F13: the best fit per relative density r of the last feature, in the canonical pose of
``tms.analysis.non_uniform.canonical`` (a rotation, possibly a reflection: WᵀW is unchanged), the
varied feature in blue; beside it every fit's evaluation loss against r, coloured by its
configuration, the shown fit circled.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from tms.analysis.metrics import frobenius_sq
from tms.analysis.non_uniform import PAPER_RATIO, canonical, fit_table
from tms.core.io import Run
from tms.explorer.panels import gram_bias_heatmap, rounded, square_heatmap_axes, unit_circle, vector_lines
from tms.explorer.slider import Step, with_slider
from tms.explorer.style import (
    GEOMETRY_COLOURS,
    GUIDE,
    OTHER_FEATURE,
    VARIED_FEATURE,
    geometry_colour,
    importance_colours,
)

LIMIT = 1.2  # same axis limits at every step: a represented feature reaches the unit circle


def _square_axes(fig: go.Figure, row: int, col: int) -> None:
    axis = {"range": [-LIMIT, LIMIT], "showticklabels": False, "zeroline": True, "zerolinecolor": "#eeeeee"}
    fig.update_xaxes(**axis, row=row, col=col)
    fig.update_yaxes(**axis, row=row, col=col, scaleanchor="x", scaleratio=1)


def intro_figure(run: Run) -> go.Figure:
    """F1: per density, W_i ∈ R² of the best replica, and its WᵀW and b.

    Step traces carry ``meta = {"density", "instance" (into run.best()), "quantity": vector |
    gram+b, "feature"}``.
    """
    best = run.best()
    if best.W.shape[-1] != 2:
        raise ValueError(f"the F1 view draws 2-D embeddings; got m = {best.W.shape[-1]}")
    colours = importance_colours(best["importance"][0].numpy())
    importance = best["importance"][0].numpy()
    fig = make_subplots(rows=1, cols=2, column_widths=[0.55, 0.45], subplot_titles=["W<sub>i</sub> ∈ R²", "WᵀW and b"])
    steps = []
    for k in np.argsort(best.density)[::-1]:  # dense first, as in the paper
        k, d = int(k), float(best.density[k])
        meta = {"density": d, "instance": k}
        names = [f"feature {i}, importance {importance[i]:.3g}" for i in range(best.W.shape[1])]
        traces = [(t, 1, 1) for t in vector_lines(best.W[k], colours, meta, names)]
        traces.append((gram_bias_heatmap(best.W[k], best.b[k], meta, showscale=True), 1, 2))
        fro = float(frobenius_sq(best.W[k]))
        steps.append(Step(f"{d:.3g}", traces, {"annotations[0].text": f"1−S = {d:.3g}: ‖W‖<sub>F</sub>² = {fro:.2f}"}))
    _square_axes(fig, 1, 1)
    square_heatmap_axes(fig, 1, 2)
    fig.update_layout(showlegend=False, height=520, margin={"l": 30, "r": 90, "t": 60, "b": 30}, plot_bgcolor="white")
    return with_slider(fig, steps, static=[(unit_circle(), 1, 1)], prefix="density 1−S = ")


def non_uniform_figure(run: Run) -> go.Figure:
    """F13: per relative density r, the best fit's W_i in the canonical pose, and every fit's loss.

    Step traces carry ``meta = {"r", "instance" (into run), "quantity": vector | shown fit}``.
    """
    r, loss, labels, best = fit_table(run)
    best = sorted(best, key=lambda k: r[k])
    n = run.W.shape[1]
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.45, 0.55],
        subplot_titles=["best fit, canonical pose", "evaluation loss of every fit"],
        horizontal_spacing=0.1,
    )
    static = [(unit_circle(), 1, 1)]
    kinds = {}
    for k in range(len(r)):
        kinds.setdefault(labels[k] if labels[k] in GEOMETRY_COLOURS else "other", []).append(k)
    for name, idx in kinds.items():
        static.append(
            (
                go.Scatter(
                    x=rounded(r[idx]),
                    y=rounded(loss[idx]),
                    mode="markers",
                    marker={"color": geometry_colour(name), "size": 7, "opacity": 0.85},
                    name=name,
                    text=[labels[k] for k in idx],
                    hovertemplate="r = %{x:.3g}<br>loss = %{y:.4g}<br>%{text}<extra></extra>",
                    meta={"quantity": "fits", "configuration": name},
                ),
                1,
                2,
            )
        )
    static.append(
        (
            go.Scatter(
                x=rounded(r[best]),
                y=rounded(loss[best]),
                mode="lines",
                line={"color": "black", "width": 1},
                name="best fit",
                hoverinfo="skip",
            ),
            1,
            2,
        )
    )
    paper = go.Scatter(  # a trace, not a shape: shapes on log axes take log10 coordinates
        x=[PAPER_RATIO, PAPER_RATIO],
        y=[float(loss.min()), float(loss.max())],
        mode="lines",
        line={"color": GUIDE, "dash": "dot", "width": 1},
        name="paper: snaps at 2.5× sparser",
        hoverinfo="skip",
    )
    static.append((paper, 1, 2))
    colours = [OTHER_FEATURE] * (n - 1) + [VARIED_FEATURE]
    names = [f"feature {i}" for i in range(n - 1)] + [f"feature {n - 1} (varied)"]
    steps = []
    for k in best:
        meta = {"r": float(r[k]), "instance": int(k)}
        traces = [(t, 1, 1) for t in vector_lines(canonical(run.W[k].numpy()), colours, meta, names)]
        ring = go.Scatter(
            x=[float(rounded(r[k]))],
            y=[float(rounded(loss[k]))],
            mode="markers",
            marker={"symbol": "circle-open", "size": 16, "color": "black", "line": {"width": 2}},
            hoverinfo="skip",
            showlegend=False,
            meta={**meta, "quantity": "shown fit"},
        )
        traces.append((ring, 1, 2))
        title = f"r = {r[k]:.3g}: {labels[k]}, loss {loss[k]:.3g}"
        steps.append(Step(f"{r[k]:.3g}", traces, {"annotations[0].text": title}))
    _square_axes(fig, 1, 1)
    fig.update_xaxes(type="log", title_text="relative density r of the varied feature", row=1, col=2)
    fig.update_yaxes(type="log", title_text="evaluation loss", row=1, col=2)
    fig.update_layout(
        height=520,
        margin={"l": 30, "r": 30, "t": 60, "b": 30},
        plot_bgcolor="white",
        legend={"x": 1.0, "y": 1.0, "xanchor": "right"},
    )
    return with_slider(fig, steps, static=static, prefix="relative density r = ")
