"""The SAE benchmark's scoring (``tms.analysis.sae_benchmark``) on hand-built dictionaries whose
answers are known: a perfect dictionary, one that absorbs a parent into its children, and the
feature count of dictionaries that hold the true features plus junk."""

from __future__ import annotations

import pytest
import torch

from tms.analysis.sae_benchmark import feature_count, score_dictionary
from tms.core.sae_benchmark import Dataset

# six orthogonal features in 6-D; feature 0 the parent of 1 and 2 (co-occurrence 0.5)
PARENT = torch.tensor([-1, 0, 0, -1, -1, -1])
TREE = Dataset(
    "tree",
    "hierarchy",
    torch.eye(6),
    torch.tensor([0.2, 0.5, 0.5, 0.1, 0.1, 0.1]),
    torch.ones(6, dtype=torch.bool),
    parent=PARENT,
)


def identity(h):
    return h.clone()


def absorbing(h):
    """The parent's latent (0) falls silent wherever a child fires: full absorption."""
    codes = h.clone()
    codes[:, 0] *= ~(h[:, 1:3] > 0).any(1)
    return codes


def test_a_perfect_dictionary_scores_perfectly():
    card = score_dictionary(identity, identity, TREE, 4000)
    assert card["mcc"] == pytest.approx(1.0) and card["mmcs"] == pytest.approx(1.0)
    assert card["fvu"] == pytest.approx(0.0, abs=1e-6) and card["shrinkage"] == pytest.approx(1.0)
    assert card["f1"] == pytest.approx(1.0) and card["absorption"] == pytest.approx(0.0)
    assert card["l0"] == pytest.approx(card["true_l0"])


def test_absorption_is_seen_through_the_scoring_path():
    card = score_dictionary(absorbing, identity, TREE, 4000)
    assert card["absorption"] == pytest.approx(1.0)
    assert card["mcc"] == pytest.approx(1.0)  # the atoms are still the features: only the firing tells


def test_feature_count_plateaus_at_the_true_count():
    """Dictionaries of 2, 4, 8 and 16 atoms in 8-D: the first 2, 4, 8 true features, then the 8 plus 8
    duplicates; the shared count grows 2, 4, then stops at 8."""
    features = torch.eye(8)
    atoms = [features[:2], features[:4], features, torch.cat([features, features])]
    alive = [torch.ones(len(a), dtype=torch.bool) for a in atoms]
    out = feature_count(atoms, alive)
    assert out["stable"] == [2, 4, 8] and out["estimate"] == 8
    alive[-1][8:] = False  # dead duplicates change nothing
    assert feature_count(atoms, alive)["estimate"] == 8


def test_a_dictionary_that_breaks_the_protocol_is_refused():
    with pytest.raises(ValueError, match=r"encode\(h \[batch=4, m=6\]\) must return codes"):
        score_dictionary(lambda h: h[0], identity, TREE, 100)
    with pytest.raises(ValueError, match=r"decode"):
        score_dictionary(identity, lambda f: f[:, :3], TREE, 100)
