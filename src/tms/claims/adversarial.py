"""Claims of F19 (#adversarial): vulnerability to the analytic attack across a density sweep.

The sweep is the F9 uniform-superposition run (n=200, m=20, I = 1, 1/(1−S) from 1 to 20): the
paper names no n, m for this figure, but its lower panel is features per dimension ‖W‖_F²/m, the
F9 quantity. On the F5 sweep (I = 0.9^i, densities down to 0.001) the attack budget, 0.1·E‖x‖,
shrinks below what the sparse models' negative biases filter, and vulnerability does not track
features per dimension (measured: a rise of 1.69×, Spearman 0.05; docs/findings.md).
"""

from __future__ import annotations

from tms.analysis.adversarial import spearman, sweep
from tms.claims.registry import Measured, claim

FIGURE = "adversarial"
ANCHOR = "#adversarial"

RUN = "uniform_superposition"
RISE = 3.0  # the paper's "sharp" rise: more than 3x the dense model's vulnerability
RANK = 0.8  # "tracks features per dimension": a rank correlation of at least 0.8


@claim(
    "C19.1",
    "Vulnerability to the analytic attack rises sharply (> 3×) as superposition forms.",
    "max over densities of the best replica's vulnerability > 3 × its value at density 1",
    f"ratio > {RISE}",
    required=False,
)
def vulnerability_rises(runs):
    s = sweep(runs[RUN])
    by_density = {round(s["density"][k], 6): round(s["vulnerability"][k], 3) for k in s["best"]}
    ratio = max(by_density.values()) / by_density[1.0]
    return Measured({"ratio": round(ratio, 2), "vulnerability by density": by_density}, ratio > RISE)


@claim(
    "C19.2",
    "Vulnerability tracks features per dimension ‖W‖_F²/m.",
    "high rank correlation between vulnerability and features per dimension across the sweep",
    f"Spearman ρ ≥ {RANK} over every instance",
    required=False,
)
def vulnerability_tracks_features_per_dimension(runs):
    s = sweep(runs[RUN])
    rho = spearman(s["vulnerability"], s["features_per_dimension"])
    return Measured({"spearman": round(rho, 3), "instances": len(s["density"])}, rho >= RANK)
