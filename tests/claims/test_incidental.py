"""Known answers for the incidental-polysemanticity findings (X1.1, X1.2): the four ``ample_*`` runs
(n = 10 features, m = 20 neurons; densities 1, 0.3, 0.1, 0.03, 0.01 × 3 replicas; weight decay 0.01
and 0.1) built from hand-made weights whose share of polysemantic alive neurons is known by counting.

- abs-value: the monosemantic zero-loss solution W₁ = [I, −I], W₂ = [I, I] (20 alive neurons, share 0);
  k of its neurons made polysemantic by a second input weight of 1/2 (either sign drives): share k/20.
- ReLU-hidden (tied, non-negative inputs): W = [I, 0] (10 alive neurons, 10 dead, share 0); k neurons
  given a second weight +1/2: share k/10. A weight −1/2 only inhibits the neuron, so it is not carried.
"""

from __future__ import annotations

from functools import cache

import torch

from tests.claims.known import fails, holds, make_run, spec
from tms.core.experiments import Experiment

N, M = 10, 20
DENSITIES = [1.0, 0.3, 0.1, 0.03, 0.01]
NAMES = ("ample_abs_wd001", "ample_abs_wd01", "ample_hidden_wd001", "ample_hidden_wd01")


def abs_model(k: int = 0, weight: float = 0.5) -> tuple[torch.Tensor, torch.Tensor]:
    """``(W1, W2)``: ReLU(x_i), ReLU(−x_i) pairs; neurons 0..k−1 also read feature (h+1) mod n."""
    W1 = torch.cat([torch.eye(N), -torch.eye(N)], 1)
    W2 = W1.abs().clone()
    for h in range(k):
        W1[(h + 1) % N, h] = weight
    return W1, W2


def hidden_model(k: int = 0, weight: float = 0.5) -> torch.Tensor:
    """``W [n, m]``: neuron i reads feature i (i < n), neurons n..m−1 dead; neurons 0..k−1 also
    get weight ``weight`` from feature (h+1) mod n."""
    W = torch.cat([torch.eye(N), torch.zeros(N, M - N)], 1)
    for h in range(k):
        W[(h + 1) % N, h] = weight
    return W


@cache
def instance_table(name: str) -> dict[str, list]:
    return Experiment.from_spec(spec(name)).instance_table()


def run(name: str, by_density: dict[float, list]):
    """Run ``name`` with the model of each (density, replica) from ``by_density[density][replica]``
    (a model, or an int k for the k-polysemantic model); densities not given: the monosemantic one."""
    table = instance_table(name)
    assert sorted(set(table["density"]), reverse=True) == DENSITIES and max(table["replica"]) == 2
    models = [by_density.get(d, [0, 0, 0])[r] for d, r in zip(table["density"], table["replica"], strict=True)]
    inst = len(models)
    if "abs" in name:
        pairs = [abs_model(x) if isinstance(x, int) else x for x in models]
        tensors = {"W1": torch.stack([p[0] for p in pairs]), "W2": torch.stack([p[1] for p in pairs])}
    else:
        tensors = {"W": torch.stack([hidden_model(x) if isinstance(x, int) else x for x in models])}
    tensors.update(b=torch.zeros(inst, N), eval_loss=torch.ones(inst))
    return make_run(name, tensors, table)


def runs(abs_wd001=None, abs_wd01=None, hidden_wd001=None, hidden_wd01=None):
    given = dict(zip(NAMES, (abs_wd001, abs_wd01, hidden_wd001, hidden_wd01), strict=True))
    return {name: run(name, by_density or {}) for name, by_density in given.items()}


SPARSE_POLY = {0.01: [10, 10, 10]}  # half of the abs-value model's neurons polysemantic at 0.01, every seed


def test_x1_1_holds_when_both_models_have_common_polysemantic_neurons():
    """abs-value: share 10/20 = 0.5 at density 0.01 (both weight decays); ReLU-hidden: share 5/10 = 0.5
    at density 0.1, weight decay 0.01 only, on every replica. Both peaks ≥ 0.25."""
    m = holds("X1.1", runs(SPARSE_POLY, SPARSE_POLY, {0.1: [5, 5, 5]}))
    assert m.value["largest share"] == {"abs-value": 0.5, "ReLU hidden": 0.5}
    assert m.value["share by weight decay and density"]["ReLU hidden"]["wd 0.1"]["0.1"] == 0.0


def test_x1_1_holds_at_exactly_a_quarter():
    """abs-value: 5 of 20 neurons polysemantic at 0.01 on every seed, share 0.25: the threshold."""
    quarter = {0.01: [5, 5, 5]}
    m = holds("X1.1", runs(quarter, quarter, {0.1: [5, 5, 5]}))
    assert m.value["largest share"]["abs-value"] == 0.25


def test_x1_1_fails_just_below_a_quarter():
    """As above with 4 of 20 (share 0.2) for the abs-value model."""
    fifth = {0.01: [4, 4, 4]}
    fails("X1.1", runs(fifth, fifth, {0.1: [5, 5, 5]}))


def test_x1_1_fails_when_the_hidden_models_extra_weights_are_negative():
    """The holding case with the ReLU-hidden model's second weights −1/2 instead of +1/2: with inputs
    ≥ 0 a negative weight never drives the neuron, so every neuron is monosemantic (share 0)."""
    inhibit = hidden_model(5, weight=-0.5)
    m = fails("X1.1", runs(SPARSE_POLY, SPARSE_POLY, {0.1: [inhibit] * 3}))
    assert m.value["largest share"] == {"abs-value": 0.5, "ReLU hidden": 0.0}


def test_x1_1_fails_when_polysemantic_neurons_appear_on_one_seed_only():
    """ReLU-hidden: share 0.5 on one replica of three at density 0.1: mean 0.17 < 0.25 (the claim
    averages over seeds; it does not take the luckiest one)."""
    m = fails("X1.1", runs(SPARSE_POLY, SPARSE_POLY, {0.1: [5, 0, 0]}))
    assert m.value["largest share"]["ReLU hidden"] == 0.17


def test_x1_1_fails_when_the_abs_value_model_stays_monosemantic():
    """ReLU-hidden polysemantic as in the holding case, abs-value monosemantic everywhere."""
    fails("X1.1", runs(None, None, {0.1: [5, 5, 5]}))


def test_x1_2_holds_when_the_share_rises_from_dense_to_sparse():
    """abs-value at both weight decays: share 0 at density 1, 0.5 at 0.01 (rise 0.5 ≥ 0.25)."""
    m = holds("X1.2", runs(SPARSE_POLY, SPARSE_POLY))
    assert m.value == {"rise dense → sparse": {"wd 0.01": 0.5, "wd 0.1": 0.5}}


def test_x1_2_holds_at_a_rise_of_exactly_a_quarter():
    """At weight decay 0.1 only 5 of 20 neurons polysemantic at 0.01: rise 0.25, the threshold."""
    m = holds("X1.2", runs(SPARSE_POLY, {0.01: [5, 5, 5]}))
    assert m.value["rise dense → sparse"]["wd 0.1"] == 0.25


def test_x1_2_fails_with_a_rise_below_a_quarter():
    """As above with 4 of 20: rise 0.2 at weight decay 0.1."""
    fails("X1.2", runs(SPARSE_POLY, {0.01: [4, 4, 4]}))


def test_x1_2_fails_when_the_share_falls_with_sparsity():
    """At weight decay 0.1 the polysemantic model sits at the densest density instead of the sparsest:
    the share falls by 0.5 from dense to sparse."""
    m = fails("X1.2", runs(SPARSE_POLY, {1.0: [10, 10, 10]}))
    assert m.value["rise dense → sparse"]["wd 0.1"] == -0.5
