"""Claims of the paper's Figures 24–27 (#computation): the abs-value model's neurons, measured on
each density's lowest-evaluation-loss model (C24.1 also on every replica), and the
asymmetric-superposition motif searched in every model of the F25 sweep (C27.1)."""

from __future__ import annotations

import statistics

import torch

from tms.analysis.motif import find_motifs
from tms.analysis.neurons import alive, computes_abs, monosemantic, polysemantic, polysemanticity, top_feature
from tms.claims.registry import Measured, claim

FIGURE = "abs_sparsity"
ANCHOR = "#computation"
SMALL, SWEEP = "abs_small", "abs_sparsity"
HIGHLY = 0.9  # "by 0.001 all are highly polysemantic": ≥ 90% of alive neurons polysemantic ...
MANY = 3.0  # ... carrying ≥ 3 features on average
NO_SUPERPOSITION = 20  # m/2: two neurons per feature without superposition (n=100, m=40)


def relu_pairs(W1: torch.Tensor, W2: torch.Tensor) -> list[int]:
    """Features i (of one model ``[n, m]``) that own a monosemantic ReLU(x_i) neuron and a monosemantic
    ReLU(−x_i) neuron, both with positive output weight to y_i (|x| = ReLU(x) + ReLU(−x))."""
    mono, main = monosemantic(W1, W2), top_feature(W1)
    ok = []
    for i in range(W1.shape[0]):
        mine = [h for h in range(W1.shape[1]) if mono[h] and main[h] == i and W2[i, h] > 0]
        if any(W1[i, h] > 0 for h in mine) and any(W1[i, h] < 0 for h in mine):
            ok.append(i)
    return ok


@claim(
    "C24.1",
    "Each feature gets a ReLU(x_i) and a ReLU(−x_i) neuron with positive output weights: |x| = ReLU(x) + ReLU(−x).",
    "every feature has a monosemantic neuron of each sign with W₂ > 0",
    "all features in the lowest-loss model (the count of replicas where it holds is reported)",
    required=False,
    figure="abs_small",
)
def relu_pair_solution(runs):
    run = runs[SMALL]
    n = run["W1"].shape[1]
    per = [len(relu_pairs(run["W1"][k], run["W2"][k])) == n for k in range(run["W1"].shape[0])]
    best = run.best_indices()[0]
    return Measured({"lowest-loss model": per[best], "replicas with all pairs": f"{sum(per)} of {len(per)}"}, per[best])


def panels(run):
    """[(density, W1, W2, b)] of each density's best model, dense to sparse."""
    rows = [(run.density[k], run["W1"][k], run["W2"][k], run.b[k]) for k in run.best_indices()]
    return sorted(rows, key=lambda r: -r[0])


def neuron_counts(W1, W2) -> dict:
    live = alive(W1, W2)
    return {
        "alive": int(live.sum()),
        "mono": int(monosemantic(W1, W2).sum()),
        "poly": int(polysemantic(W1, W2).sum()),
        "features per alive neuron": round(float(polysemanticity(W1, W2)[live].float().mean()), 2)
        if live.any()
        else 0.0,
    }


@claim(
    "C25.1",
    "Dense and 0.3: all neurons monosemantic; polysemantic neurons appear as density falls; by 0.001 all are highly "
    "polysemantic.",
    "no polysemantic neuron at densities ≥ 0.3; at the sparsest density nearly all alive neurons polysemantic with "
    "several features",
    f"0 polysemantic at ≥ 0.3; sparsest: ≥ {HIGHLY:.0%} of alive neurons polysemantic and ≥ {MANY:g} features per "
    "alive neuron",
    required=False,
)
def mono_to_poly(runs):
    rows = [(d, neuron_counts(W1, W2)) for d, W1, W2, _ in panels(runs[SWEEP])]
    dense_ok = all(c["poly"] == 0 for d, c in rows if d >= 0.3)
    last = rows[-1][1]
    sparse_ok = last["poly"] >= HIGHLY * last["alive"] and last["features per alive neuron"] >= MANY
    return Measured({f"{d:g}": c for d, c in rows}, dense_ok and sparse_ok)


@claim(
    "C25.2",
    "At high sparsity the model represents more features than the m/2 = 20 it could without superposition.",
    f"> {NO_SUPERPOSITION} features' worth of |x_i| computed at the sparsest density",
    "features' worth = (number of (feature, sign) pairs with output within 0.5 of 1 for x = ±e_i) / 2: without "
    "superposition each neuron computes at most one such half, so m neurons give m/2 features",
    required=False,
)
def more_than_half_m(runs):
    rows = {}
    for d, W1, W2, b in panels(runs[SWEEP]):
        halves = sum(int(computes_abs(W1, W2, b, signs=(s,)).sum()) for s in (1.0, -1.0))
        rows[f"{d:g}"] = {"features' worth": halves / 2, "both signs": int(computes_abs(W1, W2, b).sum())}
    last = list(rows.values())[-1]
    note = "sparse models often compute only one sign of a feature (ReLU(x_i) or ReLU(-x_i)), hence halves"
    return Measured(rows, last["features' worth"] > NO_SUPERPOSITION, note)


@claim(
    "C25.3",
    "Neurons serving the most important features stay monosemantic longest.",
    "where both kinds coexist, monosemantic neurons serve more important features than polysemantic ones",
    "in every density with both kinds, the median importance rank of the monosemantic neurons' main features "
    "is below the polysemantic neurons' (at least one such density)",
    required=False,
)
def important_stay_mono(runs):
    rows, ok = {}, True
    for d, W1, W2, _ in panels(runs[SWEEP]):
        mono, poly, main = monosemantic(W1, W2), polysemantic(W1, W2), top_feature(W1)
        if mono.any() and poly.any():
            m, p = statistics.median(main[mono].tolist()), statistics.median(main[poly].tolist())
            rows[f"{d:g}"] = {"mono median rank": m, "poly median rank": p}
            ok &= m < p
    return Measured(rows, bool(rows) and ok)


@claim(
    "C26.1",
    "Monosemantic and polysemantic neurons coexist in one model at intermediate sparsity.",
    "some model of the F25 sweep (not the densest or sparsest density) has both kinds",
    "≥ 1 monosemantic and ≥ 1 polysemantic neuron in one model",
    required=False,
    figure="abs_motif",
    anchor="#computation-asymmetric-motif",
)
def mixed(runs):
    rows = panels(runs[SWEEP])[1:-1]
    found = [f"{d:g}" for d, W1, W2, _ in rows if monosemantic(W1, W2).any() and polysemantic(W1, W2).any()]
    return Measured({"densities with both": found}, bool(found))


@claim(
    "C27.1",
    "Asymmetric superposition with inhibition: a neuron stores a and b with very unequal opposite-sign input "
    "weights and roughly reciprocal output weights; a second neuron driven by a inhibits output b.",
    "the motif appears in some models, not necessarily all",
    "found by tms.analysis.motif.find_motifs (ratio ≤ 1/2, W₂|W₁| within ×2 of 1, inhibition ≥ 1/2) in ≥ 1 model",
    required=False,
    figure="abs_motif",
    anchor="#computation-asymmetric-motif",
)
def asymmetric_motif(runs):
    run = runs[SWEEP]
    per = {}
    for k, d in enumerate(run.density):
        per.setdefault(f"{d:g}", []).append(len(find_motifs(run["W1"][k], run["W2"][k])))
    models = sum(c > 0 for counts in per.values() for c in counts)
    total = sum(len(c) for c in per.values())
    value = {"models with the motif": f"{models} of {total}", "occurrences by density": per}
    return Measured(value, models > 0)
