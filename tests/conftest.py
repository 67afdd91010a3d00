"""Shared fixtures: deterministic torch, tiny recipes, random parameters.

Every unit test checks the package against an independent reference (a closed form, an exact
polytope, plain autograd, torch's own optimizers, or a statistical bound), on sizes small enough
that the whole unit suite runs in seconds on a 2-core CPU.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from tms.core.train import Recipe

REPO = Path(__file__).resolve().parents[1]

# The unit tests use tiny tensors: one thread avoids OpenMP synchronisation, which dominated
# their time (≈3x slower with 2 threads on a busy 2-core machine).
torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def _seed_torch():
    """Every test starts from the same global torch RNG state."""
    torch.manual_seed(0)
    yield


@pytest.fixture
def repo() -> Path:
    """The repository root (for config/config.yaml)."""
    return REPO


@pytest.fixture
def make_recipe():
    """Factory for a tiny Recipe: few steps, small batches, a small evaluation sample."""

    def make(**overrides) -> Recipe:
        base = dict(steps=20, batch_size=64, eval_samples=512, log_every=5)
        return Recipe(**{**base, **overrides})

    return make


@pytest.fixture
def random_params():
    """Factory for random ``W [inst, n, m]`` and non-zero ``b [inst, n]``.

    The biases straddle zero so that a ReLU output is on for some entries and off for others.
    """

    def make(inst: int, n: int, m: int, seed: int = 1, dtype=torch.float32) -> dict[str, torch.Tensor]:
        g = torch.Generator().manual_seed(seed)
        W = 0.7 * torch.randn(inst, n, m, generator=g, dtype=dtype)
        b = 0.5 * torch.randn(inst, n, generator=g, dtype=dtype)
        return {"W": W, "b": b}

    return make
