"""The x·y MLP's neurons (``tms.core.models.product``): their input directions, alignment with
the diagonals x ± y, and how much each mixes the two inputs."""

from __future__ import annotations

import math

import torch


def neuron_directions(W1: torch.Tensor) -> torch.Tensor:
    """Each neuron's input direction as an angle in degrees in (−180, 180], ``[..., m]`` from
    ``W1 [..., 2, m]`` (0° = +x, 90° = +y)."""
    return torch.rad2deg(torch.atan2(W1[..., 1, :], W1[..., 0, :]))


def diagonal_alignment(W1: torch.Tensor) -> torch.Tensor:
    """``[..., m]``: |cos| between each neuron's input weights and the nearer diagonal x + y or
    x − y (1 on a diagonal, 1/√2 = 0.707 on an axis, i.e. a monosemantic neuron)."""
    u = W1 / W1.norm(dim=-2, keepdim=True).clamp_min(1e-12)
    plus, minus = (u[..., 0, :] + u[..., 1, :]).abs(), (u[..., 0, :] - u[..., 1, :]).abs()
    return torch.maximum(plus, minus) / math.sqrt(2)


def input_mixing(W1: torch.Tensor) -> torch.Tensor:
    """``[..., m]``: min(|w_x|, |w_y|) / max(|w_x|, |w_y|) per neuron: 0 when it reads one input
    (monosemantic in the input basis), 1 when it reads both equally."""
    w = W1.abs()
    return w.amin(-2) / w.amax(-2).clamp_min(1e-12)


@torch.no_grad()
def responses(run, points: torch.Tensor) -> dict[str, torch.Tensor]:
    """The lowest-loss replica of a ``product_neurons`` run on inputs ``points [1, p, 2]``: each neuron's
    activation ``hidden [p, m]``, the network's ``output [p]`` and the target x·y ``target [p]``,
    with that replica's ``W1 [2, m]`` and ``W2 [m]``."""
    from tms.core.models.product import ProductMLP

    model = ProductMLP()
    k = run.best_indices()[0]
    params = {name: run[name][k : k + 1] for name in model.param_names}
    return {
        "hidden": model.hidden(params, points)[0],
        "output": model.forward(params, points)[0, :, 0],
        "target": model.target(points)[0, :, 0],
        "W1": params["W1"][0],
        "W2": params["W2"][0].flatten(),
    }
