"""The privileged-basis models (tms.core.models.ReLUHidden, AbsValue; paper #privileged-basis,
#computation) against plain autograd through their forward passes, on signed and unsigned
inputs, both loss reductions, in instance chunks, and through one optimizer step."""

from __future__ import annotations

import pytest
import torch

from tms.core.data import SparseFeatures
from tms.core.experiments import Experiment
from tms.core.models import make_model, weighted_mse
from tms.core.train import Recipe, make_optimizer, make_step, train

INST, N, M, BATCH = 3, 5, 4, 64
NAMES = ["relu_hidden", "abs_value"]


def assert_rel_close(got, want, rel=1e-5):
    assert got.shape == want.shape
    scale = want.abs().max().item()
    assert (got - want).abs().max().item() <= rel * scale, ((got - want).abs().max().item(), scale)


def params_for(name: str, seed: int = 1) -> dict[str, torch.Tensor]:
    """Random parameters; biases straddle 0 so both ReLUs are on for some entries, off for others."""
    g = torch.Generator().manual_seed(seed)
    p = {"W": 0.7 * torch.randn(INST, N, M, generator=g), "b": 0.3 * torch.randn(INST, N, generator=g)}
    if name == "abs_value":
        p = {"W1": p["W"], "W2": 0.7 * torch.randn(INST, N, M, generator=g), "b": p["b"]}
    return p


def batch(signed: bool, seed: int = 2) -> torch.Tensor:
    density = torch.linspace(0.1, 1.0, INST * N).reshape(INST, N)
    return SparseFeatures(density, signed=signed).sample(BATCH, torch.Generator().manual_seed(seed))


def importance(seed: int = 3) -> torch.Tensor:
    return 0.1 + torch.rand(INST, N, generator=torch.Generator().manual_seed(seed))


def autograd(model, params, x, imp, reduction):
    leaf = {k: v.detach().clone().requires_grad_(True) for k, v in params.items()}
    loss = weighted_mse(model.forward(leaf, x), model.target(x), imp, reduction)
    loss.sum().backward()
    return loss.detach(), {k: v.grad for k, v in leaf.items()}


def test_forward_by_hand():
    """Per instance and sample: ReLU(ReLU(xW)Wᵀ + b) and ReLU(ReLU(xW₁)W₂ᵀ + b) with explicit matmuls."""
    x = batch(signed=True)
    p = params_for("relu_hidden")
    q = params_for("abs_value")
    hidden, absval = make_model("relu_hidden").forward(p, x), make_model("abs_value").forward(q, x)
    for k in range(INST):
        want = torch.relu(torch.relu(x[k] @ p["W"][k]) @ p["W"][k].T + p["b"][k])
        torch.testing.assert_close(hidden[k], want, rtol=1e-5, atol=1e-6)
        want = torch.relu(torch.relu(x[k] @ q["W1"][k]) @ q["W2"][k].T + q["b"][k])
        torch.testing.assert_close(absval[k], want, rtol=1e-5, atol=1e-6)
    assert torch.equal(make_model("abs_value").target(x), x.abs())
    assert torch.equal(make_model("relu_hidden").target(x), x)


@pytest.mark.parametrize("signed", [False, True], ids=["unsigned", "signed"])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("name", NAMES)
def test_closed_form_grads_match_autograd(name, reduction, signed):
    model, params, x, imp = make_model(name), params_for(name), batch(signed), importance()
    pre = torch.bmm(x, params["W" if name == "relu_hidden" else "W1"])
    assert 0.1 < (pre > 0).float().mean() < 0.9 or not signed  # the hidden ReLU is really exercised
    loss, grads = model.loss_and_grads(params, x, imp, reduction)
    ref_loss, ref_grads = autograd(model, params, x, imp, reduction)
    assert loss.shape == (INST,) and set(grads) == set(model.param_names)
    assert_rel_close(loss, ref_loss)
    for k in model.param_names:
        assert_rel_close(grads[k], ref_grads[k])


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("per_chunk", [1, 2], ids=["chunks_of_1", "chunks_of_2_and_1"])
def test_chunks_and_reused_buffers_match_autograd(name, per_chunk, monkeypatch):
    """The trainer's path: cache-sized instance chunks, a ``work`` dict reused across batches,
    the loss only when asked; inputs are left untouched."""
    import tms.core.models.common

    monkeypatch.setattr(tms.core.models.common, "CHUNK_ELEMENTS", per_chunk * N * BATCH)
    model, params, imp = make_model(name), params_for(name), importance()
    before = {k: v.clone() for k, v in params.items()}
    work: dict = {}
    for seed in (2, 5, 6):
        x = batch(True, seed)
        x_before = x.clone()
        ref_loss, ref_grads = autograd(model, params, x, imp, "mean")
        loss, grads = model.loss_and_grads(params, x, imp, "mean", need_loss=seed != 5, work=work)
        assert (loss is None) == (seed == 5)
        if loss is not None:
            assert_rel_close(loss, ref_loss)
        for k in model.param_names:
            assert_rel_close(grads[k], ref_grads[k])
        assert torch.equal(x, x_before)
    assert all(torch.equal(params[k], before[k]) for k in params)


@pytest.mark.parametrize("name", NAMES)
def test_one_optimizer_step_matches_autograd(name):
    """One AdamW step of the trainer's step function equals torch's AdamW on autograd grads."""
    model = make_model(name)
    recipe = Recipe(steps=1, batch_size=BATCH, lr=0.01, log_every=1)
    density = torch.full((INST, N), 0.5)
    features = SparseFeatures(density, signed=model.signed)
    imp = importance()
    params = {k: v.clone() for k, v in params_for(name).items()}
    ref = {k: v.detach().clone().requires_grad_(True) for k, v in params.items()}
    step = make_step(
        model,
        params,
        make_optimizer(list(params.values()), recipe),
        features,
        imp,
        recipe,
        torch.Generator().manual_seed(4),
    )
    step(0)
    x = features.sample(BATCH, torch.Generator().manual_seed(4))  # the same batch again
    ref_opt = torch.optim.AdamW(list(ref.values()), lr=recipe.lr, weight_decay=recipe.weight_decay)
    weighted_mse(model.forward(ref, x), model.target(x), imp, "mean").sum().backward()
    ref_opt.step()
    for k in params:
        torch.testing.assert_close(params[k], ref[k].detach(), rtol=1e-5, atol=1e-6)


def test_abs_value_needs_signed_features():
    """The trainer refuses a data source whose sign convention differs from the model's."""
    imp = torch.ones(1, 3)
    with pytest.raises(ValueError, match="signed"):
        train(make_model("abs_value"), SparseFeatures(torch.ones(1, 3)), imp, 2, Recipe(steps=1))
    with pytest.raises(ValueError, match="signed"):
        train(make_model("relu_hidden"), SparseFeatures(torch.ones(1, 3), signed=True), imp, 2, Recipe(steps=1))


def test_experiment_uses_the_models_sign_convention():
    base = dict(n_features=4, n_hidden=3, densities=(1.0,))
    assert Experiment(name="a", model="abs_value", **base).features().signed
    assert not Experiment(name="r", model="relu_hidden", **base).features().signed


def test_abs_value_learns_abs_on_a_small_dense_task():
    """A short run of the shared trainer lowers the loss on n=2, m=4 below the zero predictor's."""
    model = make_model("abs_value")
    features = SparseFeatures(torch.ones(1, 2), signed=True)
    recipe = Recipe(steps=300, batch_size=256, lr=0.01, eval_samples=4096, log_every=50)
    result = train(model, features, torch.ones(1, 2), 4, recipe, seed=0)
    zero_loss = 1 / 3  # E[|x|²] = 1/3 for x ~ U[-1, 1], mean over features
    assert result.eval_loss.item() < 0.2 * zero_loss
    assert set(result.params) == {"W1", "W2", "b"}
