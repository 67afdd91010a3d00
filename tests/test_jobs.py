"""tms.jobs: every run directory of a build maps to one job, with the spec resolved from the config."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from tms.core.config import load_config, merge
from tms.core.experiments import Experiment
from tms.jobs import SAE_PRIORITY, SAE_TASKS, TWO_THREADS_FROM, job_threads, jobs

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def quick() -> dict:
    return merge(load_config(ROOT / "config/config.yaml"), load_config(ROOT / "config/quick.yaml"))


def test_every_experiment_is_one_run_or_its_shards_and_a_merge(quick):
    built = jobs(quick)
    trained = set()
    for name in quick["experiments"]:
        exp = Experiment.from_config(name, quick)
        if exp.shards == 1:
            job = built.train[f"runs/{name}"]
            assert job.spec == exp.to_dict() and job.shard is None
            trained.add(f"runs/{name}")
        else:
            shards = [f"shards/{name}/{i}" for i in range(exp.shards)]
            assert built.merge[f"runs/{name}"] == shards
            assert [built.train[s].shard for s in shards] == list(range(exp.shards))
            assert all(built.train[s].spec == exp.to_dict() for s in shards)
            trained.update(shards)
    assert set(built.train) == trained
    assert any(built.merge), "config/quick.yaml shards an experiment to exercise the merge"


def test_threads_and_priority_follow_the_size(quick):
    built = jobs(quick)
    for path, job in built.train.items():
        exp = Experiment.from_spec(job.spec)
        size = exp.n_features * exp.n_hidden * exp.n_instances // exp.shards
        assert job.threads == (2 if size >= TWO_THREADS_FROM else 1), path
        assert job.priority == round(10 * math.log10(size * exp.recipe.steps)) < SAE_PRIORITY, path


def test_job_threads_are_at_most_half_the_cores():
    assert [job_threads(2, cores) for cores in (1, 2, 3, 4, 16)] == [1, 1, 1, 2, 2]
    assert job_threads(1, 16) == 1 and job_threads(2, None) == 2  # None: a cluster executor's unknown cores


def test_sae_runs_read_their_sources(quick):
    built = jobs(quick)
    assert set(built.sae) == {f"runs/{run}" for run in SAE_TASKS}
    recovery = built.sae["runs/sae_recovery"]
    assert recovery.sources == (f"runs/{quick['sae']['source']}",)
    assert recovery.config == {"sae": quick["sae"], "seed": quick["seed"]}
    assert all(path in built.train or path in built.merge for job in built.sae.values() for path in job.sources)


def test_a_study_variant_has_its_own_runs(quick):
    config = {**quick, "robustness": {"record": None, "seeds": [5]}}
    built = jobs(config, ["seed5"])
    spec = built.train["robustness/seed5/runs/intro"].spec
    assert spec["seed"] == 5 and {k: v for k, v in spec.items() if k != "seed"} == {
        k: v for k, v in built.train["runs/intro"].spec.items() if k != "seed"
    }
    assert built.sae["robustness/seed5/runs/sae_recovery"].sources == (
        f"robustness/seed5/runs/{quick['sae']['source']}",
    )


def test_the_paper_config_shards_its_grids():
    paper = merge(load_config(ROOT / "config/config.yaml"), yaml.safe_load((ROOT / "config/paper.yaml").read_text()))
    built = jobs(paper)
    assert {path.split("/")[1] for path in built.merge} == {
        name for name in paper["experiments"] if Experiment.from_config(name, paper).shards > 1
    }
