"""Adversarial vulnerability of superposition (paper #adversarial, docs/figures.md, F19).

For the ReLU output model x' = ReLU(WWᵀx + b) (our layout: ``W [n, m]``, G = WWᵀ ``[n, n]``, the
paper's WᵀW), the pre-activation of output i is (Gx)_i, so among perturbations of L2 norm ε the
one that raises it most is δ_i = ε G_i / ‖G_i‖ (row i; G is symmetric). The attack budget is
ε = 0.1 · E‖x‖ (the paper's 0.1 × the mean input norm). For each feature i, δ_i is added to every
input and the loss is measured against the clean target; the attack is the most harmful i.

Vulnerability = (L' − L) / (L'₀ − L₀): the loss increase relative to the same attack on a
baseline without superposition, the model that represents the m most important features
orthogonally (W_i = e_i for i < m, else 0; b = 0). There the best attack adds ε to feature 0's
own input, which costs exactly I₀ ε² per sample (× 1/n for the "mean" reduction):
``baseline_increase`` is that closed form, and the tests check the attack code reproduces it.
"""

from __future__ import annotations

import numpy as np
import torch

from tms.analysis.metrics import gram
from tms.core.data import SparseFeatures
from tms.core.models import loss_scale

BUDGET = 0.1  # ε / E‖x‖ (paper)


def attack_directions(W: torch.Tensor) -> torch.Tensor:
    """Unit δ_i ``[inst, n, n]`` (row i attacks feature i) from ``W [inst, n, m]``; a zero row of
    G (an unrepresented feature) gives a zero direction."""
    G = gram(W)
    return G / G.norm(dim=-1, keepdim=True).clamp_min(1e-12)


def loss_increases(
    model, params: dict, x: torch.Tensor, importance: torch.Tensor, eps: torch.Tensor, reduction: str = "mean"
):
    """``[inst, n]``: L(x + ε δ_i) − L(x) for each attacked feature i, against the clean target.

    ``model``: the ReLU-output (or linear) model; ``x``: ``[inst, batch, n]``; ``eps``: ``[inst]``
    attack norms; ``importance``: ``[inst, n]``.

    The attacked pre-activation is linear in the input, (x + εδ_i)G + b = p + s_i with p = xG + b
    and s_i = εδ_iG, so attack i shifts output f's pre-activation by the same s_if on every
    sample. Output f's loss over the batch, as a function of a shift s, is then piecewise
    quadratic: with d = p − t (t the target), Σ_b (ReLU(p_b + s) − t_b)² = Σ_{p_b ≤ −s} t_b² +
    Σ_{p_b > −s} (d_b + s)². Sorting each output's p over the batch and keeping prefix sums of t²,
    d² and d gives it for every shift with one binary search, so all n attacks cost one sort of
    the batch per output instead of n passes over ``[inst, batch, n]`` (exact; sums in float64).
    """
    if getattr(model, "name", None) not in ("relu_output", "linear"):
        raise ValueError(f"the F19 attack is derived for the relu_output and linear models; got {model.name!r}")
    W, b = params["W"], params["b"]
    inst, batch, n = x.shape
    G = gram(W)
    shifts = torch.bmm(attack_directions(W) * eps[:, None, None], G)  # [inst, attack i, n]: ε δ_i G
    shifts = torch.cat([shifts, torch.zeros(inst, 1, n)], 1)  # the last "attack" is none: the clean loss
    shifts = shifts.transpose(1, 2).double().contiguous()  # [inst, f, i]
    totals = torch.empty(inst, n + 1, dtype=torch.float64)
    for k in range(inst):  # one instance at a time: its float64 prefix sums are [n, batch + 1]
        pre = torch.addmm(b[k], x[k], G[k]).T.contiguous()  # [f, batch]
        order = torch.from_numpy(np.argsort(pre.numpy(), axis=1))  # numpy's sort: twice torch's here
        pre = pre.gather(1, order).double()
        t = model.target(x[k]).T.gather(1, order).double()
        d = pre - t
        zero = torch.zeros(n, 1, dtype=torch.float64)
        tt, dd, d1 = (torch.cat([zero, v.cumsum(1)], 1) for v in (t * t, d * d, d))
        s = shifts[k]  # [f, i]
        if model.relu:
            off = torch.searchsorted(pre, -s, right=True)  # samples whose output stays at 0: p_b ≤ −s
            on = batch - off
            loss = tt.gather(1, off) + (dd[:, -1:] - dd.gather(1, off)) + 2 * s * (d1[:, -1:] - d1.gather(1, off))
            loss += s * s * on
        else:
            loss = dd[:, -1:] + 2 * s * d1[:, -1:] + s * s * batch
        totals[k] = (loss * importance[k, :, None].double()).sum(0)
    totals *= loss_scale(batch, n, reduction)
    return (totals[:, :n] - totals[:, n:]).float()


def baseline_increase(importance: torch.Tensor, eps: torch.Tensor, n: int, reduction: str = "mean") -> torch.Tensor:
    """L'₀ − L₀ ``[inst]`` of the no-superposition baseline: max_i I_i ε² (× the reduction's 1/n)."""
    return importance.amax(1) * eps.square() * loss_scale(1, n, reduction)


@torch.no_grad()
def vulnerability(
    model,
    params: dict,
    density: torch.Tensor,
    importance: torch.Tensor,
    samples: int = 10_000,
    seed: int = 0,
    reduction: str = "mean",
) -> dict:
    """The F19 measurement for every instance.

    Args:
        params: ``W [inst, n, m]``, ``b [inst, n]``; density, importance: ``[inst, n]``.
        samples: inputs per instance, drawn from the instance's own distribution.

    Returns ``{"vulnerability": [inst], "increase": [inst], "baseline": [inst], "feature": [inst]
    (the most harmful feature), "eps": [inst]}``.
    """
    x = SparseFeatures(density).sample(samples, torch.Generator().manual_seed(seed))
    eps = BUDGET * x.norm(dim=2).mean(1)
    increases = loss_increases(model, params, x, importance, eps, reduction)
    worst, feature = increases.max(1)
    base = baseline_increase(importance, eps, x.shape[2], reduction)
    return {"vulnerability": worst / base, "increase": worst, "baseline": base, "feature": feature, "eps": eps}


def spearman(a, b) -> float:
    """Spearman rank correlation of two equal-length sequences (Pearson correlation of ranks;
    ties are not averaged, which is exact for continuous measurements)."""
    a, b = torch.as_tensor(a, dtype=torch.float64), torch.as_tensor(b, dtype=torch.float64)
    ra, rb = a.argsort().argsort().double(), b.argsort().argsort().double()
    ra, rb = ra - ra.mean(), rb - rb.mean()
    return float((ra * rb).sum() / (ra.norm() * rb.norm()))


_SWEEPS: dict[tuple, tuple] = {}  # (id(run), samples, seed) -> (run, result): both claims of F19 share one


def sweep(run, samples: int = 10_000, seed: int = 0) -> dict:
    """F19 on every instance of a ReLU-output density sweep (a ``tms.core.io.Run``): vulnerability,
    features per dimension ‖W‖_F²/m and density, as lists in instance order, plus the best replica
    of each density (``best``: instance indices, lowest evaluation loss). Computed once per run
    object in a process (the run is kept with the result, so its id cannot be reused)."""
    key = (id(run), samples, seed)
    if key not in _SWEEPS:
        _SWEEPS[key] = (run, _sweep(run, samples, seed))
    return _SWEEPS[key][1]


def _sweep(run, samples: int, seed: int) -> dict:
    from tms.analysis.metrics import features_per_dimension
    from tms.core.models import make_model

    model = make_model(run.spec["model"])
    density = torch.tensor(run.density)[:, None].expand(-1, run.W.shape[1]).contiguous()
    measured = vulnerability(model, {"W": run.W, "b": run.b}, density, run["importance"], samples, seed)
    return {
        "density": list(run.density),
        "vulnerability": measured["vulnerability"].tolist(),
        "features_per_dimension": features_per_dimension(run.W).tolist(),
        "best": run.best_indices(),
    }
