"""Training and evaluating the sparse autoencoders of ``tms.core.sae`` on a toy model's activations.

Many SAEs (source densities × kinds × sparsity settings) train as instances of one batched run,
as the toy models do (``train_saes``); activations are scaled so that E‖h‖² = 1 per source, so one
λ means the same at every density. Recovery is measured against the represented true features
(‖W_i‖ > 0.5): ``max_cosines`` (each feature's best-matching atom), stored with the run; their mean
(MMCS) and the share above 0.9 are in ``tms.analysis.sae``. ``evaluate`` also gives the fraction of
variance unexplained and L0 on a fresh sample. ``run_sae`` is the ``sae_recovery`` run: the SAEs
of a config's ``sae`` section trained on a ReLU-output density sweep.
"""

from __future__ import annotations

import math

import torch

from tms.core.data import SparseFeatures
from tms.core.sae import JUMP_INIT, SAESpec, decode, encode, sae_loss, update_thresholds
from tms.core.weights import REPRESENTED_NORM, feature_norms


def activations(W: torch.Tensor, features: SparseFeatures, batch: int, generator: torch.Generator) -> torch.Tensor:
    """Hidden activations ``h = xW`` ``[sources, batch, m]`` of toy models ``W [sources, n, m]`` on
    fresh samples of their own sparse features."""
    return torch.bmm(features.sample(batch, generator), W)


def init_sae(inst: int, m: int, d: int, generator: torch.Generator) -> dict[str, torch.Tensor]:
    """Random unit atoms, the encoder their transpose, zero biases, JumpReLU thresholds at ``JUMP_INIT``."""
    W_dec = torch.randn(inst, m, d, generator=generator)
    W_dec = W_dec / W_dec.norm(dim=1, keepdim=True)
    return {
        "W_dec": W_dec,
        "W_enc": W_dec.transpose(1, 2).clone(),
        "b_enc": torch.zeros(inst, d),
        "b_dec": torch.zeros(inst, m),
        "theta": torch.full((inst, d), JUMP_INIT),
    }


def init_threshold(inst: int) -> torch.Tensor:
    """The batch kinds' evaluation thresholds ``[inst]`` (not trained by the optimizer)."""
    return torch.zeros(inst)


def train_saes(W: torch.Tensor, features, spec: SAESpec, seed: int = 0) -> dict:
    """Train every SAE of ``spec`` on the toy models ``W [sources, n, m]`` fed by ``features`` (a
    data source of ``tms.core.data``, ``x [sources, batch, n]``). Returns the parameters (atoms
    normalised), the instance table, each source's activation scale and the evaluation of
    ``evaluate``."""
    from tms.core.train import TrainingDiverged, stream_generator

    sources, n, m = W.shape
    table = spec.table(sources)
    src = torch.tensor(table["source"])
    sparsity = torch.tensor(table["sparsity"])
    # scale each source so that E‖h‖² = 1: one penalty means the same at every density
    probe = activations(W, features, 10_000, stream_generator(seed, "eval"))
    Ws = W * probe.square().sum(-1).mean(-1).rsqrt()[:, None, None]
    params = {
        k: v.requires_grad_(True)
        for k, v in init_sae(len(src), m, spec.dictionary, stream_generator(seed, "init")).items()
    }
    opt = torch.optim.Adam(list(params.values()), lr=spec.lr)
    threshold = init_threshold(len(src))
    data = stream_generator(seed, "data")
    curve = []
    for step in range(spec.steps):
        h = activations(Ws, features, spec.batch_size, data)[src]  # each source's batch, to all its SAEs
        loss, f = sae_loss(params, h, table["kind"], sparsity)
        if not bool(torch.isfinite(loss).all()):
            raise TrainingDiverged(f"SAE training diverged at step {step}: lower sae.lr or the penalties")
        opt.zero_grad(set_to_none=True)
        loss.sum().backward()
        opt.step()
        with torch.no_grad():
            params["theta"].clamp_(min=0)
        update_thresholds(threshold, f, table["kind"], first=step == 0)
        if step % 100 == 0 or step == spec.steps - 1:
            curve.append(loss.detach())
    final = {k: v.detach() for k, v in params.items()} | {"threshold": threshold}
    final["W_dec"] = final["W_dec"] / final["W_dec"].norm(dim=1, keepdim=True).clamp_min(1e-8)
    represented = (feature_norms(W) > REPRESENTED_NORM)[src]  # judged on the unscaled model
    measured = evaluate(final, Ws, features, table, sparsity, spec.eval_samples, stream_generator(seed, "eval"))
    measured["represented"] = represented
    scale = Ws.norm(dim=(1, 2)) / W.norm(dim=(1, 2)).clamp_min(1e-12)
    return {"params": final, "table": table, "scale": scale, "loss_curve": torch.stack(curve, 1), **measured}


@torch.no_grad()
def evaluate(
    params, Ws, features, table, sparsity, samples: int, generator, chunk: int = 2048
) -> dict[str, torch.Tensor]:
    """Per SAE: fraction of variance unexplained ``fvu`` and mean active latents ``l0`` on fresh
    samples of its source (in chunks), and each true feature's best atom cosine ``max_cos``
    (``max_cosines``). ``Ws [sources, n, m]`` are the (scaled) toy models, ``features`` their data."""
    src = torch.tensor(table["source"])
    inst, m = len(src), Ws.shape[-1]
    resid, sq, mean, active = torch.zeros(inst), torch.zeros(inst), torch.zeros(inst, m), torch.zeros(inst)
    for start in range(0, samples, chunk):
        size = min(chunk, samples - start)
        h = activations(Ws, features, size, generator)[src]
        f = encode(params, h, table["kind"], sparsity)
        resid += (decode(params, f) - h).square().sum((1, 2))
        sq += h.square().sum((1, 2))
        mean += h.sum(1)
        active += (f > 0).float().sum((1, 2))
    var = sq / samples - (mean / samples).square().sum(-1)
    return {"fvu": resid / samples / var, "l0": active / samples, "max_cos": max_cosines(params["W_dec"], Ws[src])}


def max_cosines(W_dec: torch.Tensor, W: torch.Tensor) -> torch.Tensor:
    """For each true feature W_i (rows of ``W [inst, n, m]``), the largest cosine with an atom
    (columns of ``W_dec [inst, m, d]``), ``[inst, n]``."""
    atoms = W_dec / W_dec.norm(dim=1, keepdim=True).clamp_min(1e-12)
    feats = W / W.norm(dim=-1, keepdim=True).clamp_min(1e-12)
    return torch.bmm(feats, atoms).amax(-1)


SAE_RUN = "sae_recovery"  # results/runs/sae_recovery/: the SAEs of every source density


def run_sae(config: dict, source) -> tuple[dict, dict]:
    """Train the SAEs of ``config["sae"]`` on ``source`` (the ``tms.core.io.Run`` named by
    ``config["sae"]["source"]``, a ReLU-output density sweep); the best replica at the sweep
    density nearest each of ``config["sae"]["densities"]`` is decoded. Returns the artefact."""
    import time

    entry = dict(config["sae"])
    name, wanted = entry.pop("source"), entry.pop("densities")
    spec = SAESpec(**{k: tuple(v) if isinstance(v, list) else v for k, v in entry.items()})
    if source.spec["model"] != "relu_output":
        raise ValueError(f"sae.source must be a relu_output run; {name} is {source.spec['model']}")
    best = source.best()
    have = torch.tensor(best.density)
    picks = [int((have.log() - math.log(d)).abs().argmin()) for d in wanted]
    W = best.W[picks]
    density = have[picks][:, None].expand(-1, W.shape[1]).contiguous()
    seed = int(config.get("seed", 0))
    start = time.perf_counter()
    out = train_saes(W, SparseFeatures(density), spec, seed)
    tensors = {
        **out["params"],
        "fvu": out["fvu"],
        "l0": out["l0"],
        "max_cos": out["max_cos"],
        "represented": out["represented"],
        "loss_curve": out["loss_curve"],
        "source_W": W,
        "scale": out["scale"],
    }
    table = dict(out["table"])
    table["density"] = [float(have[picks[s]]) for s in table["source"]]
    meta = {
        "experiment": {
            "name": SAE_RUN,
            "source": name,
            "densities": [float(have[p]) for p in picks],
            "seed": seed,
            "sae": {k: list(v) if isinstance(v, tuple) else v for k, v in vars(spec).items()},
            "recipe": {
                "optimizer": "adam",
                "lr": spec.lr,
                "weight_decay": 0.0,
                "init": "random unit atoms, W_enc = W_decᵀ",
                "loss_reduction": "sum over m, mean over batch, summed over SAEs",
            },
        },
        "instances": table,
        "device": "cpu",
        "train_seconds": round(time.perf_counter() - start, 2),
    }
    return tensors, meta
