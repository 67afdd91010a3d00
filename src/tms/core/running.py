"""Running an experiment: its batched training run (or one shard of it), the finite-data runs of a
``train_set_sizes`` sweep, and the merge of shards into the one artefact analyses read.

An artefact is ``(tensors, meta)`` for ``tms.core.io.save_run``: the trainer's parameters, loss
curve, checkpoints and evaluation loss per instance (instance-first), and the metadata (the
resolved spec, the instance table, the device and the training time).
"""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import torch

from tms.core.experiments import Experiment
from tms.core.io import SHARED_TENSORS
from tms.core.train import train


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


def run_finite(exp: Experiment, device: str = "cpu", progress: bool = False, resume: Path | None = None):
    """Train a finite-data experiment: each sweep point is a batched run of its ``replicas``
    instances, full-batch on ``exp.training_set(point)`` (every step sees all T points) with the
    point's seed, tested on fresh points of the same distribution (``eval_loss``). The artefact
    joins the points in order and adds ``train_loss`` ``[inst]``: the final loss on the training set.
    """
    parts, cells = [], []
    for point in range(len(exp.points)):
        start, seed = time.perf_counter(), exp.point_seed(point)
        data = exp.training_set(point)
        importance = exp.importance(exp.point_instances(point))
        result = train(
            exp.network,
            data,
            importance,
            exp.n_hidden,
            recipe=dataclasses.replace(exp.recipe, batch_size=data.size),  # full batch
            seed=seed,
            device=device,
            progress=progress,
            test_features=exp.test_features(point),
            **_resume(exp, resume, f"point{point}"),
        )
        with torch.no_grad():
            train_loss, _ = exp.network.loss_and_grads(result.params, data.x, importance, exp.recipe.loss_reduction)
        parts.append({**_tensors(exp, result, importance), "train_loss": train_loss})
        seconds = round(time.perf_counter() - start + result.earlier_seconds, 2)
        cells.append({"point": point, "train_size": data.size, "seed": seed, "train_seconds": seconds})
        if result.resumed_at:
            cells[-1]["resumed_at_step"] = result.resumed_at
    tensors = {
        name: parts[0][name] if name in SHARED_TENSORS else torch.cat([p[name] for p in parts]) for name in parts[0]
    }
    meta = {
        "experiment": exp.to_dict(),
        "instances": exp.instance_table(),
        "device": str(device),
        "train_seconds": round(sum(c["train_seconds"] for c in cells), 2),
        "points": cells,
    }
    return tensors, meta


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
