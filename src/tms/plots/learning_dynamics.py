"""F17 (#learning-jumps): each represented feature's dimensionality D_i over training (log steps)
and the training loss, for the lowest-loss replica, with the detected jumps marked."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from tms.analysis.dynamics import WINDOW_DECADES, jumps, trajectories
from tms.analysis.metrics import represented
from tms.core.io import Run
from tms.plots.style import WIDTH, caption

FRACTIONS = (1.0, 3 / 4, 2 / 3, 1 / 2, 2 / 5, 3 / 8)


def plot_learning_dynamics(run: Run):
    k = run.best_indices()[0]
    steps = np.asarray(run["checkpoint_steps"].tolist())
    D = trajectories(run["checkpoints.W"][k])
    rep = represented(run.W[k])
    j = jumps(D, steps.tolist())
    x = np.maximum(steps, 1)
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(WIDTH * 0.6, 3.4), sharex=True, gridspec_kw={"height_ratios": [2, 1]}
    )
    for frac in FRACTIONS:
        top.axhline(frac, color="0.85", lw=0.5, zorder=0)
    colours = plt.cm.viridis(np.linspace(0, 0.9, int(rep.sum())))
    for colour, i in zip(colours, np.flatnonzero(rep.numpy()), strict=True):
        top.plot(x, D[:, i], color=colour, lw=0.8)
        top.plot(j["step"][i], 0.02, marker="|", color=colour, ms=5)
    top.plot(x, D[:, ~rep].mean(1), color="0.6", lw=0.8, ls="--", label="mean of unlearned features")
    top.set_ylabel("feature dimensionality $D_i$")
    top.set_ylim(0, 1.05)
    top.legend(loc="upper left", frameon=False)
    top.set_title(f"{int(rep.sum())} of {D.shape[1]} features learned; ticks at the bottom: each one's jump")
    loss_steps = np.asarray(run["loss_steps"].tolist())
    bottom.plot(np.maximum(loss_steps, 1), run["loss_curve"][k], color="0.2", lw=0.8)
    bottom.set_xscale("log")
    bottom.set_xlabel("training step")
    bottom.set_ylabel("training loss")
    spec = run.spec
    caption(
        fig,
        f"ReLU output, n={spec['n_features']}, m={spec['n_hidden']}, I = 1, density {spec['densities'][0]}; "
        f"best of {spec['replicas']} replicas by evaluation loss; {len(steps)} log-spaced checkpoints. "
        f"A feature's jump: the {WINDOW_DECADES}-decade window of steps with its largest change of D_i.",
        y=-0.05,
    )
    return fig
