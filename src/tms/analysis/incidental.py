"""Polysemanticity without superposition (beyond the paper): models with ample neurons.

With m ≥ 2n neurons a monosemantic zero-loss solution exists — one neuron per feature for the
tied ReLU-hidden model, a ReLU(x_i) and a ReLU(−x_i) neuron per feature for the abs-value model —
so polysemantic neurons there are not needed to store features in superposition: they are
*incidental* (left over from the random initialisation where weight decay does not remove them,
or picked up on the way to a low-loss solution that is not aligned with the neurons).

``polysemantic_share`` measures a run's neurons with ``tms.analysis.neurons`` (a neuron carries a feature
at ≥ 1/4 of its largest input drive; polysemantic: two or more features) for the two models.
"""

from __future__ import annotations

import torch

from tms.analysis.neurons import alive, polysemantic
from tms.core.io import Run


def neuron_weights(run: Run) -> tuple[torch.Tensor, torch.Tensor | None, bool]:
    """``(W, W2, signed_inputs)`` of a ReLU-hidden (tied: W2 None, inputs ≥ 0) or abs-value run."""
    model = run.spec["model"]
    if model == "relu_hidden":
        return run.W, None, False
    if model == "abs_value":
        return run["W1"], run["W2"], True
    raise ValueError(f"neuron measures need a relu_hidden or abs_value run; got model {model!r}")


def polysemantic_share(run: Run) -> torch.Tensor:
    """Per instance, the share of alive neurons that are polysemantic, ``[inst]``."""
    W, W2, signed = neuron_weights(run)
    live = alive(W, W2)
    poly = polysemantic(W, W2, signed_inputs=signed) & live
    return poly.sum(-1) / live.sum(-1).clamp_min(1)
