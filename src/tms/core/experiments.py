"""Experiment specs: from a config entry to the instances the trainer runs.

An experiment is one batched training run over a sweep (``tms.core.sweep``): a grid of points over
the axes it sets (``densities`` always; ``relative_importance``, ``relative_density`` and
``train_set_sizes`` when set), each point trained ``replicas`` times. The other settings decide the
model (``model``, ``n_features``, ``n_hidden``), the data (``feature_sets``, ``importance_decay``) and
the recipe (``tms.core.train.Recipe``, the config's ``recipe`` with the experiment's overrides).

What each axis does to an instance: ``density`` is every feature's density; ``relative_density``
multiplies the last feature's (#geometry-non-uniform); ``relative_importance`` is the last feature's
importance, the others having 1 (phase diagrams, #phase-change; ``aggregate`` records how analyses
combine a point's replicas: ``best``, the lowest evaluation loss, or ``drop_worst``, the paper's
"drop the worst, average the rest"); ``train_size`` trains on a fixed set of that many points
(beyond the paper: memorization and double descent, ``tms.core.data.finite``).

``feature_sets: correlated | anticorrelated`` with ``set_size: k`` draws the features in consecutive
sets of k (``tms.core.data.correlated``, #geometry-correlated); densities stay per-feature marginal
densities.

``shards: N`` splits the instances into N contiguous shards, each trained as a batched run of its own
(its own job under Snakemake) with a seed derived from (seed, shard); a sharded run is reproducible
but draws other random numbers than the same experiment unsharded. A finite-data experiment trains
each point as a run of its own, with the seed ``point_seed(p)``; its training set
``training_set(p)`` is regenerated exactly from that seed (so runs store no data).

Running, merging shards and finite-data training are in ``tms.core.running``.
"""

from __future__ import annotations

import dataclasses
import functools
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
from tms.core.models import make_model
from tms.core.sweep import AXES, axis_values, grid, instance_table
from tms.core.train import MAX_SEED, Recipe, check_seed, stream_generator
from tms.core.validation import check_positive_int, is_int

AGGREGATES = ("best", "drop_worst")
FEATURE_SETS = ("independent", *KINDS)


@dataclass(frozen=True)
class Experiment:
    """One batched training run, resolved from ``config["experiments"][name]`` plus the recipe.
    The sweep axes (``densities``, ...) are tuples once built (a config's list or logspace)."""

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
        for axis in AXES:
            value = getattr(self, axis.setting)
            if value is not None or axis.setting == "densities":
                object.__setattr__(self, axis.setting, axis_values(f"{self.name}.{axis.setting}", axis, value))
        check_seed(self.seed)
        importance_decay(1, self.importance_decay)  # validates the decay
        for key in ("n_features", "n_hidden", "replicas", "shards"):
            check_positive_int(f"{self.name}.{key}", getattr(self, key))
        if self.aggregate not in AGGREGATES:
            raise ValueError(f"{self.name}.aggregate must be one of {AGGREGATES}; got {self.aggregate!r}")
        self._check_inputs()
        self._check_feature_sets()
        self._check_axes()
        if self.shards > self.n_instances:
            raise ValueError(f"{self.name}.shards must be at most the {self.n_instances} instances; got {self.shards}")

    @functools.cached_property
    def network(self):
        """The model (``tms.core.models.make_model(self.model)``), made once."""
        return make_model(self.model)

    @functools.cached_property
    def points(self) -> list[dict]:
        """``{column: value}`` per sweep point (``tms.core.sweep.grid``), density-major."""
        return grid({axis.setting: getattr(self, axis.setting) for axis in AXES})

    @property
    def n_instances(self) -> int:
        return len(self.points) * self.replicas

    def instance_table(self) -> dict[str, list]:
        """Per instance: ``point``, ``replica``, ``density`` and each other axis's column."""
        return instance_table(self.points, self.replicas)

    @property
    def finite(self) -> bool:
        """Whether the experiment trains on finite data (``train_set_sizes``)."""
        return self.train_set_sizes is not None

    def _check_inputs(self) -> None:
        """The x·y model multiplies two dense standard-normal inputs: nothing else about its data varies."""
        if self.network.data == "gaussian" and (
            self.n_features != 2
            or set(self.densities) != {1.0}
            or self.feature_sets != "independent"
            or any(getattr(self, axis.setting) is not None for axis in AXES[1:])
        ):
            raise ValueError(
                f"{self.name}: model {self.model} multiplies two dense standard-normal inputs: n_features must be 2 "
                f"and densities [1.0], without feature_sets or another sweep axis ({', '.join(SWEPT)})"
            )

    def _check_axes(self) -> None:
        """What each optional axis needs of the other settings."""
        name, ri, rd = self.name, self.relative_importance, self.relative_density
        if ri is None and self.aggregate != "best":
            raise ValueError(f"{name}.aggregate applies to relative_importance grids only; got {self.aggregate!r}")
        if ri is not None and self.importance_decay != 1.0:
            raise ValueError(
                f"{name}.relative_importance sets the extra feature's importance relative to the others, "
                f"which have importance 1: importance_decay must be 1; got {self.importance_decay}"
            )
        if self.aggregate == "drop_worst" and self.replicas < 2:
            raise ValueError(f"{name}.aggregate 'drop_worst' needs replicas >= 2; got {self.replicas}")
        for key, value in (("relative_importance", ri), ("relative_density", rd)):
            if value is not None and self.n_features < 2:
                raise ValueError(f"{name}.{key} needs n_features >= 2 (a last feature to vary); got {self.n_features}")
        if rd is not None and (ri is not None or self.feature_sets != "independent"):
            raise ValueError(f"{name}.relative_density cannot be combined with relative_importance or feature_sets")
        if rd is not None and max(self.densities) * max(rd) > 1:
            raise ValueError(
                f"{name}: the varied feature's density (densities × relative_density) must be <= 1; "
                f"got {max(self.densities) * max(rd):.4g}"
            )
        if self.finite and (ri is not None or rd is not None or self.feature_sets != "independent" or self.shards != 1):
            raise ValueError(
                f"{name}.train_set_sizes trains on finite sparse data: it cannot be combined with "
                "relative_importance, relative_density, feature_sets, shards or a model on gaussian inputs"
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
        if self.feature_sets != "independent" and self.network.signed:
            raise ValueError(
                f"{self.name}.feature_sets {self.feature_sets!r} draws unsigned features; model {self.model} needs "
                "signed ones"
            )
        if self.feature_sets == "anticorrelated" and max(self.densities) * k > 1:
            raise ValueError(
                f"{self.name}.densities must be <= 1/set_size = {1 / k:.4g} for anticorrelated sets "
                f"(one member active at a time, each with marginal density p); got {max(self.densities)}"
            )

    @classmethod
    def from_config(cls, name: str, config: dict) -> Experiment:
        """Resolve experiment ``name``: its entry, with ``recipe`` overriding ``config['recipe']``."""
        if name not in config.get("experiments", {}):
            raise ValueError(f"unknown experiment {name!r}; known: {sorted(config.get('experiments', {}))}")
        entry = dict(config["experiments"][name])
        allowed = {f.name for f in dataclasses.fields(cls)} - {"name", "seed"}
        unknown = sorted(set(entry) - allowed)
        if unknown:
            raise ValueError(f"{name}: unknown setting(s) {unknown}; allowed: {sorted(allowed)}")
        recipe = Recipe(**{**config.get("recipe", {}), **entry.pop("recipe", {})})
        return cls(name=name, seed=int(config.get("seed", 0)), recipe=recipe, **entry)

    @classmethod
    def from_spec(cls, spec: dict) -> Experiment:
        """The experiment a run was trained from (``run.spec``, the inverse of ``to_dict``)."""
        return cls(**{k: v for k, v in spec.items() if k != "recipe"}, recipe=Recipe(**spec["recipe"]))

    def to_dict(self) -> dict:
        """The resolved spec (recorded in every run); settings at their neutral default are left
        out, so a spec written before a setting existed reads back unchanged."""
        out = {
            "name": self.name,
            "model": self.model,
            "n_features": self.n_features,
            "n_hidden": self.n_hidden,
            "importance_decay": self.importance_decay,
            "replicas": self.replicas,
            "seed": self.seed,
            "recipe": self.recipe.to_dict(),
        }
        out.update({a.setting: list(getattr(self, a.setting)) for a in AXES if getattr(self, a.setting) is not None})
        if self.feature_sets != "independent":
            out["feature_sets"] = self.feature_sets
            out["set_size"] = self.set_size
        if self.shards > 1:
            out["shards"] = self.shards
        if self.relative_importance is not None:
            out["aggregate"] = self.aggregate
        return out

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
        return self.seed if self.shards == 1 else derived_seed(self.seed, index)

    def features(
        self, instances: range | list[int] | None = None
    ) -> SparseFeatures | CorrelatedFeatures | GaussianInputs:
        """The data source of every instance, or of ``instances`` only (a shard, a point)."""
        index = list(instances if instances is not None else range(self.n_instances))
        if self.network.data == "gaussian":
            return GaussianInputs(len(index), self.n_features)
        table = self.instance_table()
        density = torch.tensor(table["density"])[index][:, None].expand(-1, self.n_features)
        if "relative_density" in table:  # the last feature's density is r × the others'
            density = density.clone()
            density[:, -1] *= torch.tensor(table["relative_density"])[index]
        if self.feature_sets != "independent":
            return CorrelatedFeatures(density.contiguous(), self.set_size, self.feature_sets)
        return SparseFeatures(density.contiguous(), signed=self.network.signed)  # |x| trains on ±x

    def importance(self, instances: range | list[int] | None = None) -> torch.Tensor:
        """``[inst, n]``: decay^i, or with ``relative_importance`` 1 for every feature but the last (r);
        of every instance, or of ``instances`` only."""
        index = list(instances if instances is not None else range(self.n_instances))
        outputs = self.network.out_features(self.n_features)
        imp = importance_decay(outputs, self.importance_decay).expand(len(index), -1).contiguous()
        table = self.instance_table()
        if "relative_importance" in table:
            imp[:, -1] = torch.tensor(table["relative_importance"], dtype=imp.dtype)[index]
        return imp

    def point_instances(self, point: int) -> range:
        """The instances of sweep point ``point`` (its replicas)."""
        return range(point * self.replicas, (point + 1) * self.replicas)

    def point_seed(self, point: int) -> int:
        """The seed of sweep point ``point`` of a finite-data experiment, derived from (seed, point)."""
        if not self.finite:
            raise ValueError(f"{self.name}: point seeds belong to finite-data experiments (train_set_sizes)")
        if not is_int(point) or not 0 <= point < len(self.points):
            raise ValueError(f"{self.name}: point must be an integer in [0, {len(self.points)}); got {point!r}")
        return derived_seed(self.seed, point)

    def test_features(self, *points: int) -> UnitNorm:
        """The distribution the instances of ``points`` are tested on (in that order): their sparse
        features, scaled to unit norm."""
        return UnitNorm(self.features([i for p in points for i in self.point_instances(p)]))

    def training_set(self, point: int) -> FiniteFeatures:
        """Point ``point``'s training set: T points per replica (``[replicas, T, n]`` as ``.x``),
        drawn on the CPU from the point's data stream, so every device trains on the same set."""
        generator = stream_generator(self.point_seed(point), "data")
        return FiniteFeatures(self.test_features(point), self.points[point]["train_size"], generator)


SWEPT = tuple(axis.setting for axis in AXES[1:])  # the optional axes


def derived_seed(seed: int, index: int) -> int:
    """An independent seed for part ``index`` of a run seeded ``seed`` (a shard, a finite-data point)."""
    return int(np.random.SeedSequence([seed, index]).generate_state(1)[0]) % MAX_SEED
