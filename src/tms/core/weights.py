"""The weight layout, used everywhere in the package, and which features count as represented.

* ``W``: ``[inst, n, m]``; row ``W[k, i]`` is feature i's embedding W_i in the hidden space of
  instance k. (The paper writes W as m×n with columns W_i; ours is its per-instance transpose,
  so the paper's WᵀW is ``W @ W.transpose(-1, -2)``.)
* ``b``: ``[inst, n]`` output bias.

Here, not in ``tms.analysis.metrics`` (which re-exports both), because the SAE trainer records
which of its source model's features are represented; this module imports nothing of the package.
"""

from __future__ import annotations

import torch

REPRESENTED_NORM = 0.5  # ‖W_i‖ above this counts as represented (docs/figures.md "Common setup")


def feature_norms(W: torch.Tensor) -> torch.Tensor:
    """‖W_i‖, ``[..., n]`` (re-exported by ``tms.analysis.metrics``)."""
    return W.norm(dim=-1)
