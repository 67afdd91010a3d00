"""tms.analysis.adversarial against closed forms: the no-superposition baseline, optimal directions."""

from __future__ import annotations

import math

import torch

from tms.analysis.adversarial import attack_directions, baseline_increase, loss_increases, vulnerability
from tms.core.models import make_model, weighted_mse


def baseline_params(n: int, m: int, inst: int = 1) -> dict:
    W = torch.zeros(inst, n, m)
    W[:, :m, :] = torch.eye(m)
    return {"W": W, "b": torch.zeros(inst, n)}


def pentagon(radius: float = 1.0) -> dict:
    angles = torch.arange(5) * 2 * math.pi / 5
    W = radius * torch.stack([angles.cos(), angles.sin()], dim=1)[None]
    return {"W": W, "b": torch.full((1, 5), -0.2)}


def test_baseline_has_vulnerability_one():
    """Attacking the no-superposition model with the same code gives the closed form I₀ε²/n."""
    n, m = 6, 3
    imp = (0.8 ** torch.arange(n, dtype=torch.float32))[None]
    result = vulnerability(make_model("relu_output"), baseline_params(n, m), torch.full((1, n), 0.3), imp, samples=4000)
    torch.testing.assert_close(result["vulnerability"], torch.ones(1), rtol=1e-4, atol=0)
    assert result["feature"].item() == 0
    eps = result["eps"]
    torch.testing.assert_close(result["baseline"], imp[:, 0] * eps.square() / n)


def test_directions_maximise_the_attacked_preactivation():
    """(G δ_i)_i = ‖G_i‖ is the largest (G u)_i over unit vectors u (checked against 2,000 random u)."""
    W = torch.randn(1, 7, 3, generator=torch.Generator().manual_seed(0))
    G = W @ W.transpose(1, 2)
    d = attack_directions(W)[0]
    torch.testing.assert_close(d.norm(dim=1), torch.ones(7))
    best = (G[0] * d).sum(1)  # (G δ_i)_i, G symmetric
    u = torch.randn(2000, 7, generator=torch.Generator().manual_seed(1))
    u = u / u.norm(dim=1, keepdim=True)
    assert ((G[0] @ u.T) <= best[:, None] + 1e-5).all()


def test_antipodal_pair_is_attacked_along_the_pair():
    W = torch.tensor([[[1.0], [-1.0], [0.0]]])
    d = attack_directions(W)[0]
    torch.testing.assert_close(d[0], torch.tensor([1.0, -1.0, 0.0]) / math.sqrt(2))
    assert torch.equal(d[2], torch.zeros(3))  # an unrepresented feature has no direction


def test_three_features_on_one_line_closed_form():
    """n = 3 features sharing one direction (m = 1, b = 0): δ = ε(1,1,1)/√3 raises every output by
    √3 ε, so the loss grows by Σ_j [2√3 ε (S − x_j) + 3ε²] per sample (S = Σx): 9ε² + 4√3 ε S."""
    model, params = make_model("relu_output"), {"W": torch.ones(1, 3, 1), "b": torch.zeros(1, 3)}
    x = torch.rand(1, 500, 3, generator=torch.Generator().manual_seed(2))
    eps = torch.tensor([0.05])
    got = loss_increases(model, params, x, torch.ones(1, 3), eps, "sum")
    S = x.sum(2).mean()
    expected = 9 * eps**2 + 4 * math.sqrt(3) * eps * S
    torch.testing.assert_close(got[0], expected.expand(3), rtol=1e-4, atol=0)
    base = baseline_increase(torch.ones(1, 3), eps, 3, "sum")
    assert (got[0, 0] / base).item() > 9  # far more vulnerable than the baseline


def test_vulnerability_is_rotation_invariant():
    """Rotating the hidden space (W -> WO) leaves G = WWᵀ, hence the attack and its cost, unchanged."""
    model, imp, density = make_model("relu_output"), torch.ones(1, 5), torch.full((1, 5), 0.1)
    params = pentagon()
    v = vulnerability(model, params, density, imp, samples=4000)["vulnerability"].item()
    c, s = math.cos(0.7), math.sin(0.7)
    rotated = {"W": params["W"] @ torch.tensor([[c, -s], [s, c]]), "b": params["b"]}
    v_rot = vulnerability(model, rotated, density, imp, samples=4000)["vulnerability"].item()
    assert abs(v_rot - v) < 1e-4 * v


def test_loss_increases_match_attacking_the_forward_pass():
    """The shared-product path equals running the model on each attacked input x + εδ_i."""
    gen = torch.Generator().manual_seed(3)
    params = {"W": torch.randn(2, 6, 3, generator=gen), "b": torch.randn(2, 6, generator=gen) * 0.1}
    x = torch.rand(2, 300, 6, generator=gen) * (torch.rand(2, 300, 6, generator=gen) < 0.3)
    imp, eps = torch.rand(2, 6, generator=gen), torch.tensor([0.05, 0.2])
    for name in ("relu_output", "linear"):
        model = make_model(name)
        deltas = attack_directions(params["W"]) * eps[:, None, None]
        clean = weighted_mse(model.forward(params, x), x, imp, "mean")
        direct = torch.stack(
            [weighted_mse(model.forward(params, x + deltas[:, None, i]), x, imp, "mean") - clean for i in range(6)], 1
        )
        torch.testing.assert_close(loss_increases(model, params, x, imp, eps), direct, rtol=1e-4, atol=1e-7)


def test_loss_increases_shape_and_zero_attack():
    model, params = make_model("relu_output"), pentagon()
    x = torch.rand(1, 50, 5)
    inc = loss_increases(model, params, x, torch.ones(1, 5), torch.zeros(1))
    assert inc.shape == (1, 5) and inc.abs().max() < 1e-7


def _sweep_run(weights: list[dict], densities: list[float]):
    """A Run of ReLU-output instances with the given parameters, one replica per density."""
    from tms.core.io import Run

    n = weights[0]["W"].shape[1]
    tensors = {
        "W": torch.cat([w["W"] for w in weights]),
        "b": torch.cat([w["b"] for w in weights]),
        "importance": torch.ones(len(weights), n),
        "eval_loss": torch.zeros(len(weights)),
    }
    k = range(len(weights))
    meta = {
        "experiment": {"model": "relu_output", "importance_decay": 1.0, "replicas": 1},
        "instances": {"point": list(k), "replica": [0] * len(weights), "density": densities},
    }
    return Run(tensors, meta)


def test_claims_measure_what_they_state():
    """Without superposition everywhere the rise is ×1 (C19.1 not held); a sweep whose vulnerability
    grows with features per dimension has rank correlation 1 (C19.2 held)."""
    from tms.claims.check import check_figure

    flat = _sweep_run([baseline_params(3, 1)] * 3, [1.0, 0.1, 0.01])
    rows = {r["id"]: r for r in check_figure("adversarial", {"uniform_superposition": flat})}
    assert rows["C19.1"]["status"] == "not held" and rows["C19.1"]["measured"]["ratio"] == 1.0
    one_line = {"W": torch.ones(1, 3, 1), "b": torch.zeros(1, 3)}  # 3 features per dimension
    two = {"W": torch.tensor([[[1.0], [1.0], [0.0]]]), "b": torch.zeros(1, 3)}  # 2 per dimension
    rising = _sweep_run([baseline_params(3, 1), two, one_line], [1.0, 0.5, 0.3])
    rows = {r["id"]: r for r in check_figure("adversarial", {"uniform_superposition": rising})}
    assert rows["C19.2"]["status"] == "held" and rows["C19.2"]["measured"]["spearman"] == 1.0
    assert rows["C19.1"]["status"] == "held"


def test_the_sweep_is_computed_once_per_run(monkeypatch):
    """Both F19 claims read one sweep: a second call on the same run does not recompute it."""
    import tms.analysis.adversarial as adversarial

    calls = []
    real = adversarial._sweep
    monkeypatch.setattr(adversarial, "_sweep", lambda *a: calls.append(a) or real(*a))
    run = _sweep_run([baseline_params(3, 1)] * 2, [1.0, 0.1])
    first = adversarial.sweep(run, samples=200)
    assert adversarial.sweep(run, samples=200) is first and len(calls) == 1
    adversarial.sweep(_sweep_run([baseline_params(3, 1)] * 2, [1.0, 0.1]), samples=200)  # another run
    assert len(calls) == 2
