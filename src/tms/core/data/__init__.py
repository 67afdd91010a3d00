"""The data sources a model trains on, one module each: independent sparse features
(``sparse``: ``SparseFeatures``, ``importance_decay``), correlated and anticorrelated feature sets
(``correlated``: ``CorrelatedFeatures``), and dense standard-normal inputs (``gaussian``:
``GaussianInputs``, for the x·y MLP). Every source has the same interface (``shape``, ``to``,
``batch``, ``sample``): ``x [inst, batch, n]`` is a view of a feature-major buffer."""

from __future__ import annotations

from tms.core.data.correlated import CorrelatedFeatures
from tms.core.data.gaussian import GaussianInputs
from tms.core.data.sparse import SparseFeatures, check_density, importance_decay

__all__ = ["CorrelatedFeatures", "GaussianInputs", "SparseFeatures", "check_density", "importance_decay"]
