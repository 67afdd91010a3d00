"""``HierarchicalFeatures``: a child fires only with its parent, at its co-occurrence rate."""

from __future__ import annotations

import pytest
import torch

from tms.core.data.hierarchy import HierarchicalFeatures

# feature 0 a parent of 1 and 2; feature 3 on its own
PARENT = torch.tensor([-1, 0, 0, -1])


def test_children_fire_only_with_their_parent_at_the_cooccurrence_rate():
    density = torch.tensor([[0.2, 0.5, 0.25, 0.1]])
    x = HierarchicalFeatures(density, PARENT).sample(200_000, torch.Generator().manual_seed(0))[0]
    on = x > 0
    assert not bool((on[:, 1:3] & ~on[:, :1]).any())  # never without the parent
    given_parent = on[on[:, 0]].float().mean(0)
    assert given_parent[1:3].tolist() == pytest.approx([0.5, 0.25], abs=0.01)
    marginal = on.float().mean(0)
    expected = HierarchicalFeatures(density, PARENT).density[0]
    assert expected.tolist() == pytest.approx([0.2, 0.1, 0.05, 0.1])
    assert marginal.tolist() == pytest.approx(expected.tolist(), abs=0.005)


@pytest.mark.parametrize(
    "parent, match",
    [([-1, 0, 0], r"parent must be \[n=4\]"), ([-1, 0, 1, -1], "cannot have a parent"), ([1, 1, -1, -1], "own")],
)
def test_bad_hierarchies_are_refused(parent, match):
    with pytest.raises(ValueError, match=match):
        HierarchicalFeatures(torch.full((1, 4), 0.1), torch.tensor(parent))


def test_fixed_magnitudes_are_one_where_active():
    density = torch.tensor([[0.3, 0.5, 0.5, 0.2]])
    x = HierarchicalFeatures(density, PARENT, "fixed").sample(5000, torch.Generator().manual_seed(1))[0]
    assert set(x.unique().tolist()) == {0.0, 1.0}
    assert not bool(((x[:, 1:3] > 0) & (x[:, :1] == 0)).any())
    with pytest.raises(ValueError, match="magnitude must be one of"):
        HierarchicalFeatures(density, PARENT, "binary")
