"""Claims of the paper's Figure 1 (#motivation): ReLU output, n=5, m=2, I_i = 0.9^i."""

from __future__ import annotations

import itertools
import math

import torch

from tms.analysis.metrics import cosine, feature_dimensionality, feature_norms
from tms.claims.registry import Measured, claim

FIGURE = "intro"
ANCHOR = "#motivation"

UNIT = 0.1  # "≈1" / "≈0" for a norm: within 0.1 (weight decay and finite training move norms by a few %)
ORTHO = 0.1  # "orthogonal": |cos| < 0.1, i.e. within ~6° of 90°
ANTIPODAL = -0.9  # "antipodal": cos < -0.9, i.e. within ~25° of 180°, far from any other arrangement


def best_at(runs: dict, experiment: str, density: float):
    """W ``[n, m]`` and b ``[n]`` of the lowest-eval-loss replica at ``density``."""
    run = runs[experiment].best()
    k = run.at("density", density)
    return run.W[k], run.b[k]


def r3(t) -> list[float]:
    return [round(float(v), 3) for v in torch.as_tensor(t).flatten()]


@claim(
    "C0.1",
    "Density 1: exactly the 2 most important features are represented, orthogonal, norm ≈1; the other 3 ≈0.",
    "‖W_0‖, ‖W_1‖ ≈ 1, cos(W_0, W_1) ≈ 0, ‖W_2..4‖ ≈ 0",
    f"norms within {UNIT} of 1 / below {UNIT}; |cos| < {ORTHO}",
)
def dense_keeps_top_two(runs):
    W, _ = best_at(runs, "intro", 1.0)
    norms, cos01 = feature_norms(W), float(cosine(W)[0, 1])
    held = bool((norms[:2] - 1).abs().max() < UNIT and norms[2:].max() < UNIT and abs(cos01) < ORTHO)
    return Measured({"norms": r3(norms), "cos01": round(cos01, 3)}, held)


@claim(
    "C0.2",
    "Density ≈0.2: the 4 most important features form 2 antipodal pairs, the pairs orthogonal; the 5th ≈0.",
    "2 pairs with cos ≈ −1, |cos| ≈ 0 across pairs, ‖W_4‖ ≈ 0",
    f"within-pair cos < {ANTIPODAL}; across-pair |cos| < {ORTHO}; ‖W_4‖ < {UNIT}",
)
def antipodal_pairs(runs):
    W, _ = best_at(runs, "intro", 0.2)
    C = cosine(W[:4])
    # the best of the three ways to split features 0..3 into two pairs
    pairings = [((0, 1), (2, 3)), ((0, 2), (1, 3)), ((0, 3), (1, 2))]
    pairs = min(pairings, key=lambda p: float(C[p[0]] + C[p[1]]))
    within = max(float(C[pairs[0]]), float(C[pairs[1]]))
    across = max(abs(float(C[i, j])) for i in pairs[0] for j in pairs[1])
    norm4 = float(feature_norms(W)[4])
    held = within < ANTIPODAL and across < ORTHO and norm4 < UNIT
    return Measured(
        {
            "pairs": [list(p) for p in pairs],
            "max within-pair cos": round(within, 3),
            "max across |cos|": round(across, 3),
            "‖W_4‖": round(norm4, 3),
        },
        held,
    )


ANGLE_TOL = 6.0  # degrees: "regular" read as every adjacent angle within 6° of 72°
DIM_TOL = 0.05  # D_i within 0.05 of 2/5 (the next sticky values, 1/3 and 1/2, are ≥ 0.067 away)


@claim(
    "C0.3",
    "Density ≈0.1: all 5 features lie on a regular pentagon.",
    "adjacent angles 72°, D_i = 2/5, all ‖W_i‖ > 0.5",
    f"angles within {ANGLE_TOL}° of 72°; D_i within {DIM_TOL} of 0.4",
)
def pentagon(runs):
    W, _ = best_at(runs, "intro", 0.1)
    angles = sorted(math.degrees(math.atan2(float(w[1]), float(w[0]))) for w in W)
    gaps = [b - a for a, b in itertools.pairwise(angles)] + [360 - angles[-1] + angles[0]]
    D = feature_dimensionality(W)
    norms = feature_norms(W)
    held = (
        max(abs(g - 72) for g in gaps) < ANGLE_TOL
        and float((D - 0.4).abs().max()) < DIM_TOL
        and bool((norms > 0.5).all())
    )
    return Measured(
        {"adjacent angles": [round(g, 1) for g in gaps], "D_i": r3(D), "min norm": round(float(norms.min()), 3)}, held
    )
