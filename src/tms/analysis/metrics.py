"""Geometry of a trained W (docs/figures.md "Metrics", paper #geometry).

All functions take ``W`` of shape ``[..., n, m]`` (row i is feature i's embedding W_i) and
broadcast over leading instance axes.
"""

from __future__ import annotations

import torch

# defined with the weight layout in the core, where the SAE trainer uses them; re-exported here
from tms.core.weights import REPRESENTED_NORM, feature_norms  # noqa: F401


def gram(W: torch.Tensor) -> torch.Tensor:
    """The paper's WᵀW: ``[..., n, n]`` with entries W_i·W_j."""
    return W @ W.transpose(-1, -2)


def _unit(W: torch.Tensor, eps: float = 1e-12) -> torch.Tensor:
    return W / feature_norms(W).clamp_min(eps)[..., None]


def superposition(W: torch.Tensor) -> torch.Tensor:
    """Σ_{j≠i} (Ŵ_i·W_j)², ``[..., n]``: 0 when W_i is orthogonal to all others."""
    overlap = (_unit(W) @ W.transpose(-1, -2)).square()
    return overlap.sum(-1) - overlap.diagonal(dim1=-2, dim2=-1)


def frobenius_sq(W: torch.Tensor) -> torch.Tensor:
    """‖W‖_F², the basis-free count of represented features, ``[...]``."""
    return W.square().sum((-2, -1))


def dimensions_per_feature(W: torch.Tensor) -> torch.Tensor:
    """D* = m / ‖W‖_F², ``[...]``."""
    return W.shape[-1] / frobenius_sq(W)


def features_per_dimension(W: torch.Tensor) -> torch.Tensor:
    """1 / D* = ‖W‖_F² / m, ``[...]``."""
    return frobenius_sq(W) / W.shape[-1]


def feature_dimensionality(W: torch.Tensor) -> torch.Tensor:
    """D_i = ‖W_i‖² / Σ_j (Ŵ_i·W_j)² (j = i included), ``[..., n]``; 0 for a zero W_i."""
    norms_sq = W.square().sum(-1)
    denom = (_unit(W) @ W.transpose(-1, -2)).square().sum(-1)
    return torch.where(norms_sq > 0, norms_sq / denom.clamp_min(1e-30), torch.zeros_like(norms_sq))


def represented(W: torch.Tensor, threshold: float = REPRESENTED_NORM) -> torch.Tensor:
    """Boolean ``[..., n]``: ‖W_i‖ > threshold."""
    return feature_norms(W) > threshold


def cosine(W: torch.Tensor) -> torch.Tensor:
    """Cosine similarity between feature embeddings, ``[..., n, n]``."""
    U = _unit(W)
    return U @ U.transpose(-1, -2)
