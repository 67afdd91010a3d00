"""tms.core.sae_training: small end-to-end trainings that recover known sparse features, one per
SAE kind family (TopK, and the batch kinds BatchTopK and Matryoshka)."""

from __future__ import annotations

import pytest
import torch

from tms.analysis.sae import recovery
from tms.core.data import SparseFeatures
from tms.core.sae import SAESpec
from tms.core.sae_training import train_saes


def test_topk_sae_recovers_sparse_orthogonal_features():
    """Six orthogonal features in 6-D at density 0.1: a TopK SAE finds them."""
    W = torch.eye(6)[None]
    density = torch.full((1, 6), 0.1)
    spec = SAESpec(
        dictionary=12, kinds=("topk",), l1=(), k=(1,), l0=(), steps=600, batch_size=256, lr=1e-2, eval_samples=2000
    )
    out = train_saes(W, SparseFeatures(density), spec, seed=0)
    mmcs, share = recovery(out["max_cos"], out["represented"])
    assert mmcs.item() > 0.95 and share.item() >= 5 / 6
    assert out["fvu"].item() < 0.2 and out["l0"].item() <= 1.0


@pytest.mark.parametrize("kind", ["batchtopk", "matryoshka"])
def test_batch_kinds_reconstruct_with_k_latents_per_input_on_average(kind):
    """Six orthogonal features in 6-D at density 0.1, k = 1: reconstruction nearly exact, about one
    latent per input at evaluation (the threshold), most features found (a batch kind may also
    reconstruct with a few mixed atoms: 4 of 6 features at cos > 0.99 on seed 0)."""
    W = torch.eye(6)[None]
    spec = SAESpec(
        dictionary=12, kinds=(kind,), l1=(), k=(1,), l0=(), steps=600, batch_size=256, lr=1e-2, eval_samples=2000
    )
    out = train_saes(W, SparseFeatures(torch.full((1, 6), 0.1)), spec, seed=0)
    mmcs, _ = recovery(out["max_cos"], out["represented"])
    assert mmcs.item() > 0.75 and out["fvu"].item() < 0.05 and 0.5 < out["l0"].item() < 1.5
    assert 0 < out["params"]["threshold"].item() < 1
