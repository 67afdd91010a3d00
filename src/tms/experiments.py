"""Experiment specs: from a config entry to the instances the trainer runs.

An experiment is a sweep of points (one density each) times ``replicas`` seeds-in-one-tensor;
every (point, replica) pair is one instance of a single batched training run. Instance
``k`` belongs to point ``k // replicas`` and replica ``k % replicas``. Keeping every replica
lets analyses choose their aggregation (best of k, drop the worst, ...).
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field

import torch

from tms.data import SparseFeatures, importance_decay
from tms.models import make_model
from tms.train import Recipe, check_seed, train


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

    def __post_init__(self):
        make_model(self.model)  # validates the name
        check_seed(self.seed)
        importance_decay(1, self.importance_decay)  # validates the decay
        for key in ("n_features", "n_hidden", "replicas"):
            if not isinstance(getattr(self, key), int) or getattr(self, key) < 1:
                raise ValueError(f"{self.name}.{key} must be a positive integer; got {getattr(self, key)!r}")
        if not self.densities or not all(0 < d <= 1 for d in self.densities):
            raise ValueError(f"{self.name}.densities must be a non-empty list of values in (0, 1]; got {self.densities}")

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
        entry["densities"] = tuple(float(d) for d in entry["densities"])
        return cls(name=name, seed=int(config.get("seed", 0)), recipe=recipe, **entry)

    def to_dict(self) -> dict:
        return {
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

    @property
    def n_instances(self) -> int:
        return len(self.densities) * self.replicas

    def instance_table(self) -> dict[str, list]:
        """Per-instance sweep values: ``point``, ``replica``, ``density``."""
        k = range(self.n_instances)
        return {
            "point": [i // self.replicas for i in k],
            "replica": [i % self.replicas for i in k],
            "density": [self.densities[i // self.replicas] for i in k],
        }

    def features(self) -> SparseFeatures:
        density = torch.tensor(self.instance_table()["density"])[:, None].expand(-1, self.n_features)
        return SparseFeatures(density.contiguous(), signed=make_model(self.model).signed)  # |x| trains on ±x

    def importance(self) -> torch.Tensor:
        """``[inst, n]``."""
        return importance_decay(self.n_features, self.importance_decay).expand(self.n_instances, -1).contiguous()


def run_experiment(exp: Experiment, device: str = "cpu", progress: bool = False):
    """Train every instance of ``exp``; return the artefact (tensors, metadata) for ``tms.io``."""
    start = time.perf_counter()
    result = train(
        make_model(exp.model),
        exp.features(),
        exp.importance(),
        exp.n_hidden,
        recipe=exp.recipe,
        seed=exp.seed,
        device=device,
        progress=progress,
    )
    tensors = {
        **result.params,
        "importance": exp.importance(),
        "eval_loss": result.eval_loss,
        "loss_curve": result.loss_curve,
        "loss_steps": torch.tensor(result.loss_steps),
        **{f"checkpoints.{k}": v for k, v in result.checkpoints.items()},
    }
    if result.checkpoints:
        tensors["checkpoint_steps"] = torch.tensor(exp.recipe.checkpoint_steps())
    meta = {
        "experiment": exp.to_dict(),
        "instances": exp.instance_table(),
        "device": str(device),
        "train_seconds": round(time.perf_counter() - start, 2),
    }
    return tensors, meta
