"""tms.core.sae: the spec's checks, the SAE kinds' codes on hand-made pre-activations, the JumpReLU
pseudo-gradient, the batch kinds' thresholds and the Matryoshka prefixes (training them end to end:
tests/core/test_sae_training.py)."""

from __future__ import annotations

import pytest
import torch

from tms.core.sae import JUMP_BANDWIDTH, SAESpec, encode, jump_ste, prefix_errors, update_thresholds
from tms.core.sae_training import init_threshold

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
