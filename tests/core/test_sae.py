"""tms.core.sae: the spec's checks, the three SAE kinds' codes on hand-made pre-activations, the
JumpReLU pseudo-gradient, and a small end-to-end recovery of known sparse features."""

from __future__ import annotations

import pytest
import torch

from tms.analysis.sae import recovery
from tms.core.sae import JUMP_BANDWIDTH, SAESpec, encode, jump_ste, train_saes

SPEC = dict(dictionary=4, kinds=("relu_l1", "topk", "jumprelu"), l1=(0.1,), k=(2,), l0=(0.1,))


def identity_params(inst: int, d: int, theta: float = 0.5) -> dict[str, torch.Tensor]:
    """Encoder = identity on d = m dimensions, so pre-activations equal the inputs."""
    eye = torch.eye(d).expand(inst, d, d).clone()
    return {
        "W_enc": eye,
        "W_dec": eye.clone(),
        "b_enc": torch.zeros(inst, d),
        "b_dec": torch.zeros(inst, d),
        "theta": torch.full((inst, d), theta),
    }


def test_spec_table_is_kind_major_and_checks_its_settings():
    spec = SAESpec(**SPEC)
    table = spec.table(sources=2)
    assert table["kind"] == ["relu_l1", "relu_l1", "topk", "topk", "jumprelu", "jumprelu"]
    assert table["source"] == [0, 1] * 3 and table["sparsity"] == [0.1, 0.1, 2.0, 2.0, 0.1, 0.1]
    with pytest.raises(ValueError, match="sae.kinds"):
        SAESpec(**{**SPEC, "kinds": ("l2",)})
    with pytest.raises(ValueError, match="sae.k must"):
        SAESpec(**{**SPEC, "k": (5,)})  # more than the dictionary
    with pytest.raises(ValueError, match="sparsity list is empty"):
        SAESpec(**{**SPEC, "l0": ()})


def test_codes_of_each_kind():
    h = torch.tensor([0.9, -0.3, 0.6, 0.2]).expand(3, 1, 4).clone()
    f = encode(identity_params(3, 4), h, ["relu_l1", "topk", "jumprelu"], torch.tensor([0.1, 2.0, 0.1]))
    assert f[0, 0].tolist() == pytest.approx([0.9, 0.0, 0.6, 0.2])  # ReLU
    assert f[1, 0].tolist() == pytest.approx([0.9, 0.0, 0.6, 0.0])  # the two largest
    assert f[2, 0].tolist() == pytest.approx([0.9, 0.0, 0.6, 0.0])  # z · H(z − 0.5)


def test_jumprelu_threshold_gradient_is_the_kernel_estimate():
    """d/dθ of z·H(z − θ) ≈ −θ/ε · K((z − θ)/ε): only latents within ε/2 of the threshold count."""
    theta = torch.tensor([0.5, 0.5], requires_grad=True)
    z = torch.tensor([[0.51, 0.9]], requires_grad=True)
    jump_ste(z, theta).sum().backward()
    assert theta.grad.tolist() == pytest.approx([-0.5 / JUMP_BANDWIDTH, 0.0])
    assert z.grad.tolist() == [[1.0, 1.0]]  # both on: straight through


def test_topk_sae_recovers_sparse_orthogonal_features():
    """Six orthogonal features in 6-D at density 0.1: a TopK SAE finds them."""
    W = torch.eye(6)[None]
    density = torch.full((1, 6), 0.1)
    spec = SAESpec(
        dictionary=12, kinds=("topk",), l1=(), k=(1,), l0=(), steps=600, batch_size=256, lr=1e-2, eval_samples=2000
    )
    out = train_saes(W, density, spec, seed=0)
    mmcs, share = recovery(out["max_cos"], out["represented"])
    assert mmcs.item() > 0.95 and share.item() >= 5 / 6
    assert out["fvu"].item() < 0.2 and out["l0"].item() <= 1.0
