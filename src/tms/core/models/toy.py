"""Toy models (paper §0 table "Models"), batched over independent instances.

Weight layout: see ``tms.core.weights`` (``W [inst, n, m]``, row i = feature i's W_i).

Every model gives its forward pass (used with autograd as the reference) and a closed-form
loss and gradient (the fast path of the trainer). Both compute, per instance,
``L = reduce_{batch, feature} I_f (t_f - x'_f)^2`` (target t = ``model.target(x)``: x, or |x|
for the abs-value model) where ``reduce`` is a mean over batch and
features (``"mean"``, the authors' notebook) or a mean over batch and a sum over features
(``"sum"``, the paper's formula). Instances are independent: their losses are summed.
"""

from __future__ import annotations

import torch

from tms.core.models.common import Chunked, buffer, init_weight, loss_scale, weighted


class ReLUOutput(Chunked):
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

    def _loss_and_grads(self, params, x, importance, reduction, need_loss, work, weight):
        """With h = xW, out = hWᵀ + b, r = x' − x and g = r where the ReLU is on (0 elsewhere),
        and c = 2 · scale · I the per-feature loss weight:
        dL/db = c ⊙ Σ_batch g and dL/dW = xᵀ(g (c ⊙ W)) + c ⊙ (gᵀh). Folding c into the small
        n×m factors spares a pass over the batch; three bmm's replace forming xᵀg (n×n)."""
        W, b = params["W"], params["b"]
        inst, batch, n = x.shape
        xt = x.transpose(1, 2)  # [inst, n, batch]; contiguous for SparseFeatures' samples
        scale = loss_scale(batch, n, reduction, weight)
        Wt = W.transpose(1, 2)
        ht = torch.bmm(Wt, xt, out=buffer(work, "ht", (inst, W.shape[2], batch), x))
        out = torch.baddbmm(b[:, :, None], W, ht, out=buffer(work, "out", xt.shape, x))
        loss = None
        if need_loss:
            r = (out.clamp(min=0) if self.relu else out) - xt
            loss = weighted(r * r, weight).sum(2).mul_(importance).sum(1) * scale
        if self.relu:  # g = x' − x where the ReLU is on, else 0 (ReLU'(0) = 0 as in torch), in two passes
            r = torch.sub(out, xt, out=buffer(work, "r", xt.shape, x))
            g = torch.ops.aten.threshold_backward.grad_input(r, out, 0, grad_input=out)
        else:
            g = out.sub_(xt)
        g = weighted(g, weight)
        c = (2 * scale) * importance
        grad_b = g.sum(2).mul_(c)
        a = torch.bmm((W * c[:, :, None]).transpose(1, 2), g, out=buffer(work, "a", ht.shape, x))  # (g(c⊙W))ᵀ
        grad_W = torch.bmm(xt, a.transpose(1, 2))
        grad_W.addcmul_(torch.bmm(g, ht.transpose(1, 2)), c[:, :, None])
        return loss, {"W": grad_W, "b": grad_b}


class ReLUHidden(Chunked):
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

    def _loss_and_grads(self, params, x, importance, reduction, need_loss, work, weight):
        """As ``ReLUOutput`` with the hidden ReLU's mask on the back-propagated a = (c ⊙ W)ᵀg:
        dL/dW = xᵀ(a ⊙ [h > 0])ᵀ + c ⊙ (g hᵀ), dL/db = c ⊙ Σ_batch g (h = ReLU(Wᵀxᵀ) feature-major)."""
        W, b = params["W"], params["b"]
        inst, batch, n = x.shape
        xt = x.transpose(1, 2)
        scale = loss_scale(batch, n, reduction, weight)
        ht = torch.bmm(W.transpose(1, 2), xt, out=buffer(work, "ht", (inst, W.shape[2], batch), x)).relu_()
        out = torch.baddbmm(b[:, :, None], W, ht, out=buffer(work, "out", xt.shape, x))
        loss = None
        if need_loss:
            r = out.clamp(min=0) - xt
            loss = weighted(r * r, weight).sum(2).mul_(importance).sum(1) * scale
        r = torch.sub(out, xt, out=buffer(work, "r", xt.shape, x))
        g = torch.ops.aten.threshold_backward.grad_input(r, out, 0, grad_input=out)
        g = weighted(g, weight)
        c = (2 * scale) * importance
        grad_b = g.sum(2).mul_(c)
        a = torch.bmm((W * c[:, :, None]).transpose(1, 2), g, out=buffer(work, "a", ht.shape, x))  # dL/dh
        a = torch.ops.aten.threshold_backward.grad_input(a, ht, 0, grad_input=a)  # h > 0 iff Wᵀx > 0
        grad_W = torch.bmm(xt, a.transpose(1, 2))
        grad_W.addcmul_(torch.bmm(g, ht.transpose(1, 2)), c[:, :, None])
        return loss, {"W": grad_W, "b": grad_b}


class AbsValue(Chunked):
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

    def _loss_and_grads(self, params, x, importance, reduction, need_loss, work, weight):
        """With h = ReLU(W₁ᵀxᵀ), out = W₂h + b, g = out − |x| where the output ReLU is on and
        a = (c ⊙ W₂)ᵀg masked by h > 0: dL/dW₂ = c ⊙ (g hᵀ), dL/db = c ⊙ Σ_batch g,
        dL/dW₁ = xᵀaᵀ (all feature-major, as ``ReLUOutput``)."""
        W1, W2, b = params["W1"], params["W2"], params["b"]
        inst, batch, n = x.shape
        xt = x.transpose(1, 2)
        scale = loss_scale(batch, n, reduction, weight)
        ht = torch.bmm(W1.transpose(1, 2), xt, out=buffer(work, "ht", (inst, W1.shape[2], batch), x)).relu_()
        out = torch.baddbmm(b[:, :, None], W2, ht, out=buffer(work, "out", xt.shape, x))
        r = torch.abs(xt, out=buffer(work, "r", xt.shape, x)).neg_().add_(out)  # out − |x|
        loss = None
        if need_loss:
            y = out.clamp(min=0).sub_(out).add_(r)  # ReLU(out) − |x|
            loss = weighted(y * y, weight).sum(2).mul_(importance).sum(1) * scale
        g = torch.ops.aten.threshold_backward.grad_input(r, out, 0, grad_input=out)
        g = weighted(g, weight)
        c = (2 * scale) * importance
        grad_b = g.sum(2).mul_(c)
        a = torch.bmm((W2 * c[:, :, None]).transpose(1, 2), g, out=buffer(work, "a", ht.shape, x))
        a = torch.ops.aten.threshold_backward.grad_input(a, ht, 0, grad_input=a)
        grad_W1 = torch.bmm(xt, a.transpose(1, 2))
        grad_W2 = torch.bmm(g, ht.transpose(1, 2)).mul_(c[:, :, None])
        return loss, {"W1": grad_W1, "W2": grad_W2, "b": grad_b}
