"""The asymmetric-superposition motif of the abs-value model (paper #computation-asymmetric-motif,
docs/figures.md, F27), found automatically.

The motif: one neuron h stores two features a and b with very unequal input weights of opposite
sign, |W₁[b,h]| ≪ |W₁[a,h]|, and roughly reciprocal output weights, so that h gives |x_a| to output a
when a is active with a's sign (h = |W₁[a,h] x_a|, W₂[a,h]|W₁[a,h]| ≈ 1) and |x_b| to output b when b
is active with the other sign (W₂[b,h]|W₁[b,h]| ≈ 1). When a fires, h also drives output b by
W₂[b,h]|W₁[a,h]| ≈ |W₁[a,h]|/|W₁[b,h]| ≫ 1; a second neuron h' driven by a (same sign) cancels that
with a strongly negative W₂[b,h'].

Thresholds (fixed from the paper's wording, applied to the §8-rescaled weights):
``RATIO`` — "very unequal": |W₁[b,h]| / |W₁[a,h]| ≤ 1/2, and ≥ ``MIN_RATIO`` (1/20) so that b's
weight is more than weight-decay residue (it may lie below ``tms.analysis.neurons.CARRIES``: the reciprocal
output weight, not the input weight, is what makes h serve b);
``RECIPROCAL`` — "roughly reciprocal": both products W₂|W₁| within a factor 2 of 1;
``INHIBIT`` — "strongly inhibits": h' removes at least half of h's drive of output b per unit x_a.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from tms.analysis.neurons import alive, rescale_units

RATIO = 0.5
MIN_RATIO = 0.05
RECIPROCAL = 2.0
INHIBIT = 0.5


@dataclass(frozen=True)
class Motif:
    """One occurrence: features ``a`` (the large input weight) and ``b`` stored in neuron ``neuron``;
    ``inhibitor`` the second neuron; the numbers that qualified it."""

    a: int
    b: int
    neuron: int
    inhibitor: int
    ratio: float  # |W₁[b,h]| / |W₁[a,h]|
    out_a: float  # W₂[a,h] |W₁[a,h]|, ≈ 1
    out_b: float  # W₂[b,h] |W₁[b,h]|, ≈ 1
    inhibition: float  # −W₂[b,h'] |W₁[a,h']| / (W₂[b,h] |W₁[a,h]|), ≥ INHIBIT

    def to_dict(self) -> dict:
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def _within(value: float, factor: float) -> bool:
    return 1 / factor <= value <= factor


def find_motifs(W1: torch.Tensor, W2: torch.Tensor) -> list[Motif]:
    """Every occurrence of the motif in one abs-value model (``W1, W2 [n, m]``, any unit scale)."""
    if W1.dim() != 2 or W1.shape != W2.shape:
        raise ValueError(
            f"find_motifs takes one model's W1, W2 of equal shape [n, m]; got {tuple(W1.shape)}, {tuple(W2.shape)}"
        )
    W1, W2 = rescale_units(W1.double(), W2.double())
    live = alive(W1, W2)
    found = []
    for h in torch.nonzero(live).flatten().tolist():
        a = int(W1[:, h].abs().argmax())
        sign = 1.0 if W1[a, h] > 0 else -1.0
        big = abs(float(W1[a, h]))
        out_a = float(W2[a, h]) * big
        if not _within(out_a, RECIPROCAL):
            continue
        for b in torch.nonzero(W1[:, h] * sign < 0).flatten().tolist():
            small = float(W1[b, h]) * sign
            if not MIN_RATIO <= -small / big <= RATIO:
                continue
            out_b = float(W2[b, h]) * -small
            if not _within(out_b, RECIPROCAL):
                continue
            drive = float(W2[b, h]) * big  # h's push on output b per unit of a
            best = None
            for g in torch.nonzero(live).flatten().tolist():
                if g == h or float(W1[a, g]) * sign <= 0:
                    continue
                inhibition = -float(W2[b, g]) * abs(float(W1[a, g])) / drive
                if inhibition >= INHIBIT and (best is None or inhibition > best[1]):
                    best = (g, inhibition)
            if best is not None:
                found.append(Motif(a, b, h, best[0], -small / big, out_a, out_b, best[1]))
    return found
