"""Pieces every model shares: the loss weighting, the weight init, the chunked closed-form
driver (``Chunked``) and its reusable work buffers (``buffer``). The weight layout is described
in ``tms.core.weights``.
"""

from __future__ import annotations

import math

import torch

LOSS_REDUCTIONS = ("mean", "sum")
# Entries of x per chunk of instances in ``loss_and_grads`` (2 MiB of float32: its few
# intermediates of that size stay in cache; measured best of 2^17 ... 2^23 on a 2-core CPU).
CHUNK_ELEMENTS = 2**19
INITS = ("xavier_normal", "notebook")


def init_weight(inst: int, n: int, m: int, init: str, generator: torch.Generator | None) -> torch.Tensor:
    """Initial W of shape ``[inst, n, m]``.

    ``xavier_normal``: each instance's n×m matrix gets std sqrt(2 / (n + m)), independent of
    the number of instances. ``notebook``: ``torch.nn.init.xavier_normal_`` on the whole 3-D
    tensor as the authors' notebook does, whose scale depends on ``inst`` (docs/figures.md "Recipe" pitfall).
    """
    if init == "xavier_normal":
        std = math.sqrt(2.0 / (n + m))
    elif init == "notebook":
        std = math.sqrt(2.0 / (n * m + inst * m))
    else:
        raise ValueError(f"init must be one of {INITS}; got {init!r}")
    return torch.randn(inst, n, m, generator=generator) * std


def loss_scale(batch: int, n: int, reduction: str, weight: torch.Tensor | None = None) -> float:
    """The factor of Σ_batch Σ_feature I (…)² in the loss: 1/(batch n) (``"mean"``) or 1/batch
    (``"sum"``). With sample ``weight`` (``weighted``) the batch's share is in the weights, so
    1/n or 1."""
    if weight is not None:
        batch = 1
    if reduction == "mean":
        return 1.0 / (batch * n)
    if reduction == "sum":
        return 1.0 / batch
    raise ValueError(f"loss_reduction must be one of {LOSS_REDUCTIONS}; got {reduction!r}")


def weighted(t: torch.Tensor, weight: torch.Tensor | None) -> torch.Tensor:
    """Feature-major ``t [inst, n, batch]`` times each sample's ``weight [inst, batch]``, in place
    (``t`` itself without weights). A padded training set (``tms.core.data.FiniteFeatures.padded``)
    weighs its T real points 1/T and its padding 0, so its loss and gradients are those of the
    unpadded set's mean."""
    return t if weight is None else t.mul_(weight[:, None, :])


def weighted_mse(y: torch.Tensor, target: torch.Tensor, importance: torch.Tensor, reduction: str) -> torch.Tensor:
    """Per-instance loss ``[inst]`` for ``y, target: [inst, batch, n]``, ``importance: [inst, n]``."""
    scale = loss_scale(y.shape[1], y.shape[2], reduction)
    return ((y - target).square() * importance[:, None, :]).sum((1, 2)) * scale


class Chunked:
    """Shared driver of the closed-form fast path: subclasses give ``_loss_and_grads`` for one
    chunk of instances; ``loss_and_grads`` runs it over cache-sized chunks on CPU."""

    signed = False  # the data a model trains on: U[0, 1] features, or U[-1, 1] (``SparseFeatures.signed``)
    data = "sparse"  # sparse features (tms.core.data, tms.core.data.correlated); "gaussian" for tms.core.models.product

    def target(self, x: torch.Tensor) -> torch.Tensor:
        return x

    def out_features(self, n: int) -> int:
        """Width of the target (and of the importance weights) for n input features."""
        return n

    def loss_and_grads(self, params, x, importance, reduction="mean", need_loss=True, work=None, weight=None):
        """Closed-form per-instance loss ``[inst]`` (``None`` unless ``need_loss``) and the
        gradients of the summed loss (the derivation is in each model's ``_loss_and_grads``).

        Everything runs feature-major (``xᵀ [inst, n, batch]``, as ``SparseFeatures`` stores x):
        every bmm then has the long batch axis as its output columns or its contraction, which
        MKL runs 1.5–3× faster than the batch-major products for these thin n×m matrices.

        Instances are independent, so on CPU they are processed in chunks of about
        ``CHUNK_ELEMENTS`` entries of x: each chunk's intermediates stay in cache between the
        passes over them.

        ``work``: a dict the caller keeps across calls (the training loop does) to hold the
        ``[chunk, ·, batch]`` intermediates, so each step reuses memory instead of allocating it.

        ``weight``: ``[inst, batch]`` each sample's share of the loss in place of the batch mean
        (``weighted``); ``None`` for the mean.
        """
        inst, batch, n = x.shape
        size = max(1, CHUNK_ELEMENTS // (n * batch))
        if size >= inst or x.device.type != "cpu":  # a GPU wants few large kernels, not cache-sized ones
            return self._loss_and_grads(params, x, importance, reduction, need_loss, work, weight)
        grads = {name: torch.empty_like(p) for name, p in params.items()}
        losses = []
        for k in range(0, inst, size):
            part = slice(k, k + size)
            chunk = {name: p[part] for name, p in params.items()}
            part_weight = None if weight is None else weight[part]
            loss, g = self._loss_and_grads(chunk, x[part], importance[part], reduction, need_loss, work, part_weight)
            losses.append(loss)
            for name in grads:
                grads[name][part] = g[name]
        return (torch.cat(losses) if need_loss else None), grads


def buffer(work: dict | None, name: str, shape, like: torch.Tensor) -> torch.Tensor | None:
    """A tensor of ``shape`` kept in ``work`` under (name, shape), so that chunks of two sizes
    each keep theirs; ``None`` without ``work``."""
    if work is None:
        return None
    key = (name, tuple(shape))
    if key not in work:
        work[key] = torch.empty(shape, dtype=like.dtype, device=like.device)
    return work[key]
