"""Claims of F14–F16 (#geometry-correlated, #geometry-collapsing): correlated features go
orthogonal, anticorrelated ones antipodal; correlated sets form local orthogonal bases and
collapse onto their principal component as they get denser. Measured on the best replica per
density (lowest evaluation loss), the paper's "best of several fits"."""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np

from tms.analysis.collapse import collapsed, set_cosines, within_and_across
from tms.analysis.metrics import feature_norms
from tms.claims.registry import Measured, claim

FIGURE = "correlated_features"
ANCHOR = "#geometry-correlated"

ORTHOGONAL = 0.1  # |cos| ≤ 0.1: within ~6° of a right angle
ANTIPODAL = -0.95  # cos ≤ −0.95: within ~18° of opposite
HEX_GAP, HEX_TOL = 60.0, 20.0  # six directions with consecutive gaps 60° ± 20°: "hexagon-like"
LOCAL_BASIS = 0.1  # mean within-set |cos| ≤ 0.1 ...
ACROSS_RATIO = 0.5  # ... and at most half the mean across-set |cos|
HALF_NORM, NORM_TOL = 1 / math.sqrt(2), 0.1  # a collapsed member's norm 1/√2 ± 0.1
REGIME_FACTOR = 1.5  # a regime boundary within a factor 1.5 in density of the paper's (≈ one grid step)


def _best(run, density=None):
    best = run.best()
    k = int(np.argmin(best.density)) if density is None else best.at("density", density)
    return best.W[k], best.density[k], int(run.spec.get("set_size", 1))


def _within_pair_cos(W, set_size):
    return [round(float(c), 3) for c in set_cosines(W, set_size)]


@claim(
    "C14.1",
    "Correlated features prefer to be orthogonal.",
    "two correlated pairs in 2-D: the members of each pair are orthogonal",
    f"|cos| ≤ {ORTHOGONAL} within every pair (best replica)",
    required=True,
)
def correlated_go_orthogonal(runs):
    W, density, k = _best(runs["correlated_pairs"])
    cos = _within_pair_cos(W, k)
    return Measured({"density": density, "within-pair cos": cos}, all(abs(c) <= ORTHOGONAL for c in cos))


@claim(
    "C14.2",
    "Anticorrelated features prefer to be antipodal.",
    "two anticorrelated pairs in 2-D: the members of each pair are antipodal",
    f"cos ≤ {ANTIPODAL} within every pair (best replica)",
    required=True,
)
def anticorrelated_go_antipodal(runs):
    run = runs["anticorrelated_pairs"]
    W, density, k = _best(run)
    cos = _within_pair_cos(W, k)
    # how often a single fit finds it: the rest sit in a local minimum (pairs orthogonal)
    share = float(np.mean([bool((set_cosines(run.W[i], k) <= ANTIPODAL).all()) for i in range(run.W.shape[0])]))
    return Measured(
        {"density": density, "within-pair cos": cos, "replicas antipodal": round(share, 2)},
        all(c <= ANTIPODAL for c in cos),
    )


@claim(
    "C14.3",
    "Three correlated pairs in 2-D sit side by side: a small positive angle within each pair, hexagon-like.",
    "each pair's members at an acute angle; the six directions spaced like a hexagon",
    f"within-pair cos in [0.2, 0.8] and consecutive angular gaps {HEX_GAP:.0f}° ± {HEX_TOL:.0f}° (sparsest density)",
    required=True,
)
def three_pairs_side_by_side(runs):
    W, density, k = _best(runs["correlated_collapse"])
    cos = _within_pair_cos(W, k)
    angles = np.sort(np.degrees(np.arctan2(W[:, 1].numpy(), W[:, 0].numpy())) % 360)
    gaps = np.diff(np.concatenate([angles, angles[:1] + 360]))
    held = all(0.2 <= c <= 0.8 for c in cos) and bool((np.abs(gaps - HEX_GAP) <= HEX_TOL).all())
    return Measured({"density": density, "within-pair cos": cos, "gaps °": [round(float(g), 1) for g in gaps]}, held)


@claim(
    "C15.1",
    "Correlated feature sets form local orthogonal bases; interference only across sets.",
    "two sets of 10 correlated features in 10-D: nearly orthogonal within a set, overlapping across",
    f"mean within-set |cos| ≤ {LOCAL_BASIS} and ≤ {ACROSS_RATIO} × mean across-set |cos| (best replica)",
    required=True,
    figure="local_bases",
)
def local_orthogonal_bases(runs):
    W, density, k = _best(runs["local_bases"])
    within, across = within_and_across(W, k)
    w, a = float(within.abs().mean()), float(across.abs().mean())
    return Measured(
        {"density": density, "within |cos|": round(w, 3), "across |cos|": round(a, 3)},
        w <= LOCAL_BASIS and w <= ACROSS_RATIO * a,
    )


def _collapse_table(run):
    """Per density (ascending): best replica's collapsed mask, W and the set size."""
    best = run.best()
    k = int(run.spec.get("set_size", 1))
    order = np.argsort(best.density)
    return [(best.density[i], collapsed(best.W[i], k), best.W[i], k) for i in order]


@claim(
    "C16.1",
    "A collapsed pair is represented by its principal component (a+b)/√2.",
    "both members along the same direction, each with norm ≈ 1/√2",
    f"cos > 0.9 and every collapsed member's norm within {NORM_TOL} of 1/√2, at densities where some pair "
    "is still uncollapsed (before the PCA-like regime)",
    required=True,
    figure="collapse",
    anchor="#geometry-collapsing",
)
def collapsed_pair_is_principal_component(runs):
    norms, pca = [], []
    for _, mask, W, k in _collapse_table(runs["correlated_collapse"]):
        n = feature_norms(W).reshape(-1, k)[mask].flatten().tolist()
        (pca if bool(mask.all()) else norms).extend(n)
    if not norms:
        return Measured(None, False, "no collapsed pair before the all-collapsed regime")
    worst = max(abs(v - HALF_NORM) for v in norms)
    note = f"all-collapsed (PCA-like) regime norms {min(pca):.2f}–{max(pca):.2f}" if pca else ""
    return Measured(
        {
            "collapsed members": len(norms),
            "norms": f"{min(norms):.3f}–{max(norms):.3f}",
            "max |norm − 1/√2|": round(worst, 3),
        },
        worst <= NORM_TOL,
        note,
    )


@claim(
    "C16.regimes",
    "Three correlated pairs: no collapse ≲0.05, one pair 0.05–0.15, two 0.15–0.2, all 0.25–0.5 (density 1−S).",
    "the count of collapsed pairs rises with density, with the paper's boundaries",
    f"counts non-decreasing; each boundary (geometric mean of the bracketing densities) within a factor "
    f"{REGIME_FACTOR} of the paper's 0.05, 0.15, 0.225",
    required=False,
    figure="collapse",
    anchor="#geometry-collapsing",
)
def collapse_regimes(runs):
    table = _collapse_table(runs["correlated_collapse"])
    counts = [int(m.sum()) for _, m, _, _ in table]
    densities = [d for d, _, _, _ in table]
    paper = {1: 0.05, 2: 0.15, 3: 0.225}  # density where the count first reaches c (2→3: the gap 0.2–0.25)
    boundaries = {}
    for c in paper:
        first = next((i for i, v in enumerate(counts) if v >= c), None)
        if first is None or first == 0:
            boundaries[c] = None
            continue
        boundaries[c] = math.sqrt(densities[first - 1] * densities[first])
    ok_bounds = all(b is not None and max(b / paper[c], paper[c] / b) <= REGIME_FACTOR for c, b in boundaries.items())
    monotone = all(a <= b for a, b in pairwise(counts))
    value = {
        "counts": {f"{d:.3g}": c for d, c in zip(densities, counts, strict=True)},
        "boundaries": {f"{c - 1}→{c}": (round(b, 3) if b else None) for c, b in boundaries.items()},
    }
    off = [
        f"{c - 1}→{c} " + (f"at {b:.3g}" if b else "not seen") + f" vs the paper's {paper[c]:.3g}"
        for c, b in boundaries.items()
        if b is None or max(b / paper[c], paper[c] / b) > REGIME_FACTOR
    ]
    note = "; ".join(off + ([] if monotone else ["counts not monotone in density"]))
    return Measured(value, monotone and ok_bounds, note)
