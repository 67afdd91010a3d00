"""Neuron stack plots (paper #privileged-basis, #computation), shared by F20/F22 and F24–F27.

One column per neuron; in it one rectangle per feature with height |W_ih|, positive weights stacked
upwards from 0 and negative ones downwards, most important feature nearest the axis; rectangles are
coloured by the feature's superposition (dark: dedicated dimension, yellow: ≥ 1). Under each column
an M (monosemantic) or P (polysemantic) by ``tms.neurons``; dead neurons get a dash.
"""

from __future__ import annotations

import numpy as np
import torch

from tms.neurons import polysemanticity
from tms.plots.style import SUPERPOSITION_CMAP, SUPERPOSITION_NORM

EDGE = "white"  # thin gaps between stacked rectangles keep features apart


def stack_plot(ax, W: torch.Tensor, colour: torch.Tensor, W2: torch.Tensor | None = None, order=None,
               labels: bool = True, highlight: dict | None = None, signed_inputs: bool = True,
               palette=None) -> None:
    """Draw neuron stacks of ``W [n, m]`` (rows features) on ``ax``.

    ``colour [n]``: per-feature superposition; ``W2``: the untied model's output weights (decides
    which neurons are alive); ``order``: neuron order (default 0..m−1); ``highlight``: neuron index
    -> edge colour, to outline whole columns (the motif of F27); ``signed_inputs``: as in
    ``tms.neurons.carried`` (False for the tied model, whose negative weights only inhibit);
    ``palette``: one colour per feature instead of the superposition colours (few features).
    """
    n, m = W.shape
    order = list(range(m)) if order is None else [int(h) for h in order]
    counts = polysemanticity(W, W2, signed_inputs=signed_inputs).tolist()
    colours = SUPERPOSITION_CMAP(SUPERPOSITION_NORM(np.asarray(colour, dtype=float))) if palette is None else palette
    values = np.asarray(W, dtype=float)
    top = bottom = 0.0
    for x, h in enumerate(order):
        up = down = 0.0
        for i in range(n):
            w = values[i, h]
            if w >= 0:
                ax.bar(x, w, bottom=up, width=0.8, color=colours[i], edgecolor=EDGE, linewidth=0.3)
                up += w
            else:
                ax.bar(x, w, bottom=down, width=0.8, color=colours[i], edgecolor=EDGE, linewidth=0.3)
                down += w
        if highlight and h in highlight:
            ax.bar(x, up - down, bottom=down, width=0.9, fill=False, edgecolor=highlight[h], linewidth=1.0)
        top, bottom = max(top, up), min(bottom, down)
        if labels:
            mark = "–" if counts[h] == 0 else ("M" if counts[h] == 1 else "P")
            ax.annotate(mark, (x, 0), xytext=(0, -2), textcoords="offset points", ha="center", va="top",
                        fontsize=5, color="0.3", annotation_clip=False, xycoords=("data", "axes fraction"))
    ax.axhline(0, color="0.2", lw=0.4)
    span = max(top - bottom, 1e-6)
    ax.set_ylim(bottom - 0.05 * span, top + 0.05 * span)
    ax.set_xlim(-0.6, len(order) - 0.4)
    ax.set_xticks([])
    ax.spines["bottom"].set_visible(False)
