"""Running an experiment: its batched training run (or one shard of it), the finite-data runs of a
``train_set_sizes`` sweep, and the merge of shards into the one artefact analyses read.

An artefact is ``(tensors, meta)`` for ``tms.core.io.save_run``: the trainer's parameters, loss
curve, checkpoints and evaluation loss per instance (instance-first), and the metadata (the
resolved spec, the instance table, the device and the training time).
"""

from __future__ import annotations

import dataclasses
import json
import math
import time
from pathlib import Path

import torch

from tms.core.data import FiniteFeatures
from tms.core.experiments import Experiment
from tms.core.io import SHARED_TENSORS
from tms.core.train import stream_generator, train


def run_experiment(
    exp: Experiment, device: str = "cpu", progress: bool = False, shard: int | None = None, resume: Path | None = None
):
    """Train every instance of ``exp``, or only shard ``shard``; return the artefact.

    ``resume``: a directory for the training's resumable state (``train(resume=...)``), so a
    killed job goes on from its last save; the caller removes it once the artefact is saved.

    A sharded experiment (``shards`` > 1) trains each shard's instances as a batched run of their
    own, with the shard's own seed (``Experiment.shard_seed``); without ``shard`` all shards are
    trained one after another and merged, which gives exactly the artefact that merging
    separately trained shards (``merge_shards``, the Snakemake path) gives. A finite-data
    experiment (``train_set_sizes``) goes to ``run_finite``.
    """
    if exp.finite:
        return run_finite(exp, device, progress, resume)
    if shard is None and exp.shards > 1:
        return merge_shards(exp, [run_experiment(exp, device, progress, i, resume) for i in range(exp.shards)])
    instances = exp.shard(shard or 0)
    seed = exp.shard_seed(shard or 0)
    start = time.perf_counter()
    importance = exp.importance(instances)
    result = train(
        exp.network,
        exp.features(instances),
        importance,
        exp.n_hidden,
        recipe=exp.recipe,
        seed=seed,
        device=device,
        progress=progress,
        **_resume(exp, resume, f"shard{shard or 0}"),
    )
    meta = {
        "experiment": exp.to_dict(),
        "instances": {k: v[instances.start : instances.stop] for k, v in exp.instance_table().items()},
        "device": str(device),
        "train_seconds": round(time.perf_counter() - start + result.earlier_seconds, 2),  # every attempt's
    }
    if result.resumed_at:
        meta["resumed_at_step"] = result.resumed_at
    if exp.shards > 1:
        meta["shard"] = {"index": shard, "instances": [instances.start, instances.stop], "seed": seed}
    return _tensors(exp, result, importance), meta


def _resume(exp: Experiment, directory: Path | None, part: str) -> dict:
    """``train``'s resume arguments for one batched run (``part``) of ``exp``."""
    if directory is None:
        return {}
    return {"resume": Path(directory, f"{part}.safetensors"), "resume_key": json.dumps(exp.to_dict(), sort_keys=True)}


def _tensors(exp: Experiment, result, importance: torch.Tensor) -> dict[str, torch.Tensor]:
    """The artefact's tensors of one batched training run."""
    tensors = {
        **result.params,
        "importance": importance,
        "eval_loss": result.eval_loss,
        "loss_curve": result.loss_curve,
        "loss_steps": torch.tensor(result.loss_steps),
        **{f"checkpoints.{k}": v for k, v in result.checkpoints.items()},
    }
    if result.checkpoints:
        tensors["checkpoint_steps"] = torch.tensor(exp.recipe.checkpoint_steps())
    return tensors


# The version of a finite-data experiment's random stream, beside ``tms.core.train.TRAINING_STREAM``:
# bump it with a change that trains other numbers for finite-data runs only, so that the robustness
# study marks only their figures stale. 1: one run per point, tested on the point's seed; 2: points
# share padded runs (``finite_runs``), tested on the run's first point's seed.
FINITE_STREAM = 2

# The fixed cost of one step of a batched run, in entries of x it could have trained instead: one
# double-descent step costs about 0.3 ms at T = 5 and 1.6 µs more per point of 3 × 250 entries (one
# busy AMD EPYC thread, 2026-12-07), so 0.3 ms is the cost of about 140,000 entries.
RUN_OVERHEAD_ENTRIES = 140_000


def finite_runs(sizes: list[int], width: int) -> list[list[int]]:
    """The points of a finite-data sweep (``sizes[p]``: point p's training-set size) grouped into
    batched runs, each padded to its largest size (``FiniteFeatures.padded``): the grouping of the
    points sorted by size into consecutive runs that minimises Σ_runs (RUN_OVERHEAD_ENTRIES +
    points × largest size × ``width``), ``width`` being a point's entries per training point
    (replicas × n). Small sets share a run, where a step is mostly fixed cost; large ones train
    alone, where padding would cost more than a run's overhead."""
    order = sorted(range(len(sizes)), key=lambda p: (sizes[p], p))
    best = [0.0] + [math.inf] * len(order)  # best[j]: the cost of the first j points
    cut = [0] * (len(order) + 1)
    for j in range(1, len(order) + 1):
        for i in range(j):  # the last run is order[i:j], padded to sizes[order[j - 1]]
            cost = best[i] + RUN_OVERHEAD_ENTRIES + (j - i) * sizes[order[j - 1]] * width
            if cost < best[j]:
                best[j], cut[j] = cost, i
    runs, j = [], len(order)
    while j:
        runs.append(sorted(order[cut[j] : j]))
        j = cut[j]
    return runs[::-1]


def run_finite(exp: Experiment, device: str = "cpu", progress: bool = False, resume: Path | None = None):
    """Train a finite-data experiment: each sweep point's ``replicas`` instances train full-batch on
    ``exp.training_set(point)`` (every step sees all T points), initialised from the point's own
    seed, and are tested on fresh points of the same distribution (``eval_loss``). Points of
    similar sizes train together as one batched run (``finite_runs``: padded to the run's largest
    size, the padding weighing nothing) seeded, for its test sample, with its first point's seed.
    The artefact joins the points in order and adds ``train_loss`` ``[inst]``: the final loss on
    the point's own training set.
    """
    points = range(len(exp.points))
    sizes = [exp.points[p]["train_size"] for p in points]
    parts, runs = {}, []
    for run in finite_runs(sizes, exp.replicas * exp.n_features):
        start, seed = time.perf_counter(), exp.point_seed(run[0])
        sets = [exp.training_set(p) for p in run]
        instances = [i for p in run for i in exp.point_instances(p)]
        importance = exp.importance(instances)
        params = _concat(
            exp.network.init_params(
                exp.replicas, exp.n_features, exp.n_hidden, exp.recipe.init, stream_generator(exp.point_seed(p), "init")
            )
            for p in run
        )
        data = sets[0] if len(sets) == 1 else FiniteFeatures.padded(sets)
        result = train(
            exp.network,
            data,
            importance,
            exp.n_hidden,
            recipe=dataclasses.replace(exp.recipe, batch_size=data.size),  # full batch
            seed=seed,
            device=device,
            params=params,
            progress=progress,
            test_features=exp.test_features(*run),
            **_resume(exp, resume, "points" + "-".join(map(str, run))),
        )
        runs.append({"points": run, "train_size": data.size, "seed": seed})
        runs[-1]["train_seconds"] = round(time.perf_counter() - start + result.earlier_seconds, 2)
        if result.resumed_at:
            runs[-1]["resumed_at_step"] = result.resumed_at
        for j, point in enumerate(run):
            part = slice(j * exp.replicas, (j + 1) * exp.replicas)
            one = _instances(result, part)
            with torch.no_grad():
                train_loss, _ = exp.network.loss_and_grads(
                    one.params, sets[j].x, importance[part], exp.recipe.loss_reduction
                )
            parts[point] = {**_tensors(exp, one, importance[part]), "train_loss": train_loss}
    tensors = {
        name: parts[0][name] if name in SHARED_TENSORS else torch.cat([parts[p][name] for p in points])
        for name in parts[0]
    }
    meta = {
        "experiment": exp.to_dict(),
        "instances": exp.instance_table(),
        "device": str(device),
        "train_seconds": round(sum(r["train_seconds"] for r in runs), 2),
        "points": [{"point": p, "train_size": sizes[p], "seed": exp.point_seed(p)} for p in points],
        "runs": runs,
    }
    return tensors, meta


def _concat(dicts) -> dict[str, torch.Tensor]:
    dicts = list(dicts)
    return {k: torch.cat([d[k] for d in dicts]) for k in dicts[0]}


def _instances(result, part: slice):
    """The ``TrainResult`` of instances ``part`` of a batched run."""
    return dataclasses.replace(
        result,
        params={k: v[part] for k, v in result.params.items()},
        loss_curve=result.loss_curve[part],
        eval_loss=result.eval_loss[part],
        checkpoints={k: v[part] for k, v in result.checkpoints.items()},
    )


def merge_shards(exp: Experiment, parts: list[tuple[dict, dict]]):
    """One artefact from the artefacts of every shard of ``exp``, in shard order: instance-first
    tensors concatenated, shared ones (loss and checkpoint steps) checked equal; the metadata
    lists each shard's instances, seed, device and training time."""
    if [p[1].get("shard", {}).get("index") for p in parts] != list(range(exp.shards)):
        raise ValueError(f"{exp.name}: merge needs shards 0..{exp.shards - 1} in order")
    for _, meta in parts:
        if meta["experiment"] != exp.to_dict():
            raise ValueError(f"{exp.name}: shard {meta['shard']['index']} was trained from another spec")
    merged = {}
    for name in parts[0][0]:
        values = [p[0][name] for p in parts]
        if name in SHARED_TENSORS:
            if not all(torch.equal(v, values[0]) for v in values):
                raise ValueError(f"{exp.name}: shards disagree on {name}")
            merged[name] = values[0]
        else:
            merged[name] = torch.cat(values)
    meta = {
        "experiment": exp.to_dict(),
        "instances": exp.instance_table(),
        "device": parts[0][1]["device"],
        "train_seconds": round(sum(p[1]["train_seconds"] for p in parts), 2),
        "shards": [{**p[1]["shard"], "device": p[1]["device"], "train_seconds": p[1]["train_seconds"]} for p in parts],
    }
    return merged, meta
