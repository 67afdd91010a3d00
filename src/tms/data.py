"""Synthetic sparse features (paper §0 "Common setup", #demonstrating-setup).

Each feature x_i is 0 with probability S (sparsity) and otherwise drawn from U[0, 1]
(or U[-1, 1] for the signed variant used by the abs-value task, #computation).
In code we speak of the *density* p = 1 - S. Tensors are instance-major:
``x`` has shape ``[inst, batch, n]`` so that every model is a batched matmul.
"""

from __future__ import annotations

import torch


def check_density(density: torch.Tensor) -> None:
    """Raise ``ValueError`` unless every density lies in (0, 1]."""
    if not torch.is_tensor(density) or density.dim() != 2:
        raise ValueError("density must be a tensor of shape [inst, n_features]")
    if not bool(((density > 0) & (density <= 1)).all()):
        bad = density[~((density > 0) & (density <= 1))][0].item()
        raise ValueError(f"density must lie in (0, 1]; got {bad}")


def importance_decay(n: int, decay: float) -> torch.Tensor:
    """Importance I_i = decay**i, shape ``[n]`` (feature 0 most important)."""
    if n < 1:
        raise ValueError(f"n_features must be >= 1; got {n}")
    if not 0 < decay <= 1:
        raise ValueError(f"importance decay must lie in (0, 1]; got {decay}")
    return decay ** torch.arange(n, dtype=torch.float32)


class SparseFeatures:
    """Independent sparse uniform features with a density per instance and feature.

    One uniform draw u per entry gives both the mask and the value: the feature is active
    iff u < p, and conditionally on that u / p is again U[0, 1). This halves the random
    numbers of the two-draw recipe while keeping the distribution exact.

    Args:
        density: ``[inst, n]`` probability that each feature is non-zero.
        signed: draw active values from U[-1, 1] instead of U[0, 1].
    """

    def __init__(self, density: torch.Tensor, signed: bool = False):
        check_density(density)
        self.density = density.to(torch.float32)
        self.signed = signed

    @property
    def shape(self) -> tuple[int, int]:
        return tuple(self.density.shape)

    def to(self, device) -> "SparseFeatures":
        return SparseFeatures(self.density.to(device), self.signed)

    def sample(self, batch: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """Return ``x`` of shape ``[inst, batch, n]``."""
        inst, n = self.density.shape
        p = self.density[:, None, :]
        u = torch.rand(inst, batch, n, generator=generator, device=p.device)
        value = u / p
        if self.signed:
            value = 2 * value - 1
        return torch.where(u < p, value, torch.zeros((), device=p.device))
