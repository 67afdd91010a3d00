"""tms.core.resume through the trainer: a run killed part-way and started again ends with exactly the
numbers of the run that was never stopped; a state saved for other inputs is never taken up."""

from __future__ import annotations

import shutil

import pytest
import torch

import tms.core.train as training
from tms.core.data import SparseFeatures, importance_decay
from tms.core.experiments import Experiment
from tms.core.models import make_model
from tms.core.running import run_experiment
from tms.core.train import Recipe, train

RECIPE = Recipe(steps=40, batch_size=64, log_every=5, checkpoints=6, eval_samples=2000, schedule="cosine")


class Killed(Exception):
    pass


def _setup(model_name: str):
    model = make_model(model_name)
    inst, n = 3, 6
    features = SparseFeatures(torch.full((inst, n), 0.2), signed=model.signed)
    return model, features, importance_decay(n, 0.9).expand(inst, n).clone()


def _kill_at(monkeypatch, at: int):
    """Make the next ``train`` raise ``Killed`` before step ``at``."""
    make_step = training.make_step

    def dying(*args, **kwargs):
        step = make_step(*args, **kwargs)

        def run(i):
            if i == at:
                raise Killed
            return step(i)

        return run

    monkeypatch.setattr(training, "make_step", dying)


def _same(a, b) -> None:
    for name in a.params:
        assert torch.equal(a.params[name], b.params[name]), name
    for name in a.checkpoints:
        assert torch.equal(a.checkpoints[name], b.checkpoints[name]), name
    assert a.loss_steps == b.loss_steps
    assert torch.equal(a.loss_curve, b.loss_curve)
    assert torch.equal(a.eval_loss, b.eval_loss)


@pytest.mark.parametrize("model_name", ["relu_output", "abs_value"])
@pytest.mark.parametrize("at", [1, 17])
def test_a_killed_run_resumes_to_the_same_numbers(tmp_path, monkeypatch, model_name, at):
    model, features, importance = _setup(model_name)
    straight = train(model, features, importance, 2, RECIPE, seed=3)
    state = tmp_path / "state.safetensors"
    with monkeypatch.context() as patch:
        _kill_at(patch, at)
        with pytest.raises(Killed):
            train(model, features, importance, 2, RECIPE, seed=3, resume=state, save_every=0)
    resumed = train(model, features, importance, 2, RECIPE, seed=3, resume=state, save_every=0)
    assert resumed.resumed_at == at and resumed.earlier_seconds > 0  # the killed attempt's time is kept
    _same(straight, resumed)
    again = train(model, features, importance, 2, RECIPE, seed=3, resume=state)  # finished: only evaluates
    assert again.resumed_at == RECIPE.steps and again.earlier_seconds > resumed.earlier_seconds
    _same(straight, again)


def test_a_state_of_other_inputs_is_not_taken_up(tmp_path, monkeypatch):
    model, features, importance = _setup("relu_output")
    state = tmp_path / "state.safetensors"
    with monkeypatch.context() as patch:
        _kill_at(patch, 20)
        with pytest.raises(Killed):
            train(model, features, importance, 2, RECIPE, seed=3, resume=state, save_every=0)
    changes = ({"seed": 4}, {"recipe": Recipe(**{**RECIPE.to_dict(), "lr": 2e-3})}, {"resume_key": "other"})
    for k, change in enumerate(changes):
        kwargs = {"seed": 3, "recipe": RECIPE, **change}
        fresh = train(model, features, importance, 2, **{k: v for k, v in kwargs.items() if k != "resume_key"})
        copy = tmp_path / f"copy{k}.safetensors"
        shutil.copy(state, copy)
        other = train(model, features, importance, 2, resume=copy, **kwargs)
        assert other.resumed_at == 0, change
        _same(fresh, other)
    denser = SparseFeatures(torch.full((3, 6), 0.3))
    assert train(model, denser, importance, 2, RECIPE, seed=3, resume=state).resumed_at == 0


def test_a_finite_data_run_skips_its_finished_points(tmp_path):
    recipe = Recipe(steps=30, eval_samples=500, log_every=10)
    exp = Experiment(
        name="dd",
        model="relu_output",
        n_features=5,
        n_hidden=2,
        densities=(0.5,),
        train_set_sizes=(3, 6),
        replicas=2,
        recipe=recipe,
    )
    straight, _ = run_experiment(exp)
    resumed, meta = run_experiment(exp, resume=tmp_path)
    again, meta = run_experiment(exp, resume=tmp_path)
    assert [r.get("resumed_at_step") for r in meta["runs"]] == [30] * len(meta["runs"])
    for name in straight:
        assert torch.equal(straight[name], resumed[name]) and torch.equal(straight[name], again[name]), name
