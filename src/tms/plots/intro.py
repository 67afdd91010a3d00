"""Paper Figure 1 (#motivation, docs/figures.md F0): five features in two dimensions.

One panel per density (dense → sparse): each feature's embedding W_i ∈ R² drawn as a line from
the origin, coloured by importance, with ‖W‖_F² (the represented-feature count) underneath and
the model's WᵀW and b below that. As sparsity grows the model goes from keeping the two most
important features orthogonally, to antipodal pairs, to a pentagon.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import Normalize

from tms.analysis.metrics import frobenius_sq, gram
from tms.core.io import Run
from tms.plots.style import (
    GRAM_CMAP,
    GRAM_NORM,
    IMPORTANCE_CMAP,
    LABEL_FRO,
    LABEL_GRAM,
    WIDTH,
    axes_in,
    caption,
    colorbar,
    density_label,
    heatmap,
    selection_note,
)

LIMIT = 1.2  # same axis limits in every panel: a represented feature reaches the unit circle
PER_ROW = 5
TITLE, NOTE, LABEL = 0.2, 0.25, 0.16  # inches: panel title; ‖W‖_F² line; label under WᵀW


def plot_intro(run: Run):
    """Figure for the ``intro`` run: W ``[inst, n, 2]``, b ``[inst, n]``, importance ``[inst, n]``."""
    best = run.best()
    if best.W.shape[-1] != 2:
        raise ValueError(f"the intro figure draws 2-D embeddings; got m = {best.W.shape[-1]}")
    order = np.argsort(best.density)[::-1]  # dense first, as in the paper
    W, b = best.W.numpy(), best.b.numpy()
    G, fro = gram(best.W).numpy(), frobenius_sq(best.W).numpy()
    importance = best["importance"][0].numpy()
    cmap = plt.get_cmap(IMPORTANCE_CMAP)
    inorm = Normalize(vmin=importance.min(), vmax=importance.max())
    if inorm.vmin == inorm.vmax:  # uniform importance: one colour
        inorm = Normalize(vmin=inorm.vmin - 1, vmax=inorm.vmax)

    k, n = len(order), W.shape[1]
    cols, rows = min(k, PER_ROW), math.ceil(k / PER_ROW)
    pitch = min(1.55, (WIDTH - 0.8) / cols)  # horizontal space per panel, inches
    size = 0.88 * pitch  # square geometry panel
    hm = 0.45 * size  # WᵀW heatmap side
    block = LABEL + hm + NOTE + size + TITLE  # one row of panels, bottom to top
    fig = plt.figure(figsize=(0.1 + cols * pitch + 0.7, rows * block))

    def y_heatmap(row: int) -> float:  # rows count from the top
        return (rows - 1 - row) * block + LABEL

    for slot, i in enumerate(order):
        r, c = divmod(slot, PER_ROW)
        x0, y_hm = 0.1 + c * pitch, y_heatmap(r)
        ax = axes_in(fig, x0, y_hm + hm + NOTE, size, size)
        _draw_geometry(ax, W[i], importance, cmap, inorm)
        ax.set_title("density " + density_label(best.density[i]), pad=3)
        ax.text(0.5, -0.03, f"{LABEL_FRO} = {fro[i]:.2f}", transform=ax.transAxes, ha="center", va="top")

        cell = hm / n  # b sits one cell to the right of WᵀW, one cell wide
        x_hm = x0 + (size - hm - 2 * cell) / 2
        ax_g = axes_in(fig, x_hm, y_hm, hm, hm)
        heatmap(ax_g, G[i])
        ax_b = axes_in(fig, x_hm + hm + cell, y_hm, cell, hm)
        heatmap(ax_b, b[i][:, None])
        if slot == 0:
            ax_g.set_ylabel(LABEL_GRAM, labelpad=2)
            ax_b.set_xlabel("$b$", labelpad=1)

    x_bar, y_hm = 0.1 + cols * pitch + 0.05, y_heatmap(0)
    cb = colorbar(
        fig,
        axes_in(fig, x_bar, y_hm + hm + NOTE + 0.1 * size, 0.08, 0.8 * size),
        cmap,
        inorm,
        "feature importance $I_i$",
    )
    cb.set_ticks([inorm.vmin, inorm.vmax])
    cb.set_ticklabels([f"{inorm.vmin:.2g}", f"{inorm.vmax:.2g}"])
    colorbar(fig, axes_in(fig, x_bar, y_hm, 0.08, hm), GRAM_CMAP, GRAM_NORM, f"{LABEL_GRAM}, $b$", ticks=[-1, 0, 1])

    spec = best.spec
    caption(
        fig,
        (
            f"ReLU output model, n = {n} features, m = 2 hidden dimensions, "
            f"$I_i$ = {spec.get('importance_decay', 1):g}$^i${selection_note(spec)}. Dashed circle: $\\|W_i\\|$ = 1."
        ),
        y=0.0,
    )
    return fig


def _draw_geometry(ax, W_inst: np.ndarray, importance: np.ndarray, cmap, inorm) -> None:
    """Lines from the origin to each W_i (``[n, 2]``); most important drawn last, on top."""
    ax.add_patch(plt.Circle((0, 0), 1.0, fill=False, ls=(0, (2, 2)), lw=0.4, color="0.6"))
    ax.axhline(0, lw=0.3, color="0.85", zorder=0)
    ax.axvline(0, lw=0.3, color="0.85", zorder=0)
    for i in np.argsort(importance):
        colour = cmap(inorm(importance[i]))
        x, y = W_inst[i]
        ax.plot([0, x], [0, y], color=colour, lw=1.3, solid_capstyle="round")
        ax.plot([x], [y], "o", color=colour, ms=3, mec="0.2", mew=0.3)
    ax.set_xlim(-LIMIT, LIMIT)
    ax.set_ylim(-LIMIT, LIMIT)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_linewidth(0.4)
        spine.set_color("0.7")
