"""Synthetic sparse features (paper §0 "Common setup", #demonstrating-setup).

Each feature x_i is 0 with probability S (sparsity) and otherwise drawn from U[0, 1]
(or U[-1, 1] for the signed variant used by the abs-value task, #computation).
In code we speak of the *density* p = 1 - S. Tensors are instance-major:
``x`` has shape ``[inst, batch, n]``; it is stored feature-major (``[inst, n, batch]``) because
the models' batched matmuls run fastest with the long batch axis last (see ``tms.core.models``).
"""

from __future__ import annotations

import math

import torch


def check_density(density: torch.Tensor) -> None:
    """Raise ``ValueError`` unless every density lies in (0, 1]."""
    if not torch.is_tensor(density) or density.dim() != 2:
        raise ValueError("density must be a tensor of shape [inst, n_features]")
    if not bool(((density > 0) & (density <= 1)).all()):
        bad = density[~((density > 0) & (density <= 1))][0].item()
        raise ValueError(f"density must lie in (0, 1]; got {bad}")


def importance_decay(n: int, decay: float) -> torch.Tensor:
    """Importance I_i = decay**i, shape ``[n]`` (feature 0 most important)."""
    if n < 1:
        raise ValueError(f"n_features must be >= 1; got {n}")
    if not 0 < decay <= 1:
        raise ValueError(f"importance decay must lie in (0, 1]; got {decay}")
    return decay ** torch.arange(n, dtype=torch.float32)


# A row whose highest density is above this is drawn densely (one uniform per entry); below it,
# only its candidate non-zeros are drawn (geometric gaps), which is cheaper when few are active.
GAP_SAMPLING_BELOW = 0.25
# Sparse rows at least this dense compute their gaps in float32 (see ``SparseFeatures._gaps``).
FLOAT32_GAPS_FROM = 0.05
# The float32 just below −1: ``threshold_`` keeps w > it, which is w ≥ −1 (see ``_dense_into``).
BELOW_MINUS_ONE = -1.0 - 2.0**-23
# Gap draws per row: mean + MARGIN standard deviations + 16, so a second round is rarely needed.
MARGIN = 6.0


class SparseFeatures:
    """Independent sparse uniform features with a density per instance and feature.

    Sampling is exact and costs about one uniform per *active* entry:

    * dense rows (highest density q > ``GAP_SAMPLING_BELOW``): one uniform u ~ U(0, 1] per
      entry gives both the mask and the value, active iff u ≤ p, value u / p ~ U(0, 1] (the
      two-draw recipe's distribution with half the random numbers);
    * sparse rows: the active positions of a row (flattened over ``[n, batch]``) form a
      Bernoulli(q) process, so the gaps between them are Geometric(q). One uniform u per
      candidate gives e = log(1 − u) / log(1 − q) ~ Exponential, the gap G = ⌊e⌋ + 1 and,
      because the fractional part F = e − ⌊e⌋ of an exponential is independent of its integer
      part, also the value V = 1 − (1 − (1 − q)^F) / q ~ U(0, 1]. A feature with p < q keeps a
      candidate iff V ≤ p / q (thinning), and then V q / p ~ U(0, 1] is its value.

    Active values are never exactly 0, so ``x != 0`` is the set of active features.
    Values have the resolution of float32 uniforms (2⁻²⁴ before scaling), in both paths.

    Args:
        density: ``[inst, n]`` probability that each feature is non-zero.
        signed: draw active values from U[-1, 1] instead of U[0, 1].
    """

    def __init__(self, density: torch.Tensor, signed: bool = False):
        check_density(density)
        self.density = density.to(torch.float32)
        self.signed = signed
        self.rate = self.density.amax(1)  # [inst] candidate rate q of each row
        self._thin = bool((self.density < self.rate[:, None]).any())
        # Rows sharing a rate are drawn together; fixed per source, so found once, not per draw.
        self._groups = [(q, (self.rate == q).nonzero().flatten()) for q in self.rate.unique().tolist()]
        # A group of consecutive rows (a density-major sweep's are) is drawn densely straight into the batch.
        self._spans = [_span(rows) for _, rows in self._groups]
        self._dense = [q > GAP_SAMPLING_BELOW for q, _ in self._groups]

    @property
    def shape(self) -> tuple[int, int]:
        return tuple(self.density.shape)

    def to(self, device) -> "SparseFeatures":
        return SparseFeatures(self.density.to(device), self.signed)

    def batch(self, batch: int) -> "Batch":
        """A reusable buffer for ``sample(batch, generator, out=...)`` (the training loop's path)."""
        return Batch(self, batch)

    def sample(self, batch: int, generator: torch.Generator | None = None, out: "Batch | None" = None) -> torch.Tensor:
        """Return ``x`` of shape ``[inst, batch, n]``: a view of a feature-major ``[inst, n, batch]``
        tensor, so ``x.transpose(1, 2)`` is contiguous (the layout the models compute in).

        With ``out`` (from ``self.batch(batch)``) the draw rewrites that buffer in place and
        returns its view; the caller must not keep the previous batch.
        """
        if out is None:
            out = self.batch(batch)
        elif out.features is not self or out.x.shape[1] != batch:
            raise ValueError(f"out must come from this SparseFeatures' batch({batch})")
        index, value = [], []
        if not all(self._dense):
            out.xt.zero_()
        for (q, rows), span, dense in zip(self._groups, self._spans, self._dense, strict=True):
            if dense and span is not None:
                self._dense_into(out.xt[span], self.density[span], generator)
            elif dense:
                out.xt.index_copy_(0, rows, self._draw_dense(rows, batch, generator))
            else:
                i, v = self._gaps(rows, q, batch, generator)
                index.append(i)
                value.append(v)
        if index:
            out._flat.index_copy_(0, _cat(index), _cat(value))  # repeats only at the spare slot
        return out.x

    def _value(self, u: torch.Tensor) -> torch.Tensor:
        """An active feature's value from u ~ U(0, 1]: u, or 2u − 1 for the signed variant."""
        return u.mul_(2).sub_(1) if self.signed else u

    def _draw_dense(self, rows, batch, generator) -> torch.Tensor:
        """Rows ``[r, n, batch]`` (feature-major) by the one-draw trick."""
        x = torch.empty(len(rows), self.density.shape[1], batch, device=self.density.device)
        return self._dense_into(x, self.density[rows], generator)

    def _dense_into(self, x: torch.Tensor, density: torch.Tensor, generator) -> torch.Tensor:
        """Fill ``x [r, n, batch]`` by the one-draw trick, in place (``density [r, n]``): the same
        numbers, bit for bit, as drawing ``torch.rand`` of that shape (which is ``uniform_`` on a
        new tensor) and selecting, in four float passes and no temporaries of its size.

        It works on the negated value w = −(u / p) (u = 1 − uniform ~ U(0, 1]): ``uniform − 1`` is
        exactly −u, and IEEE rounding is symmetric, so every step equals the negation of the
        unsigned computation. The test u ≤ p is w ≥ −1: for float32 p, u > p means u/p ≥ 1 + 2⁻²³
        after rounding (ulp(p)/p > 2⁻²⁴), so no dropped entry rounds onto 1; likewise 2u/p − 1 ≤ 1
        iff u ≤ p. ``threshold_`` zeroes the rest, and 0 − w restores the sign (and turns −0 into 0).
        A boolean mask and ``masked_fill_`` did the same 5× slower (one thread: 11.4 → 2.3 ms for 1.8
        million entries)."""
        return self._select(x.uniform_(0, 1, generator=generator), density)

    def _select(self, x: torch.Tensor, density: torch.Tensor) -> torch.Tensor:
        """``_dense_into``'s selection, in place, of uniforms ``x [r, n, batch]`` in [0, 1)."""
        x.sub_(1).div_(density[:, :, None])  # −u / p
        if self.signed:
            x.mul_(2).add_(1)  # −(2u / p − 1)
        torch.nn.functional.threshold_(x, BELOW_MINUS_ONE, 0.0)  # keep w > the float below −1: u ≤ p
        return torch.sub(torch.zeros((), device=x.device), x, out=x)

    def _gaps(self, rows, q, batch, generator) -> tuple[torch.Tensor, torch.Tensor]:
        """Rows of candidate rate ``q`` as flat indices into ``[inst, n, batch]`` and values.

        Positions run over a row's ``n * batch`` entries feature-major; entries are independent,
        so the order in which the Bernoulli process visits them does not change the distribution.
        An index equal to ``inst * n * batch`` is a discarded candidate (``Batch`` keeps a spare
        slot for it), so no compaction pass is needed.

        Precision: the value comes from the fractional part of e, whose absolute error is about
        e · eps. Rows with q ≥ ``FLOAT32_GAPS_FROM`` (e rarely above a few hundred, error
        ≲ 1e-5, typically 1e-6) are computed in float32, sparser ones in float64; positions are
        integers summed exactly in either (float32 only for rows shorter than 2**24).
        """
        inst, n = self.density.shape
        length, trash = n * batch, inst * n * batch
        log_keep = math.log1p(-q)
        dtype = torch.float32 if q >= FLOAT32_GAPS_FROM and length < 2**24 else torch.float64
        start = torch.zeros(len(rows), dtype=dtype, device=rows.device)  # next free position
        indices, values = [], []
        while True:  # a second round only for rows whose gaps fell short of the end (rare)
            todo = (start < length).nonzero().flatten()
            if len(todo) == 0:
                break
            remaining = int((length - start[todo]).max())
            mean = q * remaining
            k = max(1, min(remaining, math.ceil(mean + MARGIN * math.sqrt(mean * (1 - q)) + 16)))
            u = torch.rand(len(todo), k, generator=generator, device=rows.device)
            e = u.to(dtype).neg_().log1p_().div_(log_keep)  # Exponential / rate, >= 0
            gap = torch.floor(e)
            value = e.sub_(gap).mul_(log_keep).float().expm1_().div_(q).add_(1)  # (0, 1]
            # position j = start + sum_{i <= j} (gap_i + 1) - 1
            gap[:, 0] += start[todo] - 1
            pos = gap.add_(1).cumsum_(1)
            start[todo] = pos[:, -1] + 1
            inside = pos < length
            if self._thin:
                feature = pos.clamp(max=length - 1).div_(batch, rounding_mode="floor").long()
                keep = (self.density[rows[todo]] / q).gather(1, feature)  # p / q of each candidate's feature
                inside &= value <= keep
                value = value.div_(keep)
            index = pos.long().add_(rows[todo, None] * length).masked_fill_(~inside, trash)
            indices.append(index.flatten())
            values.append(self._value(value).flatten())
        return _cat(indices), _cat(values)


def _span(rows: torch.Tensor) -> slice | None:
    """``rows`` as a slice when they are consecutive (``None`` otherwise)."""
    start = int(rows[0])
    consecutive = bool((rows == torch.arange(start, start + len(rows), device=rows.device)).all())
    return slice(start, start + len(rows)) if consecutive else None


def _cat(tensors: list[torch.Tensor]) -> torch.Tensor:
    return tensors[0] if len(tensors) == 1 else torch.cat(tensors)


class Batch:
    """A reusable ``x [inst, batch, n]`` for ``SparseFeatures.sample``, stored feature-major
    (``xt [inst, n, batch]``, ``x = xt.transpose(1, 2)``), plus one spare slot.

    A draw zeroes the whole buffer (one memset, cheaper than clearing the previous draw's
    entries by index) and then writes the dense rows and the sparse rows' active entries.
    """

    def __init__(self, features: SparseFeatures, batch: int):
        inst, n = features.shape
        self.features = features
        self._flat = torch.zeros(inst * n * batch + 1, device=features.density.device)
        self.xt = self._flat[:-1].view(inst, n, batch)
        self.x = self.xt.transpose(1, 2)
