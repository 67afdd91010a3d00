"""Which polytope each feature belongs to (paper #geometry, docs/figures.md).

The paper reads a trained W as a *tegum product*: the represented features split into groups
whose embeddings span mutually orthogonal subspaces, and each group (a *tegum factor*) forms a
small polytope — a digon (antipodal pair, D_i = 1/2), a triangle (2/3), a pentagon (2/5), a
tetrahedron (3/4), a square antiprism (3/8) ... Here a factor is a connected component of the
graph that links represented features i, j with |cos(W_i, W_j)| > ``overlap``: features in
different components are (nearly) orthogonal, so the components are the tegum factors. A factor
of k features spanning d dimensions is named by (k, d); for the regular polytopes listed in
``POLYTOPES`` (uniform tight frames) every member has D_i = d / k, and ``deviation`` measures
how far the trained factor is from that (a deformed pentagon is still a pentagon, #geometry-non-uniform).

Used by F9/F10 (which shapes occur per density), F13 (pentagon vs two digons) and the
learning-dynamics figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from tms.analysis.metrics import REPRESENTED_NORM, cosine, feature_dimensionality, feature_norms
from tms.core.io import Run

# (features k, dimensions d) -> name. Regular polytopes that are uniform tight frames, D_i = d/k.
# (4, 2) and (6, 3) are absent on purpose: a square is two orthogonal digons and an octahedron
# three, so the tegum decomposition never yields them as one factor.
POLYTOPES: dict[tuple[int, int], str] = {
    (1, 1): "dedicated",
    (2, 1): "digon",
    (3, 2): "triangle",
    (4, 3): "tetrahedron",
    (5, 2): "pentagon",
    (6, 2): "hexagon",
    (8, 3): "square antiprism",
}
NOT_LEARNED = "not learned"

OVERLAP = 0.1  # |cos| above this links two features; trained residual overlaps across factors stay below
RANK_TOL = 0.1  # a factor's dimension: singular values above this fraction of the largest
SIMPLEX_TOL = 0.1  # k = d + 1 features are called a simplex only if every D_i is within this of d/k


@dataclass(frozen=True)
class Factor:
    """One tegum factor: its features (indices into W's rows), k, d and shape name."""

    features: tuple[int, ...]
    dims: int
    name: str
    deviation: float  # max_i |D_i − d/k| over the factor's features

    @property
    def size(self) -> int:
        return len(self.features)

    @property
    def fraction(self) -> float:
        """d / k: every member's D_i when the factor is a uniform tight frame."""
        return self.dims / self.size


def polytope_name(k: int, d: int, deviation: float = 0.0) -> str:
    """The name of a factor of ``k`` features spanning ``d`` dimensions, whose D_i deviate from
    d/k by at most ``deviation``. Small low-dimensional factors are named by (k, d) alone (five
    features in a plane are a pentagon, however deformed); a larger k = d + 1 factor only counts
    as a simplex when it is nearly regular."""
    if (k, d) in POLYTOPES:
        return POLYTOPES[(k, d)]
    if d == 2:
        return f"{k}-gon"
    if k == d + 1 and deviation <= SIMPLEX_TOL:
        return f"{d}-simplex"
    return f"{k} features in {d}-D"


def _components(adjacent: torch.Tensor) -> list[list[int]]:
    """Connected components of a boolean adjacency matrix ``[k, k]`` (in index order)."""
    k = adjacent.shape[0]
    seen, out = [False] * k, []
    for start in range(k):
        if seen[start]:
            continue
        seen[start], stack, comp = True, [start], []
        while stack:
            i = stack.pop()
            comp.append(i)
            for j in torch.nonzero(adjacent[i]).flatten().tolist():
                if not seen[j]:
                    seen[j] = True
                    stack.append(j)
        out.append(sorted(comp))
    return out


def tegum_factors(
    W: torch.Tensor, threshold: float = REPRESENTED_NORM, overlap: float = OVERLAP, rank_tol: float = RANK_TOL
) -> list[Factor]:
    """The tegum factors of one model's ``W [n, m]`` (represented features only, ‖W_i‖ > threshold).

    Args:
        overlap: |cos(W_i, W_j)| above which i and j belong to the same factor.
        rank_tol: a factor's dimension counts singular values of its rows above
            ``rank_tol`` × the largest.
    """
    if W.dim() != 2:
        raise ValueError(f"W must have shape [n, m]; got {tuple(W.shape)}")
    W = W.detach().double()
    rep = torch.nonzero(feature_norms(W) > threshold).flatten()
    if len(rep) == 0:
        return []
    Wr = W[rep]
    adjacent = cosine(Wr).abs() > overlap
    D = feature_dimensionality(W)
    factors = []
    for comp in _components(adjacent):
        s = torch.linalg.svdvals(Wr[comp])
        d = int((s > rank_tol * s[0]).sum())
        idx = tuple(int(rep[c]) for c in comp)
        dev = float((D[list(idx)] - d / len(idx)).abs().max())
        factors.append(Factor(idx, d, polytope_name(len(idx), d, dev), dev))
    return factors


def classify_features(W: torch.Tensor, **kwargs) -> list[str]:
    """Per feature of ``W [n, m]``: the name of its tegum factor, or ``NOT_LEARNED``."""
    names = [NOT_LEARNED] * W.shape[0]
    for f in tegum_factors(W, **kwargs):
        for i in f.features:
            names[i] = f.name
    return names


def shape_counts(W: torch.Tensor, **kwargs) -> dict[str, int]:
    """How many *factors* of each shape ``W [n, m]`` holds (e.g. {"digon": 3, "pentagon": 1})."""
    counts: dict[str, int] = {}
    for f in tegum_factors(W, **kwargs):
        counts[f.name] = counts.get(f.name, 0) + 1
    return counts


def describe(W: torch.Tensor, **kwargs) -> str:
    """A model's configuration in words, factors largest first: "pentagon", "2 digons",
    "triangle + digon"; "nothing learned" when no feature is represented."""
    counts = shape_counts(W, **kwargs)
    if not counts:
        return "nothing learned"
    size = {f.name: f.size for f in tegum_factors(W, **kwargs)}
    parts = sorted(counts, key=lambda name: (-size[name], name))
    return " + ".join(name if counts[name] == 1 else f"{counts[name]} {name}s" for name in parts)


def uniform_sweep(run: Run):
    """Best replica per density, sorted dense → sparse: (x = 1/(1−S) [k], W [k, n, m])."""
    best = run.best()
    order = np.argsort(best.density)[::-1].copy()
    x = 1 / np.asarray(best.density)[order]
    return x, best.W[order]
