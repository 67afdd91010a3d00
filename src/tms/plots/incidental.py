"""Beyond the paper: polysemanticity without superposition (``tms.analysis.incidental``).

One panel per model (abs-value, tied ReLU hidden), n = 10 features and m = 2n = 20 neurons, so
a monosemantic zero-loss solution exists: the share of alive neurons that are polysemantic
against density, one colour per weight decay (a dot per seed, the line through their mean), and
the paper's m < n models of F22/F25 in grey for comparison. Right: the evaluation loss of the
ample-neuron models, to show how close they come to the zero-loss solution.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from tms.analysis.incidental import polysemantic_share
from tms.core.io import Run
from tms.plots.style import WIDTH, axes_in, caption

DECAY_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd")
MODELS = (("abs_value", "abs-value model"), ("relu_hidden", "tied ReLU-hidden model"))


def _by_density(run: Run, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    density = np.asarray(run.density)
    points = np.unique(density)[::-1]
    return density, points, np.array([values[density == d].mean() for d in points])


def plot_incidental(*runs: Run):
    ample = [r for r in runs if r.spec["n_hidden"] >= 2 * r.spec["n_features"]]
    paper = {r.spec["model"]: r for r in runs if r.spec["n_hidden"] < r.spec["n_features"]}
    fig = plt.figure(figsize=(WIDTH, 2.4))
    loss_ax = axes_in(fig, 5.25, 0.55, 1.6, 1.55)
    for col, (model, title) in enumerate(MODELS):
        ax = axes_in(fig, 0.5 + col * 2.35, 0.55, 1.9, 1.55)
        mine = sorted((r for r in ample if r.spec["model"] == model), key=lambda r: r.spec["recipe"]["weight_decay"])
        for colour, run in zip(DECAY_COLOURS, mine, strict=False):  # a palette for up to four decays
            share = polysemantic_share(run).numpy()
            density, points, mean = _by_density(run, share)
            wd = run.spec["recipe"]["weight_decay"]
            ax.scatter(density, share, s=5, color=colour, alpha=0.5, linewidths=0)
            ax.plot(points, mean, color=colour, lw=0.9, marker="o", ms=2, label=f"m = 2n, weight decay {wd:g}")
            marker = "o" if model == "abs_value" else "x"
            loss_ax.scatter(
                density, np.maximum(run.eval_loss.numpy(), 1e-9), s=5, color=colour, alpha=0.6, marker=marker
            )
        if model in paper:
            best = paper[model].best()
            share = polysemantic_share(best).numpy()
            spec = best.spec
            ax.plot(
                best.density,
                share,
                color="0.5",
                ls="--",
                lw=0.9,
                marker="s",
                ms=2,
                label=f"paper's n={spec['n_features']}, m={spec['n_hidden']} (best fit)",
            )
        ax.set_xscale("log")
        ax.invert_xaxis()
        ax.set_ylim(-0.03, 1.03)
        ax.set_xlabel("feature density 1−S")
        ax.set_ylabel("polysemantic share of alive neurons")
        ax.set_title(title)
        ax.legend(frameon=False, fontsize=5, loc="upper left")
    loss_ax.set_xscale("log")
    loss_ax.set_yscale("log")
    loss_ax.invert_xaxis()
    loss_ax.set_xlabel("feature density 1−S")
    loss_ax.set_ylabel("evaluation loss (m = 2n)")
    loss_ax.set_title("loss: · abs-value, × ReLU hidden")
    steps = ample[0].spec["recipe"]["steps"] if ample else 0
    caption(
        fig,
        f"n=10 features, I = 0.8^i (abs-value) / 0.75^i (ReLU hidden), {steps} steps, AdamW lr 1e-3; a neuron carries "
        "a feature at ≥ 1/4 of its largest input drive (tms.analysis.neurons), polysemantic: two or more.",
        y=0.05,
    )
    return fig
