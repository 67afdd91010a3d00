"""``tms project``: a run's time projected from two short timed runs of the same shapes."""

from __future__ import annotations

import dataclasses

import pytest

from tms.bench.projection import project
from tms.core.config import load_config
from tms.core.experiments import Experiment

from ..conftest import REPO


def experiment(name: str) -> Experiment:
    return Experiment.from_config(name, load_config(REPO / "config" / "config.yaml", REPO / "config" / "quick.yaml"))


def test_an_experiment_with_checkpoints_is_projected():
    """learning_dynamics saves more checkpoints than the short timed runs have steps."""
    exp = experiment("learning_dynamics")
    assert exp.recipe.checkpoints > 4
    out = project(exp, a=2, b=4)  # before: "recipe.checkpoints must be an integer in [0, steps=2]"
    assert out["experiment"] == "learning_dynamics" and out["steps"] == exp.recipe.steps and out["jobs"] == 1
    assert out["projected_s"] >= 0 and out["per_step_ms"] >= 0  # a few ms of CPU: may round to 0


def test_a_sharded_experiment_counts_every_shard():
    exp = dataclasses.replace(experiment("phase_2_1"), shards=3)
    assert project(exp, a=2, b=4)["jobs"] == 3


def test_the_timed_steps_must_be_ordered():
    with pytest.raises(ValueError, match="0 < a < b"):
        project(experiment("intro"), a=5, b=5)
