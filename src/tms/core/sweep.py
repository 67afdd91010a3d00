"""The sweep of an experiment: a grid of points over named axes, each point trained ``replicas`` times.

An axis is a setting of the experiment (its key in a config and in a run's spec, e.g. ``densities``)
whose values become a column of the instance table (``density``). The points are the product of
the axes an experiment sets, in ``AXES`` order (so density-major: with densities d and relative
importances r, point ``p`` has ``d[p // len(r)]`` and ``r[p % len(r)]``). Instance ``k`` belongs to
point ``k // replicas`` and replica ``k % replicas``; keeping every replica lets analyses choose
their aggregation (best of k, drop the worst, ...).

In a config an axis is a list, or ``{logspace: [first, last, num]}`` (``num`` values evenly spaced in
log from ``first`` to ``last``, both included). What an axis does to the data is the experiment's
business (``tms.core.experiments``); adding an axis is one entry here plus that effect.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from tms.core.validation import is_finite_number, is_int, is_number


@dataclass(frozen=True)
class Axis:
    """One sweep axis: the experiment's ``setting``, the instance table's ``column``."""

    setting: str
    column: str
    integer: bool = False  # sizes (counts) rather than real values
    upper: float = math.inf  # values lie in (0, upper]


AXES = (
    Axis("densities", "density", upper=1.0),  # every feature's density (paper §2: sparsity S = 1 - density)
    Axis("relative_importance", "relative_importance"),  # the last feature's importance, the others' 1
    Axis("relative_density", "relative_density"),  # the last feature's density over the others'
    Axis("train_set_sizes", "train_size", integer=True),  # finite data: training points per instance
)
SETTINGS = tuple(axis.setting for axis in AXES)


def axis_values(key: str, axis: Axis, value) -> tuple:
    """Axis ``axis`` of experiment setting ``key`` as a tuple: a list, or ``{logspace: [...]}``."""
    if isinstance(value, dict) and not axis.integer:
        value = logspace(key, value)

    def valid(v) -> bool:
        return is_int(v) and v >= 1 if axis.integer else is_finite_number(v) and 0 < v <= axis.upper

    listed = not isinstance(value, (str, bytes, dict)) and hasattr(value, "__len__") and len(value)
    if not listed or not all(valid(v) for v in value):
        bound = "in (0, 1]" if axis.upper == 1 else "> 0"
        kind = "integers >= 1" if axis.integer else f"finite values {bound} or {{logspace: [first, last, num]}}"
        raise ValueError(f"{key} must be a non-empty list of {kind}; got {value!r}")
    return tuple(int(v) if axis.integer else float(v) for v in value)


def logspace(key: str, value: dict) -> list[float]:
    """``{logspace: [first, last, num]}``: ``num`` values evenly spaced in log, both ends included."""
    spec = value.get("logspace")
    ok = (
        set(value) == {"logspace"}
        and isinstance(spec, (list, tuple))
        and len(spec) == 3
        and all(is_number(v) for v in spec)
        and spec[0] > 0
        and spec[1] > 0
        and is_int(spec[2])
        and spec[2] >= 1
    )
    if not ok:
        raise ValueError(f"{key} must be a list or {{logspace: [first > 0, last > 0, num >= 1]}}; got {value!r}")
    first, last, num = spec
    return [float(v) for v in np.logspace(math.log10(first), math.log10(last), num)]


def grid(axes: dict[str, tuple]) -> list[dict]:
    """The points of the axes set in ``axes`` (setting -> values): ``{column: value}`` per point,
    the product in ``AXES`` order."""
    present = [axis for axis in AXES if axes.get(axis.setting) is not None]
    return [
        {axis.column: v for axis, v in zip(present, values, strict=True)}
        for values in itertools.product(*(axes[axis.setting] for axis in present))
    ]


def instance_table(points: list[dict], replicas: int) -> dict[str, list]:
    """Per instance: ``point``, ``replica`` and each axis's value (``[points × replicas]`` each)."""
    k = range(len(points) * replicas)
    table = {"point": [i // replicas for i in k], "replica": [i % replicas for i in k]}
    for column in points[0]:
        table[column] = [points[i // replicas][column] for i in k]
    return table
