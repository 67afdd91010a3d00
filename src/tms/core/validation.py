"""Checks of configured values, shared by the recipe, the experiments, the SAE spec, the data
sources and the robustness variants. A bool is not a number here, though Python counts it as
an int."""

from __future__ import annotations

import math


def is_int(value) -> bool:
    """An ``int`` that is not a ``bool``."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value) -> bool:
    """An ``int`` or ``float`` that is not a ``bool``."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_finite_number(value) -> bool:
    """A number (``is_number``) that is neither infinite nor NaN."""
    return is_number(value) and math.isfinite(value)


def check_positive_int(key: str, value) -> None:
    """Raise ``ValueError`` naming ``key`` and ``value`` unless ``value`` is an integer >= 1."""
    if not is_int(value) or value < 1:
        raise ValueError(f"{key} must be a positive integer; got {value!r}")
