"""Bad calls of shape, indexing and linear-algebra ops: the error PyTorch 2.13 raises (its
Python type and message), and the work limit that refuses a product before it runs.

Expected errors come from torch and are stored in ``data/errors_expected_shapes.json``;
regenerate them with ``python tests/autograd/test_shape_errors.py`` (torch installed).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from test_shape_graphs import _gradcalc, make  # noqa: E402

DATA = HERE / "data" / "errors_expected_shapes.json"
INPUTS = {"x": "2x3", "y": "3x3", "v": "3", "s": "", "b": "2x2x3", "i": "int:2x3:3"}
SING = "torch.tensor([[1.0, 2.0], [2.0, 4.0]])"

BAD_CALLS = [
    # cat, stack and kin
    "torch.cat([])",
    "torch.concat([])",
    "torch.cat([x, v])",
    "torch.cat([x, y], 1)",
    "torch.cat([x, y], 2)",
    "torch.cat([s, s])",
    "torch.cat([x, s], 5)",
    "torch.stack([])",
    "torch.stack([x, y])",
    "torch.stack([x, x], 3)",
    "torch.hstack([])",
    "torch.hstack([x, v])",
    "torch.vstack([x, torch.zeros(2)])",
    "torch.dstack([x, v])",
    # split, chunk, unbind, tensor_split
    "torch.split(x, 0)",
    "torch.split(x, -1)",
    "torch.split(x, 2, 2)",
    "torch.split(x, [1, 1], 1)",
    "torch.split(x, [-1, 4], 1)",
    "x.split_with_sizes([1, 1], 1)",
    "torch.split(s, 1)",
    "x.chunk(0)",
    "x.chunk(2, 3)",
    "s.chunk(1)",
    "s.unbind()",
    "x.unbind(2)",
    "torch.tensor_split(x, 0)",
    "torch.tensor_split(x, torch.tensor([[1]]), 1)",
    "torch.tensor_split(x, torch.tensor([1.0]), 1)",
    "torch.tensor_split(s, 1)",
    # repeat, tile, repeat_interleave
    "x.repeat(2)",
    "x.repeat(-1, 2)",
    "x.tile(-1)",
    "torch.repeat_interleave(x, -1)",
    "torch.repeat_interleave(x, 2, 2)",
    "torch.repeat_interleave(x, torch.tensor([1, 2]), 1)",
    "torch.repeat_interleave(x, torch.tensor([1, -2]), 0)",
    "torch.repeat_interleave(x, torch.tensor([[1, 2]]), 0)",
    "torch.repeat_interleave(x, torch.tensor([1.0, 2.0]), 0)",
    "torch.repeat_interleave(torch.tensor([[1]]))",
    # flip, roll, movedim, unflatten, view_as
    "x.flip(0, 0)",
    "x.flip(2)",
    "v.fliplr()",
    "s.flipud()",
    "x.roll(1, 2)",
    "x.roll((1, 2), 0)",
    "torch.roll(x, [1, 1])",
    "x.roll([], [])",
    "x.movedim(0, 2)",
    "x.movedim((0, 1), (1,))",
    "x.movedim((0, 0), (1, 0))",
    "x.movedim((0, 1), (1, 1))",
    "v.unflatten(0, ())",
    "v.unflatten(0, (2, 2))",
    "v.unflatten(0, (-1, 2))",
    "v.unflatten(1, (3,))",
    "x.view_as(v)",
    "x.reshape_as(v)",
    # diagonals
    "torch.diagonal(v)",
    "torch.diagonal(x, 0, 0, 0)",
    "torch.diagonal(x, 0, 0, -2)",
    "torch.diag(b)",
    "torch.diag(s)",
    "torch.diag_embed(v, 0, 0, 0)",
    "torch.diag_embed(v, 0, 0, 2)",
    "torch.triu(v)",
    "torch.tril(s)",
    "torch.trace(v)",
    "torch.trace(x > 0)",
    # gather, scatter, index_select, index_add, masked_select, take, take_along_dim
    "x.gather(1, torch.tensor([[0], [1.0]]))",
    "x.gather(1, torch.tensor([0, 1]))",
    "x.gather(1, torch.tensor([[0], [1], [2]]))",
    "x.gather(1, torch.tensor([[0], [5]]))",
    "x.gather(1, torch.tensor([[0], [-1]]))",
    "x.gather(2, torch.tensor([[0], [1]]))",
    "x.scatter(1, torch.tensor([[0], [1]]), torch.ones(1, 1))",
    "x.scatter(1, torch.tensor([[0], [5]]), 2.0)",
    "x.scatter(1, torch.tensor([[0], [1]]), torch.ones(2, 1).double())",
    "x.scatter(1, torch.tensor([0, 1]), 2.0)",
    "x.scatter(1, torch.tensor([[0], [1.0]]), 2.0)",
    "x.scatter(1, torch.tensor([[0], [1]]), 2.0, reduce='mean')",
    "x.scatter_add(1, torch.tensor([[0], [1]]), 2.0)",
    "x.index_select(1, torch.tensor([[0]]))",
    "x.index_select(1, torch.tensor([5]))",
    "x.index_select(1, torch.tensor([0.0]))",
    "x.index_add(1, torch.tensor([0]), torch.ones(2, 2))",
    "x.index_add(1, torch.tensor([0]), torch.ones(2, 1).double())",
    "x.index_add(1, torch.tensor([5]), torch.ones(2, 1))",
    "x.index_add(1, torch.tensor([0.0]), torch.ones(2, 1))",
    "x.index_add(1, torch.tensor([[0]]), torch.ones(2, 1))",
    "x.masked_select(torch.tensor([True, False]))",
    "x.masked_select(torch.tensor([1, 0, 1]))",
    "x.take(torch.tensor([6]))",
    "x.take(torch.tensor([-7]))",
    "x.take(torch.tensor([1.0]))",
    "x.take(torch.tensor([1]).int())",
    "torch.take_along_dim(x, torch.tensor([0]), 1)",
    "torch.take_along_dim(x, torch.tensor([[0]]).int(), 1)",
    "torch.take_along_dim(x, torch.tensor([[0], [1], [0]]), 1)",
    "torch.take_along_dim(x, torch.tensor([7]))",
    # products
    "torch.dot(x, v)",
    "torch.dot(v, torch.ones(2))",
    "torch.dot(v, v.double())",
    "torch.dot(v > 0, v > 0)",
    "torch.vdot(v, torch.ones(2))",
    "torch.mm(x, x)",
    "torch.mm(v, x)",
    "torch.mm(x, v)",
    "torch.mm(x, i.t())",
    "torch.mm(x > 0, y > 0)",
    "torch.mv(x, x)",
    "torch.mv(x, torch.ones(2))",
    "torch.mv(x, v.double())",
    "torch.bmm(x, x)",
    "torch.bmm(b, x)",
    "torch.bmm(b, b)",
    "torch.bmm(b, b.transpose(1, 2).double())",
    "torch.matmul(s, v)",
    "torch.matmul(v, s)",
    "x @ x",
    "torch.matmul(v, torch.ones(2))",
    "torch.matmul(x, torch.ones(2))",
    "torch.matmul(torch.ones(2), x.t())",
    "torch.matmul(b, torch.ones(3, 3, 2))",
    "torch.matmul(b, b)",
    "torch.matmul(b, torch.ones(2))",
    "torch.matmul(x, i.t())",
    "torch.matmul(i, x.t())",
    "torch.addmm(x, x, x)",
    "torch.addmm(torch.ones(2), x, y)",
    "torch.addmm(x, v, y)",
    "torch.addmm(x, x, y.double())",
    "torch.addmm(x.double(), x, y)",
    "torch.addmm(x, x.double(), y)",
    "torch.addmv(v, x, v)",
    "torch.addmv(torch.ones(2), x, v.double())",
    "torch.baddbmm(torch.ones(3, 2, 2), b, b.transpose(1, 2))",
    "torch.baddbmm(torch.ones(2, 2, 2).double(), b, b.transpose(1, 2))",
    "torch.outer(x, v)",
    "torch.outer(v, s)",
    "torch.cross(torch.ones(2, 2), torch.ones(2, 2))",
    "torch.cross(torch.ones(2, 2), torch.ones(2, 2), dim=1)",
    "torch.cross(y, x, dim=1)",
    "torch.cross(y, y.long(), dim=1)",
    "torch.linalg.cross(x, v[:2])",
    "torch.nn.functional.linear(s, y)",
    "torch.nn.functional.linear(x, s)",
    "torch.nn.functional.linear(x, torch.ones(2, 2))",
    "torch.nn.functional.linear(x, y, torch.ones(2))",
    "torch.nn.functional.linear(x, y.double())",
    "torch.tensordot(x, y, 3)",
    "torch.tensordot(x, y, -1)",
    "torch.tensordot(x, y, ([0], [0]))",
    "torch.tensordot(x, y, ([1], [0, 1]))",
    "torch.tensordot(x, y.double(), 1)",
    "torch.tensordot(x, y, 'a')",
    # einsum
    "torch.einsum('ij')",
    "torch.einsum('ij', x, x)",
    "torch.einsum('ij,jk', x)",
    "torch.einsum('i1', x)",
    "torch.einsum('ij->i1', x)",
    "torch.einsum('ijk', x)",
    "torch.einsum('ij...k', x)",
    "torch.einsum('i..j', x)",
    "torch.einsum('i......', x)",
    "torch.einsum('ij->ii', x)",
    "torch.einsum('ij->k', x)",
    "torch.einsum('ij->......', x)",
    "torch.einsum('ij->..', x)",
    "torch.einsum('ij,jk', x, x)",
    "torch.einsum('ii', x)",
    "torch.einsum('...i,...i', x, torch.ones(4, 3))",
    "torch.einsum('ij,ij->', x, x.double())",
    "torch.einsum('ij,jk', x, i.t())",
    "torch.einsum(x, [0, 52])",
    # torch.linalg
    "torch.linalg.det(x)",
    "torch.linalg.det(v)",
    "torch.linalg.det(i)",
    "torch.det(x)",
    "torch.linalg.slogdet(x)",
    "torch.logdet(i)",
    f"torch.linalg.inv({SING})",
    "torch.linalg.inv(torch.zeros(2, 2))",
    "torch.linalg.inv(torch.stack([torch.eye(3), torch.zeros(3, 3)]))",
    "torch.linalg.inv(x)",
    "torch.inverse(i)",
    f"torch.linalg.solve({SING}, torch.ones(2))",
    "torch.linalg.solve(torch.stack([y, torch.zeros(3, 3)]), torch.ones(3))",
    "torch.linalg.solve(y, torch.ones(2))",
    "torch.linalg.solve(y, torch.ones(2, 3))",
    "torch.linalg.solve(y, torch.ones(3, 2), left=False)",
    "torch.linalg.solve(x, v)",
    "torch.linalg.solve(y, v.double())",
    "torch.linalg.cholesky(-torch.eye(3))",
    "torch.linalg.cholesky(torch.diag(torch.tensor([1.0, -1.0, 1.0])))",
    "torch.linalg.cholesky(torch.stack([torch.eye(2), -torch.eye(2)]))",
    "torch.linalg.cholesky(x)",
    "torch.linalg.qr(x, 'abc')",
    "torch.linalg.qr(v)",
    "torch.linalg.svd(v)",
    "torch.linalg.svdvals(i)",
]

BAD_BACKWARDS = [
    "x.scatter(1, torch.tensor([[0], [1]]), 2.0, reduce='multiply')",
    "torch.linalg.qr(y, 'r')[1]",
    "torch.linalg.qr(x.t(), 'complete')[0]",
]


def error_of(torch, expression: str, backward: bool = False) -> list:
    """``[type name, message]`` of the error ``expression`` raises (None if none)."""
    namespace = {"torch": torch, **make(torch, "errors", INPUTS, "float32")}
    try:
        out = eval(expression, namespace)  # noqa: S307 - the expressions above
        if backward:
            out.sum().backward()
    except Exception as error:  # noqa: BLE001 - comparing any error with torch's
        kind = getattr(error, "kind", None) or type(error).__name__
        return [
            kind.replace("_LinAlgError", "LinAlgError"),
            str(error).split("\n\nException raised")[0],
        ]
    return None


def _expected() -> dict:
    return json.loads(DATA.read_text()) if DATA.exists() else {}


EXPECTED = _expected()


@pytest.mark.parametrize("expression", BAD_CALLS)
def test_error_matches_stored_torch_error(expression):
    assert expression in EXPECTED.get("calls", {}), "run python tests/autograd/test_shape_errors.py"
    expected = EXPECTED["calls"][expression]
    assert expected is not None, "torch accepts this call"
    assert error_of(_gradcalc(), expression) == expected


@pytest.mark.parametrize("expression", BAD_BACKWARDS)
def test_backward_error_matches_stored_torch_error(expression):
    expected = EXPECTED["backwards"][expression]
    assert error_of(_gradcalc(), expression, backward=True) == expected


@pytest.mark.torch
@pytest.mark.parametrize("expression", BAD_CALLS)
def test_error_matches_live_torch(expression, torch_module):
    assert error_of(_gradcalc(), expression) == error_of(torch_module, expression)


def _first_error(error) -> str:
    return error.message if hasattr(error, "message") else str(error)


@pytest.mark.parametrize(
    "expression, figure",
    [
        ("a @ a", "216,000,000,000"),
        ("torch.matmul(a, a)", "216,000,000,000"),
        ("torch.mm(a, a)", "216,000,000,000"),
        ("torch.einsum('ij,jk->ik', a, a)", "216,000,000,000"),
        ("torch.bmm(a[None], a[None])", "216,000,000,000"),
        ("torch.tensordot(a, a, 1)", "216,000,000,000"),
        ("torch.nn.functional.linear(a, a)", "216,000,000,000"),
    ],
)
def test_large_products_are_refused_before_they_run(expression, figure):
    from gradcalc.errors import LimitError

    torch = _gradcalc()
    a = torch.ones(1, 1).expand(6000, 6000)  # no memory: the refusal must come first
    with pytest.raises(LimitError) as caught:
        eval(expression, {"torch": torch, "a": a})  # noqa: S307
    assert figure in _first_error(caught.value)
    assert "20,000,000,000" in _first_error(caught.value)


def test_work_limit_follows_the_setting():
    from gradcalc.autograd import settings
    from gradcalc.errors import LimitError

    torch = _gradcalc()
    v = torch.ones(100)
    previous = settings.STATE.max_work
    settings.set_max_work(5_000)
    try:
        with pytest.raises(LimitError, match="10,000 multiply-adds"):
            torch.outer(v, v)
        with pytest.raises(LimitError, match="einsum would take 10,000"):
            torch.einsum("i,j->ij", v, v)
        assert torch.dot(v, v).item() == 100.0
    finally:
        settings.set_max_work(previous)


if __name__ == "__main__":
    import torch

    data = {
        "torch": torch.__version__,
        "calls": {e: error_of(torch, e) for e in BAD_CALLS},
        "backwards": {e: error_of(torch, e, backward=True) for e in BAD_BACKWARDS},
    }
    DATA.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    print(f"wrote {DATA}")
