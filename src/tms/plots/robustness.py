"""The robustness study's figure: claims × variants, held or not (``tms.robustness``)."""

from __future__ import annotations

import matplotlib.pyplot as plt  # noqa: E402  (after tms.plots.style chose the backend)
import numpy as np
import seaborn as sns
from matplotlib.colors import ListedColormap

from tms.plots.style import STYLE, WIDTH, save_figure

# not run, not measured, not held, held
STATES = ("not run", "not measured", "not held", "held")
COLOURS = ("#f2f2f2", "#bdbdbd", "#d6604d", "#4393c3")
VERDICT_MARK = {
    "replicates": "",
    "replicates at paper scale": "P",
    "recipe": "R",
    "not replicated": "✗",
    "not replicated at default scale": "✗d",
}


def plot_robustness(record: dict, path, preview=None) -> None:
    """One row per claim, one column per variant; a claim's row is labelled with its verdict
    (P: held at the paper's scale only, R: only under a recipe variant, ✗: under none, ✗d: under
    none at the default scale, the paper's not run) and its seed count."""
    names = list(record["variants"])
    rows = record["claims"]
    grid = np.zeros((len(rows), len(names)))
    for i, r in enumerate(rows):
        for j, n in enumerate(names):
            status = r["results"].get(n, {}).get("status", "not run")
            grid[i, j] = STATES.index(status)
    labels = [
        f"{r['id']}{'*' if r['required'] else ''}  {r['seeds']['held']}/{r['seeds']['of']} {VERDICT_MARK[r['verdict']]}"
        for r in rows
    ]
    with plt.rc_context(STYLE), sns.axes_style("white", {**STYLE}):
        fig, ax = plt.subplots(figsize=(WIDTH * 0.75, 0.14 * len(rows) + 1.2))
        sns.heatmap(
            grid,
            ax=ax,
            cmap=ListedColormap(COLOURS),
            vmin=-0.5,
            vmax=len(STATES) - 0.5,
            cbar_kws={"ticks": range(len(STATES)), "shrink": 0.4, "aspect": 12},
            linewidths=0.5,
            linecolor="white",
            xticklabels=[record["variants"][n]["label"] for n in names],
            yticklabels=labels,
        )
        ax.collections[0].colorbar.set_ticklabels(STATES)
        ax.tick_params(axis="x", labelrotation=40, length=0)
        ax.tick_params(axis="y", length=0, labelsize=5.5)
        plt.setp(ax.get_xticklabels(), ha="right")
        ax.set_title(
            "Every claim under every variant (row: claim, held on k/n seeds; P only at paper scale, R only under a "
            "recipe, ✗ under none, ✗d none at the default scale)",
            fontsize=6.5,
        )
        save_figure(fig, path, preview)
