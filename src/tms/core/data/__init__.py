"""The data sources a model trains on, one module each: independent sparse features
(``sparse``: ``SparseFeatures``, ``importance_decay``), unit-norm points and fixed finite training
sets of them (``finite``: ``UnitNorm``, ``FiniteFeatures``), correlated and anticorrelated feature sets
(``correlated``: ``CorrelatedFeatures``), and dense standard-normal inputs (``gaussian``:
``GaussianInputs``, for the x·y MLP). Every source has the same interface (``shape``, ``to``,
``batch``, ``sample``): ``x [inst, batch, n]`` is a view of a feature-major buffer."""

from __future__ import annotations

from tms.core.data.correlated import CorrelatedFeatures
from tms.core.data.finite import FiniteFeatures, UnitNorm
from tms.core.data.gaussian import GaussianInputs
from tms.core.data.sparse import SparseFeatures, check_density, importance_decay

__all__ = [
    "CorrelatedFeatures",
    "FiniteFeatures",
    "GaussianInputs",
    "SparseFeatures",
    "UnitNorm",
    "check_density",
    "importance_decay",
]
