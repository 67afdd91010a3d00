"""tms.core.experiments: the repository's config resolves to the intended instance grid; tiny end-to-end run."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
import torch
import yaml

from tms.core.data import importance_decay
from tms.core.experiments import Experiment
from tms.core.io import load_run, save_run
from tms.core.models import make_model
from tms.core.running import run_experiment
from tms.core.sweep import AXES, logspace
from tms.core.train import Recipe, train


@pytest.fixture
def config(repo):
    """The repository's default config, config/config.yaml."""
    with open(repo / "config" / "config.yaml") as f:
        return yaml.safe_load(f)


def tiny_config(**entry) -> dict:
    base = {
        "model": "relu_output",
        "n_features": 5,
        "n_hidden": 2,
        "importance_decay": 0.9,
        "densities": [1.0, 0.1],
        "replicas": 2,
    }
    return {
        "seed": 3,
        "recipe": {"steps": 12, "batch_size": 32, "eval_samples": 300, "log_every": 5},
        "experiments": {"tiny": {**base, **entry}},
    }


def _values(axis) -> list[float]:
    """A config's axis written out independently of tms.core.sweep: a list, or log-spaced values."""
    if isinstance(axis, dict):
        first, last, num = axis["logspace"]
        return [float(v) for v in np.logspace(np.log10(first), np.log10(last), num)]
    return [float(v) for v in axis]


def test_every_configured_experiment_resolves(config):
    """Each experiment of config/config.yaml: instance count = points * replicas, where the points are
    the densities (or, with relative_importance, the grid densities x relative importances,
    density-major); instance k is point k // replicas with that point's density, features and
    importance match (I = decay^i; on a grid, 1 except the last feature, which has importance r)."""
    assert config["experiments"], "config has no experiments"
    for name, entry in config["experiments"].items():
        exp = Experiment.from_config(name, config)
        d = _values(entry["densities"])
        rel = entry.get("relative_importance")
        points = [(dv, rv) for dv in d for rv in (_values(rel) if rel is not None else [None])]
        rd = entry.get("relative_density")  # #geometry-non-uniform: the last feature's density is r x the rest's
        if rd is not None:
            points = [(dv, rv) for dv in d for rv in _values(rd)]
        sizes = entry.get("train_set_sizes")  # finite data: densities x training-set sizes
        if sizes is not None:
            points = [(dv, T) for dv in d for T in sizes]
        r, n = entry.get("replicas", 1), entry["n_features"]
        assert exp.n_instances == len(points) * r, name
        table = exp.instance_table()
        assert table["point"] == [k // r for k in range(len(points) * r)]
        assert table["replica"] == [k % r for k in range(len(points) * r)]
        assert table["density"] == [float(points[k // r][0]) for k in range(len(points) * r)]
        if sizes is not None:
            assert table["train_size"] == [points[k // r][1] for k in range(len(points) * r)]
        feats = exp.features()
        assert feats.shape == (exp.n_instances, n)
        torch.testing.assert_close(feats.density[:, 0], torch.tensor(table["density"]))
        rest = feats.density[:, :-1] if rd is not None else feats.density
        assert (rest == rest[:, :1]).all()  # one density per instance (but the varied feature)
        if rd is not None:
            torch.testing.assert_close(
                feats.density[:, -1], feats.density[:, 0] * torch.tensor([p[1] for p in points]).repeat_interleave(r)
            )
        imp = exp.importance()
        outputs = make_model(entry["model"]).out_features(n)  # n, or 1 for the x·y model's one output
        assert imp.shape == (exp.n_instances, outputs)
        decay = entry.get("importance_decay", 1.0)
        expected = torch.tensor([decay**i for i in range(outputs)])
        if rel is not None:
            expected[-1] = points[-1][1]
            assert table["relative_importance"] == [points[k // r][1] for k in range(len(points) * r)]
            torch.testing.assert_close(imp[:, -1], torch.tensor(table["relative_importance"], dtype=imp.dtype))
        torch.testing.assert_close(imp[-1], expected, rtol=1e-5, atol=0)
        assert exp.recipe == Recipe(**{**config["recipe"], **entry.get("recipe", {})})
        assert exp.seed == config["seed"] and exp.model == entry["model"] and exp.n_hidden == entry["n_hidden"]


def test_paper_settings_of_the_default_config(config):
    """docs/figures.md (intro, basic_results): intro n=5, m=2, I=0.9^i; basic results n=20, m=5, I=0.7^i."""
    intro = Experiment.from_config("intro", config)
    assert (intro.model, intro.n_features, intro.n_hidden, intro.importance_decay) == ("relu_output", 5, 2, 0.9)
    basic = Experiment.from_config("basic_relu", config)
    assert (basic.n_features, basic.n_hidden, basic.importance_decay) == (20, 5, 0.7)


def test_recipe_override_per_experiment():
    """An experiment's ``recipe`` entry overrides the global recipe key by key."""
    cfg = tiny_config(recipe={"steps": 7, "lr": 0.01})
    exp = Experiment.from_config("tiny", cfg)
    assert exp.recipe.steps == 7 and exp.recipe.lr == 0.01
    assert exp.recipe.batch_size == 32 and exp.recipe.log_every == 5  # from the global recipe
    assert exp.recipe.optimizer == "adamw"  # the Recipe default
    assert "recipe" in cfg["experiments"]["tiny"]  # the config itself is not consumed


def test_to_dict_round_trip():
    """to_dict holds everything: an Experiment rebuilt from it is equal, and it is JSON-serialisable."""
    exp = Experiment.from_config("tiny", tiny_config())
    d = json.loads(json.dumps(exp.to_dict()))
    again = Experiment(**{**d, "densities": tuple(d["densities"]), "recipe": Recipe(**d["recipe"])})
    assert again == exp


@pytest.mark.parametrize(
    "key, value",
    [
        ("n_hidden", 0),
        ("n_hidden", 2.5),
        ("n_features", -1),
        ("replicas", 0),
        ("densities", []),
        ("densities", [0.0]),
        ("densities", [1.5]),
        ("densities", [float("nan")]),
        ("model", "relu_hidden_typo"),
    ],
)
def test_bad_values_name_the_key(key, value):
    """A bad value raises ValueError naming the key."""
    with pytest.raises(ValueError, match=key):
        Experiment.from_config("tiny", tiny_config(**{key: value}))


def test_bad_recipe_in_experiment_names_the_setting():
    with pytest.raises(ValueError, match="recipe.optimizer"):
        Experiment.from_config("tiny", tiny_config(recipe={"optimizer": "sgd"}))


def test_bad_importance_decay_is_an_error():
    """importance_decay outside (0, 1] is a ValueError no later than building the importances."""
    with pytest.raises(ValueError, match="decay"):
        Experiment.from_config("tiny", tiny_config(importance_decay=0.0)).importance()


def test_unknown_experiment():
    with pytest.raises(ValueError, match="unknown experiment 'nope'"):
        Experiment.from_config("nope", tiny_config())


def test_run_experiment_tiny():
    """run_experiment returns W [inst, n, m], b, eval_loss [inst], loss_curve [inst, records],
    loss_steps, importance and meta (experiment, instances); the weights equal a direct call of
    tms.core.train.train with the same arguments, and the artefact survives save_run/load_run."""
    exp = Experiment.from_config("tiny", tiny_config())
    tensors, meta = run_experiment(exp)
    inst = exp.n_instances
    assert inst == 4
    assert tensors["W"].shape == (inst, 5, 2) and tensors["b"].shape == (inst, 5)
    assert tensors["eval_loss"].shape == (inst,)
    assert tensors["loss_curve"].shape == (inst, 4)
    assert tensors["loss_steps"].tolist() == [0, 5, 10, 11]
    torch.testing.assert_close(tensors["importance"][0], importance_decay(5, 0.9))
    assert meta["experiment"] == exp.to_dict()
    assert meta["instances"] == exp.instance_table()

    direct = train(make_model("relu_output"), exp.features(), exp.importance(), 2, exp.recipe, seed=3)
    assert torch.equal(tensors["W"], direct.params["W"]) and torch.equal(tensors["eval_loss"], direct.eval_loss)


def test_run_experiment_artefact_round_trip(tmp_path):
    exp = Experiment.from_config("tiny", tiny_config(recipe={"steps": 3}))
    tensors, meta = run_experiment(exp)
    save_run(tmp_path / "tiny", tensors, meta)
    run = load_run(tmp_path / "tiny")
    assert torch.equal(run.W, tensors["W"])
    assert run.spec == json.loads(json.dumps(exp.to_dict()))
    assert len(run.best().density) == len(exp.densities)


def test_checkpoints_are_stored_instance_first(tmp_path):
    """With recipe.checkpoints the artefact holds checkpoints.W [inst, k, n, m], checkpoints.b and
    the shared checkpoint_steps; selecting instances keeps them aligned."""
    exp = Experiment.from_config("tiny", tiny_config(recipe={"steps": 8, "checkpoints": 4}))
    tensors, meta = run_experiment(exp)
    k = len(exp.recipe.checkpoint_steps())
    assert tensors["checkpoints.W"].shape == (exp.n_instances, k, 5, 2)
    assert tensors["checkpoint_steps"].tolist() == exp.recipe.checkpoint_steps()
    save_run(tmp_path / "tiny", tensors, meta)
    best = load_run(tmp_path / "tiny").best()
    assert best["checkpoints.W"].shape == (len(exp.densities), k, 5, 2)
    assert best["checkpoint_steps"].tolist() == exp.recipe.checkpoint_steps()


def test_config_is_not_mutated():
    cfg = tiny_config(recipe={"steps": 3})
    before = copy.deepcopy(cfg)
    Experiment.from_config("tiny", cfg)
    assert cfg == before


# --------------------------------------------------------------------------- phase-diagram grids (#phase-change)


def grid_config(**entry) -> dict:
    """tiny_config turned into an n=2, m=1 phase grid: 2 densities x 3 relative importances."""
    base = {
        "n_features": 2,
        "n_hidden": 1,
        "importance_decay": 1.0,
        "densities": [1.0, 0.1],
        "relative_importance": [0.5, 1.0, 2.0],
        "replicas": 2,
    }
    return tiny_config(**{**base, **entry})


def test_relative_importance_grid_is_density_major():
    exp = Experiment.from_config("tiny", grid_config())
    assert exp.n_instances == 2 * 3 * 2
    table = exp.instance_table()
    assert table["density"] == [1.0] * 6 + [0.1] * 6
    assert table["relative_importance"] == [0.5, 0.5, 1.0, 1.0, 2.0, 2.0] * 2
    assert table["point"] == [k // 2 for k in range(12)]
    imp = exp.importance()
    assert (imp[:, 0] == 1).all() and imp[:, 1].tolist() == table["relative_importance"]
    assert exp.features().density[:, 1].tolist() == pytest.approx(table["density"])


def test_grid_to_dict_round_trip_and_plain_specs_unchanged():
    exp = Experiment.from_config("tiny", grid_config(aggregate="drop_worst"))
    d = json.loads(json.dumps(exp.to_dict()))
    assert d["relative_importance"] == [0.5, 1.0, 2.0] and d["aggregate"] == "drop_worst"
    again = Experiment(**{**d, "densities": tuple(d["densities"]), "recipe": Recipe(**d["recipe"])})
    assert again == exp
    # experiments without a grid keep the spec they had (so their runs are not invalidated)
    plain = Experiment.from_config("tiny", tiny_config()).to_dict()
    assert "relative_importance" not in plain and "aggregate" not in plain
    assert "relative_importance" not in Experiment.from_config("tiny", tiny_config()).instance_table()


def test_logspace_axis():
    assert logspace("x", {"logspace": [0.01, 1, 3]}) == pytest.approx([0.01, 0.1, 1.0])
    exp = Experiment.from_config(
        "tiny", grid_config(densities={"logspace": [0.01, 1.0, 5]}, relative_importance={"logspace": [0.1, 10, 3]})
    )
    assert exp.densities[-1] == 1.0 and len(exp.densities) == 5
    assert exp.relative_importance == pytest.approx((0.1, 1.0, 10.0))


@pytest.mark.parametrize(
    "key, value",
    [
        ("relative_importance", []),
        ("relative_importance", [0.0]),
        ("relative_importance", [-1.0]),
        ("relative_importance", [float("inf")]),
        ("relative_importance", "abc"),
        ("relative_importance", {"logspace": [0, 1, 3]}),
        ("densities", {"logspace": [0.01, 1, 2.5]}),
        ("densities", {"linspace": [0.01, 1, 3]}),
        ("densities", {"logspace": [0.1, 2, 3]}),
        ("aggregate", "mean"),
    ],
)
def test_bad_grid_values_name_the_key(key, value):
    with pytest.raises(ValueError, match=key):
        Experiment.from_config("tiny", grid_config(**{key: value}))


def test_grid_needs_equal_importances_an_extra_feature_and_replicas_to_drop():
    with pytest.raises(ValueError, match="importance_decay must be 1"):
        Experiment.from_config("tiny", grid_config(importance_decay=0.9))
    with pytest.raises(ValueError, match="n_features >= 2"):
        Experiment.from_config("tiny", grid_config(n_features=1))
    with pytest.raises(ValueError, match="replicas >= 2"):
        Experiment.from_config("tiny", grid_config(aggregate="drop_worst", replicas=1))
    with pytest.raises(ValueError, match="aggregate applies to relative_importance grids only"):
        Experiment.from_config("tiny", tiny_config(aggregate="drop_worst"))


# --------------------------------------------------------------------------- shards


def test_shards_partition_the_instances_with_their_own_seeds():
    exp = Experiment.from_config("tiny", tiny_config(densities=[1.0, 0.3, 0.1], replicas=3, shards=4))
    blocks = [exp.shard(i) for i in range(4)]
    assert [i for b in blocks for i in b] == list(range(9)) and {len(b) for b in blocks} == {2, 3}
    seeds = [exp.shard_seed(i) for i in range(4)]
    assert len(set(seeds)) == 4 and exp.seed not in seeds
    assert seeds == [exp.shard_seed(i) for i in range(4)]  # derived, not drawn
    assert exp.to_dict()["shards"] == 4
    whole = Experiment.from_config("tiny", tiny_config())
    assert whole.shard(0) == range(whole.n_instances) and whole.shard_seed(0) == whole.seed
    assert "shards" not in whole.to_dict()  # unsharded specs (and their runs) stay unchanged
    with pytest.raises(ValueError, match="shard must be an integer in \\[0, 4\\)"):
        exp.shard(4)


@pytest.mark.parametrize("value", [0, 2.0, True, 99])
def test_bad_shards_name_the_key(value):
    with pytest.raises(ValueError, match="shards"):
        Experiment.from_config("tiny", tiny_config(shards=value))


def test_a_shard_trains_its_instances_as_a_run_of_their_own():
    """Shard i equals tms.core.train.train on exactly its instances' features, importances and seed;
    merging the shards gives the artefact of run_experiment on the whole sharded experiment."""
    from tms.core.running import merge_shards

    exp = Experiment.from_config(
        "tiny", tiny_config(densities=[1.0, 0.1], replicas=3, shards=2, recipe={"checkpoints": 3})
    )
    parts = [run_experiment(exp, shard=i) for i in range(2)]
    block = exp.shard(1)
    direct = train(
        make_model("relu_output"), exp.features(block), exp.importance(block), 2, exp.recipe, seed=exp.shard_seed(1)
    )
    assert torch.equal(parts[1][0]["W"], direct.params["W"])
    assert parts[1][1]["instances"]["density"] == exp.instance_table()["density"][3:]
    tensors, meta = merge_shards(exp, parts)
    whole, whole_meta = run_experiment(exp)
    assert tensors.keys() == whole.keys() and all(torch.equal(tensors[k], whole[k]) for k in tensors)
    assert tensors["checkpoints.W"].shape[0] == exp.n_instances
    assert meta["instances"] == exp.instance_table() == whole_meta["instances"]
    assert [s["index"] for s in meta["shards"]] == [0, 1] and meta["shards"][1]["instances"] == [3, 6]
    with pytest.raises(ValueError, match="in order"):
        merge_shards(exp, parts[::-1])
    other = Experiment.from_config("tiny", {**tiny_config(densities=[1.0, 0.1], replicas=3, shards=2), "seed": 1})
    with pytest.raises(ValueError, match="another spec"):
        merge_shards(other, parts)


@pytest.mark.parametrize("axis", AXES, ids=lambda axis: axis.setting)
def test_each_sweep_axis_is_one_grid(axis):
    """Every axis goes through the same path: a grid (densities × the axis, density-major), one
    instance-table column per axis, a spec that reads back to the same experiment."""
    values = [3, 5] if axis.integer else [0.5, 1.0]
    entry = {"densities": [0.1, 0.2], "importance_decay": 1.0, axis.setting: values}
    if axis.setting == "densities":
        entry["densities"] = values
    exp = Experiment.from_config("tiny", tiny_config(**entry))
    dens = entry["densities"]
    expected = [(d,) for d in dens] if axis.setting == "densities" else [(d, v) for d in dens for v in values]
    assert [tuple(p.values()) for p in exp.points] == expected
    table = exp.instance_table()
    assert table[axis.column] == [expected[k // 2][-1] for k in range(len(expected) * 2)]
    assert Experiment.from_spec(json.loads(json.dumps(exp.to_dict()))) == exp
