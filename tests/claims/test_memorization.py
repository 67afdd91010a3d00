"""Known answers for the finite-data findings (X4.1–X4.4, docs/memorization.md).

The runs are the ``double_descent_m*`` experiments (n = 250 features at density 0.04) with a short
``train_set_sizes`` list and one replica (unless a case needs two). A run stores no data: the claims
regenerate each size's training set from the spec (``Experiment.training_set``), and so do these
tests, to build weights W whose hidden vectors h_t = x_t W are known:

- points memorized: W = x⁺ H (the least-norm solution of x W = H, exact since the T ≤ n points are
  independent) puts the h_t exactly on a chosen polygon H;
- features learnt: W has a few features on a regular polygon (or the m-D cross ±e_k), the rest zero.
"""

from __future__ import annotations

import math
from functools import cache

import torch

from tests.claims.known import fails, holds, make_run, spec
from tms.analysis.metrics import feature_dimensionality
from tms.core.experiments import Experiment

N = 250


@cache
def experiment(name: str, sizes: tuple[int, ...], replicas: int = 1) -> Experiment:
    return Experiment.from_spec(spec(name, train_set_sizes=list(sizes), replicas=replicas))


def points(name: str, sizes: tuple[int, ...], point: int) -> torch.Tensor:
    """The training points ``x [T, n]`` of sweep point ``point`` (replica 0), as the claims regenerate them."""
    return experiment(name, sizes).training_set(point).x[0].double()


def run(name: str, sizes: tuple[int, ...], W=None, test_loss=None, train_loss=None, replicas: int = 1):
    """A finite-data run: ``W`` a list of ``[n, m]`` per instance (default zeros), ``test_loss`` and
    ``train_loss`` per instance (point-major, replicas inner)."""
    exp = experiment(name, sizes, replicas)
    table = exp.instance_table()
    inst = len(table["point"])
    W = torch.stack([w.float() for w in W]) if W is not None else torch.zeros(inst, N, exp.n_hidden)
    tensors = {
        "W": W,
        "b": torch.zeros(inst, N),
        "eval_loss": torch.tensor(test_loss if test_loss is not None else [1.0] * inst),
        "train_loss": torch.tensor(train_loss if train_loss is not None else [1e-4] * inst),
    }
    return {name: make_run(name, tensors, table, train_set_sizes=list(sizes), replicas=replicas)}


def polygon(T: int, rotate: float = 0.0, scale: float = 1.0) -> torch.Tensor:
    """A regular T-gon of unit vectors ``[T, 2]``; vertex 1 turned by ``rotate`` × the gap 2π/T and its
    norm multiplied by ``scale`` (0, 1: regular)."""
    angles = torch.arange(T, dtype=torch.float64) * 2 * math.pi / T
    angles[1] += rotate * 2 * math.pi / T
    H = torch.stack([angles.cos(), angles.sin()], 1)
    H[1] *= scale
    return H


# ---- X4.1: few points (m = 2, the smallest T above m + 1 = 3): the h_t on a regular polygon

M2 = "double_descent_m2"
FEW = (3, 5)  # T = 3 needs no polygon (≤ m + 1) and is skipped; T = 5 is judged


def memorizing(H: torch.Tensor, extra: float = 0.0):
    """The X4.1 run: at T = 5 the least-norm W with x W = H; at T = 3 W = 0 (not judged). ``extra``:
    give a feature that appears in no training point a weight of that norm along h_0 (the h_t unchanged)."""
    x = points(M2, FEW, 1)
    W = torch.linalg.pinv(x) @ H
    assert torch.allclose(x @ W, H, atol=1e-9)
    if extra:
        unused = int(torch.nonzero(x.abs().sum(0) == 0)[0])
        W[unused] = extra * H[0] / H[0].norm()
    return run(M2, FEW, [torch.zeros(N, 2), W])


def test_x4_1_holds_when_the_points_sit_on_a_regular_pentagon():
    """h_t exactly on a regular pentagon: gap deviation and norm spread 0, D_t = 2/T = 0.4; each
    feature only follows the point(s) it belongs to, so its D_i stays well below 0.2."""
    m = holds("X4.1", memorizing(polygon(5)))
    row = m.value["T = 5"]
    assert row["gap deviation"] == 0.0 and row["norm spread"] == 0.0 and row["max D_i"] <= 0.2
    assert list(m.value) == ["T = 5"]


def test_x4_1_holds_within_the_tolerance():
    """One vertex turned by 0.2 of the 72° gap: gap deviation 0.2 ≤ 0.25."""
    m = holds("X4.1", memorizing(polygon(5, rotate=0.2)))
    assert m.value["T = 5"]["gap deviation"] == 0.2


def test_x4_1_fails_on_an_irregular_polygon():
    """One vertex turned by 0.3 of the gap (gaps 1.3 and 0.7 of 72°): gap deviation 0.3 > 0.25."""
    m = fails("X4.1", memorizing(polygon(5, rotate=0.3)))
    assert m.value["T = 5"]["gap deviation"] == 0.3


def test_x4_1_fails_on_unequal_norms():
    """Regular angles, one vertex 1.5× longer: norm spread 0.5 / 1.1 = 0.45 > 0.25."""
    fails("X4.1", memorizing(polygon(5, scale=1.5)))


def test_x4_1_fails_when_a_feature_is_represented_on_its_own():
    """The pentagon, plus a feature absent from every training point at norm 3 along h_0: the h_t are
    unchanged, but that feature's D_i ≈ 0.78 is no longer ≤ half the points' D_t = 0.4."""
    m = fails("X4.1", memorizing(polygon(5), extra=3.0))
    assert m.value["T = 5"]["gap deviation"] == 0.0 and m.value["T = 5"]["max D_i"] > 0.7


def test_x4_1_fails_without_a_size_above_m_plus_1():
    """Sizes 2 and 3 only (≤ m + 1 points need no polygon): nothing to judge."""
    m = fails("X4.1", run(M2, (2, 3)))
    assert m.value == {}


# ---- X4.2: many points (largest T, every m): > m features represented, max D_i ≥ 2 × max D_t

MANY = (5, 500)  # only the largest size is judged


def learnt(name: str, shape: torch.Tensor, W_last: torch.Tensor | None = None):
    """The X4.2 run of ``name``: at T = 500, the rows of ``shape`` (a regular polygon or the cross
    ±e_k) on the most frequent features of that training set, the other features zero (or
    ``W_last`` itself); at T = 5, W = 0."""
    m = shape.shape[1]
    if W_last is None:
        counts = (points(name, MANY, 1) > 0).sum(0)
        W_last = torch.zeros(N, m, dtype=torch.float64)
        W_last[counts.argsort(descending=True)[: len(shape)]] = shape
    return run(name, MANY, [torch.zeros(N, m), W_last])


PENTAGON = polygon(5)  # 5 features in m = 2, D_i = 2/5
CROSS3 = torch.cat([torch.eye(3), -torch.eye(3)]).double()  # 6 features in m = 3, D_i = 1/2


def test_x4_2_holds_when_few_features_form_a_polygon_and_the_points_crowd():
    """m = 2: 5 features on a pentagon (D_i = 0.4); m = 3: 6 on ±e_k (D_i = 0.5). The 500 points'
    hidden vectors crowd onto those directions (max D_t < 0.1), and 5 > 2, 6 > 3 features represented."""
    m = holds("X4.2", {**learnt(M2, PENTAGON), **learnt("double_descent_m3", CROSS3)})
    assert m.value["m = 2, T = 500"]["represented"] == 5 and m.value["m = 2, T = 500"]["max D_i"] == 0.4
    assert m.value["m = 3, T = 500"]["represented"] == 6


def test_x4_2_fails_with_only_m_features_represented():
    """The pentagon with three of its features shrunk to norm 0.4 (below ‖W_i‖ = 0.5): 2 features
    represented in m = 2, not more than m."""
    shape = PENTAGON.clone()
    shape[2:] *= 0.4
    m = fails("X4.2", {**learnt(M2, shape), **learnt("double_descent_m3", CROSS3)})
    assert m.value["m = 2, T = 500"]["represented"] == 2


def test_x4_2_fails_when_the_features_are_not_above_the_points():
    """m = 2: every feature at norm 1 on one direction. 250 features are represented, but each has
    D_i = 1/250, no more than the points' largest D_t (they all lie on that line too)."""
    W = torch.zeros(N, 2, dtype=torch.float64)
    W[:, 0] = 1.0
    m = fails("X4.2", learnt(M2, PENTAGON, W_last=W))
    row = m.value["m = 2, T = 500"]
    assert row["represented"] == N and row["max D_i"] < 2 * row["max D_t"]


# ---- X4.3: every m, the test loss peaks ≥ 1.05× above both ends; X4.4: the peak's T grows with m

SIZES = (5, 8, 12, 20)
CURVES = ("double_descent_m2", "double_descent_m3", "double_descent_m4")


def curves(*losses: list[float], replicas: int = 1, train_loss=None) -> dict:
    """One run per m (m = 2, 3, 4 in order) with the test losses ``losses[j]`` over SIZES."""
    out = {}
    for name, test in zip(CURVES, losses, strict=True):
        out.update(run(name, SIZES, test_loss=test, train_loss=train_loss, replicas=replicas))
    return out


PEAKED = [1.0, 1.5, 1.2, 1.0]


def test_x4_3_holds_with_an_interior_peak_for_every_m():
    """Test loss 1, 1.5, 1.2, 1 over T = 5, 8, 12, 20 for every m: peak at T = 8, 1.5× both ends."""
    m = holds("X4.3", curves(PEAKED, PEAKED, PEAKED))
    assert m.value["m = 3"] == {
        "peak T": 8,
        "peak T·p": 0.32,
        "peak / smallest-T loss": 1.5,
        "peak / largest-T loss": 1.5,
    }


def test_x4_3_fails_when_one_peak_moves_to_the_largest_t():
    """m = 4's loss rises to the end (1, 1.2, 1.3, 1.5): its largest loss is an end, not a peak."""
    fails("X4.3", curves(PEAKED, PEAKED, [1.0, 1.2, 1.3, 1.5]))


def test_x4_3_fails_when_the_peak_moves_to_the_smallest_t():
    """m = 2's loss falls from the start (1.5, 1.2, 1.1, 1): no interior peak."""
    fails("X4.3", curves([1.5, 1.2, 1.1, 1.0], PEAKED, PEAKED))


def test_x4_3_threshold_is_5_percent_above_the_ends():
    """An interior bump 1.06× the ends holds; 1.04× does not."""
    holds("X4.3", curves(PEAKED, PEAKED, [1.0, 1.06, 1.0, 1.0]))
    fails("X4.3", curves(PEAKED, PEAKED, [1.0, 1.04, 1.0, 1.0]))


def test_x4_3_reads_the_replica_with_the_lowest_training_loss():
    """Two replicas per T: replica 0 has a flat test loss, replica 1 the peaked one. The claim judges
    the replica with the lower *training* loss: it holds when that is replica 1 and fails when it is
    replica 0 (the test loss must not choose)."""
    flat = [1.0, 1.0, 1.0, 1.0]
    test = [v for pair in zip(flat, PEAKED, strict=True) for v in pair]  # point-major, replicas inner
    holds("X4.3", curves(test, test, test, replicas=2, train_loss=[2e-4, 1e-4] * 4))
    fails("X4.3", curves(test, test, test, replicas=2, train_loss=[1e-4, 2e-4] * 4))


def peaked_at(T: int) -> list[float]:
    """Test loss 1 over SIZES except 2 at ``T``."""
    return [2.0 if t == T else 1.0 for t in SIZES]


def test_x4_4_holds_when_the_peak_moves_to_larger_t_with_m():
    """Peaks at T = 8 (m = 2), 12 (m = 3), 12 (m = 4): never falls, larger at m = 4 than at m = 2."""
    m = holds("X4.4", curves(peaked_at(8), peaked_at(12), peaked_at(12)))
    assert m.value == {f"m = {m}": {"peak T": t, "T·p": round(t * 0.04, 2)} for m, t in ((2, 8), (3, 12), (4, 12))}


def test_x4_4_fails_when_the_peak_falls_at_the_largest_m():
    """m = 4's peak moved back to T = 8, below m = 3's T = 12."""
    fails("X4.4", curves(peaked_at(8), peaked_at(12), peaked_at(8)))


def test_x4_4_fails_when_the_peak_stays_put():
    """Every m peaks at T = 12: it never falls, but it does not move either."""
    fails("X4.4", curves(peaked_at(12), peaked_at(12), peaked_at(12)))


def test_x4_4_fails_when_the_peak_moves_the_wrong_way():
    """Peaks at T = 12, 8, 5 for m = 2, 3, 4: falling with capacity."""
    fails("X4.4", curves(peaked_at(12), peaked_at(8), peaked_at(5)))


def test_features_and_points_dimensionality_helper_agrees():
    """Sanity of the construction used above: a regular pentagon's vectors each have D = 2/5."""
    assert torch.allclose(feature_dimensionality(polygon(5)), torch.full((5,), 0.4, dtype=torch.float64))
