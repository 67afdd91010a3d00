"""Beyond the paper: memorization and double descent (``tms.analysis.memorization``).

Three figures from the finite-data runs (one run per hidden dimension m, a sweep over the
training-set size T): the test and training loss against T (double descent), the m = 2 model's
hidden vectors and features at a small, the peak and a large T, and the dimensionality of every
data point and feature against T.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from matplotlib.ticker import FuncFormatter, NullFormatter

from tms.analysis.memorization import Fit, fits, peak
from tms.core.io import Run
from tms.plots.style import WIDTH, axes_in, caption

DATA, FEATURE = "#d62728", "#1f77b4"  # the follow-up's colours: data points red, features blue


def _recipe_note(run: Run) -> str:
    spec, recipe = run.spec, run.spec["recipe"]
    return (
        f"n = {spec['n_features']}, 1−S = {spec['densities'][0]:g}, unit-norm points; full batch, {recipe['steps']} "
        f"steps ({recipe['warmup']} warm-up, {recipe['schedule']}), AdamW lr {recipe['lr']:g}, weight decay "
        f"{recipe['weight_decay']:g}; per T the lowest-training-loss of {spec['replicas']} replicas"
    )


PLAIN = FuncFormatter(lambda v, _: f"{v:g}")  # 10, 100 rather than 10^1, 10^2


def _log_x(ax) -> None:
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(PLAIN)
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("training-set size T")


def _T_axis(ax, density: float) -> None:
    _log_x(ax)
    top = ax.secondary_xaxis("top", functions=(lambda t: t * density, lambda a: a / density))
    top.xaxis.set_major_formatter(PLAIN)
    top.xaxis.set_minor_formatter(NullFormatter())
    top.set_xlabel("T·p (appearances of a feature)", fontsize=6)


def plot_double_descent(*runs: Run):
    """Test loss (solid) and training loss (dashed) against T, one colour per m, log axes."""
    fig = plt.figure(figsize=(WIDTH, 2.6))
    ax = axes_in(fig, 0.55, 0.55, 3.6, 1.6)
    rel = axes_in(fig, 4.8, 0.55, 2.0, 1.6)
    colours = sns.color_palette("colorblind", len(runs))
    n = runs[0].spec["n_features"]
    for colour, run in zip(colours, runs, strict=True):
        curve = fits(run)
        T = [f.T for f in curve]
        m = curve[0].m
        ax.plot(T, [f.test_loss for f in curve], color=colour, marker="o", ms=2.5, label=f"m = {m}: test")
        ax.plot(T, [max(f.train_loss, 1e-12) for f in curve], color=colour, ls="--", lw=0.8, label="training")
        top = peak(curve)
        ax.scatter([top.T], [top.test_loss], s=30, facecolors="none", edgecolors=colour, lw=0.8)
        rel.plot(T, [f.test_loss * n for f in curve], color=colour, marker="o", ms=2.5, label=f"m = {m}")
    ax.axhline(1 / n, color="0.5", lw=0.6, ls=":")
    ax.set_yscale("log")
    _T_axis(ax, runs[0].density[0])
    ax.set_ylabel("loss (mean over features)")
    ax.legend(frameon=False, fontsize=5, ncol=len(runs), loc="lower right")
    rel.axhline(1, color="0.5", lw=0.6, ls=":")
    _log_x(rel)
    rel.set_ylabel("test loss × n (1 = predicting 0)")
    rel.legend(frameon=False, fontsize=5)
    caption(
        fig,
        "Circles: each m's test-loss peak. Dotted: the loss of predicting x' = 0 (1/n for unit-norm points). "
        + _recipe_note(runs[0])
        + ".",
        y=0.08,
    )
    return fig


def _choose(curve: list[Fit]) -> list[tuple[str, Fit]]:
    """A small T (the smallest with more points than m + 1, so a polygon is not forced), the peak
    and the largest T."""
    small = next((f for f in curve if f.T > f.m + 1), curve[0])
    return [("few points", small), ("test-loss peak", peak(curve)), ("many points", curve[-1])]


def _vectors(ax, V: np.ndarray, colour: str, title: str) -> None:
    scale = float(np.abs(V).max()) or 1.0
    for v in V:
        ax.plot([0, v[0]], [0, v[1]], color=colour, lw=0.6, alpha=0.8)
    ax.scatter(V[:, 0], V[:, 1], s=3, color=colour, linewidths=0)
    ax.set_xlim(-1.15 * scale, 1.15 * scale)
    ax.set_ylim(-1.15 * scale, 1.15 * scale)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=6)


def plot_memorization_geometry(run: Run):
    """m = 2: the training points' hidden vectors h_t = W x_t (top) and the features W_i (bottom)
    at a small T, at the test-loss peak and at the largest T."""
    curve = fits(run)
    if curve[0].m != 2:
        raise ValueError(f"memorization_geometry draws a 2-D model; run {run.spec['name']} has m = {curve[0].m}")
    fig = plt.figure(figsize=(WIDTH, 4.6))
    for col, (label, fit) in enumerate(_choose(curve)):
        left = 0.35 + col * 2.25
        h, W = fit.h.numpy(), fit.W.numpy()
        dd, fd = fit.data_dim, fit.feature_dim
        _vectors(
            axes_in(fig, left, 2.45, 1.9, 1.9),
            h,
            DATA,
            f"{label}: T = {fit.T}\nhidden vectors h_t (max D_t = {float(dd.max()):.2f})",
        )
        _vectors(
            axes_in(fig, left, 0.35, 1.9, 1.9),
            W,
            FEATURE,
            f"features W_i (max D_i = {float(fd.max()):.2f})",
        )
    caption(fig, "Scales differ between panels. " + _recipe_note(run) + ".", y=0.25)
    return fig


def plot_data_vs_feature_dimensionality(*runs: Run):
    """Per m: every training point's dimensionality D_t (red) and every feature's D_i (blue)
    against T, with the largest of each set as a line."""
    fig = plt.figure(figsize=(WIDTH, 2.5))
    width = (WIDTH - 0.5) / len(runs) - 0.35
    rng = np.random.default_rng(0)  # horizontal jitter only, so overlapping dots stay visible
    for col, run in enumerate(runs):
        ax = axes_in(fig, 0.5 + col * (width + 0.35), 0.5, width, 1.5)
        curve = fits(run)
        for fit in curve:
            for values, colour in ((fit.feature_dim, FEATURE), (fit.data_dim, DATA)):
                v = values.numpy()
                x = fit.T * np.exp(rng.uniform(-0.08, 0.08, len(v)))
                ax.scatter(x, v, s=2, color=colour, alpha=0.35, linewidths=0, rasterized=True)
        T = [f.T for f in curve]
        ax.plot(T, [float(f.data_dim.max()) for f in curve], color=DATA, lw=0.9, label="data points (max)")
        ax.plot(T, [float(f.feature_dim.max()) for f in curve], color=FEATURE, lw=0.9, label="features (max)")
        _T_axis(ax, curve[0].density)
        ax.set_ylim(-0.02, 1.02)
        ax.set_title(f"m = {curve[0].m}", fontsize=7, pad=18)
        if col == 0:
            ax.set_ylabel("dimensionality D")
            ax.legend(frameon=False, fontsize=5, loc="upper right")
    caption(
        fig,
        "D_v = ‖v‖² / Σ_u (v̂·u)² over the training points' hidden vectors h_t = W x_t (red) or the features W_i "
        "(blue). " + _recipe_note(runs[0]) + ".",
        y=0.05,
    )
    return fig
