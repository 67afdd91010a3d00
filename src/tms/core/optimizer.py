"""AdamW and Adam for the trainer, stepped by torch's fused kernel without ``torch.optim``'s wrapper.

``torch.optim.AdamW(fused=True).step()`` spends most of a small model's optimizer time in Python
(grouping the tensors by device, hooks, the differentiable/graph-capture checks) before it calls
the one fused kernel: 83 µs a step against 13 µs for the kernel alone, measured on one thread for a
double-descent run's parameters (docs/speed.md). The double-descent runs take 50,000 steps of well
under a millisecond each, so that wrapper was a fifth of their step. ``FusedAdam`` keeps the state
torch keeps (``step``, ``exp_avg``, ``exp_avg_sq`` per parameter, the same names) and calls the same
kernel with the same arguments, so its numbers are torch's bit for bit
(``tests/core/test_optimizer.py`` holds it to ``torch.optim.AdamW`` / ``Adam`` with ``fused=True``).
"""

from __future__ import annotations

import torch

OPTIMIZERS = ("adamw", "adam")


class FusedAdam:
    """Adam with decoupled weight decay (``"adamw"``, Loshchilov & Hutter) or with the decay added
    to the gradient (``"adam"``, L2), torch's default betas (0.9, 0.999) and eps 1e-8.

    ``state[p]``: ``{"step": float32 scalar, "exp_avg", "exp_avg_sq": like p}``, as torch.optim's;
    ``lr`` may be set between steps (a schedule). A saved state is put back with ``load_state``."""

    betas = (0.9, 0.999)
    eps = 1e-8

    def __init__(self, params: list[torch.Tensor], optimizer: str, lr: float, weight_decay: float):
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {OPTIMIZERS}; got {optimizer!r}")
        self.params = list(params)
        self.lr, self.weight_decay = lr, weight_decay
        self._kernel = torch._fused_adamw_ if optimizer == "adamw" else torch._fused_adam_
        self.state = {
            p: {
                "step": torch.zeros((), dtype=torch.float32, device=p.device),
                "exp_avg": torch.zeros_like(p, memory_format=torch.preserve_format),
                "exp_avg_sq": torch.zeros_like(p, memory_format=torch.preserve_format),
            }
            for p in self.params
        }
        # The kernel's argument lists, made once: the state's tensors are updated in place, never replaced.
        self._lists = [[p.detach() for p in self.params]] + [
            [self.state[p][k] for p in self.params] for k in ("exp_avg", "exp_avg_sq", "step")
        ]

    @torch.no_grad()
    def step(self, grads: list[torch.Tensor]) -> None:
        """Update every parameter in place from its gradient (``grads`` in ``params``' order)."""
        params, exp_avg, exp_avg_sq, steps = self._lists
        torch._foreach_add_(steps, 1)
        self._kernel(
            params,
            grads,
            exp_avg,
            exp_avg_sq,
            [],
            steps,
            amsgrad=False,
            lr=self.lr,
            beta1=self.betas[0],
            beta2=self.betas[1],
            weight_decay=self.weight_decay,
            eps=self.eps,
            maximize=False,
        )

    @torch.no_grad()
    def load_state(self, state: dict[int, dict[str, torch.Tensor]]) -> None:
        """Copy a saved state (parameter index -> name -> tensor, ``tms.core.resume``) into place."""
        for i, p in enumerate(self.params):
            for name, value in state.get(i, {}).items():
                self.state[p][name].copy_(value)
