"""tms.analysis.phase_diagram and tms.claims.phase_change: classification of hand-made weights, grid
aggregation, boundary fits, and the F7/F8 claims on synthetic run artefacts (#phase-change)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tms.analysis import theory
from tms.analysis.phase_diagram import (
    OTHER,
    candidate_index,
    candidate_signatures,
    extra_state,
    kept_replicas,
    nearest_column,
    phase_grid,
    threshold_boundary,
)
from tms.claims import phase_change as pc
from tms.claims.check import check_figure
from tms.core.experiments import Experiment
from tms.core.io import Run
from tms.core.train import Recipe

NR, DED, SUP = theory.NOT_REPRESENTED, theory.DEDICATED, theory.SUPERPOSITION


@pytest.mark.parametrize(
    "W, state",
    [
        ([[1.0], [0.0]], NR),
        ([[1.0], [0.3]], NR),  # ‖W_extra‖ ≤ 0.5: not represented
        ([[0.05], [1.0]], DED),  # a trace of another feature along it: still dedicated
        ([[0.0], [1.0]], DED),
        ([[1.0], [-1.0]], SUP),  # antipodal pair
        ([[0.6], [-0.9]], SUP),  # (Ŵ_extra·W_0)² = 0.36 ≥ 0.25
        ([[0.45], [0.9]], DED),  # 0.2025 < 0.25
    ],
)
def test_extra_state_n2(W, state):
    assert extra_state(torch.tensor(W)) == state


def test_every_candidate_classifies_as_itself():
    for n in (2, 3):
        for i, c in enumerate(theory.candidates(n)):
            W = torch.from_numpy(c.W).float()
            assert candidate_index(W) == i
            assert extra_state(W) == c.extra
            assert candidate_index(0.9 * W) == i  # trained norms sit a little below 1
        assert len(set(candidate_signatures(n))) == len(theory.candidates(n))


def test_unmatched_weights_are_other_and_batches_broadcast():
    W = torch.tensor([[[0.1], [0.2]], [[0.0], [1.0]]])  # nothing represented; extra dedicated
    np.testing.assert_array_equal(candidate_index(W), [OTHER, 1])
    triangle = torch.tensor([[1.0, 0.0], [-0.5, 0.866], [-0.5, -0.866]])  # all three, extra overlapping two
    assert extra_state(triangle) == SUP
    assert candidate_index(triangle) == theory.candidate_labels(3).index("extra_antipodal")


def test_kept_replicas():
    loss = np.array([[0.3, 0.1, 0.2], [0.5, 0.4, 0.9]])
    np.testing.assert_array_equal(kept_replicas(loss, "best"), [[1], [1]])
    np.testing.assert_array_equal(kept_replicas(loss, "drop_worst"), [[1, 2], [1, 0]])
    with pytest.raises(ValueError, match="aggregate"):
        kept_replicas(loss, "median")


def test_threshold_boundary():
    s = np.array([0.01, 0.04, 0.16, 0.64])
    assert threshold_boundary(s, [True, True, False, False]) == (pytest.approx(0.08), 0)
    assert threshold_boundary(s, [True, False, True, False]) == (pytest.approx(0.02), 1)  # best split, one error
    assert threshold_boundary(s, [True] * 4) == (0.64, 0)
    assert threshold_boundary(s, [False] * 4) == (0.01, 0)
    with pytest.raises(ValueError, match="increasing"):
        threshold_boundary(s[::-1], [True] * 4)


# --------------------------------------------------------------------------- synthetic grids


def synthetic_run(n: int, size: int = 15, replicas: int = 3, aggregate: str = "best", wrong=None) -> Run:
    """A phase-diagram artefact whose models are exactly the closed-form winners (norm 0.95), with
    the closed-form loss; replica 0 of each cell is replaced by ``wrong(best_index)`` (a candidate
    index) with a 50% higher loss when ``wrong`` is given."""
    exp = Experiment(
        name=f"phase_{n}",
        model="relu_output",
        n_features=n,
        n_hidden=n - 1,
        densities=tuple(np.logspace(-2, 0, size)),
        relative_importance=tuple(np.logspace(-1, 1, size)),
        replicas=replicas,
        aggregate=aggregate,
        recipe=Recipe(steps=1),
    )
    table = exp.instance_table()
    cands = theory.candidates(n)
    W, b, loss = [], [], []
    for k, (s, r) in enumerate(zip(table["density"], table["relative_importance"], strict=True)):
        best = int(np.argmin(theory.candidate_losses(n, r, s)))
        pick = wrong(best) if wrong is not None and table["replica"][k] == 0 else best
        W.append(0.95 * cands[pick].W)
        b.append(cands[pick].bias(s))
        loss.append(float(cands[pick].loss(r, s, "mean")) * (1.5 if pick != best else 1.0))
    tensors = {
        "W": torch.tensor(np.array(W), dtype=torch.float32),
        "b": torch.tensor(np.array(b), dtype=torch.float32),
        "eval_loss": torch.tensor(loss),
        "importance": exp.importance(),
    }
    return Run(tensors, {"experiment": exp.to_dict(), "instances": table})


def test_phase_grid_recovers_the_closed_form_map():
    grid = phase_grid(synthetic_run(2))
    assert grid.state.shape == (15, 15) and grid.kept == 1
    np.testing.assert_array_equal(grid.state, grid.theory_state())
    np.testing.assert_array_equal(grid.candidate, grid.theory().best)
    np.testing.assert_allclose(grid.loss, theory.optimal_loss(2, grid.r[None, :], grid.s[:, None], "mean"), rtol=1e-6)
    assert grid.r[nearest_column(grid, 0.5)] == pytest.approx(np.logspace(-1, 1, 15)[5])


def test_best_of_k_and_drop_worst_ignore_a_wrong_replica():
    wrong = lambda best: (best + 1) % 3  # noqa: E731
    for aggregate, kept in (("best", 1), ("drop_worst", 2)):
        grid = phase_grid(synthetic_run(2, replicas=3, aggregate=aggregate, wrong=wrong))
        assert grid.kept == kept
        np.testing.assert_array_equal(grid.candidate, grid.theory().best)
        assert (grid.agreeing == 1).all()
    # with only two replicas, drop_worst keeps one model: the better one
    grid = phase_grid(synthetic_run(2, replicas=2, aggregate="drop_worst", wrong=wrong))
    np.testing.assert_array_equal(grid.candidate, grid.theory().best)


def test_majority_of_kept_replicas_decides_and_colours_are_means():
    # 4 replicas, drop the worst: 3 kept, of which 2 are the wrong candidate (equal loss ranks put
    # the correct one first, so a tie-break alone would pick it): the majority wins.
    run = synthetic_run(2, size=3, replicas=4, aggregate="drop_worst")
    table = run.meta["instances"]
    W = run.W.clone()
    loss = run.eval_loss.clone()
    for k, rep in enumerate(table["replica"]):
        if rep in (1, 2):
            W[k] = torch.tensor([[0.0], [0.95]])  # extra dedicated
        if rep == 3:
            loss[k] = loss[k] * 10  # the worst: dropped
    grid = phase_grid(Run({**run.tensors, "W": W, "eval_loss": loss}, run.meta))
    assert (grid.state == DED).all()
    np.testing.assert_allclose(grid.agreeing, np.where(grid.theory_state() == DED, 1, 2 / 3))
    assert grid.extra_norm.max() == pytest.approx(0.95, rel=1e-6)


def test_phase_grid_rejects_a_plain_run():
    exp = Experiment(name="x", model="relu_output", n_features=2, n_hidden=1, densities=(1.0,))
    run = Run(
        {"W": torch.zeros(1, 2, 1), "eval_loss": torch.zeros(1)},
        {"experiment": exp.to_dict(), "instances": exp.instance_table()},
    )
    with pytest.raises(ValueError, match="relative_importance"):
        phase_grid(run)


def test_claims_hold_on_the_closed_form_grid():
    rows = {r["id"]: r for r in check_figure("phase_diagram", {"phase_2_1": synthetic_run(2)})}
    assert set(rows) == {"C7.1", "C7.2", "C7.3", "C7.4"}
    assert all(r["status"] == "held" for r in rows.values()), rows
    assert rows["C7.4"]["measured"]["confident"] == 1.0
    assert rows["C7.4"]["measured"]["near cells"] > 0  # near-boundary agreement is reported too
    rows = {r["id"]: r for r in check_figure("phase_diagram_3_2", {"phase_3_2": synthetic_run(3)})}
    assert set(rows) == {"C8.1", "C8.2"}
    assert all(r["status"] == "held" for r in rows.values()), rows


def test_claims_report_a_disagreeing_grid_as_not_held():
    """Every model keeps the extra feature dedicated: C7.4 falls to the dedicated share of cells."""
    run = synthetic_run(2, replicas=1)
    dedicated = torch.from_numpy(theory.candidates(2)[1].W).float().expand_as(run.W).clone()
    grid = phase_grid(Run({**run.tensors, "W": dedicated}, run.meta))
    m = pc.agreement_claim(grid)
    pm = grid.theory()
    confident = pm.margin >= pc.MARGIN
    expected = float((grid.theory_state() == DED)[confident].mean())
    assert not m.held and m.value["confident"] == pytest.approx(expected, abs=1e-3)
    assert not pc.boundary_claim(grid).held


def test_theory_check_and_boundary_tolerance():
    assert pc.theory_matches_boundary(2) and pc.theory_matches_boundary(3)
    grid = phase_grid(synthetic_run(2, size=3))  # s = 0.01, 0.1, 1: a step of ×10
    assert pc.boundary_tolerance(grid) == pytest.approx(pc.BOUNDARY_FACTOR * np.sqrt(10))
