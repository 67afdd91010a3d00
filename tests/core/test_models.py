"""tms.core.models against plain autograd and the independent batch-major reference (tms.bench.reference)."""

from __future__ import annotations

import math

import pytest
import torch

from tms.bench.reference import ReferenceAbsModel, ReferenceModel, reference_batch, reference_step
from tms.core.data import SparseFeatures
from tms.core.models import ReLUOutput, init_weight, make_model, weighted_mse

INST, N, M, BATCH = 3, 6, 3, 64


def assert_rel_close(got: torch.Tensor, want: torch.Tensor, rel: float = 1e-5):
    """max |got - want| <= rel * max |want| (a relative error on the tensor's scale)."""
    assert got.shape == want.shape
    scale = want.abs().max().item()
    assert (got - want).abs().max().item() <= rel * scale, ((got - want).abs().max().item(), scale)


def sparse_batch(seed: int = 2) -> torch.Tensor:
    """``[INST, BATCH, N]``, densities differing per instance and feature."""
    density = torch.linspace(0.05, 1.0, INST * N).reshape(INST, N)
    return SparseFeatures(density).sample(BATCH, torch.Generator().manual_seed(seed))


def importance(seed: int = 3) -> torch.Tensor:
    return 0.1 + torch.rand(INST, N, generator=torch.Generator().manual_seed(seed))


def autograd_loss_and_grads(model, params, x, imp, reduction):
    """Reference: autograd through ``model.forward`` and ``weighted_mse``, summed over instances."""
    leaf = {k: v.detach().clone().requires_grad_(True) for k, v in params.items()}
    loss = weighted_mse(model.forward(leaf, x), x, imp, reduction)
    loss.sum().backward()
    return loss.detach(), {k: v.grad for k, v in leaf.items()}


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("name", ["linear", "relu_output"])
def test_closed_form_grads_match_autograd(name, reduction, random_params):
    """Closed-form loss and dL/dW, dL/db equal autograd on forward + weighted_mse (rel 1e-5)."""
    model = make_model(name)
    params = random_params(INST, N, M)
    x, imp = sparse_batch(), importance()
    loss, grads = model.loss_and_grads(params, x, imp, reduction)
    ref_loss, ref_grads = autograd_loss_and_grads(model, params, x, imp, reduction)
    assert loss.shape == (INST,)
    assert_rel_close(loss, ref_loss)
    for k in ("W", "b"):
        assert_rel_close(grads[k], ref_grads[k])


@pytest.mark.parametrize("name", ["linear", "relu_output"])
def test_reused_work_buffers_match_autograd(name, random_params):
    """The training loop's path (a ``work`` dict reused across calls, loss only when asked) gives
    autograd's gradients call after call, on different batches; the loss is None unless asked."""
    model, params, imp = make_model(name), random_params(INST, N, M), importance()
    work: dict = {}
    for seed in (2, 5, 6):
        x = sparse_batch(seed)
        ref_loss, ref_grads = autograd_loss_and_grads(model, params, x, imp, "mean")
        loss, grads = model.loss_and_grads(params, x, imp, "mean", need_loss=seed != 5, work=work)
        assert (loss is None) == (seed == 5)
        if loss is not None:
            assert_rel_close(loss, ref_loss)
        for k in ("W", "b"):
            assert_rel_close(grads[k], ref_grads[k])
    assert {name for name, _ in work} == ({"ht", "out", "r", "a"} if name == "relu_output" else {"ht", "out", "a"})


@pytest.mark.parametrize("name", ["linear", "relu_output"])
@pytest.mark.parametrize("per_chunk", [1, 2], ids=["chunks_of_1", "chunks_of_2_and_1"])
def test_instance_chunks_match_autograd(name, per_chunk, random_params, monkeypatch):
    """Processing instances in chunks (the last one shorter) gives autograd's loss and
    gradients, with work buffers reused across calls."""
    import tms.core.models.common

    monkeypatch.setattr(tms.core.models.common, "CHUNK_ELEMENTS", per_chunk * N * BATCH)
    model, params, imp = make_model(name), random_params(INST, N, M), importance()
    work: dict = {}
    for seed in (3, 4):
        x = sparse_batch(seed)
        ref_loss, ref_grads = autograd_loss_and_grads(model, params, x, imp, "sum")
        loss, grads = model.loss_and_grads(params, x, imp, "sum", work=work)
        assert_rel_close(loss, ref_loss)
        for k in ("W", "b"):
            assert_rel_close(grads[k], ref_grads[k])


def test_relu_is_both_on_and_off_in_the_grad_test(random_params):
    """Guard for the test above: with these params the ReLU output is active and inactive."""
    params = random_params(INST, N, M)
    pre = torch.baddbmm(params["b"][:, None, :], sparse_batch() @ params["W"], params["W"].transpose(1, 2))
    frac_on = (pre > 0).float().mean().item()
    assert 0.1 < frac_on < 0.9


def test_relu_derivative_at_zero_matches_autograd(random_params):
    """A feature with W_i = 0 and b_i = 0 has pre-activation exactly 0: both sides use ReLU'(0) = 0."""
    params = random_params(INST, N, M)
    params["W"][:, 0] = 0
    params["b"][:, 0] = 0
    x, imp = sparse_batch(), importance()
    model = make_model("relu_output")
    loss, grads = model.loss_and_grads(params, x, imp, "mean")
    ref_loss, ref_grads = autograd_loss_and_grads(model, params, x, imp, "mean")
    assert_rel_close(loss, ref_loss)
    for k in ("W", "b"):
        assert_rel_close(grads[k], ref_grads[k])
    assert torch.equal(grads["b"][:, 0], torch.zeros(INST))


def test_loss_and_grads_leaves_inputs_untouched(random_params):
    """The in-place arithmetic of the fast path never writes into x or the parameters."""
    params = random_params(INST, N, M)
    x, imp = sparse_batch(), importance()
    before = {k: v.clone() for k, v in params.items()}, x.clone(), imp.clone()
    make_model("relu_output").loss_and_grads(params, x, imp, "sum")
    assert all(torch.equal(params[k], before[0][k]) for k in params)
    assert torch.equal(x, before[1]) and torch.equal(imp, before[2])


@pytest.mark.parametrize("relu", [True, False])
def test_matches_reference_model(relu, random_params):
    """Against tms.bench.reference: same W, b; batch-major input; its loss is the "mean" reduction
    summed over instances. Loss and gradients (read after ``reference_step`` with SGD lr=0) agree."""
    params = random_params(INST, N, M)
    density = torch.linspace(0.1, 1.0, INST * N).reshape(INST, N)
    imp = importance()
    ref = ReferenceModel(INST, N, M, relu=relu)
    with torch.no_grad():
        ref.W.copy_(params["W"])
        ref.b.copy_(params["b"])
    opt = torch.optim.SGD(ref.parameters(), lr=0.0)
    ref_loss = reference_step(ref, opt, density, imp, BATCH, torch.Generator().manual_seed(9))
    x_bm = reference_batch(density, BATCH, torch.Generator().manual_seed(9))  # the same batch again
    x = x_bm.transpose(0, 1).contiguous()  # [inst, batch, n]

    model = make_model("relu_output" if relu else "linear")
    torch.testing.assert_close(model.forward(params, x).transpose(0, 1), ref(x_bm), rtol=1e-5, atol=1e-6)
    loss, grads = model.loss_and_grads(params, x, imp, "mean")
    assert abs(loss.sum().item() - ref_loss.item()) <= 1e-5 * ref_loss.item()
    assert_rel_close(grads["W"], ref.W.grad)
    assert_rel_close(grads["b"], ref.b.grad)


def test_abs_value_matches_reference_model():
    """The abs-value model against tms.bench.reference's notebook-style version (signed inputs, target
    |x|): forward, loss and gradients on the same batch."""
    g = torch.Generator().manual_seed(4)
    params = {
        "W1": torch.randn(INST, N, M, generator=g),
        "W2": torch.randn(INST, N, M, generator=g),
        "b": torch.randn(INST, N, generator=g) * 0.1,
    }
    density, imp = torch.linspace(0.1, 1.0, INST * N).reshape(INST, N), importance()
    ref = ReferenceAbsModel(INST, N, M)
    with torch.no_grad():
        for name, p in params.items():
            getattr(ref, name).copy_(p)
    ref_loss = reference_step(
        ref, torch.optim.SGD(ref.parameters(), lr=0.0), density, imp, BATCH, torch.Generator().manual_seed(9)
    )
    x_bm = reference_batch(density, BATCH, torch.Generator().manual_seed(9), signed=True)
    assert (x_bm < 0).any()
    x = x_bm.transpose(0, 1).contiguous()
    model = make_model("abs_value")
    torch.testing.assert_close(model.forward(params, x).transpose(0, 1), ref(x_bm), rtol=1e-5, atol=1e-5)
    loss, grads = model.loss_and_grads(params, x, imp, "mean")
    assert abs(loss.sum().item() - ref_loss.item()) <= 1e-5 * ref_loss.item()
    for name in params:
        assert_rel_close(grads[name], getattr(ref, name).grad)


def test_weighted_mse_reductions_by_hand():
    """ "mean" is the mean over batch and features; "sum" sums features and averages the batch."""
    g = torch.Generator().manual_seed(0)
    y, t = torch.randn(2, 5, 4, generator=g), torch.randn(2, 5, 4, generator=g)
    imp = torch.rand(2, 4, generator=g)
    for k in range(2):
        per_entry = [
            [imp[k, f].item() * (y[k, s, f].item() - t[k, s, f].item()) ** 2 for f in range(4)] for s in range(5)
        ]
        total = sum(map(sum, per_entry))
        assert weighted_mse(y, t, imp, "mean")[k].item() == pytest.approx(total / 20, rel=1e-6)
        assert weighted_mse(y, t, imp, "sum")[k].item() == pytest.approx(total / 5, rel=1e-6)
    with pytest.raises(ValueError, match="loss_reduction"):
        weighted_mse(y, t, imp, "median")


def test_forward_by_hand(random_params):
    """x' = ReLU(WᵀW x + b) per instance and sample, written as explicit per-instance matrix products."""
    params = random_params(INST, N, M)
    x = sparse_batch()
    model = make_model("relu_output")
    out = model.forward(params, x)
    for k in range(INST):
        W, b = params["W"][k], params["b"][k]  # W: [n, m], rows are features
        want = torch.relu(x[k] @ W @ W.T + b)
        torch.testing.assert_close(out[k], want, rtol=1e-5, atol=1e-6)
    lin = make_model("linear").forward(params, x)
    assert (lin < 0).any() and not (out < 0).any()


def test_make_model():
    """Names map to the two models; a bad name raises ValueError listing the allowed names."""
    assert make_model("linear").relu is False and make_model("linear").name == "linear"
    assert make_model("relu_output").relu is True and make_model("relu_output").name == "relu_output"
    with pytest.raises(ValueError, match="model") as err:
        make_model("relu_hidden_typo")
    assert "linear" in str(err.value) and "relu_output" in str(err.value)


def test_init_params_shapes():
    """init_params gives W [inst, n, m] and b = 0 [inst, n]."""
    p = ReLUOutput().init_params(4, 5, 2, "xavier_normal", torch.Generator().manual_seed(0))
    assert p["W"].shape == (4, 5, 2)
    assert torch.equal(p["b"], torch.zeros(4, 5))


def _empirical_std(draw, repeats: int) -> tuple[float, int]:
    vals = torch.cat([draw().flatten() for _ in range(repeats)])
    return vals.double().std().item(), vals.numel()


@pytest.mark.parametrize("inst", [1, 50])
def test_xavier_normal_std_independent_of_instances(inst):
    """ "xavier_normal": std sqrt(2/(n+m)) per instance, whatever the instance count
    (5 standard errors of a sample std, sigma/sqrt(2N))."""
    n, m = 20, 5
    g = torch.Generator().manual_seed(inst)
    std, N = _empirical_std(lambda: init_weight(inst, n, m, "xavier_normal", g), 2000 // inst)
    want = math.sqrt(2 / (n + m))
    assert abs(std - want) <= 5 * want / math.sqrt(2 * N)


@pytest.mark.parametrize("inst, paper_std", [(1, 0.408), (10, 0.258), (100, 0.0970)])
def test_notebook_init_matches_torch_xavier_on_3d_tensor(inst, paper_std):
    """ "notebook": the statistics of torch.nn.init.xavier_normal_ on an [inst, 5, 2] tensor
    (docs/figures.md "Recipe" pitfall: the std shrinks with the instance count)."""
    n, m = 5, 2
    repeats = max(1, 20_000 // (inst * n * m))
    g = torch.Generator().manual_seed(0)
    ours, N = _empirical_std(lambda: init_weight(inst, n, m, "notebook", g), repeats)
    torch.manual_seed(1)
    theirs, _ = _empirical_std(lambda: torch.nn.init.xavier_normal_(torch.empty(inst, n, m)), repeats)
    se = paper_std / math.sqrt(2 * N)
    assert abs(ours - theirs) <= 5 * math.sqrt(2) * se
    assert abs(ours - paper_std) <= 5 * se + 0.001  # paper_std is rounded to 3 digits


def test_bad_init_raises():
    with pytest.raises(ValueError, match="init"):
        init_weight(1, 5, 2, "kaiming", None)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("name", ["relu_output", "relu_hidden", "abs_value"])
def test_sample_weights_give_the_unpadded_sets_loss(name, reduction, monkeypatch):
    """Each instance trains on its own first T_i samples: the batch padded with zeros, weighted 1/T_i
    on its real samples and 0 on the padding, gives the loss and gradients of the unpadded batch
    (autograd on forward + weighted_mse, instance by instance), on one chunk and on several."""
    model = make_model(name)
    g = torch.Generator().manual_seed(7)
    params = {
        k: 0.5 * torch.randn(v.shape, generator=g) for k, v in model.init_params(INST, N, M, "xavier_normal").items()
    }
    x = SparseFeatures(torch.full((INST, N), 0.6), signed=model.signed).sample(BATCH, g)
    sizes = [BATCH, 40, 9]
    keep = torch.arange(BATCH)[None, :] < torch.tensor(sizes)[:, None]  # [INST, BATCH]
    padded = x * keep[:, :, None]
    weight = keep / torch.tensor(sizes)[:, None]
    imp = importance()
    for per_chunk in (None, 1):
        if per_chunk:
            monkeypatch.setattr("tms.core.models.common.CHUNK_ELEMENTS", per_chunk * N * BATCH)
        loss, grads = model.loss_and_grads(
            params, padded.transpose(1, 2).contiguous().transpose(1, 2), imp, reduction, weight=weight
        )
        for i, size in enumerate(sizes):
            one = {k: v[i : i + 1] for k, v in params.items()}
            xi = x[i : i + 1, :size]
            leaf = {k: v.clone().requires_grad_(True) for k, v in one.items()}
            ref = weighted_mse(model.forward(leaf, xi), model.target(xi), imp[i : i + 1], reduction)
            ref.sum().backward()
            assert_rel_close(loss[i : i + 1], ref.detach())
            for k in model.param_names:
                assert_rel_close(grads[k][i : i + 1], leaf[k].grad)
