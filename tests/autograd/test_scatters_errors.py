"""Writing at indices, masks and slices, and rearranging (``ops/scatters.py``,
``ops/rearranging.py``) where the case table does not reach: PyTorch's messages for bad
calls, index_reduce's beta warning, and the in-place forms."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from op_runner import run_case
from pytorch_messages import check_gradcalc, check_torch, parametrize

from gradcalc.autograd import torch as gtorch

ERROR_CASES = [
    (
        "torch.index_fill(x, 1, torch.tensor([0, 2]), torch.tensor([1.0, 2.0]))",
        "RuntimeError",
        "index_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 "
        "dimension(s).",
    ),
    (
        "torch.index_fill(x, 1, torch.tensor([0., 2]), 1.0)",
        "IndexError",
        "index_fill_(): Expected dtype int64 for index.",
    ),
    (
        "torch.index_fill(x, 1, torch.tensor([0, 5]), 1.0)",
        "IndexError",
        "index 5 is out of bounds for dimension 1 with size 3",
    ),
    (
        "torch.index_fill(x, 1, torch.tensor([[0, 1]]), 1.0)",
        "RuntimeError",
        "Index has to be a vector/scalar",
    ),
    (
        "torch.index_copy(x, 1, torch.tensor([0, 2]), torch.ones(2, 3))",
        "IndexError",
        "index_copy_(): Number of indices (2) should be equal to source.size(dim) (3)",
    ),
    (
        "torch.index_copy(x, 1, torch.tensor([0, 2]), torch.ones(2, 2).double())",
        "RuntimeError",
        "index_copy_(): self and source expected to have the same dtype, but got (self) Float "
        "and (source) Double",
    ),
    (
        "torch.index_copy(x, 1, torch.tensor([0, 5]), torch.ones(2, 2))",
        "IndexError",
        "index_copy_(): index 5 is out of bounds for dimension 1 with size 3",
    ),
    (
        "torch.index_copy(x, 1, torch.tensor([0., 2]), torch.ones(2, 2))",
        "RuntimeError",
        "index_copy_(): Expected a long tensor for index, but got Float",
    ),
    (
        "torch.index_copy(x, 1, torch.tensor([[0, 2]]), torch.ones(2, 2))",
        "IndexError",
        "index_copy_(): Index should have dimension 1 or 0 (got 2)",
    ),
    (
        "torch.index_reduce(x, 1, torch.tensor([0, 2]), torch.ones(2, 2), 'sum')",
        "RuntimeError",
        "index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got sum.",
    ),
    (
        "torch.index_reduce(x, 1, torch.tensor([0, 2]), torch.ones(2, 3), 'prod')",
        "RuntimeError",
        "index_reduce_(): Number of indices (2) should be equal to source.size(dim): (3), for "
        "dim: 1",
    ),
    (
        "torch.index_reduce(x, 1, torch.tensor([0, 5]), torch.ones(2, 2), 'prod')",
        "IndexError",
        "index out of range in self",
    ),
    (
        "torch.scatter_reduce(x, 1, torch.tensor([[0, 1]]), x, 'foo')",
        "RuntimeError",
        "reduce argument must be either sum, prod, mean, amax or amin, got foo",
    ),
    (
        "torch.scatter_reduce(x, 1, torch.tensor([[0, 1]]), x.double(), 'sum')",
        "RuntimeError",
        "scatter(): Expected self.dtype to be equal to src.dtype",
    ),
    (
        "torch.scatter_reduce(x, 1, torch.tensor([[0, 5]]), x, 'sum')",
        "RuntimeError",
        "index 5 is out of bounds for dimension 1 with size 3",
    ),
    (
        "torch.scatter_reduce(x, 1, torch.tensor([0, 1]), x, 'sum')",
        "RuntimeError",
        "Index tensor must have the same number of dimensions as self tensor",
    ),
    (
        "torch.masked_scatter(x, x > 0, torch.ones(2))",
        "RuntimeError",
        "Number of elements of source < number of ones in mask",
    ),
    (
        "torch.masked_scatter(x, torch.tensor([1, 0, 1]), torch.ones(6))",
        "RuntimeError",
        "masked_scatter_ only supports boolean masks, but got mask with dtype Long",
    ),
    (
        "torch.masked_scatter(x, x > 0, torch.ones(6).double())",
        "RuntimeError",
        "masked_scatter: expected self and source to have same dtypes but gotFloat and Double",
    ),
    (
        "torch.select_scatter(x, torch.ones(2), 0, 1)",
        "RuntimeError",
        "expected src to have a size equal to the slice of self. src size = [2], slice size = [3]",
    ),
    (
        "torch.select_scatter(x, torch.ones(3), 0, 5)",
        "IndexError",
        "select(): index 5 out of range for tensor of size [2, 3] at dimension 0",
    ),
    (
        "torch.slice_scatter(x, torch.ones(2, 2), 1, 0, 3)",
        "RuntimeError",
        "expected src to have a size equal to the slice of self. src size = [2, 2], slice size = "
        "[2, 3]",
    ),
    (
        "torch.diagonal_scatter(x, torch.ones(3))",
        "RuntimeError",
        "expected src to have a size equal to the slice of self. src size = [3], slice size = [2]",
    ),
    (
        "torch.narrow_copy(x, 1, 2, 3)",
        "RuntimeError",
        "start (2) + length (3) exceeds dimension size (3).",
    ),
    ("torch.rot90(v)", "RuntimeError", "expected total dims >= 2, but got total dims = 1"),
    (
        "torch.rot90(x, 1, [0, 0])",
        "RuntimeError",
        "expected rotation dims to be different, but got dim0 = 0 and dim1 = 0",
    ),
    (
        "torch.rot90(x, 1, [0, 1, 2])",
        "RuntimeError",
        "expected total rotation dims == 2, but got dims = 3",
    ),
    (
        "torch.rot90(x, 1, [0, 5])",
        "IndexError",
        "Dimension out of range (expected to be in range of [-2, 1], but got 5)",
    ),
    (
        "torch.hsplit(torch.tensor(1.), 1)",
        "RuntimeError",
        "torch.hsplit requires a tensor with at least 1 dimension, but got a tensor with 0 "
        "dimensions!",
    ),
    (
        "torch.hsplit(x, 2)",
        "RuntimeError",
        "torch.hsplit attempted to split along dimension 1, but the size of the dimension 3 is "
        "not divisible by the split_size 2!",
    ),
    (
        "torch.vsplit(v, 1)",
        "RuntimeError",
        "torch.vsplit requires a tensor with at least 2 dimension, but got a tensor with 1 "
        "dimensions!",
    ),
    (
        "torch.dsplit(T, 3)",
        "RuntimeError",
        "torch.dsplit attempted to split along dimension 2, but the size of the dimension 4 is "
        "not divisible by the split_size 3!",
    ),
    (
        "torch.as_strided(x, (2, 2), (1, 2), 10)",
        "RuntimeError",
        "setStorage: sizes [2, 2], strides [1, 2], storage offset 10, and itemsize 4 requiring a "
        "storage size of 56 are out of bounds for storage of size 24",
    ),
    (
        "torch.as_strided(x, (2, 2), (1,))",
        "RuntimeError",
        "mismatch in length of strides and shape",
    ),
    (
        "torch.index_put(x, (torch.tensor([5]),), torch.tensor(1.))",
        "IndexError",
        "index 5 is out of bounds for dimension 0 with size 2",
    ),
    (
        "torch.index_put(x, torch.tensor([0]), torch.tensor(1.))",
        "TypeError",
        "index_put(): argument 'indices' (position 2) must be tuple of Tensors, not Tensor",
    ),
]


@parametrize(ERROR_CASES)
def test_bad_call_fails_with_pytorchs_message(expression, kind, message):
    check_gradcalc(expression, kind, message)


@pytest.mark.torch
@parametrize(ERROR_CASES)
def test_expected_messages_are_pytorchs(expression, kind, message, torch_module):
    if "index_reduce" in expression:
        _check_torch_elsewhere(expression, kind, message)
    else:
        check_torch(expression, kind, message, torch_module)


def _check_torch_elsewhere(expression: str, kind: str, message: str) -> None:
    """torch's index_reduce warns once per process: calling it here would take the warning
    from the docs index's live comparison (tests/test_ops_index.py), so it runs apart."""
    code = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import torch; "
        "from pytorch_messages import check_torch; "
        f"check_torch({expression!r}, {kind!r}, {message!r}, torch)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


def test_index_reduce_warns_that_it_is_in_beta():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gtorch.ones(3).index_reduce(0, gtorch.tensor([0, 0]), gtorch.tensor([2.0, 3.0]), "prod")
    assert [str(w.message) for w in caught] == [
        "index_reduce() is in beta and the API may change at any time. (Triggered internally at "
        "/__w/pytorch/pytorch/aten/src/ATen/native/TensorAdvancedIndexing.cpp:1523.)"
    ]


def test_in_place_forms_write_into_the_tensor_and_record_the_node():
    x = gtorch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1
    out = y.index_fill_(0, gtorch.tensor([1]), 0.0)
    assert out is y and y.tolist() == [1.0, 0.0, 3.0]
    assert y.grad_fn.name() == "IndexFillBackward0"
    y.masked_scatter_(gtorch.tensor([True, False, False]), gtorch.tensor([9.0]))
    assert y.tolist() == [9.0, 0.0, 3.0] and y.grad_fn.name() == "MaskedScatterBackward0"
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 1.0]


def test_index_put_in_place_with_index_tensors_has_a_gradient():
    x = gtorch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = gtorch.tensor([5.0, 6.0], requires_grad=True)
    y = x.clone()
    y.index_put_((gtorch.tensor([0, 2]),), v)
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 0.0] and v.grad.tolist() == [1.0, 1.0]


def test_as_strided_views_the_storage():
    base = gtorch.arange(6.0)
    view = base.view(2, 3)[:, 1:]
    assert gtorch.as_strided(view, (2,), (3,)).tolist() == [1.0, 4.0]
    window = gtorch.as_strided(base, (2, 2), (1, 2))
    base.add_(10)
    assert window.tolist() == [[10.0, 12.0], [11.0, 13.0]]


# index_reduce's op cases live here rather than in cases/scatters.py: torch warns about
# index_reduce once per process, so running it in the suite's process would change what the
# docs index's live torch comparison sees. Their torch results are stored in
# data/index_reduce_expected.json (written by running this module as a script).
INDEX_REDUCE_CASES = [
    (
        "index_reduce_prod",
        "torch.index_reduce(x, 0, torch.tensor([0, 0, 2]), y, 'prod')",
        {"x": "3x2", "y": "3x2"},
    ),
    (
        "index_reduce_mean",
        "x.index_reduce(1, torch.tensor([1, 1]), y, 'mean', include_self=False)",
        {"x": "2x3", "y": "2x2"},
    ),
    (
        "index_reduce_amax",
        "x.index_reduce(0, torch.tensor([1, 1, 0]), y, 'amax')",
        {"x": "2x2", "y": "3x2"},
    ),
    (
        "index_reduce_amin_exclude",
        "x.index_reduce(0, torch.tensor([1, 1, 0]), y, 'amin', include_self=False)",
        {"x": "2x2", "y": "3x2"},
    ),
]
_STORED = Path(__file__).parent / "data" / "index_reduce_expected.json"


def _results(torch) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {
            f"{case_id}/{dtype}": run_case(torch, case_id, expression, inputs, dtype)
            for case_id, expression, inputs in INDEX_REDUCE_CASES
            for dtype in ("float64", "float32")
        }


def _close(ours, theirs) -> None:
    import numpy as np

    assert ours["node"] == theirs["node"] and ours["dtypes"] == theirs["dtypes"]
    for a, b in zip(ours["values"], theirs["values"]):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6, atol=1e-6)
    for name in ours["grads"]:
        np.testing.assert_allclose(
            np.asarray(ours["grads"][name]), np.asarray(theirs["grads"][name]), rtol=1e-5, atol=1e-5
        )


def test_index_reduce_cases_match_stored_torch_results():
    import json

    stored = json.loads(_STORED.read_text())
    ours = _results(gtorch)
    assert ours.keys() == stored.keys()
    for key in ours:
        _close(ours[key], stored[key])


@pytest.mark.torch
def test_stored_index_reduce_results_are_torchs():
    code = (
        f"import sys, json; sys.path.insert(0, {str(Path(__file__).parent)!r}); import torch; "
        "import test_scatters_errors as t; print(json.dumps(t._results(torch)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    import json

    live = json.loads(done.stdout)
    stored = json.loads(_STORED.read_text())
    for key in stored:
        _close(live[key], stored[key])


@pytest.mark.parametrize("case", INDEX_REDUCE_CASES, ids=[c[0] for c in INDEX_REDUCE_CASES])
def test_index_reduce_derivatives_match_finite_differences(case):
    from gradcalc.autograd.gradcheck import gradcheck, gradgradcheck

    case_id, expression, inputs = case
    from op_cases import inputs_for

    made = inputs_for(case_id, inputs)
    leaves = [
        gtorch.tensor(value.tolist(), dtype=gtorch.float64).requires_grad_()
        for value, _ in made.values()
    ]

    def f(*xs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return eval(expression, {"torch": gtorch, **dict(zip(made, xs))})  # noqa: S307

    assert gradcheck(f, leaves)
    assert gradgradcheck(f, leaves)


if __name__ == "__main__":
    import json

    import torch

    _STORED.write_text(json.dumps(_results(torch), indent=0, sort_keys=True) + "\n")
    print(f"wrote {_STORED}")
