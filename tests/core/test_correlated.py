"""tms.core.data.correlated against statistics: marginal densities, the joint structure of each set, U(0, 1] values."""

from __future__ import annotations

import math

import pytest
import torch

from tms.core.data.correlated import CorrelatedFeatures
from tms.core.models import make_model
from tms.core.train import Recipe, train

N = 100_000
KS_CRIT_1E3 = 1.95  # Kolmogorov distribution: P(sqrt(N) D > 1.95) ≈ 1e-3


def ks_uniform(values: torch.Tensor) -> float:
    """Kolmogorov–Smirnov statistic D of ``values`` against U[0, 1], by hand."""
    v = values.double().flatten().sort().values
    n = v.numel()
    i = torch.arange(1, n + 1, dtype=torch.float64)
    return max((i / n - v).max().item(), (v - (i - 1) / n).max().item())


def binomial_ok(count: int, trials: int, p: float, sigmas: float = 5.0) -> bool:
    """``count`` successes of ``trials`` lie within ``sigmas`` standard deviations of trials·p."""
    return abs(count - trials * p) <= sigmas * math.sqrt(trials * p * (1 - p)) + 1e-9


@pytest.fixture(scope="module")
def samples():
    """Two instances (densities 0.3 and 0.05) of 3 sets of 2 features, each kind."""
    density = torch.tensor([[0.3] * 6, [0.05] * 6])
    gen = torch.Generator().manual_seed(7)
    return {
        kind: (density, CorrelatedFeatures(density, 2, kind).sample(N, gen))
        for kind in ("correlated", "anticorrelated")
    }


@pytest.mark.parametrize("kind", ["correlated", "anticorrelated"])
def test_marginal_density_and_uniform_values(samples, kind):
    density, x = samples[kind]
    assert x.shape == (2, N, 6) and x.transpose(1, 2).is_contiguous()
    for k in range(2):
        for i in range(6):
            assert binomial_ok(int((x[k, :, i] != 0).sum()), N, float(density[k, i]))
    active = x[x != 0]
    assert float(active.min()) > 0 and float(active.max()) <= 1
    assert ks_uniform(active) * active.numel() ** 0.5 < KS_CRIT_1E3


def test_correlated_sets_switch_together_and_sets_are_independent(samples):
    density, x = samples["correlated"]
    on = x[0] != 0  # [N, 6], p = 0.3
    assert torch.equal(on[:, 0], on[:, 1]) and torch.equal(on[:, 4], on[:, 5])
    both = int((on[:, 0] & on[:, 2]).sum())  # different sets: P = p²
    assert binomial_ok(both, N, 0.3**2)
    # values within an active set are independent: their correlation is ~0 (|r| < 5/sqrt(count))
    a, b = x[0, on[:, 0], 0], x[0, on[:, 0], 1]
    r = torch.corrcoef(torch.stack([a, b]))[0, 1]
    assert abs(float(r)) < 5 / a.numel() ** 0.5


def test_anticorrelated_members_never_fire_together(samples):
    density, x = samples["anticorrelated"]
    on = x[0] != 0
    assert not bool((on[:, 0] & on[:, 1]).any())
    assert binomial_ok(int((on[:, 0] | on[:, 1]).sum()), N, 2 * 0.3)  # the set fires with 2p
    assert binomial_ok(int((on[:, 0] & on[:, 2]).sum()), N, 0.3**2)  # across sets: independent


def test_buffer_reuse_and_errors():
    f = CorrelatedFeatures(torch.full((1, 4), 0.2), 2)
    buf = f.batch(8)
    assert f.sample(8, out=buf).data_ptr() == buf.xt.data_ptr()
    assert f.to("cpu").shape == (1, 4)
    with pytest.raises(ValueError, match="set_size"):
        CorrelatedFeatures(torch.full((1, 5), 0.2), 2)
    with pytest.raises(ValueError, match="equal within each feature set"):
        CorrelatedFeatures(torch.tensor([[0.1, 0.2]]), 2)
    with pytest.raises(ValueError, match="1/2"):
        CorrelatedFeatures(torch.full((1, 4), 0.6), 2, "anticorrelated")
    with pytest.raises(ValueError, match="feature_sets"):
        CorrelatedFeatures(torch.full((1, 4), 0.2), 2, "mixed")
    with pytest.raises(ValueError, match="batch"):
        f.sample(4, out=buf)


def test_trains_with_the_shared_trainer():
    """The shared trainer accepts the source (same interface as SparseFeatures)."""
    f = CorrelatedFeatures(torch.full((1, 2), 0.2), 2)
    result = train(
        make_model("relu_output"),
        f,
        torch.ones(1, 2),
        2,
        Recipe(steps=20, batch_size=64, eval_samples=500, log_every=10),
    )
    assert result.params["W"].shape == (1, 2, 2) and torch.isfinite(result.eval_loss).all()
