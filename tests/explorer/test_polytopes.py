"""F10's 3-D configurations on exact polytopes: found by D_i, scored, and projected losslessly."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from tms.explorer.polytopes import find, groups, project

TETRAHEDRON = torch.tensor([[1.0, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]]) / math.sqrt(3)
TRIANGLE = torch.tensor([[math.cos(a), math.sin(a), 0.0] for a in (0, 2 * math.pi / 3, 4 * math.pi / 3)])
DIGON = torch.tensor([[0.0, 0, 1], [0, 0, -1]])


def model(*rows: torch.Tensor, unlearned: int = 2) -> torch.Tensor:
    """``W [n, 3]``: the given features, then ``unlearned`` zero rows."""
    return torch.cat([*rows, torch.zeros(unlearned, 3)])


def test_a_regular_tetrahedron_is_one_exact_group():
    best = groups(model(TETRAHEDRON), k=4, d=3)[0]
    assert best.features == (0, 1, 2, 3)
    assert best.deviation == pytest.approx(0.0, abs=1e-9) and best.closure == pytest.approx(1.0)
    assert best.matches


def test_a_triangle_beside_a_digon_is_found_with_both_parts():
    W = model(TRIANGLE, DIGON).unsqueeze(0)
    found = find(W, "triangle + digon")
    assert found is not None and found.matches
    assert [g.features for g in found.parts] == [(0, 1, 2), (3, 4)]
    assert found.kept == pytest.approx(1.0)
    # the projection keeps every distance: the triangle's sides √3, the digon's length 2
    coords = found.coords
    assert np.linalg.norm(coords[0] - coords[1]) == pytest.approx(math.sqrt(3))
    assert np.linalg.norm(coords[3] - coords[4]) == pytest.approx(2.0)


def test_the_best_model_of_a_sweep_is_the_one_that_matches():
    """Model 0 holds a distorted tetrahedron (no match), model 1 an exact one."""
    distorted = TETRAHEDRON.clone()
    distorted[0] = torch.tensor([1.0, 0.2, 0.0])
    found = find(torch.stack([model(distorted), model(TETRAHEDRON)]), "tetrahedron")
    assert found.index == 1 and found.matches


def test_a_model_without_the_polytope_does_not_match():
    """Four orthogonal-ish features in 3-D are no tetrahedron: D_i is not 3/4 for all of them."""
    square = torch.tensor([[1.0, 0, 0], [-1, 0, 0], [0, 1, 0], [0, 0, 1]])
    assert not groups(model(square), k=4, d=3)[0].matches


def test_projection_onto_the_span_is_lossless_for_features_in_a_subspace():
    rotation, _ = torch.linalg.qr(torch.randn(5, 5, dtype=torch.float64))
    W_f = torch.cat([TETRAHEDRON.double(), torch.zeros(4, 2, dtype=torch.float64)], dim=1) @ rotation  # in R^5
    coords, kept = project(W_f, [((0, 1, 2, 3), 3)])
    assert kept == pytest.approx(1.0)
    np.testing.assert_allclose(coords @ coords.T, (W_f @ W_f.T).numpy(), atol=1e-9)
