import pytest
import torch

from tms.core.optimizer import FusedAdam


def _params(seed: int) -> list[torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(3, 7, 2, generator=g), torch.randn(3, 7, generator=g)]


@pytest.mark.parametrize("optimizer, torch_opt", [("adamw", torch.optim.AdamW), ("adam", torch.optim.Adam)])
def test_steps_equal_torch_fused_optimizer_bit_for_bit(optimizer, torch_opt):
    """Five steps with a changing lr and fresh gradients: parameters and state equal torch.optim's
    fused optimizer exactly, and a state loaded into a new optimizer goes on exactly."""
    ours, ref = _params(0), [p.requires_grad_(True) for p in _params(0)]
    opt = FusedAdam(ours, optimizer, lr=0.01, weight_decay=0.1)
    ref_opt = torch_opt(ref, lr=0.01, weight_decay=0.1, fused=True)
    g = torch.Generator().manual_seed(1)
    for step in range(5):
        grads = [torch.randn(p.shape, generator=g) for p in ours]
        opt.lr = ref_opt.param_groups[0]["lr"] = 0.01 / (step + 1)
        opt.step(grads)
        for p, grad in zip(ref, grads, strict=True):
            p.grad = grad.clone()
        ref_opt.step()
        if step == 2:  # a resumed optimizer: a fresh one given the saved state
            saved = {i: {k: v.clone() for k, v in opt.state[p].items()} for i, p in enumerate(ours)}
            ours = [p.clone() for p in ours]
            opt = FusedAdam(ours, optimizer, lr=opt.lr, weight_decay=0.1)
            opt.load_state(saved)
    for p, r in zip(ours, ref, strict=True):
        assert torch.equal(p, r.detach())
        assert {k: torch.equal(v, ref_opt.state[r][k]) for k, v in opt.state[p].items()} == {
            "step": True,
            "exp_avg": True,
            "exp_avg_sq": True,
        }


def test_unknown_optimizer_is_named():
    with pytest.raises(ValueError, match="optimizer must be one of"):
        FusedAdam(_params(0), "sgd", lr=0.1, weight_decay=0.0)
