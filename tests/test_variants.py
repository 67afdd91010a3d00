"""tms.variants: a study variant's config is the default config with exactly its changes."""

from __future__ import annotations

import pytest

from tms.core.experiments import Experiment
from tms.variants import DEFAULT, variant_config, variant_settings

BASE = {
    "seed": 0,
    "recipe": {"steps": 1000, "init": "notebook", "weight_decay": 0.01},
    "experiments": {
        "a": {"model": "relu_output", "n_features": 5, "n_hidden": 2, "densities": [0.1]},
        "b": {
            "model": "relu_output",
            "n_features": 5,
            "n_hidden": 2,
            "densities": [0.1],
            "recipe": {"steps": 300, "weight_decay": 0.1},
        },
    },
    "robustness": {
        "seeds": [1, 2],
        "variants": {
            "xavier": {"recipe": {"init": "xavier_normal"}},
            "long": {"steps_factor": 3, "figures": ["intro"]},
            "nowd": {"recipe": {"weight_decay": 0.0}},
        },
    },
}


def spec(config, name):
    return Experiment.from_config(name, config).to_dict()


def test_variants_in_order_default_seeds_then_recipes():
    table = variant_settings(BASE)
    assert list(table) == [DEFAULT, "seed1", "seed2", "xavier", "long", "nowd"]
    assert [v["kind"] for v in table.values()] == ["seed"] * 3 + ["recipe"] * 3
    assert table["seed2"]["seed"] == 2 and table["long"]["figures"] == ["intro"]


def test_default_variant_is_the_config_itself():
    assert all(spec(variant_config(BASE, DEFAULT), e) == spec(BASE, e) for e in ("a", "b"))


def test_seed_variant_changes_the_seed_only():
    for e in ("a", "b"):
        base, var = spec(BASE, e), spec(variant_config(BASE, "seed2"), e)
        assert var == {**base, "seed": 2}


def test_recipe_keys_win_over_an_experiments_own():
    cfg = variant_config(BASE, "nowd")
    assert spec(cfg, "a")["recipe"]["weight_decay"] == 0.0
    assert spec(cfg, "b")["recipe"] == {**spec(BASE, "b")["recipe"], "weight_decay": 0.0}  # its 0.1 replaced
    assert spec(variant_config(BASE, "xavier"), "b")["recipe"]["init"] == "xavier_normal"


def test_steps_factor_multiplies_each_experiments_own_steps():
    cfg = variant_config(BASE, "long")
    assert spec(cfg, "a")["recipe"]["steps"] == 3000 and spec(cfg, "b")["recipe"]["steps"] == 900
    assert BASE["experiments"]["b"]["recipe"]["steps"] == 300, "the input config is untouched"


@pytest.mark.parametrize(
    "robustness, words",
    [
        ({"seeds": [0]}, ["robustness.seeds", "other than the config's seed 0"]),
        ({"seeds": ["1"]}, ["robustness.seeds", "'1'"]),
        ({"variants": {"seed1": {}}, "seeds": [1]}, ["'seed1'", "new name"]),
        ({"variants": {"x": {"steps_factor": 0}}}, ["robustness.variants.x.steps_factor", "positive integer"]),
        ({"variants": {"x": {"of": "y"}}}, ["robustness.variants.x.of", "recipe variant before it"]),
        ({"variants": {"y": {}, "x": {"of": "y", "seed": 0}}}, ["robustness.variants.x.seed", "differ"]),
        ({"variants": {"y": {}, "x": {"of": "y", "seed": 1}, "z": {"of": "x", "seed": 2}}}, ["variants.z.of", "'y'"]),
    ],
)
def test_bad_settings_name_the_key(robustness, words):
    with pytest.raises(ValueError) as err:
        variant_settings({**BASE, "robustness": robustness})
    assert all(w in str(err.value) for w in words), str(err.value)


def test_unknown_variant_names_the_known_ones():
    with pytest.raises(ValueError, match="seed1"):
        variant_config(BASE, "nope")


def test_a_repeat_on_another_seed_names_its_recipe_variant():
    config = {**BASE, "robustness": {"variants": {"xavier": {"recipe": {"init": "xavier_normal"}}}}}
    config["robustness"]["variants"]["xavier_s1"] = {"of": "xavier", "seed": 1, "recipe": {"init": "xavier_normal"}}
    table = variant_settings(config)
    assert table["xavier_s1"]["of"] == "xavier" and table["xavier_s1"]["kind"] == "recipe"
    assert spec(variant_config(config, "xavier_s1"), "a") == {**spec(variant_config(config, "xavier"), "a"), "seed": 1}


def test_an_overlay_is_merged_first_and_makes_a_paper_variant(tmp_path):
    overlay = tmp_path / "paper.yaml"
    overlay.write_text("experiments:\n  a:\n    replicas: 10\n    densities: [0.1, 0.01]\n")
    config = {**BASE, "robustness": {"variants": {"paper": {"overlay": str(overlay)}}}}
    assert variant_settings(config)["paper"]["kind"] == "paper"
    paper = spec(variant_config(config, "paper"), "a")
    assert paper == {**spec(BASE, "a"), "replicas": 10, "densities": [0.1, 0.01]}
    assert spec(variant_config(config, "paper"), "b") == spec(BASE, "b")
