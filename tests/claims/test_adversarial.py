"""Known-answer cases for the F19 claims (``tms.claims.adversarial``: C19.1, C19.2).

The claims run the analytic attack (``tms.analysis.adversarial.sweep``, 10,000 inputs per instance) on
the ``uniform_superposition`` run. Here that run is a small hand-built one (n = 8 features, m = 2, I = 1,
four densities 1 → 0.05, one replica each, b = 0), with the claims' thresholds far from the values:

- the *baseline* (W_0 = e_0, W_1 = e_1, the rest 0) is the attack's own reference: the best attack adds ε
  to feature 0's output, never clipped, so its vulnerability is exactly 1 at every density;
- *antipodal pairs* (±e_0, ±e_1): with at most one active feature (the sparse regime) the attack along
  (e_0 − e_1)/√2 moves one output of the pair by ε√2 and the other is clipped at 0 or loses ε√2, so the
  loss rises by 2ε²: vulnerability ≈ 2 (1.84 at density 0.3);
- a regular k-gon of unit features: WWᵀ is a tight frame, so the attack on feature i shifts output j by
  ε√(k/2)·cos θ_ij; with every input 0 the loss rises by ε²(k/2)Σ_j ReLU(cos θ_ij)², which is 4.5 for the
  hexagon and 8 for the octagon (measured 4.67 at density 0.1 and 9.17 at 0.05).

Features per dimension ‖W‖_F²/m is 1, 2, 3, 4 for the four.
"""

from __future__ import annotations

import math

import torch

from tests.claims.known import fails, holds, make_run

N, M = 8, 2
DENSITIES = (1.0, 0.3, 0.1, 0.05)


def baseline() -> torch.Tensor:
    W = torch.zeros(N, M)
    W[0, 0] = W[1, 1] = 1.0
    return W


def antipodal() -> torch.Tensor:
    W = torch.zeros(N, M)
    W[0, 0], W[1, 0], W[2, 1], W[3, 1] = 1.0, -1.0, 1.0, -1.0
    return W


def polygon(k: int) -> torch.Tensor:
    W = torch.zeros(N, M)
    for i in range(k):
        W[i] = torch.tensor([math.cos(2 * math.pi * i / k), math.sin(2 * math.pi * i / k)])
    return W


def adversarial_run(models: list[torch.Tensor], biases: list[float] | None = None, densities=DENSITIES):
    """``uniform_superposition`` with one instance per density: ``models[k]`` at ``densities[k]``, every output
    bias ``biases[k]`` (0 by default)."""
    k = len(models)
    biases = biases or [0.0] * k
    tensors = {
        "W": torch.stack(models),
        "b": torch.tensor(biases)[:, None].expand(k, N).contiguous(),
        "eval_loss": torch.zeros(k),
        "importance": torch.ones(k, N),
    }
    instances = {"density": list(densities), "point": list(range(k)), "replica": [0] * k}
    run = make_run("uniform_superposition", tensors, instances, n_features=N, n_hidden=M, densities=list(densities))
    return {"uniform_superposition": run}


RISING = [baseline(), antipodal(), polygon(6), polygon(8)]


def test_c19_1_holds_when_superposition_forms():
    """Baseline at density 1 (vulnerability 1), then antipodal pairs, a hexagon and an octagon: the octagon's ≈ 9
    is more than 3× the dense model's."""
    m = holds("C19.1", adversarial_run(RISING))
    assert m.value["vulnerability by density"][1.0] == 1.0 and m.value["ratio"] > 8


def test_c19_1_holds_on_a_hexagon():
    """The hexagon alone at the sparse densities: ≈ 4.5 (> 3)."""
    holds("C19.1", adversarial_run([baseline(), polygon(6), polygon(6), polygon(6)]))


def test_c19_1_fails_without_superposition():
    """The baseline at every density: every vulnerability is exactly 1, ratio 1."""
    m = fails("C19.1", adversarial_run([baseline()] * 4))
    assert m.value["ratio"] == 1.0


def test_c19_1_fails_on_antipodal_pairs_only():
    """Antipodal pairs at the sparse densities: ≈ 2, a rise of 2× (< 3)."""
    m = fails("C19.1", adversarial_run([baseline(), antipodal(), antipodal(), antipodal()]))
    assert 1.5 < m.value["ratio"] < 2.5


def test_c19_1_fails_when_the_dense_model_is_the_superposed_one():
    """The rising sweep reversed (octagon at density 1, baseline at 0.05): the ratio is taken over the dense model,
    here the superposed octagon (2.86); the most vulnerable, the hexagon at 0.3 (4.12), is 1.44× it (< 3)."""
    m = fails("C19.1", adversarial_run(RISING[::-1]))
    assert m.value["ratio"] < 2


def test_c19_2_holds_when_vulnerability_rises_with_features_per_dimension():
    """Features per dimension 1, 2, 3, 4 and vulnerability 1, ≈2, ≈4.5, ≈9: the same order, ρ = 1."""
    m = holds("C19.2", adversarial_run(RISING))
    assert m.value == {"spearman": 1.0, "instances": 4}


def test_c19_2_fails_when_the_most_superposed_model_is_silenced():
    """The octagon's outputs biased to −3 (its pre-activations are at most 1 + 2cos 45° plus the attack's < 0.1, so
    every output stays 0 whether attacked or not): vulnerability 0 at 4 features per dimension, ρ = −0.2."""
    m = fails("C19.2", adversarial_run(RISING, biases=[0.0, 0.0, 0.0, -3.0]))
    assert m.value["spearman"] == -0.2
