"""Beyond the paper: a 4-neuron ReLU MLP computing x·y (``tms.core.models.product``).

Top: what each neuron of the lowest-loss replica computes, ReLU(w·(x, y) + b) over the input
plane, with its input direction drawn and its output weight named; then the network's output
beside the target x·y. Bottom left: every replica's neuron directions on the unit circle (the
diagonals x ± y dashed), darker for lower loss. Bottom right: each replica's evaluation loss.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch

from tms.analysis.product import diagonal_alignment, responses
from tms.core.io import Run
from tms.plots.style import WIDTH, axes_in, caption

SPAN = 3.0
GRID = 121


def _plane() -> torch.Tensor:
    """``[1, GRID², 2]`` points of [−SPAN, SPAN]², row-major from the top (y falls)."""
    axis = torch.linspace(-SPAN, SPAN, GRID)
    y, x = torch.meshgrid(axis.flip(0), axis, indexing="ij")
    return torch.stack([x.flatten(), y.flatten()], 1)[None]


def _image(ax, values: np.ndarray, limit: float, title: str) -> None:
    ax.imshow(
        values.reshape(GRID, GRID),
        cmap="RdBu_r",
        vmin=-limit,
        vmax=limit,
        extent=(-SPAN, SPAN, -SPAN, SPAN),
        interpolation="nearest",
    )
    ax.set_title(title, fontsize=6)
    ax.set_xticks([])
    ax.set_yticks([])


def plot_product_neurons(run: Run):
    net = responses(run, _plane())
    hidden, output, target = (net[key].numpy() for key in ("hidden", "output", "target"))  # [points, m], [points]
    m = hidden.shape[1]
    W1, W2 = net["W1"], net["W2"]
    align = diagonal_alignment(W1)

    fig = plt.figure(figsize=(WIDTH, 3.7))
    cell = (WIDTH - 0.4) / (m + 2)
    for j in range(m):
        ax = axes_in(fig, 0.2 + j * cell, 2.25, cell * 0.9, cell * 0.9)
        scale = float(np.abs(hidden[:, j]).max()) or 1.0
        _image(ax, hidden[:, j], scale, f"neuron {j}, out {float(W2[j]):+.2f}\n|cos| to x±y: {float(align[j]):.2f}")
        w = W1[:, j].numpy()
        w = 0.8 * SPAN * w / max(np.linalg.norm(w), 1e-12)
        ax.annotate("", xy=tuple(w), xytext=(0, 0), arrowprops=dict(arrowstyle="->", lw=0.8, color="k"))
    limit = float(np.abs(target).max())
    _image(axes_in(fig, 0.2 + m * cell, 2.25, cell * 0.9, cell * 0.9), output, limit, "network output")
    _image(axes_in(fig, 0.2 + (m + 1) * cell, 2.25, cell * 0.9, cell * 0.9), target, limit, "target x·y")

    ax = axes_in(fig, 0.6, 0.65, 1.3, 1.3)
    order = np.argsort(run.eval_loss.numpy())[::-1]  # worst first, so the best is drawn on top
    shades = np.linspace(0.8, 0.0, len(order))
    for shade, r in zip(shades, order, strict=True):
        u = run["W1"][r].numpy()
        u = u / np.linalg.norm(u, axis=0, keepdims=True).clip(1e-12)
        for x, y in u.T:
            ax.plot([0, x], [0, y], color=str(shade), lw=0.8)
    for angle in (45, 135):
        a = np.deg2rad(angle)
        ax.plot([-np.cos(a), np.cos(a)], [-np.sin(a), np.sin(a)], color="#d62728", ls="--", lw=0.6)
    ax.set_xlim(-1.1, 1.1)
    ax.set_ylim(-1.1, 1.1)
    ax.set_aspect("equal")
    ax.set_xlabel("weight from x")
    ax.set_ylabel("weight from y")
    ax.set_title("neuron directions, every replica\n(darker: lower loss; red: x ± y)", fontsize=6)

    ax = axes_in(fig, 2.9, 0.65, 1.6, 1.3)
    loss = np.sort(run.eval_loss.numpy())
    ax.bar(np.arange(len(loss)), loss, color="0.4")
    ax.set_yscale("log")
    ax.set_xlabel("replica (sorted)")
    ax.set_ylabel("evaluation loss (var(xy) = 1)")

    spec = run.spec
    caption(
        fig,
        f"ReLU MLP, 2 standard-normal inputs, m={spec['n_hidden']} neurons with biases, linear output, trained on "
        f"(y' − x·y)²; {spec['recipe']['steps']} steps, {spec['replicas']} replicas, the lowest evaluation loss on "
        "top. Neuron maps: ReLU(w·(x, y) + b), arrow = input weights w.",
        y=0.2,
    )
    return fig
