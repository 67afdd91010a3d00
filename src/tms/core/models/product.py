"""Polysemantic neurons without superposition: a small ReLU MLP computing x·y.

Inputs (x, y) are standard normal; a hidden layer of m ReLU neurons with biases and a linear
output approximate the product x·y. Two inputs and m = 4 neurons: there is no superposition
(fewer features than neurons), yet the neurons are not aligned with the input basis — the product
is (x + y)²/4 − (x − y)²/4, and a ReLU pair along a direction u gives |u·(x, y)|, so neurons
along the diagonals x ± y, each driven by both inputs, are what the computation needs.

Layout (instance-first, as every model of ``tms.core.models``): ``W1 [inst, 2, m]`` (row i: input i's
weights into the m neurons), ``b1 [inst, m]``, ``W2 [inst, m]`` (each neuron's output weight),
``b2 [inst]``. Loss: mean over the batch of (y' − x·y)² per instance, summed over instances.
Its inputs are ``tms.core.data.gaussian.GaussianInputs``; the measures of its neurons'
directions are in ``tms.analysis.product``.
"""

from __future__ import annotations

import math

import torch

from tms.core.models.common import Chunked, buffer, init_weight, loss_scale


class ProductMLP(Chunked):
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

    def _loss_and_grads(self, params, x, importance, reduction, need_loss, work, weight):
        """With pre = xW1 + b1, h = ReLU(pre), r = hW2 + b2 − xy and c = 2·scale·I:
        dL/dW2 = c hᵀr, dL/db2 = c Σ r, a = c r W2ᵀ masked by pre > 0, dL/dW1 = xᵀa, dL/db1 = Σ a."""
        if weight is not None:
            raise ValueError(f"{self.name} trains on fresh Gaussian inputs: it takes no sample weights")
        W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
        inst, batch, n = x.shape
        scale = loss_scale(batch, 1, reduction)
        h = torch.baddbmm(b1[:, None, :], x, W1, out=buffer(work, "h", (inst, batch, W1.shape[2]), x)).relu_()
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
