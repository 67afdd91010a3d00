"""Paper Figures 4 and 5 (#demonstrating-basic-results, docs/figures.md F4/F5).

One column per model: the linear model (its first density; its solution does not depend on
density), then the ReLU-output model from dense to sparse. Each column stacks WᵀW ``[n, n]`` with b
``[n]`` beside it, and horizontal bars of ‖W_i‖ (feature 0 at the top) coloured by superposition.
F5 (n = 80, m = 20) is drawn by the same code: "essentially a rescaled version" of F4.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch

from tms.analysis.metrics import feature_norms, gram, superposition
from tms.core.io import Run
from tms.plots.style import (
    GRAM_CMAP,
    GRAM_NORM,
    LABEL_GRAM,
    LABEL_NORM,
    SUPERPOSITION_CMAP,
    SUPERPOSITION_NORM,
    WIDTH,
    axes_in,
    caption,
    colorbar,
    density_label,
    heatmap,
    selection_note,
)

NORM_MAX = 1.2  # bar x-limit: a represented feature has ‖W_i‖ ≈ 1

# Layout in inches.
LEFT, RIGHT = 0.4, 0.7  # row labels; colour bars
BOTTOM, TITLES = 0.28, 0.42  # bar tick labels; group header and per-column titles
GAP = 0.14  # between the WᵀW row and the bar row


def _columns(linear: Run, relu: Run) -> list[tuple[str, float, torch.Tensor, torch.Tensor]]:
    """``(group, density, W [n, m], b [n])`` per column: linear first, then ReLU dense → sparse."""
    lin = linear.best()
    cols = [("linear", lin.density[0], lin.W[0], lin.b[0])]
    rel = relu.best()
    for i in np.argsort(rel.density)[::-1]:
        cols.append(("ReLU output", rel.density[i], rel.W[i], rel.b[i]))
    return cols


def plot_basic_results(linear: Run, relu: Run):
    """Figure from a linear and a ReLU-output run with the same n, m and importance."""
    cols = _columns(linear, relu)
    n = cols[0][2].shape[0]
    k = len(cols)
    pitch = (WIDTH - LEFT - RIGHT) / k
    bias_w = max(pitch * 0.07, 0.05)  # b column: thin but visible, also at n = 80
    side = pitch - bias_w - 0.03 - 0.1  # square WᵀW, leaving a gap to the next column
    bars_h = 1.1 * side
    height = BOTTOM + bars_h + GAP + side + TITLES
    fig = plt.figure(figsize=(WIDTH, height))
    y_bars, y_gram = BOTTOM, BOTTOM + bars_h + GAP

    for c, (_, density, W, b) in enumerate(cols):
        x0 = LEFT + c * pitch
        ax_g = axes_in(fig, x0, y_gram, side, side)
        heatmap(ax_g, gram(W))
        ax_g.set_title(density_label(density), pad=2)
        ax_b = axes_in(fig, x0 + side + 0.03, y_gram, bias_w, side)
        heatmap(ax_b, b[:, None])
        ax_n = axes_in(fig, x0, y_bars, side, bars_h)
        _draw_norms(ax_n, W)
        if c == 0:
            ax_g.set_ylabel(LABEL_GRAM, labelpad=3)
            ax_b.set_xlabel("$b$", labelpad=1)
            ax_n.set_yticks([0, n - 1])
            ax_n.set_ylabel("feature $i$", labelpad=1)
            ax_n.set_xlabel(LABEL_NORM, labelpad=1)
        else:
            ax_n.set_yticklabels([])

    _group_headers(fig, cols, pitch, side, y_gram + side + 0.2)
    x_bar = LEFT + k * pitch + 0.02
    colorbar(fig, axes_in(fig, x_bar, y_gram, 0.07, side), GRAM_CMAP, GRAM_NORM, f"{LABEL_GRAM}, $b$", ticks=[-1, 0, 1])
    cb = colorbar(
        fig,
        axes_in(fig, x_bar, y_bars + 0.1 * bars_h, 0.07, 0.8 * bars_h),
        SUPERPOSITION_CMAP,
        SUPERPOSITION_NORM,
        "superposition",
        ticks=[0, 0.5, 1],
        extend="max",
    )
    cb.set_ticklabels(["0", "0.5", r"$\geq$1"])

    spec = relu.spec
    caption(
        fig,
        (
            f"n = {n} features, m = {cols[0][2].shape[1]} hidden dimensions, "
            f"$I_i$ = {spec.get('importance_decay', 1):g}$^i${selection_note(spec)}. "
            r"Bars: $\|W_i\|$, coloured by superposition $\Sigma_{j\neq i}(\hat W_i\cdot W_j)^2$."
        ),
        y=-0.06,
    )  # below the first column's x label
    return fig


def _draw_norms(ax, W: torch.Tensor) -> None:
    """Horizontal bars of ‖W_i‖ for ``W [n, m]``, feature 0 at the top, coloured by superposition."""
    norms, sup = feature_norms(W).numpy(), superposition(W).numpy()
    n = len(norms)
    ax.barh(
        np.arange(n),
        norms,
        height=0.8 if n <= 40 else 1.0,
        color=SUPERPOSITION_CMAP(SUPERPOSITION_NORM(sup)),
        linewidth=0,
    )
    ax.axvline(1.0, lw=0.4, ls=(0, (2, 2)), color="0.6", zorder=0)
    ax.set_xlim(0, NORM_MAX)
    ax.set_ylim(n - 0.5, -0.5)  # feature 0 at the top, like the rows of WᵀW
    ax.set_xticks([0, 1])
    ax.set_yticks([])


def _group_headers(fig, cols, pitch: float, side: float, y: float) -> None:
    """``linear`` / ``ReLU output`` over their columns, with a rule under each group name."""
    w, h = fig.get_size_inches()
    groups: dict[str, list[int]] = {}
    for c, col in enumerate(cols):
        groups.setdefault(col[0], []).append(c)
    for name, idx in groups.items():
        x_lo, x_hi = LEFT + idx[0] * pitch, LEFT + idx[-1] * pitch + side
        fig.text((x_lo + x_hi) / 2 / w, (y + 0.04) / h, name, ha="center", va="bottom", fontweight="bold")
        fig.add_artist(plt.Line2D([x_lo / w, x_hi / w], [y / h, y / h], lw=0.5, color="0.3"))
