"""Neuron-level measures of a privileged hidden basis (paper #privileged-basis, #computation;
docs/figures.md).

Weights use the package layout: ``W`` (or the abs-value model's ``W1``, ``W2``) ``[..., n, m]``
with row i = feature i and column h = neuron h, so neuron h's input weights are ``W[..., :, h]``.
Everything broadcasts over leading instance axes.

A neuron *carries* feature i when feature i can drive it with a weight at least ``CARRIES`` (1/4) of
the neuron's largest. With signed inputs (the abs-value model) either sign drives it, so |W_{i,h}|
counts; with the non-negative inputs of the tied ReLU-hidden model only W_{i,h} > 0 does — a
negative weight never activates the neuron, it only inhibits it (``signed_inputs=False``). Relative,
because a ReLU unit's scale is arbitrary in the untied model (a factor moves freely between W₁ and
W₂, which is why §8 rescales each unit to a largest |W₁| of 1); a quarter, because the paper's
polysemantic neurons hold their extra features at ≳ 0.3 of the main one while weight-decay residue
on a dedicated neuron stays below 0.1 (measured on trained models). A neuron whose largest input
weight times its largest output weight is below ``DEAD`` does nothing and carries no feature.
"""

from __future__ import annotations

import torch

from tms.analysis.metrics import REPRESENTED_NORM, feature_norms

CARRIES = 0.25  # a neuron carries feature i if |W_ih| ≥ CARRIES · max_j |W_jh|
DEAD = 0.01  # max_i |W_ih| · max_i |W2_ih| below this: the neuron is dead
# E[max_h u_h²] for u uniform on the unit sphere in 5-D (Monte Carlo, 2·10⁶ samples): the
# neuron alignment of a randomly rotated W, the value a basis-free model has on average.
RANDOM_ALIGNMENT_M5 = 0.555


def rescale_units(W1: torch.Tensor, W2: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The §8 convention: scale each hidden unit so its largest |W₁| entry is 1, moving the factor
    into W₂ (ReLU(s z) = s ReLU(z) for s > 0, so the model's function is unchanged).
    ``W1, W2 [..., n, m]`` -> rescaled copies; a unit with all-zero W₁ is left as it is."""
    s = W1.abs().amax(-2, keepdim=True)  # [..., 1, m]
    s = torch.where(s > 0, s, torch.ones_like(s))
    return W1 / s, W2 * s


def alive(W: torch.Tensor, W2: torch.Tensor | None = None, dead: float = DEAD) -> torch.Tensor:
    """Boolean ``[..., m]``: the neuron reads some feature and writes some output
    (``W2`` defaults to ``W``, the tied model)."""
    W2 = W if W2 is None else W2
    return W.abs().amax(-2) * W2.abs().amax(-2) >= dead


def carried(
    W: torch.Tensor, W2: torch.Tensor | None = None, threshold: float = CARRIES, signed_inputs: bool = True
) -> torch.Tensor:
    """Boolean ``[..., n, m]``: neuron h carries feature i (drive ≥ threshold · the neuron's largest
    drive, neuron alive); drive = |W_ih| for signed inputs, max(W_ih, 0) for non-negative ones."""
    drive = W.abs() if signed_inputs else W.clamp(min=0)
    top = drive.amax(-2, keepdim=True)
    return (drive >= threshold * top) & (top > 0) & alive(W, W2)[..., None, :]


def polysemanticity(
    W: torch.Tensor, W2: torch.Tensor | None = None, threshold: float = CARRIES, signed_inputs: bool = True
) -> torch.Tensor:
    """Number of features each neuron carries, ``[..., m]`` (0 for a dead neuron)."""
    return carried(W, W2, threshold, signed_inputs).sum(-2)


def monosemantic(W: torch.Tensor, W2: torch.Tensor | None = None, signed_inputs: bool = True) -> torch.Tensor:
    """Boolean ``[..., m]``: the neuron carries exactly one feature."""
    return polysemanticity(W, W2, signed_inputs=signed_inputs) == 1


def polysemantic(W: torch.Tensor, W2: torch.Tensor | None = None, signed_inputs: bool = True) -> torch.Tensor:
    """Boolean ``[..., m]``: the neuron carries two or more features."""
    return polysemanticity(W, W2, signed_inputs=signed_inputs) >= 2


def top_feature(W: torch.Tensor) -> torch.Tensor:
    """Index of each neuron's largest |W_ih|, ``[..., m]``; features are ordered most important
    first, so this is also the importance rank of the neuron's main feature."""
    return W.abs().argmax(-2)


def neuron_order(W: torch.Tensor) -> torch.Tensor:
    """Neurons sorted by the importance of their largest feature (most important first; ties keep
    the neuron order), ``[..., m]`` indices (F25's convention)."""
    return top_feature(W).argsort(dim=-1, stable=True)


def neuron_alignment(W: torch.Tensor, threshold: float = REPRESENTED_NORM) -> torch.Tensor:
    """C20.1: mean over represented features (‖W_i‖ > threshold) of max_h W_ih² / ‖W_i‖², ``[...]``.
    1 when every represented feature sits on a single neuron, 1/m at worst; a random rotation
    of the basis gives the expected largest squared coordinate of a random unit vector
    (``RANDOM_ALIGNMENT_M5`` in m = 5). NaN when no feature is represented."""
    sq = W.square()
    share = sq.amax(-1) / sq.sum(-1).clamp_min(1e-30)
    rep = feature_norms(W) > threshold
    return (share * rep).sum(-1) / rep.sum(-1)


def computes_abs(
    W1: torch.Tensor, W2: torch.Tensor, b: torch.Tensor, tol: float = 0.5, signs: tuple[float, ...] = (1.0, -1.0)
) -> torch.Tensor:
    """Boolean ``[..., n]``: the abs-value model outputs y_i within ``tol`` of 1 = |±1| for every
    one-hot input x = s·e_i, s in ``signs`` (both: it represents feature i functionally; basis free,
    and independent of the arbitrary split of scale between W₁ and W₂)."""
    ok = torch.ones(W1.shape[:-1], dtype=torch.bool)
    for sign in signs:
        h = torch.relu(sign * W1)  # [..., n(input i), m]: hidden activity for x = sign · e_i
        y = torch.relu(h @ W2.transpose(-1, -2) + b[..., None, :])  # [..., n(input), n(output)]
        ok &= (y.diagonal(dim1=-2, dim2=-1) - 1).abs() < tol
    return ok
