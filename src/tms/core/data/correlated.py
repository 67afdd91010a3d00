"""Correlated and anticorrelated feature sets (paper #geometry-correlated, docs/figures.md F14–F16).

The features are split into consecutive sets of ``set_size`` (features ``[s·k, (s+1)·k)`` form
set s). Within a set:

* **correlated**: one shared draw decides whether the whole set is active (probability p, the
  set's density); the active members' values are independent U(0, 1].
* **anticorrelated**: with probability k·p exactly one member, chosen uniformly, is active, with
  a U(0, 1] value; otherwise the set is all zero. Convention: ``density`` is always the
  per-feature marginal p (as for independent features), so the set is active with probability
  k·p (ARENA's 2p for pairs) and p ≤ 1/k is required. Two members are never active together.

Sets are independent of each other. Each instance may have its own density (constant within a
set). The interface is ``SparseFeatures``' (``shape``, ``to``, ``batch``, ``sample``): ``x``
``[inst, batch, n]`` is a view of a feature-major ``[inst, n, batch]`` buffer.
"""

from __future__ import annotations

import torch

from tms.core.data.sparse import check_density
from tms.core.validation import is_int

KINDS = ("correlated", "anticorrelated")


class CorrelatedFeatures:
    """Sets of ``set_size`` correlated or anticorrelated uniform features.

    Args:
        density: ``[inst, n]`` per-feature marginal density; equal within each set.
        set_size: k, features per set; ``n`` must be a multiple of it.
        kind: ``"correlated"`` or ``"anticorrelated"`` (see the module docstring).
    """

    signed = False

    def __init__(self, density: torch.Tensor, set_size: int, kind: str = "correlated"):
        check_density(density)
        if kind not in KINDS:
            raise ValueError(f"feature_sets must be one of {KINDS}; got {kind!r}")
        inst, n = density.shape
        if not is_int(set_size) or set_size < 1 or n % set_size:
            raise ValueError(f"set_size must be a positive integer dividing n_features={n}; got {set_size!r}")
        per_set = density.reshape(inst, n // set_size, set_size)
        if not bool((per_set == per_set[..., :1]).all()):
            raise ValueError("density must be equal within each feature set")
        if kind == "anticorrelated" and bool((per_set[..., 0] * set_size > 1 + 1e-6).any()):
            raise ValueError(
                f"anticorrelated sets of {set_size} need density <= 1/{set_size} (one member active at a time, "
                f"each with marginal density p); got {float(per_set[..., 0].max())}"
            )
        self.density = density.to(torch.float32)
        self.set_size = set_size
        self.kind = kind
        self._p = self.density.reshape(inst, n // set_size, set_size)[..., 0]  # [inst, sets]

    @property
    def shape(self) -> tuple[int, int]:
        return tuple(self.density.shape)

    def to(self, device) -> "CorrelatedFeatures":
        return CorrelatedFeatures(self.density.to(device), self.set_size, self.kind)

    def batch(self, batch: int) -> "SetBatch":
        return SetBatch(self, batch)

    def sample(
        self, batch: int, generator: torch.Generator | None = None, out: "SetBatch | None" = None
    ) -> torch.Tensor:
        """``x [inst, batch, n]`` (a view of feature-major ``[inst, n, batch]``)."""
        if out is None:
            out = self.batch(batch)
        elif out.features is not self or out.x.shape[1] != batch:
            raise ValueError(f"out must come from this CorrelatedFeatures' batch({batch})")
        inst, n = self.shape
        sets, k = n // self.set_size, self.set_size
        dev = self.density.device
        u = torch.rand(inst, sets, batch, generator=generator, device=dev)  # one draw per set and sample
        value = torch.rand(inst, sets, k, batch, generator=generator, device=dev).neg_().add_(1)  # (0, 1]
        p = self._p[..., None]  # [inst, sets, 1]
        if self.kind == "correlated":
            active = (u < p)[:, :, None, :]  # the whole set
        else:
            # Given u < k·p, u / p is uniform on [0, k): its integer part picks the one active member.
            member = torch.div(u, p, rounding_mode="floor").clamp_(max=k - 1)
            active = (u < k * p)[:, :, None, :] & (member[:, :, None, :] == torch.arange(k, device=dev)[:, None])
        out.xt.copy_(torch.where(active, value, torch.zeros((), device=dev)).view(inst, n, batch))
        return out.x


class SetBatch:
    """A reusable ``x [inst, batch, n]`` stored feature-major (``xt [inst, n, batch]``)."""

    def __init__(self, features: CorrelatedFeatures, batch: int):
        inst, n = features.shape
        self.features = features
        self.xt = torch.zeros(inst, n, batch, device=features.density.device)
        self.x = self.xt.transpose(1, 2)
