"""The reference loop: the authors' notebook recipe written plainly (DESIGN.md "Performance").

Batch-major layout ``[batch, inst, n]``, two ``torch.rand`` draws per step (mask and value),
two einsums, autograd and ``torch.optim.AdamW(lr=1e-3)``. It is the yardstick of ``tms bench``
and an independent implementation for tests; it is not used to produce results.
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


def reference_batch(density: torch.Tensor, batch: int, generator=None) -> torch.Tensor:
    """Two draws per entry: ``x = where(mask <= p, value, 0)``, shape ``[batch, inst, n]``."""
    inst, n = density.shape
    value = torch.rand(batch, inst, n, generator=generator)
    mask = torch.rand(batch, inst, n, generator=generator)
    return torch.where(mask <= density, value, torch.zeros(()))


def reference_step(model: ReferenceModel, opt, density, importance, batch: int, generator=None) -> torch.Tensor:
    """One training step; loss = Σ_inst mean_{batch, feature} I (x - x')²."""
    x = reference_batch(density, batch, generator)
    out = model(x)
    loss = (importance * (x - out) ** 2).mean((0, 2)).sum()
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss.detach()
