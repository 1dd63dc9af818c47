"""format_tensor / format_size against PyTorch's own repr, digit for digit.

The literal-string tests hold without torch; the rest build the same tensor in torch
(default dtype float64, so our float64 data has torch's float64 digits) and compare.
"""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gradcalc.autograd.printing import format_size, format_tensor

# ---------------------------------------------------------------- literal strings


@pytest.mark.parametrize(
    ("data", "kwargs", "expected"),
    [
        (
            np.array([[1.0, 2, 3], [4, 5, 6]]),
            {"requires_grad": True},
            "tensor([[1., 2., 3.],\n        [4., 5., 6.]], requires_grad=True)",
        ),
        (np.array(9.0), {"grad_fn_name": "MeanBackward0"}, "tensor(9., grad_fn=<MeanBackward0>)"),
        (
            np.full((2, 3), 1 / 3),
            {},
            "tensor([[0.3333, 0.3333, 0.3333],\n        [0.3333, 0.3333, 0.3333]])",
        ),
        (np.array([True, False]), {}, "tensor([ True, False])"),
        (np.array([1, 2, 3]), {}, "tensor([1, 2, 3])"),
        (np.zeros((0, 3)), {}, "tensor([], size=(0, 3))"),
        (np.zeros(0), {}, "tensor([])"),
        (np.zeros(0, dtype=np.int64), {}, "tensor([], dtype=torch.int64)"),
        (np.array([1e-5, 1.0]), {}, "tensor([1.0000e-05, 1.0000e+00])"),
        (np.array([1e9]), {}, "tensor([1.0000e+09])"),
        (np.array([123456.789]), {}, "tensor([123456.7890])"),
        (np.array([np.nan, np.inf, -np.inf, -0.0, 2.0]), {}, "tensor([nan, inf, -inf, -0., 2.])"),
        # torch sizes columns on nonzero values only, so a -0. may stick out
        (np.array([0.5, -0.0]), {}, "tensor([0.5000, -0.0000])"),
        (np.array([0.0, 0.0]), {}, "tensor([0., 0.])"),
        (np.array(np.nan), {}, "tensor(nan)"),
        (
            np.array([1.0, 2.0]),
            {"dtype_name": "torch.float32"},
            "tensor([1., 2.], dtype=torch.float32)",
        ),
        (
            np.array([1.0, 2.0]),
            {"dtype_name": "torch.float32", "grad_fn_name": "AddBackward0"},
            "tensor([1., 2.], dtype=torch.float32, grad_fn=<AddBackward0>)",
        ),
        (
            np.array([1.0, 2.0]),
            {"grad_fn_name": "X", "requires_grad": True},
            "tensor([1., 2.], grad_fn=<X>)",
        ),
        (np.array([1 / 3]), {"precision": 2}, "tensor([0.33])"),
        (np.array([1 / 3]), {"precision": 8}, "tensor([0.33333333])"),
        (np.array([1, 2], dtype=np.int32), {}, "tensor([1, 2], dtype=torch.int32)"),
        (np.array(True), {}, "tensor(True)"),
    ],
)
def test_literal_strings(data, kwargs, expected):
    assert format_tensor(data, **kwargs) == expected


def test_literal_summarised_vector():
    assert format_tensor(np.arange(2000)) == "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])"


def test_literal_wrapped_row():
    # 20 two-char-plus-dot elements of width 4 (+2 separator): 12 fit in 80 - 7 columns
    text = format_tensor(np.arange(20.0) + 10)
    assert text == (
        "tensor([10., 11., 12., 13., 14., 15., 16., 17., 18., 19., 20., 21., 22., 23.,\n"
        "        24., 25., 26., 27., 28., 29.])"
    )


def test_literal_3d_blank_line_between_blocks():
    assert format_tensor(np.arange(8).reshape(2, 2, 2)) == (
        "tensor([[[0, 1],\n         [2, 3]],\n\n        [[4, 5],\n         [6, 7]]])"
    )


def test_format_size():
    assert format_size((2, 3)) == "torch.Size([2, 3])"
    assert format_size(()) == "torch.Size([])"
    assert format_size(np.zeros((0, 4, 1)).shape) == "torch.Size([0, 4, 1])"


def test_rejects_complex():
    with pytest.raises(TypeError):
        format_tensor(np.array([1j]))


# ---------------------------------------------------------------- against torch


@contextlib.contextmanager
def torch_print_env(torch, **printoptions):
    """float64 default dtype and the given print options, restored afterwards."""
    old_dtype = torch.get_default_dtype()
    old_options = torch._tensor_str.get_printoptions()
    torch.set_default_dtype(torch.float64)
    torch.set_printoptions(**printoptions)
    try:
        yield
    finally:
        torch.set_default_dtype(old_dtype)
        torch.set_printoptions(**old_options)


def torch_repr(torch, data: np.ndarray, **printoptions) -> str:
    with torch_print_env(torch, **printoptions):
        return repr(torch.tensor(data))


def assert_like_torch(torch, data, **printoptions):
    data = np.asarray(data)
    expected = torch_repr(torch, data, **printoptions)
    assert format_tensor(data, **printoptions) == expected


_rng = np.random.default_rng(2024)

HAND_PICKED = {
    "int_valued_2x3": np.array([[1.0, 2, 3], [4, 5, 6]]),
    "thirds": np.full((2, 3), 1 / 3),
    "scalar": np.array(9.0),
    "negative_scalar": np.array(-2.5),
    "scalar_tiny": np.array(1e-7),
    "scalar_neg_zero": np.array(-0.0),
    "integers_big": np.array([1.0, 10, 100, 1000, 10000]),
    "mixed_magnitudes": np.array([0.001, 1.0, 2.5]),
    "ratio_just_over_1000": np.array([1.0, 1000.5]),
    "ratio_exactly_1000": np.array([1.0, 1000.0]),
    "tiny": np.array([1e-5]),
    "threshold_1e-4": np.array([1e-4, 2e-4]),
    "huge": np.array([1e9]),
    "threshold_1e8": np.array([1e8, 1.5e8]),
    "int_valued_huge": np.array([1e8 + 1, 3.0]),
    "123456.789": np.array([123456.789]),
    "negatives": np.array([-1.5, 2.25, -3.125]),
    "nan_inf": np.array([np.nan, np.inf, -np.inf, 1.5]),
    "nan_inf_int_mode": np.array([np.nan, -np.inf, 3.0]),
    "nan_inf_sci": np.array([np.nan, np.inf, 1e-9, 2.0]),
    "only_nonfinite": np.array([np.nan, np.inf]),
    "neg_zero": np.array([-0.0, 0.0, 1.0]),
    "neg_zero_fixed": np.array([-0.0, 0.5]),
    "all_zero": np.zeros((2, 2)),
    "empty_0x3": np.zeros((0, 3)),
    "empty_1d": np.zeros(0),
    "empty_3d": np.zeros((2, 0, 4)),
    "long_row_wraps": np.arange(50) / 7,
    "long_int_row_wraps": np.arange(60.0),
    "long_sci_row_wraps": np.logspace(-10, 10, 30),
    "3d": _rng.normal(size=(2, 3, 4)),
    "4d": _rng.normal(size=(2, 2, 3, 2)),
    "summarised_1d": _rng.normal(size=1001),
    "summarised_rows": _rng.normal(size=(1001, 2)),
    "summarised_cols": _rng.normal(size=(2, 1001)),
    "summarised_both": _rng.normal(size=(40, 40)),
    "summarised_3d": _rng.normal(size=(11, 11, 11)),
    "summarised_4d": _rng.normal(size=(7, 2, 9, 10)),
    "summarised_hides_big_value": np.concatenate([[1.0], np.full(1000, 1e9), [2.0]]),
    "exactly_1000_not_summarised": np.arange(1000.0).reshape(10, 100),
    "bool": np.array([True, False]),
    "bool_2d": np.array([[True], [False], [True]]),
    "bool_scalar": np.array(False),
    "bool_summarised": _rng.random(1500) < 0.5,
    "bool_empty": np.zeros((0,), dtype=bool),
    "int64": np.array([1, 2, 3]),
    "int64_negative": np.array([[-100, 5], [7, 12345]]),
    "int64_summarised": np.arange(3000).reshape(30, 100),
    "int64_empty_2d": np.zeros((3, 0), dtype=np.int64),
    "int64_scalar": np.array(42),
    "int32": np.array([1, 2], dtype=np.int32),
    "extreme_range": np.array([1e-300, 1e300]),
    "subnormal": np.array([5e-324, 1.0]),
    "max_float": np.array([np.finfo(np.float64).max, -1.0]),
}


@pytest.mark.torch
@pytest.mark.parametrize("name", list(HAND_PICKED))
def test_hand_picked_like_torch(torch_module, name):
    assert_like_torch(torch_module, HAND_PICKED[name])


@pytest.mark.torch
@pytest.mark.parametrize("precision", [0, 1, 2, 8, 10])
@pytest.mark.parametrize(
    "name",
    [
        "thirds",
        "mixed_magnitudes",
        "tiny",
        "huge",
        "123456.789",
        "summarised_both",
        "neg_zero_fixed",
    ],
)
def test_precision_like_torch(torch_module, name, precision):
    assert_like_torch(torch_module, HAND_PICKED[name], precision=precision)


@pytest.mark.torch
@pytest.mark.parametrize(
    "options",
    [
        {"sci_mode": True},
        {"sci_mode": False},
        {"linewidth": 40},
        {"threshold": 10},
        {"edgeitems": 1, "threshold": 5},
        {"edgeitems": 0, "threshold": 5},
        {"threshold": float("inf")},
    ],
)
@pytest.mark.parametrize(
    "name", ["thirds", "mixed_magnitudes", "long_row_wraps", "4d", "summarised_3d", "int64"]
)
def test_printoptions_like_torch(torch_module, name, options):
    assert_like_torch(torch_module, HAND_PICKED[name], **options)


@pytest.mark.torch
@pytest.mark.parametrize(
    "data",
    [
        np.array(3.0),
        np.array([1.5, -2.0]),
        np.arange(6.0).reshape(2, 3),
        np.arange(25) / 3,
        np.zeros((0, 2)),
    ],
    ids=["scalar", "vector", "matrix", "wrapping", "empty"],
)
def test_suffixes_like_torch(torch_module, data):
    torch = torch_module
    with torch_print_env(torch):
        leaf = torch.tensor(data, requires_grad=True)
        result = leaf * 2
        leaf32 = torch.tensor(data, dtype=torch.float32, requires_grad=True)
        result32 = leaf32 + 1
        assert format_tensor(data, requires_grad=True) == repr(leaf)
        name = type(result.grad_fn).__name__
        assert format_tensor(data * 2, grad_fn_name=name) == repr(result)
        assert format_tensor(
            data.astype(np.float32), dtype_name="torch.float32", requires_grad=True
        ) == repr(leaf32)
        name32 = type(result32.grad_fn).__name__
        values32 = result32.detach().numpy()
        assert format_tensor(values32, dtype_name="torch.float32", grad_fn_name=name32) == repr(
            result32
        )


@pytest.mark.torch
def test_suffix_wraps_to_new_line_like_torch(torch_module):
    torch = torch_module
    # a last line long enough that ", grad_fn=<...>" passes column 80
    data = np.arange(13.0) + 10
    with torch_print_env(torch):
        result = torch.tensor(data, requires_grad=True).mean(dim=0, keepdim=True) * torch.ones(13)
        expected = repr(result)
    text = format_tensor(result.detach().numpy(), grad_fn_name=type(result.grad_fn).__name__)
    assert text == expected
    assert "\n       grad_fn=" in text


@pytest.mark.torch
def test_int64_ignores_requested_dtype_like_torch(torch_module):
    # torch shows no dtype for int64 and bool, even when the caller asks for one
    with torch_print_env(torch_module):
        expected = repr(torch_module.tensor([1, 2]))
    assert format_tensor(np.array([1, 2]), dtype_name="torch.int64") == expected


# ---------------------------------------------------------------- property tests

finite_or_special = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.integers(-(10**6), 10**6).map(float),
    st.sampled_from([0.0, -0.0, 1e-5, 1e-4, 1e8, 123456.789, 1 / 3]),
)


@pytest.mark.torch
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=6),
        elements=finite_or_special,
    ),
    precision=st.sampled_from([2, 4, 8]),
)
def test_random_floats_like_torch(data, precision):
    torch = pytest.importorskip("torch")
    assert_like_torch(torch, data, precision=precision)


@pytest.mark.torch
@settings(max_examples=30, deadline=None)
@given(
    data=hnp.arrays(
        st.sampled_from([np.dtype(np.int64), np.dtype(np.bool_)]),
        hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=6),
    )
)
def test_random_ints_and_bools_like_torch(data):
    torch = pytest.importorskip("torch")
    assert_like_torch(torch, data)


def _random_array(seed: int, ndim: int, magnitude: int, kind: str) -> np.ndarray:
    """Arrays too big to draw element by element: shapes up to a few thousand elements."""
    rng = np.random.default_rng(seed)
    sides = rng.integers(1, 14, size=ndim) if ndim > 1 else rng.integers(1, 1600, size=ndim)
    shape = tuple(int(s) for s in sides)
    if kind == "normal":
        return rng.normal(size=shape) * 10.0**magnitude
    if kind == "integral":
        return rng.integers(-1000, 1000, size=shape).astype(np.float64) * 10.0 ** abs(magnitude)
    if kind == "lognormal":
        with np.errstate(over="ignore"):
            return np.exp(rng.normal(size=shape) * 200) * rng.choice([-1.0, 1.0], size=shape)
    values = rng.normal(size=shape) * 10.0**magnitude
    mask = rng.random(size=shape)
    return np.where(
        mask < 0.1, np.nan, np.where(mask < 0.2, -np.inf, np.where(mask < 0.3, -0.0, values))
    )


@pytest.mark.torch
@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    ndim=st.integers(1, 4),
    magnitude=st.integers(-12, 12),
    kind=st.sampled_from(["normal", "integral", "lognormal", "special"]),
)
def test_random_large_arrays_like_torch(seed, ndim, magnitude, kind):
    torch = pytest.importorskip("torch")
    assert_like_torch(torch, _random_array(seed, ndim, magnitude, kind))


@pytest.mark.fuzz
@pytest.mark.torch
def test_fuzz_many_arrays_like_torch(torch_module):
    for seed in range(3000):
        kind = ["normal", "integral", "lognormal", "special"][seed % 4]
        data = _random_array(seed, 1 + seed % 4, seed % 25 - 12, kind)
        for precision in (2, 4):
            assert_like_torch(torch_module, data, precision=precision)


# ---------------------------------------------------------------- Tensor reprs (tensor_repr)
# The repr of gradcalc tensors of every dtype under the current print options, with the
# default dtype float32 as in PyTorch, against torch's repr of the same tensor.


@contextlib.contextmanager
def both_print_options(torch, **options):
    """The same print options on both sides, restored afterwards."""
    from gradcalc.autograd.printing import PRINT_OPTIONS

    old = torch._tensor_str.get_printoptions()
    torch.set_printoptions(**options)
    for name, value in options.items():
        setattr(PRINT_OPTIONS, name, value)
    try:
        yield
    finally:
        torch.set_printoptions(**old)
        PRINT_OPTIONS.reset()


def _same_tensor(torch, data, dtype: str, requires_grad: bool = False):
    from torchlike import torch as gtorch

    theirs = torch.tensor(data.tolist(), dtype=getattr(torch, dtype))
    ours = gtorch.tensor(data.tolist(), dtype=getattr(gtorch, dtype))
    if requires_grad:
        theirs.requires_grad_()
        ours.requires_grad_()
    return ours, theirs


FLOAT_DATA = {
    "tenths": np.array([0.1, 0.2, 0.3]),
    "thirds": np.full((2, 3), 1 / 3),
    "half_max": np.array([65504.0, -1.0, 0.5]),
    "tiny_and_big": np.array([1e-5, 1e5, 3.0]),
    "integral": np.array([[1.0, 2.0], [300.0, -4.0]]),
    "long_row": np.arange(40) / 7,
    "summarised": np.arange(1200.0).reshape(30, 40) / 9,
    "special": np.array([np.nan, np.inf, -np.inf, -0.0, 1.5]),
}


@pytest.mark.torch
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("name", list(FLOAT_DATA))
@pytest.mark.parametrize(
    "options", [{}, {"precision": 2}, {"sci_mode": True}, {"linewidth": 50, "edgeitems": 2}]
)
def test_float_tensor_reprs_like_torch(torch_module, dtype, name, options):
    ours, theirs = _same_tensor(torch_module, FLOAT_DATA[name], dtype)
    with both_print_options(torch_module, **options):
        assert repr(ours) == repr(theirs)


@pytest.mark.torch
@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "int64", "bool"])
@pytest.mark.parametrize("options", [{}, {"threshold": 5, "edgeitems": 1}, {"linewidth": 30}])
def test_integer_and_bool_tensor_reprs_like_torch(torch_module, dtype, options):
    data = np.arange(24).reshape(2, 3, 4) % (2 if dtype == "bool" else 100)
    ours, theirs = _same_tensor(torch_module, data.astype(bool) if dtype == "bool" else data, dtype)
    with both_print_options(torch_module, **options):
        assert repr(ours) == repr(theirs)


@pytest.mark.torch
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_autograd_suffixes_like_torch(torch_module, dtype):
    from torchlike import torch as gtorch

    data = np.arange(13.0) + 10
    ours, theirs = _same_tensor(torch_module, data, dtype, requires_grad=True)
    pairs = [
        (ours, theirs),
        (ours * 2, theirs * 2),
        (ours.sum(), theirs.sum()),
        (
            ours.mean(0, keepdim=True) * gtorch.ones(13),
            theirs.mean(0, keepdim=True) * torch_module.ones(13),
        ),
        (ours.detach(), theirs.detach()),
    ]
    for a, b in pairs:
        assert repr(a) == repr(b)
        assert str(a) == str(b)


@pytest.mark.torch
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=hnp.arrays(
        np.float32,
        hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5),
        elements=st.floats(width=32, allow_nan=True, allow_infinity=True),
    ),
    precision=st.sampled_from([2, 4, 6]),
)
def test_random_float32_tensors_like_torch(data, precision):
    torch = pytest.importorskip("torch")
    ours, theirs = _same_tensor(torch, data, "float32")
    with both_print_options(torch, precision=precision):
        assert repr(ours) == repr(theirs)
