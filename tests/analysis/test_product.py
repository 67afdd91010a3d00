"""tms.analysis.product: the neuron-direction measures on hand-made weights, and the X2.1 claim on
synthetic runs."""

from __future__ import annotations

import math

import pytest
import torch

from tms.analysis.product import diagonal_alignment, input_mixing, neuron_directions
from tms.claims.check import check_figure
from tms.core.io import Run

DIAGONALS = torch.tensor([[1.0, -1.0, 1.0, -1.0], [1.0, -1.0, -1.0, 1.0]]) / math.sqrt(2)  # ±(x+y), ±(x−y)
AXES = torch.tensor([[1.0, -1.0, 0.0, 0.0], [0.0, 0.0, 1.0, -1.0]])  # monosemantic: ±x, ±y


def test_neuron_measures_on_hand_made_weights():
    assert neuron_directions(DIAGONALS).tolist() == pytest.approx([45, -135, -45, 135])
    assert diagonal_alignment(DIAGONALS).tolist() == pytest.approx([1.0] * 4)
    assert diagonal_alignment(AXES).tolist() == pytest.approx([1 / math.sqrt(2)] * 4)
    assert input_mixing(DIAGONALS).tolist() == pytest.approx([1.0] * 4)
    assert input_mixing(AXES).tolist() == pytest.approx([0.0] * 4)


def _run(W1: torch.Tensor) -> Run:
    inst = W1.shape[0]
    tensors = {
        "W1": W1,
        "W2": torch.ones(inst, 4),
        "b1": torch.zeros(inst, 4),
        "b2": torch.zeros(inst),
        "eval_loss": torch.arange(inst, dtype=torch.float32),
    }
    meta = {
        "experiment": {"model": "product", "replicas": inst},
        "instances": {"point": [0] * inst, "replica": list(range(inst)), "density": [1.0] * inst},
    }
    return Run(tensors, meta)


def test_claim_holds_for_diagonal_neurons_only():
    status = lambda W1: check_figure("product_neurons", {"product_neurons": _run(W1)})[0]["status"]  # noqa: E731
    assert status(torch.stack([DIAGONALS, AXES])) == "held"
    assert status(torch.stack([AXES, DIAGONALS])) == "not held"  # the lowest-loss replica decides
    assert status(torch.stack([DIAGONALS[:, [0, 0, 2, 2]], AXES])) == "not held"  # two directions only


def test_responses_of_the_best_replica_by_hand():
    """Two replicas; the second (lower loss) has neurons ReLU(x + y) and ReLU(x − y), output their
    difference + 0.5: at (1, 2) hidden (3, 0), output 3.5; at (2, 1) hidden (3, 1), output 2.5."""
    from tms.analysis.product import responses
    from tms.core.io import Run

    W1 = torch.stack([torch.zeros(2, 2), torch.tensor([[1.0, 1.0], [1.0, -1.0]])])
    tensors = {
        "W1": W1,
        "b1": torch.zeros(2, 2),
        "W2": torch.tensor([[0.0, 0.0], [1.0, -1.0]]),
        "b2": torch.tensor([0.0, 0.5]),
        "eval_loss": torch.tensor([1.0, 0.1]),
    }
    run = Run(tensors, {"instances": {"point": [0, 0], "replica": [0, 1]}})
    out = responses(run, torch.tensor([[[1.0, 2.0], [2.0, 1.0]]]))
    assert out["hidden"].tolist() == [[3.0, 0.0], [3.0, 1.0]]
    assert out["output"].tolist() == [3.5, 2.5] and out["target"].tolist() == [2.0, 2.0]
    assert torch.equal(out["W1"], W1[1]) and out["W2"].tolist() == [1.0, -1.0]
