"""Known answers for the sparse-autoencoder findings (X3.1, X3.2) on hand-built SAE runs.

The run has the layout ``tms.core.sae_training.run_sae`` writes: one SAE per (kind, sparsity setting, source)
in ``SAESpec.table`` order, two sources (a dense toy model at density 1 and a sparse one at 0.05) and
per SAE ``max_cos``, ``represented``, ``fvu`` and ``l0``. Its true features are known: 20 features
±e_k in m = 10 dimensions. ``max_cos`` is measured by ``tms.core.sae_training.max_cosines`` on a chosen
dictionary: the true features themselves (every cosine 1), a random one (cosines ≈ 0.5) or one
with every atom tilted off its feature (cosine 0.85). ``fvu`` and ``l0`` are set per SAE.
"""

from __future__ import annotations

import math

import torch

from tests.claims.known import fails, holds
from tms.core.io import Run
from tms.core.sae import SAESpec
from tms.core.sae_training import SAE_RUN, max_cosines
from tms.core.weights import REPRESENTED_NORM, feature_norms

M, D = 10, 20
TRUE = torch.cat([torch.eye(M), -torch.eye(M)])  # [n = 20, m]: the toy model's features
DENSITIES = [1.0, 0.05]  # source 0 dense, source 1 sparse
SPEC = SAESpec(dictionary=D, kinds=("relu_l1", "topk", "jumprelu"), l1=(0.1, 0.3), k=(2, 5), l0=(0.01, 0.03))

# dictionaries W_dec [m, d] (atoms in columns)
EXACT = TRUE.T.clone()  # the true features
RANDOM = torch.randn(M, D, generator=torch.Generator().manual_seed(0))
TILT = math.sqrt(1 / 0.85**2 - 1)  # an atom e_k + TILT·e_(k−1) has cosine 0.85 with e_k
TILTED = torch.cat([torch.eye(M) + TILT * torch.eye(M).roll(1, 0), -torch.eye(M) - TILT * torch.eye(M).roll(1, 0)]).T


def sae_run(dictionaries: dict[tuple[str, int], torch.Tensor] | None = None, measures=None, spec: SAESpec = SPEC):
    """The SAE run: the SAE of (kind, source) uses ``dictionaries[(kind, source)]`` (default RANDOM; the
    first sparsity setting only, the others RANDOM); ``measures(kind, setting, source) -> (l0, fvu)``."""
    table = spec.table(len(DENSITIES))
    table["density"] = [DENSITIES[s] for s in table["source"]]
    dictionaries = dictionaries or {}
    first = {kind: spec.settings(kind)[0] for kind in spec.kinds}
    W_dec = torch.stack(
        [
            dictionaries.get((kind, s), RANDOM) if v == first[kind] else RANDOM
            for kind, v, s in zip(table["kind"], table["sparsity"], table["source"], strict=True)
        ]
    )
    inst = len(table["kind"])
    W = TRUE.expand(inst, -1, -1)
    measures = measures or (lambda kind, v, s: (3.0, 0.2))
    l0, fvu = zip(
        *(measures(*row) for row in zip(table["kind"], table["sparsity"], table["source"], strict=True)), strict=True
    )
    tensors = {
        "W_dec": W_dec,
        "max_cos": max_cosines(W_dec, W),
        "represented": feature_norms(W) > REPRESENTED_NORM,
        "l0": torch.tensor(l0),
        "fvu": torch.tensor(fvu),
    }
    return {SAE_RUN: Run(tensors, {"experiment": {"name": SAE_RUN}, "instances": table})}


def test_dictionaries_have_the_intended_cosines():
    """The construction: the exact dictionary matches every feature, the tilted one at 0.85, the
    random one well below the 0.9 bar."""
    assert max_cosines(EXACT[None], TRUE[None]).min() == 1.0
    assert torch.allclose(max_cosines(TILTED[None], TRUE[None]), torch.tensor(0.85))
    assert max_cosines(RANDOM[None], TRUE[None]).mean() < 0.7


# ---- X3.1: best MMCS ≥ 0.9 at the sparsest source and below it at the densest


def test_x3_1_holds_when_an_sae_recovers_the_sparse_sources_features():
    """Sparse source: the TopK (k = 2) SAE's dictionary is the true features (MMCS 1); every other SAE
    and every SAE of the dense source has a random dictionary."""
    m = holds("X3.1", sae_run({("topk", 1): EXACT}))
    mmcs = m.value["best MMCS"]
    assert mmcs["0.05"] == 1.0 and mmcs["1"] < 0.7 and m.value["best recovered share"]["0.05"] == 1.0


def test_x3_1_fails_when_recovery_is_at_the_dense_source():
    """The recovering SAE moved to the dense source: recovery does not grow with sparsity."""
    fails("X3.1", sae_run({("topk", 0): EXACT}))


def test_x3_1_fails_when_both_sources_are_recovered():
    """The true dictionary at both sources: MMCS 1 at each, not lower at the dense one."""
    fails("X3.1", sae_run({("topk", 0): EXACT, ("topk", 1): EXACT}))


def test_x3_1_fails_below_the_recovery_bar():
    """Sparse source's best dictionary tilted off every feature (MMCS 0.85 < 0.9), though still above
    the dense source's random ones."""
    m = fails("X3.1", sae_run({("relu_l1", 1): TILTED}))
    assert m.value["best MMCS"]["0.05"] == 0.85 and m.value["best recovered share"]["0.05"] == 0.0


# ---- X3.2: ≥ 75% of the ReLU-L1 SAEs matched or beaten on both L0 and FVU by a TopK/JumpReLU SAE
# of the same source. Four ReLU-L1 SAEs (2 settings × 2 sources).

RELU = {0.1: (4.0, 0.2), 0.3: (3.0, 0.3)}  # ReLU-L1 (l0, fvu) by λ
GOOD, BAD = (2.0, 0.1), (30.0, 0.9)


def measures(topk=GOOD, jumprelu=BAD, dense=None, relu=RELU):
    """(l0, fvu) per SAE: ReLU-L1 from ``relu``; every TopK SAE ``topk``, every JumpReLU ``jumprelu``;
    ``dense``, if given, replaces both rivals at the dense source."""

    def get(kind, v, s):
        if kind == "relu_l1":
            return relu[v]
        if dense is not None and s == 0:
            return dense
        return topk if kind == "topk" else jumprelu

    return get


def test_x3_2_holds_when_topk_dominates_every_relu_l1_sae():
    """TopK at L0 2, FVU 0.1 beats both ReLU-L1 settings (L0 4 and 3, FVU 0.2 and 0.3) at each source."""
    m = holds("X3.2", sae_run(measures=measures()))
    assert m.value == {"dominated by TopK or JumpReLU": "4 of 4", "by kind": {"topk": "4 of 4", "jumprelu": "0 of 4"}}


def test_x3_2_holds_when_jumprelu_alone_dominates():
    """The rivals swapped: JumpReLU dominates, TopK does not; either kind counts."""
    m = holds("X3.2", sae_run(measures=measures(topk=BAD, jumprelu=GOOD)))
    assert m.value["by kind"] == {"topk": "0 of 4", "jumprelu": "4 of 4"}


def test_x3_2_holds_at_three_quarters():
    """One ReLU-L1 SAE (λ = 0.1) with L0 1.5 < TopK's 2: not dominated; 3 of 4 = 75% still hold."""
    relu = {0.1: (1.5, 0.2), 0.3: (3.0, 0.3)}
    holds("X3.2", sae_run(measures=lambda kind, v, s: measures(relu=relu if s == 0 else RELU)(kind, v, s)))


def test_x3_2_fails_at_half():
    """Both dense-source ReLU-L1 SAEs out of TopK's reach (L0 1.5, 1.8 < 2): 2 of 4."""
    relu = {0.1: (1.5, 0.2), 0.3: (1.8, 0.3)}
    m = fails("X3.2", sae_run(measures=lambda kind, v, s: measures(relu=relu if s == 0 else RELU)(kind, v, s)))
    assert m.value["dominated by TopK or JumpReLU"] == "2 of 4"


def test_x3_2_fails_when_the_dominating_saes_are_of_another_source():
    """The good TopK SAEs only at the sparse source, both rivals bad at the dense one: the dense
    ReLU-L1 SAEs are not dominated (a rival must decode the same source): 2 of 4."""
    m = fails("X3.2", sae_run(measures=measures(dense=BAD)))
    assert m.value["dominated by TopK or JumpReLU"] == "2 of 4"


def test_x3_2_fails_when_the_rivals_trade_one_axis_for_the_other():
    """TopK with lower L0 (2) but higher FVU (0.5), JumpReLU with lower FVU (0.05) but higher L0 (10):
    neither dominates on both axes."""
    fails("X3.2", sae_run(measures=measures(topk=(2.0, 0.5), jumprelu=(10.0, 0.05))))


def test_x3_2_fails_without_relu_l1_saes():
    """No ReLU-L1 SAE trained: nothing is shown dominated."""
    spec = SAESpec(dictionary=D, kinds=("topk", "jumprelu"), l1=(), k=(2, 5), l0=(0.01, 0.03))
    m = fails("X3.2", sae_run(measures=measures(), spec=spec))
    assert m.value["dominated by TopK or JumpReLU"] == "0 of 0"
