"""Known answers for the non-uniform pentagon claims (C13.1–C13.3, paper #geometry-non-uniform, F13).

The ``non_uniform`` sweep (n = 5, m = 2, the last feature's density r × the others', 15 ratios
0.1 … 10, each a factor 10^(1/7) ≈ 1.39 apart) is given two fits per ratio, both hand-built:

* a **pentagon**: five unit vectors 72° apart, the varied (last) feature scaled to a norm ρ(r)
  (a deformed pentagon: ``describe`` names any five represented features spanning the plane so);
* **two digons**: features 0, 1 antipodal on one axis and 2, 3 on the other, the varied feature 4
  dropped (W_4 = 0).

Their evaluation losses are made up: only their order per r decides the best fit (and so the snap)
and the sign of their difference the loss crossing. By default the pentagon wins for r ≥ 0.37 and the
two digons below, the snap at √(0.268·0.373) ≈ 0.32 (≈3× sparser; the paper: ~2.5×).
"""

from __future__ import annotations

import numpy as np
import torch

from tests.claims.known import fails, holds, make_run, spec
from tms.core.experiments import Experiment

RUN = "non_uniform"
R = np.array(spec(RUN)["relative_density"])
SNAP = 4  # index of the sparsest r (0.373) at which the pentagon wins by default


def pentagon(rho: float = 1.0) -> torch.Tensor:
    a = np.radians(np.arange(5) * 72.0)
    W = np.stack([np.cos(a), np.sin(a)], 1)
    W[-1] *= rho
    return torch.tensor(W, dtype=torch.float32)


def digons(keep_varied: bool = False) -> torch.Tensor:
    """Two orthogonal antipodal pairs. The varied feature 4 is dropped, or with ``keep_varied`` it takes
    feature 0's place in the first pair (feature 0 dropped)."""
    W = torch.tensor([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0], [0.0, 0.0]])
    if keep_varied:
        W[[0, 4]] = W[[4, 0]]
    return W


def rho_smooth(r: float) -> float:
    """The varied feature's norm on the pentagon branch: 0.9 at r = 0.1 to 1.1 at r = 10, steps of 0.014."""
    return 1 + 0.1 * np.log10(r)


def runs(fits) -> dict:
    """``{non_uniform: Run}`` from ``fits(j, r)``: the list of (W, loss) per ratio index j (the same
    number at every r; the config's replicas is set to it)."""
    per_r = [fits(j, float(r)) for j, r in enumerate(R)]
    replicas = len(per_r[0])
    assert all(len(f) == replicas for f in per_r)
    table = Experiment.from_spec(spec(RUN, replicas=replicas)).instance_table()
    W, loss = [], []
    for k, point in enumerate(table["point"]):
        assert table["relative_density"][k] == R[point]
        w, lo = per_r[point][table["replica"][k]]
        W.append(w)
        loss.append(lo)
    tensors = {"W": torch.stack(W), "b": torch.zeros(len(W), 5), "eval_loss": torch.tensor(loss)}
    return {RUN: make_run(RUN, tensors, table, replicas=replicas)}


def two_fits(pentagon_wins=lambda j: j >= SNAP, rho=rho_smooth, varied_kept=False):
    """Per r a pentagon fit and a two-digon fit; the winner (loss 1.0 against 1.1) per ``pentagon_wins(j)``."""

    def fits(j, r):
        p, d = (1.0, 1.1) if pentagon_wins(j) else (1.1, 1.0)
        return [(pentagon(rho(r)), p), (digons(varied_kept), d)]

    return fits


# --------------------------------------------------------------------------- C13.1


def test_c13_1_holds_on_a_smoothly_deforming_pentagon():
    """Pentagon best from r = 0.37 to 10 (a factor 27), ρ changing by 0.014 per step."""
    m = holds("C13.1", runs(two_fits()))
    assert m.value["pentagon r range"] == "0.373–10"


def test_c13_1_holds_on_a_step_within_the_tolerance():
    """ρ = 0.86 up to r = 1, 1.0 above: a step of 0.14 ≤ 0.15 between neighbouring r."""
    holds("C13.1", runs(two_fits(rho=lambda r: 0.86 if r <= 1 else 1.0)))


def test_c13_1_fails_on_a_jump_of_the_varied_feature():
    """ρ = 0.84 up to r = 1, 1.0 above: a step of 0.16 > 0.15, not a smooth deformation."""
    m = fails("C13.1", runs(two_fits(rho=lambda r: 0.84 if r <= 1 else 1.0)))
    assert m.value["largest step"] > 0.15


def test_c13_1_holds_on_four_pentagon_ratios():
    """Pentagon best only at r = 0.72, 1, 1.39, 1.93 (two digons elsewhere): a span of ×2.68 ≥ ×2."""
    holds("C13.1", runs(two_fits(pentagon_wins=lambda j: 6 <= j <= 9)))


def test_c13_1_fails_on_three_pentagon_ratios():
    """Pentagon best only at r = 0.72, 1, 1.39: a span of ×1.93 < ×2."""
    fails("C13.1", runs(two_fits(pentagon_wins=lambda j: 6 <= j <= 8)))


def test_c13_1_fails_without_a_pentagon_at_r_1():
    """Two digons best at every r."""
    m = fails("C13.1", runs(two_fits(pentagon_wins=lambda j: False)))
    assert m.value == {"best at r≈1": "2 digons"}


# --------------------------------------------------------------------------- C13.2


def test_c13_2_holds_when_the_pentagon_snaps_to_two_digons():
    """Below r = 0.37 the best fit is two digons with the varied feature dropped; snap at √(0.268·0.373)."""
    m = holds("C13.2", runs(two_fits()))
    assert abs(m.value["snap at r"] - np.sqrt(R[SNAP - 1] * R[SNAP])) < 1e-3


def test_c13_2_fails_when_the_digons_keep_the_varied_feature():
    """The same switch, but the two digons drop feature 0 and keep the varied feature (norm 1 > 0.5)."""
    fails("C13.2", runs(two_fits(varied_kept=True)))


def test_c13_2_fails_when_the_switch_goes_the_other_way():
    """Two digons best for dense r (≥ 0.37), the pentagon for sparse r: no pentagon → two-digon switch
    going sparser."""
    m = fails("C13.2", runs(two_fits(pentagon_wins=lambda j: j < SNAP)))
    assert m.note == "no switch"


def test_c13_2_fails_when_the_pentagon_returns_below_the_snap():
    """Pentagon best at r ≥ 0.37 and again at r ≤ 0.14: a best fit below the snap is not two digons."""
    fails("C13.2", runs(two_fits(pentagon_wins=lambda j: j >= SNAP or j <= 1)))


# --------------------------------------------------------------------------- C13.3


def test_c13_3_holds_when_both_geometries_are_fitted_at_every_r():
    """The losses cross where the best fit switches: both between r = 0.268 and 0.373."""
    m = holds("C13.3", runs(two_fits()))
    assert m.value["crossing at r"] == m.value["snap at r"] and m.value["r with both geometries"] == len(R)


def test_c13_3_fails_when_the_fits_around_the_switch_miss_one_geometry():
    """At r = 0.268 and 0.373 both fits are pentagons (the two-digon optimum not found; the pentagon wins
    at 0.268 for want of it): the switch moves to 0.193–0.268, while the losses, known only where both
    geometries were fitted, cross between 0.193 and 0.518, with r = 0.268 strictly in between."""
    base = two_fits()

    def fits(j, r):
        if j in (SNAP - 1, SNAP):
            return [(pentagon(rho_smooth(r)), 1.0), (pentagon(rho_smooth(r)), 1.05)]
        return base(j, r)

    m = fails("C13.3", runs(fits))
    assert m.value["r with both geometries"] == len(R) - 2


def test_c13_3_fails_when_the_losses_cross_twice():
    """Pentagon better at r ≥ 0.37 and at r ≤ 0.14: the first crossing (going denser, 0.139–0.193) is two
    intervals from the snap (0.268–0.373)."""
    m = fails("C13.3", runs(two_fits(pentagon_wins=lambda j: j >= SNAP or j <= 1)))
    assert m.value["crossing at r"] < m.value["snap at r"]


def test_c13_3_fails_without_a_crossing():
    """Only pentagon fits (two per r): no two-digon loss to cross, no switch."""
    m = fails("C13.3", runs(lambda j, r: [(pentagon(rho_smooth(r)), 1.0), (pentagon(1.0), 1.1)]))
    assert m.note == "no crossing or no switch measured"
