"""``tms project``: the training time of each experiment of a config, projected from timed steps.

For one shard of an experiment (or a finite-data experiment's largest training set, the costliest)
we train the same instances with the same shapes for ``a`` and then ``b`` steps (after a warm-up
run), on one thread,
and time each with the process's CPU time (``time.process_time``), which a busy machine inflates
far less than the wall clock. The per-step cost is the difference over ``b - a`` steps; a run is
``t(a) + (steps - a) × per step`` (the fixed part, evaluation included, counted once), times the
number of shards. The result is one-thread CPU seconds: a 2-core machine runs two such jobs side
by side (docs/speed.md, "The paper config").
"""

from __future__ import annotations

import dataclasses
import time

import torch

from tms.core.experiments import Experiment
from tms.core.running import run_experiment


def _cpu_seconds(exp: Experiment, steps: int) -> float:
    start = time.process_time()
    # no checkpoints: a few short runs cannot hold the saved steps of a long one, and saving them is not training
    recipe = dataclasses.replace(exp.recipe, steps=steps, log_every=steps, checkpoints=0)
    run_experiment(dataclasses.replace(exp, recipe=recipe))
    return time.process_time() - start


def _jobs(exp: Experiment) -> list[tuple[Experiment, int]]:
    """Runs of ``exp``'s shapes that stand for all of it, each with how many times it counts: one
    shard (with the densest points: the sampler's costliest) for ``shards`` shards; each training-set
    size of a finite-data experiment once."""
    if exp.train_set_sizes is not None:
        return [(dataclasses.replace(exp, train_set_sizes=(t,)), 1) for t in exp.train_set_sizes]
    if exp.shards == 1:
        return [(exp, 1)]
    keep = max(1, len(exp.densities) // exp.shards)
    return [(dataclasses.replace(exp, shards=1, densities=tuple(sorted(exp.densities)[-keep:])), exp.shards)]


def project(exp: Experiment, a: int = 10, b: int = 110) -> dict:
    """``{"experiment", "instances", "steps", "jobs", "per_step_ms", "projected_s"}`` for ``exp``:
    one-thread CPU seconds of all its runs, ``per_step_ms`` of its costliest run."""
    if not 0 < a < b:
        raise ValueError(f"projection steps must satisfy 0 < a < b; got a={a}, b={b}")
    torch.set_num_threads(1)
    total, worst, count = 0.0, 0.0, 0
    for job, times in _jobs(exp):
        _cpu_seconds(job, a)  # warm-up: first calls allocate and pick kernels
        t_a, t_b = _cpu_seconds(job, a), _cpu_seconds(job, b)
        per_step = max(t_b - t_a, 0.0) / (b - a)
        total += times * (t_a + (exp.recipe.steps - a) * per_step)
        worst, count = max(worst, per_step), count + times
    return {
        "experiment": exp.name,
        "instances": exp.n_instances,
        "steps": exp.recipe.steps,
        "jobs": count,
        "per_step_ms": round(1000 * worst, 2),
        "projected_s": round(total, 1),
    }
