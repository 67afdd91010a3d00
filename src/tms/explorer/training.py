"""F17 (#learning-jumps) and F18 (#learning-geometric) views: the features over training, with a
slider over the saved checkpoints (``checkpoints.W [inst, c, n, m]`` at ``checkpoint_steps [c]``)
of the lowest-loss replica, and the training loss (``loss_curve [inst, records]`` at
``loss_steps [records]``) with the shown step marked.

F17 (m = 10): at the chosen step, WᵀW and each feature's D_i (bars coloured by superposition, as
F4's norms); below, every learned feature's D_i over all checkpoints (F17's curves) and the loss.
F18 (m = 3): the six W_i in 3-D, each checkpoint rotated onto the final model
(``tms.analysis.learning_geometry.align``) in the final model's own frame (``frame``), one colour per
correlated set, members solid, dashed, dotted; beside it the loss and the share of ‖W‖_F² along
the sets' principal components (``pca_share``).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from tms.analysis.dynamics import trajectories
from tms.analysis.geometry import describe
from tms.analysis.learning_geometry import align, frame, pca_share
from tms.analysis.metrics import represented, superposition
from tms.core.io import Run
from tms.explorer.panels import gram_heatmap, rounded, square_heatmap_axes, step_marker, vector_lines
from tms.explorer.slider import Step, with_slider
from tms.explorer.style import FRACTIONS, MEMBER_DASHES, PCA_SHARE, REFERENCE, SET_COLOURS, SUPERPOSITION, css, ramp

LIMIT = 1.1  # F18's 3-D axis limits


def checkpoints(run: Run) -> tuple[int, list[int], "np.ndarray"]:
    """(best replica's instance, checkpoint steps, its ``checkpoints.W [c, n, m]``)."""
    if "checkpoints.W" not in run.tensors:
        raise ValueError(f"run {run.spec.get('name')!r} kept no checkpoints (recipe.checkpoints: 0)")
    k = run.best_indices()[0]
    return k, [int(s) for s in run["checkpoint_steps"].tolist()], run["checkpoints.W"][k]


def _loss_trace(run: Run, k: int) -> go.Scatter:
    steps = np.maximum(np.asarray(run["loss_steps"].tolist()), 1)
    return go.Scatter(
        x=steps,
        y=rounded(run["loss_curve"][k]),
        mode="lines",
        line={"color": css("0.2"), "width": 1},
        name="training loss",
        showlegend=False,
        hovertemplate="step %{x}<br>loss %{y:.4g}<extra></extra>",
        meta={"quantity": "loss"},
    )


def _loss_range(run: Run, k: int) -> tuple[float, float]:
    loss = run["loss_curve"][k].double()
    return float(loss.min()), float(loss.max())


def learning_dynamics_figure(run: Run) -> go.Figure:
    """F17. Step traces carry ``meta = {"step", "checkpoint", "quantity": gram | D_i | step marker}``."""
    k, steps, snaps = checkpoints(run)
    D = trajectories(snaps).double()  # [c, n]
    learned = np.flatnonzero(represented(run.W[k]).numpy())
    n = snaps.shape[1]
    fig = make_subplots(
        rows=2,
        cols=2,
        column_widths=[0.45, 0.55],
        row_heights=[0.55, 0.45],
        subplot_titles=["WᵀW", "D<sub>i</sub> at this step", "D<sub>i</sub> of the learned features", "training loss"],
        horizontal_spacing=0.08,
        vertical_spacing=0.12,
    )
    static = []
    for colour, i in zip(ramp(len(learned)), learned, strict=True):
        static.append(
            (
                go.Scatter(
                    x=np.maximum(steps, 1),
                    y=rounded(D[:, i]),
                    mode="lines",
                    line={"color": colour, "width": 1},
                    name=f"feature {i}",
                    showlegend=False,
                    hovertemplate=f"feature {i}<br>step %{{x}}<br>D<sub>i</sub> = %{{y:.3f}}<extra></extra>",
                    meta={"quantity": "D_i trajectory", "feature": int(i)},
                ),
                2,
                1,
            )
        )
    static.append((_loss_trace(run, k), 2, 2))
    lo, hi = _loss_range(run, k)
    steps_out = []
    for c, step in enumerate(steps):
        meta = {"step": step, "checkpoint": c}
        sup = rounded(superposition(snaps[c]))
        bars = go.Bar(
            x=np.arange(n),
            y=rounded(D[c]),
            marker={"color": sup, **SUPERPOSITION.marker(), "showscale": c == 0, "colorbar": _bar_colorbar()},
            customdata=sup,
            hovertemplate="feature %{x}<br>D<sub>i</sub> = %{y:.3f}<br>"
            "superposition = %{customdata:.3f}<extra></extra>",
            meta={**meta, "quantity": "D_i"},
        )
        traces = [
            (gram_heatmap(snaps[c], meta, showscale=True), 1, 1),
            (bars, 1, 2),
            (step_marker(max(step, 1), (0.0, 1.05), meta), 2, 1),
            (step_marker(max(step, 1), (lo, hi), meta), 2, 2),
        ]
        text = f"D<sub>i</sub> at step {step}: {int((D[c] > 0.1).sum())} features with D<sub>i</sub> > 0.1"
        steps_out.append(Step(str(step), traces, {"annotations[1].text": text}))
    square_heatmap_axes(fig, 1, 1)
    fig.update_yaxes(range=[0, 1.05], row=1, col=2)
    fig.update_xaxes(title_text="feature i", row=1, col=2)
    fig.update_xaxes(type="log", title_text="training step", row=2, col=1)
    fig.update_yaxes(range=[0, 1.05], title_text="D<sub>i</sub>", row=2, col=1)
    fig.update_xaxes(type="log", title_text="training step", row=2, col=2)
    for f in FRACTIONS:
        fig.add_hline(y=f, line={"color": REFERENCE, "width": 1}, row=2, col=1)
    fig.update_layout(height=820, margin={"l": 50, "r": 40, "t": 60, "b": 40}, plot_bgcolor="white", showlegend=False)
    return with_slider(fig, steps_out, static=static, prefix="training step ", active=len(steps) - 1)


def _bar_colorbar() -> dict:
    return {"title": {"text": "superposition"}, "len": 0.4, "y": 0.8, "x": 1.02, "tickvals": [0, 0.5, 1]}


def learning_geometry_figure(run: Run) -> go.Figure:
    """F18. Step traces carry ``meta = {"step", "checkpoint", "quantity": vector | step marker,
    "feature"}``; the vectors are ``align(checkpoints.W[c], final @ frame(final))``."""
    k, steps, snaps = checkpoints(run)
    set_size = int(run.spec["set_size"])
    final = run.W[k]
    reference = final @ frame(final)
    share = pca_share(snaps, set_size)
    n = snaps.shape[1]
    colours = [css(SET_COLOURS[(i // set_size) % len(SET_COLOURS)]) for i in range(n)]
    dashes = [MEMBER_DASHES[(i % set_size) % len(MEMBER_DASHES)] for i in range(n)]
    names = [f"feature {i} (set {i // set_size}, member {i % set_size})" for i in range(n)]
    fig = make_subplots(
        rows=2,
        cols=2,
        column_widths=[0.55, 0.45],
        specs=[[{"type": "scene", "rowspan": 2}, {}], [None, {}]],
        subplot_titles=["W<sub>i</sub> in the final model's frame", "training loss", "‖W‖² share along the sets' PCs"],
        horizontal_spacing=0.08,
        vertical_spacing=0.15,
    )
    static = [
        (_loss_trace(run, k), 1, 2),
        (
            go.Scatter(
                x=np.maximum(steps, 1),
                y=rounded(share),
                mode="lines",
                line={"color": PCA_SHARE, "width": 1.5},
                showlegend=False,
                hovertemplate="step %{x}<br>share %{y:.3f}<extra></extra>",
                meta={"quantity": "pca share"},
            ),
            2,
            2,
        ),
    ]
    lo, hi = _loss_range(run, k)
    steps_out = []
    for c, step in enumerate(steps):
        meta = {"step": step, "checkpoint": c}
        V = align(snaps[c], reference)
        traces = [(t, 1, 1) for t in vector_lines(V, colours, meta, names, dashes)]
        traces += [
            (step_marker(max(step, 1), (lo, hi), meta), 1, 2),
            (step_marker(max(step, 1), (0.0, 1.0), meta), 2, 2),
        ]
        title = f"step {step}: {describe(snaps[c])}"
        steps_out.append(Step(str(step), traces, {"annotations[0].text": title}))
    axis = {"range": [-LIMIT, LIMIT], "showbackground": False, "zerolinecolor": REFERENCE, "title": {"text": ""}}
    fig.update_scenes(xaxis=axis, yaxis=axis, zaxis=axis, aspectmode="cube")
    fig.update_xaxes(type="log", title_text="training step", row=1, col=2)
    fig.update_yaxes(type="log", row=1, col=2)
    fig.update_xaxes(type="log", title_text="training step", row=2, col=2)
    fig.update_yaxes(range=[0, 1], row=2, col=2)
    fig.update_layout(height=640, margin={"l": 20, "r": 30, "t": 60, "b": 40}, plot_bgcolor="white")
    return with_slider(fig, steps_out, static=static, prefix="training step ", active=len(steps) - 1)
