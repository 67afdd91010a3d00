"""Learning as a sequence of geometric transformations (paper #learning-geometric, docs/figures.md F18).

Six features in two correlated sets of three (``tms.core.data.correlated``: a set switches on as a whole),
embedded in m = 3 dimensions. Read off the trainer's log-spaced weight checkpoints
``checkpoints.W [k, n, m]`` of one model:

- *PCA-like stage*: the input covariance's top principal components are the sets' indicator
  directions; ``pca_share`` is the share of ‖W‖_F² along them (1/3 at a random init and for the
  octahedron, 2/3 for the linear PCA solution). Early in training it rises as the members of a
  set turn towards each other, later it falls back to 1/3 as they separate.
- *Octahedron*: the end state is three orthogonal antipodal pairs (``tms.analysis.geometry`` names it
  "3 digons"); ``octahedron_pairs`` returns the pairs, and the paper's claim is that each pair
  joins features of *different* sets (members of one set fire together, so an antipodal partner
  from the same set would interfere whenever the set is on).
- ``stages``: the sequence of configurations ``tms.analysis.geometry.describe`` reads along the checkpoints.

For drawing, ``frame`` gives the final model an orthonormal basis along its own features and
``align`` rotates any checkpoint onto the final model (orthogonal Procrustes), so the snapshots
differ only by what training changed, not by an arbitrary rotation of the hidden space.
"""

from __future__ import annotations

import torch

from tms.analysis.geometry import describe, tegum_factors

OCTAHEDRON = "3 digons"


def _check_sets(n: int, set_size: int) -> None:
    if set_size < 2 or n % set_size:
        raise ValueError(f"set_size must be >= 2 and divide n_features={n}; got {set_size}")


def pca_share(W: torch.Tensor, set_size: int) -> torch.Tensor:
    """Share of ‖W‖_F² along the data's top principal components, ``[...]`` from ``W [..., n, m]``.

    With consecutive correlated sets of ``set_size``, the input covariance is block-diagonal and
    each set's top principal component is its indicator direction 1_s/√k (a set fires as a whole);
    the share is Σ_s ‖Σ_{i∈s} W_i‖² / k over ‖W‖_F². Reference values for two sets of three in
    m = 3: 1 when every set collapses onto one direction, 2/3 for the linear (PCA) solution (both
    set components kept, plus one direction of the degenerate rest), 1/3 for a random W or any W
    whose sets are orthonormal (the octahedron).
    """
    n = W.shape[-2]
    _check_sets(n, set_size)
    sets = W.reshape(*W.shape[:-2], n // set_size, set_size, W.shape[-1])
    along = sets.sum(-2).square().sum((-2, -1)) / set_size
    return along / W.square().sum((-2, -1)).clamp_min(1e-30)


def key_checkpoints(share: torch.Tensor, labels: list[str]) -> list[int]:
    """Checkpoint indices worth drawing, from ``share [k]`` (``pca_share`` per checkpoint) and the
    ``describe`` label of each: the start, the PCA-like peak, two log-spaced points between it
    and the first checkpoint showing the final configuration, that one, and the end."""
    last = len(labels) - 1
    peak = int(share.argmax())
    formed = next(i for i in range(last + 1) if all(lab == labels[last] for lab in labels[i:]))
    middle = torch.logspace(
        torch.log10(torch.tensor(peak + 1.0)), torch.log10(torch.tensor(max(formed, peak) + 1.0)), 4
    )
    return sorted({0, peak, *(int(round(float(v))) - 1 for v in middle[1:3]), formed, last})


def octahedron_pairs(W: torch.Tensor) -> list[tuple[int, int]] | None:
    """The antipodal pairs of ``W [n, m]`` when it is three orthogonal digons, else None."""
    if describe(W) != OCTAHEDRON:
        return None
    return sorted(tuple(sorted(f.features)) for f in tegum_factors(W))


def crosses_sets(pairs: list[tuple[int, int]], set_size: int) -> bool:
    """Every pair joins members of different sets."""
    return all(i // set_size != j // set_size for i, j in pairs)


def stages(checkpoint_W: torch.Tensor, steps: list[int]) -> list[tuple[int, str]]:
    """``(first step, configuration)`` for each run of equal ``describe`` labels along
    ``checkpoint_W [k, n, m]`` taken at ``steps``."""
    out: list[tuple[int, str]] = []
    for step, W in zip(steps, checkpoint_W, strict=True):
        label = describe(W)
        if not out or out[-1][1] != label:
            out.append((step, label))
    return out


def frame(W: torch.Tensor) -> torch.Tensor:
    """An orthonormal basis ``[m, m]`` (columns) from Gram–Schmidt on ``W [n, m]``'s first rows
    (n ≥ m), signed so that ``W @ frame(W)`` has W_i along +axis i where the first m rows are
    orthogonal (one set of an octahedron lands on +x, +y, +z, the other on the negative axes)."""
    n, m = W.shape
    if n < m:
        raise ValueError(f"frame needs n_features >= n_hidden; got W of shape {tuple(W.shape)}")
    Q, R = torch.linalg.qr(W.double().T)
    signs = torch.where(R.diagonal() < 0, -1.0, 1.0).to(Q.dtype)
    return (Q[:, :m] * signs[:m]).to(W.dtype)


def align(W: torch.Tensor, reference: torch.Tensor) -> torch.Tensor:
    """``W [n, m]`` rotated (or reflected) by the orthogonal R minimising ‖W R − reference‖_F."""
    U, _, Vh = torch.linalg.svd(W.double().T @ reference.double())
    return (W.double() @ (U @ Vh)).to(W.dtype)
