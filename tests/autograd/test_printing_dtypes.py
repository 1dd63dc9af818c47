"""format_tensor for float32, float16, integer and bool tensors, digit for digit as torch 2.13.

The literal strings hold without torch (they were printed by torch 2.13); the marked test sweeps
magnitudes, shapes and print options against torch itself.
"""

from __future__ import annotations

import numpy as np
import pytest

from gradcalc.autograd.printing import format_tensor


def _ours(values: np.ndarray, **options) -> str:
    name = None
    if values.dtype.kind == "f" and values.dtype != np.float32:
        name = f"torch.{values.dtype.name}"  # float32 is the default dtype: no suffix
    return format_tensor(values, dtype_name=name, **options)


@pytest.mark.parametrize(
    ("values", "options", "expected"),
    [
        (np.array([0.1, 0.2, 0.3], np.float32), {"precision": 8}, "tensor([0.10000000, 0.20000000, 0.30000001])"),
        (np.array(3.3049473762512207, np.float32), {"precision": 10}, "tensor(3.3049473763)"),
        (np.array([16777217, 3, -5], np.float32), {}, "tensor([ 1.6777e+07,  3.0000e+00, -5.0000e+00])"),
        (np.array([0.1, 6e4], np.float16), {}, "tensor([9.9976e-02, 6.0000e+04], dtype=torch.float16)"),
        (np.array([5.96e-8, 1.0], np.float16), {}, "tensor([5.9605e-08, 1.0000e+00], dtype=torch.float16)"),
        (np.array([1 / 3, 2 / 3], np.float16), {"sci_mode": True}, "tensor([3.3325e-01, 6.6650e-01], dtype=torch.float16)"),
        (np.zeros((0, 3), np.float16), {}, "tensor([], size=(0, 3), dtype=torch.float16)"),
        (np.array([1, -2], np.int8), {}, "tensor([ 1, -2], dtype=torch.int8)"),
        (np.array([200, 3], np.uint8), {}, "tensor([200,   3], dtype=torch.uint8)"),
        (np.zeros((2, 0), np.bool_), {}, "tensor([], size=(2, 0), dtype=torch.bool)"),
    ],
)  # fmt: skip
def test_literal_strings_printed_by_torch(values, options, expected):
    assert _ours(values, **options) == expected


def _datasets():
    rng = np.random.default_rng(0)
    sets = []
    for dtype in (np.float32, np.float16):
        for scale in (1e-8, 1e-5, 1e-3, 0.1, 1, 3.7, 100, 1e4, 1e5, 1e8, 1e12):
            if dtype == np.float16 and not 1e-7 < scale < 6e4:
                continue
            for shape in [(), (1,), (5,), (3, 4), (2, 3, 4), (40, 30), (2000,)]:
                sets.append(np.asarray(rng.standard_normal(shape) * scale).astype(dtype))
            sets.append(np.round(rng.standard_normal((4, 5)) * scale).astype(dtype))
        sets.append(np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.5], dtype))
        sets.append(np.array([1e-9, 1.0, 2.0], dtype))
        sets.append((np.arange(2000) * 0.1).astype(dtype))
        sets.append(np.zeros(0, dtype))
    for dtype in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.bool_):
        sets.append(rng.integers(-100, 100, (3, 4)).astype(dtype))
        sets.append(rng.integers(0, 100, 2000).astype(dtype))
        sets.append(np.array(5).astype(dtype))
        sets.append(np.zeros((2, 0), dtype))
    return sets


@pytest.mark.torch
def test_many_dtypes_and_options_like_torch(torch_module):
    torch = torch_module
    old_dtype = torch.get_default_dtype()
    old_options = torch._tensor_str.get_printoptions()
    torch.set_default_dtype(torch.float32)
    failures = []
    try:
        for values in _datasets():
            for options in ({}, {"sci_mode": True}, {"sci_mode": False}, {"precision": 2},
                            {"precision": 8, "sci_mode": False}, {"linewidth": 40}):  # fmt: skip
                torch.set_printoptions(**options)
                expected = repr(torch.from_numpy(np.array(values)))
                torch.set_printoptions(**old_options)
                if _ours(values, **options) != expected:
                    failures.append(f"{values.dtype} {values.shape} {options}:\n{expected}")
    finally:
        torch.set_default_dtype(old_dtype)
        torch.set_printoptions(**old_options)
    assert not failures, "\n".join(failures[:5])
