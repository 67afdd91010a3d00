"""Polysemantic neurons without superposition: a small ReLU MLP computing x·y.

Inputs (x, y) are standard normal; a hidden layer of m ReLU neurons with biases and a linear
output approximate the product x·y. Two inputs and m = 4 neurons: there is no superposition
(fewer features than neurons), yet the neurons are not aligned with the input basis — the product
is (x + y)²/4 − (x − y)²/4, and a ReLU pair along a direction u gives |u·(x, y)|, so neurons
along the diagonals x ± y, each driven by both inputs, are what the computation needs.

Layout (instance-first, as every model of ``tms.models``): ``W1 [inst, 2, m]`` (row i: input i's
weights into the m neurons), ``b1 [inst, m]``, ``W2 [inst, m]`` (each neuron's output weight),
``b2 [inst]``. Loss: mean over the batch of (y' − x·y)² per instance, summed over instances.
"""

from __future__ import annotations

import math

import torch

from tms.models import _buffer, _Chunked, _loss_scale, init_weight


class GaussianInputs:
    """Standard-normal inputs ``[inst, batch, n]`` (stored feature-major, like ``SparseFeatures``)."""

    signed = True

    def __init__(self, inst: int, n: int):
        if inst < 1 or n < 1:
            raise ValueError(f"GaussianInputs needs inst >= 1 and n >= 1; got {inst}, {n}")
        self.density = torch.ones(inst, n)

    @property
    def shape(self) -> tuple[int, int]:
        return tuple(self.density.shape)

    def to(self, device) -> "GaussianInputs":
        out = GaussianInputs(*self.shape)
        out.density = self.density.to(device)
        return out

    def batch(self, batch: int) -> torch.Tensor:
        inst, n = self.shape
        return torch.empty(inst, n, batch, device=self.density.device)

    def sample(self, batch: int, generator: torch.Generator | None = None, out: torch.Tensor | None = None) -> torch.Tensor:
        """``x [inst, batch, n]`` (a transposed view of a feature-major buffer)."""
        inst, n = self.shape
        xt = out if out is not None else self.batch(batch)
        torch.randn(inst, n, batch, generator=generator, out=xt)
        return xt.transpose(1, 2)


class ProductMLP(_Chunked):
    """y' = W2 · ReLU(W1ᵀ(x, y) + b1) + b2, trained towards the product of its two inputs."""

    name = "product"
    param_names = ("W1", "b1", "W2", "b2")
    signed = True
    data = "gaussian"

    def out_features(self, n: int) -> int:
        return 1

    def init_params(self, inst: int, n: int, m: int, init: str, generator=None) -> dict[str, torch.Tensor]:
        if n != 2:
            raise ValueError(f"the product model multiplies two inputs: n_features must be 2; got {n}")
        W1 = init_weight(inst, n, m, init, generator)
        W2 = torch.randn(inst, m, generator=generator) * math.sqrt(2.0 / (m + 1))
        return {"W1": W1, "b1": torch.zeros(inst, m), "W2": W2, "b2": torch.zeros(inst)}

    def target(self, x: torch.Tensor) -> torch.Tensor:
        """``[inst, batch, 1]``: x·y."""
        return x[..., :1] * x[..., 1:2]

    def hidden(self, params: dict[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
        """Neuron activations ``[inst, batch, m]``."""
        return torch.relu(torch.baddbmm(params["b1"][:, None, :], x, params["W1"]))

    def forward(self, params: dict[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
        """``x: [inst, batch, 2]`` -> ``y': [inst, batch, 1]``."""
        h = self.hidden(params, x)
        return (h @ params["W2"][:, :, None]) + params["b2"][:, None, None]

    def _loss_and_grads(self, params, x, importance, reduction, need_loss, work):
        """With pre = xW1 + b1, h = ReLU(pre), r = hW2 + b2 − xy and c = 2·scale·I:
        dL/dW2 = c hᵀr, dL/db2 = c Σ r, a = c r W2ᵀ masked by pre > 0, dL/dW1 = xᵀa, dL/db1 = Σ a."""
        W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
        inst, batch, n = x.shape
        scale = _loss_scale(batch, 1, reduction)
        h = torch.baddbmm(b1[:, None, :], x, W1, out=_buffer(work, "h", (inst, batch, W1.shape[2]), x)).relu_()
        r = torch.bmm(h, W2[:, :, None]).squeeze(2).add_(b2[:, None]).sub_(x[..., 0] * x[..., 1])  # [inst, batch]
        loss = r.square().sum(1).mul_(importance[:, 0]) * scale if need_loss else None
        c = (2 * scale) * importance[:, 0]
        rc = r * c[:, None]
        a = torch.mul(rc[:, :, None], W2[:, None, :]).mul_(h > 0)
        grads = {
            "W1": torch.bmm(x.transpose(1, 2), a),
            "b1": a.sum(1),
            "W2": torch.bmm(h.transpose(1, 2), rc[:, :, None]).squeeze(2),
            "b2": rc.sum(1),
        }
        return loss, grads


def neuron_directions(W1: torch.Tensor) -> torch.Tensor:
    """Each neuron's input direction as an angle in degrees in (−180, 180], ``[..., m]`` from
    ``W1 [..., 2, m]`` (0° = +x, 90° = +y)."""
    return torch.rad2deg(torch.atan2(W1[..., 1, :], W1[..., 0, :]))


def diagonal_alignment(W1: torch.Tensor) -> torch.Tensor:
    """``[..., m]``: |cos| between each neuron's input weights and the nearer diagonal x + y or
    x − y (1 on a diagonal, 1/√2 = 0.707 on an axis, i.e. a monosemantic neuron)."""
    u = W1 / W1.norm(dim=-2, keepdim=True).clamp_min(1e-12)
    plus, minus = (u[..., 0, :] + u[..., 1, :]).abs(), (u[..., 0, :] - u[..., 1, :]).abs()
    return torch.maximum(plus, minus) / math.sqrt(2)


def input_mixing(W1: torch.Tensor) -> torch.Tensor:
    """``[..., m]``: min(|w_x|, |w_y|) / max(|w_x|, |w_y|) per neuron: 0 when it reads one input
    (monosemantic in the input basis), 1 when it reads both equally."""
    w = W1.abs()
    return w.amin(-2) / w.amax(-2).clamp_min(1e-12)
