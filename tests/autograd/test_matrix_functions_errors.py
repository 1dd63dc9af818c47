"""More linear algebra (``ops/matrix_functions.py``) where the case table does not reach:
PyTorch's messages for bad calls; cdist and pdist (PyTorch has no second derivative for them:
checked here against torch, with that refusal); inner of two vectors, whose double backward
once met an engine gap (two 0-d gradients summed into a numpy scalar), fixed in the engine."""

from __future__ import annotations

import pytest
from pytorch_messages import check_gradcalc, check_torch, parametrize

from gradcalc.autograd import api
from gradcalc.autograd import torch as gtorch
from gradcalc.errors import GradcalcError

ERROR_CASES = [
    (
        "torch.matrix_power(x, 2)",
        "RuntimeError",
        "linalg.matrix_power: A must be batches of square matrices, but they are 2 by 3 matrices",
    ),
    (
        "torch.linalg.multi_dot([A])",
        "RuntimeError",
        "multi_dot(): expected at least 2 tensors but got 1",
    ),
    (
        "torch.linalg.multi_dot([A, x])",
        "RuntimeError",
        "multi_dot(): tensors 0 and 1 with shapes [3, 3] and [2, 3] cannot be multiplied",
    ),
    (
        "torch.linalg.multi_dot([torch.ones(2, 2, 2), A])",
        "RuntimeError",
        "multi_dot(): the first tensor must be 1D or 2D but got 3D",
    ),
    (
        "torch.inner(A, x[:, :2])",
        "RuntimeError",
        "inner() the last dimension must match on both input tensors but got shapes [3, 3] and "
        "[2, 2]",
    ),
    ("torch.addr(A, A, v)", "RuntimeError", "addr: Expected 1-D argument vec1, but got 2-D"),
    ("torch.cdist(v, A)", "RuntimeError", "cdist only supports at least 2D tensors, X1 got: 1D"),
    (
        "torch.cdist(A, x[:, :2])",
        "RuntimeError",
        "X1 and X2 must have the same number of columns. X1: 3 X2: 2",
    ),
    ("torch.cdist(A, A, p=-1)", "RuntimeError", "cdist only supports non-negative p values"),
    ("torch.pdist(v)", "RuntimeError", "pdist only supports 2D tensors, got: 1D"),
    (
        "torch.linalg.eigh(x)",
        "RuntimeError",
        "linalg.eigh: A must be batches of square matrices, but they are 2 by 3 matrices",
    ),
    (
        "torch.linalg.eigh(A, UPLO='X')",
        "RuntimeError",
        "Expected UPLO argument to be 'L' or 'U', but got X",
    ),
    (
        "torch.linalg.matrix_exp(x)",
        "RuntimeError",
        "linalg.matrix_exp: A must be batches of square matrices, but they are 2 by 3 matrices",
    ),
    (
        "torch.linalg.tensorinv(A, 0)",
        "RuntimeError",
        "Expected a strictly positive integer for 'ind', but got 0",
    ),
    (
        "torch.linalg.tensorinv(x, 1)",
        "RuntimeError",
        "Expected self to satisfy the requirement prod(self.shape[ind:]) == "
        "prod(self.shape[:ind]), but got 3 != 2",
    ),
    (
        "torch.linalg.solve_triangular(x, A, upper=True)",
        "RuntimeError",
        "linalg.solve_triangular: A must be batches of square matrices, but they are 2 by 3 "
        "matrices",
    ),
    ("torch.linalg.vander(torch.tensor(1.0))", "RuntimeError", "N must be greater than 1."),
]


@parametrize(ERROR_CASES)
def test_bad_call_fails_with_pytorchs_message(expression, kind, message):
    check_gradcalc(expression, kind, message)


@pytest.mark.torch
@parametrize(ERROR_CASES)
def test_expected_messages_are_pytorchs(expression, kind, message, torch_module):
    check_torch(expression, kind, message, torch_module)


def _distances(torch) -> list:
    out = []
    for p in (2.0, 1.0, 3.0, float("inf")):
        a = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]], dtype=torch.float64)
        b = torch.tensor([[1.0, 1.0, 0.0], [-2.0, 0.5, 1.0], [0.5, -1.0, 2.0]], dtype=torch.float64)
        a.requires_grad_(True)
        b.requires_grad_(True)
        d = torch.cdist(a, b, p=p)
        pd = torch.pdist(b, p=p)
        ((d * torch.arange(1.0, 7.0, dtype=torch.float64).view(2, 3)).sum() + pd.sum()).backward()
        out.append(
            [
                d.grad_fn.name(),
                pd.grad_fn.name(),
                [round(v, 10) for v in d.reshape(-1).tolist() + pd.tolist()],
                [round(v, 10) for v in a.grad.reshape(-1).tolist() + b.grad.reshape(-1).tolist()],
            ]
        )
    return out


def test_cdist_and_pdist_values_and_gradients():
    result = _distances(gtorch)
    assert result[0][:2] == ["CdistBackward0", "PdistBackward0"]
    assert result[0][2][0] == 2.8722813233 and result[0][2][2] == 0.0


@pytest.mark.torch
def test_cdist_and_pdist_match_torch(torch_module):
    assert _distances(gtorch) == _distances(torch_module)


def test_cdist_has_no_second_derivative_as_in_pytorch():
    a = gtorch.tensor([[0.5, -1.0], [1.5, 0.25]], dtype=gtorch.float64, requires_grad=True)
    (g,) = api.grad(gtorch.cdist(a, a * 2).sum(), [a], create_graph=True)
    with pytest.raises(GradcalcError) as info:
        g.sum().backward()
    assert (info.value.kind, info.value.message) == (
        "NotImplementedError",
        "the derivative for '_cdist_backward' is not implemented.",
    )


def test_inner_of_vectors_has_pytorchs_value_and_graph():
    v = gtorch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    out = gtorch.inner(v, gtorch.tensor([0.5, -1.0, 2.0]))
    assert out.item() == 4.5 and out.grad_fn.name() == "ViewBackward0"
    assert out.grad_fn.next_functions[0][0].name() == "DotBackward0"


def test_inner_of_vectors_second_derivative():
    v = gtorch.tensor([1.0, 2.0, 3.0], dtype=gtorch.float64, requires_grad=True)
    w = gtorch.tensor([0.5, -1.0, 2.0], dtype=gtorch.float64, requires_grad=True)
    gs = api.grad(gtorch.inner(v, w) ** 2, (v, w), create_graph=True)
    total = (gs[0] ** 2).sum() + (gs[1] ** 2).sum()
    assert [g.tolist() for g in api.grad(total, (v, w))] == [
        [508.5, -369.0, 1872.0],
        [774.0, 1224.0, 2403.0],
    ]


def test_matrix_rank():
    A = gtorch.tensor([[1.0, 2.0], [2.0, 4.0]])
    assert gtorch.linalg.matrix_rank(A).tolist() == 1
    assert str(gtorch.linalg.matrix_rank(A).dtype) == "torch.int64"
    assert gtorch.linalg.matrix_rank(gtorch.eye(3)).tolist() == 3


def test_lstsq_gives_the_rank_and_empty_residuals_as_cpu_gelsy():
    a = gtorch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    result = gtorch.linalg.lstsq(a, gtorch.tensor([1.0, 2.0, 3.0]))
    assert [round(v, 5) for v in result.solution.tolist()] == [1.0, 2.0]
    assert result.rank.tolist() == 2 and str(result.rank.dtype) == "torch.int64"
    assert tuple(result.residuals.shape) == (0,) and tuple(result.singular_values.shape) == (0,)
