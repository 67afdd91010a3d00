"""Claims of the paper's Figures 4 and 5 (#demonstrating-basic-results)."""

from __future__ import annotations

from itertools import pairwise

import torch

from tms.analysis.metrics import REPRESENTED_NORM, cosine, feature_norms, frobenius_sq, gram, superposition
from tms.claims.intro import ORTHO
from tms.claims.registry import Measured, claim

FIGURE = "basic_results"
ANCHOR = "#demonstrating-basic-results"
FROB_REL = 0.05  # "‖W‖_F² ≈ m": within 5%, the size of the norm shifts weight decay causes
BIAS_REL = 0.1  # "b_i ≈ (1−S)/2": the dropped features' mean bias within 10% of s/2 (single biases jitter by ~lr)
LOSS_REL = 0.03  # closed-form loss: 3% covers the evaluation sample's Monte-Carlo error (≲1%) and weight decay
GRAM_ABS = 0.1  # "equals the linear solution": every WᵀW entry within 0.1
DEDICATED = 0.1  # a represented feature is "dedicated" when its superposition is below 0.1
COUNT_TOL = 2  # the paper's counts are read off a figure by eye: ±2 features
PAPER_COUNTS = {1.0: 5, 0.3: 7, 0.1: 9, 0.03: 11.5, 0.01: 15, 0.003: 18, 0.001: 20}
DIFFUSE = 0.2  # "diffuse positive interference": ≥ 1 in 5 pairs of represented features at 0.05 < W_i·W_j < 0.5


def linear_optimum_loss(importance: torch.Tensor, m: int, density: float, reduction: str) -> float:
    """Expected loss of the optimal linear model: Σ_{i≥m} I_i (s/3 − s²/4) (the dropped features' variance).

    ``importance`` ``[n]`` sorted most important first; ``reduction`` "mean" divides by n.
    """
    value = float(importance[m:].sum()) * (density / 3 - density**2 / 4)
    return value / len(importance) if reduction == "mean" else value


def by_density(run):
    """The best replica per density, sorted from dense to sparse: [(density, W, b, eval_loss)]."""
    best = run.best()
    rows = [(d, best.W[k], best.b[k], float(best.eval_loss[k])) for k, d in enumerate(best.density)]
    return sorted(rows, key=lambda row: -row[0])


def represented_count(W) -> int:
    return int((feature_norms(W) > REPRESENTED_NORM).sum())


def linear_solution(run) -> Measured:
    """C4.1 on one linear run: top-m features orthogonal, ‖W‖_F² = m, biases s/2, closed-form loss."""
    spec = run.spec
    m, reduction = spec["n_hidden"], spec["recipe"]["loss_reduction"]
    rows, ok = [], True
    for d, W, b, loss in by_density(run):
        norms = feature_norms(W)
        top = set(range(m)) == set(torch.nonzero(norms > REPRESENTED_NORM).flatten().tolist())
        cos = (cosine(W[:m]) - torch.eye(m)).abs().max().item()
        frob = float(frobenius_sq(W))
        bias_err = abs(float(b[m:].mean()) - d / 2) / (d / 2)
        worst_bias = float(((b[m:] - d / 2).abs() / (d / 2)).max())
        expected = linear_optimum_loss(run["importance"][0], m, d, reduction)
        loss_err = abs(loss - expected) / expected
        ok &= top and cos < ORTHO and abs(frob - m) / m < FROB_REL and bias_err < BIAS_REL and loss_err < LOSS_REL
        rows.append(
            {
                "density": d,
                "top-m only": top,
                "max |cos|": round(cos, 3),
                "‖W‖_F²": round(frob, 3),
                "mean bias rel. error": round(bias_err, 4),
                "worst bias rel. error": round(worst_bias, 4),
                "loss": loss,
                "closed form": expected,
                "loss rel. error": round(loss_err, 4),
            }
        )
    return Measured(rows, ok)


def relu_matches_linear(relu_run, linear_run) -> Measured:
    """C4.2: the dense ReLU model represents the same features with the same WᵀW as the linear one."""
    (_, Wl, _, _), (_, Wr, _, _) = by_density(linear_run)[0], by_density(relu_run)[0]
    diff = float((gram(Wr) - gram(Wl)).abs().max())
    same = torch.equal(feature_norms(Wr) > REPRESENTED_NORM, feature_norms(Wl) > REPRESENTED_NORM)
    return Measured({"same represented set": same, "max |ΔWᵀW|": round(diff, 3)}, same and diff < GRAM_ABS)


def counts_by_density(run) -> dict[float, int]:
    return {d: represented_count(W) for d, W, _, _ in by_density(run)}


def monotone_counts(run) -> Measured:
    """C4.3: represented-feature count never falls as density falls."""
    counts = counts_by_density(run)
    values = list(counts.values())
    frob = [round(float(frobenius_sq(W)), 2) for _, W, _, _ in by_density(run)]
    return Measured(
        {"density": list(counts), "count": values, "‖W‖_F²": frob},
        all(a <= b for a, b in pairwise(values)),
    )


def dedicated_first(run) -> Measured:
    """C4.4: at every density the dedicated features are the most important ones, and fewer as density falls."""
    ok, dedicated_counts, prefix = True, [], []
    for _, W, _, _ in by_density(run):
        rep = feature_norms(W) > REPRESENTED_NORM
        dedicated = (rep & (superposition(W) < DEDICATED)).nonzero().flatten().tolist()
        shared = (rep & (superposition(W) >= DEDICATED)).nonzero().flatten().tolist()
        is_prefix = not shared or not dedicated or max(dedicated) < min(shared)
        prefix.append(is_prefix)
        dedicated_counts.append(len(dedicated))
    ok = all(prefix) and all(a >= b for a, b in pairwise(dedicated_counts))
    return Measured({"dedicated per density": dedicated_counts, "dedicated precede superposed": prefix}, ok)


def diffuse_interference(run, max_density: float = 0.01) -> Measured:
    """C4.6: at density ≤ 0.01 many small positive W_i·W_j among represented features, and negative biases."""
    rows, ok = [], True
    for d, W, b, _ in by_density(run):
        if d > max_density:
            continue
        rep = feature_norms(W) > REPRESENTED_NORM
        G = gram(W)[rep][:, rep]
        off = G[~torch.eye(len(G), dtype=torch.bool)]
        frac = float(((off > 0.05) & (off < 0.5)).float().mean())
        mean_b = float(b[rep].mean())
        ok &= frac >= DIFFUSE and mean_b < 0
        rows.append({"density": d, "small positive pairs": round(frac, 3), "mean bias": round(mean_b, 3)})
    return Measured(rows, ok and bool(rows))


@claim(
    "C4.1",
    "Linear model: ‖W‖_F² ≈ m; exactly the top-m features, orthogonal; dropped biases ≈ (1−S)/2; loss = Σ_{i≥m} I_i "
    "(s/3 − s²/4).",
    "‖W‖_F² = 5, loss 0.002323 at s = 1 (mean over features)",
    f"‖W‖_F² within {FROB_REL:.0%}; |cos| < {ORTHO}; mean dropped bias within {BIAS_REL:.0%}; loss within "
    f"{LOSS_REL:.0%}",
)
def c4_1(runs):
    return linear_solution(runs["basic_linear"])


@claim(
    "C4.2",
    "ReLU output model at density 1 equals the linear solution.",
    "same represented features, same WᵀW",
    f"every WᵀW entry within {GRAM_ABS}",
)
def c4_2(runs):
    return relu_matches_linear(runs["basic_relu"], runs["basic_linear"])


@claim(
    "C4.3",
    "Represented features increase monotonically as density falls.",
    "non-decreasing count (‖W_i‖ > 0.5) from density 1 to 0.001",
    "exact (counts are integers)",
)
def c4_3(runs):
    return monotone_counts(runs["basic_relu"])


@claim(
    "C4.3.counts",
    "Counts read off the paper's figure: ~5, 7, 9, 11–12, 15, 18, 20.",
    "5, 7, 9, 11.5, 15, 18, 20 at densities 1 … 0.001",
    f"±{COUNT_TOL} features at every density",
    required=False,
)
def c4_3_counts(runs):
    counts = counts_by_density(runs["basic_relu"])
    diffs = {d: c - PAPER_COUNTS[d] for d, c in counts.items() if d in PAPER_COUNTS}
    return Measured(
        {"count": list(counts.values()), "minus paper": list(diffs.values())},
        bool(diffs) and all(abs(v) <= COUNT_TOL for v in diffs.values()),
    )


# C4.4 and C5.1 (which includes it) are reported but not required: the strict "dedicated features
# are a prefix of the importance order" test depends on the seed (held with one data stream, not
# with another, where one important feature joins an antipodal pair while the next stays dedicated).
@claim(
    "C4.4",
    "Superposition starts with the least important features; the most important keep dedicated dimensions longest.",
    "dedicated features (superposition < 0.1) are always the most important ones, and fewer as density falls",
    "exact (set comparison)",
    required=False,
)
def c4_4(runs):
    return dedicated_first(runs["basic_relu"])


@claim(
    "C4.6",
    "At density ≤ 0.01: diffuse positive interference and negative biases.",
    "many small positive W_i·W_j; mean bias of represented features < 0",
    f"≥ {DIFFUSE:.0%} of represented pairs at 0.05 < W_i·W_j < 0.5 (none at density 1); mean bias < 0",
)
def c4_6(runs):
    return diffuse_interference(runs["basic_relu"])


@claim(
    "C5.1",
    "n=80, m=20 is essentially a rescaled version of n=20, m=5.",
    "the F4 checks hold at n=80, m=20: linear solution, dense ReLU = linear, monotone counts, dedicated first",
    "as C4.1, C4.2, C4.3, C4.4",
    required=False,
    figure="basic_results_large",
)
def c5_1(runs):
    relu, linear = runs["basic_large_relu"], runs["basic_large_linear"]
    parts = {
        "C4.1": linear_solution(linear),
        "C4.2": relu_matches_linear(relu, linear),
        "C4.3": monotone_counts(relu),
        "C4.4": dedicated_first(relu),
    }
    counts = counts_by_density(relu)
    value = {f"{k} held": m.held for k, m in parts.items()}
    value["count"] = list(counts.values())
    return Measured(value, all(m.held for m in parts.values()))
