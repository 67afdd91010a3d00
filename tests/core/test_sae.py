"""tms.core.sae: the spec's checks, the three SAE kinds' codes on hand-made pre-activations, the
JumpReLU pseudo-gradient, and a small end-to-end recovery of known sparse features."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
import yaml

from tms.analysis.sae import recovery
from tms.core.data import SparseFeatures
from tms.core.sae import (
    JUMP_BANDWIDTH,
    KINDS,
    SAESpec,
    encode,
    init_threshold,
    jump_ste,
    prefix_errors,
    train_saes,
    update_thresholds,
)

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
    out = train_saes(W, SparseFeatures(density), spec, seed=0)
    mmcs, share = recovery(out["max_cos"], out["represented"])
    assert mmcs.item() > 0.95 and share.item() >= 5 / 6
    assert out["fvu"].item() < 0.2 and out["l0"].item() <= 1.0


def test_batch_topk_keeps_the_batch_largest_in_training_and_a_threshold_in_evaluation():
    """k = 1 over a batch of 2 keeps the batch's 2 largest activations, wherever they are."""
    h = torch.tensor([[[0.9, 0.8, 0.1], [0.2, -0.5, 0.3]]]).expand(2, 2, 3).clone()
    params = identity_params(2, 3) | {"threshold": torch.tensor([0.25, 0.85])}
    kinds, k = ["batchtopk", "matryoshka"], torch.tensor([1.0, 1.0])
    f = encode(params, h, kinds, k, train=True)
    assert f[0].flatten().tolist() == pytest.approx([0.9, 0.8, 0.0, 0.0, 0.0, 0.0])
    f = encode(params, h, kinds, k)  # evaluation: z · H(z − threshold), per SAE
    assert f[0].flatten().tolist() == pytest.approx([0.9, 0.8, 0.0, 0.0, 0.0, 0.3])
    assert f[1].flatten().tolist() == pytest.approx([0.9, 0.0, 0.0, 0.0, 0.0, 0.0])


def test_thresholds_follow_the_smallest_kept_activation():
    threshold = init_threshold(3)
    f = torch.tensor([[[0.0, 0.4], [0.7, 0.0]], [[0.5, 0.2], [0.0, 0.0]], [[0.3, 0.0], [0.0, 0.0]]])
    kinds = ["topk", "batchtopk", "matryoshka"]
    update_thresholds(threshold, f, kinds, first=True)
    assert threshold.tolist() == pytest.approx([0.0, 0.2, 0.3])  # topk has none
    update_thresholds(threshold, torch.zeros_like(f) + 1.2, kinds, first=False)
    assert threshold.tolist() == pytest.approx([0.0, 0.99 * 0.2 + 0.01 * 1.2, 0.99 * 0.3 + 0.01 * 1.2])


def test_matryoshka_prefix_errors_decode_only_the_first_latents():
    """d = 8: prefixes of 1, 2, 4 and 8 latents; atoms e_0..e_7 of an 8-D space, h = f."""
    f = torch.tensor([[[1.0, 2.0, 3.0, 0.0, 0.0, 0.0, 0.0, 4.0]]])
    params = {"W_dec": torch.eye(8)[None], "b_dec": torch.zeros(1, 8)}
    errors = prefix_errors(params, f, f.clone())
    # prefix 1 misses 2, 3, 4; prefix 2 misses 3, 4; prefix 4 misses 4; all 8 miss nothing
    assert errors[:, 0].tolist() == pytest.approx([4 + 9 + 16, 9 + 16, 16, 0])


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


def test_config_schema_allows_exactly_the_trainer_kinds():
    schema = yaml.safe_load((Path(__file__).parents[2] / "workflow/schemas/config.schema.yaml").read_text())
    assert tuple(schema["$defs"]["sae_kind"]["enum"]) == KINDS
