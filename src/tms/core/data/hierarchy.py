"""Features with a hierarchy: a child feature is active only where its parent is.

The SAE benchmark's stress test for feature absorption (Chanin et al. 2024): a parent P with
children C₁…C_c, as in "animal" and "dog". Every feature is a sparse uniform feature
(``SparseFeatures``); a child is then kept only where its parent is active, so with a child's own
draw at rate q the child fires on a share q of the parent's samples (q: the co-occurrence), and
P(child) = p·q. Where the child fires, an SAE can save a latent by folding the parent into the
child's latent and leaving the parent's latent silent: that is absorption.
"""

from __future__ import annotations

import torch

from tms.core.data.sparse import SparseFeatures

MAGNITUDES = ("uniform", "fixed")


class HierarchicalFeatures:
    """Sparse uniform features ``[inst, batch, n]`` where each child is zeroed unless its parent is on.

    Args:
        density: ``[inst, n]`` each feature's own rate: a parent's density, a child's
            co-occurrence q with its parent (P(child | parent)).
        parent: ``[n]`` long, the parent feature of each feature, −1 for a feature without one.
            A parent may not itself have a parent (one level).
        magnitude: ``"uniform"`` (active values U(0, 1], as everywhere else) or ``"fixed"`` (every
            active feature is 1, as in the published toy setting of absorption).
    """

    signed = False

    def __init__(self, density: torch.Tensor, parent: torch.Tensor, magnitude: str = "uniform"):
        if magnitude not in MAGNITUDES:
            raise ValueError(f"magnitude must be one of {MAGNITUDES}; got {magnitude!r}")
        n = density.shape[-1]
        parent = torch.as_tensor(parent, dtype=torch.long)
        if parent.shape != (n,) or bool(((parent < -1) | (parent >= n)).any()):
            raise ValueError(f"parent must be [n={n}] with entries in [-1, n); got {parent.tolist()}")
        children = (parent >= 0).nonzero().flatten()
        if bool((parent[children] == children).any()) or bool((parent[parent[children]] >= 0).any()):
            raise ValueError("parent: a feature cannot be its own parent, and a parent cannot have a parent")
        self.source = SparseFeatures(density)
        self.parent = parent
        self.magnitude = magnitude
        self._children = children

    @property
    def shape(self) -> tuple[int, int]:
        return self.source.shape

    @property
    def density(self) -> torch.Tensor:
        """``[inst, n]`` the marginal density of each feature (a child's is p·q)."""
        p = self.source.density.clone()
        p[:, self._children] *= self.source.density[:, self.parent[self._children]]
        return p

    def to(self, device) -> "HierarchicalFeatures":
        return HierarchicalFeatures(self.source.density.to(device), self.parent.to(device), self.magnitude)

    def batch(self, batch: int) -> None:
        return None

    def sample(self, batch: int, generator: torch.Generator | None = None, out=None) -> torch.Tensor:
        """``x [inst, batch, n]``; every child is 0 where its parent is 0."""
        x = self.source.sample(batch, generator).clone()
        x[..., self._children] *= x[..., self.parent[self._children]] > 0
        return (x > 0).to(x.dtype) if self.magnitude == "fixed" else x
