"""Traces shared by several views: WᵀW and b heatmaps, ‖W_i‖ bars, feature vectors from the
origin, a unit circle, a vertical step marker. Numbers are rounded to ``DIGITS`` decimals to
keep the page small (far below what a colour or a hover shows)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import torch

from tms.analysis.metrics import feature_norms, gram, superposition
from tms.explorer.style import GRAM, GUIDE, SUPERPOSITION

DIGITS = 5


def rounded(values) -> np.ndarray:
    """``values`` (tensor or array) as a float64 array rounded to ``DIGITS`` decimals."""
    if isinstance(values, torch.Tensor):
        values = values.detach().double().numpy()
    return np.round(np.asarray(values, dtype=float), DIGITS)


def gram_heatmap(W: torch.Tensor, meta: dict, showscale: bool = False) -> go.Heatmap:
    """WᵀW of ``W [n, m]`` (entry (i, j) = W_i·W_j), −1 blue, 0 white, +1 red. The columns are
    named ``0 … n−1``: a category axis (``square_heatmap_axes``) draws nothing without names."""
    G = rounded(gram(W))
    n = G.shape[0]
    return go.Heatmap(
        z=G,
        x=[str(i) for i in range(n)],
        y=list(range(n)),
        **GRAM.heatmap(),
        showscale=showscale,
        colorbar={"title": {"text": "WᵀW, b"}, "len": 0.45, "y": 0.78, "tickvals": [-1, 0, 1]},
        hovertemplate="W<sub>%{y}</sub>·W<sub>%{x}</sub> = %{z:.3f}<extra></extra>",
        meta={**meta, "quantity": "gram"},
    )


def gram_bias_heatmap(W: torch.Tensor, b: torch.Tensor, meta: dict, showscale: bool = False) -> go.Heatmap:
    """WᵀW of ``W [n, m]`` with b ``[n]`` as one more column after a blank one: ``z [n, n + 2]``
    (``z[:, :n]`` = WᵀW, ``z[:, n]`` blank, ``z[:, n + 1]`` = b), on one colour scale, so that a
    square-cell axis keeps both in register. The columns are named ``0 … n−1``, ``" "``, ``"b"``."""
    n = W.shape[0]
    z = np.full((n, n + 2), np.nan)
    z[:, :n] = rounded(gram(W))
    z[:, n + 1] = rounded(b)
    return go.Heatmap(
        z=z,
        x=[str(i) for i in range(n)] + [" ", "b"],
        y=list(range(n)),
        **GRAM.heatmap(),
        showscale=showscale,
        colorbar={"title": {"text": "WᵀW, b"}, "len": 0.45, "y": 0.78, "tickvals": [-1, 0, 1]},
        hoverongaps=False,
        hovertemplate="row %{y}, column %{x}: %{z:.3f}<extra></extra>",
        meta={**meta, "quantity": "gram+b", "n": n},
    )


def square_heatmap_axes(fig: go.Figure, row: int, col: int) -> None:
    """Square cells for a ``gram_bias_heatmap`` (or ``gram_heatmap``) at (row, col), row 0 at the top."""
    fig.update_xaxes(type="category", tickvals=["b"], constrain="domain", showgrid=False, row=row, col=col)
    anchor = fig.get_subplot(row, col).xaxis.plotly_name.replace("axis", "")
    fig.update_yaxes(
        autorange="reversed",
        scaleanchor=anchor,
        constrain="domain",
        showticklabels=False,
        showgrid=False,
        row=row,
        col=col,
    )


def norm_bars(W: torch.Tensor, meta: dict, showscale: bool = False) -> go.Bar:
    """Horizontal bars of ‖W_i‖ (``W [n, m]``), feature 0 at the top, coloured by superposition."""
    norms, sup = rounded(feature_norms(W)), rounded(superposition(W))
    return go.Bar(
        x=norms,
        y=np.arange(len(norms)),
        orientation="h",
        marker={
            "color": sup,
            **SUPERPOSITION.marker(),
            "showscale": showscale,
            "colorbar": {"title": {"text": "superposition"}, "len": 0.45, "y": 0.22, "tickvals": [0, 0.5, 1]},
            "line": {"width": 0},
        },
        customdata=sup,
        hovertemplate="feature %{y}<br>‖W<sub>i</sub>‖ = %{x:.3f}<br>superposition = %{customdata:.3f}<extra></extra>",
        meta={**meta, "quantity": "norms"},
    )


def vector_lines(V, colours: list[str], meta: dict, names: list[str] | None = None, dashes=None) -> list:
    """One trace per row of ``V [n, 2]`` or ``[n, 3]``: a line from the origin with a dot at its tip."""
    V = rounded(V)
    n, dim = V.shape
    names = names or [f"feature {i}" for i in range(n)]
    traces = []
    for i in range(n):
        norm = float(np.linalg.norm(V[i]))
        line = {"color": colours[i], "width": 4 if dim == 2 else 6}
        if dashes is not None:
            line["dash"] = dashes[i]
        hover = f"{names[i]}<br>‖W<sub>i</sub>‖ = {norm:.3f}<extra></extra>"
        common = dict(
            mode="lines+markers",
            line=line,
            marker={"size": [0, 7 if dim == 2 else 4], "color": colours[i]},
            name=names[i],
            showlegend=False,
            hovertemplate=hover,
            meta={**meta, "quantity": "vector", "feature": i},
        )
        if dim == 2:
            traces.append(go.Scatter(x=[0.0, V[i, 0]], y=[0.0, V[i, 1]], **common))
        else:
            traces.append(go.Scatter3d(x=[0.0, V[i, 0]], y=[0.0, V[i, 1]], z=[0.0, V[i, 2]], **common))
    return traces


def unit_circle(points: int = 97) -> go.Scatter:
    """The dashed circle ‖W_i‖ = 1 (no hover)."""
    t = np.linspace(0, 2 * np.pi, points)
    return go.Scatter(
        x=np.round(np.cos(t), 4),
        y=np.round(np.sin(t), 4),
        mode="lines",
        line={"color": GUIDE, "dash": "dash", "width": 1},
        hoverinfo="skip",
        showlegend=False,
    )


def step_marker(x: float, y_range: tuple[float, float], meta: dict) -> go.Scatter:
    """A vertical grey line at ``x`` over ``y_range`` (the slider's current training step)."""
    return go.Scatter(
        x=[x, x],
        y=list(y_range),
        mode="lines",
        line={"color": GUIDE, "dash": "dot", "width": 1.5},
        hoverinfo="skip",
        showlegend=False,
        meta={**meta, "quantity": "step marker"},
    )
