"""F13 (#geometry-non-uniform): a pentagon whose fifth feature's density is varied.

n=5, m=2, I = 1, base density 0.05; the last feature's density is r × the others'. Top: the best
fit at each r, canonicalised (rotated so that the varied feature — or, when it is dropped, the
first feature — points right, flipped so that the next feature counter-clockwise is above the
axis). Bottom: the evaluation loss of every fit against r, coloured by its geometry
(``tms.analysis.geometry.describe``: pentagon, two digons, other), the best per r joined by a line.
"""

from __future__ import annotations

import matplotlib.pyplot as plt

from tms.analysis.non_uniform import PAPER_RATIO, canonical, fit_table, snap_ratio
from tms.core.io import Run
from tms.plots.style import WIDTH, axes_in, caption

GEOMETRY_COLOURS = {"pentagon": "#ff7f0e", "2 digons": "#d62728"}
OTHER = "0.6"
LIMIT = 1.25


def plot_non_uniform(run: Run):
    r, loss, labels, best = fit_table(run)
    best = sorted(best, key=lambda k: r[k])
    cols = len(best)
    cell = min(0.75, (WIDTH - 0.3) / cols)
    fig = plt.figure(figsize=(max(WIDTH, cols * cell + 0.3), 3.0))
    for j, k in enumerate(best):
        ax = axes_in(fig, 0.15 + j * cell, 2.0, cell * 0.92, cell * 0.92)
        V = canonical(run.W[k].numpy())
        ax.add_patch(plt.Circle((0, 0), 1, fill=False, color="0.88", lw=0.4))
        for i, (x, y) in enumerate(V):
            colour = "#1f77b4" if i == len(V) - 1 else "0.25"
            ax.plot([0, x], [0, y], color=colour, lw=0.9)
        ax.set_xlim(-LIMIT, LIMIT)
        ax.set_ylim(-LIMIT, LIMIT)
        ax.set_aspect("equal")
        ax.set_axis_off()
        ax.set_title(f"r={r[k]:.2g}", fontsize=5, color=GEOMETRY_COLOURS.get(labels[k], OTHER))
    ax = axes_in(fig, 0.55, 0.45, fig.get_size_inches()[0] - 1.0, 1.45)
    seen = set()
    for k in range(len(r)):
        name = labels[k] if labels[k] in GEOMETRY_COLOURS else "other"
        ax.scatter(
            r[k],
            loss[k],
            s=6,
            color=GEOMETRY_COLOURS.get(name, OTHER),
            linewidths=0,
            alpha=0.8,
            label=None if name in seen else name,
            zorder=2,
        )
        seen.add(name)
    ax.plot(r[best], loss[best], color="k", lw=0.7, label="best fit", zorder=3)
    snap = snap_ratio(r[best], [labels[k] for k in best])
    ax.axvline(PAPER_RATIO, color="0.5", ls=":", lw=0.7, label="paper: 2.5× sparser")
    if snap is not None:
        ax.axvline(snap, color="k", ls="--", lw=0.7, label=f"snap here: {1 / snap:.2g}× sparser")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("relative density r of the varied feature (its density / the others')")
    ax.set_ylabel("evaluation loss")
    ax.legend(frameon=False, fontsize=5, ncol=3, loc="upper left")
    spec = run.spec
    caption(
        fig,
        f"ReLU output, n={spec['n_features']}, m={spec['n_hidden']}, I = 1, base density {spec['densities'][0]}; "
        f"{spec['recipe']['steps']} steps; {spec['replicas']} fits per r (top: the best, the varied feature in blue). "
        "Geometry from tms.analysis.geometry (tegum factors).",
        y=0.1,
    )
    return fig
