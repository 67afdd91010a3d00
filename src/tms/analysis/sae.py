"""How well the sparse autoencoders of ``tms.core.sae`` recover the true features: per SAE the
mean max cosine (MMCS) over the represented features and the share recovered (some atom with
cos > ``RECOVERED``), and the table of every SAE's settings and measures that the claims and the
plot read."""

from __future__ import annotations

import numpy as np
import torch

from tms.core.io import Run

RECOVERED = 0.9  # a feature is recovered when some atom has cos > 0.9 with it


def recovery(max_cos: torch.Tensor, represented: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per SAE: mean max cosine (MMCS) over represented features and the share above ``RECOVERED``."""
    rep = represented.float()
    count = rep.sum(-1).clamp_min(1)
    return (max_cos * rep).sum(-1) / count, ((max_cos > RECOVERED).float() * rep).sum(-1) / count


def sae_table(run: Run) -> dict[str, np.ndarray]:
    """Per SAE: kind, sparsity setting, source density, FVU, L0, MMCS, recovered share; and per
    source the expected number of active represented features."""
    table = run.meta["instances"]
    mmcs, share = recovery(run["max_cos"], run["represented"])
    out = {key: np.asarray(table[key]) for key in ("kind", "sparsity", "density", "source")}
    out.update(fvu=run["fvu"].numpy(), l0=run["l0"].numpy(), mmcs=mmcs.numpy(), recovered=share.numpy())
    out["active"] = run["represented"].float().sum(-1).numpy() * out["density"]
    return out
