"""Claims of F13 (#geometry-non-uniform): a pentagon (n=5, m=2, density 0.05) whose last feature's
density is r × the others'. Best of several fits per r (lowest evaluation loss); geometry by
``tms.analysis.geometry.describe`` (tegum factors): "pentagon" or "2 digons"."""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from tms.analysis.metrics import feature_norms
from tms.analysis.non_uniform import PAPER_RATIO, fit_table, snap_ratio
from tms.claims.registry import Measured, claim

FIGURE = "non_uniform"
ANCHOR = "#geometry-non-uniform"

RUN = "non_uniform"
SMOOTH = 0.15  # the varied feature's norm changes by ≤ 0.15 between neighbouring r on the pentagon branch
PENTAGON_SPAN = 2.0  # the pentagon is the best fit over a range of r around 1 spanning ≥ a factor 2


def _best_by_r(runs):
    run = runs[RUN]
    r, loss, labels, best = fit_table(run)
    best = sorted(best, key=lambda k: r[k])
    return run, r, loss, labels, best


@claim(
    "C13.1",
    "For moderate changes of one feature's density the pentagon deforms smoothly.",
    "the best fit stays a pentagon over a range of r around 1, the varied feature's norm changing gradually",
    f"pentagon best on a contiguous range containing r = 1 spanning ≥ {PENTAGON_SPAN}×; varied feature's norm "
    f"steps ≤ {SMOOTH} between neighbouring r there",
    required=True,
)
def pentagon_deforms_smoothly(runs):
    run, r, _, labels, best = _best_by_r(runs)
    rs = r[best]
    is_pent = [labels[k] == "pentagon" for k in best]
    centre = int(np.argmin(np.abs(np.log(rs))))
    if not is_pent[centre]:
        return Measured({"best at r≈1": labels[best[centre]]}, False)
    lo = hi = centre
    while lo > 0 and is_pent[lo - 1]:
        lo -= 1
    while hi < len(rs) - 1 and is_pent[hi + 1]:
        hi += 1
    norms = [float(feature_norms(run.W[k])[-1]) for k in best[lo : hi + 1]]
    step = max((abs(a - b) for a, b in pairwise(norms)), default=0.0)
    span = rs[hi] / rs[lo]
    return Measured(
        {
            "pentagon r range": f"{rs[lo]:.3g}–{rs[hi]:.3g}",
            "varied norm": f"{min(norms):.2f}–{max(norms):.2f}",
            "largest step": round(step, 3),
        },
        span >= PENTAGON_SPAN and step <= SMOOTH,
    )


@claim(
    "C13.2",
    "Sparser than a critical ratio (paper: ~2.5×) the pentagon snaps to two digons, the varied feature dropped.",
    "below some r the best fit is two digons with the varied feature unrepresented; report that ratio",
    "a pentagon → two-digon switch exists among the best fits and every best fit below it is two digons "
    "without the varied feature; the ratio is reported against the paper's 2.5× (not a pass criterion)",
    required=True,
)
def snaps_to_digons(runs):
    run, r, _, labels, best = _best_by_r(runs)
    rs = r[best]
    snap = snap_ratio(rs, [labels[k] for k in best])
    if snap is None:
        return Measured(
            {"best geometry per r": {f"{rs[i]:.3g}": labels[k] for i, k in enumerate(best)}}, False, "no switch"
        )
    below = [k for i, k in enumerate(best) if rs[i] < snap]
    dropped = all(labels[k] == "2 digons" and float(feature_norms(run.W[k])[-1]) <= 0.5 for k in below)
    return Measured(
        {"snap at r": round(snap, 3), "× sparser": round(1 / snap, 2), "paper × sparser": round(1 / PAPER_RATIO, 2)},
        dropped,
    )


@claim(
    "C13.3",
    "The snap coincides with the crossing of the two geometries' loss curves.",
    "the lowest pentagon loss and the lowest two-digon loss per r cross where the best fit switches",
    "the crossing lies in the same grid interval of r as the switch (needs fits of both geometries around it)",
    required=False,
)
def snap_at_loss_crossing(runs):
    run, r, loss, labels, best = _best_by_r(runs)
    rs = np.unique(r)
    pent = {v: min((loss[k] for k in range(len(r)) if r[k] == v and labels[k] == "pentagon"), default=None) for v in rs}
    dig = {v: min((loss[k] for k in range(len(r)) if r[k] == v and labels[k] == "2 digons"), default=None) for v in rs}
    both = [v for v in rs if pent[v] is not None and dig[v] is not None]
    crossing = None
    for a, b in pairwise(both):
        if (pent[a] - dig[a]) * (pent[b] - dig[b]) < 0:
            crossing = float(np.sqrt(a * b))
            break
    snap = snap_ratio(r[best], [labels[k] for k in best])
    value = {
        "crossing at r": round(crossing, 3) if crossing else None,
        "snap at r": round(snap, 3) if snap else None,
        "r with both geometries": len(both),
    }
    if crossing is None or snap is None:
        return Measured(value, False, "no crossing or no switch measured")
    # same interval: no grid value of r lies strictly between them
    lo, hi = sorted((crossing, snap))
    held = not any(lo < v < hi for v in rs)
    return Measured(value, held)
