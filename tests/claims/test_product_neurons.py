"""Known-answer cases for X2.1 (``tms.claims.product_neurons``): the x·y network's live neurons lie on the
diagonals x ± y, all four directions ±(x + y), ±(x − y) present, in the lowest-loss replica.

Inputs z = (x, y) ~ N(0, I); p = (x + y)/√2 and q = (x − y)/√2 are independent N(0, 1) and x·y = (p² − q²)/2.
Four ReLU neurons along ±u, ±v (u = (1, 1)/√2, v = (1, −1)/√2) with output weights (a, a, −a, −a) compute
a(|p| − |q|); the least-squares a is E[(|p| − |q|)(p² − q²)/2] / E[(|p| − |q|)²] = √(2/π) / (2 − 4/π), and the
loss is E[(xy)²] − (2/π)/(2 − 4/π) = 1 − 1/(π − 2) = 0.124. Neurons on the axes (±x, ±y) compute a sum
f(x) + g(y), which is uncorrelated with x·y: their best loss is E[(xy)²] = 1. These are the replicas' eval
losses, so the diagonal network is the best replica unless a case says otherwise.
"""

from __future__ import annotations

import math

import torch

from tests.claims.known import fails, holds, make_run

A = math.sqrt(2 / math.pi) / (2 - 4 / math.pi)
DIAGONAL_LOSS = 1 - 1 / (math.pi - 2)
AXIS_LOSS = 1.0
DIAGONALS = (45, 225, -45, 135)  # +u, −u, +v, −v
AXES = (0, 180, 90, -90)  # +x, −x, +y, −y


def network(angles, out=(A, A, -A, -A)):
    """``W1 [2, k]`` (neuron h reads the unit direction at ``angles[h]`` degrees) and ``W2 [k]``."""
    W1 = torch.tensor([[math.cos(math.radians(a)) for a in angles], [math.sin(math.radians(a)) for a in angles]])
    return W1, torch.tensor(out, dtype=torch.float32)


def product_run(replicas):
    """A ``product_neurons`` run: ``replicas`` = [((W1, W2), eval_loss)], one sweep point at density 1."""
    k = len(replicas)
    m = replicas[0][0][0].shape[1]
    tensors = {
        "W1": torch.stack([w1 for (w1, _), _ in replicas]),
        "b1": torch.zeros(k, m),
        "W2": torch.stack([w2 for (_, w2), _ in replicas]),
        "b2": torch.zeros(k),
        "eval_loss": torch.tensor([loss for _, loss in replicas]),
    }
    instances = {"density": [1.0] * k, "point": [0] * k, "replica": list(range(k))}
    return {"product_neurons": make_run("product_neurons", tensors, instances, n_hidden=m)}


def test_x2_1_holds_on_the_diagonal_network():
    """The diagonal network (loss 0.124) beside an axis-aligned one (loss 1): the best replica's four neurons are at
    45°, 225°, −45°, 135°, each exactly on a diagonal, driven equally by both inputs."""
    m = holds("X2.1", product_run([(network(AXES), AXIS_LOSS), (network(DIAGONALS), DIAGONAL_LOSS)]))
    assert m.value["|cos| to a diagonal"] == [1.0] * 4 and m.value["input mixing min/max"] == [1.0] * 4
    assert m.value["replicas with diagonal neurons"] == "1 of 2"


def test_x2_1_holds_within_tolerance():
    """Every neuron turned 15° off its diagonal: |cos| = cos 15° = 0.966 ≥ 0.95, still one per quadrant."""
    holds("X2.1", product_run([(network([a + 15 for a in DIAGONALS]), DIAGONAL_LOSS)]))


def test_x2_1_ignores_dead_neurons():
    """A fifth neuron on the x axis with output weight 0 is dead (|W2|·‖W1‖ = 0 < 0.05) and not judged."""
    holds("X2.1", product_run([(network((*DIAGONALS, 0), (A, A, -A, -A, 0.0)), DIAGONAL_LOSS)]))


def test_x2_1_fails_on_a_live_axis_neuron():
    """The same fifth neuron with output weight 0.1 is live and on an axis: |cos| to a diagonal = 0.707."""
    fails("X2.1", product_run([(network((*DIAGONALS, 0), (A, A, -A, -A, 0.1)), DIAGONAL_LOSS)]))


def test_x2_1_fails_off_the_diagonals():
    """Every neuron turned 20° off its diagonal: |cos| = cos 20° = 0.940 < 0.95."""
    fails("X2.1", product_run([(network([a + 20 for a in DIAGONALS]), DIAGONAL_LOSS)]))


def test_x2_1_fails_on_the_axis_network():
    """The axis-aligned network given the lower eval loss, so it is the best replica: monosemantic in the input
    basis, |cos| to a diagonal = 0.707 for every neuron."""
    fails("X2.1", product_run([(network(AXES), 0.1), (network(DIAGONALS), DIAGONAL_LOSS)]))


def test_x2_1_fails_when_a_diagonal_direction_is_missing():
    """Two neurons along +(x + y) and none along −(x + y): every neuron on a diagonal, but 3 of the 4 directions."""
    fails("X2.1", product_run([(network((45, 45, -45, 135)), DIAGONAL_LOSS)]))
