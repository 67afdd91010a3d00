"""tms.core.models.product: the x·y MLP against plain autograd and a by-hand forward, its Gaussian
inputs (tms.core.data.gaussian), and its experiment's checks and training."""

from __future__ import annotations

import pytest
import torch

from tms.core.data import GaussianInputs
from tms.core.experiments import Experiment
from tms.core.models import make_model, weighted_mse
from tms.core.running import run_experiment
from tms.core.train import Recipe

INST, M, BATCH = 3, 4, 256


def params(seed: int = 0) -> dict[str, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return {
        "W1": torch.randn(INST, 2, M, generator=g),
        "b1": 0.5 * torch.randn(INST, M, generator=g),
        "W2": torch.randn(INST, M, generator=g),
        "b2": torch.randn(INST, generator=g),
    }


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
    exp = Experiment(
        name="p",
        model="product",
        n_features=2,
        n_hidden=4,
        densities=(1.0,),
        replicas=2,
        recipe=Recipe(steps=20, batch_size=64, eval_samples=500, log_every=10),
    )
    tensors, _ = run_experiment(exp)
    assert tensors["W1"].shape == (2, 2, 4) and tensors["importance"].shape == (2, 1)
    assert tensors["eval_loss"].shape == (2,)
    for bad in ({"n_features": 3}, {"densities": (0.5,)}):
        with pytest.raises(ValueError, match="n_features must be 2"):
            Experiment(**{"name": "p", "model": "product", "n_features": 2, "n_hidden": 4, "densities": (1.0,), **bad})
