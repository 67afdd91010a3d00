"""Beyond the paper: sparse autoencoders on a toy model's hidden activations (trained by
``tms.core.sae``, measured by ``tms.analysis.sae``).

Top: per source density, each SAE's fraction of variance unexplained against its L0 (mean active
latents), one colour per kind, settings of a kind joined (the reconstruction–sparsity trade-off;
lower left is better), with the true mean number of active represented features marked. Bottom:
recovery of the true features per source density, the best SAE of each kind: mean max cosine
between a feature and any atom (MMCS), and the share of features some atom matches at cos > 0.9.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import NullFormatter

from tms.analysis.sae import RECOVERED, sae_table
from tms.core.io import Run
from tms.plots.style import WIDTH, axes_in, caption

KIND_STYLE = {"relu_l1": ("#1f77b4", "ReLU + L1"), "topk": ("#d62728", "TopK"), "jumprelu": ("#2ca02c", "JumpReLU")}


def plot_sae_recovery(run: Run):
    t = sae_table(run)
    densities = sorted(set(t["density"].tolist()), reverse=True)
    kinds = [k for k in KIND_STYLE if k in set(t["kind"].tolist())]
    fig = plt.figure(figsize=(WIDTH, 3.9))
    cell = (WIDTH - 0.6) / len(densities)
    for j, d in enumerate(densities):
        ax = axes_in(fig, 0.5 + j * cell, 2.2, cell - 0.35, 1.35)
        for kind in kinds:
            rows = np.flatnonzero((t["density"] == d) & (t["kind"] == kind))
            rows = rows[np.argsort(t["l0"][rows])]
            colour, label = KIND_STYLE[kind]
            ax.plot(
                np.maximum(t["l0"][rows], 0.05), t["fvu"][rows], color=colour, marker="o", ms=2.5, lw=0.8, label=label
            )
        active = float(t["active"][t["density"] == d][0])
        ax.axvline(max(active, 0.05), color="0.6", ls=":", lw=0.7)
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())  # crowded minor labels on narrow panels
        ax.set_ylim(0, 1.05)
        ax.set_title(f"source density {d:.3g}\n({active:.1f} active represented features)", fontsize=6)
        ax.set_xlabel("L0 (active latents)")
        if j == 0:
            ax.set_ylabel("variance unexplained")
            ax.legend(frameon=False, fontsize=5)
    for col, (key, label) in enumerate(
        (("mmcs", "MMCS (best SAE of a kind)"), ("recovered", f"share with an atom at cos > {RECOVERED}"))
    ):
        ax = axes_in(fig, 0.5 + col * 3.3, 0.55, 2.6, 1.1)
        for kind in kinds:
            colour, name = KIND_STYLE[kind]
            best = [t[key][(t["density"] == d) & (t["kind"] == kind)].max() for d in densities]
            ax.plot(densities, best, color=colour, marker="o", ms=2.5, lw=0.9, label=name)
        ax.set_xscale("log")
        ax.invert_xaxis()
        ax.set_ylim(0, 1.05)
        ax.set_xlabel("source feature density 1−S")
        ax.set_ylabel(label, fontsize=6)
    spec = run.spec
    caption(
        fig,
        f"SAEs with {spec['sae']['dictionary']} latents on h = xW of the {spec['source']} models (n=200, m=20), "
        f"{spec['sae']['steps']} Adam steps each; recovery over represented features (‖W_i‖ > 0.5).",
        y=0.12,
    )
    return fig
