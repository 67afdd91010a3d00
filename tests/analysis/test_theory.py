"""Closed-form phase-change theory: C7.1, C7.3, C8.1, C8.2 (docs/figures.md, "Analytic background")."""

import numpy as np
import pytest
import torch

from tms.analysis import theory
from tms.core.data import SparseFeatures

R_GRID = np.logspace(-1, 1, 200)  # r in [0.1, 10]; 200 points avoid r = 1 exactly (a tie)
S_GRID = np.logspace(-2, 0, 1001)  # s in [0.01, 1]
DLOG_S = np.log(S_GRID[1] / S_GRID[0])


def _label_index(n, label):
    return theory.candidate_labels(n).index(label)


def _assert_flips_at(classified, expected, s_boundary):
    """classified == expected except within one grid step (in log s) of the boundary."""
    wrong = classified != expected
    near = np.abs(np.log(S_GRID)[:, None] - np.log(s_boundary)[None, :]) <= DLOG_S
    assert not (wrong & ~near).any()


@pytest.mark.parametrize("n", [2, 3])
def test_phase_map_matches_boundary(n):
    pm = theory.phase_map(n, R_GRID, S_GRID)
    assert pm.best.shape == (len(S_GRID), len(R_GRID))
    s_b = theory.boundary(n, R_GRID)
    below = S_GRID[:, None] < s_b[None, :]
    low_r = (R_GRID < 1)[None, :]
    if n == 2:
        expected = np.where(
            below,
            _label_index(2, "extra_antipodal"),
            np.where(low_r, _label_index(2, "extra_dropped"), _label_index(2, "extra_dedicated")),
        )
    else:
        expected = np.where(
            low_r,
            np.where(below, _label_index(3, "extra_antipodal"), _label_index(3, "extra_dropped")),
            np.where(below, _label_index(3, "others_antipodal"), _label_index(3, "other_dropped")),
        )
    _assert_flips_at(pm.best, expected, s_b)
    # both sides of every boundary lie inside the grid: the flip really happens there
    assert below.any(axis=0).all() and (~below).any(axis=0).all()
    assert (pm.gap >= 0).all() and np.allclose(pm.margin, pm.gap / (1 + pm.gap))


def test_boundary_formulas_solve_the_loss_equalities():
    r = np.logspace(-1, 1, 57)
    s = theory.boundary_2_1(r)
    losses = theory.candidate_losses(2, r, s)
    superposed = losses[_label_index(2, "extra_antipodal")]
    other = np.where(r <= 1, losses[_label_index(2, "extra_dropped")], losses[_label_index(2, "extra_dedicated")])
    np.testing.assert_allclose(superposed, other, rtol=1e-12)
    np.testing.assert_allclose(theory.boundary_2_1([0.5, 1.0, 2.0]), [2 / 4.5, 4 / 7, 4 / 9])


def test_triple_point():
    r, s = theory.TRIPLE_POINT
    assert (r, s) == (1.0, 4 / 7)
    np.testing.assert_allclose(theory.candidate_losses(2, r, s), 16 / 147, rtol=1e-12)
    np.testing.assert_allclose(theory.candidate_losses(3, r, s), 16 / 147, rtol=1e-12)
    assert theory.boundary_2_1(1.0) == pytest.approx(4 / 7) == theory.boundary_3_2(1.0)


def test_3_2_boundary_is_flat_above_r_1():
    r = np.logspace(0, 1, 50)[1:]
    np.testing.assert_allclose(theory.boundary_3_2(r), 4 / 7)
    s = np.array([4 / 7 * 0.99, 4 / 7 * 1.01])
    pm = theory.phase_map(3, r, s)
    assert (pm.best[0] == _label_index(3, "others_antipodal")).all()
    assert (pm.best[1] == _label_index(3, "other_dropped")).all()
    # the extra feature is dedicated everywhere for r > 1 (C8.2)
    extra = np.array([c.extra for c in theory.candidates(3)])
    assert (extra[theory.phase_map(3, r, S_GRID).best] == theory.DEDICATED).all()


def test_candidate_weights():
    for n, m in [(2, 1), (3, 2)]:
        for c in theory.candidates(n):
            assert c.W.shape == (n, m)
            norms = np.linalg.norm(c.W, axis=1)
            assert set(np.round(norms, 12)) <= {0.0, 1.0}
            assert {i for i in range(n) if norms[i] == 0} == set(c.dropped)
            for a, b in c.antipodal:
                np.testing.assert_array_equal(c.W[a], -c.W[b])
            np.testing.assert_array_equal(c.bias(0.3), [0.15 if i in c.dropped else 0.0 for i in range(n)])
    np.testing.assert_allclose(theory.candidate_losses(3, 2.0, 0.3, "mean") * 3, theory.candidate_losses(3, 2.0, 0.3))


MC_SAMPLES = 2_000_000
MC_POINTS = [(0.05, 0.3), (0.3, 2.0), (4 / 7, 1.0), (0.9, 5.0)]  # (s, r)


@pytest.mark.parametrize("n", [2, 3])
@pytest.mark.parametrize("s, r", MC_POINTS)
def test_closed_forms_match_monte_carlo(n, s, r):
    """x' = ReLU(x W Wᵀ + b) with each candidate's W and bias (s/2 on dropped, 0 elsewhere)."""
    gen = torch.Generator().manual_seed(1234 + n + int(1000 * s))
    x = SparseFeatures(torch.full((1, n), s)).sample(MC_SAMPLES, gen)[0].double()
    for cand in theory.candidates(n):
        W, b = torch.from_numpy(cand.W), torch.from_numpy(cand.bias(s))
        per_sample = (torch.relu(x @ W @ W.T + b) - x).square() @ torch.from_numpy(cand.importance(r))
        mean = per_sample.mean().item()
        se = per_sample.std().item() / np.sqrt(MC_SAMPLES)
        closed = float(cand.loss(r, s))
        assert abs(mean - closed) < 4 * se, (cand.label, s, r, mean, closed, se)


def test_antipodal_zero_bias_is_not_bias_optimal():
    """The paper's (1 + r)s²/6 holds at b = 0, but a small positive bias lowers it (paired MC)."""
    s = 4 / 7
    gen = torch.Generator().manual_seed(7)
    x = SparseFeatures(torch.full((1, 2), s)).sample(MC_SAMPLES, gen)[0].double()
    W = torch.tensor([[1.0], [-1.0]], dtype=torch.float64)

    def per_sample(b):
        return (torch.relu(x @ W @ W.T + b) - x).square().sum(1)

    diff = per_sample(0.05) - per_sample(0.0)
    assert diff.mean() + 4 * diff.std() / np.sqrt(MC_SAMPLES) < 0


@pytest.mark.parametrize("n", [2, 3])
@pytest.mark.parametrize("r", [0.5, 2.0])
def test_optimal_loss_slope_jumps_at_boundary(n, r):
    kink = theory.slope_jump(n, r)
    s_b = float(kink.s)
    # first-order transition: left slope (superposition side) exceeds the right slope clearly
    expected_jump = min(r, 1.0) / 3
    assert float(kink.left - kink.right) == pytest.approx(expected_jump, rel=1e-9)
    assert kink.left - kink.right > 0.1
    # the optimal loss is continuous and the one-sided finite differences agree with the slopes
    h = 1e-6

    def f(s):
        return float(theory.optimal_loss(n, r, s))

    assert f(s_b - h) == pytest.approx(f(s_b + h), abs=1e-5)
    assert (f(s_b) - f(s_b - h)) / h == pytest.approx(float(kink.left), abs=1e-5)
    assert (f(s_b + h) - f(s_b)) / h == pytest.approx(float(kink.right), abs=1e-5)
    # away from the boundary optimal_loss_ds is the slope of the optimal loss
    for s in (0.5 * s_b, min(0.5 + 0.5 * s_b, 0.99)):
        fd = (f(s + h) - f(s - h)) / (2 * h)
        assert float(theory.optimal_loss_ds(n, r, s)) == pytest.approx(fd, abs=1e-6)
