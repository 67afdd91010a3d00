"""tms.core.validation: integers and numbers exclude bools; check_positive_int names the key and the value."""

from __future__ import annotations

import math

import pytest

from tms.core.validation import check_positive_int, is_finite_number, is_int, is_number


def test_ints_and_numbers_exclude_bools():
    assert is_int(3) and not is_int(True) and not is_int(3.0)
    assert is_number(3) and is_number(0.5) and not is_number(False) and not is_number("1")
    assert is_finite_number(1e300) and not is_finite_number(math.inf) and not is_finite_number(math.nan)


@pytest.mark.parametrize("value", [0, -2, 1.5, True, "3", None])
def test_check_positive_int_names_key_and_value(value):
    with pytest.raises(ValueError, match=rf"recipe\.steps must be a positive integer; got {value!r}"):
        check_positive_int("recipe.steps", value)
    check_positive_int("recipe.steps", 1)
