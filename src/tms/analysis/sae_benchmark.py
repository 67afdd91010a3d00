"""Scores of the SAE benchmark (``tms.core.sae_benchmark``): every SAE against the known features.

A dictionary is scored through two functions only, ``encode(h [batch, m]) -> codes [batch, d]`` and
``decode(codes [batch, d]) -> ĥ [batch, m]`` (``score_dictionary``), so the bundled kinds and a
user's own SAE (``tms saebench``) are scored the same way: on fresh samples of the dataset's features
pushed through its toy model, the atoms read off the decoder as decode(e_j) − decode(0). The score
card is ``tms.analysis.sae_metrics.scorecard`` plus, on the hierarchy datasets, the mean absorption
of the parents.

How many features, without the ground truth (``feature_count``): dictionaries of growing size d on
one dataset; between neighbouring sizes, count the alive atoms of the larger that have a partner in
the smaller (one-to-one, |cos| > ``AGREE``). Below the true count a larger dictionary finds new
features and keeps the old; past it the extra atoms are dead, split or duplicated, so the stable
count stops growing: its largest value is the estimate.
"""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np
import torch
from scipy.optimize import linear_sum_assignment

from tms.analysis.sae_metrics import absorption, cosines, firing_rates, mcc, scorecard
from tms.core import sae as core
from tms.core.sae_benchmark import Dataset, load_datasets, sae_params

AGREE = 0.9  # two atoms are the same feature when |cos| > 0.9 (as the recovery threshold of X3)
EVAL_SEED = 12345  # the evaluation samples' seed: every dictionary is scored on the same data


def draw(dataset: Dataset, features, batch: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Features ``x [batch, n]`` from ``features`` (the dataset's source) and ``h = xW [batch, m]``."""
    x = features.sample(batch, generator)[0].contiguous()
    return x, x @ dataset.W


def evaluation_data(dataset: Dataset, samples: int, seed: int = EVAL_SEED) -> tuple[torch.Tensor, torch.Tensor]:
    """Fresh features ``x [samples, n]`` and their activations ``h = xW [samples, m]``."""
    return draw(dataset, dataset.features(), samples, torch.Generator().manual_seed(seed))


def atoms_of(decode, d: int, m: int) -> torch.Tensor:
    """The decoder's atoms ``[d, m]``: decode(e_j) − decode(0) (exact for any affine decoder)."""
    eye = torch.eye(d)
    return decode(eye) - decode(torch.zeros(1, d))


def check_dictionary(encode, decode, m: int) -> int:
    """Call the protocol once on a small batch; return the number of latents d or say what is wrong."""
    h = torch.randn(4, m, generator=torch.Generator().manual_seed(0))
    codes = encode(h)
    if not isinstance(codes, torch.Tensor) or codes.ndim != 2 or codes.shape[0] != 4:
        got = tuple(codes.shape) if isinstance(codes, torch.Tensor) else type(codes).__name__
        raise ValueError(f"encode(h [batch=4, m={m}]) must return codes [batch=4, d]; got {got}")
    h_hat = decode(codes)
    if not isinstance(h_hat, torch.Tensor) or tuple(h_hat.shape) != (4, m):
        got = tuple(h_hat.shape) if isinstance(h_hat, torch.Tensor) else type(h_hat).__name__
        raise ValueError(f"decode(codes [batch=4, d={codes.shape[1]}]) must return ĥ [batch=4, m={m}]; got {got}")
    return codes.shape[1]


@torch.no_grad()
def score_dictionary(encode, decode, dataset: Dataset, samples: int) -> dict[str, float]:
    """The score card of one dictionary on ``dataset`` (``samples`` fresh inputs)."""
    x, h = evaluation_data(dataset, samples)
    d = check_dictionary(encode, decode, h.shape[1])
    codes = torch.cat([encode(chunk) for chunk in h.split(4096)])
    h_hat = torch.cat([decode(chunk) for chunk in codes.split(4096)])
    atoms = atoms_of(decode, d, h.shape[1])
    rep = dataset.represented
    card = scorecard(dataset.W[rep], x[:, rep], atoms, codes, h, h_hat)
    card["true_l0_expected"] = dataset.true_l0()
    if dataset.parent is not None:
        card["absorption"] = _absorption(dataset, x, codes, atoms)
    return card


def _absorption(dataset: Dataset, x: torch.Tensor, codes: torch.Tensor, atoms: torch.Tensor) -> float:
    """Mean absorption over the parents, each parent's latent being its MCC-matched atom."""
    rep = dataset.represented.nonzero().flatten()
    match = torch.full((dataset.W.shape[0],), -1, dtype=torch.long)
    match[rep] = mcc(dataset.W[rep], atoms)[1]
    values = []
    for p in (dataset.parent[dataset.parent >= 0]).unique().tolist():
        children = (dataset.parent == p).nonzero().flatten().tolist()
        if match[p] >= 0:
            values.append(absorption(codes, x, p, children, int(match[p])))
    values = [v for v in values if not math.isnan(v)]
    return float(np.mean(values)) if values else math.nan


def bundled(run, row: dict):
    """``encode`` and ``decode`` of the bundled SAE ``row`` of a benchmark artefact."""
    params, kinds, sparsity = sae_params(run, row), [row["kind"]], torch.tensor([float(row["sparsity"])])

    def encode(h):
        return core.encode(params, h[None], kinds, sparsity)[0]

    def decode(f):
        return core.decode(params, f[None])[0]

    return encode, decode


def score_run(run) -> dict:
    """Every bundled SAE's score card, the datasets, and the feature-count estimate (the ``scores``
    of the run's ``meta.json``)."""
    sets = load_datasets(run)
    samples = run.meta["experiment"]["sae_benchmark"]["eval_samples"]
    rows = []
    for row in run.meta["saes"]:
        data = sets[row["dataset"]]
        card = score_dictionary(*bundled(run, row), data, samples)
        rows.append(
            {"dataset": data.name, "group": data.group, **{k: row[k] for k in ("kind", "sparsity", "dictionary")}}
            | {"features_per_dim": int(data.represented.sum()) / data.W.shape[1], **card}
        )
    sizes = [(row, sets[row["dataset"]]) for row in run.meta["saes"] if sets[row["dataset"]].group == "sizes"]
    return {"datasets": run.meta["datasets"], "saes": rows, "feature_count": _count(run, sizes, samples)}


def _count(run, sizes: list, samples: int) -> dict:
    """``feature_count`` over the ``sizes`` dictionaries, with the true count beside it."""
    if not sizes:
        return {}
    data = sizes[0][1]
    _, h = evaluation_data(data, samples)
    atoms, alive = [], []
    for row, _ in sorted(sizes, key=lambda r: r[0]["dictionary"]):
        encode, decode = bundled(run, row)
        atoms.append(atoms_of(decode, row["dictionary"], h.shape[1]))
        alive.append(firing_rates(encode(h)) > 0)
    out = feature_count(atoms, alive)
    return out | {"dictionary": sorted(r["dictionary"] for r, _ in sizes), "true": int(data.represented.sum())}


def feature_count(atoms: list[torch.Tensor], alive: list[torch.Tensor]) -> dict:
    """Estimate the number of features from dictionaries of growing size, without ground truth.

    ``atoms[j] [d_j, m]`` and ``alive[j] [d_j]`` (latents that fire) of dictionary j, sizes
    ascending. Returns per neighbouring pair the stable count (alive atoms of the larger matched
    one-to-one to alive atoms of the smaller at |cos| > ``AGREE``) and the estimate, its maximum."""
    stable = []
    for (small, on_s), (large, on_l) in pairwise(zip(atoms, alive, strict=True)):
        cos = cosines(large[on_l], small[on_s]).abs()
        if cos.numel() == 0:
            stable.append(0)
            continue
        rows, cols = linear_sum_assignment(cos.numpy(), maximize=True)
        stable.append(int((cos[rows, cols] > AGREE).sum()))
    return {"stable": stable, "alive": [int(a.sum()) for a in alive], "estimate": max(stable, default=0)}
