"""Known answers for the phase-change claims (C7.1–C7.4, C8.1, C8.2, paper #phase-change, F7/F8).

Every cell of the default config's 12 × 12 (r, s) grid gets a hand-built model: by default the
closed-form winner of ``tms.analysis.theory`` (its exact weights, e.g. W = (1, −1) for the antipodal pair
of n = 2, and its bias), with that candidate's closed-form loss under the run's loss reduction as the
evaluation loss. On that grid the trained diagram *is* the theory, so every claim holds; each failing
case switches the configuration of chosen cells to another candidate (a model stuck in the dense
solution, a boundary moved by two cells, ...), so its answer is known from which cells were switched.
The phase grids use one replica per cell unless a case is about the replica aggregation.
"""

from __future__ import annotations

import numpy as np
import torch

from tests.claims.known import fails, holds, make_run, spec
from tms.analysis import theory
from tms.core.experiments import Experiment

EXPERIMENT = {2: "phase_2_1", 3: "phase_3_2"}
# candidate indices (theory.candidates)
DROP_EXTRA, DEDICATE_EXTRA, ANTIPODAL = 0, 1, 2  # n = 2
OTHER_DROPPED, OTHERS_ANTIPODAL = 1, 3  # n = 3 (0: extra dropped, 2: extra antipodal)


def axes(n: int, **overrides) -> tuple[np.ndarray, np.ndarray]:
    """(s, r) of the experiment's grid."""
    sp = spec(EXPERIMENT[n], **overrides)
    return np.array(sp["densities"]), np.array(sp["relative_importance"])


def closed_form(n: int) -> theory.PhaseMap:
    """The closed-form phase map on the experiment's grid (``best``, ``margin``: ``[len(s), len(r)]``)."""
    s, r = axes(n)
    return theory.phase_map(n, r, s)


def confident(n: int) -> np.ndarray:
    """The cells the claims judge: best closed-form loss ≥ 20% below the runner-up."""
    return closed_form(n).margin >= 0.2


def phase_runs(n: int, cells=None, losses=None, replicas: int = 1, **overrides) -> dict:
    """``{experiment: Run}`` whose model at replica q of cell (i_s, j_r) is candidate ``cells[q][i, j]``
    (default: the closed-form winner, every replica) with evaluation loss ``losses[q][i, j]`` (default:
    that candidate's closed-form loss in the run's reduction)."""
    name = EXPERIMENT[n]
    sp = spec(name, replicas=replicas, **overrides)
    s, r = np.array(sp["densities"]), np.array(sp["relative_importance"])
    reduction = sp["recipe"]["loss_reduction"]
    if cells is None:
        cells = theory.phase_map(n, r, s).best
    cells = np.broadcast_to(cells, (replicas, len(s), len(r)))
    table = Experiment.from_spec(sp).instance_table()
    cands = theory.candidates(n)
    W, b, loss = [], [], []
    for k, point in enumerate(table["point"]):
        i, j, q = point // len(r), point % len(r), table["replica"][k]
        assert table["density"][k] == s[i] and table["relative_importance"][k] == r[j]
        c = cands[int(cells[q, i, j])]
        W.append(c.W)
        b.append(c.bias(s[i]))
        loss.append(float(c.loss(r[j], s[i], reduction)) if losses is None else float(losses[q][i, j]))
    tensors = {
        "W": torch.tensor(np.array(W), dtype=torch.float32),
        "b": torch.tensor(np.array(b), dtype=torch.float32),
        "eval_loss": torch.tensor(loss, dtype=torch.float32),
    }
    return {name: make_run(name, tensors, table, replicas=replicas, **overrides)}


def switched(n: int, mask: np.ndarray, to) -> np.ndarray:
    """The closed-form winners with the cells in ``mask`` switched to candidate ``to`` (an index or an
    array like the grid)."""
    cells = closed_form(n).best.copy()
    cells[mask] = np.broadcast_to(to, cells.shape)[mask]
    return cells


def first_confident(n: int, k: int, columns=None) -> np.ndarray:
    """The first ``k`` confident cells in row-major order (sparsest densities first), as a mask;
    ``columns`` restricts them to a boolean selection of r."""
    pool = confident(n) & (np.ones_like(closed_form(n).best, bool) if columns is None else columns[None, :])
    mask = np.zeros(pool.shape, bool)
    mask.flat[np.flatnonzero(pool)[:k]] = True
    assert mask.sum() == k
    return mask


# --------------------------------------------------------------------------- C7.1


def test_c7_1_holds_on_the_closed_form_grid():
    """Every cell is its closed-form winner: each column's empirical boundary is the geometric midpoint
    of the two grid densities around s*(r), within √step (≈ ×1.23) of it, inside ×1.5√step."""
    m = holds("C7.1", phase_runs(2))
    assert m.value["closed-form map = formulas"] and m.value["three losses meet at (1, 4/7)"]


def test_c7_1_holds_with_one_column_boundary_moved_by_one_cell():
    """Column r = 0.1 (s* = 0.16): the first cell above s* (s = 0.187) also in superposition. The
    empirical boundary moves to √(0.187·0.285) = 0.231, ×1.44 of s*: inside ×1.5·√1.52 = ×1.85."""
    s, r = axes(2)
    mask = np.zeros((len(s), len(r)), bool)
    mask[np.flatnonzero(s > theory.boundary(2, r[0]))[:1], 0] = True
    holds("C7.1", phase_runs(2, switched(2, mask, ANTIPODAL)))


def test_c7_1_fails_with_one_column_boundary_moved_by_two_cells():
    """As above with the two cells above s* in superposition: boundary √(0.285·0.433) = 0.351, ×2.19 of
    s* = 0.16, outside ×1.85, so one column of twelve is off."""
    s, r = axes(2)
    mask = np.zeros((len(s), len(r)), bool)
    mask[np.flatnonzero(s > theory.boundary(2, r[0]))[:2], 0] = True
    m = fails("C7.1", phase_runs(2, switched(2, mask, ANTIPODAL)))
    assert m.value["empirical / closed-form boundary, r < 1"]["max"] > 1.85


# --------------------------------------------------------------------------- C7.2


def dense_row_switch(columns: list[int]) -> np.ndarray:
    """The closed-form grid with the densest row's given columns switched to the other dense solution
    (extra dropped ↔ extra dedicated)."""
    s, r = axes(2)
    mask = np.zeros((len(s), len(r)), bool)
    mask[np.argmax(s), columns] = True
    other = np.where(r < 1, DEDICATE_EXTRA, DROP_EXTRA)[None, :].repeat(len(s), 0)
    return switched(2, mask, other)


def test_c7_2_holds_on_the_closed_form_grid():
    """Density 1: r < 1 drops the extra feature, r > 1 dedicates it, in all 10 confident cells."""
    m = holds("C7.2", phase_runs(2))
    assert m.value["agreement"] == 1.0


def test_c7_2_holds_with_one_wrong_dense_cell():
    """One of the 10 confident densest cells (r = 10) drops the extra feature instead: 9/10 = 90%."""
    holds("C7.2", phase_runs(2, dense_row_switch([11])))


def test_c7_2_fails_with_two_wrong_dense_cells():
    """Two of the 10 (r = 0.1 dedicates, r = 10 drops): 8/10 < 90%."""
    fails("C7.2", phase_runs(2, dense_row_switch([0, 11])))


def test_c7_2_fails_when_the_dense_solutions_are_swapped():
    """The densest row with r < 1 dedicated and r > 1 dropped (the claim's direction reversed): 0/10."""
    m = fails("C7.2", phase_runs(2, dense_row_switch(list(range(12)))))
    assert m.value["agreement"] == 0.0


# --------------------------------------------------------------------------- C7.3


def test_c7_3_holds_on_the_closed_form_grid():
    """Trained losses = the optimal closed-form loss: below s* the antipodal pair's curve, above it the
    dense winner's; on confident cells each is ≥ 20% below the other side's curve."""
    holds("C7.3", phase_runs(2))


def test_c7_3_holds_on_a_sum_reduction_run():
    """The same grid recorded with the paper's sum reduction (losses ×2): the check compares the trained
    losses with the candidates in the run's own reduction."""
    recipe = {**spec("phase_2_1")["recipe"], "loss_reduction": "sum"}
    holds("C7.3", phase_runs(2, recipe=recipe))


def test_c7_3_fails_when_one_loss_curve_never_crosses():
    """Column r ≈ 0.5 stays in the dense solution (extra dropped) at every density, with a loss 0.1% above
    that candidate's r(s/3 − s²/4), as a trained model's: below s* the trained loss is not below the other
    side's curve (only the 2 confident cells above s* hold, 2/11)."""
    s, r = axes(2)
    j = int(np.argmin(np.abs(np.log(r / 0.5))))
    mask = np.zeros((len(s), len(r)), bool)
    mask[:, j] = True
    cells = switched(2, mask, DROP_EXTRA)
    cand = theory.candidate_losses(2, r[None, :], s[:, None], "mean")
    losses = np.take_along_axis(cand, cells[None], 0)[0]
    losses[:, j] *= 1.001
    m = fails("C7.3", phase_runs(2, cells, [losses]))
    assert m.value["r=0.534"]["trained below the other curve"] == round(2 / 11, 3)
    assert m.value["r=1.87"]["trained below the other curve"] == 1.0


def test_c7_3_fails_on_sum_losses_in_a_mean_run():
    """The optimal losses under the sum reduction (2× the mean for n = 2) recorded in a run whose spec
    says mean: every trained loss is twice its own candidate's mean loss, above the other side's curve
    (at most 1/0.8 = 1.25× the best on confident cells)."""
    s, r = axes(2)
    optimal = theory.optimal_loss(2, r[None, :], s[:, None], "sum")
    fails("C7.3", phase_runs(2, losses=[optimal]))


# --------------------------------------------------------------------------- C7.4


def test_c7_4_holds_on_the_closed_form_grid_whatever_the_near_boundary_cells_do():
    """Confident cells are the closed-form winners; every near-boundary cell (margin < 20%) is switched
    to another candidate. Only confident cells are judged: 100%."""
    near = ~confident(2)
    m = holds("C7.4", phase_runs(2, switched(2, near, (closed_form(2).best + 1) % 3)))
    assert m.value["confident"] == 1.0 and m.value["near boundary"] == 0.0


def test_c7_4_holds_with_a_tenth_of_confident_cells_wrong():
    """The sparsest ⌊N/10⌋ of the N = 130 confident cells drop the extra feature instead of superposing
    it (13 cells): 117/130 = 90%."""
    k = int(confident(2).sum()) // 10
    holds("C7.4", phase_runs(2, switched(2, first_confident(2, k), DROP_EXTRA)))


def test_c7_4_fails_with_one_more_wrong_cell():
    """As above with ⌊N/10⌋ + 1 = 14 cells: 116/130 < 90%."""
    k = int(confident(2).sum()) // 10 + 1
    fails("C7.4", phase_runs(2, switched(2, first_confident(2, k), DROP_EXTRA)))


def test_c7_4_holds_on_the_best_of_three_replicas():
    """Three replicas per cell: replica 0 the closed-form winner, replicas 1 and 2 another candidate with a
    50% higher loss. ``aggregate: best`` keeps replica 0 everywhere."""
    best = closed_form(2).best
    wrong = (best + 1) % 3
    s, r = axes(2)
    cand = theory.candidate_losses(2, r[None, :], s[:, None], "mean")
    loss_best = np.take_along_axis(cand, best[None], 0)[0]
    cells = np.stack([best, wrong, wrong])
    losses = [loss_best, 1.5 * loss_best, 1.5 * loss_best]
    holds("C7.4", phase_runs(2, cells, losses, replicas=3))


def test_c7_4_fails_when_the_worse_replicas_are_the_right_ones():
    """The same cells with the losses exchanged: the wrong candidate has the lowest loss, so the kept
    models are all wrong."""
    best = closed_form(2).best
    wrong = (best + 1) % 3
    s, r = axes(2)
    cand = theory.candidate_losses(2, r[None, :], s[:, None], "mean")
    loss_best = np.take_along_axis(cand, best[None], 0)[0]
    cells = np.stack([best, wrong, wrong])
    losses = [1.5 * loss_best, loss_best, loss_best]
    m = fails("C7.4", phase_runs(2, cells, losses, replicas=3))
    assert m.value["confident"] == 0.0


# --------------------------------------------------------------------------- C8.1


def test_c8_1_holds_on_the_closed_form_grid():
    """n = 3: every cell its closed-form candidate (drop extra / extra antipodal for r < 1)."""
    m = holds("C8.1", phase_runs(3))
    assert m.value["confident"] == 1.0


def test_c8_1_holds_whatever_the_r_above_1_columns_do():
    """Every r > 1 cell switched to "extra antipodal" (wrong there): C8.1 judges r < 1 only."""
    _, r = axes(3)
    mask = np.broadcast_to(r > 1, closed_form(3).best.shape)
    holds("C8.1", phase_runs(3, switched(3, mask, ANTIPODAL)))


def test_c8_1_holds_with_a_tenth_of_its_cells_wrong():
    """The sparsest 5 of the 55 confident r < 1 cells drop the extra instead of pairing it: 50/55 ≥ 90%."""
    _, r = axes(3)
    holds("C8.1", phase_runs(3, switched(3, first_confident(3, 5, r < 1), 0)))


def test_c8_1_fails_with_one_more_wrong_cell():
    """As above with 6 of 55: 49/55 < 90%."""
    _, r = axes(3)
    fails("C8.1", phase_runs(3, switched(3, first_confident(3, 6, r < 1), 0)))


def test_c8_1_fails_when_the_extra_feature_never_superposes():
    """Every r < 1 cell drops the extra feature (no antipodal phase below 4r/(2 + 5r)); r > 1 right."""
    _, r = axes(3)
    mask = np.broadcast_to(r < 1, closed_form(3).best.shape)
    fails("C8.1", phase_runs(3, switched(3, mask, 0)))


# --------------------------------------------------------------------------- C8.2


def test_c8_2_holds_on_the_closed_form_grid():
    """n = 3, r > 1: others antipodal below 4/7, one other dropped above, the extra always dedicated."""
    m = holds("C8.2", phase_runs(3))
    assert m.value["confident"] == 1.0 and m.value["extra dedicated"] == 1.0


def test_c8_2_holds_whatever_the_r_below_1_columns_do():
    """Every r < 1 cell switched to "others antipodal" (wrong there): C8.2 judges r > 1 only."""
    _, r = axes(3)
    mask = np.broadcast_to(r < 1, closed_form(3).best.shape)
    holds("C8.2", phase_runs(3, switched(3, mask, OTHERS_ANTIPODAL)))


def test_c8_2_holds_with_a_tenth_of_its_cells_wrong():
    """The sparsest 6 of the 60 confident r > 1 cells keep one other dropped instead of the antipodal
    pair (the extra still dedicated): 54/60 = 90%."""
    _, r = axes(3)
    holds("C8.2", phase_runs(3, switched(3, first_confident(3, 6, r > 1), OTHER_DROPPED)))


def test_c8_2_fails_with_one_more_wrong_cell():
    """As above with 7 of 60: 53/60 < 90%."""
    _, r = axes(3)
    fails("C8.2", phase_runs(3, switched(3, first_confident(3, 7, r > 1), OTHER_DROPPED)))


def test_c8_2_fails_without_the_flat_4_7_switch():
    """For r > 1 the other two never form the antipodal pair (one stays dropped at every density): the
    extra is dedicated everywhere, yet the candidate is wrong below 4/7."""
    _, r = axes(3)
    mask = np.broadcast_to(r > 1, closed_form(3).best.shape)
    m = fails("C8.2", phase_runs(3, switched(3, mask, OTHER_DROPPED)))
    assert m.value["extra dedicated"] == 1.0 and m.value["confident"] < 0.9


def test_c8_2_fails_when_the_extra_feature_superposes():
    """For r > 1 the extra feature is put antipodal to another at every density."""
    _, r = axes(3)
    mask = np.broadcast_to(r > 1, closed_form(3).best.shape)
    m = fails("C8.2", phase_runs(3, switched(3, mask, ANTIPODAL)))
    assert m.value["extra dedicated"] == 0.0
