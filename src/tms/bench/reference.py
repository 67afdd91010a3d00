"""The reference loop: the authors' notebook recipe written plainly (docs/speed.md).

Batch-major layout ``[batch, inst, n]``, two ``torch.rand`` draws per step (mask and value),
two einsums, autograd and ``torch.optim.AdamW(lr=1e-3)``. It is the yardstick of ``tms bench``
and an independent implementation for tests; it is not used to produce results. The abs-value
model (paper #computation) is written the same way: signed inputs, target |x|.
"""

from __future__ import annotations

import torch


class ReferenceModel(torch.nn.Module):
    """x' = ReLU(WᵀW x + b) with W ``[inst, n, m]``, b ``[inst, n]``."""

    def __init__(self, inst: int, n: int, m: int, relu: bool = True):
        super().__init__()
        self.W = torch.nn.Parameter(torch.empty(inst, n, m))
        torch.nn.init.xavier_normal_(self.W)
        self.b = torch.nn.Parameter(torch.zeros(inst, n))
        self.relu = relu

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x: [batch, inst, n]`` -> ``[batch, inst, n]``."""
        h = torch.einsum("bif,ifh->bih", x, self.W)
        out = torch.einsum("bih,ifh->bif", h, self.W) + self.b
        return torch.relu(out) if self.relu else out

    def target(self, x: torch.Tensor) -> torch.Tensor:
        return x


class ReferenceAbsModel(torch.nn.Module):
    """y' = ReLU(W₂ ReLU(W₁x) + b) with W₁, W₂ ``[inst, n, m]``, b ``[inst, n]``; target |x|."""

    signed = True

    def __init__(self, inst: int, n: int, m: int):
        super().__init__()
        self.W1 = torch.nn.Parameter(torch.nn.init.xavier_normal_(torch.empty(inst, n, m)))
        self.W2 = torch.nn.Parameter(torch.nn.init.xavier_normal_(torch.empty(inst, n, m)))
        self.b = torch.nn.Parameter(torch.zeros(inst, n))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x: [batch, inst, n]`` -> ``[batch, inst, n]``."""
        h = torch.relu(torch.einsum("bif,ifh->bih", x, self.W1))
        return torch.relu(torch.einsum("bih,ifh->bif", h, self.W2) + self.b)

    def target(self, x: torch.Tensor) -> torch.Tensor:
        return x.abs()


def reference_batch(density: torch.Tensor, batch: int, generator=None, signed: bool = False) -> torch.Tensor:
    """Two draws per entry: ``x = where(mask <= p, value, 0)``, shape ``[batch, inst, n]``; values
    U[0, 1), or U[-1, 1) when ``signed``."""
    inst, n = density.shape
    value = torch.rand(batch, inst, n, generator=generator)
    if signed:
        value = 2 * value - 1
    mask = torch.rand(batch, inst, n, generator=generator)
    return torch.where(mask <= density, value, torch.zeros(()))


def reference_step(model, opt, density, importance, batch: int, generator=None) -> torch.Tensor:
    """One training step; loss = Σ_inst mean_{batch, feature} I (t - x')², t = ``model.target(x)``."""
    x = reference_batch(density, batch, generator, signed=getattr(model, "signed", False))
    out = model(x)
    loss = (importance * (model.target(x) - out) ** 2).mean((0, 2)).sum()
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss.detach()
