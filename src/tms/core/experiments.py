"""Experiment specs: from a config entry to the instances the trainer runs.

An experiment is a sweep of points (one density each) times ``replicas`` seeds-in-one-tensor;
every (point, replica) pair is one instance of a single batched training run. Instance
``k`` belongs to point ``k // replicas`` and replica ``k % replicas``. Keeping every replica
lets analyses choose their aggregation (best of k, drop the worst, ...).

Phase diagrams (paper #phase-change, docs/figures.md "Analytic background") sweep a 2-D grid instead: with
``relative_importance`` set, the points are densities × relative importances (density-major:
point ``p`` has density ``densities[p // R]`` and relative importance ``r = relative_importance[p % R]``,
R = len(relative_importance)); every feature has importance 1 except the last (the "extra"
feature), which has importance r. ``aggregate`` records how the analyses combine a point's
replicas (``best``: the lowest evaluation loss; ``drop_worst``: the paper's "drop the worst,
average the rest").

In a config, ``densities`` and ``relative_importance`` are lists or ``{logspace: [first, last, num]}``
(``num`` values evenly spaced in log from ``first`` to ``last``, both included).

``feature_sets: correlated | anticorrelated`` with ``set_size: k`` draws the features in
consecutive sets of k from ``tms.core.data.correlated`` (#geometry-correlated) instead of independently;
``densities`` stay per-feature marginal densities. ``relative_density`` (#geometry-non-uniform)
sweeps densities × relative_density like ``relative_importance``: the last feature's density is
r × the others' (instance_table()["relative_density"]).

``shards: N`` splits the instances into N contiguous shards, each trained as a batched run of its
own (its own job under Snakemake, so shards spread over cores, GPUs or cluster nodes) with a seed
derived from (seed, shard); ``merge_shards`` joins them into the one artefact analyses read.
A sharded run is reproducible but draws other random numbers than the same experiment unsharded.

``train_set_sizes`` (beyond the paper: memorization and double descent, ``tms.core.data.finite``)
trains on finite data: the points become densities × train_set_sizes (density-major;
instance_table()["train_size"]), and each point is a batched run of its own, of ``replicas``
instances trained full-batch on a fixed set of T unit-norm points per instance, tested on fresh
unit-norm points. Point ``p`` uses the seed ``point_seed(p)``; its training set is
``training_set(p)``, regenerated exactly from that seed (so runs store no data).
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass, field

import numpy as np
import torch

from tms.core.data import (
    CorrelatedFeatures,
    FiniteFeatures,
    GaussianInputs,
    SparseFeatures,
    UnitNorm,
    importance_decay,
)
from tms.core.data.correlated import KINDS
from tms.core.io import SHARED_TENSORS
from tms.core.models import make_model
from tms.core.train import MAX_SEED, Recipe, check_seed, stream_generator, train
from tms.core.validation import check_positive_int, is_finite_number, is_int, is_number


@dataclass(frozen=True)
class Experiment:
    """One batched training run, resolved from ``config["experiments"][name]`` plus the recipe."""

    name: str
    model: str
    n_features: int
    n_hidden: int
    densities: tuple[float, ...]
    importance_decay: float = 1.0
    replicas: int = 1
    seed: int = 0
    recipe: Recipe = field(default_factory=Recipe)
    relative_importance: tuple[float, ...] | None = None
    aggregate: str = "best"
    feature_sets: str = "independent"
    set_size: int = 1
    relative_density: tuple[float, ...] | None = None
    shards: int = 1
    train_set_sizes: tuple[int, ...] | None = None

    def __post_init__(self):
        self._check()
        if self.shards > self.n_instances:
            raise ValueError(f"{self.name}.shards must be at most the {self.n_instances} instances; got {self.shards}")

    def _check(self):
        model = make_model(self.model)  # validates the name
        if model.data == "gaussian" and (
            self.n_features != 2
            or set(self.densities) != {1.0}
            or self.feature_sets != "independent"
            or self.relative_density is not None
            or self.relative_importance is not None
        ):
            raise ValueError(
                f"{self.name}: model {self.model} multiplies two dense standard-normal inputs: n_features must be 2 "
                f"and densities [1.0], without feature_sets, relative_density or relative_importance"
            )
        self._check_feature_sets()
        self._check_relative_density()
        self._check_train_set_sizes()
        check_seed(self.seed)
        importance_decay(1, self.importance_decay)  # validates the decay
        for key in ("n_features", "n_hidden", "replicas", "shards"):
            check_positive_int(f"{self.name}.{key}", getattr(self, key))
        if not self.densities or not all(0 < d <= 1 for d in self.densities):
            raise ValueError(
                f"{self.name}.densities must be a non-empty list of values in (0, 1]; got {self.densities}"
            )
        if self.aggregate not in AGGREGATES:
            raise ValueError(f"{self.name}.aggregate must be one of {AGGREGATES}; got {self.aggregate!r}")
        if self.relative_importance is None:
            if self.aggregate != "best":
                raise ValueError(
                    f"{self.name}.aggregate applies to relative_importance grids only; got {self.aggregate!r}"
                )
            return
        r = self.relative_importance
        if (
            isinstance(r, (str, bytes))
            or not hasattr(r, "__len__")
            or not len(r)
            or not all(is_finite_number(v) and v > 0 for v in r)
        ):
            raise ValueError(
                f"{self.name}.relative_importance must be a non-empty list of finite values > 0; got {r!r}"
            )
        object.__setattr__(self, "relative_importance", tuple(float(v) for v in r))  # frozen: normalise once
        if self.importance_decay != 1.0:
            raise ValueError(
                f"{self.name}.relative_importance sets the extra feature's importance relative to the others, "
                f"which have importance 1: importance_decay must be 1; got {self.importance_decay}"
            )
        if self.n_features < 2:
            raise ValueError(
                f"{self.name}.relative_importance needs n_features >= 2 (an extra feature); got {self.n_features}"
            )
        if self.aggregate == "drop_worst" and self.replicas < 2:
            raise ValueError(f"{self.name}.aggregate 'drop_worst' needs replicas >= 2; got {self.replicas}")

    @classmethod
    def from_config(cls, name: str, config: dict) -> "Experiment":
        """Resolve experiment ``name``: its entry, with ``recipe`` overriding ``config['recipe']``."""
        if name not in config.get("experiments", {}):
            raise ValueError(f"unknown experiment {name!r}; known: {sorted(config.get('experiments', {}))}")
        entry = dict(config["experiments"][name])
        allowed = {f.name for f in dataclasses.fields(cls)} - {"name", "seed"}
        unknown = sorted(set(entry) - allowed)
        if unknown:
            raise ValueError(f"{name}: unknown setting(s) {unknown}; allowed: {sorted(allowed)}")
        recipe = Recipe(**{**config.get("recipe", {}), **entry.pop("recipe", {})})
        entry["densities"] = tuple(grid_values(f"{name}.densities", entry["densities"]))
        if entry.get("relative_importance") is not None:
            entry["relative_importance"] = tuple(
                grid_values(f"{name}.relative_importance", entry["relative_importance"])
            )
        if entry.get("relative_density") is not None:
            entry["relative_density"] = tuple(grid_values(f"{name}.relative_density", entry["relative_density"]))
        if isinstance(entry.get("train_set_sizes"), list):
            entry["train_set_sizes"] = tuple(entry["train_set_sizes"])
        return cls(name=name, seed=int(config.get("seed", 0)), recipe=recipe, **entry)

    @classmethod
    def from_spec(cls, spec: dict) -> "Experiment":
        """The experiment a run was trained from (``run.spec``, the inverse of ``to_dict``)."""
        entry = {k: tuple(v) if isinstance(v, list) else v for k, v in spec.items() if k != "recipe"}
        return cls(**entry, recipe=Recipe(**spec["recipe"]))

    def to_dict(self) -> dict:
        out = {
            "name": self.name,
            "model": self.model,
            "n_features": self.n_features,
            "n_hidden": self.n_hidden,
            "densities": list(self.densities),
            "importance_decay": self.importance_decay,
            "replicas": self.replicas,
            "seed": self.seed,
            "recipe": self.recipe.to_dict(),
        }
        if self.feature_sets != "independent":  # likewise absent for independent features
            out["feature_sets"] = self.feature_sets
            out["set_size"] = self.set_size
        if self.relative_density is not None:
            out["relative_density"] = list(self.relative_density)
        if self.shards > 1:  # likewise absent when the run is one job
            out["shards"] = self.shards
        if self.train_set_sizes is not None:
            out["train_set_sizes"] = list(self.train_set_sizes)
        if self.relative_importance is not None:  # absent otherwise: older specs (and runs) stay unchanged
            out["relative_importance"] = list(self.relative_importance)
            out["aggregate"] = self.aggregate
        return out

    @property
    def points(self) -> list[tuple[float, float | None]]:
        """``(density, relative importance or None)`` per sweep point, density-major."""
        if self.relative_density is not None:  # densities × relative_density; r in instance_table()
            return [(d, None) for d in self.densities for _ in self.relative_density]
        if self.train_set_sizes is not None:  # densities × train_set_sizes; T in instance_table()
            return [(d, None) for d in self.densities for _ in self.train_set_sizes]
        if self.relative_importance is None:
            return [(d, None) for d in self.densities]
        return [(d, r) for d in self.densities for r in self.relative_importance]

    @property
    def n_instances(self) -> int:
        return len(self.points) * self.replicas

    def instance_table(self) -> dict[str, list]:
        """Per-instance sweep values: ``point``, ``replica``, ``density`` (and ``relative_importance``)."""
        k = range(self.n_instances)
        points = self.points
        table = {
            "point": [i // self.replicas for i in k],
            "replica": [i % self.replicas for i in k],
            "density": [points[i // self.replicas][0] for i in k],
        }
        if self.relative_importance is not None:
            table["relative_importance"] = [points[i // self.replicas][1] for i in k]
        if self.relative_density is not None:
            R = len(self.relative_density)
            table["relative_density"] = [self.relative_density[(i // self.replicas) % R] for i in k]
        if self.train_set_sizes is not None:
            R = len(self.train_set_sizes)
            table["train_size"] = [self.train_set_sizes[(i // self.replicas) % R] for i in k]
        return table

    def _check_train_set_sizes(self) -> None:
        """Finite data (memorization and double descent): positive integer sizes, alone."""
        sizes = self.train_set_sizes
        if sizes is None:
            return
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__") or not len(sizes):
            raise ValueError(f"{self.name}.train_set_sizes must be a non-empty list of integers >= 1; got {sizes!r}")
        for size in sizes:
            check_positive_int(f"{self.name}.train_set_sizes", size)
        object.__setattr__(self, "train_set_sizes", tuple(sizes))
        if (
            self.relative_importance is not None
            or self.relative_density is not None
            or self.feature_sets != "independent"
            or self.shards != 1
            or make_model(self.model).data == "gaussian"
        ):
            raise ValueError(
                f"{self.name}.train_set_sizes trains on finite sparse data: it cannot be combined with "
                "relative_importance, relative_density, feature_sets, shards or a model on gaussian inputs"
            )

    def point_seed(self, point: int) -> int:
        """The seed of sweep point ``point`` of a finite-data experiment, derived from (seed, point)."""
        if self.train_set_sizes is None:
            raise ValueError(f"{self.name}: point seeds belong to finite-data experiments (train_set_sizes)")
        if not is_int(point) or not 0 <= point < len(self.points):
            raise ValueError(f"{self.name}: point must be an integer in [0, {len(self.points)}); got {point!r}")
        return derived_seed(self.seed, point)

    def _point_instances(self, point: int) -> range:
        return range(point * self.replicas, (point + 1) * self.replicas)

    def test_features(self, point: int) -> UnitNorm:
        """The distribution point ``point`` is tested on: its sparse features, scaled to unit norm."""
        return UnitNorm(self.features(self._point_instances(point)))

    def training_set(self, point: int) -> FiniteFeatures:
        """Point ``point``'s training set: T points per replica (``[replicas, T, n]`` as ``.x``),
        drawn on the CPU from the point's data stream, so every device trains on the same set."""
        T = self.train_set_sizes[point % len(self.train_set_sizes)]
        generator = stream_generator(self.point_seed(point), "data")
        return FiniteFeatures(self.test_features(point), T, generator)

    def _check_relative_density(self) -> None:
        """Non-uniform sparsity (#geometry-non-uniform): the last feature's density is r × the others'."""
        r = self.relative_density
        if r is None:
            return
        if (
            isinstance(r, (str, bytes))
            or not hasattr(r, "__len__")
            or not len(r)
            or not all(is_finite_number(v) and v > 0 for v in r)
        ):
            raise ValueError(f"{self.name}.relative_density must be a non-empty list of finite values > 0; got {r!r}")
        object.__setattr__(self, "relative_density", tuple(float(v) for v in r))
        if self.relative_importance is not None or self.feature_sets != "independent":
            raise ValueError(
                f"{self.name}.relative_density cannot be combined with relative_importance or feature_sets"
            )
        if self.n_features < 2:
            raise ValueError(
                f"{self.name}.relative_density needs n_features >= 2 (a varied feature); got {self.n_features}"
            )
        if max(self.densities) * max(self.relative_density) > 1:
            raise ValueError(
                f"{self.name}: the varied feature's density (densities × relative_density) must be <= 1; "
                f"got {max(self.densities) * max(self.relative_density):.4g}"
            )

    def _check_feature_sets(self) -> None:
        """Correlated / anticorrelated sets (#geometry-correlated): consecutive sets of ``set_size``."""
        if self.feature_sets not in FEATURE_SETS:
            raise ValueError(f"{self.name}.feature_sets must be one of {FEATURE_SETS}; got {self.feature_sets!r}")
        k = self.set_size
        if not is_int(k) or k < 1 or self.n_features % k:
            raise ValueError(
                f"{self.name}.set_size must be a positive integer dividing n_features={self.n_features}; got {k!r}"
            )
        if self.feature_sets == "independent" and k != 1:
            raise ValueError(f"{self.name}.set_size applies to correlated/anticorrelated feature_sets only; got {k}")
        if self.feature_sets != "independent" and make_model(self.model).signed:
            raise ValueError(
                f"{self.name}.feature_sets {self.feature_sets!r} draws unsigned features; model {self.model} needs "
                "signed ones"
            )
        if self.feature_sets == "anticorrelated" and max(self.densities) * k > 1:
            raise ValueError(
                f"{self.name}.densities must be <= 1/set_size = {1 / k:.4g} for anticorrelated sets "
                f"(one member active at a time, each with marginal density p); got {max(self.densities)}"
            )

    def shard(self, index: int) -> range:
        """The instances of shard ``index`` (0 ≤ index < shards): contiguous, sizes within one."""
        if not is_int(index) or not 0 <= index < self.shards:
            raise ValueError(f"{self.name}: shard must be an integer in [0, {self.shards}); got {index!r}")
        size, extra = divmod(self.n_instances, self.shards)
        start = index * size + min(index, extra)
        return range(start, start + size + (index < extra))

    def shard_seed(self, index: int) -> int:
        """Shard ``index``'s seed, derived from (seed, index) so that shards draw independent
        streams; an unsharded run (shards = 1) keeps ``seed`` itself."""
        self.shard(index)  # validates the index
        if self.shards == 1:
            return self.seed
        return derived_seed(self.seed, index)

    def features(self, instances: range | None = None) -> SparseFeatures | CorrelatedFeatures | GaussianInputs:
        """The data source of every instance, or of ``instances`` only (a shard)."""
        index = list(instances if instances is not None else range(self.n_instances))
        if make_model(self.model).data == "gaussian":
            return GaussianInputs(len(index), self.n_features)
        table = self.instance_table()
        density = torch.tensor(table["density"])[index][:, None].expand(-1, self.n_features)
        if self.relative_density is not None:  # the last feature's density is r × the others'
            density = density.clone()
            density[:, -1] *= torch.tensor(table["relative_density"])[index]
        if self.feature_sets != "independent":
            return CorrelatedFeatures(density.contiguous(), self.set_size, self.feature_sets)
        return SparseFeatures(density.contiguous(), signed=make_model(self.model).signed)  # |x| trains on ±x

    def importance(self, instances: range | None = None) -> torch.Tensor:
        """``[inst, n]``: decay^i, or with ``relative_importance`` 1 for every feature but the last (r);
        of every instance, or of ``instances`` only."""
        index = list(instances if instances is not None else range(self.n_instances))
        outputs = make_model(self.model).out_features(self.n_features)
        imp = importance_decay(outputs, self.importance_decay).expand(len(index), -1).contiguous()
        if self.relative_importance is not None:
            r = torch.tensor(self.instance_table()["relative_importance"], dtype=imp.dtype)
            imp[:, -1] = r[index]
        return imp


AGGREGATES = ("best", "drop_worst")
FEATURE_SETS = ("independent", *KINDS)


def derived_seed(seed: int, index: int) -> int:
    """An independent seed for part ``index`` of a run seeded ``seed`` (a shard, a finite-data point)."""
    return int(np.random.SeedSequence([seed, index]).generate_state(1)[0]) % MAX_SEED


def grid_values(key: str, value) -> list[float]:
    """A sweep axis from a config: a list of numbers, or ``{logspace: [first, last, num]}``."""
    if isinstance(value, dict):
        spec = value.get("logspace")
        ok = (
            set(value) == {"logspace"}
            and isinstance(spec, (list, tuple))
            and len(spec) == 3
            and all(is_number(v) for v in spec)
            and spec[0] > 0
            and spec[1] > 0
            and isinstance(spec[2], int)
            and spec[2] >= 1
        )
        if not ok:
            raise ValueError(f"{key} must be a list or {{logspace: [first > 0, last > 0, num >= 1]}}; got {value!r}")
        first, last, num = spec
        return [float(v) for v in np.logspace(math.log10(first), math.log10(last), num)]
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise ValueError(f"{key} must be a list or {{logspace: [first, last, num]}}; got {value!r}")
    try:
        return [float(v) for v in value]
    except (TypeError, ValueError):
        raise ValueError(f"{key} must hold numbers; got {value!r}") from None


def run_experiment(exp: Experiment, device: str = "cpu", progress: bool = False, shard: int | None = None):
    """Train every instance of ``exp``, or only shard ``shard``; return the artefact (tensors,
    metadata) for ``tms.core.io``.

    A sharded experiment (``shards`` > 1) trains each shard's instances as a batched run of their
    own, with the shard's own seed (``Experiment.shard_seed``); without ``shard`` all shards are
    trained one after another and merged, which gives exactly the artefact that merging
    separately trained shards (``merge_shards``, the Snakemake path) gives. A finite-data
    experiment (``train_set_sizes``) goes to ``run_finite``.
    """
    if exp.train_set_sizes is not None:
        return run_finite(exp, device, progress)
    if shard is None and exp.shards > 1:
        return merge_shards(exp, [run_experiment(exp, device, progress, i) for i in range(exp.shards)])
    instances = exp.shard(shard or 0)
    seed = exp.shard_seed(shard or 0)
    start = time.perf_counter()
    result = train(
        make_model(exp.model),
        exp.features(instances),
        exp.importance(instances),
        exp.n_hidden,
        recipe=exp.recipe,
        seed=seed,
        device=device,
        progress=progress,
    )
    meta = {
        "experiment": exp.to_dict(),
        "instances": {k: v[instances.start : instances.stop] for k, v in exp.instance_table().items()},
        "device": str(device),
        "train_seconds": round(time.perf_counter() - start, 2),
    }
    if exp.shards > 1:
        meta["shard"] = {"index": shard, "instances": [instances.start, instances.stop], "seed": seed}
    return _tensors(exp, result, exp.importance(instances)), meta


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


def run_finite(exp: Experiment, device: str = "cpu", progress: bool = False):
    """Train a finite-data experiment: each sweep point is a batched run of its ``replicas``
    instances, full-batch on ``exp.training_set(point)`` (every step sees all T points) with the
    point's seed, tested on fresh points of the same distribution (``eval_loss``). The artefact
    joins the points in order and adds ``train_loss`` ``[inst]``: the final loss on the training set.
    """
    model = make_model(exp.model)
    parts, cells = [], []
    for point in range(len(exp.points)):
        start, seed = time.perf_counter(), exp.point_seed(point)
        data = exp.training_set(point)
        importance = exp.importance(exp._point_instances(point))
        result = train(
            model,
            data,
            importance,
            exp.n_hidden,
            recipe=dataclasses.replace(exp.recipe, batch_size=data.size),  # full batch
            seed=seed,
            device=device,
            progress=progress,
            test_features=exp.test_features(point),
        )
        with torch.no_grad():
            train_loss, _ = model.loss_and_grads(result.params, data.x, importance, exp.recipe.loss_reduction)
        parts.append({**_tensors(exp, result, importance), "train_loss": train_loss})
        seconds = round(time.perf_counter() - start, 2)
        cells.append({"point": point, "train_size": data.size, "seed": seed, "train_seconds": seconds})
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
    for tensors, meta in parts:
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
