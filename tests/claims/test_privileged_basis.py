"""Known-answer cases for the F20/F22 claims (``tms.claims.privileged_basis``): represented-feature counts
per regime, the shift from monosemantic to polysemantic neurons, their coexistence, and the
neuron alignment of the ReLU-hidden model against the ReLU-output one.

Each panel's W [10 features, 5 neurons] is built from a list of which features each neuron reads:
every listed feature gets an equal positive weight on each of its neurons, scaled to unit norm, so
a neuron reading one feature is monosemantic, one reading several is polysemantic (every weight is
at least a quarter of the neuron's largest), and the represented count is the number of features
listed. A feature's alignment is 1 on one neuron and 1/k spread evenly over k."""

from __future__ import annotations

import math

import torch

from tests.claims.known import fails, holds, make_run, spec

DENSITIES = spec("privileged_basis")["densities"]  # 0.7, 0.3, 0.15, 0.12, 0.07, 0.03
N, M = 10, 5


def neurons(*reads: list[int]) -> torch.Tensor:
    """``W [10, 5]``: neuron h reads the features ``reads[h]`` (positive weights), each feature of unit norm."""
    W = torch.zeros(N, M)
    for h, features in enumerate(reads):
        for i in features:
            W[i, h] = 1.0
    norms = W.norm(dim=1, keepdim=True)
    return torch.where(norms > 0, W / norms.clamp_min(1e-12), W)


PAIRS = [(a, b) for a in range(M) for b in range(a + 1, M)]  # the 10 pairs of neurons, one per feature

# The paper's regimes, dense to sparse (docs/figures.md): counts 5, 6, 7, 7, 8, 10.
LADDER = {
    0.7: neurons([0], [1], [2], [3], [4]),  # five dedicated neurons
    0.3: neurons([0], [1], [2], [3, 4], [4, 5]),  # three dedicated, three features on two neurons
    0.15: neurons([0], [1], [2, 3], [4, 5], [5, 6]),  # five features in three neurons
    0.12: neurons([0], [1, 2], [3, 4], [4, 5], [5, 6]),  # six features in four neurons
    0.07: neurons([0, 1], [2, 3], [3, 4], [5, 6], [6, 7]),  # eight features, all polysemantic
    0.03: neurons(*[[i for i, p in enumerate(PAIRS) if h in p] for h in range(M)]),  # each feature on two neurons
}
# polysemantic share of alive neurons along the ladder: 0, 0.4, 0.6, 0.8, 1, 1; represented 5, 6, 7, 7, 8, 10

# The ReLU-output model beside it: no privileged basis, features rotated 45° in two neuron planes
# (alignments 1/2, 1/2, 1/2, 1/2, 1: mean 0.6).
S = 1 / math.sqrt(2)
ROTATED = torch.zeros(N, M)
ROTATED[:5] = torch.tensor([[S, S, 0, 0, 0], [S, -S, 0, 0, 0], [0, 0, S, S, 0], [0, 0, S, -S, 0], [0, 0, 0, 0, 1.0]])


def tilted(alignment: float) -> torch.Tensor:
    """The five dedicated features, feature 0 (unit norm) with W_00² = ``alignment`` ≥ 0.2 on its neuron
    and the rest spread evenly over the other four, so max_h W_0h² / ‖W_0‖² = ``alignment`` and the
    panel's mean alignment is (4 + ``alignment``) / 5."""
    W = neurons([0], [1], [2], [3], [4])
    W[0, 0] = math.sqrt(alignment)
    W[0, 1:] = math.sqrt((1 - alignment) / 4)
    return W


def sweep(experiment: str, panels: dict[float, torch.Tensor], decoys: dict[float, torch.Tensor] | None = None):
    """A run of ``experiment`` with one best model per density (loss 0.1) and optionally a second,
    worse replica (loss 0.2) at some densities."""
    decoys = decoys or {}
    models = [(d, W, 0.1) for d, W in panels.items()] + [(d, W, 0.2) for d, W in decoys.items()]
    densities = list(panels)
    point = [densities.index(d) for d, _, _ in models]
    replica = [point[:i].count(p) for i, p in enumerate(point)]
    tensors = {
        "W": torch.stack([W for _, W, _ in models]),
        "b": torch.zeros(len(models), N),
        "eval_loss": torch.tensor([loss for _, _, loss in models]),
    }
    instances = {"point": point, "replica": replica, "density": [d for d, _, _ in models]}
    return make_run(experiment, tensors, instances)


def runs(panels=None, decoys=None, output=None):
    """``privileged_basis`` from ``panels`` (default: the ladder) and the ReLU-output contrast from
    ``output`` (default: the rotated model at every density)."""
    panels = LADDER if panels is None else panels
    output = {d: ROTATED for d in panels} if output is None else output
    return {
        "privileged_basis": sweep("privileged_basis", panels, decoys),
        "privileged_basis_relu_output": sweep("privileged_basis_relu_output", output),
    }


def with_panel(density: float, W: torch.Tensor) -> dict[float, torch.Tensor]:
    return {**LADDER, density: W}


def test_the_ladder_is_on_the_configs_densities():
    assert list(LADDER) == DENSITIES


# ---------------------------------------------------------------------------------------- C22.1


def test_c22_1_holds_on_the_paper_counts():
    """Represented features 5, 6, 7, 7, 8, 10 along the ladder: exactly the paper's counts."""
    m = holds("C22.1", runs())
    assert [r["measured"] for r in m.value.values()] == [5, 6, 7, 7, 8, 10]
    assert all(r["measured"] == r["paper"] for r in m.value.values())


def test_c22_1_holds_one_feature_off():
    """The densest panel with a sixth feature on a neuron (6 vs the paper's 5): within ±1."""
    holds("C22.1", runs(with_panel(0.7, neurons([0, 5], [1], [2], [3], [4]))))


def test_c22_1_ignores_short_features_and_worse_replicas():
    """A feature at norm 0.5 (not > 0.5) does not count; nor does a worse replica with all ten features."""
    W = neurons([0], [1], [2], [3], [4])
    W[5, 0] = W[6, 1] = 0.5
    holds("C22.1", runs(with_panel(0.7, W), decoys={0.7: LADDER[0.03]}))


def test_c22_1_fails_two_features_off():
    """The densest panel with seven features (two neurons reading two each): 2 above the paper's 5."""
    fails("C22.1", runs(with_panel(0.7, neurons([0, 5], [1, 6], [2], [3], [4]))))


def test_c22_1_fails_when_the_sparsest_panel_keeps_only_eight():
    """The sparsest panel drops two features (8 vs the paper's 10)."""
    fails("C22.1", runs(with_panel(0.03, LADDER[0.07])))


def test_c22_1_fails_when_the_best_replica_is_the_wrong_one():
    """The densest point's best replica has all ten features; the five-feature model has the worse loss."""
    panels = with_panel(0.7, LADDER[0.03])
    fails("C22.1", runs(panels, decoys={0.7: LADDER[0.7]}))


# ---------------------------------------------------------------------------------------- C22.H1


def test_c22_h1_holds_from_monosemantic_to_polysemantic():
    """Polysemantic share 0, 0.4, 0.6, 0.8, 1, 1 from dense to sparse."""
    m = holds("C22.H1", runs())
    assert list(m.value.values()) == [0.0, 0.4, 0.6, 0.8, 1.0, 1.0]


def test_c22_h1_holds_with_a_dip_of_one_neuron():
    """The 0.12 panel with one polysemantic neuron fewer than the 0.15 panel's, after it rises to 0.8:
    a fall of one neuron (0.2) is allowed."""
    panels = {**LADDER, 0.15: LADDER[0.12], 0.12: LADDER[0.15]}  # shares 0, 0.4, 0.8, 0.6, 1, 1
    holds("C22.H1", runs(panels))


def test_c22_h1_holds_when_negative_weights_only_inhibit():
    """In the densest panel feature 5 has a negative weight on neuron 0 (and on neuron 1 another): the
    inputs are non-negative, so a negative weight never drives the neuron and it stays monosemantic."""
    W = neurons([0], [1], [2], [3], [4])
    W[5, 0], W[6, 1] = -0.4, -0.9
    m = holds("C22.H1", runs(with_panel(0.7, W)))
    assert m.value["0.7"] == 0.0


def test_c22_h1_fails_when_a_dense_neuron_is_polysemantic():
    """The densest panel with one neuron reading two features: share 0.2, not 0."""
    m = fails("C22.H1", runs(with_panel(0.7, neurons([0, 5], [1], [2], [3], [4]))))
    assert m.value["0.7"] == 0.2


def test_c22_h1_fails_when_a_positive_second_weight_makes_it_polysemantic():
    """The inhibiting case above with the sign of feature 5's weight flipped (+0.4 ≥ ¼ of the neuron's
    largest): neuron 0 now carries two features."""
    W = neurons([0], [1], [2], [3], [4])
    W[5, 0], W[6, 1] = 0.4, -0.9
    fails("C22.H1", runs(with_panel(0.7, W)))


def test_c22_h1_fails_when_a_sparse_neuron_is_monosemantic():
    """The sparsest panel with neuron 4 reading only feature 9: share 0.8, not 1."""
    reads = [[i for i, p in enumerate(PAIRS) if h in p and i != 9] for h in range(4)] + [[9]]
    m = fails("C22.H1", runs(with_panel(0.03, neurons(*reads))))
    assert m.value["0.03"] == 0.8


def test_c22_h1_fails_when_the_share_falls_by_two_neurons():
    """The dip case with a deeper dip: 0.8 at 0.15, then the 0.3 panel's 0.4 at 0.12, a fall of two
    neurons (0.4)."""
    panels = {**LADDER, 0.15: LADDER[0.12], 0.12: LADDER[0.3]}  # shares 0, 0.4, 0.8, 0.4, 1, 1
    fails("C22.H1", runs(panels))


# ---------------------------------------------------------------------------------------- C22.H2


def test_c22_h2_holds_with_mixed_intermediate_panels():
    """The ladder's 0.3, 0.15 and 0.12 panels each have monosemantic and polysemantic neurons."""
    m = holds("C22.H2", runs())
    assert m.value["mixed panels"] == ["0.3", "0.15", "0.12"]
    assert m.value["neurons"]["0.3"] == "3 M / 2 P"


def test_c22_h2_holds_with_one_mixed_panel():
    """Only the 0.12 panel is mixed (0.3 and 0.15 all monosemantic, 0.07 all polysemantic)."""
    panels = {**LADDER, 0.3: LADDER[0.7], 0.15: LADDER[0.7]}
    m = holds("C22.H2", runs(panels))
    assert m.value["mixed panels"] == ["0.12"]


def test_c22_h2_fails_when_every_intermediate_panel_is_pure():
    """Intermediate panels all monosemantic or all polysemantic: the switch happens between panels."""
    panels = {**LADDER, 0.3: LADDER[0.7], 0.15: LADDER[0.7], 0.12: LADDER[0.07]}
    m = fails("C22.H2", runs(panels))
    assert m.value["mixed panels"] == []


def test_c22_h2_fails_when_only_the_end_panels_are_mixed():
    """The densest and sparsest panels are mixed (one neuron made polysemantic, one monosemantic), the
    inner ones pure: the end panels do not count."""
    sparse = neurons(*([[i for i, p in enumerate(PAIRS) if h in p and i != 9] for h in range(4)] + [[9]]))
    panels = {
        0.7: neurons([0, 5], [1], [2], [3], [4]),
        0.3: LADDER[0.7],
        0.15: LADDER[0.7],
        0.12: LADDER[0.07],
        0.07: LADDER[0.07],
        0.03: sparse,
    }
    fails("C22.H2", runs(panels))


def test_c22_h2_fails_when_the_mixed_model_is_not_the_best():
    """The holding one-mixed-panel case with its mixed 0.12 model demoted to the worse replica, a pure
    polysemantic model the best one."""
    panels = {**LADDER, 0.3: LADDER[0.7], 0.15: LADDER[0.7], 0.12: LADDER[0.07]}
    fails("C22.H2", runs(panels, decoys={0.12: LADDER[0.12]}))


# ---------------------------------------------------------------------------------------- C20.1


def test_c20_1_holds_when_relu_hidden_is_neuron_aligned_and_relu_output_is_not():
    """Densest panel: ReLU hidden dedicated (alignment 1), ReLU output rotated (0.6): 1 ≥ 0.9 and
    ≥ 0.6 + 0.15. The sparse panels' alignment (0.5 for features on two neurons) is not judged."""
    m = holds("C20.1", runs())
    assert m.value["ReLU hidden"]["0.7"] == 1.0 and m.value["ReLU output"]["0.7"] == 0.6
    assert m.value["ReLU hidden"]["0.03"] == 0.5


def test_c20_1_holds_for_a_slightly_tilted_feature():
    """One of five features tilted to alignment 0.6: mean 0.92 ≥ 0.9, and ≥ 0.6 + 0.15."""
    holds("C20.1", runs(with_panel(0.7, tilted(0.6))))


def test_c20_1_fails_when_relu_hidden_is_rotated_too():
    """The ReLU-hidden model rotated like the ReLU-output one: both 0.6."""
    fails("C20.1", runs(with_panel(0.7, ROTATED)))


def test_c20_1_fails_below_the_alignment_threshold():
    """One feature tilted to alignment 0.4: mean 0.88 < 0.9 (still 0.28 above the ReLU output model)."""
    m = fails("C20.1", runs(with_panel(0.7, tilted(0.4))))
    assert m.value["ReLU hidden"]["0.7"] == 0.88


def test_c20_1_fails_when_relu_output_is_aligned_as_well():
    """ReLU hidden at 0.92 (above 0.9) but the ReLU-output model also nearly aligned (0.84): a gap of
    0.08 < 0.15, so the alignment is not the ReLU's doing."""
    output = {d: ROTATED for d in LADDER} | {0.7: tilted(0.2)}
    m = fails("C20.1", runs(with_panel(0.7, tilted(0.6)), output=output))
    assert m.value["ReLU output"]["0.7"] == 0.84


def test_c20_1_fails_when_the_dense_panel_is_aligned_only_in_a_worse_replica():
    """The densest point's best ReLU-hidden model is the rotated one; the dedicated one has the worse loss."""
    fails("C20.1", runs(with_panel(0.7, ROTATED), decoys={0.7: LADDER[0.7]}))
