"""Claims of F17 (#learning-jumps): features' dimensionality over training, from the run's
log-spaced weight checkpoints. Measured on every replica's represented features (‖W_i‖ > 0.5 at
the end), so that one lucky seed cannot carry a claim."""

from __future__ import annotations

import statistics

import torch

from tms.analysis.dynamics import WINDOW_DECADES, jumps, loss_drop, trajectories, windows
from tms.analysis.metrics import represented
from tms.claims.registry import Measured, claim

FIGURE = "learning_dynamics"
ANCHOR = "#learning-jumps"

RUN = "learning_dynamics"
SUDDEN = 0.5  # a jump: at least half of a feature's total change of D_i inside one window
COINCIDE = 2 / 3  # at least 2/3 of jump windows see a loss drop above the run's median window
DIGON = 0.05  # D_i within 0.05 of 1/2
DIGON_SHARE = 0.9


def _features(run):
    """Per instance: (D [k, n], represented mask [n], checkpoint steps, jumps)."""
    steps = run["checkpoint_steps"].tolist()
    for k in range(run.W.shape[0]):
        D = trajectories(run["checkpoints.W"][k])
        yield k, D, represented(run.W[k]), steps, jumps(D, steps)


@claim(
    "C17.1",
    "D_i trajectories are piecewise constant with sudden jumps.",
    f"most of a feature's change of D_i happens within one {WINDOW_DECADES}-decade window of steps",
    f"median over represented features of the largest window's share of |ΔD_i| ≥ {SUDDEN}",
    required=False,
)
def sudden_jumps(runs):
    shares = torch.cat([j["share"][rep] for _, _, rep, _, j in _features(runs[RUN])])
    median = float(shares.median())
    return Measured({"median share": round(median, 3), "features": len(shares)}, median >= SUDDEN)


@claim(
    "C17.2",
    "Jumps in D_i coincide with drops of the loss.",
    "the training loss falls faster than usual across a feature's jump window",
    f"≥ {COINCIDE:.2f} of jump windows have a loss drop above the median over all windows of the run",
    required=False,
)
def jumps_coincide_with_loss_drops(runs):
    run = runs[RUN]
    loss_steps, curve = run["loss_steps"].tolist(), run["loss_curve"]
    above, total = 0, 0
    for k, _, rep, steps, j in _features(run):
        drops = [loss_drop(loss_steps, curve[k], steps, w) for w in windows(steps, WINDOW_DECADES)]
        median = statistics.median(drops)
        for i in torch.nonzero(rep).flatten().tolist():
            above += loss_drop(loss_steps, curve[k], steps, j["window"][i]) > median
            total += 1
    share = above / max(total, 1)
    return Measured({"share above median": round(share, 3), "jumps": total}, total > 0 and share >= COINCIDE)


@claim(
    "C17.3",
    "At the end of training the features are digons: D_i ≈ 1/2.",
    "represented features end with D_i ≈ 1/2",
    f"≥ {DIGON_SHARE:.0%} of represented features within {DIGON} of 1/2",
    required=False,
)
def ends_as_digons(runs):
    final = torch.cat([D[-1][rep] for _, D, rep, _, _ in _features(runs[RUN])])
    share = float(((final - 0.5).abs() < DIGON).float().mean()) if len(final) else 0.0
    return Measured({"share": round(share, 3), "features": len(final)}, share >= DIGON_SHARE)
