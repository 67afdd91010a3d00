"""tms.analysis.metrics against exact polytopes (docs/figures.md "Common setup") and a hand-written per-feature loop.

W has shape [..., n, m]: row i is feature i's embedding W_i.
"""

from __future__ import annotations

import math

import pytest
import torch

from tms.analysis import metrics

DT = torch.float64


def polygon(k: int) -> torch.Tensor:
    """Regular k-gon of unit vectors in 2-D, ``[k, 2]``."""
    a = 2 * math.pi * torch.arange(k, dtype=DT) / k
    return torch.stack([a.cos(), a.sin()], -1)


def simplex(m: int) -> torch.Tensor:
    """m+1 unit vectors in m dims with equal pairwise angles (centred basis of R^{m+1}, projected)."""
    E = torch.eye(m + 1, dtype=DT) - 1.0 / (m + 1)  # rows: e_i minus the centroid, rank m
    U, S, Vh = torch.linalg.svd(E)
    P = E @ Vh[:m].T  # coordinates in an orthonormal basis of the sum-zero subspace
    return P / P.norm(dim=-1, keepdim=True)


def tetrahedron() -> torch.Tensor:
    V = torch.tensor([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]], dtype=DT)
    return V / math.sqrt(3)


def octahedron() -> torch.Tensor:
    eye = torch.eye(3, dtype=DT)
    return torch.cat([eye, -eye])


def square_antiprism() -> torch.Tensor:
    """8 unit vectors: two squares at heights ±h rotated by 45°, h² = 1/3 makes it a tight frame."""
    h = 1 / math.sqrt(3)
    r = math.sqrt(1 - h * h)
    rows = []
    for j in range(4):
        a = j * math.pi / 2
        rows.append([r * math.cos(a), r * math.sin(a), h])
        rows.append([r * math.cos(a + math.pi / 4), r * math.sin(a + math.pi / 4), -h])
    return torch.tensor(rows, dtype=DT)


def dim_by_hand(W: torch.Tensor) -> list[float]:
    """D_i = ‖W_i‖² / Σ_j (Ŵ_i·W_j)² with explicit loops (0 for a zero row)."""
    out = []
    for i in range(W.shape[0]):
        ni = W[i].norm().item()
        if ni == 0:
            out.append(0.0)
            continue
        denom = sum((W[i] @ W[j]).item() ** 2 / ni**2 for j in range(W.shape[0]))
        out.append(ni**2 / denom)
    return out


def superposition_by_hand(W: torch.Tensor) -> list[float]:
    out = []
    for i in range(W.shape[0]):
        ni = W[i].norm().item()
        out.append(sum((W[i] @ W[j]).item() ** 2 / ni**2 for j in range(W.shape[0]) if j != i))
    return out


CASES = {
    "orthogonal_basis": (torch.eye(4, dtype=DT), 1.0),
    "orthogonal_3_in_5": (torch.eye(5, dtype=DT)[:3], 1.0),
    "antipodal_pair": (torch.tensor([[1.0], [-1.0]], dtype=DT), 0.5),
    "antipodal_pair_2d": (torch.tensor([[0.6, 0.8], [-0.6, -0.8]], dtype=DT), 0.5),
    "triangle": (polygon(3), 2 / 3),
    "square": (polygon(4), 1 / 2),
    "pentagon": (polygon(5), 2 / 5),
    "hexagon": (polygon(6), 1 / 3),
    "tetrahedron": (tetrahedron(), 3 / 4),
    "octahedron": (octahedron(), 1 / 2),
    "square_antiprism": (square_antiprism(), 3 / 8),
}


@pytest.mark.parametrize("name", CASES)
def test_polytope_dimensionality(name):
    """Exact D_i of the polytopes listed in docs/figures.md "Common setup"."""
    W, want = CASES[name]
    D = metrics.feature_dimensionality(W)
    torch.testing.assert_close(D, torch.full((W.shape[0],), want, dtype=DT), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("k", [3, 5, 7, 8, 12, 30])
def test_regular_polygon_two_over_k(k):
    """Regular k-gon: D_i = 2/k, superposition k/2 - 1, ‖W‖_F² = k, D* = 2/k."""
    W = polygon(k)
    torch.testing.assert_close(metrics.feature_dimensionality(W), torch.full((k,), 2 / k, dtype=DT))
    torch.testing.assert_close(metrics.superposition(W), torch.full((k,), k / 2 - 1, dtype=DT))
    assert metrics.frobenius_sq(W).item() == pytest.approx(k)
    assert metrics.dimensions_per_feature(W).item() == pytest.approx(2 / k)
    assert metrics.features_per_dimension(W).item() == pytest.approx(k / 2)


@pytest.mark.parametrize("m", [1, 2, 3, 4, 6])
def test_simplex(m):
    """m+1 points of a regular simplex in m dims: D_i = m/(m+1) (m = 1 is the antipodal pair)."""
    W = simplex(m)
    assert W.shape == (m + 1, m)
    # it is a simplex: all pairwise cosines are -1/m
    cos = metrics.cosine(W)
    off = cos[~torch.eye(m + 1, dtype=torch.bool)]
    torch.testing.assert_close(off, torch.full_like(off, -1 / m))
    torch.testing.assert_close(metrics.feature_dimensionality(W), torch.full((m + 1,), m / (m + 1), dtype=DT))


def test_tight_frame_identity():
    """For a tight frame Σ_j W_j W_jᵀ = c I (here rows of an orthogonal matrix's first m columns,
    scaled by 2, so c = 4): D_i = ‖W_i‖² / c, whatever the unequal norms."""
    n, m = 9, 4
    Q, _ = torch.linalg.qr(torch.randn(n, n, dtype=DT, generator=torch.Generator().manual_seed(0)))
    W = 2 * Q[:, :m]
    torch.testing.assert_close(W.T @ W, 4 * torch.eye(m, dtype=DT))
    norms_sq = W.square().sum(-1)
    assert norms_sq.std() > 0.1  # unequal norms, so the test is not a symmetric special case
    torch.testing.assert_close(metrics.feature_dimensionality(W), norms_sq / 4)


def test_superposition_orthogonal_and_antipodal():
    """Superposition is 0 for orthogonal features and exactly 1 for an antipodal unit pair."""
    torch.testing.assert_close(metrics.superposition(torch.eye(3, dtype=DT)), torch.zeros(3, dtype=DT))
    pair = torch.tensor([[0.0, 1.0], [0.0, -1.0]], dtype=DT)
    torch.testing.assert_close(metrics.superposition(pair), torch.ones(2, dtype=DT))


def test_against_hand_loops_on_random_W():
    """Random W with unequal norms: D_i and superposition equal explicit per-feature loops."""
    W = torch.randn(7, 3, dtype=DT, generator=torch.Generator().manual_seed(3))
    torch.testing.assert_close(metrics.feature_dimensionality(W), torch.tensor(dim_by_hand(W), dtype=DT))
    torch.testing.assert_close(metrics.superposition(W), torch.tensor(superposition_by_hand(W), dtype=DT))
    D = metrics.feature_dimensionality(W)
    assert ((D >= 0) & (D <= 1)).all()


def test_frobenius_and_dimensions_per_feature():
    """‖W‖_F² is Σ_i ‖W_i‖²; D* = m / ‖W‖_F²; 1/D* = ‖W‖_F² / m."""
    W = torch.tensor([[3.0, 4.0], [1.0, 0.0], [0.0, 0.0]], dtype=DT)  # norms² 25, 1, 0
    assert metrics.frobenius_sq(W).item() == 26
    assert metrics.dimensions_per_feature(W).item() == pytest.approx(2 / 26)
    assert metrics.features_per_dimension(W).item() == pytest.approx(13)
    torch.testing.assert_close(metrics.feature_norms(W), torch.tensor([5.0, 1.0, 0.0], dtype=DT))
    assert metrics.represented(W).tolist() == [True, True, False]
    assert metrics.represented(W, threshold=2.0).tolist() == [True, False, False]


def test_zero_feature():
    """A zero W_i has norm 0, D_i = 0 and superposition 0 (no NaN), and leaves the others alone."""
    W = torch.cat([polygon(3), torch.zeros(1, 2, dtype=DT)])
    D = metrics.feature_dimensionality(W)
    torch.testing.assert_close(D, torch.tensor([2 / 3, 2 / 3, 2 / 3, 0.0], dtype=DT))
    assert metrics.feature_norms(W)[3].item() == 0
    S = metrics.superposition(W)
    assert torch.isfinite(S).all() and S[3].item() == 0
    torch.testing.assert_close(S[:3], torch.full((3,), 0.5, dtype=DT))


def test_float32_input():
    """The metrics work in float32 as stored by the trainer (pentagon: D_i = 2/5)."""
    D = metrics.feature_dimensionality(polygon(5).float())
    assert D.dtype == torch.float32
    torch.testing.assert_close(D, torch.full((5,), 0.4), rtol=1e-5, atol=1e-6)


def test_gram_and_cosine():
    """gram is the paper's WᵀW (entries W_i·W_j); cosine of the k-gon is cos(2π(i-j)/k)."""
    W = 2 * polygon(6)
    G = metrics.gram(W)
    assert G[0, 1].item() == pytest.approx(4 * math.cos(math.pi / 3))
    assert G[0, 3].item() == pytest.approx(-4)
    i = torch.arange(6, dtype=DT)
    want = torch.cos(2 * math.pi * (i[:, None] - i[None, :]) / 6)
    torch.testing.assert_close(metrics.cosine(W), want)


def test_batched_over_instances_equals_per_instance():
    """A leading [2, 3] instance grid gives exactly the per-instance results."""
    Ws = torch.randn(2, 3, 6, 3, dtype=DT, generator=torch.Generator().manual_seed(1))
    Ws[1, 2, 4] = 0  # one zero feature in one instance
    fns = [
        metrics.feature_dimensionality,
        metrics.superposition,
        metrics.feature_norms,
        metrics.frobenius_sq,
        metrics.dimensions_per_feature,
        metrics.features_per_dimension,
        metrics.gram,
        metrics.cosine,
        metrics.represented,
    ]
    for fn in fns:
        batched = fn(Ws)
        for a in range(2):
            for c in range(3):
                single = fn(Ws[a, c])
                assert batched[a, c].shape == single.shape, fn.__name__
                torch.testing.assert_close(batched[a, c], single, rtol=1e-12, atol=1e-12, msg=fn.__name__)
