"""tms.analysis.learning_geometry and the F18 claims on hand-made weights: the octahedron, collapsed and
PCA solutions with known principal-component shares, Procrustes alignment, stage detection."""

from __future__ import annotations

import math

import pytest
import torch

from tms.analysis.learning_geometry import (
    align,
    crosses_sets,
    frame,
    key_checkpoints,
    octahedron_pairs,
    pca_share,
    stages,
)
from tms.claims.check import check_figure
from tms.core.io import Run

E = torch.eye(3)
OCTAHEDRON = torch.cat([E, -E[[1, 2, 0]]])  # set A on +x, +y, +z; set B on −y, −z, −x
SAME_SET_OCTAHEDRON = torch.stack([E[0], -E[0], E[1], E[2], -E[1], -E[2]])  # pair (0, 1) inside set A
COLLAPSED = torch.tensor([[1.0, 0, 0]] * 3 + [[0, 1.0, 0]] * 3)


def rotation(seed: int) -> torch.Tensor:
    return torch.linalg.qr(torch.randn(3, 3, generator=torch.Generator().manual_seed(seed)))[0]


def test_pca_share_reference_values():
    u = torch.tensor([[1.0, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1]]).T / math.sqrt(3)
    third = torch.tensor([1.0, -1, 0, 0, 0, 0]) / math.sqrt(2)
    pca = torch.cat([u, third[:, None]], 1)  # the top-3 principal directions as W's columns
    assert pca_share(OCTAHEDRON, 3) == pytest.approx(1 / 3)
    assert pca_share(COLLAPSED, 3) == pytest.approx(1.0)
    assert pca_share(pca, 3) == pytest.approx(2 / 3)
    assert pca_share(OCTAHEDRON @ rotation(0), 3) == pytest.approx(1 / 3)  # basis free
    batch = torch.stack([OCTAHEDRON, COLLAPSED])
    assert pca_share(batch, 3).tolist() == pytest.approx([1 / 3, 1.0])
    with pytest.raises(ValueError, match="set_size"):
        pca_share(OCTAHEDRON, 4)


def test_octahedron_pairs_and_set_crossing():
    pairs = octahedron_pairs(OCTAHEDRON @ rotation(1))
    assert pairs == [(0, 5), (1, 3), (2, 4)] and crosses_sets(pairs, 3)
    same = octahedron_pairs(SAME_SET_OCTAHEDRON)
    assert same == [(0, 1), (2, 4), (3, 5)] and not crosses_sets(same, 3)
    assert octahedron_pairs(COLLAPSED) is None


def test_align_undoes_a_rotation_and_frame_puts_a_set_on_the_axes():
    W = OCTAHEDRON @ rotation(2)
    assert torch.allclose(align(W, OCTAHEDRON), OCTAHEDRON, atol=1e-6)
    in_frame = W @ frame(W)
    assert torch.allclose(in_frame[:3], E, atol=1e-6)
    assert torch.allclose(frame(W).T @ frame(W), E, atol=1e-6)


def test_stages_merge_repeats_and_key_checkpoints_span_the_run():
    snaps = torch.stack([COLLAPSED, COLLAPSED, OCTAHEDRON, OCTAHEDRON])
    assert [label for _, label in stages(snaps, [0, 10, 100, 1000])] == [stages(COLLAPSED[None], [0])[0][1], "3 digons"]
    assert stages(snaps, [0, 10, 100, 1000])[1][0] == 100
    share = torch.tensor([0.3, 0.35, 0.6, 0.5, 0.4, 0.34, 0.33, 0.33, 0.33, 0.33])
    labels = ["x"] * 4 + ["y"] * 2 + ["z"] * 4
    keys = key_checkpoints(share, labels)
    assert keys[0] == 0 and keys[-1] == 9 and 2 in keys and 6 in keys and keys == sorted(set(keys))


def _run(final: torch.Tensor, snaps: torch.Tensor) -> Run:
    steps = list(range(snaps.shape[1]))
    inst = final.shape[0]
    tensors = {
        "W": final,
        "eval_loss": torch.arange(inst, dtype=torch.float32),
        "checkpoints.W": snaps,
        "checkpoint_steps": torch.tensor(steps),
    }
    meta = {
        "experiment": {"set_size": 3, "replicas": inst},
        "instances": {"point": [0] * inst, "replica": list(range(inst)), "density": [0.05] * inst},
    }
    return Run(tensors, meta)


def _claims(run: Run) -> dict[str, str]:
    return {r["id"]: r["status"] for r in check_figure("learning_geometry", {"learning_geometry": run})}


def test_claims_hold_on_a_pca_then_octahedron_path_and_fail_without_it():
    noise = 0.3 * torch.randn(6, 3, generator=torch.Generator().manual_seed(3))
    path = torch.stack([noise, 0.5 * COLLAPSED + 0.1 * noise, OCTAHEDRON, OCTAHEDRON])  # PCA-like, then octahedron
    good = _run(torch.stack([OCTAHEDRON, OCTAHEDRON]), torch.stack([path, path]))
    assert _claims(good) == {"C18.1": "held", "C18.2": "held"}
    straight = torch.stack([noise, OCTAHEDRON, OCTAHEDRON, OCTAHEDRON])  # never PCA-like
    wrong_pairs = _run(torch.stack([SAME_SET_OCTAHEDRON] * 2), torch.stack([straight, straight]))
    assert _claims(wrong_pairs) == {"C18.1": "not held", "C18.2": "not held"}
