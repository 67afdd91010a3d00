"""Claims of the paper's Figures 7 and 8 (#phase-change): theory against trained phase diagrams.

Agreement is measured on *confident* cells, where the best closed-form candidate's loss is at
least 20% below the runner-up's (``PhaseMap.margin >= 0.2``, the issue's definition of "away
from the boundary"); the agreement on the remaining, near-boundary cells is reported as a
number, never judged. Class labels come from ``tms.analysis.phase_diagram`` (extra-feature state for
n = 2; candidate for n = 3, whose flat 4/7 line separates two candidates that both keep the
extra feature dedicated).

None of these claims is required: on the default config's 12 × 12 grid with best-of-3, a few
sparse cells land in wrong minima whatever the recipe, so the confident-cell agreement sits a few
points above the 90% bar (seed 0: 93.8%), and the per-column boundary fit depends on single cells.
They are reported with their measured values on every run.
"""

from __future__ import annotations

import numpy as np

from tms.analysis import theory
from tms.analysis.phase_diagram import PhaseGrid, agreement, empirical_boundaries, nearest_column, phase_grid
from tms.claims.registry import Measured, claim

FIGURE = "phase_diagram"
ANCHOR = "#phase-change"
MARGIN = 0.2  # confident cells: best closed-form loss ≥ 20% below the runner-up (issue #4)
AGREE = 0.9  # "the empirical diagram matches the theory away from the boundary": ≥ 90% of confident cells
# The closed forms give antipodal pairs b = 0; the bias-optimal pair has a lower loss, which moves
# the true boundary up, by up to ×1.5 near r = 1 (tms.analysis.theory's docstring, numerical optimum over
# W and b). An empirical boundary within that factor of s*(r) is where the closed form puts it.
BOUNDARY_FACTOR = 1.5
LOSS_COLUMNS = (0.5, 2.0)  # C7.3: the example lines
THEORY_CHECK = (np.logspace(-1, 1, 201), np.logspace(-2, 0, 401))  # fine (r, s) grid for the exact checks


def _r3(x) -> float:
    return round(float(x), 3)


def theory_matches_boundary(n: int) -> bool:
    """The closed-form phase map puts superposition (n=2) / the lower phases (n=3) exactly below
    ``theory.boundary``, up to one step of the fine check grid."""
    r, s = THEORY_CHECK
    pm = theory.phase_map(n, r, s)
    extra = np.array([c.extra for c in theory.candidates(n)])
    labels = theory.candidate_labels(n)
    if n == 2:
        lower = extra[pm.best] == theory.SUPERPOSITION
    else:
        lower = np.isin(pm.best, [labels.index("extra_antipodal"), labels.index("others_antipodal")])
    expected = s[:, None] < theory.boundary(n, r)[None, :]
    step = np.log(s[1] / s[0])
    near = np.abs(np.log(s)[:, None] - np.log(theory.boundary(n, r))[None, :]) <= step
    return bool(((lower == expected) | near).all())


def boundary_ratios(grid: PhaseGrid, lower: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Empirical boundary / closed-form boundary for the selected columns."""
    return empirical_boundaries(grid, lower)[columns] / theory.boundary(grid.n, grid.r[columns])


def _ratio_summary(ratios: np.ndarray) -> dict:
    if not len(ratios):
        return {"columns": 0}
    return {
        "columns": len(ratios),
        "median": _r3(np.median(ratios)),
        "min": _r3(ratios.min()),
        "max": _r3(ratios.max()),
    }


def boundary_tolerance(grid: PhaseGrid) -> float:
    """BOUNDARY_FACTOR times half a grid step in s: a threshold fit places a boundary only to
    within half a cell (the geometric midpoint of two grid densities)."""
    step = np.exp(np.mean(np.diff(np.log(grid.s)))) if len(grid.s) > 1 else 1.0
    return BOUNDARY_FACTOR * float(np.sqrt(step))


def _within(ratios: np.ndarray, factor: float) -> float:
    """Fraction of columns whose empirical boundary is within ``factor`` of the closed form."""
    return float(np.mean(np.abs(np.log(ratios)) <= np.log(factor) + 1e-12)) if len(ratios) else float("nan")


def state_agreement(grid: PhaseGrid) -> dict:
    """Extra-feature state agreement on confident and near-boundary cells."""
    pm = grid.theory()
    confident = pm.margin >= MARGIN
    conf, n_conf = agreement(grid.state, grid.theory_state(), confident)
    near, n_near = agreement(grid.state, grid.theory_state(), ~confident)
    return {"confident": _r3(conf), "confident cells": n_conf, "near boundary": _r3(near), "near cells": n_near}


def candidate_agreement(grid: PhaseGrid, columns: np.ndarray) -> dict:
    """Candidate agreement on the confident and near-boundary cells of the selected columns."""
    pm = grid.theory()
    confident = (pm.margin >= MARGIN) & columns[None, :]
    near = (pm.margin < MARGIN) & columns[None, :]
    conf, n_conf = agreement(grid.candidate, pm.best, confident)
    close, n_near = agreement(grid.candidate, pm.best, near)
    return {"confident": _r3(conf), "confident cells": n_conf, "near boundary": _r3(close), "near cells": n_near}


# --------------------------------------------------------------------------- F7: n = 2, m = 1


def boundary_claim(grid: PhaseGrid) -> Measured:
    """C7.1: the closed form's boundary formulas, and where the trained models' superposition ends."""
    exact = theory_matches_boundary(2)
    triple = np.allclose(theory.candidate_losses(2, *theory.TRIPLE_POINT), 16 / 147)
    ratios = boundary_ratios(grid, grid.state == theory.SUPERPOSITION, np.arange(len(grid.r)))
    low, high = grid.r < 1, grid.r > 1
    factor = boundary_tolerance(grid)
    within = _within(ratios, factor)
    value = {
        "closed-form map = formulas": exact,
        "three losses meet at (1, 4/7)": bool(triple),
        "empirical / closed-form boundary, r < 1": _ratio_summary(ratios[low]),
        "r > 1": _ratio_summary(ratios[high]),
        f"columns within ×{factor:.3g}": _r3(within),
    }
    return Measured(value, exact and bool(triple) and within == 1.0)


def dense_claim(grid: PhaseGrid) -> Measured:
    """C7.2: in the densest row, r < 1 drops the extra feature and r > 1 gives it the dimension."""
    row = int(np.argmax(grid.s))
    pm = grid.theory()
    confident = pm.margin[row] >= MARGIN
    expected = np.where(grid.r < 1, theory.NOT_REPRESENTED, theory.DEDICATED)
    got = grid.state[row]
    frac, cells = agreement(got, expected, confident)
    value = {
        "density": _r3(grid.s[row]),
        "r < 1 not represented": f"{int(((got == expected) & confident & (grid.r < 1)).sum())}"
        f"/{int((confident & (grid.r < 1)).sum())}",
        "r > 1 dedicated": f"{int(((got == expected) & confident & (grid.r > 1)).sum())}"
        f"/{int((confident & (grid.r > 1)).sum())}",
        "agreement": _r3(frac),
    }
    return Measured(value, cells > 0 and frac >= AGREE)


def crossing_claim(grid: PhaseGrid) -> Measured:
    """C7.3: first-order transition. Closed form: the optimal loss's slope in s jumps at s*(r) (by
    r/3, r ≤ 1, or 1/3). Trained: along the columns nearest r = 0.5 and 2, on confident cells the
    trained loss lies below the *other* side's candidate continued across the boundary, i.e. the
    optimum follows one curve below s* and a different one above: two curves that cross."""
    value, ok = {}, True
    for r_target in LOSS_COLUMNS:
        j = nearest_column(grid, r_target)
        r = float(grid.r[j])
        kink = theory.slope_jump(2, r, grid.loss_reduction)
        s_star = float(kink.s)
        losses = theory.candidate_losses(2, r, grid.s, grid.loss_reduction)
        below_best = int(np.argmin(theory.candidate_losses(2, r, s_star * 0.999)))
        above_best = int(np.argmin(theory.candidate_losses(2, r, s_star * 1.001)))
        confident = grid.theory().margin[:, j] >= MARGIN
        below, above = confident & (grid.s < s_star), confident & (grid.s > s_star)
        # on each side: the trained loss beats the candidate that wins on the other side
        under_other = np.where(
            grid.s < s_star, grid.loss[:, j] < losses[above_best], grid.loss[:, j] < losses[below_best]
        )
        frac, cells = agreement(under_other, np.ones_like(under_other), below | above)
        jump = float(kink.left - kink.right)
        value[f"r={r:.3g}"] = {
            "s*": _r3(s_star),
            "slope jump": round(jump, 4),
            "cells below/above": f"{int(below.sum())}/{int(above.sum())}",
            "trained below the other curve": _r3(frac),
        }
        ok &= jump > 0 and below.any() and above.any() and frac >= AGREE
    return Measured(value, bool(ok))


def agreement_claim(grid: PhaseGrid) -> Measured:
    """C7.4: extra-feature state agreement on confident cells (≥ 90%); near-boundary reported."""
    value = state_agreement(grid)
    return Measured(value, value["confident cells"] > 0 and value["confident"] >= AGREE)


# --------------------------------------------------------------------------- F8: n = 3, m = 2


def low_r_claim(grid: PhaseGrid) -> Measured:
    """C8.1: r < 1, "drop extra" vs "extra antipodal" at s = 4r/(2 + 5r), as for n = 2."""
    columns = grid.r < 1
    value = candidate_agreement(grid, columns)
    ratios = boundary_ratios(grid, grid.state == theory.SUPERPOSITION, np.flatnonzero(columns))
    value["closed-form map = formulas"] = theory_matches_boundary(3)
    value["empirical / closed-form boundary"] = _ratio_summary(ratios)
    ok = value["closed-form map = formulas"] and value["confident cells"] > 0 and value["confident"] >= AGREE
    return Measured(value, bool(ok))


def high_r_claim(grid: PhaseGrid) -> Measured:
    """C8.2: r > 1, the extra feature is dedicated and the other two go from "one dropped" to an
    antipodal pair below s = 4/7, flat in r."""
    columns = grid.r > 1
    value = candidate_agreement(grid, columns)
    confident = (grid.theory().margin >= MARGIN) & columns[None, :]
    dedicated, cells = agreement(grid.state, np.full(grid.state.shape, theory.DEDICATED), confident)
    labels = theory.candidate_labels(3)
    ratios = boundary_ratios(grid, grid.candidate == labels.index("others_antipodal"), np.flatnonzero(columns))
    value["extra dedicated"] = _r3(dedicated)
    value["empirical boundary / (4/7)"] = _ratio_summary(ratios)
    ok = value["confident cells"] > 0 and value["confident"] >= AGREE and dedicated >= AGREE
    return Measured(value, bool(ok))


@claim(
    "C7.1",
    "n=2, m=1: superposition iff s < 4r/(2+5r) (r ≤ 1) or s < 4/(5+2r) (r ≥ 1); triple point (1, 4/7).",
    "closed-form map exactly on the formulas; trained models' superposition ends near s*(r)",
    f"closed form exact (one step of a 401-point grid); every column's empirical boundary within ×{BOUNDARY_FACTOR} "
    "(the bias-optimal antipodal pair moves the true boundary up by up to ×1.5, tms.analysis.theory) times half a "
    "grid step "
    "(the resolution of a threshold fit)",
    required=False,
)
def c7_1(runs):
    return boundary_claim(phase_grid(runs["phase_2_1"]))


@claim(
    "C7.2",
    "Dense: r < 1 → extra feature dropped; r > 1 → extra feature takes the dimension.",
    "densest row: not represented for r < 1, dedicated for r > 1",
    f"≥ {AGREE:.0%} of the row's confident cells (margin ≥ {MARGIN})",
    required=False,
)
def c7_2(runs):
    return dense_claim(phase_grid(runs["phase_2_1"]))


@claim(
    "C7.3",
    "First order: the optimal loss's derivative jumps at the boundary (loss curves cross).",
    "slope jump r/3 (r ≤ 1), 1/3 (r ≥ 1); trained losses follow one candidate below s*, another above",
    f"closed-form jump > 0; on ≥ {AGREE:.0%} of confident cells of the r ≈ 0.5 and r ≈ 2 columns the trained loss "
    "is below the other side's candidate",
    required=False,
)
def c7_3(runs):
    return crossing_claim(phase_grid(runs["phase_2_1"]))


@claim(
    "C7.4",
    "The empirical diagram matches the theory away from the boundary; blur near the triple point.",
    "extra-feature state of trained models = closed-form state on confident cells; near-boundary agreement reported",
    f"≥ {AGREE:.0%} of cells with margin ≥ {MARGIN}",
    required=False,
)
def c7_4(runs):
    return agreement_claim(phase_grid(runs["phase_2_1"]))


@claim(
    "C8.1",
    "n=3, m=2, r < 1: the boundary between 'drop extra' and 'extra antipodal' is again s = 4r/(2+5r).",
    "candidate of trained models = closed-form candidate on confident r < 1 cells",
    f"≥ {AGREE:.0%} of confident cells; closed form exact",
    required=False,
    figure="phase_diagram_3_2",
)
def c8_1(runs):
    return low_r_claim(phase_grid(runs["phase_3_2"]))


@claim(
    "C8.2",
    "n=3, m=2, r > 1: the extra feature is always dedicated; the other two switch from one dropped to an "
    "antipodal pair below s = 4/7, flat in r.",
    "candidate = closed form on confident r > 1 cells; extra dedicated there; per-column boundary ≈ 4/7",
    f"≥ {AGREE:.0%} of confident cells for both",
    required=False,
    figure="phase_diagram_3_2",
)
def c8_2(runs):
    return high_r_claim(phase_grid(runs["phase_3_2"]))
