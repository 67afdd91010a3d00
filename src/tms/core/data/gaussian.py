"""Dense standard-normal inputs, for the x·y MLP (``tms.core.models.product``)."""

from __future__ import annotations

import torch


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

    def sample(
        self, batch: int, generator: torch.Generator | None = None, out: torch.Tensor | None = None
    ) -> torch.Tensor:
        """``x [inst, batch, n]`` (a transposed view of a feature-major buffer)."""
        inst, n = self.shape
        xt = out if out is not None else self.batch(batch)
        torch.randn(inst, n, batch, generator=generator, out=xt)
        return xt.transpose(1, 2)
