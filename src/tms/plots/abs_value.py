"""Paper Figures 24–27 (#computation, docs/figures.md F24–F27): the abs-value model
h = ReLU(W₁x), y' = ReLU(W₂h + b), every hidden unit rescaled so its largest |W₁| is 1 (§8).

* ``abs_small`` (F24): n = 3, m = 6, dense: W₁ and W₂ as heatmaps and W₁'s neuron stacks — each
  feature gets a ReLU(x_i) and a ReLU(−x_i) neuron with positive output weights.
* ``abs_sparsity`` (F25): n = 100, m = 40, I = 0.8^i, dense to sparse: stacks of |W₁| per neuron,
  neurons sorted by the importance of their largest feature.
* ``abs_motif`` (F26/F27): one intermediate-sparsity model with mono- and polysemantic neurons, and
  the asymmetric-superposition-with-inhibition motif found by ``tms.analysis.motif`` outlined in it.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from tms.analysis.metrics import superposition
from tms.analysis.motif import find_motifs
from tms.analysis.neurons import computes_abs, monosemantic, neuron_order, polysemantic, rescale_units
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
    selection_note,
)


def rescaled(run: Run, k: int):
    """Instance ``k``'s (W₁, W₂) after the §8 unit rescaling, ``[n, m]`` each."""
    return rescale_units(run["W1"][k], run["W2"][k])


def best_by_density(run: Run) -> list[tuple[float, int]]:
    return sorted(((run.density[k], k) for k in run.best_indices()), key=lambda t: -t[0])


def plot_abs_small(run: Run):
    k = run.best_indices()[0]
    W1, W2 = rescaled(run, k)
    n, m = W1.shape
    fig, axes = plt.subplots(
        1, 3, figsize=(WIDTH * 0.75, 1.9), gridspec_kw={"width_ratios": [1, 1, 1.6], "wspace": 0.4}
    )
    heatmap(axes[0], W1.T / W1.abs().max())
    axes[0].set_title("W₁ (neuron × input)")
    heatmap(axes[1], W2 / W2.abs().max())
    axes[1].set_title("W₂ (output × neuron)")
    for ax, rows, cols in ((axes[0], m, n), (axes[1], n, m)):
        ax.set_yticks(range(rows))
        ax.set_xticks(range(cols))
    palette = plt.cm.tab10(np.arange(n) % 10)
    stack_plot(axes[2], W1, superposition(W1), W2, palette=palette)
    axes[2].set_title("W₁ stacks (colour: input feature)")
    for i in range(n):
        axes[2].bar(0, 0, color=palette[i], label=f"x{i}")
    axes[2].legend(loc="upper right", bbox_to_anchor=(1.25, 1.0), frameon=False, handlelength=0.8)
    ok = int(computes_abs(run["W1"][k], run["W2"][k], run.b[k]).sum())
    caption(
        fig,
        f"Abs-value model, n={n}, m={m}, density {run.density[k]:g}; {ok} of {n} features give |x_i| for ±1 inputs"
        f"{selection_note(run.spec)}. Units rescaled so their largest |W₁| is 1 (W₂ shown divided by its largest "
        "entry); −1 blue … +1 red.",
        y=-0.08,
    )
    return fig


def plot_abs_sparsity(run: Run):
    panels = best_by_density(run)
    fig, axes = plt.subplots(
        len(panels), 1, figsize=(WIDTH, 0.9 * len(panels)), squeeze=False, gridspec_kw={"hspace": 0.6}
    )
    for ax, (d, k) in zip(axes[:, 0], panels, strict=True):
        W1, W2 = rescaled(run, k)
        stack_plot(ax, W1.abs(), superposition(W1), W2, order=neuron_order(W1))
        rep = int(computes_abs(run["W1"][k], run["W2"][k], run.b[k]).sum())
        ax.set_title(
            f"{density_label(d)}: {int(monosemantic(W1, W2).sum())} monosemantic, "
            f"{int(polysemantic(W1, W2).sum())} polysemantic neurons; {rep} features computed",
            fontsize=6,
            loc="left",
        )
    cax = fig.add_axes((0.93, 0.4, 0.01, 0.2))
    colorbar(fig, cax, SUPERPOSITION_CMAP, SUPERPOSITION_NORM, "superposition", ticks=[0, 0.5, 1], extend="max")
    spec = run.spec
    caption(
        fig,
        f"Abs-value model, n={spec['n_features']}, m={spec['n_hidden']}, I = {spec['importance_decay']}^i, "
        f"{spec['recipe']['steps']:,} steps{selection_note(spec)}. Each column one neuron's |W₁| after rescaling "
        "(largest = 1), one rectangle per feature; neurons sorted by the importance of their largest feature. "
        "Features computed: output within 0.5 of 1 for x = ±e_i.",
        y=-0.05,
    )
    return fig


def motif_model(run: Run) -> tuple[int, list]:
    """The instance shown in F26/F27: the model with the most motif occurrences; ties (e.g. none
    anywhere) go to the one whose mono- and polysemantic neurons are most evenly mixed
    (max of min(#mono, #poly)), then the lowest loss. Returns (instance, its motifs)."""
    scored = []
    for k in range(run["W1"].shape[0]):
        W1, W2 = run["W1"][k], run["W2"][k]
        mixed = min(int(monosemantic(W1, W2).sum()), int(polysemantic(W1, W2).sum()))
        motifs = find_motifs(W1, W2)
        scored.append((len(motifs), mixed, -float(run.eval_loss[k]), k, motifs))
    best = max(scored)
    return best[3], best[4]


def plot_abs_motif(run: Run):
    k, motifs = motif_model(run)
    W1, W2 = rescaled(run, k)
    order = neuron_order(W1)
    colours = plt.cm.tab10(np.arange(10))
    highlight = {}
    for j, mo in enumerate(motifs[:5]):
        highlight.setdefault(mo.neuron, colours[j])
        highlight.setdefault(mo.inhibitor, colours[j])
    fig = plt.figure(figsize=(WIDTH, 3.2))
    top = fig.add_axes((0.06, 0.45, 0.86, 0.45))
    stack_plot(top, W1, superposition(W1), W2, order=order, highlight=highlight)
    top.set_title(
        f"{density_label(run.density[k])}: {int(monosemantic(W1, W2).sum())} monosemantic and "
        f"{int(polysemantic(W1, W2).sum())} polysemantic neurons (signed W₁, sorted by main feature); "
        f"outlined: motif neurons",
        fontsize=6,
        loc="left",
    )
    if motifs:
        mo = motifs[0]
        ax = fig.add_axes((0.06, 0.08, 0.3, 0.25))
        table = np.array(
            [
                [W1[mo.a, mo.neuron], W1[mo.b, mo.neuron], W2[mo.a, mo.neuron], W2[mo.b, mo.neuron]],
                [W1[mo.a, mo.inhibitor], W1[mo.b, mo.inhibitor], W2[mo.a, mo.inhibitor], W2[mo.b, mo.inhibitor]],
            ]
        )
        scale = np.abs(table).max()
        heatmap(ax, table / scale)
        for (r, c), v in np.ndenumerate(table):
            ax.text(c, r, f"{v:.2f}", ha="center", va="center", fontsize=5)
        ax.set_xticks(range(4), [f"W₁[a={mo.a}]", f"W₁[b={mo.b}]", f"W₂[a={mo.a}]", f"W₂[b={mo.b}]"], fontsize=5)
        ax.set_yticks(range(2), [f"h={mo.neuron}", f"h'={mo.inhibitor}"], fontsize=5)
        ax.set_title("first motif (rescaled units)", fontsize=6)
    else:
        fig.text(
            0.06,
            0.25,
            "The detector found no occurrence of the motif in any model of this sweep\n"
            "(see claim C27.1); the model shown is the one mixing mono- and polysemantic neurons most evenly.",
            fontsize=6,
            color="0.3",
        )
    found = [len(find_motifs(run["W1"][j], run["W2"][j])) > 0 for j in range(len(run.density))]
    caption(
        fig,
        f"Abs-value model n={run.spec['n_features']}, m={run.spec['n_hidden']}, instance {k} of the F25 sweep. "
        f"Motif: neuron h stores a (large weight) and b (≤ 1/2 of it, opposite sign) with W₂|W₁| within ×2 of 1 "
        f"for both, and h' driven by a cancels ≥ half of h's push on output b. {len(motifs)} occurrences here; "
        f"found in {sum(found)} of {len(found)} models of the sweep.",
        y=0.02,
    )
    return fig
