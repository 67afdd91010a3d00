"""tms.analysis.neurons on hand-made weights whose answers are known by construction."""

from __future__ import annotations

import math

import pytest
import torch

from tms.analysis.neurons import (
    alive,
    carried,
    computes_abs,
    monosemantic,
    neuron_alignment,
    neuron_order,
    polysemantic,
    polysemanticity,
    rescale_units,
    top_feature,
)
from tms.core.models import make_model

S = 1 / math.sqrt(2)


def binary_code() -> torch.Tensor:
    """n=6, m=5 (rows features): three dedicated neurons, then features 3, 4, 5 on neurons 3, 4
    as the binary code (1, 0), (0, 1), (1, 1)/√2 of the paper's 0.2–0.5 regime."""
    W = torch.zeros(6, 5)
    W[0, 0] = W[1, 1] = W[2, 2] = 1.0
    W[3, 3] = W[4, 4] = 1.0
    W[5, 3] = W[5, 4] = S
    return W


def test_polysemanticity_counts_features_per_neuron():
    W = binary_code()
    assert polysemanticity(W).tolist() == [1, 1, 1, 2, 2]
    assert monosemantic(W).tolist() == [True, True, True, False, False]
    assert polysemantic(W).tolist() == [False, False, False, True, True]
    assert carried(W)[:, 3].tolist() == [False, False, False, True, False, True]


def test_threshold_is_relative_to_the_neurons_largest_weight():
    """A weight at 0.2 of the neuron's largest does not count (residue), one at 0.3 does, at any scale."""
    for scale in (0.3, 1.0, 7.0):
        W = scale * torch.tensor([[1.0], [0.2], [0.3], [-0.3]])
        assert polysemanticity(W).tolist() == [3]  # negative weights count by size
    assert polysemanticity(torch.tensor([[1.0], [0.2]]), threshold=0.1).tolist() == [2]


def test_non_negative_inputs_count_only_positive_weights():
    """The tied model's inputs are ≥ 0: a negative weight inhibits the neuron, it never drives it.
    The paper's binary code with a sign: features (1, 1), (1, −1), (−1, 1) on two neurons."""
    W = torch.tensor([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0]])
    assert polysemanticity(W).tolist() == [3, 3]
    assert polysemanticity(W, signed_inputs=False).tolist() == [2, 2]
    assert carried(W, signed_inputs=False).tolist() == [[True, True], [True, False], [False, True]]
    assert monosemantic(-torch.eye(2) + 2 * torch.eye(2), signed_inputs=False).all()
    assert polysemanticity(-torch.eye(2), signed_inputs=False).tolist() == [0, 0]  # never driven


def test_dead_neurons_carry_nothing():
    W = torch.tensor([[1.0, 0.0, 0.05], [0.0, 0.0, 0.05]])
    assert alive(W).tolist() == [True, False, False]  # 0.05 · 0.05 < DEAD
    assert polysemanticity(W).tolist() == [1, 0, 0]
    W2 = torch.tensor([[0.0, 0.0, 10.0], [0.0, 0.0, 0.0]])  # untied: output weights decide too
    assert alive(W, W2).tolist() == [False, False, True]


def test_batched_over_instances():
    W = torch.stack([binary_code(), torch.eye(6, 5)])
    assert polysemanticity(W).tolist() == [[1, 1, 1, 2, 2], [1, 1, 1, 1, 1]]


def test_neuron_alignment_by_hand():
    """Aligned features give 1; a 45° rotation of a 2-D basis gives 1/2; unrepresented features are ignored;
    an orthogonal rotation changes WᵀW not at all but the alignment a lot (C20.1's point)."""
    assert neuron_alignment(torch.eye(3)).item() == pytest.approx(1.0)
    R = torch.tensor([[S, S], [-S, S]])
    assert neuron_alignment(R).item() == pytest.approx(0.5)
    W = torch.cat([torch.eye(2), torch.tensor([[0.3, 0.3]])])  # third feature unrepresented (‖W_i‖ < 0.5)
    assert neuron_alignment(W).item() == pytest.approx(1.0)
    assert neuron_alignment(binary_code()).item() == pytest.approx((5 + 0.5) / 6)
    Q, _ = torch.linalg.qr(torch.randn(5, 5, generator=torch.Generator().manual_seed(0)))
    rotated = torch.eye(5) @ Q
    torch.testing.assert_close(rotated @ rotated.T, torch.eye(5), atol=1e-5, rtol=0)
    assert neuron_alignment(rotated).item() < 0.9


def test_rescale_units_keeps_the_function():
    """Largest |W₁| of every unit becomes 1, and the abs-value model's output is unchanged."""
    g = torch.Generator().manual_seed(0)
    params = {
        "W1": torch.randn(2, 4, 3, generator=g),
        "W2": torch.randn(2, 4, 3, generator=g),
        "b": torch.randn(2, 4, generator=g),
    }
    W1, W2 = rescale_units(params["W1"], params["W2"])
    torch.testing.assert_close(W1.abs().amax(-2), torch.ones(2, 3))
    x = torch.rand(2, 16, 4, generator=g) * 2 - 1
    model = make_model("abs_value")
    torch.testing.assert_close(model.forward({"W1": W1, "W2": W2, "b": params["b"]}, x), model.forward(params, x))
    zero = torch.zeros(3, 1)
    assert torch.equal(rescale_units(zero, torch.ones(3, 1))[1], torch.ones(3, 1))


def test_neuron_order_and_top_feature():
    W = torch.tensor([[0.0, 0.0, 1.0], [0.0, 2.0, 0.0], [1.0, 0.5, 0.0]])
    assert top_feature(W).tolist() == [2, 1, 0]
    assert neuron_order(W).tolist() == [2, 1, 0]


def test_computes_abs_on_the_relu_pair_solution():
    """|x| = ReLU(x) + ReLU(−x): two neurons per feature with unit output weights compute it exactly;
    dropping a feature's negative neuron breaks it for that feature only."""
    n = 3
    W1 = torch.zeros(n, 2 * n)
    W2 = torch.zeros(n, 2 * n)
    for i in range(n):
        W1[i, 2 * i], W1[i, 2 * i + 1] = 1.0, -1.0
        W2[i, 2 * i] = W2[i, 2 * i + 1] = 1.0
    b = torch.zeros(n)
    assert computes_abs(W1, W2, b).tolist() == [True] * n
    x = torch.rand(1, 50, n) * 2 - 1
    y = make_model("abs_value").forward({"W1": W1[None], "W2": W2[None], "b": b[None]}, x)
    torch.testing.assert_close(y, x.abs())
    W2[1, 3] = 0.0
    assert computes_abs(W1, W2, b).tolist() == [True, False, True]
    assert computes_abs(W1, W2, b, signs=(1.0,)).tolist() == [True, True, True]  # ReLU(x_1) still works
    assert monosemantic(W1, W2).sum() == 2 * n - 1  # the neuron with no output weight is dead
