"""tms.analysis.motif.find_motifs on a hand-built abs-value model that contains the motif exactly, and on
variants that break one condition each."""

from __future__ import annotations

import pytest
import torch

from tms.analysis.motif import find_motifs


def motif_model(ratio: float = 0.2, inhibit: float = -5.0, scale: float = 3.0):
    """n=3, m=4. Neuron 0: a=0 (+1), b=1 (−ratio), W₂ = (1, 1/ratio) — the asymmetric pair.
    Neuron 1: driven by a, inhibits output b by ``inhibit``, and gives a nothing (W₂[a] = 0).
    Neurons 2, 3: a plain ReLU(x_2) / ReLU(−x_2) pair. Unit scales are scrambled by ``scale``:
    the detector must rescale first."""
    W1 = torch.zeros(3, 4)
    W2 = torch.zeros(3, 4)
    W1[0, 0], W1[1, 0] = 1.0, -ratio
    W2[0, 0], W2[1, 0] = 1.0, 1.0 / ratio
    W1[0, 1] = 1.0
    W2[1, 1] = inhibit
    W1[2, 2], W2[2, 2] = 1.0, 1.0
    W1[2, 3], W2[2, 3] = -1.0, 1.0
    s = torch.tensor([scale, 1 / scale, 2.0, 0.5])
    return W1 * s, W2 / s


def test_finds_the_built_motif_through_unit_rescaling():
    W1, W2 = motif_model()
    found = find_motifs(W1, W2)
    assert len(found) == 1
    mo = found[0]
    assert (mo.a, mo.b, mo.neuron, mo.inhibitor) == (0, 1, 0, 1)
    assert mo.ratio == pytest.approx(0.2)
    assert mo.out_a == pytest.approx(1.0) and mo.out_b == pytest.approx(1.0)
    assert mo.inhibition == pytest.approx(1.0)  # 5 · 1 / (5 · 1)


def test_sign_flip_of_the_whole_motif_is_found():
    W1, W2 = motif_model()
    found = find_motifs(-W1, W2)
    assert [(m.a, m.b, m.neuron, m.inhibitor) for m in found] == [(0, 1, 0, 1)]


@pytest.mark.parametrize(
    "change",
    ["equal weights", "residue", "same sign", "no inhibitor", "weak inhibitor", "not reciprocal"],
)
def test_each_broken_condition_hides_the_motif(change):
    W1, W2 = motif_model()
    if change == "equal weights":
        W1, W2 = motif_model(ratio=0.8)
    elif change == "residue":  # b's input weight below MIN_RATIO of a's
        W1, W2 = motif_model(ratio=0.02)
    elif change == "same sign":
        W1[1, 0] = -W1[1, 0]
    elif change == "no inhibitor":
        W2[1, 1] = 0.0
    elif change == "weak inhibitor":
        W1, W2 = motif_model(inhibit=-1.0)  # cancels 1/5 of the drive
    elif change == "not reciprocal":
        W2[1, 0] *= 4
    assert find_motifs(W1, W2) == []


def test_plain_relu_pairs_have_no_motif():
    W1 = torch.tensor([[1.0, -1.0, 0, 0], [0, 0, 1.0, -1.0]])
    W2 = W1.abs()
    assert find_motifs(W1, W2) == []


def test_rejects_batched_input():
    with pytest.raises(ValueError, match="one model"):
        find_motifs(torch.zeros(2, 3, 4), torch.zeros(2, 3, 4))


def test_motif_figure_outlines_a_found_motif(tmp_path):
    """F26/F27 draws the built motif model (the branch with an occurrence to tabulate)."""
    from tms.core.io import Run
    from tms.plots import plot_figure
    from tms.plots.abs_value import motif_model as shown

    W1, W2 = motif_model()
    tensors = {"W1": W1[None], "W2": W2[None], "b": torch.zeros(1, 3), "eval_loss": torch.zeros(1)}
    meta = {
        "experiment": {"n_features": 3, "n_hidden": 4, "replicas": 1, "recipe": {"steps": 1}},
        "instances": {"point": [0], "replica": [0], "density": [0.1]},
    }
    run = Run(tensors, meta)
    k, motifs = shown(run)
    assert k == 0 and len(motifs) == 1
    plot_figure("abs_motif", {"abs_sparsity": run}, tmp_path / "abs_motif.pdf")
    assert (tmp_path / "abs_motif.pdf").stat().st_size > 0
