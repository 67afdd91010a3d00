"""Project findings beyond the paper: polysemantic neurons with ample neurons (m = 2n), where a
monosemantic zero-loss solution exists (``tms.analysis.incidental``). Not claims of the paper: the
statements say what this project set out to test, measured the same way as the paper's."""

from __future__ import annotations

import numpy as np

from tms.analysis.incidental import polysemantic_share
from tms.claims.registry import Measured, claim
from tms.figures import BEYOND

FIGURE = "incidental_polysemanticity"
ANCHOR = BEYOND

MODELS = {"abs": "abs-value", "hidden": "ReLU hidden"}
DECAYS = ("001", "01")
COMMON = 0.25  # "polysemantic neurons appear": at least a quarter of the alive neurons


def _shares(runs, short):
    """{weight decay: {density: mean polysemantic share over seeds}} for one model."""
    out = {}
    for wd in DECAYS:
        run = runs[f"ample_{short}_wd{wd}"]
        share, density = polysemantic_share(run).numpy(), np.asarray(run.density)
        key = f"wd {run.spec['recipe']['weight_decay']:g}"
        out[key] = {f"{d:g}": round(float(share[density == d].mean()), 2) for d in sorted(set(density), reverse=True)}
    return out


@claim(
    "X1.1",
    "Project finding: polysemantic neurons appear even with ample neurons (m = 2n), where a "
    "monosemantic zero-loss solution exists: superposition is not the only source of polysemanticity.",
    "for both models, polysemantic neurons are common at some density and weight decay",
    f"both models: mean share of polysemantic alive neurons ≥ {COMMON} at some (density, weight decay); "
    "every rate reported",
    required=False,
)
def ample_neurons_are_polysemantic(runs):
    shares = {MODELS[s]: _shares(runs, s) for s in MODELS}
    peak = {m: max(v for by_d in rows.values() for v in by_d.values()) for m, rows in shares.items()}
    return Measured(
        {"largest share": peak, "share by weight decay and density": shares}, all(p >= COMMON for p in peak.values())
    )


@claim(
    "X1.2",
    "Project finding: with ample neurons the abs-value model is monosemantic when dense and turns "
    "polysemantic as features get sparse, as the paper's m < n model does.",
    "abs-value, m = 2n: densest share below the sparsest at every weight decay",
    "mean share at the sparsest density exceeds the densest one's by ≥ 0.25 for every weight decay",
    required=False,
)
def sparsity_brings_polysemanticity(runs):
    rows = _shares(runs, "abs")
    rise = {wd: round(list(by_d.values())[-1] - list(by_d.values())[0], 2) for wd, by_d in rows.items()}
    return Measured({"rise dense → sparse": rise}, all(r >= COMMON for r in rise.values()))
