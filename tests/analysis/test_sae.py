"""tms.analysis.sae: recovery metrics on known dictionaries, and the X3 claims on synthetic result
tables."""

from __future__ import annotations

import pytest
import torch

from tms.analysis.sae import recovery
from tms.claims.check import check_figure
from tms.core.io import Run
from tms.core.sae_training import max_cosines


def test_recovery_metrics_on_known_dictionaries():
    W = torch.eye(3)[None]  # three true features in 3-D
    perfect = torch.eye(3)[None] * 2  # atoms along the features (any norm)
    assert max_cosines(perfect, W).tolist() == [[1.0, 1.0, 1.0]]
    tilted = torch.tensor([[[1.0, 1.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]])  # atom 0 half way
    cos = max_cosines(tilted.transpose(1, 2), W)
    assert cos[0].tolist() == pytest.approx([2**-0.5, 1.0, 1.0])
    mmcs, share = recovery(cos, torch.tensor([[True, True, False]]))
    assert mmcs.item() == pytest.approx((2**-0.5 + 1) / 2) and share.item() == pytest.approx(0.5)


def _run(rows: list[tuple[str, float, float, float, float]]) -> Run:
    """A synthetic SAE run from (kind, density, l0, fvu, cosine of every feature)."""
    kinds, densities, l0, fvu, cos = zip(*rows, strict=True)
    inst = len(rows)
    tensors = {
        "l0": torch.tensor(l0),
        "fvu": torch.tensor(fvu),
        "max_cos": torch.tensor(cos)[:, None].expand(inst, 4),
        "represented": torch.ones(inst, 4, dtype=torch.bool),
    }
    meta = {
        "experiment": {},
        "instances": {"kind": list(kinds), "density": list(densities), "sparsity": [0.0] * inst, "source": [0] * inst},
    }
    return Run(tensors, meta)


def test_x3_claims_on_synthetic_tables():
    status = lambda rows: {r["id"]: r["status"] for r in check_figure("sae_recovery", {"sae_recovery": _run(rows)})}  # noqa: E731
    good = [
        ("relu_l1", 1.0, 5, 0.5, 0.5),
        ("topk", 1.0, 2, 0.4, 0.6),
        ("relu_l1", 0.05, 5, 0.5, 0.7),
        ("topk", 0.05, 2, 0.3, 0.99),
    ]
    assert status(good) == {"X3.1": "held", "X3.2": "held"}
    bad = [
        ("relu_l1", 1.0, 2, 0.2, 0.95),
        ("topk", 1.0, 2, 0.4, 0.6),
        ("relu_l1", 0.05, 2, 0.2, 0.5),
        ("topk", 0.05, 5, 0.3, 0.6),
    ]
    assert status(bad) == {"X3.1": "not held", "X3.2": "not held"}
