"""tms.analysis.sae_metrics against independent references: brute force over every one-to-one matching
(itertools) for MCC, numpy cosines, and hand-written tables with known answers for the rest."""

from __future__ import annotations

import inspect
import itertools
import math
from pathlib import Path

import numpy as np
import pytest
import torch

from tms.analysis import sae_metrics as sm

DT = torch.float64


def np_cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosines of the rows of a with the rows of b, by an explicit double loop."""
    out = np.empty((len(a), len(b)))
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            out[i, j] = x @ y / (np.linalg.norm(x) * np.linalg.norm(y))
    return out


def brute_force_mcc(cos: np.ndarray) -> float:
    """Best mean |cos| over every injection of the smaller side into the larger one."""
    c = np.abs(cos)
    n, d = c.shape
    if n <= d:
        return max(np.mean([c[i, j] for i, j in enumerate(p)]) for p in itertools.permutations(range(d), n))
    return max(np.mean([c[i, j] for j, i in enumerate(p)]) for p in itertools.permutations(range(n), d))


# --- dictionary: cosines, MMCS, MCC ---


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("n, d", [(3, 5), (5, 3), (4, 4), (1, 5), (5, 1), (2, 3)])
def test_mcc_equals_brute_force_and_matching_attains_it(n, d, seed):
    gen = torch.Generator().manual_seed(seed)
    features, atoms = torch.randn(n, 4, generator=gen, dtype=DT), torch.randn(d, 4, generator=gen, dtype=DT)
    ref = np_cosines(features.numpy(), atoms.numpy())
    assert sm.cosines(features, atoms).numpy() == pytest.approx(ref, abs=1e-12)
    assert sm.mmcs(features, atoms) == pytest.approx(ref.max(axis=1).mean(), abs=1e-12)
    value, match = sm.mcc(features, atoms)
    best = brute_force_mcc(ref)
    assert value == pytest.approx(best, abs=1e-12)
    assert match.shape == (n,) and match.dtype == torch.long
    used = match[match >= 0].tolist()
    assert len(used) == min(n, d) and len(set(used)) == len(used)  # one-to-one, as many pairs as possible
    assert np.mean([abs(ref[i, j]) for i, j in enumerate(match.tolist()) if j >= 0]) == pytest.approx(best, abs=1e-12)


@pytest.mark.parametrize("extra", [0, 3])
def test_permuted_rescaled_features_score_one_and_sign_flips_hurt_only_mmcs(extra):
    gen = torch.Generator().manual_seed(0)
    features = torch.randn(4, 6, generator=gen, dtype=DT)
    perm = torch.tensor([2, 0, 3, 1])
    scale = torch.tensor([0.5, 2.0, 3.0, 0.1], dtype=DT)[:, None]
    atoms = torch.cat([features[perm] * scale, torch.randn(extra, 6, generator=gen, dtype=DT)])
    value, match = sm.mcc(features, atoms)
    assert value == pytest.approx(1.0) and sm.mmcs(features, atoms) == pytest.approx(1.0)
    assert match[perm].tolist() == [0, 1, 2, 3]  # atom j is feature perm[j]
    flipped = torch.cat([-atoms[:4], atoms[4:]])
    value, match = sm.mcc(features, flipped)
    assert value == pytest.approx(1.0) and match[perm].tolist() == [0, 1, 2, 3]  # MCC uses |cos|
    # MMCS is signed: each feature's own atom now scores −1, so it falls back on a worse one
    assert sm.mmcs(features, flipped) == pytest.approx(np_cosines(features.numpy(), flipped.numpy()).max(1).mean())
    assert sm.mmcs(features, flipped) < 0.9


def test_many_to_one_differs_from_one_to_one():
    # two features at ±30° in the plane; atom 0 lies between them (cos 30° = √3/2 with both),
    # atom 1 is the y axis (cos +1/2 with the upper feature, −1/2 with the lower one)
    features = torch.tensor([[math.sqrt(3) / 2, 0.5], [math.sqrt(3) / 2, -0.5]], dtype=DT)
    atoms = torch.tensor([[1.0, 0.0], [0.0, 1.0]], dtype=DT)
    expected = [math.sqrt(3) / 2, 0.5, math.sqrt(3) / 2, -0.5]
    assert sm.cosines(features, atoms).flatten().tolist() == pytest.approx(expected)
    # many-to-one: both features take atom 0
    assert sm.mmcs(features, atoms) == pytest.approx(math.sqrt(3) / 2)  # 0.866
    # one-to-one: one feature gets atom 0 (√3/2), the other atom 1 (|±1/2| = 1/2)
    value, match = sm.mcc(features, atoms)
    assert value == pytest.approx((math.sqrt(3) / 2 + 0.5) / 2)  # 0.683
    assert sorted(match.tolist()) == [0, 1]


def test_zero_vectors_give_cosine_zero():
    cos = sm.cosines(torch.tensor([[0.0, 0.0], [1.0, 0.0]]), torch.tensor([[1.0, 1.0], [0.0, 0.0]]))
    assert not cos.isnan().any() and cos[0].tolist() == [0.0, 0.0] and cos[1, 1] == 0


# --- sparsity: firing rates, dead / dense latents, L0 ---

CODES = torch.tensor(
    [
        [1.0, 0.0, 0.0, 0.5, -2.0],
        [0.0, 0.0, 3.0, 0.0, 1.0],
        [2.0, 0.0, 0.0, 0.0, 1.0],
        [0.0, 0.0, 0.0, 0.0, 1.0],
    ]
)  # latent 1 dead; latent 4 fires everywhere (a negative code counts as firing)


def test_firing_dead_dense_l0_on_a_hand_written_code_table():
    assert sm.firing_rates(CODES).tolist() == [0.5, 0.0, 0.25, 0.25, 1.0]
    assert sm.dead_fraction(CODES) == pytest.approx(1 / 5)
    assert sm.DENSE_RATE == 0.1
    assert sm.dense_fraction(CODES) == pytest.approx(4 / 5)  # every live latent fires on > 10%
    assert sm.dense_fraction(CODES, rate=0.3) == pytest.approx(2 / 5)
    assert sm.dense_fraction(CODES, rate=0.5) == pytest.approx(1 / 5)  # strictly more than the rate
    assert sm.l0(CODES) == pytest.approx((3 + 2 + 2 + 1) / 4)
    acts = torch.tensor([[0.0, 2.0, 0.3], [0.0, 0.0, 0.0], [1.0, 1.0, 1.0]])
    assert sm.true_l0(acts) == pytest.approx((2 + 0 + 3) / 3)


# --- reconstruction: FVU, shrinkage ---


def test_fvu_perfect_mean_and_hand_example():
    h = torch.randn(50, 3, generator=torch.Generator().manual_seed(1), dtype=DT)
    assert sm.fvu(h, h.clone()) == 0.0
    assert sm.fvu(h, h.mean(dim=0).expand_as(h)) == pytest.approx(1.0)
    # mean [2, 0]: total Σ‖h − mean‖² = 1 + 1 = 2; residual only (0, 1) on the first sample: 1
    h = torch.tensor([[1.0, 0.0], [3.0, 0.0]])
    assert sm.fvu(h, torch.tensor([[1.0, 1.0], [3.0, 0.0]])) == pytest.approx(0.5)


def test_shrinkage_scales_and_skips_zero_samples():
    h = torch.randn(40, 4, generator=torch.Generator().manual_seed(2), dtype=DT)
    h[::3] = 0
    h_hat = 0.7 * h
    h_hat[::3] = 5.0  # whatever is reconstructed where h = 0 must not count
    assert sm.shrinkage(h, h_hat) == pytest.approx(0.7)
    h = torch.tensor([[3.0, 4.0], [0.0, 0.0], [1.0, 0.0]])
    h_hat = torch.tensor([[0.6, 0.8], [9.0, 9.0], [2.0, 0.0]])
    assert sm.shrinkage(h, h_hat) == pytest.approx((1 / 5 + 2) / 2)
    with pytest.raises(ValueError, match="every sample"):
        sm.shrinkage(torch.zeros(3, 2), torch.ones(3, 2))


# --- detection ---


def test_detection_on_hand_written_activity_tables():
    # feature 0 <-> latent 2: TP 2, FP 1, FN 1; feature 1 <-> latent 0 (never fires): TP 0, FP 0, FN 2;
    # feature 2 unmatched; feature 3 <-> latent 1: TP 2, FP 0, FN 2
    acts = torch.tensor(
        [[1, 0, 1, 1], [1, 0, 0, 1], [1, 0, 1, 1], [0, 0, 0, 1], [0, 1, 0, 0], [0, 1, 1, 0]], dtype=torch.float
    )
    codes = torch.tensor([[0, 1, 1], [0, 2, 1], [0, 0, 0], [0, 0, -1], [0, 0, 0], [0, 0, 0]], dtype=torch.float)
    out = sm.detection(codes, acts, torch.tensor([2, 0, -1, 1]))

    def prf(tp, fp, fn):
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    expect = [prf(2, 1, 1), prf(0, 0, 2), None, prf(2, 0, 2)]
    assert expect[0] == pytest.approx((2 / 3, 2 / 3, 2 / 3)) and expect[3] == pytest.approx((1, 0.5, 2 / 3))
    for k, key in enumerate(("precision", "recall", "f1")):
        got = out[key]
        assert got.shape == (4,) and got[2].isnan()
        assert got[[0, 1, 3]].tolist() == pytest.approx([expect[i][k] for i in (0, 1, 3)])
        assert out[f"{key}_mean"] == pytest.approx(np.mean([expect[i][k] for i in (0, 1, 3)]))
    none = sm.detection(codes, acts, torch.full((4,), -1))
    assert math.isnan(none["f1_mean"]) and none["f1"].isnan().all()


# --- absorption ---

# features: 0 parent, 1 and 2 its children; samples 0-3 have a child (so the parent too),
# samples 4-6 the parent alone, sample 7 nothing
ACTS = torch.tensor(
    [[1, 1, 0], [1, 0, 1], [1, 1, 0], [1, 0, 1], [1, 0, 0], [1, 0, 0], [1, 0, 0], [0, 0, 0]], dtype=torch.float
)


def _codes(parent_fires: list[int]) -> torch.Tensor:
    """Two latents: latent 0 the parent's (firing as given), latent 1 always on."""
    return torch.stack([torch.tensor(parent_fires, dtype=torch.float), torch.ones(8)], dim=1)


@pytest.mark.parametrize(
    "fires, expected",
    [
        ([1, 0, 0, 0, 1, 1, 1, 0], 0.75),  # silent on 3 of 4 child samples, never on parent-only ones
        ([1, 1, 1, 1, 1, 1, 1, 0], 0.0),  # no absorption
        ([1, 0, 0, 0, 1, 0, 1, 0], 0.75 - 1 / 3),  # baseline miss rate 1/3 subtracted
        ([1, 1, 1, 1, 0, 0, 1, 0], 0.0),  # misses more often without a child: clipped at 0
    ],
)
def test_absorption_hand_built(fires, expected):
    assert sm.absorption(_codes(fires), ACTS, parent=0, children=[1, 2], parent_latent=0) == pytest.approx(expected)


def test_absorption_nan_without_child_or_parent_only_samples():
    codes = _codes([1, 0, 0, 0, 1, 1, 1, 0])
    no_child = ACTS.clone()
    no_child[:, 1:] = 0
    assert math.isnan(sm.absorption(codes, no_child, parent=0, children=[1, 2], parent_latent=0))
    no_alone = ACTS.clone()
    no_alone[4:7, 0] = 0
    assert math.isnan(sm.absorption(codes, no_alone, parent=0, children=[1, 2], parent_latent=0))


# --- scorecard ---


def test_scorecard_gathers_every_scalar():
    gen = torch.Generator().manual_seed(3)
    features = torch.randn(3, 4, generator=gen, dtype=DT)
    atoms = torch.cat([features[[1, 0, 2]], torch.randn(2, 4, generator=gen, dtype=DT)])
    acts = torch.rand(30, 3, generator=gen, dtype=DT) * (torch.rand(30, 3, generator=gen) < 0.4)
    codes = torch.cat([acts[:, [1, 0, 2]], torch.zeros(30, 1, dtype=DT), acts[:, :1]], dim=1)
    h = acts @ features
    h_hat = 0.9 * h
    card = sm.scorecard(features, acts, atoms, codes, h, h_hat)
    keys = ["mmcs", "mcc", "dead", "dense", "l0", "true_l0", "fvu", "shrinkage", "precision", "recall", "f1"]
    assert list(card) == keys and all(isinstance(v, float) for v in card.values())
    value, match = sm.mcc(features, atoms)
    found = sm.detection(codes, acts, match)
    assert card["mcc"] == pytest.approx(1.0) and card["mmcs"] == pytest.approx(1.0) == value
    assert card["dead"] == pytest.approx(1 / 5) and card["shrinkage"] == pytest.approx(0.9)
    assert card["precision"] == card["recall"] == card["f1"] == pytest.approx(1.0) == found["f1_mean"]
    assert card["l0"] == pytest.approx(sm.l0(codes)) and card["true_l0"] == pytest.approx(sm.true_l0(acts))
    assert card["dense"] == sm.dense_fraction(codes) and card["fvu"] == pytest.approx(sm.fvu(h, h_hat))


# --- validation ---


def test_mismatched_shapes_raise_naming_the_arguments():
    f, a = torch.randn(3, 4), torch.randn(5, 4)
    with pytest.raises(ValueError, match=r"features \(3, 4\) and atoms \(5, 3\)"):
        sm.cosines(f, torch.randn(5, 3))
    with pytest.raises(ValueError, match="atoms must be a 2-D"):
        sm.mcc(f, torch.randn(4))
    with pytest.raises(ValueError, match="at least one row"):
        sm.mmcs(f, torch.randn(0, 4))
    with pytest.raises(ValueError, match="codes needs at least one sample"):
        sm.firing_rates(torch.zeros(0, 3))
    with pytest.raises(ValueError, match="rate must be"):
        sm.dense_fraction(CODES, rate=1.5)
    with pytest.raises(ValueError, match="acts must be >= 0"):
        sm.true_l0(-torch.ones(2, 2))
    with pytest.raises(ValueError, match=r"h \(3, 2\) and h_hat \(3, 3\)"):
        sm.fvu(torch.randn(3, 2), torch.randn(3, 3))
    with pytest.raises(ValueError, match="no variance"):
        sm.fvu(torch.ones(3, 2), torch.ones(3, 2))
    with pytest.raises(ValueError, match=r"h \(3, 2\) and h_hat \(2, 2\)"):
        sm.shrinkage(torch.randn(3, 2), torch.randn(2, 2))
    acts, codes = torch.ones(6, 3), torch.ones(6, 5)
    with pytest.raises(ValueError, match=r"codes \(5, 5\) and acts \(6, 3\)"):
        sm.detection(torch.ones(5, 5), acts, torch.tensor([0, 1, 2]))
    with pytest.raises(ValueError, match="one entry per feature"):
        sm.detection(codes, acts, torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="latent indices"):
        sm.detection(codes, acts, torch.tensor([0, 1, 5]))
    with pytest.raises(ValueError, match="integer tensor"):
        sm.detection(codes, acts, torch.tensor([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match="children must be"):
        sm.absorption(codes, acts, parent=0, children=[], parent_latent=0)
    with pytest.raises(ValueError, match="must not be one of its children"):
        sm.absorption(codes, acts, parent=0, children=[0, 1], parent_latent=0)
    with pytest.raises(ValueError, match="parent_latent must be"):
        sm.absorption(codes, acts, parent=0, children=[1], parent_latent=5)
    with pytest.raises(ValueError, match="children entries"):
        sm.absorption(codes, acts, parent=0, children=[3], parent_latent=0)
    with pytest.raises(ValueError, match=r"features \(3, 4\) and acts \(6, 2\)"):
        sm.scorecard(f, torch.ones(6, 2), a, codes, torch.ones(6, 4), torch.ones(6, 4))
    with pytest.raises(ValueError, match=r"codes \(6, 5\) and h \(7, 4\)"):
        sm.scorecard(f, acts, a, codes, torch.ones(7, 4), torch.ones(7, 4))


def test_every_public_function_is_exercised():
    public = {
        name
        for name, obj in vars(sm).items()
        if inspect.isfunction(obj) and obj.__module__ == sm.__name__ and not name.startswith("_")
    }
    source = Path(__file__).read_text()
    assert public and all(f"sm.{name}(" in source for name in public), sorted(public)
