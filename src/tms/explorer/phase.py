"""F7 (#phase-change, n = 2, m = 1) and F8 (n = 3, m = 2) views: the closed-form phase map
beside the trained grid, hovering showing each cell's configuration and losses.

Both maps are images on the trained grid's cells (``tms.analysis.phase_diagram.phase_grid``: rows =
density s, columns = relative importance r, both log-spaced), plotted against the cell index so
that equal steps in log r and log s are equal widths; the ticks name the values. Theory: the
lowest-loss candidate of ``tms.analysis.theory`` at each cell, coloured as in the figure. Trained:
F7 colours the extra feature by its superposition (hue) and norm (saturation), F8 by the candidate
the kept model realises (``tms.plots.phase_change``'s colours). The closed-form boundary s*(r)
(black) and the triple point (1, 4/7) are drawn on both, mapped to the same index coordinates.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from tms.analysis import theory
from tms.analysis.phase_diagram import OTHER, PhaseGrid, phase_grid
from tms.core.io import Run
from tms.explorer.style import candidate_colour, css, extra_colour, rgb_bytes
from tms.plots.phase_change import candidate_name  # the figure's legend words

BOUNDARY_POINTS = 241


def to_index(values, grid: np.ndarray) -> np.ndarray:
    """Positions of ``values`` on the index axis of a log-spaced ``grid`` (linear in log value,
    extrapolated beyond the ends)."""
    logs, g = np.log(np.asarray(values, float)), np.log(np.asarray(grid, float))
    if len(g) == 1:
        return np.zeros_like(logs)
    slope = (len(g) - 1) / (g[-1] - g[0])
    return (logs - g[0]) * slope


def trained_rgb(grid: PhaseGrid) -> np.ndarray:
    """``[s, r, 3]`` RGB in [0, 1] of the trained cells, as the figure colours them."""
    if grid.n == 2:
        return extra_colour(grid.extra_norm, grid.extra_superposition)
    return candidate_colour(grid.n, grid.candidate)


def theory_rgb(grid: PhaseGrid) -> np.ndarray:
    """``[s, r, 3]`` RGB of the closed-form best candidate at each trained cell."""
    return candidate_colour(grid.n, grid.theory().best)


def kept_weights(run: Run, grid: PhaseGrid) -> np.ndarray:
    """``[s, r, n, m]``: W of the lowest-loss replica of each cell (instances are cell-major)."""
    k = run.spec["replicas"]
    shape = (len(grid.s), len(grid.r), k)
    loss = run.eval_loss.double().numpy().reshape(shape)
    W = run.W.double().numpy().reshape(*shape, *run.W.shape[1:])
    best = loss.argmin(-1)
    return np.take_along_axis(W, best[..., None, None, None], axis=2)[:, :, 0]


def _losses_text(losses: np.ndarray, labels: tuple[str, ...], best: int) -> str:
    return "<br>".join(f"{'▶ ' if j == best else '  '}{labels[j]}: {losses[j]:.4g}" for j in range(len(labels)))


def hover_text(run: Run, grid: PhaseGrid) -> tuple[np.ndarray, np.ndarray]:
    """(theory, trained) hover strings ``[s, r]`` for every cell: the candidates' closed-form losses
    (the run's loss reduction), and the trained cell's state, candidate, norms, loss and weights."""
    cands = theory.candidates(grid.n)
    labels = tuple(c.label for c in cands)
    rr, ss = np.meshgrid(grid.r, grid.s)
    losses = theory.candidate_losses(grid.n, rr, ss, grid.loss_reduction)  # [k, s, r]
    pm = grid.theory()
    W = kept_weights(run, grid)
    th = np.empty(rr.shape, dtype=object)
    tr = np.empty(rr.shape, dtype=object)
    for i in range(len(grid.s)):
        for j in range(len(grid.r)):
            where = f"r = {grid.r[j]:.3g}, 1−S = {grid.s[i]:.3g}"
            best = int(pm.best[i, j])
            th[i, j] = (
                f"{where}<br>closed form: {cands[best].description}<br>"
                f"losses ({grid.loss_reduction} over features):<br>{_losses_text(losses[:, i, j], labels, best)}"
            )
            c = int(grid.candidate[i, j])
            realised = "none of the candidates" if c == OTHER else cands[c].description
            rows = "; ".join("(" + ", ".join(f"{v:.2f}" for v in w) + ")" for w in W[i, j])
            tr[i, j] = (
                f"{where}<br>extra feature: {grid.state[i, j].replace('_', ' ')}<br>realises: {realised}<br>"
                f"‖W<sub>extra</sub>‖ = {grid.extra_norm[i, j]:.3f}, superposition = "
                f"{grid.extra_superposition[i, j]:.3f}<br>trained loss {grid.loss[i, j]:.4g} "
                f"(closed-form best {losses[best, i, j]:.4g})<br>"
                f"{grid.kept} kept of {run.spec['replicas']}, {100 * grid.agreeing[i, j]:.0f}% agree<br>W rows: {rows}"
            )
    return th, tr


def _ticks(values: np.ndarray, most: int = 7) -> dict:
    every = max(1, int(np.ceil(len(values) / most)))
    idx = list(range(0, len(values), every))
    return {"tickvals": idx, "ticktext": [f"{values[i]:.2g}" for i in idx]}


def phase_figure(run: Run) -> go.Figure:
    """Theory beside trained for one phase-diagram run. The two images carry ``meta =
    {"quantity": "theory" | "trained"}``; their ``z`` is ``[s, r, 3]`` uint8 RGB."""
    grid = phase_grid(run)
    n = grid.n
    th_text, tr_text = hover_text(run, grid)
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=[f"closed form, n = {n}, m = {n - 1}", f"trained, {len(grid.s)}×{len(grid.r)} cells"],
        horizontal_spacing=0.08,
    )
    for col, (rgb, text, quantity) in enumerate(
        ((theory_rgb(grid), th_text, "theory"), (trained_rgb(grid), tr_text, "trained")), start=1
    ):
        fig.add_trace(
            go.Image(
                z=rgb_bytes(rgb),
                x0=0,
                dx=1,
                y0=0,
                dy=1,
                text=text,
                hovertemplate="%{text}<extra></extra>",
                meta={"quantity": quantity},
            ),
            row=1,
            col=col,
        )
    r_fine = np.geomspace(grid.r[0] / 1.3, grid.r[-1] * 1.3, BOUNDARY_POINTS)
    bx, by = to_index(r_fine, grid.r), to_index(theory.boundary(n, r_fine), grid.s)
    tx, ty = to_index([theory.TRIPLE_POINT[0]], grid.r), to_index([theory.TRIPLE_POINT[1]], grid.s)
    guides = (  # drawn on both maps, in the legend once
        (
            "closed-form boundary",
            np.round(bx, 4),
            np.round(by, 4),
            {"mode": "lines", "line": {"color": "black", "width": 1.5}},
        ),
        (
            "triple point (1, 4/7)",
            tx,
            ty,
            {"mode": "markers", "marker": {"color": "white", "size": 8, "line": {"color": "black", "width": 1}}},
        ),
    )
    for col in (1, 2):
        for name, x, y, style in guides:
            trace = go.Scatter(x=x, y=y, name=name, showlegend=col == 1, hoverinfo="skip", **style)
            fig.add_trace(trace, row=1, col=col)
        fig.update_xaxes(
            range=[-0.5, len(grid.r) - 0.5], title_text="relative importance r", **_ticks(grid.r), row=1, col=col
        )
        fig.update_yaxes(
            range=[-0.5, len(grid.s) - 0.5],
            autorange=False,
            title_text="feature density 1−S" if col == 1 else None,
            **_ticks(grid.s),
            row=1,
            col=col,
            scaleanchor=f"x{'' if col == 1 else col}",
        )
    for j, c in enumerate(theory.candidates(n)):  # legend swatches, the candidates' own colours
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker={"symbol": "square", "size": 12, "color": css(candidate_colour(n, j)), "line": {"width": 0.5}},
                name=candidate_name(c),
            )
        )
    if n == 3:
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker={"symbol": "square", "size": 12, "color": css(candidate_colour(n, OTHER))},
                name="none of these",
            )
        )
    fig.update_layout(
        height=560,
        margin={"l": 60, "r": 20, "t": 50, "b": 40},
        plot_bgcolor="white",
        legend={"orientation": "h", "y": -0.15},
    )
    return fig
