"""Beyond the paper: the SAE benchmark's findings (``tms.core.sae_benchmark``), each checked on
the score cards that the training job stored with the run (``meta["scores"]``,
``tms.analysis.sae_benchmark.score_run``). Published claims about sparse dictionaries, tested on
models that learned their superposition; where one does not hold here, the table says so."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
from scipy.stats import spearmanr

from tms.claims.registry import Measured, claim
from tms.core.sae_benchmark import RUN
from tms.figures import BEYOND

FIGURE = "sae_benchmark"
ANCHOR = BEYOND

PEAK_FACTOR = 2.0  # X5.1: the best k within a factor 2 of the true L0
NEAR = 0.01  # X5.1: MCCs within 0.01 of the best are the peak (a plateau, not one k)
RISES = 0.8  # X5.3: Spearman's ρ of absorption against co-occurrence (4 points: one adjacent swap)
COUNT_FACTOR = 1.5  # X5.4: the estimate within a factor 1.5 of the true count
CLAIMED_KINDS = ("topk", "batchtopk")  # X5.1 is about these two kinds (the published claims)


def _rows(runs, **match) -> list[dict]:
    return [r for r in runs[RUN].meta["scores"]["saes"] if all(r[k] == v for k, v in match.items())]


def _datasets(runs, group: str) -> list[str]:
    return [d["name"] for d in runs[RUN].meta["scores"]["datasets"] if d["group"] == group]


@claim(
    "X5.1",
    "Published (Gao et al. 2024; Bussmann et al. 2024): a TopK or BatchTopK SAE recovers the features best "
    "when k is near the data's true L0.",
    "per superposition dataset and kind, the k with the highest MCC, as a multiple of the true L0 "
    f"(k swept over 0.125-4x the true L0; ks within {NEAR} of the best MCC tie, the one nearest the true L0 "
    "counts)",
    f"every best k within a factor {PEAK_FACTOR:g} of the true L0",
    required=False,
)
def mcc_peaks_near_true_l0(runs):
    ratios, plateau = {}, {}
    for name in _datasets(runs, "superposition"):
        for kind in CLAIMED_KINDS:
            rows = _rows(runs, dataset=name, kind=kind)
            factor = {id(r): r["sparsity"] / r["true_l0_expected"] for r in rows}
            best = max(r["mcc"] for r in rows)
            near = [r for r in rows if r["mcc"] >= best - NEAR]
            # the near-best k closest to the true L0: a plateau of equal MCCs counts in the claim's favour
            peak = min(near, key=lambda r: abs(np.log(factor[id(r)])))
            ratios[f"{name}, {kind}"] = round(factor[id(peak)], 2)
            plateau[f"{name}, {kind}"] = [round(factor[id(r)], 3) for r in near]
    inside = [1 / PEAK_FACTOR <= v <= PEAK_FACTOR for v in ratios.values()]
    return Measured(
        {"best k / true L0": ratios, "k / true L0 within 0.01 of the best MCC": plateau}, bool(ratios) and all(inside)
    )


@claim(
    "X5.2",
    "The paper's hybrid approach assumes it (#strategic-approach-hybrid): sparse dictionaries recover fewer of "
    "the features the more features a model packs into each dimension.",
    "the best MCC over every SAE of a superposition dataset, against the model's represented features per "
    "hidden dimension",
    "best MCC strictly falls as features per dimension rise",
    required=False,
)
def recovery_falls_with_superposition(runs):
    points = []
    for name in _datasets(runs, "superposition"):
        rows = _rows(runs, dataset=name)
        points.append((rows[0]["features_per_dim"], max(r["mcc"] for r in rows)))
    points.sort()
    values = [v for _, v in points]
    return Measured(
        {f"{f:.2f} features/dim": round(v, 3) for f, v in points},
        len(values) > 1 and all(b < a for a, b in pairwise(values)),
    )


@claim(
    "X5.3",
    "Published (Chanin et al. 2024; Bussmann et al. 2025): a standard SAE absorbs a parent feature into its "
    "children more as they co-occur more, and a Matryoshka SAE absorbs less than a BatchTopK SAE at the same L0.",
    "mean absorption of the parents' latents per co-occurrence P(child | parent), per kind",
    f"ReLU-L1 absorption rises with co-occurrence (Spearman ρ ≥ {RISES}) and Matryoshka's mean absorption is "
    "below BatchTopK's (same k)",
    required=False,
    figure="feature_absorption",
)
def absorption_rises_and_matryoshka_absorbs_less(runs):
    table = {}
    for name in _datasets(runs, "hierarchy"):
        for r in _rows(runs, dataset=name):
            table.setdefault(r["kind"], {})[name] = round(r["absorption"], 3)
    standard = list(table.get("relu_l1", {}).values())
    rho = float(spearmanr(range(len(standard)), standard).statistic) if len(standard) > 2 else float("nan")
    mean = {kind: float(np.nanmean(list(v.values()))) for kind, v in table.items()}
    less = mean.get("matryoshka", np.inf) < mean.get("batchtopk", -np.inf)
    return Measured(
        {"absorption": table, "ReLU-L1 Spearman rho": round(rho, 2), "mean": {k: round(v, 3) for k, v in mean.items()}},
        bool(round(rho, 6) >= RISES and less),  # ρ of 4 points is a multiple of 0.1, up to rounding
    )


@claim(
    "X5.4",
    "Project finding: the number of features can be estimated without ground truth, from where dictionaries "
    "of neighbouring sizes stop agreeing on new atoms.",
    "the largest count of atoms that neighbouring dictionary sizes share (|cos| > 0.9, one-to-one), against "
    "the model's represented features",
    f"estimate within a factor {COUNT_FACTOR} of the true count",
    required=False,
)
def feature_count_estimate(runs):
    count = runs[RUN].meta["scores"]["feature_count"]
    estimate, true = count["estimate"], count["true"]
    ratio = estimate / true if true else float("nan")
    return Measured(
        {
            "estimate": estimate,
            "true": true,
            "stable per size": dict(zip(count["dictionary"][1:], count["stable"], strict=True)),
        },
        bool(true and 1 / COUNT_FACTOR <= ratio <= COUNT_FACTOR),
    )


@claim(
    "X5.5",
    "Published (Wright & Sharkey 2024; Gao et al. 2024): the L1 penalty shrinks the reconstructions, and TopK "
    "SAEs shrink them less.",
    "shrinkage ‖ĥ‖/‖h‖ of every ReLU-L1 SAE and of the TopK SAE nearest the true L0, per superposition dataset",
    "every ReLU-L1 SAE below 1 and below the TopK SAE of its dataset",
    required=False,
)
def l1_shrinks(runs):
    out, held = {}, True
    for name in _datasets(runs, "superposition"):
        topk = min(
            _rows(runs, dataset=name, kind="topk"), key=lambda r: abs(np.log(r["sparsity"] / r["true_l0_expected"]))
        )
        l1 = [r["shrinkage"] for r in _rows(runs, dataset=name, kind="relu_l1")]
        out[name] = {"ReLU-L1": [round(v, 3) for v in l1], "TopK": round(topk["shrinkage"], 3)}
        held &= bool(l1) and all(v < min(1.0, topk["shrinkage"]) for v in l1)
    return Measured(out, bool(out) and held)
