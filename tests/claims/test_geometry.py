"""Known answers for the uniform-superposition claims (C9.1–C9.3, C10.1, C10.3, paper #geometry-uniform,
#geometry-dimensionality, F9/F10).

Every model of the ``uniform_superposition`` sweep (n = 200, m = 20, 20 densities, one model each) is a
hand-built tegum product: regular polytopes in mutually orthogonal coordinate blocks of R²⁰, the
remaining features zero. The polytopes are uniform tight frames, so each member's dimensionality is
exact: dedicated 1, digon 1/2, triangle 2/3, tetrahedron 3/4, pentagon 2/5, hexagon 1/3, square
antiprism 3/8 (docs/figures.md, Metrics), and D* = m / ‖W‖_F² = 20 / (number of represented features).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tests.claims.known import fails, holds, make_run, spec
from tms.analysis.metrics import dimensions_per_feature, feature_dimensionality
from tms.core.experiments import Experiment

RUN = "uniform_superposition"
N, M = 200, 20


def gon(degrees) -> np.ndarray:
    """Unit vectors in the plane at the given angles."""
    a = np.radians(np.asarray(degrees, float))
    return np.stack([np.cos(a), np.sin(a)], 1)


def antiprism() -> np.ndarray:
    """Square antiprism: squares at heights ±1/√3, radius √(2/3), the lower one turned by 45°; a tight
    frame (Σ v vᵀ = 8/3 I), so D_i = 3/8."""
    z, rho = 1 / np.sqrt(3), np.sqrt(2 / 3)
    top = [(rho * np.cos(a), rho * np.sin(a), z) for a in np.radians([0, 90, 180, 270])]
    bottom = [(rho * np.cos(a), rho * np.sin(a), -z) for a in np.radians([45, 135, 225, 315])]
    return np.array(top + bottom)


POLYTOPES = {
    "dedicated": np.array([[1.0]]),
    "digon": np.array([[1.0], [-1.0]]),
    "triangle": gon([0, 120, 240]),
    "opened triangle": gon([0, 125, 235]),  # two sides opened by 5°: D_i = 0.603, 0.692, 0.692
    "tetrahedron": np.array([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]]) / np.sqrt(3),
    "pentagon": gon(np.arange(5) * 72),
    "hexagon": gon(np.arange(6) * 60),
    "antiprism": antiprism(),
}
DIMENSIONALITY = {
    "dedicated": 1,
    "digon": 1 / 2,
    "triangle": 2 / 3,
    "tetrahedron": 3 / 4,
    "pentagon": 2 / 5,
    "hexagon": 1 / 3,
    "antiprism": 3 / 8,
}


def tegum(**counts: int) -> torch.Tensor:
    """``W [N, M]``: ``counts[name]`` copies of each polytope, each in its own coordinate block and on its
    own features (in the order given); the blocks must fill the m = 20 dimensions."""
    W = np.zeros((N, M))
    row = col = 0
    for name, count in counts.items():
        P = POLYTOPES[name.replace("_", " ")]
        for _ in range(count):
            k, d = P.shape
            W[row : row + k, col : col + d] = P
            row, col = row + k, col + d
    assert col == M, f"the polytopes fill {col} of {M} dimensions"
    return torch.tensor(W, dtype=torch.float32)


def sweep_runs(models: list[torch.Tensor], densities=None) -> dict:
    """``{uniform_superposition: Run}`` with ``models[k]`` at the k-th density of the config's sweep
    (dense → sparse) or of ``densities``."""
    overrides = {} if densities is None else {"densities": list(densities)}
    table = Experiment.from_spec(spec(RUN, **overrides)).instance_table()
    assert len(table["density"]) == len(models)
    inst = len(models)
    tensors = {"W": torch.stack(models), "b": torch.zeros(inst, N), "eval_loss": torch.zeros(inst)}
    return {RUN: make_run(RUN, tensors, table, **overrides)}


def sweep(replace: dict[int, torch.Tensor] | None = None) -> list[torch.Tensor]:
    """A sweep dense → sparse through the sticky configurations; ``replace`` ({index: W}) swaps models.

    D* per point: 1, 1, 0.77 (6 tetrahedra + 2 dedicated), 0.74, 2/3 (10 triangles), 0.625,
    0.556 (16 digons + 4 dedicated), 1/2 three times (20 digons), 0.444 (5 pentagons + 10 digons),
    2/5 twice, 0.377 twice (6 antiprisms + 1 pentagon), 0.370 (6 antiprisms + 1 hexagon), 1/3 four times.
    """
    models = [
        tegum(dedicated=20),
        tegum(dedicated=20),
        tegum(dedicated=2, tetrahedron=6),
        tegum(dedicated=1, digon=1, tetrahedron=6),
        tegum(triangle=10),
        tegum(digon=4, triangle=8),
        tegum(dedicated=4, digon=16),
        tegum(digon=20),
        tegum(digon=20),
        tegum(digon=20),
        tegum(digon=10, pentagon=5),
        tegum(pentagon=10),
        tegum(pentagon=10),
        tegum(antiprism=6, pentagon=1),
        tegum(antiprism=6, pentagon=1),
        tegum(antiprism=6, hexagon=1),
        *[tegum(hexagon=10) for _ in range(4)],
    ]
    for k, W in (replace or {}).items():
        models[k] = W
    return models


def test_polytopes_have_their_known_dimensionality():
    """The builder's premise: every member of each polytope has D_i = d/k, and D* = 20 / count."""
    for name, value in DIMENSIONALITY.items():
        D = feature_dimensionality(torch.tensor(POLYTOPES[name]))
        np.testing.assert_allclose(D.numpy(), value, atol=1e-12, err_msg=name)
    np.testing.assert_allclose(
        feature_dimensionality(torch.tensor(POLYTOPES["opened triangle"])), [0.603, 0.692, 0.692], atol=1e-3
    )
    W = tegum(digon=10, pentagon=5)
    assert float(dimensions_per_feature(W)) == pytest.approx(20 / 45)


# --------------------------------------------------------------------------- C9.1


def test_c9_1_holds_when_the_dense_model_keeps_m_orthogonal_features():
    """Density 1: 20 dedicated features, D* = 20/20 = 1."""
    m = holds("C9.1", sweep_runs(sweep()))
    assert m.value["D*"] == pytest.approx(1.0)


def test_c9_1_holds_with_one_extra_antipodal_feature():
    """Density 1: 19 dedicated + one digon, 21 features: D* = 0.952, within 0.05 of 1."""
    holds("C9.1", sweep_runs(sweep({0: tegum(dedicated=19, digon=1)})))


def test_c9_1_fails_with_two_extra_antipodal_features():
    """Density 1: 18 dedicated + two digons, 22 features: D* = 0.909, 0.091 below 1."""
    fails("C9.1", sweep_runs(sweep({0: tegum(dedicated=18, digon=2)})))


def test_c9_1_reads_the_densest_point_whatever_the_instance_order():
    """The sweep's densities listed sparse → dense: the dense model (D* = 1) is the last instance and the
    first is the sparsest (D* = 1/3). The claim sorts by density: holds; a sparse model at density 1
    fails."""
    densities = spec(RUN)["densities"][::-1]
    holds("C9.1", sweep_runs(sweep()[::-1], densities))
    fails("C9.1", sweep_runs(sweep({0: tegum(hexagon=10)})[::-1], densities))


# --------------------------------------------------------------------------- C9.2


def test_c9_2_holds_on_a_three_point_plateau_at_one_half():
    """Three consecutive densities with 20 digons (D* = 1/2); the neighbours, 0.556 and 0.444, are
    outside 1/2 ± 0.05."""
    m = holds("C9.2", sweep_runs(sweep()))
    assert m.value["longest plateau"] == 3


def test_c9_2_fails_on_a_two_point_plateau():
    """The plateau's last point (index 9) already at 5 pentagons + 10 digons (D* = 0.444): two points."""
    m = fails("C9.2", sweep_runs(sweep({9: tegum(digon=10, pentagon=5)})))
    assert m.value["longest plateau"] == 2


# --------------------------------------------------------------------------- C9.3


def test_c9_3_holds_on_a_non_increasing_sweep():
    """D* falls (or stays) at every step of the sweep."""
    m = holds("C9.3", sweep_runs(sweep()))
    assert m.value["largest rise"] == 0.0


def test_c9_3_holds_on_a_rise_within_the_noise_slack():
    """Plateau point 8 with 19 digons + 1 dedicated (39 features, D* = 0.513): a rise of 0.013 ≤ 0.02."""
    holds("C9.3", sweep_runs(sweep({8: tegum(dedicated=1, digon=19)})))


def test_c9_3_fails_on_a_rise_beyond_the_slack():
    """Point 8 with 18 digons + 2 dedicated (38 features, D* = 0.526): a rise of 0.026 > 0.02."""
    m = fails("C9.3", sweep_runs(sweep({8: tegum(dedicated=2, digon=18)})))
    assert m.value["largest rise"] == pytest.approx(20 / 38 - 0.5, abs=1e-4)


# --------------------------------------------------------------------------- C10.1


def lines_sweep(triangles: int = 10, opened: int = 0, antiprisms: bool = False) -> list[torch.Tensor]:
    """A sweep whose represented D_i sit on the lines 3/4 (tetrahedra), 1/2 (digons), 2/5 (pentagons),
    2/3 (``triangles`` regular triangles, next to ``opened`` opened ones, whose D_i lie off the line:
    0.692 in its flank, 0.603 in no flank) and, with ``antiprisms``, 3/8; D = 1 and 1/3 elsewhere."""
    filler = 10 - triangles - opened
    return [
        tegum(dedicated=20),
        tegum(dedicated=2, tetrahedron=6),
        tegum(**{"triangle": triangles, "opened_triangle": opened, "digon": 2 * filler}),
        tegum(digon=20),
        tegum(pentagon=10),
        tegum(antiprism=6, pentagon=1) if antiprisms else tegum(hexagon=10),
        *[tegum(hexagon=10) for _ in range(14)],
    ]


def test_c10_1_holds_with_all_five_lines():
    """Every fraction populated by its polytope, nothing in any flank."""
    m = holds("C10.1", sweep_runs(lines_sweep(antiprisms=True)))
    assert m.value["lines"] == 5


def test_c10_1_holds_with_four_lines():
    """No antiprisms (3/8 empty): four lines, the number needed."""
    m = holds("C10.1", sweep_runs(lines_sweep()))
    assert m.value["lines"] == 4


def test_c10_1_fails_when_the_triangles_move_off_their_line():
    """As the four-line case with every triangle opened by 5°: the 2/3 line is empty, three lines."""
    m = fails("C10.1", sweep_runs(lines_sweep(triangles=0, opened=10)))
    assert m.value["lines"] == 3 and m.value["enrichment"]["2/3"] == 0.0


def test_c10_1_holds_with_a_line_twice_as_dense_as_its_flanks():
    """One regular triangle (3 D_i on 2/3) and two opened ones (4 D_i at 0.692 in its flank): per unit of
    D, (3/0.02) / (4/0.06) = 2.25 ≥ 2."""
    m = holds("C10.1", sweep_runs(lines_sweep(triangles=1, opened=2)))
    assert m.value["enrichment"]["2/3"] == pytest.approx(2.25, abs=0.01)


def test_c10_1_fails_when_the_flanks_are_denser():
    """One regular and three opened triangles: (3/0.02) / (6/0.06) = 1.5 < 2, the 2/3 line is lost."""
    m = fails("C10.1", sweep_runs(lines_sweep(triangles=1, opened=3)))
    assert m.value["enrichment"]["2/3"] == pytest.approx(1.5, abs=0.01)


# --------------------------------------------------------------------------- C10.3


def three_regimes(pentagons: int) -> list[torch.Tensor]:
    """Dense: 20 dedicated (line 1); middle: 20 digons (1/2); sparse: ``pentagons`` pentagons with digons
    filling the rest (5·p features on 2/5 against 2·(20 − 2p) on 1/2)."""
    sparse = tegum(pentagon=pentagons, digon=20 - 2 * pentagons)
    return [tegum(dedicated=20)] * 6 + [tegum(digon=20)] * 7 + [sparse] * 7


def test_c10_3_holds_on_three_configurations():
    """The most populated line goes 1 → 1/2 → 2/5 (6 pentagons: 30 features on 2/5, 16 on 1/2)."""
    m = holds("C10.3", sweep_runs(three_regimes(pentagons=6)))
    assert m.value["sequence"] == ["1", "1/2", "2/5"]


def test_c10_3_fails_on_two_configurations():
    """The sparse models with 4 pentagons (20 features on 2/5, 24 on 1/2): the most populated line stays
    1/2, two values only."""
    m = fails("C10.3", sweep_runs(three_regimes(pentagons=4)))
    assert m.value["sequence"] == ["1", "1/2"]


def test_c10_3_holds_on_the_full_sweep():
    """The sweep through every sticky configuration: 1, 3/4, 2/3, 1/2, 2/5, 3/8 (then 1/3, no line)."""
    m = holds("C10.3", sweep_runs(sweep()))
    assert m.value["sequence"] == ["1", "3/4", "2/3", "1/2", "2/5", "3/8", "-"]
