"""F14–F16 (#geometry-correlated, #geometry-collapsing): how correlated features arrange themselves.

F14: three 2-D models — two correlated pairs, two anticorrelated pairs, three correlated pairs —
each feature's W_i drawn from the origin, one colour per set (members solid / dashed), WᵀW below.
F15: WᵀW of 20 features in two correlated sets of 10 in 10 dimensions (local orthogonal bases).
F16: three correlated pairs in 2-D across densities, and the number of collapsed pairs.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from tms.analysis.collapse import collapsed, within_and_across
from tms.analysis.metrics import gram
from tms.core.io import Run
from tms.plots.style import LABEL_GRAM, WIDTH, axes_in, caption, heatmap

SET_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd")
STYLES = ("-", "--", ":")
LIMIT = 1.25
# The paper's collapse regimes for three correlated pairs (docs/figures.md F16): (from, to, collapsed pairs).
PAPER_REGIMES = ((0.0, 0.05, 0), (0.05, 0.15, 1), (0.15, 0.2, 2), (0.25, 0.5, 3))


def _set_size(run: Run) -> int:
    return int(run.spec.get("set_size", 1))


def draw_embedding(ax, W: np.ndarray, set_size: int) -> None:
    """Each row of ``W [n, 2]`` as a line from the origin, coloured by its set."""
    ax.add_patch(plt.Circle((0, 0), 1, fill=False, color="0.85", lw=0.5))
    for i, (x, y) in enumerate(W):
        s, member = divmod(i, set_size)
        colour = SET_COLOURS[s % len(SET_COLOURS)]
        ax.plot([0, x], [0, y], color=colour, ls=STYLES[member % len(STYLES)], lw=1.0)
        ax.plot(x, y, "o", color=colour, ms=2)
    ax.set_xlim(-LIMIT, LIMIT)
    ax.set_ylim(-LIMIT, LIMIT)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def _best_at(run: Run, density: float | None = None) -> tuple[np.ndarray, float]:
    """W of the best replica at ``density`` (default: the sparsest), and that density."""
    best = run.best()
    k = int(np.argmin(best.density)) if density is None else best.at("density", density)
    return best.W[k].numpy(), best.density[k]


def plot_correlated_features(correlated: Run, anticorrelated: Run, collapse: Run):
    panels = [
        ("2 correlated pairs", correlated, *_best_at(correlated)),
        ("2 anticorrelated pairs", anticorrelated, *_best_at(anticorrelated)),
        ("3 correlated pairs", collapse, *_best_at(collapse)),
    ]
    size, hm = 1.6, 0.7
    fig = plt.figure(figsize=(3 * (size + 0.3) + 0.2, size + hm + 0.75))
    for j, (title, run, W, density) in enumerate(panels):
        left = 0.15 + j * (size + 0.3)
        ax = axes_in(fig, left, hm + 0.45, size, size)
        draw_embedding(ax, W, _set_size(run))
        ax.set_title(f"{title}\n$1{{-}}S$ = {density:.3g}, best of {run.spec['replicas']}")
        g = axes_in(fig, left + (size - hm) / 2, 0.3, hm, hm)
        heatmap(g, W @ W.T)
        g.set_xlabel(LABEL_GRAM, labelpad=1)
    caption(
        fig,
        "ReLU output, m = 2, I = 1. One colour per set (members solid, dashed, dotted). Correlated: one draw switches "
        "the whole set; anticorrelated: exactly one member active (each with marginal density 1−S). "
        "Panel 3: the sparsest model of the collapse sweep (F16).",
        y=0.2,
    )
    return fig


def plot_local_bases(run: Run):
    best = run.best()
    k = int(np.argmin(best.eval_loss.numpy()))
    W, set_size = best.W[k], _set_size(run)
    fig = plt.figure(figsize=(WIDTH * 0.7, 2.6))
    ax = axes_in(fig, 0.2, 0.35, 2.1, 2.1)
    heatmap(ax, gram(W).numpy())
    n = W.shape[0]
    for s in range(0, n, set_size):
        ax.add_patch(Rectangle((s - 0.5, s - 0.5), set_size, set_size, fill=False, ec="k", lw=0.6))
    ax.set_title(f"{LABEL_GRAM}, $1{{-}}S$ = {best.density[k]:.3g}")
    h = axes_in(fig, 2.8, 0.5, WIDTH * 0.7 - 3.1, 1.8)
    within, across = within_and_across(W, set_size)
    bins = np.linspace(-1, 1, 41)
    h.hist(within.numpy(), bins=bins, color="#1f77b4", alpha=0.8, label="same set")
    h.hist(across.numpy(), bins=bins, color="#d62728", alpha=0.6, label="different sets")
    h.set_xlabel("cos(W_i, W_j)")
    h.set_ylabel("pairs")
    h.legend(frameon=False)
    spec = run.spec
    caption(
        fig,
        f"ReLU output, n={spec['n_features']} in {n // set_size} correlated sets of {set_size}, m={spec['n_hidden']}, "
        "I = 1; "
        f"best of {spec['replicas']}. Boxes: the sets. Within a set features are nearly orthogonal (a local basis); "
        f"interference only across sets.",
        y=0.12,
    )
    return fig


def plot_collapse(run: Run):
    best = run.best()
    set_size = _set_size(run)
    order = np.argsort(best.density)
    densities = np.asarray(best.density)[order]
    cols = 6
    rows = math.ceil(len(order) / cols)
    cell = (WIDTH - 0.3) / cols
    top = 1.9
    fig = plt.figure(figsize=(WIDTH, top + rows * (cell + 0.15) + 0.1))
    for j, k in enumerate(order):
        r, c = divmod(j, cols)
        ax = axes_in(fig, 0.15 + c * cell, top + (rows - 1 - r) * (cell + 0.15), cell * 0.9, cell * 0.9)
        draw_embedding(ax, best.W[k].numpy(), set_size)
        n_col = int(collapsed(best.W[k], set_size).sum())
        ax.set_title(f"$1{{-}}S$ = {best.density[k]:.3g}: {n_col} collapsed", fontsize=5.5)
    ax = axes_in(fig, 0.55, 0.45, WIDTH - 1.0, 1.2)
    for lo, hi, count in PAPER_REGIMES:
        ax.add_patch(
            Rectangle(
                (max(lo, densities.min() * 0.8), count - 0.2),
                hi - max(lo, densities.min() * 0.8),
                0.4,
                color="0.88",
                zorder=0,
                lw=0,
            )
        )
    all_counts = [int(collapsed(run.W[k], set_size).sum()) for k in range(run.W.shape[0])]
    ax.scatter(
        run.density,
        np.asarray(all_counts) + np.random.default_rng(0).uniform(-0.08, 0.08, len(all_counts)),
        s=4,
        color="0.6",
        label="every replica",
        zorder=2,
    )
    counts = [int(collapsed(best.W[k], set_size).sum()) for k in order]
    ax.plot(densities, counts, "o-", color="k", ms=3, label="best replica", zorder=3)
    ax.set_xscale("log")
    ax.set_yticks(range(best.W.shape[1] // set_size + 1))
    ax.set_xlabel("feature density 1−S")
    ax.set_ylabel("collapsed pairs")
    ax.legend(frameon=False, loc="upper left")
    spec = run.spec
    caption(
        fig,
        f"ReLU output, {spec['n_features'] // set_size} correlated pairs in m={spec['n_hidden']}, I = 1; "
        f"{spec['recipe']['steps']} steps; "
        f"best of {spec['replicas']} per density. A pair is collapsed when its members share a direction (cos > 0.9). "
        "Grey bands: the paper's regimes (0, 1, 2, 3 collapsed).",
        y=0.12,
    )
    return fig
