"""F13 (#geometry-non-uniform): a pentagon whose last feature's density is varied.

n=5, m=2, I = 1, base density 0.05; the last feature's density is r × the others'. The analysis
shared by the figure and its claims: each fit's geometry (``tms.analysis.geometry.describe``: pentagon, two
digons, other), the best fit per r, the r at which the best fit snaps from a pentagon to two
digons, and a canonical pose for drawing (rotated so that the varied feature — or, when it is
dropped, the first feature — points along +x, flipped so that the nearest feature
counter-clockwise is above the axis).
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from tms.analysis.geometry import describe
from tms.core.io import Run

PAPER_RATIO = 1 / 2.5  # the paper: the pentagon snaps when the feature is ~2.5x sparser


def canonical(W: np.ndarray) -> np.ndarray:
    """``W [n, 2]`` rotated and flipped into a standard pose (see the module docstring)."""
    norms = np.linalg.norm(W, axis=1)
    anchor = W.shape[0] - 1 if norms[-1] > 0.5 else int(np.argmax(norms))
    a = np.arctan2(W[anchor, 1], W[anchor, 0])
    c, s = np.cos(-a), np.sin(-a)
    V = W @ np.array([[c, s], [-s, c]])
    angles = np.arctan2(V[:, 1], V[:, 0])
    live = (norms > 0.5) & (np.arange(len(norms)) != anchor)
    if live.any() and angles[live][np.argmin(np.abs(angles[live]))] < 0:
        V[:, 1] *= -1  # the nearest neighbour counter-clockwise
    return V


def fit_table(run: Run):
    """Per instance: relative density r, eval loss, geometry label; and the best instance per r."""
    r = np.asarray(run.values("relative_density"))
    loss = run.eval_loss.numpy()
    labels = [describe(run.W[k]) for k in range(run.W.shape[0])]
    return r, loss, labels, run.best_indices()


def snap_ratio(rs: np.ndarray, labels: list[str]) -> float | None:
    """Going sparser (r falling), the geometric mean of the last pentagon r and the first
    two-digon r below it among the best fits; None if there is no such switch."""
    order = np.argsort(rs)[::-1]
    for a, b in pairwise(order):
        if labels[a] == "pentagon" and labels[b] == "2 digons":
            return float(np.sqrt(rs[a] * rs[b]))
    return None
