"""The SAE benchmark: sparse dictionaries trained on toy models that learned their superposition.

Synthetic benchmarks for dictionary learning usually draw activations from a random dictionary.
Here every dataset is a *trained* toy model h = xW (``W [n, m]``, ReLU-output, §2) fed by its own
kind of features, so the true features (the rows W_i of the represented features, ‖W_i‖ > 0.5)
and their activations (x_i) are known and the geometry is the paper's (antipodal pairs,
pentagons, tetrahedra, correlated sets). The datasets (``datasets``):

- ``superposition``: the F9 sweep's models at a few densities, from about 2 to about 7 features per
  dimension;
- ``correlated``: models trained on correlated or anticorrelated feature sets (F14), their own data;
- ``hierarchy``: one F9 model fed features with a parent-child hierarchy (``HierarchicalFeatures``),
  at several co-occurrences P(child | parent): the feature-absorption test;
- ``sizes``: one ``superposition`` dataset again, for a sweep of dictionary sizes (how many
  features are there, judged without the ground truth).

Every SAE kind of ``tms.core.sae`` is swept over its sparsity setting; the k of the k-kinds is a
multiple of the dataset's true L0 (the expected number of active represented features), so the
sweep brackets it. ``train_benchmark`` trains them all (one batched run per dataset and group)
and returns the artefact; ``tms.analysis.sae_benchmark`` scores it.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import torch

from tms.core.data import CorrelatedFeatures, SparseFeatures
from tms.core.data.hierarchy import HierarchicalFeatures
from tms.core.sae import K_KINDS, KINDS, SAESpec
from tms.core.sae_training import train_saes
from tms.core.weights import REPRESENTED_NORM, feature_norms

RUN = "sae_benchmark"  # results/runs/sae_benchmark/
SAE_PARAMS = ("W_enc", "W_dec", "b_enc", "b_dec", "theta", "threshold")


@dataclass(frozen=True)
class Dataset:
    """One trained toy model and the features that feed it.

    ``W [n, m]`` is the model scaled so that E‖h‖² = 1 (one penalty means the same everywhere),
    ``density [n]`` each feature's own rate, ``parent [n]`` the hierarchy (−1: none),
    ``represented [n]`` the features the model represents (the true features)."""

    name: str
    group: str  # superposition | correlated | hierarchy | sizes
    W: torch.Tensor
    density: torch.Tensor
    represented: torch.Tensor
    feature_sets: str = "independent"  # or correlated, anticorrelated (set_size each)
    set_size: int = 1
    parent: torch.Tensor | None = None
    magnitude: str = "uniform"  # of the hierarchy's active features: U(0, 1] or fixed at 1

    def features(self):
        """The data source, ``x [1, batch, n]``."""
        density = self.density[None].contiguous()
        if self.parent is not None:
            return HierarchicalFeatures(density, self.parent, self.magnitude)
        if self.feature_sets != "independent":
            return CorrelatedFeatures(density, self.set_size, self.feature_sets)
        return SparseFeatures(density)

    def true_l0(self) -> float:
        """Expected number of active represented features per input."""
        return float(self.features().density[0][self.represented].sum())

    def to_dict(self) -> dict:
        out = {"name": self.name, "group": self.group, "feature_sets": self.feature_sets, "set_size": self.set_size}
        out["magnitude"] = self.magnitude
        return out | {"true_l0": round(self.true_l0(), 4), "represented": int(self.represented.sum())}


def _scaled(W: torch.Tensor, features, generator: torch.Generator) -> torch.Tensor:
    """``W [n, m]`` scaled so that E‖xW‖² = 1 on 10,000 draws of ``features``."""
    h = features.sample(10_000, generator)[0] @ W
    return W * h.square().sum(-1).mean().rsqrt()


def _dataset(name: str, group: str, W: torch.Tensor, density: torch.Tensor, generator, **kw) -> Dataset:
    represented = feature_norms(W[None])[0] > REPRESENTED_NORM
    raw = Dataset(name, group, W, density, represented, **kw)
    return Dataset(name, group, _scaled(W, raw.features(), generator), density, represented, **kw)


def sources(config: dict) -> list[str]:
    """The experiments whose trained runs the benchmark reads."""
    cfg = config["sae_benchmark"]
    return [cfg["superposition"]["source"], *cfg["correlated"]]


def _nearest(run, density: float) -> int:
    have = torch.tensor(run.density)
    return int((have.log() - math.log(density)).abs().argmin())


def datasets(config: dict, runs: dict, generator: torch.Generator) -> list[Dataset]:
    """The benchmark's datasets from ``config`` (``config["sae_benchmark"]``) and the trained
    ``runs`` it names (``tms.core.io.Run`` by experiment name)."""
    cfg = config["sae_benchmark"]
    sweep = runs[cfg["superposition"]["source"]].best()
    out = []
    for p in cfg["superposition"]["densities"]:
        i = _nearest(sweep, p)
        d = sweep.density[i]
        out.append(
            _dataset(
                f"superposition {d:.3g}", "superposition", sweep.W[i], torch.full_like(sweep.W[i, :, 0], d), generator
            )
        )
    for name in cfg["correlated"]:
        run = runs[name].best()
        spec = run.spec
        density = torch.full_like(run.W[0, :, 0], run.density[0])
        out.append(
            _dataset(
                name,
                "correlated",
                run.W[0],
                density,
                generator,
                feature_sets=spec["feature_sets"],
                set_size=spec["set_size"],
            )
        )
    h = cfg["hierarchy"]
    i = _nearest(sweep, h["density"])
    W, d = sweep.W[i], sweep.density[i]
    parent = hierarchy_parents(W, h["parents"], h["children"])
    for q in h["cooccurrence"]:
        density = torch.where(parent >= 0, torch.tensor(float(q)), torch.tensor(d))
        kw = {"parent": parent, "magnitude": h.get("magnitude", "uniform")}
        out.append(_dataset(f"hierarchy q={q:g}", "hierarchy", W, density, generator, **kw))
    i = _nearest(sweep, cfg["sizes"]["density"])
    d = sweep.density[i]
    out.append(_dataset(f"sizes {d:.3g}", "sizes", sweep.W[i], torch.full_like(sweep.W[i, :, 0], d), generator))
    return out


def hierarchy_parents(W: torch.Tensor, parents: int, children: int) -> torch.Tensor:
    """``parent [n]``: the ``parents`` features of ``W [n, m]`` with the largest norms are parents,
    each of the next ``children`` a child of one of them (−1 elsewhere): represented features
    first, so the hierarchy lives in what the model stores."""
    need = parents * (1 + children)
    if need > W.shape[0]:
        raise ValueError(f"sae_benchmark.hierarchy needs {need} features; the model has {W.shape[0]}")
    order = feature_norms(W[None])[0].argsort(descending=True)
    parent = torch.full((W.shape[0],), -1, dtype=torch.long)
    kids = order[parents:need].view(parents, children)
    parent[kids] = order[:parents, None].expand_as(kids)
    return parent


def sweeps(dataset: Dataset, cfg: dict) -> list[SAESpec]:
    """The SAEs trained on ``dataset``: one ``SAESpec`` (one batched run) per dictionary size."""
    common = {k: cfg[k] for k in ("steps", "batch_size", "lr", "eval_samples")}
    l0 = dataset.true_l0()
    if dataset.group == "hierarchy":
        h = cfg["hierarchy"]
        k = (max(1, round(h["k_factor"] * l0)),)
        return [SAESpec(dictionary=cfg["dictionary"], kinds=tuple(h["kinds"]), l1=(h["l1"],), k=k, l0=(), **common)]
    if dataset.group == "sizes":
        k = (max(1, round(cfg["sizes"]["k_factor"] * l0)),)
        return [
            SAESpec(dictionary=d, kinds=(cfg["sizes"]["kind"],), l1=(), k=k, l0=(), **common)
            for d in cfg["sizes"]["dictionary"]
        ]
    d = min(cfg["dictionary"], 2 * dataset.W.shape[0]) if dataset.group == "correlated" else cfg["dictionary"]
    ks = tuple(sorted({min(d, max(1, round(f * l0))) for f in cfg["k_factors"]}))
    kinds = tuple(cfg["kinds"])
    return [SAESpec(dictionary=d, kinds=kinds, l1=tuple(cfg["l1"]), k=ks, l0=tuple(cfg["l0"]), **common)]


def check_config(cfg: dict) -> None:
    """Refuse kinds the trainer does not know (the schema checks the rest)."""
    for where, kinds in (("kinds", cfg["kinds"]), ("hierarchy.kinds", cfg["hierarchy"]["kinds"])):
        bad = [k for k in kinds if k not in KINDS]
        if bad:
            raise ValueError(f"sae_benchmark.{where} has {bad}; allowed: {KINDS}")
    if cfg["sizes"]["kind"] not in K_KINDS:
        raise ValueError(f"sae_benchmark.sizes.kind must be one of {K_KINDS}; got {cfg['sizes']['kind']!r}")


def train_benchmark(config: dict, runs: dict) -> tuple[dict[str, torch.Tensor], dict]:
    """Train every SAE of the benchmark. Returns the artefact: per dataset its model and data
    (``data{j}/W``, ``/density``, ``/represented``, ``/parent``) and per batched run its SAEs'
    parameters (``sae{r}/<param>``); ``meta["saes"]`` lists every SAE (dataset, kind, sparsity,
    dictionary, run, index)."""
    from tms.core.train import stream_generator

    cfg = config["sae_benchmark"]
    check_config(cfg)
    seed = int(config.get("seed", 0))
    start = time.perf_counter()
    sets = datasets(config, runs, stream_generator(seed, "eval"))
    tensors, saes, groups = {}, [], []
    for j, data in enumerate(sets):
        tensors |= {
            f"data{j}/W": data.W,
            f"data{j}/density": data.density,
            f"data{j}/represented": data.represented,
            f"data{j}/parent": data.parent.clone()
            if data.parent is not None
            else torch.full_like(data.represented, -1, dtype=torch.long),
        }
        for spec in sweeps(data, cfg):
            r = len(groups)
            out = train_saes(data.W[None], data.features(), spec, seed)
            tensors |= {f"sae{r}/{k}": out["params"][k] for k in SAE_PARAMS}
            table = out["table"]
            saes += [
                {"dataset": j, "kind": kind, "sparsity": s, "dictionary": spec.dictionary, "run": r, "index": i}
                for i, (kind, s) in enumerate(zip(table["kind"], table["sparsity"], strict=True))
            ]
            groups.append({"dataset": j, "dictionary": spec.dictionary, "kinds": list(spec.kinds)})
    meta = {
        "experiment": {"name": RUN, "seed": seed, "sae_benchmark": cfg, "sources": sources(config)},
        "datasets": [d.to_dict() for d in sets],
        "saes": saes,
        "runs": groups,
        "device": "cpu",
        "train_seconds": round(time.perf_counter() - start, 2),
    }
    return tensors, meta


def load_datasets(run) -> list[Dataset]:
    """The datasets of a benchmark artefact (``tms.core.io.Run``), as trained."""
    out = []
    for j, d in enumerate(run.meta["datasets"]):
        parent = run[f"data{j}/parent"]
        out.append(
            Dataset(
                d["name"],
                d["group"],
                run[f"data{j}/W"],
                run[f"data{j}/density"],
                run[f"data{j}/represented"].bool(),
                d["feature_sets"],
                d["set_size"],
                parent if bool((parent >= 0).any()) else None,
                d.get("magnitude", "uniform"),
            )
        )
    return out


def sae_params(run, row: dict) -> dict[str, torch.Tensor]:
    """One SAE's parameters (instance axis kept, size 1) from the artefact's row ``row``."""
    i = row["index"]
    return {k: run[f"sae{row['run']}/{k}"][i : i + 1] for k in SAE_PARAMS}
