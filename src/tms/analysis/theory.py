"""Closed-form phase-change theory for the ReLU output model (paper #phase-change; docs/figures.md,
"Analytic background").

Figures 7 (n=2, m=1) and 8 (n=3, m=2). Every feature has density s (= 1 − S, the probability of
being non-zero; active values are U[0, 1]). The *extra* feature (the last one) has importance r,
the others importance 1. The paper compares a handful of candidate solutions whose expected
per-sample loss ``Σ_i I_i E[(x_i − x'_i)²]`` (the "sum" reduction; divide by n for the "mean"
reduction of the authors' notebook) has a closed form built from two pieces:

* **dropped feature** of importance w (W_i = 0, x'_i = ReLU(b_i)): the bias learns the mean,
  b_i = E[x_i] = s/2, and the loss is w·Var(x_i) = w(E[x²] − E[x]²) = **w(s/3 − s²/4)**.
* **antipodal pair** of importances w_a, w_b (W_b = −W_a, ‖W_a‖ = 1, b = 0):
  x'_a = ReLU(x_a − x_b). If only one of the pair is active both outputs are exact (the other
  output is ReLU(−x) = 0: negative interference is free). If both are active the error of a is
  x_a − ReLU(x_a − x_b) = min(x_a, x_b), and of b likewise, so the loss is
  (w_a + w_b) s² E[min(x, y)²] with E[min²] = ∫₀¹ t² · 2(1 − t) dt = 1/6:
  **(w_a + w_b) s²/6**.
* a **dedicated** feature (unit W_i orthogonal to every other W_j, b_i = 0) is reconstructed
  exactly: loss 0.

Bias convention (verified by Monte-Carlo in tests/analysis/test_theory.py): the closed forms are *exact*
for the fixed W of each candidate with b_i = s/2 on dropped features and b_i = 0 on every
represented feature (dedicated or antipodal). For dropped and dedicated features these biases are
optimal. For an antipodal pair they are not: with the paper's weights the both-active error is
one-sided (x'_a ≤ x_a), so a positive bias and a smaller norm lower the loss — little at small s,
but by 14% at the triple point (numerical optimum over W, b at r = 1, s = 4/7: ‖W_a‖² ≈ 0.83,
b ≈ 0.17, loss 0.093 instead of 16/147 ≈ 0.109). The paper's closed-form diagram therefore
under-rates superposition near the boundary: a numerical optimisation of all four n=2 parameters
puts the boundary between s = 0.45 and 0.57 at r = 0.5 and r = 2 (closed form 0.444), and above
s = 0.85 at r = 1 (closed form 0.571). This module implements the paper's closed forms.

Layout follows ``tms.core.models``: ``W`` has shape ``[n, m]``, row i = feature i's embedding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

TRIPLE_POINT = (1.0, 4.0 / 7.0)  # (r, s) where the three n=2 losses coincide (C7.1)

# States of the extra feature, matching the empirical classification of F7.
NOT_REPRESENTED, DEDICATED, SUPERPOSITION = "not_represented", "dedicated", "superposition"


def dropped_loss(w, s):
    """w·Var(x) = w(s/3 − s²/4): a feature with W_i = 0 and its optimal bias s/2."""
    return w * (s / 3 - s**2 / 4)


def antipodal_loss(w_a, w_b, s):
    """(w_a + w_b) s²/6: an antipodal pair with ‖W_a‖ = 1 and b = 0 (error only when both active)."""
    return (w_a + w_b) * s**2 / 6


@dataclass(frozen=True)
class Candidate:
    """One candidate solution of docs/figures.md "Analytic background".

    Attributes:
        label: short name (unique within a given n).
        extra: state of the extra (last) feature: ``not_represented``, ``dedicated`` or
            ``superposition``.
        W: ``[n, m]`` weights, row i = feature i's embedding (unit norm or zero).
        dropped: indices of the features with W_i = 0 (their bias is s/2).
        antipodal: index pairs (a, b) with W_b = −W_a.
        description: the paper's wording ("W ⊥ v": v spans the null space of the paper's m×n W).
    """

    label: str
    extra: str
    W: np.ndarray
    dropped: tuple[int, ...]
    antipodal: tuple[tuple[int, int], ...]
    description: str

    @property
    def n(self) -> int:
        return self.W.shape[0]

    def importance(self, r) -> np.ndarray:
        """``[..., n]``: ones with the last (extra) feature set to r."""
        r = np.asarray(r, dtype=float)
        imp = np.ones(r.shape + (self.n,))
        imp[..., -1] = r
        return imp

    def bias(self, s) -> np.ndarray:
        """``[..., n]``: s/2 on dropped features, 0 elsewhere (the bias that makes ``loss`` exact)."""
        s = np.asarray(s, dtype=float)
        b = np.zeros(s.shape + (self.n,))
        for i in self.dropped:
            b[..., i] = s / 2
        return b

    def loss(self, r, s, reduction: str = "sum"):
        """Expected per-sample loss, broadcast over r and s."""
        imp = self.importance(r)
        s = np.asarray(s, dtype=float)
        total = sum(dropped_loss(imp[..., i], s) for i in self.dropped)
        total = total + sum(antipodal_loss(imp[..., a], imp[..., b], s) for a, b in self.antipodal)
        return _reduce(np.broadcast_to(total, np.broadcast_shapes(imp.shape[:-1], s.shape)), self.n, reduction)

    def loss_ds(self, r, s, reduction: str = "sum"):
        """d(loss)/ds: w(1/3 − s/2) per dropped feature, (w_a + w_b) s/3 per antipodal pair."""
        imp = self.importance(r)
        s = np.asarray(s, dtype=float)
        total = sum(imp[..., i] * (1 / 3 - s / 2) for i in self.dropped)
        total = total + sum((imp[..., a] + imp[..., b]) * s / 3 for a, b in self.antipodal)
        return _reduce(np.broadcast_to(total, np.broadcast_shapes(imp.shape[:-1], s.shape)), self.n, reduction)


def _reduce(total, n: int, reduction: str):
    if reduction == "sum":
        return total
    if reduction == "mean":
        return total / n
    raise ValueError(f"reduction must be 'sum' or 'mean'; got {reduction!r}")


CANDIDATES: dict[int, tuple[Candidate, ...]] = {
    # F7: n=2, m=1; feature 0 importance 1, feature 1 (extra) importance r.
    2: (
        Candidate(
            "extra_dropped",
            NOT_REPRESENTED,
            np.array([[1.0], [0.0]]),
            (1,),
            (),
            "W = (1, 0): extra not represented; loss r(s/3 − s²/4)",
        ),
        Candidate(
            "extra_dedicated",
            DEDICATED,
            np.array([[0.0], [1.0]]),
            (0,),
            (),
            "W = (0, 1): extra gets the dimension; loss s/3 − s²/4",
        ),
        Candidate(
            "extra_antipodal",
            SUPERPOSITION,
            np.array([[1.0], [-1.0]]),
            (),
            ((0, 1),),
            "W ∝ (1, −1): antipodal superposition; loss (1 + r)s²/6",
        ),
    ),
    # F8: n=3, m=2; features 0, 1 importance 1, feature 2 (extra) importance r.
    3: (
        Candidate(
            "extra_dropped",
            NOT_REPRESENTED,
            np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]),
            (2,),
            (),
            "W ⊥ (0,0,1): drop the extra; loss r(s/3 − s²/4)",
        ),
        Candidate(
            "other_dropped",
            DEDICATED,
            np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]),
            (0,),
            (),
            "W ⊥ (1,0,0): drop another, extra dedicated; loss s/3 − s²/4",
        ),
        Candidate(
            "extra_antipodal",
            SUPERPOSITION,
            np.array([[1.0, 0.0], [0.0, 1.0], [0.0, -1.0]]),
            (),
            ((1, 2),),
            "W ⊥ (0,1,1): extra antipodal with another; loss (1 + r)s²/6",
        ),
        Candidate(
            "others_antipodal",
            DEDICATED,
            np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0]]),
            (),
            ((0, 1),),
            "W ⊥ (1,1,0): the other two antipodal, extra dedicated; loss s²/3",
        ),
    ),
}


def candidates(n: int) -> tuple[Candidate, ...]:
    """The candidate solutions for n=2 (m=1, Figure 7) or n=3 (m=2, Figure 8)."""
    if n not in CANDIDATES:
        raise ValueError(f"closed-form theory exists for n in {tuple(CANDIDATES)}; got {n}")
    return CANDIDATES[n]


def candidate_labels(n: int) -> tuple[str, ...]:
    return tuple(c.label for c in candidates(n))


def candidate_losses(n: int, r, s, reduction: str = "sum") -> np.ndarray:
    """``[k, *broadcast(r, s).shape]``: each candidate's loss, elementwise in r and s."""
    return np.stack([c.loss(r, s, reduction) for c in candidates(n)])


class PhaseMap(NamedTuple):
    """Result of :func:`phase_map`; every array has shape ``[len(s), len(r)]`` (rows = s, cols = r).

    best: index into ``candidates(n)`` of the lowest-loss candidate (ties go to the lower index).
    gap: (runner-up − best) / best.
    margin: 1 − best / runner-up = gap / (1 + gap): "best is at least 20% below the runner-up"
        is ``margin >= 0.2``.
    losses: ``[k, len(s), len(r)]`` every candidate's loss.
    """

    best: np.ndarray
    gap: np.ndarray
    margin: np.ndarray
    losses: np.ndarray


def phase_map(n: int, r, s) -> PhaseMap:
    """Theory panel of F7 (n=2) / F8 (n=3) on the grid r × s (1-D arrays, or scalars)."""
    rr, ss = np.meshgrid(np.atleast_1d(np.asarray(r, float)), np.atleast_1d(np.asarray(s, float)))
    losses = candidate_losses(n, rr, ss)
    order = np.sort(losses, axis=0)
    best_loss, runner_up = order[0], order[1]
    return PhaseMap(np.argmin(losses, axis=0), (runner_up - best_loss) / best_loss, 1 - best_loss / runner_up, losses)


def boundary_2_1(r):
    """Density below which the extra feature goes into superposition for n=2, m=1 (C7.1).

    r ≤ 1 (dense optimum: drop the extra): r(s/3 − s²/4) = (1 + r)s²/6; divide by s, multiply
    by 12: 4r − 3rs = 2(1 + r)s, so s = 4r/(2 + 5r).
    r ≥ 1 (dense optimum: extra dedicated): s/3 − s²/4 = (1 + r)s²/6 gives 4 − 3s = 2(1 + r)s,
    so s = 4/(5 + 2r). Both give 4/7 at r = 1: the triple point.
    """
    r = np.asarray(r, dtype=float)
    return np.where(r <= 1, 4 * r / (2 + 5 * r), 4 / (5 + 2 * r))


def boundary_3_2(r):
    """Phase boundary for n=3, m=2 (C8.1, C8.2).

    r < 1: r·V < V and (1 + r)s²/6 < s²/3 (V = s/3 − s²/4), so only "drop extra" and "extra
    antipodal" compete: s = 4r/(2 + 5r) as for n=2.
    r > 1: V < rV and s²/3 < (1 + r)s²/6, so "drop another" meets "others antipodal":
    s/3 − s²/4 = s²/3 gives 1/3 = 7s/12, s = 4/7, flat in r. All four coincide at (1, 4/7).
    """
    r = np.asarray(r, dtype=float)
    return np.where(r <= 1, 4 * r / (2 + 5 * r), 4.0 / 7.0)


def boundary(n: int, r):
    """The superposition/no-superposition boundary density s*(r) for n = 2 or 3."""
    candidates(n)  # validates n
    return {2: boundary_2_1, 3: boundary_3_2}[n](r)


def optimal_loss(n: int, r, s, reduction: str = "sum") -> np.ndarray:
    """min over candidates of the loss, elementwise in r and s (e.g. r fixed, s a line)."""
    return candidate_losses(n, r, s, reduction).min(axis=0)


def optimal_loss_ds(n: int, r, s, reduction: str = "sum") -> np.ndarray:
    """d/ds of :func:`optimal_loss`: the slope of the best candidate (ties: lowest index)."""
    best = np.argmin(candidate_losses(n, r, s), axis=0)
    slopes = np.stack([c.loss_ds(r, s, reduction) for c in candidates(n)])
    return np.take_along_axis(slopes, best[None], axis=0)[0]


class Kink(NamedTuple):
    s: np.ndarray  # boundary density s*(r)
    left: np.ndarray  # d(optimal loss)/ds just below s* (superposition side)
    right: np.ndarray  # just above s*


def slope_jump(n: int, r, reduction: str = "sum", rel: float = 1e-6) -> Kink:
    """Left and right derivatives of the optimal loss in s at the boundary s*(r) (C7.3).

    The phase change is first order: the optimal loss is continuous but its slope jumps. For
    n=2 the jump (left − right) is r/3 for r ≤ 1 and 1/3 for r ≥ 1, e.g. r ≤ 1:
    (1 + r)s*/3 − r(1/3 − s*/2) = r/3 at s* = 4r/(2 + 5r). For n=3, r > 1: 8/21 − 1/21 = 1/3.
    The candidate on each side is found by evaluating just off the boundary (relative step rel);
    the slopes themselves are exact.
    """
    r = np.asarray(r, dtype=float)
    s_star = boundary(n, r)
    slopes = np.stack([c.loss_ds(r, s_star, reduction) for c in candidates(n)])

    def side(s):
        best = np.argmin(candidate_losses(n, r, s), axis=0)
        return np.take_along_axis(slopes, best[None], axis=0)[0]

    return Kink(s_star, side(s_star * (1 - rel)), side(s_star * (1 + rel)))
