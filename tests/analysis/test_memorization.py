"""tms.analysis.memorization: the dimensionality of data points and features on hand-made
arrangements (closed forms), the polygon measure, and the fits read back from a finite run."""

from __future__ import annotations

import math

import pytest
import torch

from tms.analysis.memorization import fits, peak, polygon_deviation
from tms.analysis.metrics import feature_dimensionality
from tms.core.experiments import Experiment
from tms.core.io import Run
from tms.core.running import run_experiment
from tms.core.train import Recipe


def _polygon(T: int, radius: float = 1.0, phase: float = 0.3) -> torch.Tensor:
    angles = phase + 2 * math.pi * torch.arange(T, dtype=torch.float64) / T
    return radius * torch.stack([angles.cos(), angles.sin()], dim=1)


@pytest.mark.parametrize("T", [3, 5, 8, 20])
def test_regular_polygon_points_share_the_plane_evenly(T):
    """A regular T-gon (T ≥ 3) in 2-D: Σ_s cos²(θ_t − θ_s) = T/2, so every D_t = 2/T, whatever the radius."""
    torch.testing.assert_close(feature_dimensionality(_polygon(T, 1.7)), torch.full((T,), 2 / T, dtype=torch.float64))
    assert polygon_deviation(_polygon(T, 1.7)) == pytest.approx((0.0, 0.0), abs=1e-9)


def test_hand_made_dimensionalities():
    """An antipodal pair beside an orthogonal vector: 1/2, 1/2, 1 for equal norms; k copies of one direction: 1/k
    each (norms do not matter); a zero vector: 0."""
    pair = torch.tensor([[1.0, 0.0], [-2.0, 0.0], [0.0, 0.5]])
    # D_0 = ‖v‖² / Σ_u (v̂·u)² = 1 / (1 + 4 + 0); D_1 = 4 / (1 + 4 + 0); the orthogonal one: 1
    torch.testing.assert_close(feature_dimensionality(pair), torch.tensor([1 / 5, 4 / 5, 1.0]))
    equal_pair = torch.tensor([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0]])
    torch.testing.assert_close(feature_dimensionality(equal_pair), torch.tensor([0.5, 0.5, 1.0]))
    line = torch.tensor([[1.0, 1.0]] * 4)
    torch.testing.assert_close(feature_dimensionality(line), torch.full((4,), 0.25))
    assert float(feature_dimensionality(torch.tensor([[0.0, 0.0], [1.0, 0.0]]))[0]) == 0.0


def test_polygon_deviation_measures_gaps_and_norms():
    """A square with one vertex turned by a quarter of its gap: gaps 1.25 and 0.75 of π/2 → 0.25;
    one vertex at half the radius: norm spread 0.5 / 0.875."""
    square = _polygon(4, phase=0.0)
    turned = square.clone()
    turned[1] = torch.tensor([math.cos(math.pi / 2 * 1.25), math.sin(math.pi / 2 * 1.25)], dtype=torch.float64)
    assert polygon_deviation(turned)[0] == pytest.approx(0.25)
    short = square.clone()
    short[2] *= 0.5
    assert polygon_deviation(short) == pytest.approx((0.0, 0.5 / 0.875))
    with pytest.raises(ValueError, match="shape"):
        polygon_deviation(torch.ones(4, 3))


def test_fits_choose_the_lowest_training_loss_and_regenerate_the_points():
    exp = Experiment(
        name="dd",
        model="relu_output",
        n_features=30,
        n_hidden=2,
        densities=(0.1,),
        replicas=3,
        train_set_sizes=(4, 9),
        recipe=Recipe(steps=40, lr=0.02, eval_samples=500, log_every=10),
    )
    run = Run(*run_experiment(exp))
    curve = fits(run)
    assert [f.T for f in curve] == [4, 9]
    for point, f in enumerate(curve):
        members = range(3 * point, 3 * point + 3)
        k = min(members, key=lambda i: float(run["train_loss"][i]))
        assert f.train_loss == float(run["train_loss"][k]) and f.test_loss == float(run.eval_loss[k])
        x = exp.training_set(point).x[k - 3 * point]
        torch.testing.assert_close(f.h, x @ run.W[k])
        assert f.data_dim.shape == (f.T,) and f.feature_dim.shape == (30,)
        assert f.appearances == pytest.approx(f.T * 0.1)
    assert peak(curve).test_loss == max(f.test_loss for f in curve)
    with pytest.raises(ValueError, match="not a finite-data run"):
        fits(
            Run(
                *run_experiment(
                    Experiment(
                        name="x",
                        model="relu_output",
                        n_features=5,
                        n_hidden=2,
                        densities=(0.1,),
                        recipe=Recipe(steps=5, eval_samples=10),
                    )
                )
            )
        )
