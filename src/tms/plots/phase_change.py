"""Paper Figures 7 and 8 (#phase-change, docs/figures.md F7/F8): theoretical and empirical phase diagrams.

Each figure has four panels on log axes: the closed-form phase map (``tms.analysis.theory``), the
empirical map of the trained grid (``tms.analysis.phase_diagram``), and the candidates' loss curves along
the grid columns nearest r = 0.5 and r = 2 with the trained models' losses on top (C7.3: the
optimal loss follows one curve, then another; its slope jumps where they cross).

F7 (n = 2, m = 1) uses the paper's colouring of the extra feature: hue by its superposition
(blue = dedicated dimension, red = superposition) and saturation by its norm (white = not
represented). F8 (n = 3, m = 2) colours by candidate, since its flat 4/7 line separates two
solutions in both of which the extra feature is dedicated.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LinearSegmentedColormap, to_rgb
from matplotlib.patches import Patch

from tms.analysis import theory
from tms.analysis.phase_diagram import OTHER, PhaseGrid, nearest_column, phase_grid
from tms.core.io import Run
from tms.plots.style import WIDTH, axes_in, caption

# Hue of the extra feature by its superposition: 0 (dedicated) blue → ≥ 1 red.
EXTRA_HUE = LinearSegmentedColormap.from_list("extra_superposition", ["#2166ac", "#7b3294", "#d6301d"])
# F8: one colour per candidate of tms.analysis.theory (n = 3), keyed by label; OTHER is grey.
CANDIDATE_COLOURS = {
    "extra_dropped": "#f2f2f2",
    "other_dropped": "#2166ac",
    "extra_antipodal": "#d6301d",
    "others_antipodal": "#92c5de",
}
OTHER_COLOUR = "#8c8c8c"
LOSS_COLUMNS = (0.5, 2.0)  # r of the loss-curve panels (docs/figures.md C7.3)
THEORY_POINTS = 241  # per axis of the closed-form panel
MARGIN_LEVEL = 0.2  # the dotted contour: best closed-form loss 20% below the runner-up (C7.4)

# Layout in inches.
MAP, LOSS_W, LEFT, BOTTOM, TOP = 1.6, 1.05, 0.42, 0.95, 0.25
X_EMPIRICAL, X_KEY, X_LOSS, LOSS_PITCH = 2.12, 3.92, 4.72, 1.38
KEY = 0.36  # F7's colour key: superposition across, norm up


def extra_colour(norm, sup) -> np.ndarray:
    """RGB ``[..., 3]``: hue by superposition (clipped to [0, 1]), saturation by norm (white at 0)."""
    hue = np.asarray(EXTRA_HUE(np.clip(np.asarray(sup, float), 0, 1)))[..., :3]
    weight = np.clip(np.asarray(norm, float), 0, 1)[..., None]
    return 1 - weight * (1 - hue)


def candidate_colour(n: int, index) -> np.ndarray:
    """RGB ``[..., 3]`` of candidate indices (``OTHER`` grey)."""
    palette = [to_rgb(_candidate_palette(n)[c.label]) for c in theory.candidates(n)] + [to_rgb(OTHER_COLOUR)]
    index = np.asarray(index)
    return np.array(palette)[np.where(index == OTHER, len(palette) - 1, index)]


def _candidate_palette(n: int) -> dict[str, str]:
    if n == 3:
        return CANDIDATE_COLOURS
    # n = 2: the F7 colouring of each candidate's extra feature (norm 0 or 1, superposition 0 or 1)
    return {c.label: _extra_hex(c) for c in theory.candidates(n)}


def _extra_hex(c: theory.Candidate) -> str:
    norm = float(np.linalg.norm(c.W[-1]))
    sup = 1.0 if c.extra == theory.SUPERPOSITION else 0.0
    return "#%02x%02x%02x" % tuple(int(round(255 * v)) for v in extra_colour(norm, sup))


def _edges(values: np.ndarray) -> np.ndarray:
    """Cell edges of a log-spaced axis: geometric midpoints, half a step beyond the ends."""
    v = np.log(values)
    if len(v) == 1:
        return np.exp([v[0] - 0.5, v[0] + 0.5])
    mid = (v[1:] + v[:-1]) / 2
    return np.exp(np.concatenate([[2 * v[0] - mid[0]], mid, [2 * v[-1] - mid[-1]]]))


def _map_axes(ax, r_lim, s_lim, title: str, ylabel: bool) -> None:
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(*r_lim)
    ax.set_ylim(*s_lim)
    ax.set_xlabel("relative importance $r$", labelpad=1)
    if ylabel:
        ax.set_ylabel("feature density $1{-}S$", labelpad=1)
    ax.set_title(title, pad=3)


def _overlay_theory(ax, n: int, r_lim) -> None:
    """The closed-form boundary (solid), the 20%-margin contour (dotted) and the triple point."""
    r = np.geomspace(*r_lim, THEORY_POINTS)
    ax.plot(r, theory.boundary(n, r), color="k", lw=0.7)
    ax.plot(*theory.TRIPLE_POINT, "o", ms=2.5, mfc="white", mec="k", mew=0.5)


def _margin_contour(ax, n: int, r_lim, s_lim) -> None:
    r, s = np.geomspace(*r_lim, THEORY_POINTS), np.geomspace(*s_lim, THEORY_POINTS)
    pm = theory.phase_map(n, r, s)
    ax.contour(r, s, pm.margin, levels=[MARGIN_LEVEL], colors="0.25", linewidths=0.5, linestyles=":")


def _theory_rgb(n: int, r: np.ndarray, s: np.ndarray) -> np.ndarray:
    best = theory.phase_map(n, r, s).best
    return candidate_colour(n, best)


def _empirical_rgb(grid: PhaseGrid) -> np.ndarray:
    if grid.n == 2:
        return extra_colour(grid.extra_norm, grid.extra_superposition)
    return candidate_colour(grid.n, grid.candidate)


def _loss_panel(ax, grid: PhaseGrid, r_target: float, ylabel: bool) -> None:
    """Candidate losses and the trained models' lowest loss along the column nearest ``r_target``."""
    j = nearest_column(grid, r_target)
    r = float(grid.r[j])
    s = np.geomspace(grid.s.min(), grid.s.max(), THEORY_POINTS)
    palette = _candidate_palette(grid.n)
    losses = theory.candidate_losses(grid.n, r, s, grid.loss_reduction)
    for c, loss in zip(theory.candidates(grid.n), losses, strict=True):
        colour = palette[c.label]
        edge = "0.6" if np.mean(to_rgb(colour)) > 0.9 else colour  # white-ish candidates get a grey line
        ax.plot(s, loss, color=edge, lw=0.8, ls=(0, (3, 1.5)))
    ax.plot(s, losses.min(0), color="k", lw=0.6, alpha=0.5, zorder=1)
    ax.plot(grid.s, grid.loss[:, j], "o", ms=2.2, mfc="k", mec="none", zorder=3)
    ax.axvline(float(theory.boundary(grid.n, r)), color="k", lw=0.5, ls=":")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(grid.s.min(), grid.s.max())
    # y range from the closed forms: a sparse cell's evaluation loss rests on a handful of
    # both-active samples and may scatter far below its expectation
    ax.set_ylim(losses.min(0).min() / 5, losses.max() * 2)
    ax.set_xlabel("feature density $1{-}S$", labelpad=1)
    if ylabel:
        ax.set_ylabel(f"loss per sample ({grid.loss_reduction} over features)", labelpad=1)
    ax.set_title(f"loss along $r$ = {r:.2g}", pad=3)


def plot_phase_diagram(run: Run):
    """F7 (n = 2, m = 1) or F8 (n = 3, m = 2) from one phase-diagram run."""
    grid = phase_grid(run)
    n = grid.n
    r_lim = tuple(_edges(grid.r)[[0, -1]])
    s_lim = tuple(_edges(grid.s)[[0, -1]])
    height = BOTTOM + MAP + TOP
    fig = plt.figure(figsize=(WIDTH, height))

    ax_t = axes_in(fig, LEFT, BOTTOM, MAP, MAP)
    r_fine, s_fine = np.geomspace(*r_lim, THEORY_POINTS), np.geomspace(*s_lim, THEORY_POINTS)
    ax_t.pcolormesh(_edges(r_fine), _edges(s_fine), _theory_rgb(n, r_fine, s_fine), rasterized=True)
    _margin_contour(ax_t, n, r_lim, s_lim)
    _overlay_theory(ax_t, n, r_lim)
    _map_axes(ax_t, r_lim, s_lim, f"closed form, n = {n}, m = {n - 1}", True)

    ax_e = axes_in(fig, X_EMPIRICAL, BOTTOM, MAP, MAP)
    ax_e.pcolormesh(_edges(grid.r), _edges(grid.s), _empirical_rgb(grid), rasterized=True)
    _margin_contour(ax_e, n, r_lim, s_lim)
    _overlay_theory(ax_e, n, r_lim)
    _map_axes(ax_e, r_lim, s_lim, f"trained, {len(grid.s)}×{len(grid.r)} cells", False)
    ax_e.set_yticklabels([])

    if n == 2:
        _colour_key(axes_in(fig, X_KEY, BOTTOM + (MAP - KEY) / 2, KEY, KEY))
    for i, r_target in enumerate(LOSS_COLUMNS):
        ax = axes_in(fig, X_LOSS + i * LOSS_PITCH, BOTTOM, LOSS_W, MAP)
        _loss_panel(ax, grid, r_target, i == 0)

    _legend(fig, n)
    spec = run.spec
    caption(
        fig,
        (
            f"ReLU output model; features of importance 1, the extra (last) feature of importance $r$; "
            f"{spec['replicas']} models per cell ({grid.aggregate.replace('_', ' ')}). Solid line: closed-form "
            f"boundary; dotted: best candidate 20% below the runner-up; circle: triple point (1, 4/7). "
            f"Loss panels: candidate losses (dashed), their minimum (grey), trained models (dots)."
        ),
        y=0.3,
    )
    return fig


def _colour_key(ax) -> None:
    """F7's two-dimensional colour key: superposition of the extra feature across, its norm up."""
    sup, norm = np.meshgrid(np.linspace(0, 1, 32), np.linspace(0, 1, 32))
    ax.imshow(extra_colour(norm, sup), origin="lower", extent=(0, 1, 0, 1), interpolation="nearest")
    ax.set_xticks([0, 1], ["0", "1"])
    ax.set_yticks([0, 1])
    ax.set_xlabel("superposition", labelpad=1, fontsize=5.5)
    ax.set_ylabel(r"$\|W_{extra}\|$", labelpad=0, fontsize=5.5)
    ax.tick_params(labelsize=5, length=1.5, pad=1)


def _legend(fig, n: int) -> None:
    palette = _candidate_palette(n)
    handles = [
        Patch(facecolor=palette[c.label], edgecolor="0.5", lw=0.3, label=candidate_name(c))
        for c in theory.candidates(n)
    ]
    if n == 3:
        handles.append(Patch(facecolor=OTHER_COLOUR, edgecolor="0.5", lw=0.3, label="none of these"))
    height = fig.get_size_inches()[1]
    fig.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(LEFT / WIDTH, 0.36 / height),
        ncol=len(handles),
        frameon=False,
        handlelength=1.2,
        columnspacing=1.0,
        fontsize=6,
        borderaxespad=0,
    )


def candidate_name(c: theory.Candidate) -> str:
    return {
        "extra_dropped": "extra not represented",
        "extra_dedicated": "extra dedicated",
        "other_dropped": "other dropped, extra dedicated",
        "extra_antipodal": "extra antipodal (superposition)",
        "others_antipodal": "others antipodal, extra dedicated",
    }[c.label]
