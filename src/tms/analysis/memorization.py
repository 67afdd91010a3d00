"""Memorization and double descent (beyond the paper: Henighan et al. 2023, "Superposition,
Memorization, and Double Descent").

A ReLU-output model trained on T fixed points can store either the *features* (W_i, as with
infinite data) or the *data points*: the hidden vectors h_t = W x_t of its training points
(``W`` rows are features, so h_t = Σ_i x_ti W_i, ``[T, m]``). The follow-up measures both with
the paper's dimensionality (#geometry-dimensionality), applied to either set of vectors:

    D_v = ‖v‖² / Σ_u (v̂ · u)²   (u over the set, v included)

so a set of vectors sharing m dimensions evenly (a regular polygon in 2-D: D = 2/T each) has
high D, and vectors crowded onto shared directions have low D. Few points: the h_t form a
polygon, the features only follow their points; many points: a few features form a polygon and
the h_t crowd onto them; in between both are low and the test loss peaks (double descent).

A training-set size's model is its replica with the lowest *training* loss (the objective the
replicas optimise; the test loss is what is measured, so it must not choose).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from tms.analysis.metrics import feature_dimensionality
from tms.core.experiments import Experiment
from tms.core.io import Run


@dataclass(frozen=True)
class Fit:
    """The chosen model at one training-set size of a finite-data run."""

    T: int  # training-set size
    m: int  # hidden dimension
    density: float  # p = 1 − S of every feature
    test_loss: float  # on fresh points (the run's eval_loss)
    train_loss: float  # on its T training points
    W: torch.Tensor  # [n, m] features
    h: torch.Tensor  # [T, m] hidden vectors of the training points

    @property
    def data_dim(self) -> torch.Tensor:
        """``[T]``: each training point's dimensionality D_t."""
        return feature_dimensionality(self.h)

    @property
    def feature_dim(self) -> torch.Tensor:
        """``[n]``: each feature's dimensionality D_i (0 for an unrepresented W_i = 0)."""
        return feature_dimensionality(self.W)

    @property
    def appearances(self) -> float:
        """T·p: how often each feature is expected to be active in the training set."""
        return self.T * self.density


def fits(run: Run) -> list[Fit]:
    """One ``Fit`` per sweep point of a finite-data run (``train_set_sizes``), in point order:
    the replica with the lowest training loss, its training set regenerated from the run's spec."""
    exp = Experiment.from_spec(run.spec)
    if exp.train_set_sizes is None:
        raise ValueError(f"run {exp.name} is not a finite-data run (its spec has no train_set_sizes)")
    points, train = run.values("point"), run["train_loss"]
    out = []
    for point in range(len(exp.points)):
        members = [k for k, p in enumerate(points) if p == point]
        k = min(members, key=lambda i: float(train[i]))
        x = exp.training_set(point).x[members.index(k)]  # [T, n]
        W = run.W[k]
        out.append(
            Fit(
                T=int(run.values("train_size")[k]),
                m=exp.n_hidden,
                density=float(run.density[k]),
                test_loss=float(run.eval_loss[k]),
                train_loss=float(train[k]),
                W=W,
                h=x @ W,
            )
        )
    return out


def polygon_deviation(h: torch.Tensor) -> tuple[float, float]:
    """How far 2-D vectors ``h [T, 2]`` are from a regular T-gon: the largest relative deviation
    of the angular gaps between neighbours from 2π/T, and the spread of the norms
    (max − min) / mean. Both 0 for a regular polygon."""
    if h.dim() != 2 or h.shape[1] != 2 or h.shape[0] < 2:
        raise ValueError(f"h must have shape [T >= 2, 2]; got {tuple(h.shape)}")
    angles = torch.atan2(h[:, 1], h[:, 0]).double().sort().values
    gaps = torch.diff(torch.cat([angles, angles[:1] + 2 * math.pi]))
    T = h.shape[0]
    norms = h.norm(dim=1)
    gap_deviation = float((gaps / (2 * math.pi / T) - 1).abs().max())
    return gap_deviation, float((norms.max() - norms.min()) / norms.mean())


def peak(curve: list[Fit]) -> Fit:
    """The fit with the highest test loss."""
    return max(curve, key=lambda f: f.test_loss)
