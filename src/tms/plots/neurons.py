"""Neuron stack plots (paper #privileged-basis, #computation), shared by F20/F22 and F24–F27.

One column per neuron; in it one rectangle per feature with height |W_ih|, positive weights stacked
upwards from 0 and negative ones downwards, most important feature nearest the axis; rectangles are
coloured by the feature's superposition (dark: dedicated dimension, yellow: ≥ 1). Under each column
an M (monosemantic) or P (polysemantic) by ``tms.analysis.neurons``; dead neurons get a dash.
"""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.collections import PolyCollection

from tms.analysis.neurons import polysemanticity
from tms.plots.style import SUPERPOSITION_CMAP, SUPERPOSITION_NORM

EDGE = "white"  # thin gaps between stacked rectangles keep features apart
MIN_HEIGHT = 2e-3  # of the axis span


def stack_plot(
    ax,
    W: torch.Tensor,
    colour: torch.Tensor,
    W2: torch.Tensor | None = None,
    order=None,
    labels: bool = True,
    highlight: dict | None = None,
    signed_inputs: bool = True,
    palette=None,
) -> None:
    """Draw neuron stacks of ``W [n, m]`` (rows features) on ``ax``.

    ``colour [n]``: per-feature superposition; ``W2``: the untied model's output weights (decides
    which neurons are alive); ``order``: neuron order (default 0..m−1); ``highlight``: neuron index
    -> edge colour, to outline whole columns (the motif of F27); ``signed_inputs``: as in
    ``tms.analysis.neurons.carried`` (False for the tied model, whose negative weights only inhibit);
    ``palette``: one colour per feature instead of the superposition colours (few features).
    """
    m = W.shape[1]
    order = list(range(m)) if order is None else [int(h) for h in order]
    counts = polysemanticity(W, W2, signed_inputs=signed_inputs).tolist()
    colours = SUPERPOSITION_CMAP(SUPERPOSITION_NORM(np.asarray(colour, dtype=float))) if palette is None else palette
    values = np.asarray(W, dtype=float)[:, order]  # [n, columns]
    # Each rectangle starts where the previous one of its sign ended (cumulative sums per column).
    up, down = np.clip(values, 0, None), np.clip(values, None, 0)
    start = np.where(values >= 0, np.cumsum(up, 0) - up, np.cumsum(down, 0) - down)
    top, bottom = up.sum(0), down.sum(0)  # [columns]: where each stack ends
    span = max(top.max(initial=0.0) - bottom.min(initial=0.0), 1e-6)
    # Rectangles under MIN_HEIGHT of the axis span are sub-pixel at any print size; skipping them
    # (their weights still count in the stacking) keeps a 100 × 40 model's PDF small and fast.
    feature, column = np.nonzero(np.abs(values) > MIN_HEIGHT * span)
    xs = column[:, None] + np.array([-0.4, 0.4, 0.4, -0.4])
    ys = start[feature, column][:, None] + values[feature, column][:, None] * np.array([0, 0, 1, 1])
    # One collection, not one patch per rectangle: n × m rectangles draw in a fraction of a second.
    ax.add_collection(
        PolyCollection(np.stack([xs, ys], -1), facecolors=np.asarray(colours)[feature], edgecolors=EDGE, linewidths=0.3)
    )
    for x, h in enumerate(order):
        if highlight and h in highlight:
            ax.bar(
                x, top[x] - bottom[x], bottom=bottom[x], width=0.9, fill=False, edgecolor=highlight[h], linewidth=1.0
            )
        if labels:
            mark = "–" if counts[h] == 0 else ("M" if counts[h] == 1 else "P")
            ax.annotate(
                mark,
                (x, 0),
                xytext=(0, -2),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=5,
                color="0.3",
                annotation_clip=False,
                xycoords=("data", "axes fraction"),
            )
    ax.axhline(0, color="0.2", lw=0.4)
    ax.set_ylim(bottom.min(initial=0.0) - 0.05 * span, top.max(initial=0.0) + 0.05 * span)
    ax.set_xlim(-0.6, len(order) - 0.4)
    ax.set_xticks([])
    ax.spines["bottom"].set_visible(False)
