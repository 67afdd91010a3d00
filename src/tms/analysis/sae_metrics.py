"""Scores of a sparse autoencoder against KNOWN true features (the SAE benchmark).

Notation: true features ``features [n, m]`` (rows: directions in the m-dim activation space) with
activations ``acts [samples, n]`` (>= 0, a feature is active where acts > 0); the SAE's decoder atoms
``atoms [d, m]`` (rows) and codes ``codes [samples, d]`` (a latent fires where code != 0); activations
``h [samples, m]`` and their reconstructions ``h_hat [samples, m]``.

- dictionary: MMCS (each feature's best signed cosine with any atom, many-to-one) and MCC (mean |cos|
  of the best one-to-one matching, Hungarian algorithm, SAELens' definition);
- sparsity: firing rates, dead and dense latents, L0 of the codes against L0 of the true features;
- reconstruction: FVU and shrinkage (‖ĥ‖ / ‖h‖);
- detection: each matched latent as a classifier of its feature being active (precision, recall, F1);
- absorption: a parent's latent going silent when a child feature is active (Chanin et al. 2024).

``scorecard`` gathers every scalar in one flat dict.
"""

from __future__ import annotations

import math

import torch
from scipy.optimize import linear_sum_assignment

# Latents firing on > 10% of inputs are the usual "dense latent" cut of the SAE literature (SAELens
# 6.54.12 has no such constant: it logs only the rare end, firing rates below 1e-5 and 1e-6).
DENSE_RATE = 0.1
EPS = 1e-12  # norm clamp of the cosines, so a zero vector gives cos 0 rather than NaN


def _check_2d(name: str, x: torch.Tensor) -> None:
    if x.ndim != 2:
        raise ValueError(f"{name} must be a 2-D tensor; got shape {tuple(x.shape)}")


def _check_dim(name_a: str, a: torch.Tensor, dim_a: int, name_b: str, b: torch.Tensor, dim_b: int) -> None:
    """Raise unless ``a.shape[dim_a] == b.shape[dim_b]`` (both 2-D), naming both shapes."""
    _check_2d(name_a, a)
    _check_2d(name_b, b)
    if a.shape[dim_a] != b.shape[dim_b]:
        raise ValueError(f"{name_a} {tuple(a.shape)} and {name_b} {tuple(b.shape)} do not agree in size")


def _check_samples(name: str, x: torch.Tensor) -> None:
    _check_2d(name, x)
    if x.shape[0] == 0:
        raise ValueError(f"{name} needs at least one sample; got shape {tuple(x.shape)}")


def _active(acts: torch.Tensor) -> torch.Tensor:
    """``acts [samples, n]`` -> bool ``[samples, n]``, after checking that activations are >= 0."""
    _check_samples("acts", acts)
    if (acts < 0).any():
        raise ValueError("acts must be >= 0 (true feature activations)")
    return acts > 0


def _check_index(name: str, value, size: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < size:
        raise ValueError(f"{name} must be an integer in [0, {size}); got {value!r}")


def cosines(features: torch.Tensor, atoms: torch.Tensor) -> torch.Tensor:
    """Signed cosine similarity of every feature with every atom: ``[n, m]`` × ``[d, m]`` -> ``[n, d]``."""
    _check_dim("features", features, 1, "atoms", atoms, 1)
    f = features / features.norm(dim=1, keepdim=True).clamp_min(EPS)
    a = atoms / atoms.norm(dim=1, keepdim=True).clamp_min(EPS)
    return f @ a.T


def _check_nonempty(features: torch.Tensor, atoms: torch.Tensor) -> None:
    if features.shape[0] == 0 or atoms.shape[0] == 0:
        raise ValueError(f"features {tuple(features.shape)} and atoms {tuple(atoms.shape)} need at least one row")


def mmcs(features: torch.Tensor, atoms: torch.Tensor) -> float:
    """Mean max cosine similarity: the mean over the n features of the best SIGNED cosine with any
    atom (``[n, m]``, ``[d, m]``). Many-to-one: one atom may be the best match of several features."""
    cos = cosines(features, atoms)
    _check_nonempty(features, atoms)
    return cos.max(dim=1).values.mean().item()


def mcc(features: torch.Tensor, atoms: torch.Tensor) -> tuple[float, torch.Tensor]:
    """Mean correlation coefficient: the one-to-one matching of features ``[n, m]`` to atoms ``[d, m]``
    that maximises the total |cos| (Hungarian algorithm), scored as the mean |cos| over its min(n, d)
    matched pairs. This is SAELens 6.54.12's ``sae_lens.synthetic.evals.mean_correlation_coefficient``
    (after arXiv:2505.20254); |cos| makes a sign-flipped atom a perfect match.

    Returns (mcc, match): ``match [n]`` (long) is each feature's matched atom, -1 for the n - d
    features left unmatched when d < n."""
    cos = cosines(features, atoms).abs()
    _check_nonempty(features, atoms)
    rows, cols = linear_sum_assignment(cos.detach().cpu().double().numpy(), maximize=True)
    rows, cols = torch.as_tensor(rows, dtype=torch.long), torch.as_tensor(cols, dtype=torch.long)
    match = torch.full((features.shape[0],), -1, dtype=torch.long)
    match[rows] = cols
    return cos[rows.to(cos.device), cols.to(cos.device)].mean().item(), match


def firing_rates(codes: torch.Tensor) -> torch.Tensor:
    """Fraction of samples on which each latent fires (code != 0, so negative codes count): ``[samples, d]``
    -> ``[d]``."""
    _check_samples("codes", codes)
    return (codes != 0).float().mean(dim=0)


def dead_fraction(codes: torch.Tensor) -> float:
    """Share of the d latents that never fire on the sample ``codes [samples, d]``."""
    return (firing_rates(codes) == 0).float().mean().item()


def dense_fraction(codes: torch.Tensor, rate: float = DENSE_RATE) -> float:
    """Share of the d latents that fire on more than ``rate`` of the samples ``codes [samples, d]``."""
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
        raise ValueError(f"rate must be a number in [0, 1]; got {rate!r}")
    return (firing_rates(codes) > rate).float().mean().item()


def l0(codes: torch.Tensor) -> float:
    """Mean number of firing latents (code != 0) per sample of ``codes [samples, d]``."""
    _check_samples("codes", codes)
    return (codes != 0).sum(dim=1).float().mean().item()


def true_l0(acts: torch.Tensor) -> float:
    """Mean number of active true features (act > 0) per sample of ``acts [samples, n]``."""
    return _active(acts).sum(dim=1).float().mean().item()


def fvu(h: torch.Tensor, h_hat: torch.Tensor) -> float:
    """Fraction of variance unexplained: Σ‖h − ĥ‖² / Σ‖h − mean(h)‖², sums over samples, ``h`` and
    ``h_hat`` ``[samples, m]``. 0 for a perfect reconstruction, 1 for reconstructing the mean."""
    _check_samples("h", h)
    if h.shape != h_hat.shape:
        raise ValueError(f"h {tuple(h.shape)} and h_hat {tuple(h_hat.shape)} must have the same shape")
    total = (h - h.mean(dim=0)).pow(2).sum()
    if total == 0:
        raise ValueError("h has no variance over the samples, so FVU is undefined")
    return ((h - h_hat).pow(2).sum() / total).item()


def shrinkage(h: torch.Tensor, h_hat: torch.Tensor) -> float:
    """Mean over the samples with ‖h‖ > 0 of ‖ĥ‖ / ‖h‖, ``h`` and ``h_hat`` ``[samples, m]``. 1 is no
    shrinkage; an L1 penalty pulls codes towards 0, so L1 SAEs score below 1."""
    _check_samples("h", h)
    if h.shape != h_hat.shape:
        raise ValueError(f"h {tuple(h.shape)} and h_hat {tuple(h_hat.shape)} must have the same shape")
    norm = h.norm(dim=1)
    active = norm > 0
    if not active.any():
        raise ValueError("every sample of h is zero, so shrinkage is undefined")
    return (h_hat.norm(dim=1)[active] / norm[active]).mean().item()


def _ratio(num: torch.Tensor, den: torch.Tensor) -> torch.Tensor:
    """num / den with 0 where den is 0 (num is 0 there too: counts, or precision + recall)."""
    positive = den > 0
    return torch.where(positive, num / torch.where(positive, den, torch.ones_like(den)), torch.zeros_like(num))


def detection(codes: torch.Tensor, acts: torch.Tensor, match: torch.Tensor) -> dict[str, torch.Tensor | float]:
    """Each matched latent as a classifier of its feature: latent ``match[i]`` firing (code != 0)
    predicts feature i active (act > 0), over the samples of ``codes [samples, d]`` and ``acts [samples, n]``;
    ``match [n]`` as returned by ``mcc`` (-1: unmatched).

    Returns per-feature ``precision``, ``recall``, ``f1`` ``[n]`` (NaN where unmatched) and their means
    over the matched features ``precision_mean``, ``recall_mean``, ``f1_mean`` (floats; NaN if none is
    matched). 0 / 0 counts as 0: a latent that never fires has precision 0, a feature never active
    recall 0, and F1 is 0 when precision and recall both are. Unlike SAELens' classification metrics
    (every latent against its best-|cos| feature, many-to-one), this scores each true feature once,
    through the one-to-one matching."""
    active = _active(acts)
    _check_dim("codes", codes, 0, "acts", acts, 0)
    if match.ndim != 1 or match.shape[0] != acts.shape[1]:
        raise ValueError(f"match {tuple(match.shape)} must have one entry per feature of acts {tuple(acts.shape)}")
    if match.dtype.is_floating_point or match.dtype == torch.bool:
        raise ValueError(f"match must be an integer tensor; got {match.dtype}")
    if ((match < -1) | (match >= codes.shape[1])).any():
        raise ValueError(f"match entries must be -1 or latent indices in [0, {codes.shape[1]}); got {match.tolist()}")
    matched = match >= 0
    fires = (codes != 0)[:, match.clamp_min(0).to(codes.device)]
    tp = (fires & active).sum(dim=0).double()
    fp = (fires & ~active).sum(dim=0).double()
    fn = (~fires & active).sum(dim=0).double()
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = _ratio(2 * precision * recall, precision + recall)
    out: dict[str, torch.Tensor | float] = {}
    for key, value in (("precision", precision), ("recall", recall), ("f1", f1)):
        value = value.masked_fill(~matched.to(value.device), math.nan)
        out[key] = value
        out[f"{key}_mean"] = value[matched].mean().item() if matched.any() else math.nan
    return out


def absorption(codes: torch.Tensor, acts: torch.Tensor, parent: int, children: list[int], parent_latent: int) -> float:
    """Feature absorption (after Chanin et al. 2024, "A is for Absorption"): in a hierarchy a child
    feature implies its parent, and an SAE trained for sparsity may let the child's latent absorb the
    parent's direction, so the parent's latent goes silent exactly when a child is active.

    Measured on ``codes [samples, d]`` and ``acts [samples, n]``: the fraction of samples with any of
    ``children`` active on which ``parent_latent`` is silent (code == 0), minus the latent's baseline
    miss rate (the same fraction over samples with ``parent`` active and no child active), clipped at 0.
    NaN when either set of samples is empty. This is a firing-based version for known features; the
    paper's own metric works from probe directions on a language model."""
    active = _active(acts)
    _check_dim("codes", codes, 0, "acts", acts, 0)
    n = acts.shape[1]
    _check_index("parent", parent, n)
    _check_index("parent_latent", parent_latent, codes.shape[1])
    if not isinstance(children, (list, tuple)) or not children:
        raise ValueError(f"children must be a non-empty list of feature indices; got {children!r}")
    for child in children:
        _check_index("children entries", child, n)
    if parent in children:
        raise ValueError(f"parent {parent} must not be one of its children {list(children)}")
    child = active[:, list(children)].any(dim=1)
    alone = active[:, parent] & ~child
    if not child.any() or not alone.any():
        return math.nan
    silent = (codes[:, parent_latent] == 0).to(child.device)
    miss_child = silent[child].float().mean().item()
    miss_alone = silent[alone].float().mean().item()
    return max(0.0, miss_child - miss_alone)


def scorecard(
    features: torch.Tensor,
    acts: torch.Tensor,
    atoms: torch.Tensor,
    codes: torch.Tensor,
    h: torch.Tensor,
    h_hat: torch.Tensor,
) -> dict[str, float]:
    """Every scalar score in one flat dict: mmcs, mcc, dead, dense, l0, true_l0, fvu, shrinkage, and the
    means of ``detection``'s precision, recall and f1 under the MCC matching. Shapes: ``features [n, m]``,
    ``acts [samples, n]``, ``atoms [d, m]``, ``codes [samples, d]``, ``h`` and ``h_hat [samples, m]``."""
    _check_dim("features", features, 0, "acts", acts, 1)
    _check_dim("atoms", atoms, 0, "codes", codes, 1)
    _check_dim("acts", acts, 0, "codes", codes, 0)
    _check_dim("codes", codes, 0, "h", h, 0)
    _check_dim("features", features, 1, "h", h, 1)
    value, match = mcc(features, atoms)
    found = detection(codes, acts, match)
    return {
        "mmcs": mmcs(features, atoms),
        "mcc": value,
        "dead": dead_fraction(codes),
        "dense": dense_fraction(codes),
        "l0": l0(codes),
        "true_l0": true_l0(acts),
        "fvu": fvu(h, h_hat),
        "shrinkage": shrinkage(h, h_hat),
        "precision": found["precision_mean"],
        "recall": found["recall_mean"],
        "f1": found["f1_mean"],
    }
