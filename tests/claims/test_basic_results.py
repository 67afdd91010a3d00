"""Known-answer cases for the Figure 4 and 5 claims (``tms.claims.basic_results``: C4.1, C4.2, C4.3,
C4.3.counts, C4.4, C4.6, C5.1).

The linear runs are the closed-form optimum: the top m features on an orthonormal basis (rotated by a
fixed orthogonal matrix, which changes no claim: the model sees only WᵀW), the dropped features' biases
at their mean s/2 and the evaluation loss the dropped features' variance, Σ_{i≥m} I_i (s/3 − s²/4) (÷ n
for the mean reduction). It is written out here, not taken from the claim module.

The ReLU sweep (n = 20, m = 5) is built from exact geometry, dense to sparse:

====== ===== ========= ==================================================================
density count dedicated W
====== ===== ========= ==================================================================
1      5     5         e_0 … e_4
0.3    7     3         e_0, e_1, e_2; ±e_3; ±e_4 (two antipodal pairs)
0.1    9     2         e_0, e_1; ±e_2; a regular pentagon in (e_3, e_4)
0.03   11    1         e_0; pentagons in (e_1, e_2) and (e_3, e_4)
0.01   15    0         "diffuse": 5 axes and the 10 edge vectors (e_a + e_b)/√2, norm 0.8
0.003  20    0         the 15 above and the 5 vectors Σ_{c≠a} e_c / 2, norm 0.8
0.001  20    0         as at 0.003
====== ===== ========= ==================================================================

An antipodal pair and a k-gon give each member superposition ≥ 1 (k/2 − 1 for k ≥ 3), so none of them
is dedicated. The diffuse sets' dot products are 0.8² × (0, 1/2, 1/√2, 3/4, 1/(2√2)) = 0, 0.32, 0.453, 0.48,
0.226: every non-zero one is a small positive interference (0.05 < W_i·W_j < 0.5), 50 of the 105 pairs of
15 features (0.476) and 130 of the 190 pairs of 20 (0.684). Their biases are −0.1 (represented features);
every other bias is 0.
"""

from __future__ import annotations

import math

import torch

from tests.claims.known import fails, holds, make_run

N, M = 20, 5
RELU_DENSITIES = (1.0, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001)
LINEAR_DENSITIES = (1.0, 0.03)


def rotation(m: int, seed: int = 7) -> torch.Tensor:
    """A fixed orthogonal ``[m, m]`` matrix (QR of a seeded Gaussian)."""
    q, _ = torch.linalg.qr(torch.randn(m, m, generator=torch.Generator().manual_seed(seed), dtype=torch.float64))
    return q.float()


def sweep_run(experiment: str, points: list, n: int, importance: torch.Tensor):
    """A run of ``experiment`` from ``points`` = [(density, [(W, b, eval_loss), ...replicas])]."""
    W, b, loss, density, point, replica = [], [], [], [], [], []
    for p, (d, replicas) in enumerate(points):
        for r, (w, bias, ell) in enumerate(replicas):
            W.append(w)
            b.append(bias)
            loss.append(ell)
            density.append(d)
            point.append(p)
            replica.append(r)
    inst = len(W)
    tensors = {
        "W": torch.stack(W),
        "b": torch.stack(b),
        "eval_loss": torch.tensor(loss, dtype=torch.float32),
        "importance": importance.expand(inst, -1).contiguous(),
    }
    return make_run(experiment, tensors, {"density": density, "point": point, "replica": replica})


# ---------------------------------------------------------------------------------------------------------------
# The linear optimum (C4.1, C4.2, C5.1)


def optimum_loss(decay: float, n: int, m: int, s: float) -> float:
    """Σ_{i=m}^{n−1} decay^i · (s/3 − s²/4) / n: a dropped feature's squared error about its mean s/2 is its
    variance E x² − (E x)² = s/3 − s²/4 (x ~ U[0, 1] with probability s), weighted by its importance."""
    return sum(decay**i for i in range(m, n)) * (s / 3 - s * s / 4) / n


def linear_model(n: int, m: int, s: float, rotate: bool = True):
    """The optimum at density s: W_i = row i of a rotation for i < m, else 0; b_i = 0 for i < m, else s/2."""
    W = torch.zeros(n, m)
    W[:m] = rotation(m) if rotate else torch.eye(m)
    b = torch.zeros(n)
    b[m:] = s / 2
    return W, b


def linear_run(n=N, m=M, decay=0.7, densities=LINEAR_DENSITIES, experiment="basic_linear", loss_factor=1.0, edit=None):
    """The linear optimum at every density, with a worse decoy replica (zero W, loss ×10); ``edit(d, W, b)`` may
    change the best replica's W and b in place; ``loss_factor`` scales its evaluation loss."""
    points = []
    for d in densities:
        W, b = linear_model(n, m, d)
        if edit:
            edit(d, W, b)
        loss = optimum_loss(decay, n, m, d)
        points.append((d, [(torch.zeros(n, m), torch.zeros(n), 10 * loss), (W, b, loss * loss_factor)]))
    importance = torch.tensor([decay**i for i in range(n)])
    return sweep_run(experiment, points, n, importance)


def test_closed_form_loss_is_the_documented_value():
    """The figure note's 0.002323 at s = 1 (n = 20, m = 5, I = 0.7^i, mean reduction)."""
    assert abs(optimum_loss(0.7, N, M, 1.0) - 0.002323) < 5e-7


def test_c4_1_holds_on_the_linear_optimum():
    """The closed-form optimum at densities 1 and 0.03: top 5 only, orthogonal, ‖W‖_F² = 5, biases s/2, loss
    exact; the decoy replica (W = 0, a 10× loss) is not the one judged."""
    m = holds("C4.1", {"basic_linear": linear_run()})
    assert [row["top-m only"] for row in m.value] == [True, True]
    assert all(abs(row["‖W‖_F²"] - 5) < 1e-3 and row["loss rel. error"] < 1e-4 for row in m.value)


def test_c4_1_holds_within_tolerance():
    """Dropped biases 8% high (< 10%), loss 2% high (< 3%), W scaled by √1.04 (‖W‖_F² 4% above m, < 5%)."""

    def edit(d, W, b):
        W *= math.sqrt(1.04)
        b[M:] *= 1.08

    holds("C4.1", {"basic_linear": linear_run(loss_factor=1.02, edit=edit)})


def test_c4_1_fails_when_the_loss_is_off():
    """The evaluation loss 5% above the closed form (tolerance 3%)."""
    fails("C4.1", {"basic_linear": linear_run(loss_factor=1.05)})


def test_c4_1_fails_when_dropped_biases_are_off():
    """At density 0.03 only, the dropped biases 15% above s/2 (tolerance 10%)."""

    def edit(d, W, b):
        if d == 0.03:
            b[M:] *= 1.15

    fails("C4.1", {"basic_linear": linear_run(edit=edit)})


def test_c4_1_fails_when_the_bias_sign_is_flipped():
    """At density 1, the dropped biases at −s/2 instead of +s/2."""

    def edit(d, W, b):
        if d == 1.0:
            b[M:] *= -1

    fails("C4.1", {"basic_linear": linear_run(edit=edit)})


def test_c4_1_fails_when_the_wrong_feature_is_kept():
    """Feature 5 takes feature 4's dimension: the represented set is {0..3, 5}, not the top 5."""

    def edit(d, W, b):
        W[5], W[4] = W[4].clone(), 0

    fails("C4.1", {"basic_linear": linear_run(edit=edit)})


def test_c4_1_fails_when_features_are_not_orthogonal():
    """W_1 rotated 8° towards W_0 (norms kept): |cos| = sin 8° = 0.139 > 0.1."""

    def edit(d, W, b):
        t = math.radians(8)
        W[1] = math.cos(t) * W[1] + math.sin(t) * W[0]

    fails("C4.1", {"basic_linear": linear_run(edit=edit)})


def test_c4_1_fails_when_the_norm_is_off():
    """W scaled by √1.06: ‖W‖_F² = 5.3, 6% above m (tolerance 5%)."""

    def edit(d, W, b):
        W *= math.sqrt(1.06)

    fails("C4.1", {"basic_linear": linear_run(edit=edit)})


# ---------------------------------------------------------------------------------------------------------------
# The ReLU sweep (C4.2, C4.3, C4.3.counts, C4.4, C4.6)


def axis(m: int, j: int, sign: float = 1.0) -> torch.Tensor:
    v = torch.zeros(m)
    v[j] = sign
    return v


def polygon(k: int, m: int, dims: tuple[int, int]) -> list[torch.Tensor]:
    """A regular k-gon of unit vectors in the plane of ``dims``."""
    out = []
    for i in range(k):
        v = torch.zeros(m)
        v[dims[0]], v[dims[1]] = math.cos(2 * math.pi * i / k), math.sin(2 * math.pi * i / k)
        out.append(v)
    return out


def diffuse(m: int = M, count: int = 20, norm: float = 0.8) -> list[torch.Tensor]:
    """The first ``count`` of: the m axes, the edge vectors (e_a + e_b)/√2, the vectors Σ_{c≠a} e_c/√(m−1);
    each of norm ``norm``. Every pair's dot product is 0 or in (0.05, 0.5) at norm 0.8."""
    eye = torch.eye(m)
    vs = [eye[a] for a in range(m)]
    vs += [(eye[a] + eye[b]) / math.sqrt(2) for a in range(m) for b in range(a + 1, m)]
    vs += [(1 - eye[a]) / math.sqrt(m - 1) for a in range(m)]
    return [norm * v for v in vs[:count]]


def stack(rows: list[torch.Tensor], n: int = N, m: int = M) -> torch.Tensor:
    W = torch.zeros(n, m)
    for i, v in enumerate(rows):
        W[i] = v
    return W


def relu_models() -> dict[float, list[torch.Tensor]]:
    """Rows of W per density (the table of the module docstring)."""
    e = lambda j, s=1.0: axis(M, j, s)  # noqa: E731
    return {
        1.0: [e(0), e(1), e(2), e(3), e(4)],
        0.3: [e(0), e(1), e(2), e(3), e(3, -1), e(4), e(4, -1)],
        0.1: [e(0), e(1), e(2), e(2, -1), *polygon(5, M, (3, 4))],
        0.03: [e(0), *polygon(5, M, (1, 2)), *polygon(5, M, (3, 4))],
        0.01: diffuse(count=15),
        0.003: diffuse(count=20),
        0.001: diffuse(count=20),
    }


def relu_run(models=None, biases: dict | None = None):
    """The ReLU sweep (one replica per density, eval loss 0.01); represented features' biases −0.1 at density
    ≤ 0.01 unless ``biases`` gives a density's represented bias."""
    models = relu_models() if models is None else models
    biases = biases or {}
    points = []
    for d in RELU_DENSITIES:
        if d not in models:
            continue
        W = stack(models[d])
        b = torch.zeros(N)
        rep = W.norm(dim=1) > 0.5
        b[rep] = biases.get(d, -0.1 if d <= 0.01 else 0.0)
        points.append((d, [(W, b, 0.01)]))
    importance = torch.tensor([0.7**i for i in range(N)])
    return sweep_run("basic_relu", points, N, importance)


def test_c4_2_holds_when_the_dense_relu_model_is_the_linear_one():
    """ReLU W at density 1 is e_0 … e_4, the linear W the same basis rotated: identical WᵀW (the model depends on
    WᵀW only) and the same represented set."""
    m = holds("C4.2", {"basic_relu": relu_run(), "basic_linear": linear_run()})
    assert m.value == {"same represented set": True, "max |ΔWᵀW|": 0.0}


def test_c4_2_holds_within_tolerance():
    """The dense ReLU W_1 turned 4° towards W_0: WᵀW entry (0, 1) = sin 4° = 0.070 < 0.1."""
    models = relu_models()
    t = math.radians(4)
    models[1.0][1] = math.cos(t) * axis(M, 1) + math.sin(t) * axis(M, 0)
    holds("C4.2", {"basic_relu": relu_run(models), "basic_linear": linear_run()})


def test_c4_2_fails_when_the_dense_relu_model_overlaps():
    """The dense ReLU W_1 turned 8° towards W_0: WᵀW entry (0, 1) = sin 8° = 0.139 > 0.1."""
    models = relu_models()
    t = math.radians(8)
    models[1.0][1] = math.cos(t) * axis(M, 1) + math.sin(t) * axis(M, 0)
    fails("C4.2", {"basic_relu": relu_run(models), "basic_linear": linear_run()})


def test_c4_2_fails_when_the_relu_model_keeps_another_feature():
    """The dense ReLU model gives feature 4's dimension to feature 5: not the linear model's represented set."""
    models = relu_models()
    models[1.0] = models[1.0][:4] + [torch.zeros(M), axis(M, 4)]
    fails("C4.2", {"basic_relu": relu_run(models), "basic_linear": linear_run()})


def test_c4_3_holds_on_rising_counts():
    """Counts 5, 7, 9, 11, 15, 20, 20 (ties allowed: "never falls")."""
    m = holds("C4.3", {"basic_relu": relu_run()})
    assert m.value["count"] == [5, 7, 9, 11, 15, 20, 20]


def test_c4_3_fails_when_a_count_falls():
    """Two features dropped at density 0.001 only: 20 at 0.003, 18 at 0.001."""
    models = relu_models()
    models[0.001] = diffuse(count=18)
    fails("C4.3", {"basic_relu": relu_run(models)})


def test_c4_3_fails_when_the_sweep_is_reversed():
    """The sparse solutions at the dense densities and vice versa: counts 20, 20, 15, 11, 9, 7, 5."""
    models = relu_models()
    reversed_models = dict(zip(RELU_DENSITIES, [models[d] for d in reversed(RELU_DENSITIES)], strict=True))
    fails("C4.3", {"basic_relu": relu_run(reversed_models)})


def test_c4_3_counts_holds_near_the_paper():
    """Counts 5, 7, 9, 11, 15, 20, 20 against the paper's 5, 7, 9, 11.5, 15, 18, 20: off by 0, 0, 0, −0.5, 0, +2, 0,
    and ±2 is inside the tolerance."""
    m = holds("C4.3.counts", {"basic_relu": relu_run()})
    assert m.value["minus paper"] == [0, 0, 0, -0.5, 0, 2, 0]


def test_c4_3_counts_holds_on_a_fall_within_tolerance():
    """18 at density 0.001 (paper 20, −2, inside ±2): this claim reads the counts, not their order (C4.3 does)."""
    models = relu_models()
    models[0.001] = diffuse(count=18)
    holds("C4.3.counts", {"basic_relu": relu_run(models)})


def test_c4_3_counts_fails_when_a_count_is_off_by_three():
    """17 features at 0.003 and 0.001 (paper 18 and 20: −1 and −3); the counts still never fall (C4.3 holds)."""
    models = relu_models()
    models[0.003] = models[0.001] = diffuse(count=17)
    runs = {"basic_relu": relu_run(models)}
    fails("C4.3.counts", runs)
    holds("C4.3", runs)


def test_c4_3_counts_fails_without_the_paper_densities():
    """A sweep of densities the figure has no count for (here only 0.5): nothing compared, so not held."""
    models = {1.0: relu_models()[1.0]}
    run = relu_run(models)
    run.meta["instances"]["density"] = [0.5]
    fails("C4.3.counts", {"basic_relu": run})


def test_c4_4_holds_when_superposition_starts_at_the_least_important():
    """Dedicated features 5, 3, 2, 1, 0, 0, 0: always a prefix of the importance order, never more as density
    falls."""
    m = holds("C4.4", {"basic_relu": relu_run()})
    assert m.value["dedicated per density"] == [5, 3, 2, 1, 0, 0, 0]


def test_c4_4_fails_when_an_important_feature_is_superposed_first():
    """At density 0.3 features 2 and 3 swapped: feature 2 joins an antipodal pair while feature 3 keeps a
    dedicated dimension (dedicated {0, 1, 3}, superposed {2, 4, 5, 6})."""
    models = relu_models()
    rows = models[0.3]
    rows[2], rows[3] = rows[3], rows[2]
    m = fails("C4.4", {"basic_relu": relu_run(models)})
    assert m.value["dedicated precede superposed"][1] is False


def test_c4_4_fails_when_dedicated_features_come_back():
    """At density 0.03 three dedicated features (e_0, e_1, e_2) and a regular octagon in (e_3, e_4), 11 features,
    after 2 dedicated at 0.1: a prefix, but the dedicated count rises as density falls."""
    models = relu_models()
    models[0.03] = [axis(M, 0), axis(M, 1), axis(M, 2), *polygon(8, M, (3, 4))]
    runs = {"basic_relu": relu_run(models)}
    m = fails("C4.4", runs)
    assert m.value["dedicated per density"] == [5, 3, 2, 3, 0, 0, 0] and all(m.value["dedicated precede superposed"])
    holds("C4.3", runs)


def test_c4_6_holds_on_diffuse_positive_interference():
    """At 0.01, 0.003, 0.001: 0.476, 0.684, 0.684 of represented pairs at small positive W_i·W_j, mean bias −0.1."""
    m = holds("C4.6", {"basic_relu": relu_run()})
    assert [row["small positive pairs"] for row in m.value] == [0.476, 0.684, 0.684]
    assert [row["density"] for row in m.value] == [0.01, 0.003, 0.001]


def test_c4_6_fails_when_the_bias_is_positive():
    """The same W with the represented features' bias at +0.1 at density 0.001."""
    fails("C4.6", {"basic_relu": relu_run(biases={0.001: 0.1})})


def test_c4_6_fails_when_the_bias_is_zero():
    """Bias exactly 0 at density 0.003: "negative" is strict."""
    fails("C4.6", {"basic_relu": relu_run(biases={0.003: 0.0})})


def test_c4_6_fails_when_the_interference_is_not_small():
    """At density 0.01 the diffuse set at norm 1.1 instead of 0.8: its dot products are 1.21 × (0, 1/2, 1/√2) =
    0, 0.605, 0.856, none between 0.05 and 0.5 (strong, not small, interference)."""
    models = relu_models()
    models[0.01] = diffuse(count=15, norm=1.1)
    m = fails("C4.6", {"basic_relu": relu_run(models)})
    assert m.value[0]["small positive pairs"] == 0.0


def test_c4_6_fails_on_axes_and_pentagons():
    """The density-0.03 solution (an axis and two pentagons, 11 features) at the three sparse densities: pentagon
    neighbours have W_i·W_j = cos 72° = 0.309, but only 10 of 55 pairs (0.18 < 0.2) are such pairs."""
    models = relu_models()
    for d in (0.01, 0.003, 0.001):
        models[d] = models[0.03]
    m = fails("C4.6", {"basic_relu": relu_run(models)})
    assert m.value[0]["small positive pairs"] == 0.182


def test_c4_6_fails_without_sparse_densities():
    """Only densities above 0.01: nothing to judge, so not held."""
    models = {d: w for d, w in relu_models().items() if d > 0.01}
    fails("C4.6", {"basic_relu": relu_run(models)})


# ---------------------------------------------------------------------------------------------------------------
# C5.1: the F4 checks on the n = 80, m = 20 runs

N5, M5 = 80, 20
DEDICATED5 = (20, 16, 12, 8, 4, 0, 0)  # dedicated features per density, dense to sparse


def large_relu_models(dedicated=DEDICATED5) -> dict[float, torch.Tensor]:
    """W per density: the first a features on their own axes, the next 2(20 − a) as antipodal pairs ±e_j on the
    remaining axes, the rest 0; counts 40 − a = 20, 24, 28, 32, 36, 40, 40."""
    out = {}
    for d, a in zip(RELU_DENSITIES, dedicated, strict=True):
        W = torch.zeros(N5, M5)
        W[:a] = torch.eye(M5)[:a]
        for k, j in enumerate(range(a, M5)):
            W[a + 2 * k, j], W[a + 2 * k + 1, j] = 1.0, -1.0
        out[d] = W
    return out


def large_runs(models=None, loss_factor=1.0):
    models = large_relu_models() if models is None else models
    importance = torch.tensor([0.9**i for i in range(N5)])
    relu = sweep_run(
        "basic_large_relu", [(d, [(models[d], torch.zeros(N5), 0.01)]) for d in RELU_DENSITIES], N5, importance
    )
    linear = linear_run(
        n=N5, m=M5, decay=0.9, densities=(1.0,), experiment="basic_large_linear", loss_factor=loss_factor
    )
    return {"basic_large_relu": relu, "basic_large_linear": linear}


def test_c5_1_holds_on_the_rescaled_solutions():
    """The n = 80 linear optimum (I = 0.9^i) and a ReLU sweep of dedicated axes and antipodal pairs: dense ReLU =
    linear, counts 20 … 40 never fall, dedicated 20, 16, 12, 8, 4, 0, 0 always first."""
    m = holds("C5.1", large_runs())
    assert m.value["count"] == [20, 24, 28, 32, 36, 40, 40]
    assert all(m.value[f"{k} held"] for k in ("C4.1", "C4.2", "C4.3", "C4.4"))


def test_c5_1_fails_when_the_linear_loss_is_off():
    """The linear run's evaluation loss 5% above the closed form: its C4.1 part fails."""
    m = fails("C5.1", large_runs(loss_factor=1.05))
    assert not m.value["C4.1 held"] and m.value["C4.2 held"] and m.value["C4.3 held"] and m.value["C4.4 held"]


def test_c5_1_fails_when_superposition_starts_at_an_important_feature():
    """At density 0.3 feature 15 (dedicated) and feature 16 (in a pair) swapped: its C4.4 part fails."""
    models = large_relu_models()
    W = models[0.3]
    W[[15, 16]] = W[[16, 15]]
    m = fails("C5.1", large_runs(models))
    assert not m.value["C4.4 held"] and m.value["C4.1 held"] and m.value["C4.3 held"]


def test_c5_1_fails_when_a_count_falls():
    """At density 0.001 one antipodal pair zeroed (38 after 40 at 0.003): its C4.3 part fails."""
    models = large_relu_models()
    models[0.001][38:40] = 0
    m = fails("C5.1", large_runs(models))
    assert not m.value["C4.3 held"] and m.value["C4.4 held"] and m.value["C4.1 held"]


def test_c5_1_fails_when_the_dense_relu_model_differs():
    """The dense ReLU model's W_1 turned 8° towards W_0: WᵀW differs by 0.139 (its C4.2 part fails)."""
    models = large_relu_models()
    t = math.radians(8)
    models[1.0][1] = math.cos(t) * torch.eye(M5)[1] + math.sin(t) * torch.eye(M5)[0]
    m = fails("C5.1", large_runs(models))
    assert not m.value["C4.2 held"] and m.value["C4.1 held"] and m.value["C4.3 held"]
