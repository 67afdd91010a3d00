"""Toy models (paper §0 table "Models"), batched over independent instances.

Weight layout, used everywhere in the package:

* ``W``: ``[inst, n, m]``; row ``W[k, i]`` is feature i's embedding W_i in the hidden space of
  instance k. (The paper writes W as m×n with columns W_i; ours is its per-instance transpose,
  so the paper's WᵀW is ``W @ W.transpose(-1, -2)``.)
* ``b``: ``[inst, n]`` output bias.

Every model gives its forward pass (used with autograd as the reference) and a closed-form
loss and gradient (the fast path of the trainer). Both compute, per instance,
``L = reduce_{batch, feature} I_f (t_f - x'_f)^2`` (target t = ``model.target(x)``: x, or |x|
for the abs-value model) where ``reduce`` is a mean over batch and
features (``"mean"``, the authors' notebook) or a mean over batch and a sum over features
(``"sum"``, the paper's formula). Instances are independent: their losses are summed.
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
    tensor as the authors' notebook does, whose scale depends on ``inst`` (FIGURES.md §0 pitfall).
    """
    if init == "xavier_normal":
        std = math.sqrt(2.0 / (n + m))
    elif init == "notebook":
        std = math.sqrt(2.0 / (n * m + inst * m))
    else:
        raise ValueError(f"init must be one of {INITS}; got {init!r}")
    return torch.randn(inst, n, m, generator=generator) * std


def _loss_scale(batch: int, n: int, reduction: str) -> float:
    if reduction == "mean":
        return 1.0 / (batch * n)
    if reduction == "sum":
        return 1.0 / batch
    raise ValueError(f"loss_reduction must be one of {LOSS_REDUCTIONS}; got {reduction!r}")


def weighted_mse(y: torch.Tensor, target: torch.Tensor, importance: torch.Tensor, reduction: str) -> torch.Tensor:
    """Per-instance loss ``[inst]`` for ``y, target: [inst, batch, n]``, ``importance: [inst, n]``."""
    scale = _loss_scale(y.shape[1], y.shape[2], reduction)
    return ((y - target).square() * importance[:, None, :]).sum((1, 2)) * scale


class _Chunked:
    """Shared driver of the closed-form fast path: subclasses give ``_loss_and_grads`` for one
    chunk of instances; ``loss_and_grads`` runs it over cache-sized chunks on CPU."""

    signed = False  # the data a model trains on: U[0, 1] features, or U[-1, 1] (``SparseFeatures.signed``)
    data = "sparse"  # sparse features (tms.data, tms.correlated); "gaussian" for tms.product

    def target(self, x: torch.Tensor) -> torch.Tensor:
        return x

    def out_features(self, n: int) -> int:
        """Width of the target (and of the importance weights) for n input features."""
        return n

    def loss_and_grads(self, params, x, importance, reduction="mean", need_loss=True, work=None):
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
        """
        inst, batch, n = x.shape
        size = max(1, CHUNK_ELEMENTS // (n * batch))
        if size >= inst or x.device.type != "cpu":  # a GPU wants few large kernels, not cache-sized ones
            return self._loss_and_grads(params, x, importance, reduction, need_loss, work)
        grads = {name: torch.empty_like(p) for name, p in params.items()}
        losses = []
        for k in range(0, inst, size):
            part = slice(k, k + size)
            chunk = {name: p[part] for name, p in params.items()}
            loss, g = self._loss_and_grads(chunk, x[part], importance[part], reduction, need_loss, work)
            losses.append(loss)
            for name in grads:
                grads[name][part] = g[name]
        return (torch.cat(losses) if need_loss else None), grads


class ReLUOutput(_Chunked):
    """x' = ReLU(WᵀW x + b) (``relu=True``) or the linear model x' = WᵀW x + b."""

    param_names = ("W", "b")

    def __init__(self, relu: bool = True):
        self.relu = relu
        self.name = "relu_output" if relu else "linear"

    def init_params(self, inst: int, n: int, m: int, init: str, generator=None) -> dict[str, torch.Tensor]:
        return {"W": init_weight(inst, n, m, init, generator), "b": torch.zeros(inst, n)}

    def forward(self, params: dict[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
        """``x: [inst, batch, n]`` -> ``x': [inst, batch, n]``."""
        W, b = params["W"], params["b"]
        out = torch.baddbmm(b[:, None, :], torch.bmm(x, W), W.transpose(1, 2))
        return torch.relu(out) if self.relu else out

    def _loss_and_grads(self, params, x, importance, reduction, need_loss, work):
        """With h = xW, out = hWᵀ + b, r = x' − x and g = r where the ReLU is on (0 elsewhere),
        and c = 2 · scale · I the per-feature loss weight:
        dL/db = c ⊙ Σ_batch g and dL/dW = xᵀ(g (c ⊙ W)) + c ⊙ (gᵀh). Folding c into the small
        n×m factors spares a pass over the batch; three bmm's replace forming xᵀg (n×n)."""
        W, b = params["W"], params["b"]
        inst, batch, n = x.shape
        xt = x.transpose(1, 2)  # [inst, n, batch]; contiguous for SparseFeatures' samples
        scale = _loss_scale(batch, n, reduction)
        Wt = W.transpose(1, 2)
        ht = torch.bmm(Wt, xt, out=_buffer(work, "ht", (inst, W.shape[2], batch), x))
        out = torch.baddbmm(b[:, :, None], W, ht, out=_buffer(work, "out", xt.shape, x))
        loss = None
        if need_loss:
            r = (out.clamp(min=0) if self.relu else out) - xt
            loss = (r * r).sum(2).mul_(importance).sum(1) * scale
        if self.relu:  # g = x' − x where the ReLU is on, else 0 (ReLU'(0) = 0 as in torch), in two passes
            r = torch.sub(out, xt, out=_buffer(work, "r", xt.shape, x))
            g = torch.ops.aten.threshold_backward.grad_input(r, out, 0, grad_input=out)
        else:
            g = out.sub_(xt)
        c = (2 * scale) * importance
        grad_b = g.sum(2).mul_(c)
        a = torch.bmm((W * c[:, :, None]).transpose(1, 2), g, out=_buffer(work, "a", ht.shape, x))  # (g(c⊙W))ᵀ
        grad_W = torch.bmm(xt, a.transpose(1, 2))
        grad_W.addcmul_(torch.bmm(g, ht.transpose(1, 2)), c[:, :, None])
        return loss, {"W": grad_W, "b": grad_b}


class ReLUHidden(_Chunked):
    """The tied model with a privileged hidden basis (paper #privileged-basis):
    h = ReLU(W x), x' = ReLU(Wᵀh + b), no hidden bias. The hidden ReLU makes the neuron basis
    special: rotating W no longer leaves the model unchanged, unlike ``ReLUOutput``."""

    name = "relu_hidden"
    param_names = ("W", "b")

    def init_params(self, inst: int, n: int, m: int, init: str, generator=None) -> dict[str, torch.Tensor]:
        return {"W": init_weight(inst, n, m, init, generator), "b": torch.zeros(inst, n)}

    def forward(self, params: dict[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
        """``x: [inst, batch, n]`` -> ``x': [inst, batch, n]``."""
        W, b = params["W"], params["b"]
        h = torch.relu(torch.bmm(x, W))  # [inst, batch, m]
        return torch.relu(torch.baddbmm(b[:, None, :], h, W.transpose(1, 2)))

    def _loss_and_grads(self, params, x, importance, reduction, need_loss, work):
        """As ``ReLUOutput`` with the hidden ReLU's mask on the back-propagated a = (c ⊙ W)ᵀg:
        dL/dW = xᵀ(a ⊙ [h > 0])ᵀ + c ⊙ (g hᵀ), dL/db = c ⊙ Σ_batch g (h = ReLU(Wᵀxᵀ) feature-major)."""
        W, b = params["W"], params["b"]
        inst, batch, n = x.shape
        xt = x.transpose(1, 2)
        scale = _loss_scale(batch, n, reduction)
        ht = torch.bmm(W.transpose(1, 2), xt, out=_buffer(work, "ht", (inst, W.shape[2], batch), x)).relu_()
        out = torch.baddbmm(b[:, :, None], W, ht, out=_buffer(work, "out", xt.shape, x))
        loss = None
        if need_loss:
            r = out.clamp(min=0) - xt
            loss = (r * r).sum(2).mul_(importance).sum(1) * scale
        r = torch.sub(out, xt, out=_buffer(work, "r", xt.shape, x))
        g = torch.ops.aten.threshold_backward.grad_input(r, out, 0, grad_input=out)
        c = (2 * scale) * importance
        grad_b = g.sum(2).mul_(c)
        a = torch.bmm((W * c[:, :, None]).transpose(1, 2), g, out=_buffer(work, "a", ht.shape, x))  # dL/dh
        a = torch.ops.aten.threshold_backward.grad_input(a, ht, 0, grad_input=a)  # h > 0 iff Wᵀx > 0
        grad_W = torch.bmm(xt, a.transpose(1, 2))
        grad_W.addcmul_(torch.bmm(g, ht.transpose(1, 2)), c[:, :, None])
        return loss, {"W": grad_W, "b": grad_b}


class AbsValue(_Chunked):
    """The untied abs-value model (paper #computation): h = ReLU(W₁x), y' = ReLU(W₂h + b),
    trained on signed features (U[-1, 1] when active) towards the target |x|.

    Layout: ``W1 [inst, n, m]`` (row i: feature i's input weights into the m neurons, as ``W``
    elsewhere), ``W2 [inst, n, m]`` (row i: output i's weights from the m neurons, the paper's
    n×m W₂), ``b [inst, n]``.
    """

    name = "abs_value"
    param_names = ("W1", "W2", "b")
    signed = True

    def init_params(self, inst: int, n: int, m: int, init: str, generator=None) -> dict[str, torch.Tensor]:
        W1 = init_weight(inst, n, m, init, generator)
        return {"W1": W1, "W2": init_weight(inst, n, m, init, generator), "b": torch.zeros(inst, n)}

    def target(self, x: torch.Tensor) -> torch.Tensor:
        return x.abs()

    def forward(self, params: dict[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
        """``x: [inst, batch, n]`` -> ``y': [inst, batch, n]``."""
        h = torch.relu(torch.bmm(x, params["W1"]))
        return torch.relu(torch.baddbmm(params["b"][:, None, :], h, params["W2"].transpose(1, 2)))

    def _loss_and_grads(self, params, x, importance, reduction, need_loss, work):
        """With h = ReLU(W₁ᵀxᵀ), out = W₂h + b, g = out − |x| where the output ReLU is on and
        a = (c ⊙ W₂)ᵀg masked by h > 0: dL/dW₂ = c ⊙ (g hᵀ), dL/db = c ⊙ Σ_batch g,
        dL/dW₁ = xᵀaᵀ (all feature-major, as ``ReLUOutput``)."""
        W1, W2, b = params["W1"], params["W2"], params["b"]
        inst, batch, n = x.shape
        xt = x.transpose(1, 2)
        scale = _loss_scale(batch, n, reduction)
        ht = torch.bmm(W1.transpose(1, 2), xt, out=_buffer(work, "ht", (inst, W1.shape[2], batch), x)).relu_()
        out = torch.baddbmm(b[:, :, None], W2, ht, out=_buffer(work, "out", xt.shape, x))
        r = torch.abs(xt, out=_buffer(work, "r", xt.shape, x)).neg_().add_(out)  # out − |x|
        loss = None
        if need_loss:
            y = out.clamp(min=0).sub_(out).add_(r)  # ReLU(out) − |x|
            loss = (y * y).sum(2).mul_(importance).sum(1) * scale
        g = torch.ops.aten.threshold_backward.grad_input(r, out, 0, grad_input=out)
        c = (2 * scale) * importance
        grad_b = g.sum(2).mul_(c)
        a = torch.bmm((W2 * c[:, :, None]).transpose(1, 2), g, out=_buffer(work, "a", ht.shape, x))
        a = torch.ops.aten.threshold_backward.grad_input(a, ht, 0, grad_input=a)
        grad_W1 = torch.bmm(xt, a.transpose(1, 2))
        grad_W2 = torch.bmm(g, ht.transpose(1, 2)).mul_(c[:, :, None])
        return loss, {"W1": grad_W1, "W2": grad_W2, "b": grad_b}


def _buffer(work: dict | None, name: str, shape, like: torch.Tensor) -> torch.Tensor | None:
    """A tensor of ``shape`` kept in ``work`` under (name, shape), so that chunks of two sizes
    each keep theirs; ``None`` without ``work``."""
    if work is None:
        return None
    key = (name, tuple(shape))
    if key not in work:
        work[key] = torch.empty(shape, dtype=like.dtype, device=like.device)
    return work[key]


def _product():
    from tms.product import ProductMLP  # it builds on this module

    return ProductMLP()


MODELS = {
    "relu_output": lambda: ReLUOutput(relu=True),
    "linear": lambda: ReLUOutput(relu=False),
    "relu_hidden": ReLUHidden,
    "abs_value": AbsValue,
    "product": _product,
}


def make_model(name: str):
    """The model called ``name`` (one of ``MODELS``)."""
    if name not in MODELS:
        raise ValueError(f"model must be one of {tuple(MODELS)}; got {name!r}")
    return MODELS[name]()
