"""Sparse autoencoders on a toy model's hidden activations: decoding superposition after the fact.

The toy model h = W x (``W [n, m]`` of a trained ReLU-output model, x its sparse features) stores
n features in m dimensions; the true feature directions are the rows W_i. A sparse autoencoder
(dictionary learning) with d latents reads h back as a sparse code:

    f = σ(W_enc (h − b_dec) + b_enc)          W_enc [d, m], b_enc [d]
    ĥ = W_dec f + b_dec                       W_dec [m, d] with unit-norm columns (the atoms)

with σ one of (``KINDS``):

- ``relu_l1``: σ = ReLU, loss ‖h − ĥ‖² + λ ‖f‖₁ (atoms kept unit norm, so λ cannot be cheated);
- ``topk``: σ keeps the k largest pre-activations (ReLU'd), loss ‖h − ĥ‖²;
- ``jumprelu``: σ(z) = z · H(z − θ) with a learned threshold θ [d] per latent, loss
  ‖h − ĥ‖² + λ ‖f‖₀, the step's gradient taken by a straight-through estimator with a rectangle
  kernel of width ``JUMP_BANDWIDTH`` (the JumpReLU SAE recipe);
- ``batchtopk``: in training σ keeps the k·B largest ReLU'd pre-activations of a batch of B
  (k per input on average, Bussmann et al. 2024), loss ‖h − ĥ‖²; at evaluation one threshold per
  SAE, the running mean of the smallest kept activation (``threshold``), so a code does not
  depend on the rest of its batch;
- ``matryoshka``: BatchTopK codes, loss the mean of ‖h − ĥ_p‖² over nested prefixes of the
  dictionary (ĥ_p decodes only the first p latents; p = d/8, d/4, d/2, d), so early latents must
  reconstruct on their own and keep the general features (Bussmann et al. 2025).

This module defines the kinds: the spec, the codes, the decoder and the training loss of a batch
of SAEs (one per instance, the leading axis; the kinds in contiguous blocks, ``SAESpec.table``).
Training them on a toy model's activations and measuring how well they recover its features is
``tms.core.sae_training``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from tms.core.validation import check_positive_int

KINDS = ("relu_l1", "topk", "jumprelu", "batchtopk", "matryoshka")
BATCH_KINDS = ("batchtopk", "matryoshka")  # batch-level top-k in training, a threshold at evaluation
K_KINDS = ("topk", *BATCH_KINDS)  # the kinds whose sparsity setting is k
MATRYOSHKA_PREFIXES = (8, 4, 2, 1)  # the nested prefixes: d/8, d/4, d/2 and d latents
THRESHOLD_DECAY = 0.99  # running mean of a batch kind's smallest kept activation
JUMP_BANDWIDTH = 0.05  # width of the rectangle kernel of the JumpReLU threshold's pseudo-gradient
JUMP_INIT = 0.05  # initial threshold θ


@dataclass(frozen=True)
class SAESpec:
    """What to train: one SAE per (kind, sparsity, source instance) triple, in that order (each
    kind a contiguous block of instances)."""

    dictionary: int
    kinds: tuple[str, ...]
    l1: tuple[float, ...]  # relu_l1 penalties λ
    k: tuple[int, ...]  # k of topk, batchtopk and matryoshka
    l0: tuple[float, ...]  # jumprelu penalties λ
    steps: int = 3000
    batch_size: int = 1024
    lr: float = 1e-3
    eval_samples: int = 20_000

    def __post_init__(self):
        if not self.kinds or any(kind not in KINDS for kind in self.kinds):
            raise ValueError(f"sae.kinds must be a non-empty list of {KINDS}; got {self.kinds}")
        for name, values in (("l1", self.l1), ("l0", self.l0)):
            if not all(isinstance(v, (int, float)) and v >= 0 and math.isfinite(v) for v in values):
                raise ValueError(f"sae.{name} must hold finite penalties >= 0; got {values}")
        if not all(isinstance(v, int) and 1 <= v <= self.dictionary for v in self.k):
            raise ValueError(f"sae.k must hold integers in [1, dictionary={self.dictionary}]; got {self.k}")
        for name in ("dictionary", "steps", "batch_size", "eval_samples"):
            check_positive_int(f"sae.{name}", getattr(self, name))
        for kind in self.kinds:
            if not self.settings(kind):
                raise ValueError(f"sae.kinds has {kind!r} but its sparsity list is empty")

    def settings(self, kind: str) -> tuple:
        return self.k if kind in K_KINDS else {"relu_l1": self.l1, "jumprelu": self.l0}[kind]

    def table(self, sources: int) -> dict[str, list]:
        """Per SAE instance: ``source`` (index of the toy-model instance), ``kind``, ``sparsity``."""
        rows = [(s, kind, v) for kind in self.kinds for v in self.settings(kind) for s in range(sources)]
        return {"source": [r[0] for r in rows], "kind": [r[1] for r in rows], "sparsity": [float(r[2]) for r in rows]}


def step_ste(z: torch.Tensor, theta: torch.Tensor) -> torch.Tensor:
    """H(z − θ) forward; backward to θ through the rectangle kernel, nothing to z."""

    class Step(torch.autograd.Function):
        @staticmethod
        def forward(ctx, z, theta):
            ctx.save_for_backward(z, theta)
            return (z > theta).to(z.dtype)

        @staticmethod
        def backward(ctx, grad):
            z, theta = ctx.saved_tensors
            kernel = ((z - theta).abs() < JUMP_BANDWIDTH / 2).to(z.dtype) / JUMP_BANDWIDTH
            return None, (-grad * kernel).sum_to_size(theta.shape)

    return Step.apply(z, theta)


def jump_ste(z: torch.Tensor, theta: torch.Tensor) -> torch.Tensor:
    """z · H(z − θ): gradient to z where the latent is on, to θ by the kernel estimate."""

    class Jump(torch.autograd.Function):
        @staticmethod
        def forward(ctx, z, theta):
            ctx.save_for_backward(z, theta)
            return z * (z > theta).to(z.dtype)

        @staticmethod
        def backward(ctx, grad):
            z, theta = ctx.saved_tensors
            on = (z > theta).to(z.dtype)
            kernel = ((z - theta).abs() < JUMP_BANDWIDTH / 2).to(z.dtype) / JUMP_BANDWIDTH
            return grad * on, (-grad * theta * kernel).sum_to_size(theta.shape)

    return Jump.apply(z, theta)


def _pre(params: dict, h: torch.Tensor) -> torch.Tensor:
    """Encoder pre-activations ``z [inst, batch, d]``."""
    return torch.baddbmm(params["b_enc"][:, None, :], h - params["b_dec"][:, None, :], params["W_enc"].transpose(1, 2))


def _blocks(kinds: list[str]) -> list[tuple[str, slice]]:
    """Each kind's contiguous block of instances (``SAESpec.table`` order)."""
    out, start = [], 0
    for k in range(1, len(kinds) + 1):
        if k == len(kinds) or kinds[k] != kinds[start]:
            out.append((kinds[start], slice(start, k)))
            start = k
    return out


def _split(kinds: list[str], params: dict, *tensors: torch.Tensor) -> list[tuple]:
    """Per block of ``_blocks``: its kind, its parameters and its part of each of ``tensors``.
    Split, not sliced: the backward of a split is one concatenation, while each slice's backward
    would fill a zero tensor of the whole batch of SAEs."""
    blocks = _blocks(kinds)
    sizes = [part.stop - part.start for _, part in blocks]
    pieces = {k: v.split(sizes) for k, v in params.items()}
    parts = [t.split(sizes) for t in tensors]
    return [(kind, {k: v[b] for k, v in pieces.items()}, *(p[b] for p in parts)) for b, (kind, _) in enumerate(blocks)]


def _code(kind: str, p: dict, z: torch.Tensor, sparsity: torch.Tensor, train: bool) -> torch.Tensor:
    """Codes ``f [inst, batch, d]`` of one block of SAEs of ``kind`` from pre-activations ``z``."""
    if kind == "topk":
        return top_k(torch.relu(z), sparsity.long())
    if kind in BATCH_KINDS and train:
        return batch_top_k(torch.relu(z), sparsity.long())
    if kind in BATCH_KINDS:
        return z * (z > p["threshold"][:, None, None].clamp_min(0))
    if kind == "jumprelu":
        return jump_ste(z, p["theta"][:, None, :])
    return torch.relu(z)


def encode(
    params: dict,
    h: torch.Tensor,
    kinds: list[str],
    sparsity: torch.Tensor,
    z: torch.Tensor | None = None,
    train: bool = False,
) -> torch.Tensor:
    """Codes ``f [inst, batch, d]`` of activations ``h [inst, batch, m]`` (``z``: their
    pre-activations, if already computed). ``train`` selects the batch kinds' training code (the
    batch's top k·B) over their evaluation code (the threshold)."""
    z = _pre(params, h) if z is None else z
    return torch.cat([_code(kind, p, zb, sb, train) for kind, p, zb, sb in _split(kinds, params, z, sparsity)])


def batch_top_k(values: torch.Tensor, ks: torch.Tensor) -> torch.Tensor:
    """Keep each instance's ``ks[i] · batch`` largest entries of ``values [inst, batch, d]`` (ReLU'd):
    everything above the instance's order statistic (a selection, cheaper than a top-k that large)."""
    flat = values.detach().flatten(1)
    size = flat.shape[1]
    cut = torch.stack(
        [flat[i].kthvalue(max(size - int(k) * values.shape[1], 1)).values for i, k in enumerate(ks.tolist())]
    )
    return values * (values > cut[:, None, None])


def top_k(values: torch.Tensor, ks: torch.Tensor) -> torch.Tensor:
    """Keep each instance's ``ks[i]`` largest entries along the last axis of ``values [inst, ..., L]``
    (ReLU'd, so never negative), zeros elsewhere."""
    kept, index = values.topk(int(ks.max()), dim=-1)
    rank = torch.arange(kept.shape[-1], device=values.device)
    keep = rank < ks.view(-1, *([1] * (values.dim() - 1)))
    return torch.zeros_like(values).scatter(-1, index, kept * keep)


def decode(params: dict, f: torch.Tensor) -> torch.Tensor:
    """``ĥ [inst, batch, m]`` from codes ``f [inst, batch, d]`` (unit-norm atoms)."""
    W_dec = params["W_dec"] / params["W_dec"].norm(dim=1, keepdim=True).clamp_min(1e-8)
    return torch.baddbmm(params["b_dec"][:, None, :], f, W_dec.transpose(1, 2))


def sae_loss(
    params: dict, h: torch.Tensor, kinds: list[str], sparsity: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-SAE training loss ``[inst]``: squared error (summed over m, mean over the batch) plus
    λ‖f‖₁ (relu_l1) or λ‖f‖₀ through the step's straight-through estimate (jumprelu); the
    matryoshka kind's error is the mean over its nested prefixes. Also the training codes ``f``
    (detached)."""
    z = _pre(params, h)
    terms, codes = [], []
    for kind, p, zb, hb, sb in _split(kinds, params, z, h, sparsity):
        f = _code(kind, p, zb, sb, train=True)
        if kind == "matryoshka":
            loss = prefix_errors(p, f, hb).mean(0)
        else:
            loss = (decode(p, f) - hb).square().sum(-1).mean(-1)
        if kind == "relu_l1":
            loss = loss + f.sum(-1).mean(-1) * sb
        elif kind == "jumprelu":
            loss = loss + step_ste(zb, p["theta"][:, None, :]).sum(-1).mean(-1) * sb
        terms.append(loss)
        codes.append(f.detach())
    return torch.cat(terms), torch.cat(codes)


def prefix_errors(params: dict, f: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
    """Squared errors ``[prefixes, inst]`` of reconstructions from the first d/8, d/4, d/2 and d
    latents (``MATRYOSHKA_PREFIXES``): each group's decoded part is added to the previous prefix's."""
    d = f.shape[-1]
    W_dec = params["W_dec"] / params["W_dec"].norm(dim=1, keepdim=True).clamp_min(1e-8)
    recon = params["b_dec"][:, None, :].expand_as(h)
    errors, start = [], 0
    for divisor in MATRYOSHKA_PREFIXES:
        stop = max(d // divisor, 1)
        if stop > start:
            recon = recon + torch.bmm(f[..., start:stop], W_dec[..., start:stop].transpose(1, 2))
            start = stop
        errors.append((recon - h).square().sum(-1).mean(-1))
    return torch.stack(errors)


@torch.no_grad()
def update_thresholds(threshold: torch.Tensor, f: torch.Tensor, kinds: list[str], first: bool) -> None:
    """Move each batch-kind SAE's evaluation threshold toward the smallest activation its batch
    kept (a running mean; the first step sets it)."""
    for kind, part in _blocks(kinds):
        if kind in BATCH_KINDS:
            smallest = f[part].masked_fill(f[part] <= 0, math.inf).flatten(1).amin(1)
            smallest = torch.where(torch.isfinite(smallest), smallest, threshold[part])
            threshold[part] = (
                smallest if first else THRESHOLD_DECAY * threshold[part] + (1 - THRESHOLD_DECAY) * smallest
            )
