"""F13 pieces: the relative-density sweep, canonicalisation and the snap ratio, on hand-made inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from tms.analysis.non_uniform import canonical, snap_ratio
from tms.core.experiments import Experiment


def test_relative_density_scales_only_the_last_feature():
    exp = Experiment(
        name="nu",
        model="relu_output",
        n_features=5,
        n_hidden=2,
        densities=(0.05,),
        relative_density=(0.5, 2.0),
        replicas=2,
    )
    table = exp.instance_table()
    assert table["relative_density"] == [0.5, 0.5, 2.0, 2.0] and table["point"] == [0, 0, 1, 1]
    density = exp.features().density
    assert torch.allclose(density[:, :4], torch.full((4, 4), 0.05))
    assert torch.allclose(density[:, 4], torch.tensor([0.025, 0.025, 0.1, 0.1]))
    assert exp.to_dict()["relative_density"] == [0.5, 2.0]
    with pytest.raises(ValueError, match="must be <= 1"):
        Experiment(name="nu", model="relu_output", n_features=5, n_hidden=2, densities=(0.5,), relative_density=(4.0,))
    with pytest.raises(ValueError, match="relative_density"):
        Experiment(name="nu", model="relu_output", n_features=5, n_hidden=2, densities=(0.5,), relative_density=(-1.0,))


def test_canonical_pose_is_rotation_and_flip_invariant():
    a = np.arange(5) * 2 * math.pi / 5 + 0.3
    W = np.stack([np.cos(a), np.sin(a)], 1)
    ref = canonical(W)
    assert ref[-1] == pytest.approx([1.0, 0.0], abs=1e-12)  # the varied (last) feature points right
    for turn in (0.7, 2.0):
        R = np.array([[math.cos(turn), -math.sin(turn)], [math.sin(turn), math.cos(turn)]])
        assert canonical(W @ R.T) == pytest.approx(ref, abs=1e-9)
        assert canonical((W @ R.T) * [1, -1]) == pytest.approx(ref, abs=1e-9)  # mirrored too


def test_snap_ratio_is_the_geometric_mean_at_the_switch():
    rs = np.array([0.1, 0.2, 0.4, 0.8, 1.6])
    assert snap_ratio(rs, ["2 digons", "2 digons", "pentagon", "pentagon", "pentagon"]) == pytest.approx(
        math.sqrt(0.08)
    )
    assert snap_ratio(rs, ["pentagon"] * 5) is None
