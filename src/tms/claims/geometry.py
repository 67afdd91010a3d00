"""Claims of F9 and F10 (#geometry-uniform, #geometry-dimensionality): uniform superposition.

One uniform sweep (ReLU output, I = 1, one or more models per density; the best replica per
density is measured). D* = m / ‖W‖_F²; D_i = ‖W_i‖² / Σ_j (Ŵ_i·W_j)² (``tms.analysis.metrics``).
"""

from __future__ import annotations

import numpy as np

from tms.analysis.geometry import uniform_sweep
from tms.analysis.metrics import dimensions_per_feature, feature_dimensionality, represented
from tms.claims.registry import Measured, claim

FIGURE = "dimensions_per_feature"
ANCHOR = "#geometry-uniform"

RUN = "uniform_superposition"
DENSE_TOL = 0.05  # D* within 0.05 of 1 at density 1
STICKY_TOL, STICKY_POINTS = 0.05, 3  # a plateau: ≥ 3 consecutive densities with D* within 0.05 of 1/2
MONOTONE_SLACK = 0.02  # single models per density: D* may rise by ≤ 0.02 between neighbours
# The fractions of docs/figures.md C10.1 and the test for a line at each: the share of represented
# features within LINE of it, per unit of D, against the share in the flanks LINE..FLANK away
# (other lines' own bands excluded); a line is a cluster at least ENRICH times denser.
LINES = {3 / 4: "3/4", 2 / 3: "2/3", 1 / 2: "1/2", 2 / 5: "2/5", 3 / 8: "3/8"}
LINE, FLANK, ENRICH = 0.01, 0.04, 2.0
LINES_NEEDED = 4  # of the 5 fractions
NEAR = 0.02  # "within 0.02 of a line" (the paper's figure: about a quarter of the features)
JUMP_VALUES = 3  # C10.3: the most common line changes through at least this many values


def _sweep(runs):
    x, W = uniform_sweep(runs[RUN])
    return x, W, dimensions_per_feature(W).numpy()


@claim(
    "C9.1",
    "When features are dense, each gets a whole dimension: D* ≈ 1.",
    "D* = 1 at density 1 (m features kept orthogonally)",
    f"|D* − 1| ≤ {DENSE_TOL} at the densest point",
)
def dense_one_dimension(runs):
    x, _, dstar = _sweep(runs)
    return Measured({"1/(1−S)": round(float(x[0]), 3), "D*": round(float(dstar[0]), 4)}, abs(dstar[0] - 1) <= DENSE_TOL)


@claim(
    "C9.2",
    "D* is 'sticky' at 1/2: it stays there over a range of densities.",
    "a plateau of several consecutive densities at D* ≈ 1/2",
    f"≥ {STICKY_POINTS} consecutive sweep points with |D* − 1/2| ≤ {STICKY_TOL}",
)
def sticky_half(runs):
    x, _, dstar = _sweep(runs)
    near = np.abs(dstar - 0.5) <= STICKY_TOL
    best, length, span = 0, 0, None
    for i, v in enumerate(near):
        length = length + 1 if v else 0
        if length > best:
            best, span = length, (i - length + 1, i)
    value = {"longest plateau": best}
    if span:
        value["1/(1−S) range"] = f"{x[span[0]]:.3g}–{x[span[1]]:.3g}"
        value["D*"] = f"{dstar[span[0] : span[1] + 1].min():.3f}–{dstar[span[0] : span[1] + 1].max():.3f}"
    return Measured(value, best >= STICKY_POINTS)


@claim(
    "C9.3",
    "D* does not increase as features get sparser.",
    "D* non-increasing along 1/(1−S)",
    f"no rise of more than {MONOTONE_SLACK} between neighbouring densities (one model each: noise)",
)
def non_increasing(runs):
    _, _, dstar = _sweep(runs)
    rise = float(np.max(np.diff(dstar), initial=0.0))
    return Measured({"largest rise": round(rise, 4), "D*": [round(float(v), 3) for v in dstar]}, rise <= MONOTONE_SLACK)


def _represented_D(runs):
    """Per density: D_i of the represented features (‖W_i‖ > 0.5)."""
    _, W, _ = _sweep(runs)
    return [feature_dimensionality(W[k])[represented(W[k])].numpy() for k in range(W.shape[0])]


def line_enrichment(D: np.ndarray, fraction: float) -> float:
    """How much denser D sits within ``LINE`` of ``fraction`` than in its flanks (per unit of D)."""
    others = [f for f in (1.0, *LINES) if f != fraction]
    off_other = np.all([np.abs(D - f) > LINE for f in others], axis=0)
    dist = np.abs(D - fraction)
    on = int((dist <= LINE).sum())
    flank_mask = (dist > LINE) & (dist <= FLANK) & off_other
    # width of the flanks actually open (other lines' bands cut out), on a fine grid
    grid = np.linspace(fraction - FLANK, fraction + FLANK, 801)
    gd = np.abs(grid - fraction)
    open_ = (gd > LINE) & np.all([np.abs(grid - f) > LINE for f in others], axis=0)
    flank_width = 2 * FLANK * open_.mean()
    flank_rate = flank_mask.sum() / max(flank_width, 1e-9)
    on_rate = on / (2 * LINE)
    return float(on_rate / max(flank_rate, 1.0 / max(flank_width, 1e-9)))  # an empty flank counts as one point


@claim(
    "C10.1",
    "Features' dimensionalities cluster on lines at 3/4, 2/3, 1/2, 2/5, 3/8 (and 0 for unlearned).",
    "a dense cluster of D_i at each fraction, denser than at nearby values (not a majority)",
    f"D_i of represented features (all densities pooled) within {LINE} of a fraction are ≥ {ENRICH}× as dense "
    f"as {LINE}–{FLANK} away; held if ≥ {LINES_NEEDED} of the 5 fractions show it",
    required=False,
    figure="feature_dimensionality",
    anchor="#geometry-dimensionality",
)
def dimensionality_lines(runs):
    D = np.concatenate(_represented_D(runs))
    enrich = {label: round(line_enrichment(D, f), 2) for f, label in LINES.items()}
    lines = sum(v >= ENRICH for v in enrich.values())
    near = float(np.mean(np.min(np.abs(D[:, None] - np.array([1.0, *LINES])[None]), 1) <= NEAR)) if len(D) else 0.0
    return Measured(
        {
            "enrichment": enrich,
            "lines": lines,
            "represented D_i": len(D),
            f"share within {NEAR} of a line": round(near, 3),
        },
        lines >= LINES_NEEDED,
    )


@claim(
    "C10.3",
    "Features jump between configurations as sparsity changes.",
    "the line most features sit on changes in discrete steps along the sweep",
    f"the most populated line (within {NEAR}) takes ≥ {JUMP_VALUES} different values across densities",
    required=False,
    figure="feature_dimensionality",
    anchor="#geometry-dimensionality",
)
def jumps_between_configurations(runs):
    fractions = np.array([1.0, *LINES])
    labels = ["1", *LINES.values()]
    modes = []
    for D in _represented_D(runs):
        near = np.abs(D[:, None] - fractions[None]) <= NEAR
        counts = near.sum(0)
        modes.append(labels[int(np.argmax(counts))] if counts.max() > 0 else "-")
    seq = [m for i, m in enumerate(modes) if i == 0 or m != modes[i - 1]]
    distinct = len({m for m in modes if m != "-"})
    return Measured({"most populated line per density": modes, "sequence": seq}, distinct >= JUMP_VALUES)
