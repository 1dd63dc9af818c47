"""``--set NAME=VALUE`` values: a list is the session's float dtype at full precision (a
list once went through PyTorch's float32 default), and is bounded like the program."""

from __future__ import annotations

import numpy as np
import pytest

from gradcalc.errors import GradcalcError
from gradcalc.interpreter import Session


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_a_list_keeps_the_sessions_dtype_and_digits(dtype):
    session = Session(dtype=dtype)
    session.bind("x", "[0.0, 1, 1.000001, True]")
    x = session.globals["x"]
    assert x.array.dtype == np.dtype(dtype) and x.requires_grad
    np.testing.assert_array_equal(x.array, np.array([0.0, 1.0, 1.000001, 1.0], dtype=dtype))


def test_a_value_is_bounded_by_the_sessions_element_limit():
    session = Session(max_elements=50)
    with pytest.raises(GradcalcError, match="exceeds the limit of 50"):
        session.bind("x", "ones(100, 100)")
