"""tms.analysis.dynamics on hand-made trajectories: a step is one jump, a log-uniform drift is none."""

from __future__ import annotations

import math

import pytest
import torch

from tms.analysis.dynamics import jumps, loss_drop, trajectories, windows
from tms.core.train import Recipe

STEPS = Recipe(steps=10_000, checkpoints=60).checkpoint_steps()


def test_a_step_is_one_jump_at_its_step():
    """D_i jumps from 0.2 to 0.5 between two checkpoints: all of its change is in one window,
    whose middle is within a quarter decade of the jump."""
    jump_at = STEPS.index(next(s for s in STEPS if s >= 1000))
    D = torch.full((len(STEPS), 1), 0.2)
    D[jump_at:] = 0.5
    j = jumps(D, STEPS)
    assert j["share"].item() == pytest.approx(1.0)
    assert abs(math.log10(j["step"].item()) - 3) < 0.25


def test_log_uniform_drift_spreads_its_change():
    """D_i rising linearly in log(step) over 4 decades puts about 1/16 of its change in a
    quarter-decade window."""
    logs = torch.tensor([math.log10(max(s, 1)) for s in STEPS])
    D = (0.1 + 0.1 * logs)[:, None]
    share = jumps(D, STEPS)["share"].item()
    assert 0.05 < share < 0.1


def test_windows_span_at_most_a_quarter_decade():
    for a, b in windows(STEPS, 0.25):
        assert b > a and math.log10(STEPS[b]) - math.log10(max(STEPS[a], 1)) <= 0.25 + 1e-9


def test_trajectories_and_loss_drop():
    """Trajectories are D_i per checkpoint (antipodal pair: 1/2); loss_drop reads the curve."""
    W = torch.tensor([[1.0], [-1.0]])[None, None].expand(1, 3, 2, 1)
    torch.testing.assert_close(trajectories(W), torch.full((1, 3, 2), 0.5))
    assert loss_drop([0, 5, 10], torch.tensor([3.0, 2.0, 0.5]), [0, 10], (0, 1)) == 2.5
