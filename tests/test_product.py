"""tms.product: the x·y MLP against plain autograd and a by-hand forward, its Gaussian inputs,
the neuron-direction measures on hand-made weights, and the X2.1 claim on synthetic runs."""

from __future__ import annotations

import math

import pytest
import torch

from tms.claims import check_figure
from tms.experiments import Experiment, run_experiment
from tms.io import Run
from tms.models import make_model, weighted_mse
from tms.product import GaussianInputs, diagonal_alignment, input_mixing, neuron_directions
from tms.train import Recipe

INST, M, BATCH = 3, 4, 256


def params(seed: int = 0) -> dict[str, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return {"W1": torch.randn(INST, 2, M, generator=g), "b1": 0.5 * torch.randn(INST, M, generator=g),
            "W2": torch.randn(INST, M, generator=g), "b2": torch.randn(INST, generator=g)}


def test_forward_by_hand_and_gradients_against_autograd():
    model = make_model("product")
    p = params()
    x = GaussianInputs(INST, 2).sample(BATCH, torch.Generator().manual_seed(1))
    y = model.forward(p, x)
    for k in range(INST):
        want = torch.relu(x[k] @ p["W1"][k] + p["b1"][k]) @ p["W2"][k] + p["b2"][k]
        torch.testing.assert_close(y[k, :, 0], want, rtol=1e-5, atol=1e-5)
    imp = torch.ones(INST, 1)
    for reduction in ("mean", "sum"):
        loss, grads = model.loss_and_grads(p, x, imp, reduction)
        leaf = {k: v.clone().requires_grad_(True) for k, v in p.items()}
        ref = weighted_mse(model.forward(leaf, x), model.target(x), imp, reduction)
        ref.sum().backward()
        torch.testing.assert_close(loss, ref.detach(), rtol=1e-5, atol=1e-6)
        for name in p:
            torch.testing.assert_close(grads[name], leaf[name].grad, rtol=1e-4, atol=1e-5)


def test_gaussian_inputs_are_standard_normal():
    x = GaussianInputs(2, 2).sample(50_000, torch.Generator().manual_seed(0))
    assert x.shape == (2, 50_000, 2)
    assert x.mean().abs() < 0.02 and (x.std() - 1).abs() < 0.02
    assert (x[..., 0] * x[..., 1]).mean().abs() < 0.02  # independent inputs


def test_experiment_checks_and_trains_the_product_model():
    exp = Experiment(name="p", model="product", n_features=2, n_hidden=4, densities=(1.0,), replicas=2,
                     recipe=Recipe(steps=20, batch_size=64, eval_samples=500, log_every=10))
    tensors, _ = run_experiment(exp)
    assert tensors["W1"].shape == (2, 2, 4) and tensors["importance"].shape == (2, 1)
    assert tensors["eval_loss"].shape == (2,)
    for bad in ({"n_features": 3}, {"densities": (0.5,)}):
        with pytest.raises(ValueError, match="n_features must be 2"):
            Experiment(**{"name": "p", "model": "product", "n_features": 2, "n_hidden": 4, "densities": (1.0,), **bad})


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
    tensors = {"W1": W1, "W2": torch.ones(inst, 4), "b1": torch.zeros(inst, 4), "b2": torch.zeros(inst),
               "eval_loss": torch.arange(inst, dtype=torch.float32)}
    meta = {"experiment": {"model": "product", "replicas": inst},
            "instances": {"point": [0] * inst, "replica": list(range(inst)), "density": [1.0] * inst}}
    return Run(tensors, meta)


def test_claim_holds_for_diagonal_neurons_only():
    status = lambda W1: check_figure("product_neurons", {"product_neurons": _run(W1)})[0]["status"]  # noqa: E731
    assert status(torch.stack([DIAGONALS, AXES])) == "held"
    assert status(torch.stack([AXES, DIAGONALS])) == "not held"  # the lowest-loss replica decides
    assert status(torch.stack([DIAGONALS[:, [0, 0, 2, 2]], AXES])) == "not held"  # two directions only
