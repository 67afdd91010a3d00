"""One look for every figure: the rc style, the paper's colour conventions and small helpers.

Importing this module forces matplotlib's headless Agg backend, so plotting works on machines
without a display (Snakemake jobs, CI). Layouts are placed in inches (``axes_in``) because the
figures are small multiples whose cells should stay square whatever the number of panels.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # before pyplot: no display on workflow machines

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.colors import LinearSegmentedColormap, Normalize  # noqa: E402

from tms.core.io import atomic_write  # noqa: E402

WIDTH = 7.0  # inches: a full text width; fonts below stay readable at this size

# seaborn's "ticks" style and "paper" context (fonts scaled to 7 pt), then what these figures need
# beyond them: thinner lines and ticks for 7-inch rows of small panels, no top/right spines, no
# forced white patch edges (the stack plots draw their own), embedded TrueType fonts.
STYLE = {
    **sns.axes_style("ticks"),
    **sns.plotting_context("paper", font_scale=7 / 9.6),
    "xtick.labelsize": 6,
    "ytick.labelsize": 6,
    "legend.fontsize": 6,
    "axes.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "xtick.major.size": 2.5,
    "ytick.major.size": 2.5,
    "lines.linewidth": 1.0,
    "patch.force_edgecolor": False,
    "image.cmap": "viridis",
    "mathtext.fontset": "dejavusans",
    "pdf.fonttype": 42,  # embed TrueType: text stays editable and searchable in the PDF
    "ps.fonttype": 42,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.03,
    "figure.dpi": 100,
}

# WᵀW and b (paper Figure 4): −1 blue, 0 white, +1 red, fixed limits so panels compare.
GRAM_CMAP = "bwr"
GRAM_NORM = Normalize(vmin=-1.0, vmax=1.0)

# Superposition Σ_{j≠i}(Ŵ_i·W_j)²: dark at 0 (dedicated dimension) to yellow at ≥ 1.
SUPERPOSITION_CMAP = LinearSegmentedColormap.from_list("superposition", ["#1b1b3a", "#3b528b", "#21918c", "#fde725"])
SUPERPOSITION_NORM = Normalize(vmin=0.0, vmax=1.0, clip=True)

# Feature importance (paper Figure 1): most important yellow, least important dark purple.
IMPORTANCE_CMAP = "viridis"

LABEL_GRAM = r"$W^\top W$"
LABEL_NORM = r"$\|W_i\|$"
LABEL_FRO = r"$\|W\|_F^2$"


def density_label(density: float) -> str:
    """``"1−S = 0.001"`` for the paper's density axis."""
    return f"$1{{-}}S$ = {density:.3g}"  # {-}: no operator spacing, narrow columns stay apart


def selection_note(spec: dict) -> str:
    """How each panel's model was chosen, from the experiment spec (``Run.spec``)."""
    k = spec.get("replicas", 1)
    return f"; each panel: best of {k} replicas by evaluation loss" if k > 1 else ""


def axes_in(fig, left: float, bottom: float, width: float, height: float):
    """Add an axes placed in inches from the figure's lower-left corner."""
    w, h = fig.get_size_inches()
    return fig.add_axes((left / w, bottom / h, width / w, height / h))


def heatmap(ax, values) -> None:
    """Draw ``values`` ``[rows, cols]`` with the WᵀW colour convention, without ticks."""
    ax.imshow(np.asarray(values), cmap=GRAM_CMAP, norm=GRAM_NORM, interpolation="nearest", aspect="auto")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():  # a thin frame separates white cells from the page
        spine.set_visible(True)
        spine.set_linewidth(0.4)


def colorbar(fig, cax, cmap, norm, label: str, ticks=None, extend: str = "neither"):
    """A colour bar for ``cmap``/``norm`` drawn into ``cax``."""
    mappable = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    bar = fig.colorbar(mappable, cax=cax, ticks=ticks, extend=extend)
    bar.set_label(label, labelpad=2)
    bar.outline.set_linewidth(0.4)
    bar.ax.tick_params(width=0.4, length=2)
    return bar


def caption(fig, text: str, y: float = 0.0) -> None:
    """A small grey note below the panels (``y`` in inches from the bottom edge; may be < 0)."""
    fig.text(0.5, y / fig.get_size_inches()[1], text, ha="center", va="top", fontsize=6, color="0.35", wrap=True)


PREVIEW_DPI = 200  # the report shows the previews: sharp enough to read on screen


def save_figure(fig, path, preview=None) -> None:
    """Write ``fig`` as a PDF at ``path`` atomically, and as a PNG at ``preview`` if given (the
    report notebook shows these, so it never redraws a figure), then close it."""
    try:
        # No CreationDate: the same figure gives the same bytes, so rebuilds are detectable.
        atomic_write(path, lambda tmp: fig.savefig(tmp, format="pdf", metadata={"CreationDate": None}))
        if preview is not None:
            atomic_write(
                preview, lambda tmp: fig.savefig(tmp, format="png", dpi=PREVIEW_DPI, metadata={"Software": None})
            )
    finally:
        plt.close(fig)
