"""F19 (#adversarial): vulnerability to the analytic attack and features per dimension across
sparsity, and their scatter (docs/figures.md). Dots are every replica; lines join the best replica
of each density (lowest evaluation loss)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm

from tms.analysis.adversarial import BUDGET, spearman, sweep
from tms.core.io import Run
from tms.plots.style import WIDTH, caption, colorbar


def _density_axis(ax) -> None:
    ax.set_xscale("log")
    ax.invert_xaxis()  # sparser to the right, as in the paper
    ax.set_xlabel("feature density $1{-}S$")


def plot_adversarial(run: Run):
    """Three panels from a ReLU-output density sweep."""
    s = sweep(run)
    d, v, f = (np.asarray(s[k]) for k in ("density", "vulnerability", "features_per_dimension"))
    best = np.asarray(s["best"])
    best = best[np.argsort(d[best])[::-1]]
    norm = LogNorm(vmin=d.min(), vmax=d.max())
    fig = plt.figure(figsize=(WIDTH, 2.3))
    axes = [fig.add_axes((0.07 + 0.31 * i, 0.25, 0.22, 0.62)) for i in range(3)]
    for ax, y, label in (
        (axes[0], v, "vulnerability $(L'-L)/(L'_0-L_0)$"),
        (axes[1], f, r"features per dimension $\|W\|_F^2/m$"),
    ):
        ax.scatter(d, y, s=8, c=d, cmap="viridis", norm=norm, zorder=3)
        ax.plot(d[best], y[best], color="0.3", lw=0.8, zorder=2)
        _density_axis(ax)
        ax.set_ylabel(label)
    axes[0].axhline(1.0, color="0.6", lw=0.6, ls="--")
    axes[0].set_title("vulnerability vs sparsity")
    axes[1].set_title("superposition vs sparsity")
    ax = axes[2]
    ax.scatter(f, v, s=8, c=d, cmap="viridis", norm=norm, zorder=3)
    ax.set_xlabel(r"features per dimension $\|W\|_F^2/m$")
    ax.set_ylabel("vulnerability")
    ax.set_title(f"Spearman ρ = {spearman(v, f):.2f}")
    colorbar(fig, fig.add_axes((0.95, 0.25, 0.012, 0.62)), "viridis", norm, "density $1{-}S$")
    spec = run.spec
    caption(
        fig,
        f"ReLU output, n={run.W.shape[1]}, m={run.W.shape[2]}, I = {spec['importance_decay']}^i, "
        f"{spec['replicas']} replica(s) per density (the F9 sweep). Attack: for each feature i, "
        f"δ ∝ row i of WᵀW with ‖δ‖ = {BUDGET} × mean ‖x‖, added to every input; the most harmful i. "
        "Baseline (dashed, = 1): the same attack on the model that represents the m most important "
        "features orthogonally, which costs I₀ε² per sample.",
        y=0.1,
    )
    return fig
