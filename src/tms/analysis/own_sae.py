"""Score your own SAE on the SAE benchmark (``tms saebench MODULE:CALLABLE``).

The protocol. The user names a callable as ``MODULE:CALLABLE`` (importable; the current working
directory is put first on ``sys.path``, so a local ``my_sae.py`` works). For each dataset of the
benchmark it is called as ``CALLABLE(sample, m)``:

- ``sample(batch: int) -> torch.Tensor [batch, m]`` draws fresh training activations of that
  dataset (its features pushed through its toy model, h = xW), from a generator seeded with
  ``TRAIN_SEED``, not the evaluation seed (``tms.analysis.sae_benchmark.EVAL_SEED``);
- ``m`` is the activation dimension.

It must return an object with two methods on torch tensors, ``encode(h [batch, m]) -> codes
[batch, d]`` and ``decode(codes [batch, d]) -> ĥ [batch, m]`` (d is the user's choice). That
dictionary is then scored exactly as the bundled kinds are (``score_dictionary``): on fresh
evaluation samples, against the known features, with the atoms read off the decoder as
decode(e_j) − decode(0).
"""

from __future__ import annotations

import importlib
import math
import os
import sys

import torch

from tms.analysis.sae_benchmark import check_dictionary, draw, score_dictionary
from tms.core.sae_benchmark import Dataset, load_datasets
from tms.core.validation import check_positive_int

TRAIN_SEED = 2024  # the training samples' seed (each dataset's stream starts from it), not EVAL_SEED
PROTOCOL = (
    "CALLABLE(sample, m) must return an object with methods encode(h [batch, m]) -> codes [batch, d] "
    "and decode(codes [batch, d]) -> h_hat [batch, m]"
)
CARD_COLUMNS = ("mcc", "mmcs", "fvu", "l0", "true_l0", "dead", "dense", "shrinkage", "f1", "absorption")
ID_COLUMNS = ("dataset", "group", "kind", "sparsity", "dictionary")


def load_callable(spec: str):
    """The callable named by ``spec`` (``MODULE:CALLABLE``), the working directory first on ``sys.path``."""
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise ValueError(f"expected MODULE:CALLABLE, e.g. my_sae:train; got {spec!r}")
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        if err.name is not None and module_name.split(".")[0] != err.name.split(".")[0]:
            raise  # the user's module imports something missing: the traceback says what
        raise ValueError(f"cannot import module {module_name!r} (looked in {cwd} and sys.path): {err}") from err
    obj = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise ValueError(f"module {module_name!r} has no attribute {attr!r}")
        obj = getattr(obj, part)
    if not callable(obj):
        raise ValueError(f"{spec} is not callable (a {type(obj).__name__}); {PROTOCOL}")
    return obj


def check_protocol(obj, m: int) -> int:
    """Check that ``obj`` has callable ``encode`` and ``decode`` of the right shapes; return d."""
    for method in ("encode", "decode"):
        if not callable(getattr(obj, method, None)):
            raise ValueError(f"the returned {type(obj).__name__} has no callable {method}(); {PROTOCOL}")
    with torch.no_grad():
        return check_dictionary(obj.encode, obj.decode, m)


def sampler(dataset: Dataset, seed: int = TRAIN_SEED):
    """``sample(batch) -> h [batch, m]``: fresh training activations of ``dataset``, one stream per call."""
    features = dataset.features()
    generator = torch.Generator().manual_seed(seed)

    def sample(batch: int) -> torch.Tensor:
        if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
            raise ValueError(f"sample(batch) needs a positive int batch; got {batch!r}")
        return draw(dataset, features, batch, generator)[1]

    return sample


def select(sets: list[Dataset], names: list[str] | None) -> list[Dataset]:
    """The datasets named in ``names`` (all when None), in the artefact's order."""
    if not names:
        return sets
    known = [d.name for d in sets]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"unknown dataset(s) {unknown}; known: {known}")
    return [d for d in sets if d.name in names]


def score_own(spec: str, run, datasets: list[str] | None = None, samples: int | None = None) -> list[dict]:
    """Train the user's SAE ``spec`` on each dataset of the benchmark artefact ``run`` (or those named
    in ``datasets``) and score it; one row per dataset: ``{"dataset", "group", **score card}``."""
    fn = load_callable(spec)
    sets = select(load_datasets(run), datasets)
    samples = run.meta["experiment"]["sae_benchmark"]["eval_samples"] if samples is None else samples
    check_positive_int("samples", samples)
    rows = []
    for data in sets:
        m = data.W.shape[1]
        sae = fn(sampler(data), m)
        check_protocol(sae, m)
        card = score_dictionary(sae.encode, sae.decode, data, samples)
        rows.append({"dataset": data.name, "group": data.group, **card})
    return rows


def select_best(rows: list[dict], datasets: list[str] | None = None) -> list[dict]:
    """Of the bundled kinds' cards (the ``scores`` of ``results/runs/sae_benchmark/meta.json``), each
    (dataset, kind)'s highest-mcc row, optionally only for the datasets named in ``datasets``."""
    known = list(dict.fromkeys(r["dataset"] for r in rows))
    unknown = [n for n in datasets or [] if n not in known]
    if unknown:
        raise ValueError(f"unknown dataset(s) {unknown}; known: {known}")
    best: dict[tuple[str, str], tuple[float, dict]] = {}
    for r in rows:
        if datasets and r["dataset"] not in datasets:
            continue
        key = (r["dataset"], r["kind"])
        score = -math.inf if math.isnan(r["mcc"]) else r["mcc"]
        if key not in best or score > best[key][0]:
            best[key] = (score, r)
    return [r for _, r in best.values()]


def _cell(value) -> str:
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else f"{value:.3f}"
    return str(value)


def format_cards(rows: list[dict]) -> str:
    """The score cards as a plain-text table (numbers to 3 decimals; a column only if a row has it)."""
    columns = [c for c in ID_COLUMNS + CARD_COLUMNS if any(c in r for r in rows)]
    table = [columns] + [[_cell(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(columns))]
    numeric = [c not in ("dataset", "group", "kind") for c in columns]
    lines = [
        "  ".join(
            cell.rjust(w) if num else cell.ljust(w) for cell, w, num in zip(line, widths, numeric, strict=True)
        ).rstrip()
        for line in table
    ]
    return "\n".join(lines)
