"""tms.core.data against statistics: binomial bounds on the density, a hand-computed KS test for U[0,1]."""

from __future__ import annotations

import math

import pytest
import torch

from tms.core.data.sparse import GAP_SAMPLING_BELOW, SparseFeatures, check_density, importance_decay

KS_CRIT_1E3 = 1.95  # Kolmogorov distribution: P(sqrt(N) D > 1.95) ≈ 1e-3


def ks_uniform(values: torch.Tensor, low: float = 0.0, high: float = 1.0) -> float:
    """Kolmogorov–Smirnov statistic D of ``values`` against U[low, high], by hand."""
    v = ((values.double().flatten() - low) / (high - low)).sort().values
    N = v.numel()
    i = torch.arange(1, N + 1, dtype=torch.float64)
    return max((i / N - v).max().item(), (v - (i - 1) / N).max().item())


def binomial_ok(count: int, N: int, p: float, sigmas: float = 5.0) -> bool:
    """``count`` non-zeros out of N trials is within ``sigmas`` standard deviations of N p."""
    return abs(count - N * p) <= sigmas * math.sqrt(N * p * (1 - p)) + 1e-9


@pytest.fixture(scope="module")
def big_sample():
    """5 instances, 250k samples of 4 features each: rows 0–2 take the dense path (one row mixes
    densities), rows 3–4 the geometric-gap path (row 4 mixes them, so it is thinned)."""
    density = torch.tensor(
        [
            [1.0, 1.0, 1.0, 1.0],
            [0.3, 0.3, 0.3, 0.3],
            [0.01, 0.3, 1.0, 0.5],
            [0.1, 0.1, 0.1, 0.1],
            [0.002, 0.05, 0.2, 0.1],
        ]
    )
    assert density[3:].amax(1).max() <= GAP_SAMPLING_BELOW < density[:3].amax(1).min()
    x = SparseFeatures(density).sample(250_000, torch.Generator().manual_seed(123))
    return density, x


def test_shape():
    """``sample(batch)`` is ``[inst, batch, n]``; ``shape`` is ``(inst, n)``."""
    f = SparseFeatures(torch.full((3, 7), 0.5))
    assert f.shape == (3, 7)
    assert f.sample(11).shape == (3, 11, 7)
    assert f.to("cpu").shape == (3, 7)


def test_density_matches_binomial(big_sample):
    """The fraction of non-zeros of every (instance, feature) is p within a binomial 5-sigma bound."""
    density, x = big_sample
    N = x.shape[1]
    counts = (x != 0).sum(1)
    for k in range(density.shape[0]):
        for i in range(density.shape[1]):
            p = density[k, i].item()
            assert binomial_ok(counts[k, i].item(), N, p), (k, i, counts[k, i].item() / N, p)
    # density 1: every entry is active (active values are never exactly 0)
    assert counts[0].tolist() == [N] * 4


def test_features_are_independent(big_sample):
    """Two features are both active with probability p_i p_j (binomial 5-sigma bound)."""
    density, x = big_sample
    active = x[2] != 0  # densities 0.01, 0.3, 1.0, 0.5
    N = active.shape[0]
    both = (active[:, 1] & active[:, 3]).sum().item()
    assert binomial_ok(both, N, 0.3 * 0.5)
    both = (active[:, 0] & active[:, 1]).sum().item()
    assert binomial_ok(both, N, 0.01 * 0.3)


@pytest.mark.parametrize("k, i", [(0, 0), (1, 2), (2, 0), (2, 1), (2, 3), (3, 1), (4, 0), (4, 2), (4, 3)])
def test_active_values_are_uniform(big_sample, k, i):
    """Non-zero values are U[0,1]: KS statistic below the alpha=1e-3 critical value 1.95/sqrt(N)."""
    _, x = big_sample
    v = x[k, :, i]
    v = v[v != 0]
    assert v.min() > 0 and v.max() <= 1
    assert ks_uniform(v) < KS_CRIT_1E3 / math.sqrt(v.numel())


def test_ks_helper_rejects_non_uniform():
    """The hand-made KS statistic does reject a non-uniform sample (u² is not uniform)."""
    u = torch.rand(100_000, generator=torch.Generator().manual_seed(0))
    assert ks_uniform(u) < KS_CRIT_1E3 / math.sqrt(u.numel())
    assert ks_uniform(u.square()) > 10 * KS_CRIT_1E3 / math.sqrt(u.numel())


@pytest.mark.parametrize("ps", [[0.5, 0.2], [0.2, 0.05]], ids=["dense_path", "gap_path"])
def test_signed_values_uniform_on_minus_one_one(ps):
    """Signed variant: active values are U[-1,1] (KS), mean 0 within 5 standard errors, density kept."""
    x = SparseFeatures(torch.tensor([ps]), signed=True).sample(200_000, torch.Generator().manual_seed(7))
    for i, p in enumerate(ps):
        v = x[0, :, i]
        v = v[v != 0]
        N = x.shape[1]
        assert binomial_ok(v.numel(), N, p)
        assert v.min() >= -1 and v.max() <= 1
        assert abs(v.double().mean().item()) < 5 * (1 / math.sqrt(3)) / math.sqrt(v.numel())
        assert ks_uniform(v, -1.0, 1.0) < KS_CRIT_1E3 / math.sqrt(v.numel())


@pytest.mark.parametrize("ps", [[0.01, 0.004], [0.001, 0.001]], ids=["thinned", "plain"])
def test_float64_gap_path_is_exact(ps):
    """Rows sparser than FLOAT32_GAPS_FROM take the float64 gap path: binomial density, U(0,1]
    values (KS), also for the thinned feature."""
    from tms.core.data.sparse import FLOAT32_GAPS_FROM

    assert max(ps) < FLOAT32_GAPS_FROM
    N = 2_000_000
    x = SparseFeatures(torch.tensor([ps])).sample(N, torch.Generator().manual_seed(11))
    for i, p in enumerate(ps):
        v = x[0, :, i]
        v = v[v != 0]
        assert binomial_ok(v.numel(), N, p)
        assert v.min() > 0 and v.max() <= 1
        assert ks_uniform(v) < KS_CRIT_1E3 / math.sqrt(v.numel())


def test_same_seed_same_samples():
    """Same generator seed -> identical samples; another seed -> different samples."""
    f = SparseFeatures(torch.full((2, 5), 0.3))
    a = f.sample(100, torch.Generator().manual_seed(5))
    b = f.sample(100, torch.Generator().manual_seed(5))
    c = f.sample(100, torch.Generator().manual_seed(6))
    assert torch.equal(a, b)
    assert not torch.equal(a, c)


def test_gap_path_tops_up_rows_that_fall_short(monkeypatch):
    """With too few gap draws per round (a negative margin) the sampler draws further rounds
    from where each row stopped; the result still has the binomial density and U(0,1] values."""
    import tms.core.data.sparse

    monkeypatch.setattr(tms.core.data.sparse, "MARGIN", -20.0)
    x = SparseFeatures(torch.full((2, 3), 0.05)).sample(100_000, torch.Generator().manual_seed(3))
    counts = (x != 0).sum(1)
    assert all(binomial_ok(c, 100_000, 0.05) for c in counts.flatten().tolist())
    v = x[x != 0]
    assert ks_uniform(v) < KS_CRIT_1E3 / math.sqrt(v.numel())


@pytest.mark.parametrize("p", [0.5, 0.05, [0.01, 0.2, 0.1]], ids=["dense", "gaps", "thinned"])
def test_reused_batch_equals_a_fresh_draw(p):
    """``sample(out=batch)`` rewrites the reused buffer exactly: draw after draw it equals a fresh
    sample from the same generator state (stale entries of the previous draw are cleared)."""
    f = SparseFeatures(torch.tensor([[p] * 3] if not isinstance(p, list) else [p]).expand(2, 3).contiguous())
    g1, g2 = torch.Generator().manual_seed(9), torch.Generator().manual_seed(9)
    buf = f.batch(64)
    for _ in range(4):
        assert torch.equal(f.sample(64, g1, out=buf), f.sample(64, g2))
    with pytest.raises(ValueError, match="batch"):
        f.sample(32, g1, out=buf)


@pytest.mark.parametrize("signed", [False, True])
def test_dense_rows_are_the_one_draw_recipe(signed):
    """Dense rows, drawn in place for a group of consecutive rows and by index for a scattered
    group, are exactly the one-draw recipe written out with ``torch.rand``: per group of equal
    rate (ascending), u = 1 − U[0, 1) of shape [rows, n, batch], x = u / p where u ≤ p, else 0."""
    density = torch.tensor([[0.5, 0.3], [0.5, 0.3], [0.9, 0.9], [0.7, 0.2], [0.9, 0.9], [0.7, 0.7]])
    batch, seed = 50, 4
    x = SparseFeatures(density, signed).sample(batch, torch.Generator().manual_seed(seed))
    g, want = torch.Generator().manual_seed(seed), torch.zeros(6, 2, batch)
    for rows in ([0, 1], [3, 5], [2, 4]):  # rates 0.5 (consecutive), 0.7 and 0.9 (scattered)
        u = 1 - torch.rand(len(rows), 2, batch, generator=g)
        p = density[rows][:, :, None]
        v = u / p
        want[rows] = torch.where(u <= p, 2 * v - 1 if signed else v, torch.zeros(()))
    assert torch.equal(x, want.transpose(1, 2))


@pytest.mark.parametrize("signed", [False, True])
def test_dense_selection_is_exact_at_the_boundary(signed):
    """The dense path's arithmetic selection (on −u/p, no boolean mask) equals ``where(u <= p, value,
    0)`` bit for bit (+0 for dropped entries), for uniforms within 40 float32 steps of 1 − p on
    either side, so for u = p and its float32 neighbours, with p awkward (powers of two, 1, near 1,
    tiny, random)."""
    g = torch.Generator().manual_seed(3)
    ps = torch.cat([torch.tensor([1.0, 0.5, 0.25, 2**-10, 1 - 2**-24, 0.3, 0.1, 1e-4]), torch.rand(24, generator=g)])
    near = torch.arange(-40, 41, dtype=torch.int32)
    bits = ((1 - ps).view(torch.int32)[:, None] + near).clamp(min=0)  # float32 steps around 1 − p, none below 0
    uniform = bits.view(torch.float32).clamp(max=1 - 2**-24)
    x = uniform[:, None, :].clone()  # [r = 32, n = 1, batch = 81]
    got = SparseFeatures(ps[:, None], signed)._select(x, ps[:, None])
    u, p = 1 - uniform[:, None, :], ps[:, None, None]
    v = u / p
    want = torch.where(u <= p, 2 * v - 1 if signed else v, torch.zeros(()))
    assert torch.equal(got.view(torch.int32), want.view(torch.int32))
    assert 0 < int((want == 0).sum()) < want.numel()  # both sides of the boundary were tried


@pytest.mark.parametrize(
    "density",
    [
        torch.tensor([[0.5, 0.0]]),
        torch.tensor([[0.5, 1.5]]),
        torch.tensor([[0.5, -0.1]]),
        torch.tensor([[0.5, float("nan")]]),
        torch.tensor([0.5, 0.5]),  # 1-D: missing the instance axis
        torch.full((2, 3, 4), 0.5),  # 3-D
        [[0.5, 0.5]],  # not a tensor
    ],
    ids=["zero", "above_one", "negative", "nan", "1d", "3d", "list"],
)
def test_bad_density_raises(density):
    """Densities outside (0, 1], NaN, or of the wrong rank raise ValueError naming the density."""
    with pytest.raises(ValueError, match="density"):
        SparseFeatures(density)
    with pytest.raises(ValueError, match="density"):
        check_density(density)


def test_importance_decay_values():
    """I_i = decay**i exactly (checked against Python floats); decay 1 gives all ones."""
    got = importance_decay(6, 0.7)
    assert got.shape == (6,)
    torch.testing.assert_close(got, torch.tensor([0.7**i for i in range(6)]), rtol=1e-6, atol=0)
    assert torch.equal(importance_decay(4, 1.0), torch.ones(4))


@pytest.mark.parametrize(
    "n, decay, word", [(0, 0.9, "n_features"), (5, 0.0, "decay"), (5, 1.5, "decay"), (5, -0.5, "decay")]
)
def test_importance_decay_errors(n, decay, word):
    """Bad n or decay raise ValueError naming the setting."""
    with pytest.raises(ValueError, match=word):
        importance_decay(n, decay)
