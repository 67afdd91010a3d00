"""Known answers for the abs-value claims (C24.1, C25.1–C25.3, C26.1, C27.1, paper #computation).

The weights are built by hand from neuron *groups*: a group is a list of features served by a pair of
neurons, one reading +x (W₁ > 0), one reading −x (W₁ < 0), with output weights W₂ = 1 / |W₁| so that a
one-hot input ±e_i gives y_i = 1 exactly. A group of one feature is the textbook monosemantic pair
|x_i| = ReLU(x_i) + ReLU(−x_i); a group of several makes both neurons polysemantic (superposition).
"""

from __future__ import annotations

import torch

from tests.claims.known import fails, holds, make_run, spec
from tms.core.experiments import Experiment

N, M = 100, 40  # abs_sparsity: n = 100 features, m = 40 neurons
SWEEP_DENSITIES = [1.0, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001]


def abs_model(groups: list[list[int]], n: int = N, m: int = M, side: float = 1.0) -> tuple[torch.Tensor, torch.Tensor]:
    """``(W1, W2) [n, m]``: group g on neurons 2g (+x) and 2g+1 (−x); the group's first feature at
    |W₁| = 1, the others at ``side``; W₂ = 1/|W₁| on the same entries. Unused neurons are zero (dead)."""
    if 2 * len(groups) > m:
        raise ValueError("more groups than neuron pairs")
    W1, W2 = torch.zeros(n, m), torch.zeros(n, m)
    for g, features in enumerate(groups):
        for j, i in enumerate(features):
            w = 1.0 if j == 0 else side
            W1[i, 2 * g], W1[i, 2 * g + 1] = w, -w
            W2[i, 2 * g], W2[i, 2 * g + 1] = 1 / w, 1 / w
    return W1, W2


def mono(features) -> list[list[int]]:
    """One monosemantic ReLU pair per feature."""
    return [[i] for i in features]


def chunks(features: list[int], size: int) -> list[list[int]]:
    return [features[k : k + size] for k in range(0, len(features), size)]


def sweep(models: dict[float, tuple[torch.Tensor, torch.Tensor]], default=None):
    """The ``abs_sparsity`` run (one model per density, dense to sparse as in the config); densities
    not in ``models`` get ``default`` (20 monosemantic pairs)."""
    default = default or abs_model(mono(range(20)))
    table = Experiment.from_spec(spec("abs_sparsity")).instance_table()
    assert table["density"] == SWEEP_DENSITIES
    W1 = torch.stack([models.get(d, default)[0] for d in table["density"]])
    W2 = torch.stack([models.get(d, default)[1] for d in table["density"]])
    inst = len(table["density"])
    tensors = {"W1": W1, "W2": W2, "b": torch.zeros(inst, N), "eval_loss": torch.ones(inst)}
    return {"abs_sparsity": make_run("abs_sparsity", tensors, table)}


# ---- C24.1: abs_small (n = 3, m = 6, 4 replicas), judged on the lowest-evaluation-loss replica


def small(models: list[tuple[torch.Tensor, torch.Tensor]], losses: list[float]):
    table = Experiment.from_spec(spec("abs_small")).instance_table()
    assert len(table["replica"]) == len(models) == 4
    tensors = {
        "W1": torch.stack([w[0] for w in models]),
        "W2": torch.stack([w[1] for w in models]),
        "b": torch.zeros(4, 3),
        "eval_loss": torch.tensor(losses),
    }
    return {"abs_small": make_run("abs_small", tensors, table)}


PAIRS = abs_model(mono(range(3)), n=3, m=6)  # ReLU(x_i), ReLU(−x_i) for every feature


def broken(kind: str) -> tuple[torch.Tensor, torch.Tensor]:
    """PAIRS with feature 0's pair broken in one way."""
    W1, W2 = PAIRS[0].clone(), PAIRS[1].clone()
    if kind == "same sign":  # the ReLU(−x_0) neuron reads +x_0: two ReLU(x_0) neurons, no ReLU(−x_0)
        W1[0, 1] = 1.0
    elif kind == "negative output":  # ReLU(−x_0) writes −1 to y_0
        W2[0, 1] = -1.0
    elif kind == "polysemantic":  # the ReLU(−x_0) neuron also reads feature 2 at half weight
        W1[2, 1] = 0.5
    return W1, W2


def test_c24_1_holds_when_the_best_replica_has_every_relu_pair():
    """The lowest-loss replica is the exact |x| = ReLU(x) + ReLU(−x) solution for all three
    features; the other replicas are broken (only the best one is judged)."""
    models = [broken("same sign"), PAIRS, broken("negative output"), broken("polysemantic")]
    m = holds("C24.1", small(models, [0.3, 0.1, 0.2, 0.4]))
    assert m.value == {"lowest-loss model": True, "replicas with all pairs": "1 of 4"}


def test_c24_1_fails_when_the_best_replica_is_broken():
    """The same four models, but the lowest loss now belongs to a replica whose ReLU(−x_0) neuron reads
    +x_0 (feature 0 has no negative-side neuron), then one whose ReLU(−x_0) neuron has a negative output
    weight, then one where that neuron is polysemantic: each is not the pair solution."""
    models = [broken("same sign"), PAIRS, broken("negative output"), broken("polysemantic")]
    fails("C24.1", small(models, [0.05, 0.1, 0.2, 0.4]))
    fails("C24.1", small(models, [0.3, 0.1, 0.05, 0.4]))
    fails("C24.1", small(models, [0.3, 0.1, 0.2, 0.05]))


# ---- C25.1: no polysemantic neuron at densities >= 0.3; sparsest: >= 90% polysemantic, >= 3 features each

SUPERPOSED = abs_model(chunks(list(range(N)), 5))  # 20 pairs × 5 features: every neuron carries 5


def with_extra(model, neuron: int, feature: int, weight: float = 0.5):
    """``model`` with neuron ``neuron`` also reading ``feature`` at ``weight`` (≥ 1/4 of its largest)."""
    W1, W2 = model[0].clone(), model[1].clone()
    W1[feature, neuron] = weight
    return W1, W2


def test_c25_1_holds_from_monosemantic_to_highly_polysemantic():
    """Dense and 0.3: 20 monosemantic pairs; 0.1 has one polysemantic neuron (allowed below 0.3);
    0.001: every neuron carries 5 features (100 % polysemantic, 5 ≥ 3 features per neuron)."""
    pairs = abs_model(mono(range(20)))
    runs = sweep({0.1: with_extra(pairs, 0, 50), 0.001: SUPERPOSED})
    m = holds("C25.1", runs)
    assert m.value["0.001"] == {"alive": 40, "mono": 0, "poly": 40, "features per alive neuron": 5.0}
    assert m.value["0.1"]["poly"] == 1


def test_c25_1_fails_with_a_polysemantic_neuron_at_0_3():
    """As the holding case, with the extra feature on the neuron at density 0.3 instead of 0.1."""
    pairs = abs_model(mono(range(20)))
    fails("C25.1", sweep({0.3: with_extra(pairs, 0, 50), 0.001: SUPERPOSED}))


def test_c25_1_fails_when_the_sparsest_neurons_carry_too_few_features():
    """Sparsest model: every neuron polysemantic but with 2 features each (< 3)."""
    fails("C25.1", sweep({0.001: abs_model(chunks(list(range(40)), 2))}))


def test_c25_1_fails_when_the_sparsest_model_is_monosemantic():
    """The dense-side pattern all the way down: no polysemantic neuron at 0.001."""
    fails("C25.1", sweep({}))


# ---- C25.2: > m/2 = 20 features' worth of |x_i| at the sparsest density


def test_c25_2_holds_with_21_features_worth():
    """Sparsest model: 19 monosemantic pairs and one pair serving features 19 and 20 (one-hot inputs
    ±e_i give y_i = 1 for 21 features, both signs): 42 halves = 21 features' worth > 20."""
    runs = sweep({0.001: abs_model(mono(range(19)) + [[19, 20]])})
    m = holds("C25.2", runs)
    assert m.value["0.001"] == {"features' worth": 21.0, "both signs": 21}


def test_c25_2_holds_with_full_superposition():
    """Sparsest model: 20 pairs serving 5 features each: all 100 features computed."""
    assert holds("C25.2", sweep({0.001: SUPERPOSED})).value["0.001"]["features' worth"] == 100.0


def test_c25_2_fails_at_exactly_m_over_2():
    """The holding case without feature 20: 20 monosemantic pairs, 20 features' worth (not > 20)."""
    fails("C25.2", sweep({0.001: abs_model(mono(range(20)))}))


def test_c25_2_fails_with_one_sign_per_feature():
    """40 neurons each computing ReLU(x_i) for its own feature, none ReLU(−x_i): 40 halves, 20 worth."""
    W1, W2 = torch.zeros(N, M), torch.zeros(N, M)
    W1[torch.arange(M), torch.arange(M)] = 1.0
    W2[torch.arange(M), torch.arange(M)] = 1.0
    m = fails("C25.2", sweep({0.001: (W1, W2)}))
    assert m.value["0.001"] == {"features' worth": 20.0, "both signs": 0}


def test_c25_2_judges_the_sparsest_density_only():
    """Superposition at the densest model, monosemantic pairs at the sparsest: fails."""
    fails("C25.2", sweep({1.0: SUPERPOSED, 0.001: abs_model(mono(range(20)))}))


# ---- C25.3: monosemantic neurons serve more important (lower-index) features than polysemantic ones


def mixed(mono_features, poly_features, per_group: int):
    """Monosemantic pairs on ``mono_features``, then pairs each carrying ``per_group`` of
    ``poly_features`` (main feature at 1, the others at 0.8, so the main feature is unambiguous)."""
    return abs_model(mono(mono_features) + chunks(list(poly_features), per_group), side=0.8)


IMPORTANT_MONO = mixed(range(10), range(10, 100), 9)  # features 0–9 monosemantic, 10–99 in superposition
IMPORTANT_POLY = mixed(range(90, 100), range(0, 90), 9)  # the reverse: the important features share neurons


def test_c25_3_holds_when_important_features_keep_monosemantic_neurons():
    """At 0.03 and 0.01 the 10 most important features own monosemantic pairs (main-feature median
    rank 4.5) and the rest share polysemantic neurons (median rank 50.5); other densities are all
    monosemantic (no comparison there)."""
    m = holds("C25.3", sweep({0.03: IMPORTANT_MONO, 0.01: IMPORTANT_MONO}))
    assert m.value["0.01"] == {"mono median rank": 4.5, "poly median rank": 50.5}
    assert set(m.value) == {"0.03", "0.01"}


def test_c25_3_fails_when_one_density_has_the_reverse_order():
    """As the holding case, but at 0.01 the monosemantic pairs serve the least important features."""
    fails("C25.3", sweep({0.03: IMPORTANT_MONO, 0.01: IMPORTANT_POLY}))


def test_c25_3_fails_without_a_density_of_both_kinds():
    """Every model monosemantic: nothing to compare, so the claim is not shown."""
    m = fails("C25.3", sweep({}))
    assert m.value == {}


# ---- C26.1: both kinds in one model at an intermediate density (not the densest or sparsest)

MIXED = mixed(range(10), range(10, 100), 9)


def test_c26_1_holds_with_a_mixed_model_at_an_intermediate_density():
    """0.03: 10 monosemantic pairs and 10 polysemantic pairs; all other models monosemantic."""
    assert holds("C26.1", sweep({0.03: MIXED})).value == {"densities with both": ["0.03"]}


def test_c26_1_fails_when_only_the_end_densities_are_mixed():
    """The mixed model moved to the densest and the sparsest density, which the claim excludes."""
    fails("C26.1", sweep({1.0: MIXED, 0.001: MIXED}))


def test_c26_1_fails_when_no_model_is_mixed():
    """Each model either all monosemantic pairs or fully superposed (every neuron carries 5 features,
    none is monosemantic): no model has both kinds."""
    fails("C26.1", sweep({0.1: SUPERPOSED, 0.01: SUPERPOSED}))


# ---- C27.1: the asymmetric-superposition motif with inhibition in some model


def motif(ratio: float = 0.25, inhibitor_out: float = -4.0):
    """Features 0 (a) and 1 (b): neuron 0 reads +1·x_a and −ratio·x_b, writes 1 to y_a and 1/ratio to
    y_b (both W₂|W₁| = 1); neuron 1 reads +x_a and writes ``inhibitor_out`` to y_b. With ratio 1/4 and
    −4, neuron 1 cancels all of neuron 0's push on y_b when a fires (inhibition 1 ≥ 1/2). Features
    2–20 get monosemantic pairs on neurons 2–39 (no motif there)."""
    W1, W2 = abs_model([[]] + mono(range(2, 21)))  # neuron pair 0, 1 left empty for the motif
    W1[0, 0], W1[1, 0], W2[0, 0], W2[1, 0] = 1.0, -ratio, 1.0, 1 / ratio
    W1[0, 1], W2[1, 1] = 1.0, inhibitor_out
    return W1, W2


def test_c27_1_holds_with_one_motif():
    """The motif in the model at density 0.01 only; the others are monosemantic pairs."""
    m = holds("C27.1", sweep({0.01: motif()}))
    assert m.value["models with the motif"] == "1 of 7"
    assert m.value["occurrences by density"]["0.01"] == [1]


def test_c27_1_fails_with_a_weak_inhibitor():
    """Neuron 1's output to y_b weakened from −4 to −1: it removes only 1/4 of neuron 0's push (< 1/2)."""
    fails("C27.1", sweep({0.01: motif(inhibitor_out=-1.0)}))


def test_c27_1_fails_with_near_equal_input_weights():
    """b's input weight −0.8 instead of −0.25 (ratio 0.8 > 1/2: not very unequal); the output weights
    rescaled with it, so both W₂|W₁| stay 1 and the inhibition stays 1: only the ratio fails."""
    fails("C27.1", sweep({0.01: motif(ratio=0.8, inhibitor_out=-1 / 0.8)}))
