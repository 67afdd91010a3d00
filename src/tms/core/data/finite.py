"""Finite training sets (beyond the paper: Henighan et al. 2023, "Superposition, Memorization,
and Double Descent").

The follow-up trains the ReLU-output model on T fixed points instead of fresh samples, each
point a sparse feature vector scaled to unit norm, and tests it on fresh points of the same
distribution. ``UnitNorm`` is that distribution (any feature source, points scaled to unit
norm); ``FiniteFeatures`` is a fixed set of T of its points, drawn once from a generator and
returned whole by every ``sample`` call (full-batch training). Both keep the trainer's layout:
``x [inst, batch, n]`` as a view of a feature-major ``[inst, n, batch]`` tensor.
"""

from __future__ import annotations

import copy

import torch

from tms.core.validation import check_positive_int


class UnitNorm:
    """Points of ``source`` (e.g. ``SparseFeatures``) scaled to unit norm; a point with no
    active feature stays 0."""

    def __init__(self, source):
        self.source = source
        self.signed = getattr(source, "signed", False)

    @property
    def shape(self) -> tuple[int, int]:
        return self.source.shape

    def to(self, device) -> "UnitNorm":
        return UnitNorm(self.source.to(device))

    def batch(self, batch: int):
        return self.source.batch(batch)

    def sample(self, batch: int, generator: torch.Generator | None = None, out=None) -> torch.Tensor:
        """``x [inst, batch, n]`` with ‖x_t‖ = 1 for every point that has an active feature."""
        x = self.source.sample(batch, generator, out=out)
        norm = x.norm(dim=2, keepdim=True)
        return x.div_(norm.clamp_(min=torch.finfo(x.dtype).tiny))


class FiniteFeatures:
    """A fixed training set of ``size`` points per instance, drawn once from ``source`` with
    ``generator``. ``sample(size)`` returns the whole set every time (the same tensor, so a
    training step is full-batch); any other batch size is an error.

    ``x``: ``[inst, size, n]``, a view of the feature-major ``[inst, n, size]`` tensor ``xt``.
    ``weight``: ``None``, or for a padded set (``padded``) ``[inst, size]`` each point's share of
    the loss (``tms.core.models.weighted``).
    """

    def __init__(self, source, size: int, generator: torch.Generator | None = None):
        check_positive_int("train_set_size", size)
        self.size = size
        self.signed = getattr(source, "signed", False)
        self.xt = source.sample(size, generator).transpose(1, 2).contiguous()
        self.weight = None

    @classmethod
    def padded(cls, sets: list[FiniteFeatures]) -> FiniteFeatures:
        """The instances of ``sets``, in order, as one training set of the largest size: each set
        padded with zero points that weigh 0, its own T points weighing 1/T, so every instance's
        loss and gradients are its own set's mean (the loss reduction's batch mean is replaced).
        Training sets of several sizes then train as one batched run (``tms.core.running``)."""
        joined = object.__new__(cls)
        joined.size = max(s.size for s in sets)
        joined.signed = sets[0].signed
        joined.xt = torch.cat([torch.nn.functional.pad(s.xt, (0, joined.size - s.size)) for s in sets])
        points = torch.arange(joined.size, device=sets[0].xt.device)
        joined.weight = torch.cat([((points < s.size) / s.size).expand(s.xt.shape[0], -1).to(s.xt.dtype) for s in sets])
        return joined

    @property
    def x(self) -> torch.Tensor:
        return self.xt.transpose(1, 2)

    @property
    def shape(self) -> tuple[int, int]:
        return tuple(self.xt.shape[:2])

    def to(self, device) -> FiniteFeatures:
        moved = copy.copy(self)
        moved.xt = self.xt.to(device)
        moved.weight = None if self.weight is None else self.weight.to(device)
        return moved

    def batch(self, batch: int) -> None:
        self._check(batch)  # nothing to reuse: the set itself is the batch

    def sample(self, batch: int, generator: torch.Generator | None = None, out=None) -> torch.Tensor:
        """The whole training set ``[inst, size, n]``; ``generator`` and ``out`` are unused."""
        self._check(batch)
        return self.x

    def _check(self, batch: int) -> None:
        if batch != self.size:
            raise ValueError(f"a finite training set is used whole: batch must be its size {self.size}; got {batch}")
