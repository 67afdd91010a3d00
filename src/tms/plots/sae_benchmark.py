"""Beyond the paper: the SAE benchmark (``tms.core.sae_benchmark``, scored by
``tms.analysis.sae_benchmark``).

``plot_sae_benchmark``: (a) variance unexplained against L0 per kind on the superposition datasets
(lower left is better; the true L0 dotted); (b) MCC against k / true L0 for the k-kinds (the true L0
at 1); (c) the best MCC of each kind against the model's features per dimension; (d) the atoms that
neighbouring dictionary sizes share, the estimate of the feature count, against the true count.
``plot_feature_absorption``: absorption of the parents' latents against the co-occurrence
P(child | parent), per kind.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.ticker import NullFormatter

from tms.core.io import Run
from tms.core.sae import K_KINDS
from tms.plots.style import WIDTH, axes_in, caption

KINDS = {
    "relu_l1": "ReLU + L1",
    "jumprelu": "JumpReLU",
    "topk": "TopK",
    "batchtopk": "BatchTopK",
    "matryoshka": "Matryoshka",
}
PALETTE = dict(zip(KINDS.values(), sns.color_palette("colorblind", len(KINDS)), strict=True))


def _table(run: Run) -> pd.DataFrame:
    t = pd.DataFrame(run.meta["scores"]["saes"])
    t["SAE"] = t["kind"].map(KINDS)
    t["k / true L0"] = t["sparsity"] / t["true_l0_expected"]
    return t


def plot_sae_benchmark(run: Run):
    t = _table(run)
    sup = t[t["group"] == "superposition"]
    fig = plt.figure(figsize=(WIDTH, 2.2))
    ax = axes_in(fig, 0.45, 0.45, 1.3, 1.45)
    sns.scatterplot(sup, x="l0", y="fvu", hue="SAE", style="dataset", palette=PALETTE, s=10, ax=ax, legend=False)
    for value in sup["true_l0_expected"].unique():
        ax.axvline(value, color="0.7", ls=":", lw=0.6)
    ax.set(xscale="log", xlabel="L0 (active latents)", ylabel="variance unexplained", ylim=(0, 1.05))
    ax.set_title("(a) reconstruction", fontsize=7)

    ax = axes_in(fig, 2.2, 0.45, 1.3, 1.45)
    ks = sup[sup["kind"].isin(K_KINDS)]
    sns.lineplot(
        ks,
        x="k / true L0",
        y="mcc",
        hue="SAE",
        units="dataset",
        estimator=None,
        palette=PALETTE,
        marker="o",
        ms=3,
        lw=0.8,
        ax=ax,
        legend=False,
    )
    ax.axvline(1, color="0.5", ls=":", lw=0.7)
    ax.set(xscale="log", xlabel="k / true L0", ylabel="MCC (Hungarian, |cos|)")
    ax.set_title("(b) MCC against k", fontsize=7)

    ax = axes_in(fig, 3.95, 0.45, 1.3, 1.45)
    best = sup.groupby(["SAE", "features_per_dim"], as_index=False)["mcc"].max()
    sns.lineplot(best, x="features_per_dim", y="mcc", hue="SAE", palette=PALETTE, marker="o", ms=3, lw=0.8, ax=ax)
    ax.set(xlabel="represented features per dimension", ylabel="best MCC")
    ax.legend(frameon=False, fontsize=5, title=None)
    ax.set_title("(c) recovery against superposition", fontsize=7)

    ax = axes_in(fig, 5.7, 0.45, 1.2, 1.45)
    count = run.meta["scores"]["feature_count"]
    sizes = count["dictionary"]
    ax.plot(sizes[1:], count["stable"], color="0.2", marker="o", ms=3, lw=0.8, label="atoms shared with d/2")
    ax.axhline(count["true"], color="#d62728", ls="--", lw=0.8, label=f"true count {count['true']}")
    ax.set(xscale="log", xlabel="dictionary size d", ylabel="stable atoms", ylim=(0, None))
    ax.set_xticks(sizes[1:], [str(d) for d in sizes[1:]])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.legend(frameon=False, fontsize=5)
    ax.set_title(f"(d) estimate {count['estimate']}", fontsize=7)
    spec = run.spec["sae_benchmark"]
    caption(
        fig,
        f"SAEs of {spec['dictionary']} latents, {spec['steps']} Adam steps, on h = xW of the "
        f"{spec['superposition']['source']} models (markers: source density); scored on {spec['eval_samples']} "
        "fresh inputs against the represented features (‖W_i‖ > 0.5).",
        y=0.05,
    )
    return fig


def plot_feature_absorption(run: Run):
    t = _table(run)
    h = t[t["group"] == "hierarchy"].copy()
    h["co-occurrence"] = h["dataset"].str.extract(r"q=([\d.]+)", expand=False).astype(float)
    fig = plt.figure(figsize=(WIDTH / 2, 2.2))
    ax = axes_in(fig, 0.5, 0.45, 2.2, 1.45)
    sns.lineplot(h, x="co-occurrence", y="absorption", hue="SAE", palette=PALETTE, marker="o", ms=3, lw=0.9, ax=ax)
    # at least 0 to 0.05 on the axis, so that values near zero read as near zero
    top = max(0.05, 1.1 * float(h["absorption"].max()))
    ax.set(xlabel="P(child | parent)", ylabel="absorption of the parent's latent", ylim=(0, top))
    ax.legend(frameon=False, fontsize=5, title=None)
    spec = run.spec["sae_benchmark"]["hierarchy"]
    caption(
        fig,
        f"{spec['parents']} parents with {spec['children']} children each, pushed through one F9 model; "
        "absorption: the parent's latent silent where a child fires, minus its miss rate without a child.",
        y=0.05,
    )
    return fig
