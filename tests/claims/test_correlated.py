"""Known-answer cases for the F14–F16 claims (``tms.claims.correlated``): correlated pairs, anticorrelated
pairs, three pairs side by side, local orthogonal bases and the collapse of pairs with density.

Every W is built by hand from unit vectors at chosen angles, so each within-pair cosine, angular gap,
norm and collapsed-pair count is known exactly (up to rounding)."""

from __future__ import annotations

import math

import pytest
import torch

from tests.claims.known import fails, holds, make_run, spec

HALF = 1 / math.sqrt(2)


def at(deg: float, norm: float = 1.0) -> list[float]:
    """A 2-D embedding at angle ``deg`` with length ``norm``."""
    return [norm * math.cos(math.radians(deg)), norm * math.sin(math.radians(deg))]


def sweep(experiment: str, models: list[tuple[float, torch.Tensor, float]], **spec_overrides):
    """A run of ``experiment`` from ``(density, W [n, m], eval_loss)``; instances at the same density
    are replicas of one point (the lowest-loss one is the point's best)."""
    densities = list(dict.fromkeys(d for d, _, _ in models))
    point = [densities.index(d) for d, _, _ in models]
    replica = [point[:i].count(p) for i, p in enumerate(point)]
    W = torch.stack([w for _, w, _ in models]).float()
    tensors = {
        "W": W,
        "b": torch.zeros(W.shape[:2]),
        "eval_loss": torch.tensor([loss for _, _, loss in models]),
    }
    instances = {"point": point, "replica": replica, "density": [d for d, _, _ in models]}
    return {experiment: make_run(experiment, tensors, instances, densities=densities, **spec_overrides)}


def pairs(*angles: float, norms: tuple[float, ...] | None = None) -> torch.Tensor:
    """``W [n, 2]``: features at ``angles`` (degrees), consecutive ones forming the sets."""
    norms = norms or (1.0,) * len(angles)
    return torch.tensor([at(a, r) for a, r in zip(angles, norms, strict=True)])


# ---------------------------------------------------------------------------------------- C14.1


ORTHOGONAL_PAIRS = pairs(0, 90, 180, 270)  # pair (0, 1) and pair (2, 3): each at a right angle
ANTIPODAL_PAIRS = pairs(0, 180, 90, 270)  # the same four directions, each pair opposite
SAME_DIRECTION_PAIRS = pairs(0, 0, 180, 180)  # each pair collapsed onto one direction


def test_c14_1_holds_when_each_correlated_pair_is_orthogonal():
    """Two correlated pairs in 2-D, members of each pair at 90°: within-pair cos 0 ≤ 0.1. The best
    replica counts: a worse-loss replica with antipodal pairs beside it does not matter."""
    m = holds("C14.1", sweep("correlated_pairs", [(0.05, ORTHOGONAL_PAIRS, 0.1), (0.05, ANTIPODAL_PAIRS, 0.2)]))
    assert m.value["within-pair cos"] == [0.0, 0.0]


def test_c14_1_holds_just_inside_the_tolerance():
    """Pairs at 85° (cos 0.087 ≤ 0.1) still count as orthogonal."""
    holds("C14.1", sweep("correlated_pairs", [(0.05, pairs(0, 85, 180, 265), 0.1)]))


def test_c14_1_fails_when_a_correlated_pair_is_antipodal_or_collapsed():
    """The same four directions paired antipodally (cos −1), or each pair on one direction (cos +1):
    |cos| > 0.1 either way; also when only the lowest-loss replica is the antipodal one."""
    fails("C14.1", sweep("correlated_pairs", [(0.05, ANTIPODAL_PAIRS, 0.1)]))
    fails("C14.1", sweep("correlated_pairs", [(0.05, SAME_DIRECTION_PAIRS, 0.1)]))
    fails("C14.1", sweep("correlated_pairs", [(0.05, ORTHOGONAL_PAIRS, 0.2), (0.05, ANTIPODAL_PAIRS, 0.1)]))


def test_c14_1_fails_when_one_pair_is_off_by_a_few_degrees_too_many():
    """One pair at 80° (cos 0.17 > 0.1), the other at 90°."""
    fails("C14.1", sweep("correlated_pairs", [(0.05, pairs(0, 80, 180, 270), 0.1)]))


# ---------------------------------------------------------------------------------------- C14.2


def test_c14_2_holds_when_each_anticorrelated_pair_is_antipodal():
    """Two anticorrelated pairs, each pair's members opposite (cos −1 ≤ −0.95) on the best replica; the
    share of antipodal replicas (1 of 2 here) is only reported."""
    m = holds("C14.2", sweep("anticorrelated_pairs", [(0.2, ANTIPODAL_PAIRS, 0.1), (0.2, ORTHOGONAL_PAIRS, 0.3)]))
    assert m.value["within-pair cos"] == [-1.0, -1.0] and m.value["replicas antipodal"] == 0.5


def test_c14_2_holds_within_18_degrees_of_opposite():
    """Pairs at 170° (cos −0.985) count as antipodal."""
    holds("C14.2", sweep("anticorrelated_pairs", [(0.2, pairs(0, 170, 90, 260), 0.1)]))


def test_c14_2_fails_when_the_pairs_are_orthogonal_instead_of_antipodal():
    """The local minimum: the same directions paired at right angles (cos 0); also a pair at 150°
    (cos −0.87 > −0.95) beside an antipodal one, and an antipodal replica that is not the best."""
    fails("C14.2", sweep("anticorrelated_pairs", [(0.2, ORTHOGONAL_PAIRS, 0.1)]))
    fails("C14.2", sweep("anticorrelated_pairs", [(0.2, pairs(0, 150, 90, 270), 0.1)]))
    fails("C14.2", sweep("anticorrelated_pairs", [(0.2, ANTIPODAL_PAIRS, 0.3), (0.2, ORTHOGONAL_PAIRS, 0.1)]))


def test_c14_2_fails_when_the_pairs_share_a_direction():
    """Each pair on one direction: cos +1, the wrong sign for antipodal (a check on |cos| would pass)."""
    fails("C14.2", sweep("anticorrelated_pairs", [(0.2, SAME_DIRECTION_PAIRS, 0.1)]))


# ---------------------------------------------------------------------------------------- C14.3


HEXAGON_SIDE_BY_SIDE = pairs(0, 60, 120, 180, 240, 300)  # pairs at 60° (cos 0.5), gaps all 60°
HEXAGON_ANTIPODAL = pairs(0, 180, 60, 240, 120, 300)  # the same hexagon, each pair opposite
COLLAPSED_THREE = pairs(0, 0, 120, 120, 240, 240, norms=(HALF,) * 6)  # every pair on one direction


def test_c14_3_holds_for_three_pairs_side_by_side_as_a_hexagon():
    """Three correlated pairs at the sparsest density: each pair at 60° (cos 0.5 in [0.2, 0.8]) and the
    six directions 60° apart. A denser density in the run, all collapsed, is not the one read."""
    runs = sweep("correlated_collapse", [(0.01, HEXAGON_SIDE_BY_SIDE, 0.1), (0.5, COLLAPSED_THREE, 0.1)])
    m = holds("C14.3", runs)
    assert m.value["density"] == 0.01 and m.value["gaps °"] == pytest.approx([60.0] * 6)


def test_c14_3_holds_for_a_deformed_hexagon_within_20_degrees():
    """Pairs at 45° (cos 0.71) and gaps alternating 45° / 75° (both within 60° ± 20°)."""
    holds("C14.3", sweep("correlated_collapse", [(0.01, pairs(0, 45, 120, 165, 240, 285), 0.1)]))


def test_c14_3_fails_when_the_hexagon_pairs_are_antipodal():
    """The same six directions (gaps 60°), paired opposite: within-pair cos −1 is not in [0.2, 0.8]."""
    fails("C14.3", sweep("correlated_collapse", [(0.01, HEXAGON_ANTIPODAL, 0.1)]))


def test_c14_3_fails_when_the_gaps_are_not_hexagon_like():
    """Pairs at 45° (cos 0.71, acceptable) placed unevenly: gaps 45°, 85°, 45°, 65°, 45°, 75°, one 25° off 60°."""
    m = fails("C14.3", sweep("correlated_collapse", [(0.01, pairs(0, 45, 130, 175, 240, 285), 0.1)]))
    assert m.value["gaps °"] == pytest.approx([45.0, 85.0, 45.0, 65.0, 45.0, 75.0])


def test_c14_3_fails_when_the_pairs_are_nearly_collapsed():
    """Pairs at 30° (cos 0.87 > 0.8), the pairs 120° apart (gaps 30°/90°)."""
    fails("C14.3", sweep("correlated_collapse", [(0.01, pairs(0, 30, 120, 150, 240, 270), 0.1)]))


def test_c14_3_fails_when_the_hexagon_is_at_the_denser_density():
    """The holding run with its two densities swapped: the sparsest model is now the collapsed one."""
    runs = sweep("correlated_collapse", [(0.5, HEXAGON_SIDE_BY_SIDE, 0.1), (0.01, COLLAPSED_THREE, 0.1)])
    fails("C14.3", runs)


# ---------------------------------------------------------------------------------------- C15.1


def rotation(m: int, seed: int) -> torch.Tensor:
    return torch.linalg.qr(torch.randn(m, m, generator=torch.Generator().manual_seed(seed), dtype=torch.float64))[0]


BASIS_A = torch.eye(10, dtype=torch.float64)
BASIS_B = rotation(10, 0)  # a second orthonormal basis, rotated against the first


def test_c15_1_holds_for_two_orthonormal_bases_that_overlap_each_other():
    """Set 1 = the standard basis, set 2 = a rotated orthonormal basis: within-set cos exactly 0, the
    sets overlap (mean across |cos| ≈ 0.25 for a random rotation in 10-D)."""
    m = holds("C15.1", sweep("local_bases", [(0.03, torch.cat([BASIS_A, BASIS_B]), 0.1)]))
    assert m.value["within |cos|"] == 0.0 and m.value["across |cos|"] > 0.15


def test_c15_1_fails_when_the_sets_are_mixed_across_the_two_bases():
    """The same 20 vectors, each set holding half of each basis: now the overlaps lie within the sets
    (mean within |cos| > 0.1, and above half the across mean)."""
    W = torch.cat([BASIS_A[:5], BASIS_B[:5], BASIS_A[5:], BASIS_B[5:]])
    m = fails("C15.1", sweep("local_bases", [(0.03, W, 0.1)]))
    assert m.value["within |cos|"] > 0.1


def equiangular(c: float) -> torch.Tensor:
    """Ten unit vectors in 10-D with every pairwise cosine ``c`` (the symmetric square root of the Gram
    matrix (1 − c) I + c 11ᵀ)."""
    P = torch.ones(10, 10, dtype=torch.float64) / 10
    return math.sqrt(1 - c) * (BASIS_A - P) + math.sqrt(1 + 9 * c) * P


def test_c15_1_holds_for_slightly_overlapping_sets_with_more_overlap_across():
    """Both sets the same frame with pairwise cos 0.08: within 0.08 ≤ 0.1, across (1 for each member's
    copy, 0.08 otherwise) 0.172, so within ≤ half of across (0.086)."""
    m = holds("C15.1", sweep("local_bases", [(0.03, torch.cat([equiangular(0.08)] * 2), 0.1)]))
    assert m.value == {"density": 0.03, "within |cos|": 0.08, "across |cos|": 0.172}


def test_c15_1_fails_when_within_overlap_is_not_below_half_the_across_overlap():
    """The same with pairwise cos 0.097: within 0.097 is still ≤ 0.1, but above half the across mean
    (0.187 / 2 ≈ 0.094) — only the ratio fails."""
    m = fails("C15.1", sweep("local_bases", [(0.03, torch.cat([equiangular(0.097)] * 2), 0.1)]))
    assert m.value["within |cos|"] <= 0.1


def test_c15_1_fails_when_both_sets_lean_towards_a_shared_direction():
    """The two bases of the holding case, each member tilted by 0.22 towards the all-ones direction:
    within 0.117 > 0.1, though still below half the across mean 0.274 — only the bound 0.1 fails."""
    u = torch.ones(10, dtype=torch.float64) / math.sqrt(10)
    W = torch.cat([BASIS_A + 0.22 * u, BASIS_B + 0.22 * u])
    m = fails("C15.1", sweep("local_bases", [(0.03, W / W.norm(dim=1, keepdim=True), 0.1)]))
    assert 0.1 < m.value["within |cos|"] <= 0.5 * m.value["across |cos|"]


def test_c15_1_fails_when_the_lowest_loss_replica_is_the_mixed_one():
    """A local-bases replica beside a lower-loss mixed one: the best replica decides."""
    good = torch.cat([BASIS_A, BASIS_B])
    mixed = torch.cat([BASIS_A[:5], BASIS_B[:5], BASIS_A[5:], BASIS_B[5:]])
    fails("C15.1", sweep("local_bases", [(0.03, good, 0.2), (0.03, mixed, 0.1)]))


# ------------------------------------------------------------------------------- C16.1, C16.regimes


def three_pairs(collapsed: int, collapsed_norm: float = HALF) -> torch.Tensor:
    """Three pairs in 2-D, pair p around 120p°: the first ``collapsed`` pairs on one direction with
    each member of norm ``collapsed_norm``, the others spread (members 60° apart, cos 0.5, norm 1)."""
    rows = []
    for p in range(3):
        base = 120.0 * p
        if p < collapsed:
            rows += [at(base, collapsed_norm), at(base, collapsed_norm)]
        else:
            rows += [at(base), at(base + 60)]
    return torch.tensor(rows)


GRID = spec("correlated_collapse")["densities"]  # the config's 12 densities, 0.01–0.8 log-spaced


def paper_count(density: float) -> int:
    """Collapsed pairs per density the paper describes: none ≲ 0.05, one to 0.15, two to 0.2, all above."""
    return 0 if density < 0.045 else 1 if density < 0.15 else 2 if density < 0.2 else 3


def collapse_run(counts: list[int], norms: dict[int, float] | None = None, pca_norm: float = 0.4):
    """The collapse sweep on ``GRID``: ``counts[i]`` pairs collapsed at density i, each collapsed
    member with norm 1/√2 (or ``norms[i]``), members of an all-collapsed model with ``pca_norm``."""
    norms = norms or {}
    models = []
    for i, (d, c) in enumerate(zip(GRID, counts, strict=True)):
        norm = norms.get(i, pca_norm if c == 3 else HALF)
        models.append((d, three_pairs(c, norm), 0.1))
    return sweep("correlated_collapse", models)


PAPER_COUNTS = [paper_count(d) for d in GRID]


def test_grid_and_paper_counts():
    """The config's grid, and the counts the paper's regimes give on it (0 to 0.033, 3 from 0.24)."""
    assert len(GRID) == 12 and GRID[0] == pytest.approx(0.01) and GRID[-1] == pytest.approx(0.8)
    assert PAPER_COUNTS == [0, 0, 0, 0, 1, 1, 1, 2, 3, 3, 3, 3]


def test_c16_1_holds_when_collapsed_pairs_have_norm_one_over_root_two():
    """Every collapsed member before the all-collapsed regime has norm exactly 1/√2; the all-collapsed
    (PCA-like) models' norms 0.4 are only noted, not judged."""
    m = holds("C16.1", collapse_run(PAPER_COUNTS))
    assert m.value["max |norm − 1/√2|"] == 0.0 and m.value["collapsed members"] == 2 * (3 * 1 + 1 * 2)
    assert "0.40" in m.note


def test_c16_1_holds_within_the_norm_tolerance():
    """A collapsed pair of norm 0.62 (0.087 below 1/√2) is still its principal component."""
    holds("C16.1", collapse_run(PAPER_COUNTS, norms={5: 0.62}))


def test_c16_1_fails_when_a_collapsed_pair_keeps_full_norm():
    """At density 0.07 one pair lies on one direction with both members of norm 1, not 1/√2 (0.29 off)."""
    fails("C16.1", collapse_run(PAPER_COUNTS, norms={5: 1.0}))


def test_c16_1_fails_when_a_collapsed_pair_is_too_short():
    """The same pair with norm 0.55 (0.16 below 1/√2)."""
    fails("C16.1", collapse_run(PAPER_COUNTS, norms={5: 0.55}))


def test_c16_1_fails_when_no_pair_collapses_before_all_do():
    """The collapse moved: nothing collapses until every pair does at once, so no partly collapsed
    model exists to measure (value None)."""
    m = fails("C16.1", collapse_run([0] * 8 + [3] * 4))
    assert m.value is None


def test_c16_regimes_holds_on_the_paper_counts():
    """Counts 0, 1, 2, 3 with the paper's regimes on the grid: boundaries √(0.033·0.049) ≈ 0.040,
    √(0.11·0.16) ≈ 0.133 and √(0.16·0.24) ≈ 0.198, each within a factor 1.5 of 0.05, 0.15, 0.225."""
    m = holds("C16.regimes", collapse_run(PAPER_COUNTS))
    assert m.value["boundaries"] == {"0→1": 0.04, "1→2": 0.133, "2→3": 0.198}


def test_c16_regimes_holds_with_the_first_collapse_one_grid_step_late():
    """The first collapse one grid step later (at 0.074): boundary √(0.049·0.074) ≈ 0.060, within 1.5× of 0.05."""
    counts = list(PAPER_COUNTS)
    counts[4] = 0
    holds("C16.regimes", collapse_run(counts))


def test_c16_regimes_fails_when_the_first_collapse_moves_two_grid_steps():
    """The first collapse at 0.11 instead of 0.049: boundary √(0.073·0.11) ≈ 0.089, 1.8× the paper's 0.05."""
    counts = list(PAPER_COUNTS)
    counts[4] = counts[5] = 0
    m = fails("C16.regimes", collapse_run(counts))
    assert m.value["boundaries"]["0→1"] == 0.089 and "0→1 at 0.0894" in m.note


def test_c16_regimes_fails_when_a_pair_collapses_at_the_sparsest_density():
    """A pair collapsed already at the sparsest density: the 0→1 boundary is not seen."""
    counts = list(PAPER_COUNTS)
    counts[0] = 1
    fails("C16.regimes", collapse_run(counts))


def test_c16_regimes_fails_when_all_pairs_never_collapse():
    """Two pairs collapse but the third never does: the 2→3 boundary is not seen."""
    fails("C16.regimes", collapse_run([min(c, 2) for c in PAPER_COUNTS]))


def test_c16_regimes_fails_when_the_count_falls_with_density():
    """The paper's boundaries, but at 0.36 one pair un-collapses (3 → 2 → 3): not monotone."""
    counts = list(PAPER_COUNTS)
    counts[9] = 2
    m = fails("C16.regimes", collapse_run(counts))
    assert "not monotone" in m.note
