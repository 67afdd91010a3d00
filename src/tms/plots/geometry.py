"""F9, F10 (#geometry-uniform, #geometry-dimensionality): uniform superposition's geometry.

F9: dimensions per feature D* = m / ‖W‖_F² against 1/(1−S) (log x), with the fractions the
paper calls sticky. F10: every represented feature's dimensionality D_i at each density over the
D* line, coloured by the polytope of its tegum factor (``tms.analysis.geometry``), with reference lines at
1, 3/4, 2/3, 1/2, 2/5, 3/8; below, the paper's feature-geometry graphs for a few densities: each
tegum factor drawn as a graph (features on a circle, an edge where |cos| links them).
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

from tms.analysis.geometry import OVERLAP, tegum_factors, uniform_sweep
from tms.analysis.metrics import cosine, dimensions_per_feature, feature_dimensionality
from tms.core.io import Run
from tms.plots.style import WIDTH, axes_in, caption

# The fractions the paper marks (docs/figures.md F10) with their polytopes.
FRACTIONS = {
    1.0: "dedicated",
    3 / 4: "tetrahedron",
    2 / 3: "triangle",
    1 / 2: "digon",
    2 / 5: "pentagon",
    3 / 8: "square antiprism",
}
FRACTION_LABELS = {1.0: "1", 3 / 4: "3/4", 2 / 3: "2/3", 1 / 2: "1/2", 2 / 5: "2/5", 3 / 8: "3/8"}
# One colour per polytope; anything else (irregular or larger factors) grey.
SHAPE_COLOURS = {
    "dedicated": "#1f77b4",
    "digon": "#d62728",
    "triangle": "#2ca02c",
    "tetrahedron": "#9467bd",
    "pentagon": "#ff7f0e",
    "hexagon": "#8c564b",
    "square antiprism": "#e377c2",
}
OTHER = "0.6"
GRAPH_DENSITIES = 4  # feature-geometry graphs drawn for this many densities
GRAPH_FACTORS = 18  # at most this many factors drawn per density (the largest first)
GRAPH_MAX = 12  # a factor with more features is named, not drawn (no small polytope)


def _recipe_note(run: Run) -> str:
    spec = run.spec
    k = spec.get("replicas", 1)
    pick = f"best of {k} replicas by evaluation loss" if k > 1 else "one model per density"
    return (
        f"ReLU output, n={spec['n_features']}, m={spec['n_hidden']}, I = 1, {len(spec['densities'])} densities; "
        f"{spec['recipe']['steps']} steps; {pick}."
    )


def _fraction_lines(ax, labels: bool = True) -> None:
    for f, label in FRACTION_LABELS.items():
        ax.axhline(f, color="0.85", lw=0.5, zorder=0)
        if labels:
            ax.text(1.01, f, label, transform=ax.get_yaxis_transform(), fontsize=5, va="center", color="0.4")


def plot_dimensions_per_feature(run: Run):
    """F9: D* against 1/(1−S) for the uniform sweep."""
    x, W = uniform_sweep(run)
    dstar = dimensions_per_feature(W).numpy()
    fig = plt.figure(figsize=(WIDTH * 0.55, 2.3))
    ax = axes_in(fig, 0.5, 0.4, WIDTH * 0.55 - 0.8, 1.8)
    _fraction_lines(ax)
    ax.plot(x, dstar, color="k", marker="o", ms=2.5)
    ax.set_xscale("log")
    ax.set_xlabel("1/(1−S)  (inverse feature density)")
    ax.set_ylabel("dimensions per feature  $D^* = m / \\|W\\|_F^2$")
    ax.set_ylim(0, 1.1)
    caption(fig, _recipe_note(run) + " Grey lines: the fractions 1, 3/4, 2/3, 1/2, 2/5, 3/8.", y=0.05)
    return fig


def _graph(ax, W, factors, title: str) -> None:
    """Draw each tegum factor as a small graph in a grid of cells."""
    ax.set_axis_off()
    ax.set_title(title, fontsize=6)
    big = [f for f in factors if f.size > GRAPH_MAX]
    shown = sorted((f for f in factors if f.size <= GRAPH_MAX), key=lambda f: -f.size)[:GRAPH_FACTORS]
    cols = 6
    cos = cosine(W).numpy()
    for f in big:
        ax.text(
            0.5,
            0.98 - 0.1 * big.index(f),
            f"{f.size} features in one {f.dims}-D factor",
            transform=ax.transAxes,
            ha="center",
            va="top",
            fontsize=5,
            color="0.3",
        )
    first = math.ceil(len(big) * 0.6)  # rows left free for the names above
    for c, f in enumerate(shown):
        cx, cy = c % cols, -(c // cols) - first
        k = f.size
        angle = np.pi / 2 + 2 * np.pi * np.arange(k) / k
        px, py = cx + 0.35 * np.cos(angle), cy + 0.35 * np.sin(angle)
        colour = SHAPE_COLOURS.get(f.name, OTHER)
        for a in range(k):
            for b in range(a + 1, k):
                if abs(cos[f.features[a], f.features[b]]) > OVERLAP:
                    ax.plot([px[a], px[b]], [py[a], py[b]], color=colour, lw=0.4, alpha=0.8)
        ax.scatter(px, py, s=4, color=colour, zorder=3, linewidths=0)
    ax.set_xlim(-0.6, cols - 0.4)
    ax.set_ylim(-math.ceil(GRAPH_FACTORS / cols) + 0.4, 0.6)
    ax.set_aspect("equal")
    ax.text(
        0.5,
        -0.02,
        f"{len(factors)} factors" + (f", {GRAPH_FACTORS} largest drawn" if len(factors) > GRAPH_FACTORS else ""),
        transform=ax.transAxes,
        ha="center",
        va="top",
        fontsize=5,
        color="0.4",
    )


def _graph_picks(factors: list[list]) -> list[int]:
    """The densities whose factors show the most different shapes (ties: the denser), in sweep order."""
    variety = [len({f.name for f in fs}) for fs in factors]
    ranked = sorted(range(len(factors)), key=lambda k: (-variety[k], k))
    return sorted(ranked[:GRAPH_DENSITIES])


def plot_feature_dimensionality(run: Run):
    """F10: each feature's D_i per density over the D* line, plus geometry graphs for a few densities."""
    x, W = uniform_sweep(run)
    dstar = dimensions_per_feature(W).numpy()
    height = 4.3
    fig = plt.figure(figsize=(WIDTH, height))
    ax = axes_in(fig, 0.5, 1.95, WIDTH - 0.95, 2.2)
    _fraction_lines(ax)
    seen = set()
    for k in range(len(x)):
        D = feature_dimensionality(W[k]).numpy()
        names = ["not learned"] * W.shape[1]
        for f in tegum_factors(W[k]):
            for i in f.features:
                names[i] = f.name
        jitter = x[k] * np.exp(np.random.default_rng(k).uniform(-0.03, 0.03, len(D)))  # deterministic spread
        for name in sorted(set(names)):
            idx = [i for i, s in enumerate(names) if s == name]
            colour = "0.8" if name == "not learned" else SHAPE_COLOURS.get(name, OTHER)
            label = None
            key = name if name in SHAPE_COLOURS or name == "not learned" else "other"
            if key not in seen:
                seen.add(key)
                label = key
            ax.scatter(jitter[idx], D[idx], s=2, color=colour, linewidths=0, alpha=0.7, label=label, zorder=2)
    ax.plot(x, dstar, color="k", lw=1.0, label="$D^*$", zorder=3)
    ax.set_xscale("log")
    ax.set_ylim(-0.03, 1.08)
    ax.set_xlabel("1/(1−S)")
    ax.set_ylabel("feature dimensionality $D_i$")
    ax.legend(
        loc="upper right", frameon=False, ncol=3, markerscale=3, fontsize=5, title="tegum factor", title_fontsize=5
    )
    picks = _graph_picks([tegum_factors(W[k]) for k in range(len(x))])
    width = (WIDTH - 0.6) / len(picks)
    for j, k in enumerate(picks):
        g = axes_in(fig, 0.4 + j * width, 0.25, width * 0.95, 1.35)
        _graph(g, W[k], tegum_factors(W[k]), f"1/(1−S) = {x[k]:.3g}")
        ax.annotate(
            "",
            (x[k], -0.03),
            (x[k], -0.09),
            xycoords="data",
            arrowprops={"arrowstyle": "-", "color": "0.5", "lw": 0.5},
            annotation_clip=False,
        )
    caption(
        fig,
        _recipe_note(run)
        + f" Points: D_i of represented features (‖W_i‖ > 0.5; unlearned in light grey), coloured by the "
        f"polytope of their tegum factor (features linked when |cos| > {OVERLAP}). Bottom: each factor as a graph "
        f"(edges: |cos| > {OVERLAP}) at the "
        f"{GRAPH_DENSITIES} densities with the most different shapes.",
        y=0.12,
    )
    return fig
