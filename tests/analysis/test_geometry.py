"""The polytope classifier against exact polytopes, their tegum products and hand-made weights."""

from __future__ import annotations

import math

import pytest
import torch

from tms.analysis.geometry import NOT_LEARNED, classify_features, describe, polytope_name, shape_counts, tegum_factors
from tms.analysis.metrics import feature_dimensionality


def polygon(k: int) -> torch.Tensor:
    """Regular k-gon of unit vectors in 2-D, ``[k, 2]``."""
    a = torch.arange(k, dtype=torch.float64) * 2 * math.pi / k
    return torch.stack([a.cos(), a.sin()], 1)


def tetrahedron() -> torch.Tensor:
    return torch.tensor([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]], dtype=torch.float64) / math.sqrt(3)


def square_antiprism() -> torch.Tensor:
    """8 unit vectors, two squares at z = ±1/√3 turned by 45°: the tight frame (D_i = 3/8)."""
    h, r = 1 / math.sqrt(3), math.sqrt(2 / 3)
    rows = []
    for j in range(4):
        for z, turn in ((h, 0.0), (-h, math.pi / 4)):
            a = j * math.pi / 2 + turn
            rows.append([r * math.cos(a), r * math.sin(a), z])
    return torch.tensor(rows, dtype=torch.float64)


def tegum(*blocks: torch.Tensor) -> torch.Tensor:
    """Block-diagonal product: each block in its own orthogonal coordinates."""
    return torch.block_diag(*blocks)


def rotate(W: torch.Tensor, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    Q, _ = torch.linalg.qr(torch.randn(W.shape[1], W.shape[1], generator=g, dtype=W.dtype))
    return W @ Q


@pytest.mark.parametrize(
    "W, name, fraction",
    [
        (torch.ones(1, 1, dtype=torch.float64), "dedicated", 1.0),
        (torch.tensor([[1.0], [-1.0]], dtype=torch.float64), "digon", 1 / 2),
        (polygon(3), "triangle", 2 / 3),
        (polygon(5), "pentagon", 2 / 5),
        (polygon(6), "hexagon", 1 / 3),
        (polygon(7), "7-gon", 2 / 7),
        (tetrahedron(), "tetrahedron", 3 / 4),
        (square_antiprism(), "square antiprism", 3 / 8),
    ],
)
def test_exact_polytopes_are_named_and_match_their_fraction(W, name, fraction):
    W = rotate(torch.cat([W, torch.zeros(W.shape[0], 2, dtype=W.dtype)], 1))  # in a larger space, turned
    (factor,) = tegum_factors(W)
    assert factor.name == name and factor.size == W.shape[0]
    assert factor.fraction == pytest.approx(fraction)
    assert factor.deviation < 1e-9
    assert feature_dimensionality(W) == pytest.approx(torch.full((W.shape[0],), fraction, dtype=W.dtype), abs=1e-9)


def test_square_and_octahedron_are_orthogonal_digons():
    square = polygon(4)
    octahedron = torch.cat([torch.eye(3), -torch.eye(3)]).double()
    assert shape_counts(square) == {"digon": 2}
    assert shape_counts(rotate(octahedron)) == {"digon": 3}


def test_tegum_product_splits_into_factors_and_skips_unlearned():
    W = tegum(polygon(5), tetrahedron(), torch.tensor([[1.0], [-1.0]], dtype=torch.float64), torch.ones(1, 1).double())
    W = torch.cat([W, 0.1 * torch.ones(1, W.shape[1], dtype=W.dtype)])  # a feature with norm < 0.5
    names = classify_features(rotate(W, seed=3))
    assert names == ["pentagon"] * 5 + ["tetrahedron"] * 4 + ["digon"] * 2 + ["dedicated", NOT_LEARNED]


def test_deformed_pentagon_keeps_its_name_and_reports_its_deviation():
    W = polygon(5)
    W[0] *= 0.8  # one feature shrunk (the non-uniform experiment's deformation)
    (factor,) = tegum_factors(W)
    assert factor.name == "pentagon"
    D = feature_dimensionality(W)
    assert factor.deviation == pytest.approx(float((D - 0.4).abs().max()))
    assert factor.deviation > 0.01


def test_small_overlaps_do_not_merge_factors():
    W = tegum(torch.tensor([[1.0], [-1.0]]), torch.tensor([[1.0], [-1.0]])).double()
    W[0, 1] = 0.05  # |cos| ≈ 0.05 < the 0.1 link threshold
    assert shape_counts(W) == {"digon": 2}


def test_names_and_errors():
    assert polytope_name(4, 3) == "tetrahedron"
    assert polytope_name(5, 4) == "4-simplex"
    assert polytope_name(5, 4, deviation=0.3) == "5 features in 4-D"  # far from regular: no simplex
    assert polytope_name(7, 4) == "7 features in 4-D"
    assert tegum_factors(torch.zeros(3, 2)) == []
    with pytest.raises(ValueError, match=r"\[n, m\]"):
        tegum_factors(torch.zeros(2, 3, 2))


def test_describe_names_the_whole_configuration():
    two_digons = tegum(torch.tensor([[1.0], [-1.0]]), torch.tensor([[1.0], [-1.0]])).double()
    assert describe(torch.cat([two_digons, torch.zeros(1, 2, dtype=torch.float64)])) == "2 digons"
    assert describe(polygon(5)) == "pentagon"
    assert describe(tegum(polygon(3), torch.tensor([[1.0], [-1.0]]).double())) == "triangle + digon"
    assert describe(torch.zeros(2, 2)) == "nothing learned"


def test_line_enrichment_sees_clusters_not_spreads():
    import numpy as np

    from tms.claims.geometry import line_enrichment

    spread = np.linspace(0.0, 1.0, 10_001)  # evenly spread D_i: no line anywhere
    assert line_enrichment(spread, 0.5) == pytest.approx(1.0, rel=0.05)
    assert line_enrichment(spread, 0.4) == pytest.approx(1.0, rel=0.05)  # flanks cut by the 3/8 band
    clustered = np.concatenate([spread, np.full(2000, 0.5)])
    assert line_enrichment(clustered, 0.5) > 5
    assert line_enrichment(clustered, 2 / 3) == pytest.approx(1.0, rel=0.05)
