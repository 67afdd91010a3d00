"""F18 (#learning-geometric): learning as a sequence of geometric transformations.

Six features in two correlated sets of three, m = 3. Top: the training loss of the lowest-loss
replica (log-log, batch losses and their running geometric mean) with the drawn checkpoints marked
a, b, …, and the share of ‖W‖_F² along the data's top principal components
(``tms.analysis.learning_geometry.pca_share``: 1/3 unstructured, 2/3 the linear PCA solution).
Bottom: W at those checkpoints in 3-D, each rotated onto the final model (orthogonal Procrustes) and
shown in the final model's own frame, so the octahedron's axes are the plot's axes;
one colour per set, a line from the origin per feature.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from tms.analysis.geometry import describe
from tms.analysis.learning_geometry import align, frame, key_checkpoints, pca_share
from tms.core.io import Run
from tms.plots.correlated import SET_COLOURS, STYLES
from tms.plots.style import WIDTH, axes_in, caption

LIMIT = 1.1


def _draw_3d(ax, W: np.ndarray, set_size: int) -> None:
    for axis in np.eye(3):
        ax.plot(*np.stack([-LIMIT * axis, LIMIT * axis]).T, color="0.85", lw=0.4)
    for i, w in enumerate(W):
        s, member = divmod(i, set_size)
        colour = SET_COLOURS[s % len(SET_COLOURS)]
        ax.plot([0, w[0]], [0, w[1]], [0, w[2]], color=colour, ls=STYLES[member % len(STYLES)], lw=1.0)
        ax.scatter(*w, color=colour, s=4, depthshade=False)
    ax.set_xlim(-LIMIT, LIMIT)
    ax.set_ylim(-LIMIT, LIMIT)
    ax.set_zlim(-LIMIT, LIMIT)
    ax.set_box_aspect((1, 1, 1), zoom=1.35)
    ax.view_init(elev=22, azim=35)
    ax.set_axis_off()


def plot_learning_geometry(run: Run):
    k = run.best_indices()[0]
    set_size = int(run.spec["set_size"])
    steps = run["checkpoint_steps"].tolist()
    snaps = run["checkpoints.W"][k]
    share = pca_share(snaps, set_size)
    labels = [describe(W) for W in snaps]
    keys = key_checkpoints(share, labels)
    final = run.W[k]
    reference = final @ frame(final)

    fig = plt.figure(figsize=(WIDTH, 4.0))
    loss_ax = axes_in(fig, 0.5, 2.55, 3.6, 1.3)
    loss_steps = np.maximum(np.asarray(run["loss_steps"].tolist()), 1)
    loss = run["loss_curve"][k].numpy()
    loss_ax.plot(loss_steps, loss, color="0.75", lw=0.5, label="training batch")
    # Sparse batches make the batch loss noisy: a running geometric mean of 5 records shows the trend.
    smooth = np.exp(np.convolve(np.log(np.maximum(loss, 1e-12)), np.ones(5) / 5, mode="valid"))
    loss_ax.plot(loss_steps[2:-2], smooth, color="0.1", lw=0.9, label="running geometric mean")
    loss_ax.legend(frameon=False, loc="lower left")
    loss_ax.set_xscale("log")
    loss_ax.set_yscale("log")
    loss_ax.set_xlabel("training step")
    loss_ax.set_ylabel("training loss")
    share_ax = axes_in(fig, 4.75, 2.55, 2.0, 1.3)
    share_ax.plot(np.maximum(steps, 1), share, color="#9467bd", lw=0.9)
    for value, text in ((1 / 3, "1/3 unstructured"), (2 / 3, "2/3 PCA solution")):
        share_ax.axhline(value, color="0.8", lw=0.5, zorder=0)
        share_ax.text(1.2, value + 0.01, text, fontsize=5, color="0.4", va="bottom")
    share_ax.set_xscale("log")
    share_ax.set_ylim(0, 1)
    share_ax.set_xlabel("training step")
    share_ax.set_ylabel("‖W‖² share along the sets' PCs")

    cell = (WIDTH - 0.3) / len(keys)
    for n, j in enumerate(keys):
        letter = chr(ord("a") + n)
        step = max(steps[j], 1)
        for ax in (loss_ax, share_ax):
            ax.axvline(step, color="0.7", lw=0.5, ls=":")
        loss_ax.text(step, 1.02, letter, transform=loss_ax.get_xaxis_transform(), ha="center", fontsize=6)
        ax = fig.add_axes((0.15 / WIDTH + n * cell / WIDTH, 0.4 / 4.0, cell / WIDTH, 1.55 / 4.0), projection="3d")
        _draw_3d(ax, align(snaps[j], reference).numpy(), set_size)
        ax.set_title(f"{letter}: step {steps[j]}\n{labels[j]}", fontsize=5.5, y=0.92)

    spec = run.spec
    caption(
        fig,
        f"ReLU output, n={spec['n_features']} in {spec['n_features'] // set_size} correlated sets of {set_size} "
        f"(blue, red), m={spec['n_hidden']}, I = 1, density {spec['densities'][0]}; best of {spec['replicas']} "
        f"replicas by evaluation loss; {len(steps)} log-spaced checkpoints. Snapshots rotated onto the final "
        "model; configurations named by tms.analysis.geometry.",
        y=0.3,
    )
    return fig
