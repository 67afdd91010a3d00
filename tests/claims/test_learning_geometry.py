"""Known-answer cases for the F18 claims (``tms.claims.learning_geometry``), through the registered
checks: a PCA-like stage first, and an octahedron of cross-set antipodal pairs at the end.

Six features in two correlated sets of three (features 0–2, 3–5), m = 3. The PCA share
(``tms.analysis.learning_geometry.pca_share``) of each hand-built W is known in closed form: 1/3 for
any W whose sets are orthonormal (the octahedron, at any scale or rotation), 2/3 for the linear PCA
solution, 4/9 when one set has two members on one direction and the third orthogonal (the other
set orthonormal), 5/9 when both sets are like that; 1/9 for the octahedron whose antipodal pairs lie
inside the sets (each set's members sum to a single unit vector)."""

from __future__ import annotations

import math

import pytest
import torch

from tests.claims.known import fails, holds, make_run
from tms.analysis.learning_geometry import pca_share

E = torch.eye(3)
X, Y, Z = E
OCTAHEDRON = torch.cat([E, -E[[1, 2, 0]]])  # set A on +x, +y, +z; set B on −y, −z, −x: pairs (0,5) (1,3) (2,4)
SAME_SET = OCTAHEDRON[[0, 5, 2, 3, 4, 1]]  # features 1 and 5 swapped: pairs (0,1) and (3,5) inside a set
_u = torch.tensor([[1.0, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1]]).T / math.sqrt(3)
_third = torch.tensor([1.0, -1, 0, 0, 0, 0]) / math.sqrt(2)
PCA = torch.cat([_u, _third[:, None]], 1)  # W's columns: the top-3 principal directions (share 2/3)
HALF_COLLAPSED = torch.stack([X, X, Y, X, Y, Z])  # set A: two members on x, one on y; set B orthonormal
BOTH_HALF = torch.stack([X, X, Y, -X, -X, -Y])  # both sets like set A above

STEPS = [0, 3, 10, 30, 100, 300, 1000, 9999]


def rotation(seed: int) -> torch.Tensor:
    return torch.linalg.qr(torch.randn(3, 3, generator=torch.Generator().manual_seed(seed)))[0]


def path(middle: torch.Tensor | None, end: torch.Tensor = OCTAHEDRON, seed: int = 0) -> torch.Tensor:
    """``[8, 6, 3]`` checkpoints at ``STEPS``: a small unstructured init (a tenth of a rotated
    octahedron: share 1/3, nothing represented), then ``middle`` at a third of its size and full
    size (checkpoints 1–4), then ``end`` (checkpoints 5–7), all in one random rotation."""
    R = rotation(seed)
    middle = 0.1 * OCTAHEDRON if middle is None else middle
    snaps = [0.1 * OCTAHEDRON, middle / 3, middle, middle, middle, end, end, end]
    return torch.stack(snaps) @ R


def geometry_run(paths: list[torch.Tensor], losses: list[float] | None = None):
    """A learning_geometry run: one instance per replica, final W = the last checkpoint."""
    ck = torch.stack(paths).float()
    n = ck.shape[0]
    tensors = {
        "W": ck[:, -1].clone(),
        "b": torch.zeros(n, 6),
        "eval_loss": torch.tensor(losses if losses is not None else [0.1 * (k + 1) for k in range(n)]),
        "checkpoints.W": ck,
        "checkpoint_steps": torch.tensor(STEPS),
    }
    instances = {"point": [0] * n, "replica": list(range(n)), "density": [0.05] * n}
    return {"learning_geometry": make_run("learning_geometry", tensors, instances)}


def test_the_shares_of_the_hand_built_weights():
    """The closed-form shares the cases rely on."""
    shares = [pca_share(W, 3).item() for W in (OCTAHEDRON, SAME_SET, PCA, HALF_COLLAPSED, BOTH_HALF)]
    assert shares == pytest.approx([1 / 3, 1 / 9, 2 / 3, 4 / 9, 5 / 9])
    assert pca_share(0.1 * OCTAHEDRON @ rotation(3), 3).item() == pytest.approx(1 / 3)


# ---------------------------------------------------------------------------------------- C18.1

PCA_FIRST = [path(PCA, seed=s) for s in range(4)]
STRAIGHT = [path(None, seed=s) for s in range(4)]  # init straight to the octahedron


def test_c18_1_holds_when_every_replica_passes_through_the_pca_solution():
    """Every replica: init (1/3) → the PCA solution (2/3, peak at step 3) → the octahedron (formed at
    step 300, share 1/3 at the end)."""
    m = holds("C18.1", geometry_run(PCA_FIRST))
    assert m.value["replicas PCA-like first"] == "4 of 4"
    assert m.value["peak share per replica"] == [0.667] * 4
    assert m.value["stages of the best replica"][-1] == "300: 3 digons"


def test_c18_1_holds_on_half_of_the_replicas():
    """Two of four replicas pass through the PCA solution, two go straight: half is "typically"."""
    holds("C18.1", geometry_run(PCA_FIRST[:2] + STRAIGHT[:2]))


def test_c18_1_holds_for_a_stage_just_above_halfway_to_pca():
    """The middle stage has both sets half collapsed: share 5/9 ≥ 1/2."""
    holds("C18.1", geometry_run([path(BOTH_HALF, seed=s) for s in range(2)]))


def test_c18_1_fails_when_the_weights_go_straight_to_the_octahedron():
    """No PCA-like stage: the share is 1/3 throughout."""
    m = fails("C18.1", geometry_run(STRAIGHT))
    assert m.value["replicas PCA-like first"] == "0 of 4"


def test_c18_1_fails_on_one_replica_of_four():
    """One PCA-first replica (the lowest-loss one) among four: fewer than half."""
    fails("C18.1", geometry_run(PCA_FIRST[:1] + STRAIGHT[:3]))


def test_c18_1_fails_for_a_stage_below_halfway_to_pca():
    """The middle stage has only one set half collapsed: share 4/9 < 1/2."""
    fails("C18.1", geometry_run([path(HALF_COLLAPSED, seed=s) for s in range(2)]))


def test_c18_1_fails_when_training_stays_at_the_pca_solution():
    """The PCA solution is reached and never left: the final configuration forms at the peak (not
    after it) and the share ends at 2/3, not 1/3."""
    fails("C18.1", geometry_run([path(PCA, end=PCA, seed=s) for s in range(2)]))


def test_c18_1_fails_when_the_end_is_the_collapsed_solution():
    """The PCA stage is followed by a different final configuration with share 1 (each set on one
    direction), so the share does not end near 1/3."""
    collapsed = torch.stack([X, X, X, Y, Y, Y])
    fails("C18.1", geometry_run([path(PCA, end=collapsed, seed=s) for s in range(2)]))


# ---------------------------------------------------------------------------------------- C18.2


def test_c18_2_holds_when_most_replicas_and_the_best_end_in_the_cross_set_octahedron():
    """Three replicas: two (one the lowest-loss) end as the octahedron with pairs (0,5) (1,3) (2,4)
    across the sets, one with two pairs inside a set."""
    runs = geometry_run([path(PCA, seed=0), path(PCA, seed=1), path(PCA, end=SAME_SET, seed=2)])
    m = holds("C18.2", runs)
    assert m.value == {"replicas": "2 of 3", "best replica's pairs": [(0, 5), (1, 3), (2, 4)]}


def test_c18_2_holds_on_exactly_half():
    """Two of four replicas (the best among them) end in the cross-set octahedron."""
    ends = [OCTAHEDRON, SAME_SET, OCTAHEDRON, SAME_SET]
    holds("C18.2", geometry_run([path(PCA, end=e, seed=s) for s, e in enumerate(ends)]))


def test_c18_2_fails_when_the_lowest_loss_replica_pairs_within_a_set():
    """The holding run's losses reordered so that the same-set octahedron is the best replica."""
    runs = geometry_run([path(PCA, seed=0), path(PCA, seed=1), path(PCA, end=SAME_SET, seed=2)], [0.2, 0.3, 0.1])
    m = fails("C18.2", runs)
    assert m.value["replicas"] == "2 of 3" and m.value["best replica's pairs"] == [(0, 1), (2, 4), (3, 5)]


def test_c18_2_fails_when_most_replicas_pair_within_a_set():
    """The best replica is the cross-set octahedron, but two of three swap two features (pairs inside sets)."""
    runs = geometry_run([path(PCA, seed=0), path(PCA, end=SAME_SET, seed=1), path(PCA, end=SAME_SET, seed=2)])
    fails("C18.2", runs)


def test_c18_2_fails_when_the_end_is_not_an_octahedron():
    """Training stopped at the PCA solution: no three orthogonal antipodal pairs at all."""
    m = fails("C18.2", geometry_run([path(PCA, end=PCA, seed=s) for s in range(2)]))
    assert m.value["best replica's pairs"] is None
