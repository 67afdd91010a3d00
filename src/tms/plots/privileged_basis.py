"""Paper Figures 20 and 22 (#privileged-basis, docs/figures.md F20/F22): the tied ReLU-hidden model
(n = 10, m = 5, I = 0.75^i) from dense to sparse, one column per density (one regime each).

Rows: raw W as the paper prints it (m×n: neurons down, features across, −1 blue … +1 red); the
neuron stack plot (features coloured by superposition, M/P marks monosemantic/polysemantic); and
the ReLU-output model's W at the same density, whose basis is arbitrary (C20.1).
"""

from __future__ import annotations

import matplotlib.pyplot as plt

from tms.analysis.metrics import represented, superposition
from tms.analysis.neurons import monosemantic, neuron_alignment, polysemantic
from tms.core.io import Run
from tms.plots.neurons import stack_plot
from tms.plots.style import (
    SUPERPOSITION_CMAP,
    SUPERPOSITION_NORM,
    WIDTH,
    caption,
    colorbar,
    density_label,
    heatmap,
)


def best_by_density(run: Run) -> list[tuple[float, int]]:
    """(density, instance) of each sweep point's lowest-evaluation-loss replica, dense to sparse."""
    return sorted(((run.density[k], k) for k in run.best_indices()), key=lambda t: -t[0])


def plot_privileged_basis(hidden: Run, output: Run):
    panels = best_by_density(hidden)
    contrast = {round(d, 9): k for d, k in best_by_density(output)}
    cols = len(panels)
    fig, axes = plt.subplots(
        3,
        cols,
        figsize=(WIDTH, 3.6),
        squeeze=False,
        gridspec_kw={"height_ratios": [1, 1.6, 1], "hspace": 0.45, "wspace": 0.25},
    )
    for c, (d, k) in enumerate(panels):
        W = hidden.W[k]
        top, mid, bottom = axes[:, c]
        heatmap(top, W.T)
        mono, poly = int(monosemantic(W, signed_inputs=False).sum()), int(polysemantic(W, signed_inputs=False).sum())
        rep = int(represented(W).sum())
        top.set_title(f"{density_label(d)}\n{rep} features; {mono} M, {poly} P", fontsize=6)
        stack_plot(mid, W, superposition(W), signed_inputs=False)
        mid.set_title(f"alignment {float(neuron_alignment(W)):.2f}", fontsize=6)
        j = contrast.get(round(d, 9))
        if j is None:
            bottom.axis("off")
        else:
            heatmap(bottom, output.W[j].T)
            bottom.set_title(f"alignment {float(neuron_alignment(output.W[j])):.2f}", fontsize=6)
    axes[0, 0].set_ylabel("ReLU hidden\nW (neuron × feature)")
    axes[1, 0].set_ylabel("neuron stacks")
    axes[2, 0].set_ylabel("ReLU output\nW (neuron × feature)")
    cax = fig.add_axes((0.92, 0.38, 0.012, 0.22))
    colorbar(fig, cax, SUPERPOSITION_CMAP, SUPERPOSITION_NORM, "superposition", ticks=[0, 0.5, 1], extend="max")
    spec, other = hidden.spec, output.spec
    caption(
        fig,
        f"ReLU hidden layer (tied, no hidden bias), n={spec['n_features']}, m={spec['n_hidden']}, "
        f"I = {spec['importance_decay']}^i; each column the lowest-loss of K = {spec['replicas']} models "
        f"(paper: 1,000) judged on {spec['recipe']['eval_samples']:,} fresh samples, "
        f"{spec['recipe']['steps']:,} steps. Stacks: one rectangle per weight, height |W_ih|, negative "
        f"weights below the axis; M/P: mono/polysemantic neuron (a feature counts when its positive weight is "
        "≥ 1/4 of the neuron's largest; negative weights only inhibit). Bottom: ReLU-output model, best of "
        f"{other['replicas']}: WᵀW is "
        "unchanged by rotations, so its W is not aligned with any basis. Alignment: mean over "
        "represented features of max_h W_ih²/‖W_i‖².",
        y=-0.05,
    )
    return fig
