"""tms.core.train against independent references: solo training, the dense linear closed form,
torch's own (unfused) optimizers driven by plain autograd, and the recipe's schedules."""

from __future__ import annotations

import math
from itertools import pairwise

import pytest
import torch
import yaml

from tms.analysis import metrics
from tms.core.data import SparseFeatures, importance_decay
from tms.core.models import make_model, weighted_mse
from tms.core.train import Recipe, TrainingDiverged, evaluate, stream_generator, train


class RecordingFeatures(SparseFeatures):
    """SparseFeatures that remembers every batch it hands out (training steps, then evaluation)."""

    def __init__(self, density, signed=False):
        super().__init__(density, signed)
        self.batches: list[torch.Tensor] = []

    def to(self, device):
        return self  # the trainer re-targets its source; keep the recording in one object

    def sample(self, batch, generator=None, out=None):
        x = super().sample(batch, generator, out)
        self.batches.append(x.clone())
        return x


class ReplayFeatures:
    """Hands out recorded batches (instances ``index``) in order; ignores the generator."""

    def __init__(self, batches: list[torch.Tensor], index: slice):
        self.batches = [x[index] for x in batches]
        self.calls = 0

    @property
    def shape(self):
        return (self.batches[0].shape[0], self.batches[0].shape[2])

    def to(self, device):
        return self

    def batch(self, batch):
        return None

    def sample(self, batch, generator=None, out=None):
        x = self.batches[self.calls]
        assert x.shape[1] == batch
        self.calls += 1
        return x


def test_joint_training_equals_solo_training(random_params):
    """k = 3 instances trained together equal each trained alone given the same random numbers:
    the solo runs replay slice i of the joint run's batches (and evaluation sample) and start
    from slice i of the same initial parameters. Different densities and importances per instance,
    AdamW with weight decay and a cosine schedule."""
    inst, n, m = 3, 6, 2
    density = torch.tensor([[1.0] * n, [0.3] * n, [0.05, 0.1, 0.2, 0.3, 0.5, 1.0]])
    imp = torch.stack([importance_decay(n, d) for d in (1.0, 0.9, 0.7)])
    params = random_params(inst, n, m)
    recipe = Recipe(steps=40, batch_size=128, lr=1e-2, schedule="cosine", eval_samples=1000, log_every=10)
    model = make_model("relu_output")

    rec = RecordingFeatures(density)
    joint = train(model, rec, imp, m, recipe, seed=4, params=params)
    assert len(rec.batches) == recipe.steps + 1  # 40 training batches + one evaluation chunk

    for i in range(inst):
        k = slice(i, i + 1)
        replay = ReplayFeatures(rec.batches, k)
        solo = train(model, replay, imp[k], m, recipe, seed=99, params={p: v[k] for p, v in params.items()})
        assert replay.calls == recipe.steps + 1
        for p in ("W", "b"):
            torch.testing.assert_close(solo.params[p], joint.params[p][k], rtol=1e-5, atol=1e-6)
        torch.testing.assert_close(solo.loss_curve, joint.loss_curve[k], rtol=1e-5, atol=1e-7)
        torch.testing.assert_close(solo.eval_loss, joint.eval_loss[k], rtol=1e-5, atol=1e-7)
    # the instances really did learn different things
    assert not torch.allclose(joint.params["W"][0], joint.params["W"][2], atol=1e-2)


@pytest.mark.parametrize(
    "optimizer, schedule, torch_opt",
    [
        ("adamw", "constant", torch.optim.AdamW),
        ("adam", "cosine", torch.optim.Adam),
        ("adamw", "linear", torch.optim.AdamW),
    ],
)
def test_steps_match_torch_optimizer_on_autograd_grads(optimizer, schedule, torch_opt, random_params):
    """3 trainer steps equal torch's unfused optimizer (default betas, eps) applied to autograd
    gradients of forward + weighted_mse on the same batches, with the schedule's lr written out
    as its closed form (cosine 0.5(1+cos(πt/T)), linear 1 - t/T)."""
    inst, n, m, steps = 2, 5, 2, 3
    density = torch.tensor([[0.5] * n, [1.0] * n])
    imp = torch.rand(inst, n) + 0.1
    params = random_params(inst, n, m)
    recipe = Recipe(
        steps=steps,
        batch_size=32,
        lr=0.05,
        weight_decay=0.1,
        optimizer=optimizer,
        schedule=schedule,
        eval_samples=64,
        log_every=1,
    )
    model = make_model("relu_output")
    rec = RecordingFeatures(density)
    got = train(model, rec, imp, m, recipe, seed=0, params=params)

    leaf = {k: v.clone().requires_grad_(True) for k, v in params.items()}
    opt = torch_opt(list(leaf.values()), lr=recipe.lr, weight_decay=recipe.weight_decay, foreach=False, fused=False)
    curve = []
    for t in range(steps):
        frac = {"constant": 1.0, "cosine": 0.5 * (1 + math.cos(math.pi * t / steps)), "linear": 1 - t / steps}[schedule]
        opt.param_groups[0]["lr"] = recipe.lr * frac
        x = rec.batches[t]
        loss = weighted_mse(model.forward(leaf, x), x, imp, "mean")
        curve.append(loss.detach())
        opt.zero_grad()
        loss.sum().backward()
        opt.step()
    for k in ("W", "b"):
        torch.testing.assert_close(got.params[k], leaf[k].detach(), rtol=1e-5, atol=1e-6)
        assert not torch.allclose(got.params[k], params[k])  # it did move
    torch.testing.assert_close(got.loss_curve, torch.stack(curve, 1), rtol=1e-5, atol=1e-7)
    assert got.loss_steps == [0, 1, 2]


def test_adamw_single_step_default_recipe(random_params):
    """One step of the default recipe (AdamW lr 1e-3, weight decay 0.01) equals torch.optim.AdamW
    (unfused, default settings) on the autograd gradient of the first batch. (A first Adam step is
    ≈ lr·sign(g): this pins the wiring and the decoupled weight decay; the 3-step test above pins
    gradient magnitudes.)"""
    n, m = 5, 2
    params = random_params(1, n, m)
    imp = importance_decay(n, 0.9)[None]
    rec = RecordingFeatures(torch.full((1, n), 0.3))
    got = train(make_model("linear"), rec, imp, m, Recipe(steps=1, eval_samples=100), params=params)

    leaf = {k: v.clone().requires_grad_(True) for k, v in params.items()}
    opt = torch.optim.AdamW(list(leaf.values()), foreach=False, fused=False)  # lr 1e-3, wd 0.01
    x = rec.batches[0]
    weighted_mse(make_model("linear").forward(leaf, x), x, imp, "mean").sum().backward()
    opt.step()
    for k in ("W", "b"):
        torch.testing.assert_close(got.params[k], leaf[k].detach(), rtol=1e-6, atol=1e-7)


def test_dense_linear_reaches_closed_form_optimum():
    """Linear model, n=20, m=5, I=0.7^i, density 1 (docs/figures.md, C4.1): the optimum keeps the top
    m features as an orthonormal set and sets the others' bias to E[x] = 1/2, so its loss is
    Σ_{i≥m} I_i (s/3 − s²/4) / n = 0.002323 ("mean" reduction).

    Tolerance 1%: the evaluation Monte-Carlo error on 1e5 samples is ≈0.15% (1σ); with this recipe
    (1000 steps, lr 1e-2, batch 512, weight decay 0.01) the deviation measured ≤0.2% over seeds 0-7.
    Dropping the wrong feature (keeping feature 5 instead of 4) would cost +13%."""
    n, m, s = 20, 5, 1.0
    imp = importance_decay(n, 0.7)[None]
    closed = (imp[0, m:].double().sum().item() * (s / 3 - s**2 / 4)) / n
    assert closed == pytest.approx(0.002323, abs=1e-6)
    recipe = Recipe(steps=1000, batch_size=512, lr=1e-2, eval_samples=100_000)
    r = train(make_model("linear"), SparseFeatures(torch.full((1, n), s)), imp, m, recipe, seed=0)
    assert abs(r.eval_loss.item() / closed - 1) < 0.01

    W, b = r.params["W"][0], r.params["b"][0]
    assert metrics.frobenius_sq(W).item() == pytest.approx(m, rel=0.01)
    norms = metrics.feature_norms(W)
    assert (norms[:m] > 0.98).all() and (norms[m:] < 0.1).all()
    torch.testing.assert_close(metrics.gram(W[:m]), torch.eye(m), atol=0.03, rtol=0)  # orthonormal
    assert (b[m:] - s / 2).abs().max().item() < 0.03  # b_i = E[x_i] = s/2 (measured ≤ 0.015)


def test_same_seed_is_bit_identical(make_recipe):
    """Same seed twice -> bit-identical weights and losses; another seed -> different weights."""
    feats, imp = SparseFeatures(torch.full((2, 5), 0.2)), torch.ones(2, 5)
    model = make_model("relu_output")
    a = train(model, feats, imp, 2, make_recipe(), seed=3)
    b = train(model, feats, imp, 2, make_recipe(), seed=3)
    c = train(model, feats, imp, 2, make_recipe(), seed=4)
    for k in ("W", "b"):
        assert torch.equal(a.params[k], b.params[k])
    assert torch.equal(a.eval_loss, b.eval_loss) and torch.equal(a.loss_curve, b.loss_curve)
    assert not torch.equal(a.params["W"], c.params["W"])


def test_result_shapes_and_first_loss(make_recipe):
    """loss_curve [inst, records] at steps 0, log_every, ..., steps-1; its first entry is the loss of
    the initial parameters on the first batch (recomputed with forward + weighted_mse)."""
    n, m = 5, 2
    rec = RecordingFeatures(torch.full((3, n), 0.5))
    imp = torch.ones(3, n)
    init = make_model("relu_output").init_params(3, n, m, "xavier_normal", torch.Generator().manual_seed(0))
    r = train(make_model("relu_output"), rec, imp, m, make_recipe(steps=12, log_every=5), params=init)
    assert r.loss_steps == [0, 5, 10, 11]
    assert r.loss_curve.shape == (3, 4) and r.eval_loss.shape == (3,)
    assert r.params["W"].shape == (3, n, m) and r.params["b"].shape == (3, n)
    x0 = rec.batches[0]
    first = weighted_mse(make_model("relu_output").forward(init, x0), x0, imp, "mean")
    torch.testing.assert_close(r.loss_curve[:, 0], first, rtol=1e-5, atol=1e-7)


def test_eval_loss_is_a_fresh_sample(make_recipe):
    """Best-of-k needs a loss judged on a fresh sample: eval_loss is the loss on
    ``recipe.eval_samples`` drawn from the "eval" stream of the seed (recomputed here by hand with
    forward + weighted_mse, and through tms.core.train.evaluate), not from the training stream."""
    n, m, seed = 6, 2, 11
    feats, imp = SparseFeatures(torch.full((2, n), 0.1)), importance_decay(n, 0.8).expand(2, n)
    recipe = make_recipe(eval_samples=5000)
    model = make_model("relu_output")
    r = train(model, feats, imp, m, recipe, seed=seed)

    x = feats.sample(recipe.eval_samples, stream_generator(seed, "eval"))
    by_hand = weighted_mse(model.forward(r.params, x), x, imp, "mean")
    torch.testing.assert_close(r.eval_loss, by_hand, rtol=1e-5, atol=1e-8)
    again = evaluate(model, r.params, feats, imp, recipe, stream_generator(seed, "eval"))
    torch.testing.assert_close(r.eval_loss, again, rtol=1e-6, atol=0)
    # chunked evaluation: the mean over 5 chunks equals the mean over their concatenation
    chunked = evaluate(model, r.params, feats, imp, recipe, stream_generator(seed, "eval"), chunk=1000)
    g = stream_generator(seed, "eval")
    x5 = torch.cat([feats.sample(1000, g) for _ in range(5)], 1)
    torch.testing.assert_close(
        chunked, weighted_mse(model.forward(r.params, x5), x5, imp, "mean"), rtol=1e-5, atol=1e-8
    )


def test_streams_share_no_numbers():
    """The init, data and eval streams of a seed, and the streams of neighbouring seeds, all differ
    (so the evaluation sample is never a training batch of this or the next seed)."""
    first = {
        (seed, s): torch.rand(64, generator=stream_generator(seed, s))
        for seed in (0, 1, 2)
        for s in ("init", "data", "eval")
    }
    keys = list(first)
    for a in range(len(keys)):
        for b in range(a + 1, len(keys)):
            assert not torch.equal(first[keys[a]], first[keys[b]]), (keys[a], keys[b])


def test_eval_sample_is_not_the_training_stream(make_recipe):
    """The evaluation sample shares no numbers with the training batches: recorded in order, the
    last batch drawn (evaluation) differs from every training batch, row by row."""
    rec = RecordingFeatures(torch.full((1, 4), 0.5))
    train(
        make_model("relu_output"),
        rec,
        torch.ones(1, 4),
        2,
        make_recipe(steps=3, batch_size=64, eval_samples=256),
        seed=7,
    )
    *batches, x_eval = rec.batches
    train_rows = torch.cat(batches, 1)[0]  # [3 * 64, n]
    eval_rows = x_eval[0]  # [256, n]
    shared = (eval_rows[:, None, :] == train_rows[None, :, :]).all(-1) & (eval_rows[:, None, :] != 0).any(-1)
    assert not shared.any(), f"{int(shared.any(1).sum())} evaluation samples are training samples"


def test_sum_reduction_trains_on_n_times_the_mean_loss(make_recipe):
    """ "sum" differs from "mean" by the factor n on the same parameters and batch (first record)."""
    n, m = 8, 3
    feats, imp = SparseFeatures(torch.full((1, n), 0.4)), torch.ones(1, n)
    mean = train(make_model("linear"), feats, imp, m, make_recipe(steps=1, loss_reduction="mean"), seed=2)
    summ = train(make_model("linear"), feats, imp, m, make_recipe(steps=1, loss_reduction="sum"), seed=2)
    torch.testing.assert_close(summ.loss_curve[:, 0], n * mean.loss_curve[:, 0], rtol=1e-5, atol=0)


def test_huge_lr_diverges(make_recipe):
    """lr 1e10 with Adam and no weight decay overflows within a step or two -> TrainingDiverged."""
    feats, imp = SparseFeatures(torch.ones(2, 5)), torch.ones(2, 5)
    with pytest.raises(TrainingDiverged, match="diverged"):
        train(
            make_model("linear"), feats, imp, 2, make_recipe(lr=1e10, optimizer="adam", weight_decay=0.0, log_every=1)
        )


def test_nan_params_diverge(make_recipe):
    """NaN initial parameters -> TrainingDiverged naming the affected instance."""
    params = {"W": torch.randn(2, 5, 2), "b": torch.zeros(2, 5)}
    params["W"][1, 0, 0] = float("nan")
    with pytest.raises(TrainingDiverged, match=r"instances \[1\]"):
        train(
            make_model("relu_output"),
            SparseFeatures(torch.ones(2, 5)),
            torch.ones(2, 5),
            2,
            make_recipe(),
            params=params,
        )


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("steps", 0, ["recipe.steps"]),
        ("steps", 1.5, ["recipe.steps"]),
        ("batch_size", 0, ["recipe.batch_size"]),
        ("eval_samples", -5, ["recipe.eval_samples"]),
        ("log_every", 0, ["recipe.log_every"]),
        ("optimizer", "sgd", ["recipe.optimizer", "adamw", "adam"]),
        ("schedule", "x", ["recipe.schedule", "constant", "cosine", "linear"]),
        ("init", "x", ["recipe.init", "xavier_normal", "notebook"]),
        ("loss_reduction", "x", ["recipe.loss_reduction", "mean", "sum"]),
        ("lr", -1.0, ["recipe.lr"]),
        ("lr", 0.0, ["recipe.lr"]),
        ("lr", float("nan"), ["recipe.lr"]),
        ("lr", float("inf"), ["recipe.lr"]),
        ("weight_decay", -0.1, ["recipe.weight_decay"]),
        ("weight_decay", float("nan"), ["recipe.weight_decay"]),
        # PyYAML reads `lr: 1e-3` (no dot) as the string "1e-3": it must be named, not a TypeError
        ("lr", "1e-3", ["recipe.lr"]),
        ("weight_decay", "1e-2", ["recipe.weight_decay"]),
        ("checkpoints", -1, ["recipe.checkpoints"]),
        ("checkpoints", 20_000, ["recipe.checkpoints", "steps"]),
        ("checkpoints", 2.0, ["recipe.checkpoints"]),
        ("warmup", -1, ["recipe.warmup"]),
        ("warmup", 10_000, ["recipe.warmup", "steps"]),
        ("warmup", 1.5, ["recipe.warmup"]),
    ],
)
def test_bad_recipe_raises(field, value, words):
    """Bad recipe values raise ValueError naming the setting and (for choices) the allowed values."""
    with pytest.raises(ValueError) as err:
        Recipe(**{field: value})
    for w in words:
        assert w in str(err.value)


def test_bad_train_arguments(make_recipe):
    """A wrong importance shape, a bad n_hidden or an unknown device -> ValueError naming it."""
    feats, model = SparseFeatures(torch.ones(2, 5)), make_model("linear")
    with pytest.raises(ValueError, match="importance"):
        train(model, feats, torch.ones(5), 2, make_recipe())
    with pytest.raises(ValueError, match="importance"):
        train(model, feats, torch.ones(2, 4), 2, make_recipe())
    for bad in (0, -1, 2.0):
        with pytest.raises(ValueError, match="n_hidden"):
            train(model, feats, torch.ones(2, 5), bad, make_recipe())
    with pytest.raises(ValueError, match="device"):
        train(model, feats, torch.ones(2, 5), 2, make_recipe(), device="tpu")


def test_recipe_defaults_are_the_notebook_recipe():
    """docs/figures.md "Recipe": AdamW, lr 1e-3, weight decay 0.01, batch 1024, 10,000 steps, constant lr,
    the notebook's whole-tensor xavier init, mean reduction."""
    r = Recipe()
    assert (r.optimizer, r.lr, r.weight_decay, r.batch_size, r.steps, r.schedule, r.init, r.loss_reduction) == (
        "adamw",
        1e-3,
        0.01,
        1024,
        10_000,
        "constant",
        "notebook",
        "mean",
    )
    assert Recipe(**r.to_dict()) == r


def test_recipe_defaults_equal_the_default_config(repo):
    """``Recipe()`` is config/config.yaml's ``recipe:`` block (the authors' recipe), so code that builds a
    Recipe without the config trains what the pipeline trains."""
    with open(repo / "config" / "config.yaml") as f:
        config = yaml.safe_load(f)
    assert Recipe() == Recipe(**config["recipe"])


def test_lr_at_schedules():
    """lr_at against closed forms: constant lr; cosine lr·½(1+cos(πt/T)); linear lr·(1−t/T)."""
    T, lr = 200, 0.1
    for t in (0, 1, 50, 100, 150, 199):
        assert Recipe(steps=T, lr=lr).lr_at(t) == lr
        assert Recipe(steps=T, lr=lr, schedule="cosine").lr_at(t) == pytest.approx(
            lr * 0.5 * (1 + math.cos(math.pi * t / T))
        )
        assert Recipe(steps=T, lr=lr, schedule="linear").lr_at(t) == pytest.approx(lr * (1 - t / T))
    cos = Recipe(steps=T, lr=lr, schedule="cosine")
    assert (
        cos.lr_at(0) == pytest.approx(lr)
        and cos.lr_at(100) == pytest.approx(lr / 2)
        and cos.lr_at(T) == pytest.approx(0, abs=1e-15)
    )
    assert Recipe(steps=T, lr=lr, schedule="linear").lr_at(50) == pytest.approx(0.075)


def test_lr_at_warmup():
    """A warm-up of w steps: lr·(t+1)/w for t < w, then the schedule over the remaining T − w steps
    (the follow-up's 2,500 linear warm-up steps, then cosine decay)."""
    T, w, lr = 100, 10, 0.1
    r = Recipe(steps=T, lr=lr, schedule="cosine", warmup=w)
    assert [r.lr_at(t) for t in (0, 4, 9)] == pytest.approx([0.01, 0.05, 0.1])
    for t in (10, 40, 99):
        assert r.lr_at(t) == pytest.approx(lr * 0.5 * (1 + math.cos(math.pi * (t - w) / (T - w))))
    assert Recipe(steps=T, lr=lr, warmup=w).lr_at(50) == lr  # constant after the warm-up


def test_checkpoint_steps_are_log_spaced():
    """From step 0 to the last, strictly increasing, ratios between neighbours about constant
    once rounding stops merging the early ones; none without checkpoints."""
    steps = Recipe(steps=10_000, checkpoints=30).checkpoint_steps()
    assert steps[0] == 0 and steps[-1] == 9_999 and steps == sorted(set(steps))
    assert 20 <= len(steps) <= 30
    late = [b / a for a, b in pairwise(steps[-10:])]
    assert max(late) / min(late) < 1.01
    assert Recipe(steps=10_000).checkpoint_steps() == []


def test_checkpoints_are_the_weights_before_their_step(make_recipe):
    """Checkpoint k holds the parameters before step s_k: bit-identical to the final weights of
    the same run stopped after s_k steps; the loss at s_k is logged; no checkpoint, no change."""
    feats, imp, model = SparseFeatures(torch.full((2, 5), 0.3)), torch.ones(2, 5), make_model("relu_output")
    recipe = make_recipe(steps=12, log_every=100, checkpoints=5)
    full = train(model, feats, imp, 2, recipe, seed=1)
    at = recipe.checkpoint_steps()
    assert full.checkpoints["W"].shape == (2, len(at), 5, 2) and full.checkpoints["b"].shape == (2, len(at), 5)
    assert set(at) <= set(full.loss_steps)
    for k, s in enumerate(at):
        if s == 0:
            init = model.init_params(2, 5, 2, recipe.init, stream_generator(1, "init"))
            assert torch.equal(full.checkpoints["W"][:, k], init["W"])
        else:
            short = train(model, feats, imp, 2, make_recipe(steps=s, log_every=100), seed=1)
            assert torch.equal(full.checkpoints["W"][:, k], short.params["W"])
            assert torch.equal(full.checkpoints["b"][:, k], short.params["b"])
    plain = train(model, feats, imp, 2, make_recipe(steps=12, log_every=100), seed=1)
    assert plain.checkpoints == {} and torch.equal(plain.params["W"], full.params["W"])


def test_job_device_follows_the_scheduler(monkeypatch):
    """auto -> CUDA only with a GPU resource and a visible GPU; explicit settings are kept."""
    from tms.core.train import job_device

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert job_device("auto", 1).type == "cpu" and job_device("cpu", 1).type == "cpu"
    with pytest.raises(ValueError, match="cuda"):
        job_device("cuda", 0)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert job_device("auto", 1).type == "cuda" and job_device("auto", 0).type == "cpu"
    assert job_device("cpu", 1).type == "cpu"
    with pytest.raises(ValueError, match="device"):
        job_device("tpu", 1)


def test_progress_bar_is_tqdm_console_bar():
    """The trainer uses tqdm.std, not tqdm.auto: tqdm.auto warns on import in a Jupyter kernel without
    ipywidgets, and the replication report (a papermill notebook that imports the package) would show it."""
    import tqdm.std

    import tms.core.train

    assert tms.core.train.tqdm is tqdm.std.tqdm
