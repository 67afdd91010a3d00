"""Known-answer cases for the F17 claims (``tms.claims.learning_dynamics``): sudden jumps of D_i,
jumps coinciding with loss drops, and features ending as digons.

Checkpoints of W are built by hand on the config's 60 log-spaced checkpoint steps (10,000 steps).
Four features in m = 3: features 0 and 2 sit on their own axes (x, y) from the start; feature 1 and
feature 3 appear opposite them (pair A = (0, 1) on x, pair B = (2, 3) on y). While a partner is
absent, D = 1 for the lone feature and 0 for the absent one; once it is there at full length both
have D = 1/2 (an antipodal pair). A partner that appears between two checkpoints puts all of the
change of D_i in one window (share 1); a partner growing linearly in log(step) over four decades
spreads it (share ≈ 0.07, about a sixteenth)."""

from __future__ import annotations

import math

import torch

from tests.claims.known import fails, holds, make_run, spec
from tms.core.train import Recipe

SPEC = spec("learning_dynamics")
STEPS = Recipe(steps=SPEC["recipe"]["steps"], checkpoints=SPEC["recipe"]["checkpoints"]).checkpoint_steps()
X, Y, Z = torch.eye(3)


def first_at(step: int) -> int:
    """Index of the first checkpoint at or after ``step``."""
    return next(i for i, s in enumerate(STEPS) if s >= step)


def partner_scale(kind: str, at: int = 0) -> torch.Tensor:
    """``[k]`` the partner's length per checkpoint: ``"jump"`` 0 before checkpoint ``at`` and 1 from it,
    ``"ramp"`` rising linearly in log10(step) from 0 at step ≤ 1 to 1 at the last step."""
    if kind == "jump":
        return (torch.arange(len(STEPS)) >= at).float()
    logs = torch.tensor([math.log10(max(s, 1)) for s in STEPS])
    return logs / logs[-1]


def checkpoints(a: torch.Tensor, b: torch.Tensor, third: torch.Tensor | None = None) -> torch.Tensor:
    """``[k, 4, 3]``: pair A's partner (feature 1) at −x with length ``a[t]``, pair B's partner
    (feature 3) at −y with length ``b[t]``, or (``third``) along that fixed direction at length ``b[t]``."""
    k = len(STEPS)
    W = torch.zeros(k, 4, 3)
    W[:, 0] = X
    W[:, 1] = -a[:, None] * X
    W[:, 2] = Y
    W[:, 3] = b[:, None] * (-Y if third is None else third)
    return W


def loss_curve(*drops_at: int) -> torch.Tensor:
    """``[k]`` training loss at the checkpoint steps: flat at 1, falling by 0.25 at each checkpoint
    index in ``drops_at`` (a sudden drop, nothing in between)."""
    index = torch.arange(len(STEPS))
    return 1.0 - 0.25 * sum((index >= i).float() for i in drops_at)


def dynamics_run(snaps: list[torch.Tensor], curves: list[torch.Tensor]):
    """A learning_dynamics run: one instance per replica, final W = the last checkpoint, the loss
    recorded at the checkpoint steps (the trainer logs there too)."""
    ck = torch.stack(snaps)
    tensors = {
        "W": ck[:, -1].clone(),
        "b": torch.zeros(ck.shape[0], ck.shape[2]),
        "eval_loss": torch.arange(ck.shape[0], dtype=torch.float32) / 10,
        "checkpoints.W": ck,
        "checkpoint_steps": torch.tensor(STEPS),
        "loss_curve": torch.stack(curves),
        "loss_steps": torch.tensor(STEPS),
    }
    n = ck.shape[0]
    instances = {"point": [0] * n, "replica": list(range(n)), "density": [0.3] * n}
    return {"learning_dynamics": make_run("learning_dynamics", tensors, instances)}


# Replica 0: pair A forms at step ≈ 100, pair B at ≈ 3,000; replica 1: A at ≈ 30, B at ≈ 1,000.
JUMPS = [(first_at(100), first_at(3000)), (first_at(30), first_at(1000))]


def jumping(replica_jumps=JUMPS):
    return [checkpoints(partner_scale("jump", a), partner_scale("jump", b)) for a, b in replica_jumps]


def test_the_steps_are_the_configs_checkpoints():
    assert STEPS[0] == 0 and STEPS[-1] == 9999 and len(STEPS) > 40
    assert len({i for pair in JUMPS for i in pair}) == 4


# ---------------------------------------------------------------------------------------- C17.1


def test_c17_1_holds_when_every_partner_appears_between_two_checkpoints():
    """All four features' D_i change in one step (1 → 1/2, 0 → 1/2): every share is 1, on both replicas."""
    m = holds("C17.1", dynamics_run(jumping(), [loss_curve(*j) for j in JUMPS]))
    assert m.value == {"median share": 1.0, "features": 8}


def test_c17_1_fails_when_the_jumps_are_smoothed_into_ramps():
    """The same start and end, but each partner grows linearly in log(step): the largest quarter-decade
    window holds only ≈ 0.07 of each feature's change."""
    ramp = checkpoints(partner_scale("ramp"), partner_scale("ramp"))
    m = fails("C17.1", dynamics_run([ramp, ramp], [loss_curve(10), loss_curve(10)]))
    assert m.value["median share"] < 0.1


def test_c17_1_fails_when_most_features_drift():
    """Replica 0 jumps, replica 1 ramps, and a third replica ramps too: 4 of 12 features jump, the
    median share is a ramp's."""
    ramp = checkpoints(partner_scale("ramp"), partner_scale("ramp"))
    curves = [loss_curve(*JUMPS[0]), loss_curve(10), loss_curve(10)]
    fails("C17.1", dynamics_run([jumping()[0], ramp, ramp], curves))


def test_c17_1_counts_only_represented_features():
    """Pair A jumps; pair B's partner grows as a ramp but only to length 0.4 (not represented, ≤ 0.5),
    so the features counted are 0 and 1 (share 1) and 2 (a drift of D from 1 to 1/1.16): median 1.
    The partner ramping to full length (represented) adds a fourth, drifting feature: the median of
    two jumps and two drifts is a drift's (torch's median takes the lower middle value)."""
    a = partner_scale("jump", JUMPS[0][0])
    holds("C17.1", dynamics_run([checkpoints(a, 0.4 * partner_scale("ramp"))], [loss_curve(JUMPS[0][0])]))
    fails("C17.1", dynamics_run([checkpoints(a, partner_scale("ramp"))], [loss_curve(JUMPS[0][0])]))


# ---------------------------------------------------------------------------------------- C17.2


def test_c17_2_holds_when_the_loss_drops_at_each_jump():
    """Each replica's loss falls (by 0.25) exactly at its own two jumps and is flat elsewhere: every
    jump window holds a drop of 0.25, above the median window's 0."""
    m = holds("C17.2", dynamics_run(jumping(), [loss_curve(*j) for j in JUMPS]))
    assert m.value == {"share above median": 1.0, "jumps": 8}


def test_c17_2_fails_when_the_loss_curves_belong_to_the_other_replica():
    """The holding run with the two replicas' loss curves swapped: every loss drop now falls outside
    that replica's jump windows (jumps ≥ 0.5 decade apart), so no jump window sees a drop."""
    m = fails("C17.2", dynamics_run(jumping(), [loss_curve(*j) for j in reversed(JUMPS)]))
    assert m.value["share above median"] == 0.0


def test_c17_2_fails_when_the_loss_drops_early_and_d_jumps_late():
    """One replica whose loss falls once at step ≈ 10, long before its jumps at ≈ 100 and ≈ 3,000."""
    fails("C17.2", dynamics_run(jumping()[:1], [loss_curve(first_at(10))]))


def test_c17_2_holds_on_two_of_three_jumps_and_fails_on_one_of_three():
    """Pair A jumps at ≈ 100 and pair B at ≈ 3,000 (2 jump windows each); a third replica's jumps
    give 4 more. Loss drops matching 8 of 12 jump windows (2/3) hold; 4 of 12 do not."""
    third = (first_at(300), first_at(5000))
    snaps = jumping([*JUMPS, third])
    holds("C17.2", dynamics_run(snaps, [loss_curve(*JUMPS[0]), loss_curve(*JUMPS[1]), loss_curve(10)]))
    fails("C17.2", dynamics_run(snaps, [loss_curve(*JUMPS[0]), loss_curve(10), loss_curve(10)]))


def test_c17_1_and_c17_2_fail_with_no_represented_feature():
    """Nothing learned (every W_i shorter than 0.5 at the end): no jump to measure (C17.1's median of
    no shares is NaN, C17.2 counts 0 jumps), even though the small weights do jump with the loss."""
    tiny = 0.1 * checkpoints(partner_scale("jump", JUMPS[0][0]), partner_scale("jump", JUMPS[0][1]))
    fails("C17.1", dynamics_run([tiny], [loss_curve(*JUMPS[0])]))
    m = fails("C17.2", dynamics_run([tiny], [loss_curve(*JUMPS[0])]))
    assert m.value["jumps"] == 0


# ---------------------------------------------------------------------------------------- C17.3


def test_c17_3_holds_when_every_feature_ends_in_an_antipodal_pair():
    """Both pairs end antipodal: D_i = 1/2 for all eight represented features."""
    m = holds("C17.3", dynamics_run(jumping(), [loss_curve(*j) for j in JUMPS]))
    assert m.value == {"share": 1.0, "features": 8}


def test_c17_3_holds_for_slightly_unequal_pairs():
    """Partners at length 0.95 and 1.05: D_i = 1/(1 + r²) or r²/(1 + r²) ∈ [0.475, 0.525], all within 0.05 of 1/2."""
    a = partner_scale("jump", JUMPS[0][0]) * 0.95
    b = partner_scale("jump", JUMPS[0][1]) * 1.05
    holds("C17.3", dynamics_run([checkpoints(a, b)], [loss_curve(*JUMPS[0])]))


def test_c17_3_fails_when_a_pair_ends_orthogonal_instead_of_antipodal():
    """Pair B's partner appears along z instead of −y: features 2 and 3 end with D = 1, so 2 of 4
    represented features are digons (50% < 90%)."""
    a, b = partner_scale("jump", JUMPS[0][0]), partner_scale("jump", JUMPS[0][1])
    m = fails("C17.3", dynamics_run([checkpoints(a, b, third=Z)], [loss_curve(*JUMPS[0])]))
    assert m.value == {"share": 0.5, "features": 4}


def test_c17_3_fails_when_the_pairs_are_unequal():
    """Partners at length 0.8: D_i = 1/1.64 ≈ 0.61 and 0.64/1.64 ≈ 0.39, 0.11 from 1/2."""
    a = partner_scale("jump", JUMPS[0][0]) * 0.8
    b = partner_scale("jump", JUMPS[0][1]) * 0.8
    fails("C17.3", dynamics_run([checkpoints(a, b)], [loss_curve(*JUMPS[0])]))


def test_c17_3_fails_with_no_represented_feature():
    """Nothing learned: share 0 of 0 features."""
    tiny = 0.1 * checkpoints(partner_scale("jump", JUMPS[0][0]), partner_scale("jump", JUMPS[0][1]))
    fails("C17.3", dynamics_run([tiny], [loss_curve(*JUMPS[0])]))
