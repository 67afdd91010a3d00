"""Empirical phase diagrams: classify trained models on an (r, s) grid (paper #phase-change, F7/F8).

A phase-diagram run (``Experiment`` with ``relative_importance``) trains ``replicas`` models at
every cell of a density × relative-importance grid. Each trained model is classified from its
weights alone:

* the **extra feature's state** (the last feature, importance r): ``not_represented``
  (‖W_extra‖ ≤ 0.5), else ``superposition`` when the other features' projections onto its
  direction carry at least ``SUPERPOSED`` = 0.25 = 0.5² (Σ_{j≠extra} (Ŵ_extra·W_j)²: as much
  as one other feature of the "represented" norm 0.5 lying along it), else ``dedicated``;
* the **candidate** of ``tms.analysis.theory`` it realises: a model matches a candidate when its extra
  state and its number of represented features equal the candidate's own (computed by the same
  rule from the candidate's weights, so the two classifications cannot drift apart); for the
  candidates of n = 2 and n = 3 that signature is unique. A model matching none is ``-1``.

A cell combines its replicas as the run's ``aggregate`` says: ``best`` keeps the lowest
evaluation loss; ``drop_worst`` (the paper: 10 models per point, drop the worst, average the
rest) drops the highest. The cell's colour values (norm and superposition of the extra feature)
are the mean over the kept models; its state and candidate are the kept models' majority (ties:
the label of the lowest-loss model among the tied ones); its loss is the lowest kept loss.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import torch

from tms.analysis import theory
from tms.analysis.metrics import REPRESENTED_NORM, feature_norms, superposition
from tms.core.io import Run

SUPERPOSED = REPRESENTED_NORM**2  # extra feature in superposition when Σ_j (Ŵ_extra·W_j)² ≥ 0.25
STATES = (theory.NOT_REPRESENTED, theory.DEDICATED, theory.SUPERPOSITION)
OTHER = -1  # candidate index of a model that matches no candidate


def extra_state(W: torch.Tensor) -> np.ndarray:
    """State of the last feature of ``W`` ``[..., n, m]``: an array ``[...]`` of ``STATES`` strings."""
    norm = feature_norms(W)[..., -1].numpy()
    sup = superposition(W)[..., -1].numpy()
    return np.where(
        norm <= REPRESENTED_NORM,
        theory.NOT_REPRESENTED,
        np.where(sup >= SUPERPOSED, theory.SUPERPOSITION, theory.DEDICATED),
    )


def _signature(W: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """(extra state ``[...]``, number of represented features ``[...]``)."""
    return extra_state(W), (feature_norms(W) > REPRESENTED_NORM).sum(-1).numpy()


def candidate_signatures(n: int) -> list[tuple[str, int]]:
    """The signature of each of ``theory.candidates(n)``, by the rule applied to trained models."""
    sigs = []
    for c in theory.candidates(n):
        state, count = _signature(torch.from_numpy(c.W).float())
        sigs.append((str(state), int(count)))
    if len(set(sigs)) != len(sigs):  # guards the matching rule, should a candidate be added
        raise ValueError(f"candidates of n={n} are not distinguishable by (extra state, represented count): {sigs}")
    return sigs


def candidate_index(W: torch.Tensor) -> np.ndarray:
    """Index into ``theory.candidates(n)`` that ``W`` ``[..., n, m]`` realises, or ``OTHER`` (−1)."""
    lookup = {sig: i for i, sig in enumerate(candidate_signatures(W.shape[-2]))}
    state, count = _signature(W)
    flat = [lookup.get((str(s), int(c)), OTHER) for s, c in zip(state.ravel(), count.ravel(), strict=True)]
    return np.array(flat, dtype=int).reshape(state.shape)


@dataclass(frozen=True)
class PhaseGrid:
    """A run's empirical phase diagram. Arrays are ``[len(s), len(r)]`` (rows = density s).

    state: the extra feature's state per cell (``STATES`` strings).
    candidate: index into ``theory.candidates(n)`` per cell, ``OTHER`` if none matched.
    extra_norm, extra_superposition: means over the kept replicas (the paper's colour values).
    loss: lowest evaluation loss among the kept replicas (the run's loss reduction).
    agreeing: fraction of kept replicas whose state equals the cell's state.
    """

    n: int
    r: np.ndarray
    s: np.ndarray
    state: np.ndarray
    candidate: np.ndarray
    extra_norm: np.ndarray
    extra_superposition: np.ndarray
    loss: np.ndarray
    agreeing: np.ndarray
    kept: int
    aggregate: str
    loss_reduction: str

    def theory(self) -> theory.PhaseMap:
        """The closed-form phase map on the same grid."""
        return theory.phase_map(self.n, self.r, self.s)

    def theory_state(self) -> np.ndarray:
        """The extra feature's state in the best closed-form candidate, ``[len(s), len(r)]``."""
        extra = np.array([c.extra for c in theory.candidates(self.n)])
        return extra[self.theory().best]


def kept_replicas(loss: np.ndarray, aggregate: str) -> np.ndarray:
    """Indices (into the last axis of ``loss`` ``[..., replicas]``) kept by ``aggregate``, best first."""
    order = np.argsort(loss, axis=-1, kind="stable")
    if aggregate == "best":
        return order[..., :1]
    if aggregate == "drop_worst":
        return order[..., :-1] if loss.shape[-1] > 1 else order
    raise ValueError(f"aggregate must be 'best' or 'drop_worst'; got {aggregate!r}")


def _majority(labels: list) -> object:
    """Most common label; ties go to the one that appears first (labels are ordered best first)."""
    counts = Counter(labels)
    top = max(counts.values())
    return next(label for label in labels if counts[label] == top)


def phase_grid(run: Run) -> PhaseGrid:
    """Classify every model of a phase-diagram run and aggregate each cell's replicas."""
    spec = run.spec
    if spec.get("relative_importance") is None:
        raise ValueError(
            f"run {spec.get('name')!r} is not a phase-diagram run: its experiment has no relative_importance"
        )
    s, r, k = np.array(spec["densities"]), np.array(spec["relative_importance"]), spec["replicas"]
    n = spec["n_features"]
    theory.candidates(n)  # validates n
    if run.W.shape[0] != len(s) * len(r) * k:
        raise ValueError(f"run has {run.W.shape[0]} instances; its spec needs {len(s)} × {len(r)} × {k}")
    # Instances are point-major, points density-major (tms.core.experiments): reshape to [s, r, replicas].
    shape = (len(s), len(r), k)
    W = run.W.double()
    state = extra_state(W).reshape(shape)
    cand = candidate_index(W).reshape(shape)
    norm = feature_norms(W)[:, -1].numpy().reshape(shape)
    sup = superposition(W)[:, -1].numpy().reshape(shape)
    loss = run.eval_loss.double().numpy().reshape(shape)
    keep = kept_replicas(loss, spec.get("aggregate", "best"))

    def take(a):
        return np.take_along_axis(a, keep, axis=-1)

    kept_state, kept_cand = take(state), take(cand)
    cell_state = np.empty(shape[:2], dtype=object)
    cell_cand = np.empty(shape[:2], dtype=int)
    agreeing = np.empty(shape[:2])
    for i in range(shape[0]):
        for j in range(shape[1]):
            cell_state[i, j] = _majority(list(kept_state[i, j]))
            cell_cand[i, j] = _majority(list(kept_cand[i, j]))
            agreeing[i, j] = np.mean(kept_state[i, j] == cell_state[i, j])
    return PhaseGrid(
        n=n,
        r=r,
        s=s,
        state=cell_state.astype(str),
        candidate=cell_cand,
        extra_norm=take(norm).mean(-1),
        extra_superposition=take(sup).mean(-1),
        loss=take(loss).min(-1),
        agreeing=agreeing,
        kept=keep.shape[-1],
        aggregate=spec.get("aggregate", "best"),
        loss_reduction=spec["recipe"]["loss_reduction"],
    )


def agreement(empirical: np.ndarray, expected: np.ndarray, mask: np.ndarray) -> tuple[float, int]:
    """(fraction of cells in ``mask`` where the labels agree, number of such cells); nan if none."""
    cells = int(mask.sum())
    return (float((empirical == expected)[mask].mean()) if cells else float("nan")), cells


def threshold_boundary(s: np.ndarray, below: np.ndarray) -> tuple[float, int]:
    """The density that best splits one grid column into "below" (True) under it and False above.

    ``s`` ``[k]`` increasing, ``below`` ``[k]`` booleans. Every split between consecutive grid
    densities (and beyond either end) is scored by its misclassified cells; the best split's
    boundary is the geometric midpoint of the two densities around it (the grid's end values
    when everything is on one side). Returns (boundary, misclassified cells); ties go to the
    lowest boundary.
    """
    s, below = np.asarray(s, float), np.asarray(below, bool)
    if s.ndim != 1 or s.shape != below.shape or not (np.diff(s) > 0).all():
        raise ValueError("s must be an increasing 1-D array and below a boolean array of the same shape")
    # split k: cells [0, k) below, [k, len) above
    errors = [int((~below[:k]).sum() + below[k:].sum()) for k in range(len(s) + 1)]
    k = int(np.argmin(errors))
    if k == 0:
        edge = s[0]
    elif k == len(s):
        edge = s[-1]
    else:
        edge = float(np.sqrt(s[k - 1] * s[k]))
    return float(edge), errors[k]


def empirical_boundaries(grid: PhaseGrid, below: np.ndarray) -> np.ndarray:
    """Per column (each r), the density splitting ``below`` ``[len(s), len(r)]`` (True under it)."""
    return np.array([threshold_boundary(grid.s, below[:, j])[0] for j in range(len(grid.r))])


def nearest_column(grid: PhaseGrid, r: float) -> int:
    """The grid column whose r is nearest to ``r`` in log scale."""
    return int(np.argmin(np.abs(np.log(grid.r) - np.log(r))))
