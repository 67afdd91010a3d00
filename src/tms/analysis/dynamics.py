"""Learning dynamics (paper #learning, docs/figures.md, F17): how each feature's dimensionality
D_i moves during training, read from the trainer's log-spaced weight checkpoints.

A *jump* is measured per feature as the largest share of its total change in D_i that happens
inside one window of a quarter decade of steps (steps t to 10^¼ t ≈ 1.78 t); training spans four
decades, so a smooth drift puts about 1/16 of the change in any window, a jump nearly all of it.
"""

from __future__ import annotations

import math

import torch

from tms.analysis.metrics import feature_dimensionality

WINDOW_DECADES = 0.25


def trajectories(checkpoint_W: torch.Tensor) -> torch.Tensor:
    """D_i at every checkpoint, ``[inst, k, n]`` from ``checkpoints.W [inst, k, n, m]``."""
    return feature_dimensionality(checkpoint_W)


def windows(steps: list[int], decades: float) -> list[tuple[int, int]]:
    """Index pairs (a, b) of checkpoints with b the last one within ``decades`` of step a ≥ 1."""
    logs = [math.log10(max(s, 1)) for s in steps]
    out = []
    for a, start in enumerate(logs):
        b = max(i for i, v in enumerate(logs) if v <= start + decades + 1e-12)
        if b > a:
            out.append((a, b))
    return out


def jumps(D: torch.Tensor, steps: list[int], decades: float = WINDOW_DECADES) -> dict:
    """Per feature of ``D [k, n]`` (one instance): the window with the largest change of D_i.

    Returns ``share`` ``[n]`` (that window's |ΔD_i| over the total |D_end − D_0|; ≥ 1 is possible when
    D_i overshoots), ``step`` ``[n]`` (the geometric middle of the window) and ``window`` (a, b)
    checkpoint indices per feature.
    """
    total = (D[-1] - D[0]).abs()
    best = torch.zeros(D.shape[1])
    where = [(0, 0)] * D.shape[1]
    for a, b in windows(steps, decades):
        change = (D[b] - D[a]).abs()
        for i in torch.nonzero(change > best).flatten().tolist():
            best[i] = change[i]
            where[i] = (a, b)
    middle = [math.sqrt(max(steps[a], 1) * steps[b]) for a, b in where]
    return {"share": best / total.clamp_min(1e-12), "step": torch.tensor(middle), "window": where}


def loss_drop(loss_steps: list[int], loss: torch.Tensor, steps: list[int], window: tuple[int, int]) -> float:
    """Training-loss decrease of one instance (``loss [records]`` at ``loss_steps``) across the
    checkpoint window ``(a, b)``: loss at step ``steps[a]`` minus loss at ``steps[b]``."""
    index = {s: j for j, s in enumerate(loss_steps)}
    a, b = window
    return float(loss[index[steps[a]]] - loss[index[steps[b]]])
