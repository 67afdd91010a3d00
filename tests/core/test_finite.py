"""tms.core.data.finite and the finite-data path of the experiments: the fixed training set,
unit-norm points, full-batch steps against autograd, the set regenerated exactly from the seed."""

from __future__ import annotations

import dataclasses
import itertools
import math

import pytest
import torch

from tms.core.data import FiniteFeatures, SparseFeatures, UnitNorm
from tms.core.experiments import Experiment
from tms.core.models import make_model, weighted_mse
from tms.core.running import RUN_OVERHEAD_ENTRIES, finite_runs, run_experiment
from tms.core.train import Recipe, train

RECIPE = Recipe(steps=30, lr=0.02, eval_samples=500, log_every=10, schedule="cosine", warmup=5)


def _exp(**kw) -> Experiment:
    spec = dict(
        name="dd",
        model="relu_output",
        n_features=40,
        n_hidden=2,
        densities=(0.1,),
        replicas=2,
        train_set_sizes=(3, 7),
        recipe=RECIPE,
    )
    return Experiment(**{**spec, **kw})


def test_unit_norm_points():
    """Every point with an active feature has norm 1 (x / ‖x‖, the follow-up's data); an empty point stays 0."""
    x = UnitNorm(SparseFeatures(torch.full((3, 20), 0.05))).sample(4000, torch.Generator().manual_seed(0))
    norms = x.norm(dim=2)
    active = (x != 0).any(dim=2)
    assert bool((~active).any()), "density 0.05 over 20 features leaves some points empty"
    torch.testing.assert_close(norms[active], torch.ones(int(active.sum())))
    assert bool((norms[~active] == 0).all())
    assert x.transpose(1, 2).is_contiguous()  # the models' feature-major layout


def test_finite_set_is_the_same_every_step():
    """sample() returns the whole fixed set every call, whatever the generator; another size is an error."""
    data = FiniteFeatures(UnitNorm(SparseFeatures(torch.full((2, 10), 0.3))), 6, torch.Generator().manual_seed(1))
    first = data.sample(6, torch.Generator().manual_seed(2)).clone()
    assert first.shape == (2, 6, 10)
    for seed in (3, 4):
        assert torch.equal(data.sample(6, torch.Generator().manual_seed(seed)), first)
    with pytest.raises(ValueError, match="batch must be its size 6"):
        data.sample(5)
    with pytest.raises(ValueError, match="train_set_size"):
        FiniteFeatures(UnitNorm(SparseFeatures(torch.ones(1, 3))), 0)


def test_training_set_is_regenerated_exactly_from_the_seed():
    """Experiment.training_set(point) is a pure function of (seed, point): the same twice, other
    for another point or seed, and exactly the draw of the point's data stream."""
    exp = _exp()
    assert torch.equal(exp.training_set(1).x, exp.training_set(1).x)
    assert exp.training_set(0).x.shape == (2, 3, 40) and exp.training_set(1).x.shape == (2, 7, 40)
    other = dataclasses.replace(exp, seed=1)
    assert not torch.equal(exp.training_set(1).x, other.training_set(1).x)
    assert exp.point_seed(0) != exp.point_seed(1)


def test_full_batch_steps_match_autograd_on_the_set():
    """Trainer steps on a FiniteFeatures set equal torch's AdamW on autograd gradients of the mean
    loss over the whole set, with the warm-up-then-cosine lr written out in closed form."""
    inst, n, m, T, steps, warm = 2, 6, 2, 5, 6, 2
    source = UnitNorm(SparseFeatures(torch.full((inst, n), 0.4)))
    data = FiniteFeatures(source, T, torch.Generator().manual_seed(0))
    imp = torch.ones(inst, n)
    recipe = Recipe(
        steps=steps, batch_size=T, lr=0.05, weight_decay=0.1, schedule="cosine", warmup=warm, eval_samples=64
    )
    params = {"W": torch.randn(inst, n, m, generator=torch.Generator().manual_seed(5)) * 0.3, "b": torch.zeros(inst, n)}
    model = make_model("relu_output")
    got = train(model, data, imp, m, recipe, params=params, test_features=source)

    leaf = {k: v.clone().requires_grad_(True) for k, v in params.items()}
    opt = torch.optim.AdamW(list(leaf.values()), lr=recipe.lr, weight_decay=recipe.weight_decay, foreach=False)
    x = data.x
    for t in range(steps):
        lr = 0.05 * ((t + 1) / warm if t < warm else 0.5 * (1 + math.cos(math.pi * (t - warm) / (steps - warm))))
        opt.param_groups[0]["lr"] = lr
        loss = weighted_mse(model.forward(leaf, x), x, imp, "mean")
        opt.zero_grad()
        loss.sum().backward()
        opt.step()
    for k in ("W", "b"):
        torch.testing.assert_close(got.params[k], leaf[k].detach(), rtol=1e-5, atol=1e-6)


def test_finite_run_artefact():
    """Points × replicas instances in point order, each point's own seed, train_loss the loss on
    its regenerated set, eval_loss on fresh points; the same spec gives the same numbers."""
    exp = _exp()
    tensors, meta = run_experiment(exp)
    assert tensors["W"].shape == (4, 40, 2)
    assert meta["instances"]["train_size"] == [3, 3, 7, 7]
    assert [c["seed"] for c in meta["points"]] == [exp.point_seed(0), exp.point_seed(1)]
    model = make_model("relu_output")
    for point in range(2):
        k = slice(2 * point, 2 * point + 2)
        params = {"W": tensors["W"][k], "b": tensors["b"][k]}
        x = exp.training_set(point).x
        expected = weighted_mse(model.forward(params, x), x, torch.ones(2, 40), "mean")
        torch.testing.assert_close(tensors["train_loss"][k], expected, rtol=1e-5, atol=1e-9)
    assert not torch.allclose(tensors["train_loss"], tensors["eval_loss"])  # tested on other points
    again, _ = run_experiment(exp)
    assert all(torch.equal(tensors[k], again[k]) for k in tensors)
    assert Experiment.from_spec(meta["experiment"]) == exp


@pytest.mark.parametrize(
    "kw, words",
    [
        ({"train_set_sizes": (0, 3)}, ["train_set_sizes", "integers >= 1"]),
        ({"train_set_sizes": (2.5,)}, ["train_set_sizes"]),
        ({"train_set_sizes": ()}, ["train_set_sizes", "non-empty"]),
        ({"shards": 2}, ["train_set_sizes", "shards"]),
        ({"relative_density": (0.5, 2.0)}, ["train_set_sizes", "relative_density"]),
        ({"feature_sets": "correlated", "set_size": 2}, ["train_set_sizes", "feature_sets"]),
    ],
)
def test_bad_finite_settings_raise(kw, words):
    with pytest.raises(ValueError) as err:
        _exp(**kw)
    for w in words:
        assert w in str(err.value)


def test_point_seed_needs_a_finite_experiment():
    exp = dataclasses.replace(_exp(), train_set_sizes=None)
    with pytest.raises(ValueError, match="finite-data"):
        exp.point_seed(0)
    with pytest.raises(ValueError, match="point"):
        _exp().point_seed(2)


def test_runs_group_sizes_at_least_cost():
    """``finite_runs`` equals the cheapest split, by brute force over every split of the points
    sorted by size into consecutive runs, of Σ (overhead + points × largest size × width)."""
    g = torch.Generator().manual_seed(0)
    for trial in range(30):
        sizes = torch.randint(1, 400, (int(torch.randint(1, 8, (1,), generator=g)),), generator=g).tolist()
        width = [3, 750, 30_000][trial % 3]
        order = sorted(range(len(sizes)), key=lambda p: (sizes[p], p))

        def cost(runs, sizes=sizes, width=width):
            return sum(RUN_OVERHEAD_ENTRIES + len(r) * max(sizes[p] for p in r) * width for r in runs)

        best = min(
            (
                [order[a:b] for a, b in zip((0, *cuts), (*cuts, len(order)), strict=True)]
                for k in range(len(order))
                for cuts in itertools.combinations(range(1, len(order)), k)
            ),
            key=cost,
        )
        got = finite_runs(sizes, width)
        assert sorted(p for r in got for p in r) == list(range(len(sizes)))
        assert cost(got) == cost(best)
    assert finite_runs([5, 8, 12, 20, 35, 60, 100, 170, 300, 500], 750)[0] == [0, 1, 2, 3, 4]


def test_a_padded_run_trains_each_point_as_alone():
    """Two sizes in one padded run (the padding weighing nothing) give each point the parameters,
    loss curve and training loss of training that point alone from its own init (float rounding
    apart); the test sample is the run's own."""
    exp = _exp()
    assert finite_runs([3, 7], exp.replicas * exp.n_features) == [[0, 1]]
    tensors, meta = run_experiment(exp)
    assert [r["points"] for r in meta["runs"]] == [[0, 1]]
    for point in range(2):
        k = slice(2 * point, 2 * point + 2)
        data = exp.training_set(point)
        recipe = dataclasses.replace(exp.recipe, batch_size=data.size)
        alone = train(
            exp.network,
            data,
            exp.importance(exp.point_instances(point)),
            exp.n_hidden,
            recipe,
            seed=exp.point_seed(point),
            test_features=exp.test_features(point),
        )
        for name in ("W", "b"):
            torch.testing.assert_close(tensors[name][k], alone.params[name], rtol=1e-4, atol=1e-6)
        torch.testing.assert_close(tensors["loss_curve"][k], alone.loss_curve, rtol=1e-4, atol=1e-7)
