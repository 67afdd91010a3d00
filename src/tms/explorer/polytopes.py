"""3-D configurations found in a trained uniform sweep (F10's view): a tetrahedron, and a triangle
beside an antipodal pair (a digon) — the "triangle-pair" configuration, the tegum product of a
triangle and a digon, whose five features span exactly three dimensions.

**Finding them by D_i.** A regular polytope's members share one dimensionality
(``tms.analysis.metrics.feature_dimensionality``): D_i = d/k for k features in d dimensions, 3/4 for
a tetrahedron's four, 2/3 for a triangle's three, 1/2 for a digon's two. D_i's denominator
Σ_j (Ŵ_i·W_j)² says which features a feature interferes with, so for every represented feature i
(‖W_i‖ > 0.5) of every model of the sweep (``W [densities, n, m]``) the candidate group is i and
the k − 1 features j with the largest (Ŵ_i·W_j)². A group is scored by

* ``deviation``: max |D_j − d/k| over its members (0 for a regular polytope);
* ``closure``: the share of its members' Σ_j (Ŵ_i·W_j)² that comes from inside the group (1 for
  an exact tegum factor, lower when the group also overlaps the rest of the model);

and a group *matches* when deviation ≤ ``DIM_TOL`` and closure ≥ ``CLOSURE``. The group with the
lowest deviation + (1 − closure) is shown (for the triangle-pair, the triangle and the digon with
the lowest summed score in one model, with no feature in common); a view says when it shows the
closest group rather than a match. This does not need the tegum factors of
``tms.analysis.geometry`` to be separate: in sparse models small residual overlaps (|cos| > 0.1)
link every feature into one factor, but a tetrahedron's members still stand out by D_i.

**Drawing them.** The group's rows ``W_f [k, m]`` are projected onto their own span: the first
part's top-d right singular vectors (the triangle's plane, the tetrahedron's 3-D span), then the
next part's after removing the directions already taken (Gram–Schmidt; the digon's axis), at most
3 in all. ``kept`` is the share of ‖W_f‖_F² the projection keeps (1 for an exact configuration).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from tms.analysis.metrics import REPRESENTED_NORM, feature_dimensionality, feature_norms

DIM_TOL = 0.05  # max |D_i − d/k| of a match; the nearest other sticky value is ≥ 0.067 away
CLOSURE = 0.9  # a match's members take at least this share of their interference from each other
TARGETS = {  # configuration -> its parts, each (k features, d dimensions)
    "tetrahedron": ((4, 3),),
    "triangle + digon": ((3, 2), (2, 1)),
}


@dataclass(frozen=True)
class Group:
    """k features of one model taken as one polytope of k features in d dimensions."""

    features: tuple[int, ...]
    dims: int
    deviation: float  # max |D_i − d/k| over the members
    closure: float  # share of the members' Σ_j (Ŵ_i·W_j)² from inside the group

    @property
    def score(self) -> float:
        return self.deviation + (1.0 - self.closure)

    @property
    def matches(self) -> bool:
        return self.deviation <= DIM_TOL and self.closure >= CLOSURE


@dataclass(frozen=True)
class Configuration:
    """A configuration found in model ``index`` of a sweep: its parts (``Group``), the features
    drawn (part by part), their projection ``coords [len(features), 3]`` and the share of
    ‖W_f‖_F² it keeps."""

    name: str
    index: int
    parts: tuple[Group, ...]
    coords: np.ndarray
    kept: float

    @property
    def features(self) -> tuple[int, ...]:
        return tuple(i for g in self.parts for i in g.features)

    @property
    def deviation(self) -> float:
        return max(g.deviation for g in self.parts)

    @property
    def matches(self) -> bool:
        return all(g.matches for g in self.parts)


def _overlaps(W: torch.Tensor) -> np.ndarray:
    """``[n, n]``: (Ŵ_i·W_j)², row i summing to D_i's denominator."""
    W = W.detach().double()
    unit = W / feature_norms(W).clamp_min(1e-12)[:, None]
    return (unit @ W.T).square().numpy()


def groups(W: torch.Tensor, k: int, d: int) -> list[Group]:
    """Every candidate group of k features for a polytope in d dimensions in one model ``W [n, m]``
    (one per represented feature: it and its k − 1 strongest overlaps), best score first, each
    set of features once."""
    D = feature_dimensionality(W.detach().double()).numpy()
    overlap = _overlaps(W)
    represented = np.flatnonzero(feature_norms(W).numpy() > REPRESENTED_NORM)
    seen, out = set(), []
    for i in represented:
        others = np.argsort(-overlap[i], kind="stable")
        members = tuple(sorted([int(i), *[int(j) for j in others if j != i][: k - 1]]))
        if len(members) < k or members in seen:
            continue
        seen.add(members)
        rows = list(members)
        closure = float(overlap[np.ix_(rows, rows)].sum() / overlap[rows].sum())
        out.append(Group(members, d, float(np.abs(D[rows] - d / k).max()), closure))
    return sorted(out, key=lambda g: g.score)


def project(W_f: torch.Tensor, parts: list[tuple[tuple[int, ...], int]], dims: int = 3) -> tuple[np.ndarray, float]:
    """``W_f [k, m]`` in an orthonormal basis built part by part, each part ``(rows of W_f, d)``
    giving its top-d directions after those already taken (see the module docstring).

    Returns ``(coords [k, dims], kept share of ‖W_f‖_F²)``; axes left unused are 0.
    """
    W_f = W_f.detach().double()
    basis: list[torch.Tensor] = []
    for rows, d in parts:
        block = W_f[list(rows)]
        for v in basis:
            block = block - (block @ v)[:, None] * v[None]
        _, s, Vh = torch.linalg.svd(block, full_matrices=False)
        rank = int((s > 1e-9 * max(float(s[0]), 1e-30)).sum())
        basis += [Vh[j] for j in range(min(d, rank, dims - len(basis)))]
    coords = np.zeros((W_f.shape[0], dims))
    if basis:
        coords[:, : len(basis)] = (W_f @ torch.stack(basis).T).numpy()
    total = float(W_f.square().sum())
    return coords, (float((coords**2).sum()) / total if total > 0 else 0.0)


def _best_parts(W: torch.Tensor, targets) -> tuple[Group, ...] | None:
    """The parts of ``targets`` in one model ``W [n, m]`` with the lowest summed score and no
    feature in common, or None."""
    first, *rest = [groups(W, k, d) for k, d in targets]
    best, best_score = None, None
    for g in first[:20]:  # the best-scored candidates of the first part suffice
        chosen, used = [g], set(g.features)
        for options in rest:
            pick = next((h for h in options if not used & set(h.features)), None)
            if pick is None:
                break
            chosen.append(pick)
            used |= set(pick.features)
        else:
            score = sum(h.score for h in chosen)
            if best_score is None or score < best_score:
                best, best_score = tuple(chosen), score
    return best


def find(W: torch.Tensor, name: str) -> Configuration | None:
    """The best-scored configuration ``name`` (a key of ``TARGETS``) among the models of
    ``W [densities, n, m]``, matching or not; None when no model has enough represented features."""
    targets = TARGETS[name]
    best = None
    for index in range(W.shape[0]):
        parts = _best_parts(W[index], targets)
        if parts is None:
            continue
        key = (not all(g.matches for g in parts), sum(g.score for g in parts))
        if best is None or key < best[0]:
            best = (key, index, parts)
    if best is None:
        return None
    _, index, parts = best
    features = [i for g in parts for i in g.features]
    rows, at = [], 0
    for g in parts:
        rows.append((tuple(range(at, at + len(g.features))), g.dims))
        at += len(g.features)
    coords, kept = project(W[index][features], rows)
    return Configuration(name, index, parts, coords, kept)
