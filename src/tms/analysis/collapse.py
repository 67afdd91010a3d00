"""Collapse of correlated feature sets (paper #geometry-collapsing, docs/figures.md F14–F16).

When correlated features become dense, a set stops giving each member its own direction and
represents them all along one shared direction, its principal component ((a + b)/√2 for a pair:
both members point the same way with norm ≈ 1/√2). These helpers read that off a trained
``W [n, m]`` whose features come in consecutive sets of ``set_size`` (``tms.core.data.correlated``).
"""

from __future__ import annotations

import torch

from tms.analysis.metrics import cosine, feature_norms

COLLAPSED_COS = 0.9  # all members of a set within ~25° of each other
ALIVE_NORM = 0.25  # members must be represented at all (the PCA-like regime shrinks norms below 1/√2)


def set_cosines(W: torch.Tensor, set_size: int) -> torch.Tensor:
    """Per set, the smallest cosine between two of its members, ``[n // set_size]``."""
    n = W.shape[-2]
    if set_size < 2 or n % set_size:
        raise ValueError(f"set_size must be >= 2 and divide n_features={n}; got {set_size}")
    c = cosine(W)
    return torch.stack([c[s : s + set_size, s : s + set_size].min() for s in range(0, n, set_size)])


def collapsed(W: torch.Tensor, set_size: int) -> torch.Tensor:
    """Boolean ``[n // set_size]``: the set's members share one direction (cos > 0.9, all represented)."""
    norms = feature_norms(W).reshape(-1, set_size)
    return (set_cosines(W, set_size) > COLLAPSED_COS) & (norms > ALIVE_NORM).all(1)


def within_and_across(W: torch.Tensor, set_size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Cosines between distinct members of the same set, and between members of different sets."""
    n = W.shape[-2]
    c = cosine(W)
    label = torch.arange(n) // set_size
    same = label[:, None] == label[None, :]
    off = ~torch.eye(n, dtype=torch.bool)
    return c[same & off], c[~same]
