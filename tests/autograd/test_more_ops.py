"""The ops added for PyTorch tutorials: what the shared rule tables cannot check.

Values, gradients and node names of every differentiable one are in test_rules.py's CASES;
here: index/bool results and their dtypes, PyTorch's errors, the nodes PyTorch records
without a derivative, einsum's parsing, randint's seeding, and the operator spellings.
"""

from __future__ import annotations

import numpy as np
import pytest

import gradcalc.autograd as ag
from gradcalc.errors import ArgumentError, AutogradError, GradcalcError, ShapeError

DATA = np.array([[1.5, -2.25, 0.0], [2.5, -0.5, 3.7]])


@pytest.fixture
def torch_float64(torch_module):
    """torch with float64 as its default dtype, so reprs compare with gradcalc's."""
    torch_module.set_default_dtype(torch_module.float64)
    yield torch_module
    torch_module.set_default_dtype(torch_module.float32)


def _pair(torch_module, data=DATA, requires_grad=True):
    ours = ag.tensor(data, requires_grad=requires_grad)
    theirs = torch_module.tensor(data, dtype=torch_module.float64, requires_grad=requires_grad)
    return ours, theirs


# ---- one rule, every spelling ------------------------------------------------------------------


def test_function_method_and_operator_spellings_share_one_rule():
    x = ag.tensor(DATA, requires_grad=True)
    assert (x % 2).grad_fn.rule is ag.remainder(x, 2).grad_fn.rule is x.remainder(2).grad_fn.rule
    assert ag.RULES["remainder"] is (x % 2).grad_fn.rule
    assert (x // 2).grad_fn.rule is ag.RULES["floor_divide"]
    assert ag.square(x).grad_fn.rule is ag.RULES["pow"]
    assert x.sign().grad_fn.rule is ag.RULES["sign"]
    assert ag.round(x, decimals=1).grad_fn.rule.name == "round"
    assert ag.einsum("ij->", x).grad_fn.rule.name == "einsum"


# ---- integer and bool results ---------------------------------------------------------------------

INDEX_AND_MASK = [
    lambda L, x: x.long(),
    lambda L, x: x.int(),
    lambda L, x: x.bool(),
    lambda L, x: L.tensor([0.0, float("nan"), -0.0]).bool(),
    lambda L, x: (x * 10).long().long(),
    lambda L, x: x.argmax(),
    lambda L, x: x.argmin(),
    lambda L, x: L.argmax(x, dim=1),
    lambda L, x: L.argmin(x, 0, keepdim=True),
    lambda L, x: x.argmax(keepdim=True),
    lambda L, x: L.argmax(x[0, 0], dim=0),
    lambda L, x: L.argmax(L.tensor([1.0, 3.0, 3.0, 2.0])),
    lambda L, x: L.argmin(L.tensor([[2.0, 1.0, 1.0]]), dim=-1),
    lambda L, x: x.all(),
    lambda L, x: x.any(),
    lambda L, x: L.all(x, dim=1),
    lambda L, x: (x > 0).any(0, keepdim=True),
    lambda L, x: L.all(x > -3, dim=(0, 1)),
    lambda L, x: L.any(L.zeros(0)),
    lambda L, x: L.all(L.zeros(0)),
    lambda L, x: x.long().cumsum(1),
    lambda L, x: (x > 0).cumsum(0),
]


@pytest.mark.torch
@pytest.mark.parametrize("expr", INDEX_AND_MASK)
def test_index_and_mask_results_print_like_torch_and_need_no_grad(torch_float64, expr):
    x, tx = _pair(torch_float64)
    ours, theirs = expr(ag, x), expr(torch_float64, tx)
    assert repr(ours) == repr(theirs)
    assert ours.dtype.name == str(theirs.dtype).removeprefix("torch.")
    assert not ours.requires_grad and ours.grad_fn is None


def test_index_results_are_int64_and_work_as_indices():
    x = ag.tensor(DATA, requires_grad=True)
    rows = ag.argmax(x, dim=0)
    assert rows.dtype == np.int64
    picked = x[rows, ag.arange(3).long()]
    np.testing.assert_array_equal(picked.data, DATA.max(axis=0))
    picked.sum().backward()
    assert x.grad.data.sum() == 3.0


def test_converting_to_integers_cannot_require_grad():
    x = ag.tensor(DATA, requires_grad=True)
    with pytest.raises(AutogradError, match="floating point"):
        x.long().requires_grad = True
    assert x.long() is not x and x.long().long() is not None
    i = x.long()
    assert i.long() is i  # already int64: the same tensor, as in PyTorch


def test_argmax_errors_follow_torch():
    with pytest.raises(GradcalcError, match="Expected reduction dim to be specified"):
        ag.argmax(ag.zeros(0))
    with pytest.raises(GradcalcError, match="to have non-zero size"):
        ag.argmin(ag.zeros(2, 0), dim=1)
    with pytest.raises(ArgumentError, match="dim must be an integer"):
        ag.argmax(ag.ones(2, 2), dim=(0, 1))
    with pytest.raises(ArgumentError, match="Dimension out of range"):
        ag.all(ag.ones(2), dim=1)


# ---- rounding ---------------------------------------------------------------------------------


@pytest.mark.torch
@pytest.mark.parametrize("decimals", [None, 0, 1, 2, -1, -2])
def test_round_half_to_even_and_decimals_match_torch(torch_module, decimals):
    data = np.array([0.5, 1.5, 2.5, -0.5, -1.5, 0.125, 0.135, 1234.5678, 15.0, 25.0, -0.0])
    x, tx = _pair(torch_module, data)
    if decimals is None:
        ours, theirs = x.round(), tx.round()
    else:
        ours, theirs = ag.round(x, decimals=decimals), torch_module.round(tx, decimals=decimals)
    np.testing.assert_array_equal(ours.data, theirs.detach().numpy())
    assert np.array_equal(np.signbit(ours.data), np.signbit(theirs.detach().numpy()))
    assert ours.grad_fn.name == type(theirs.grad_fn).__name__
    ours.sum().backward()
    theirs.sum().backward()
    np.testing.assert_array_equal(x.grad.data, tx.grad.numpy())


@pytest.mark.torch
@pytest.mark.parametrize("name", ["sign", "floor", "ceil", "trunc", "round"])
def test_rounding_keeps_integer_dtypes_like_torch(torch_module, name):
    data = np.array([3, -2, 0])
    ours = getattr(ag.tensor([3.0, -2.0, 0.0]).long(), name)()
    theirs = getattr(torch_module.tensor(data), name)()
    assert repr(ours) == repr(theirs)


def test_round_rejects_a_non_integer_decimals():
    with pytest.raises(ArgumentError, match="decimals must be an integer"):
        ag.round(ag.ones(2), decimals=0.5)


# ---- remainders and floor division -------------------------------------------------------------


@pytest.mark.torch
@pytest.mark.parametrize(
    "expr",
    [
        lambda x, w: x % 2,
        lambda x, w: x % -1.5,
        lambda x, w: x % w,
        lambda x, w: x.fmod(w),
        lambda x, w: x.fmod(-2.0),
        lambda x, w: x.remainder(0.0),
        lambda x, w: x // 2,
        lambda x, w: x // w,
        lambda x, w: 2 // w,
        lambda x, w: 3 % w,
        lambda x, w: x.floor_divide(0.0),
    ],
)
def test_remainder_and_floor_divide_values_and_nodes_match_torch(torch_float64, expr):
    x, tx = _pair(torch_float64)
    w, tw = _pair(torch_float64, np.array([1.5, 2.0, -1.0]))
    ours, theirs = expr(x, w), expr(tx, tw)
    np.testing.assert_array_equal(ours.data, theirs.detach().numpy())
    assert np.array_equal(np.signbit(ours.data), np.signbit(theirs.detach().numpy()))
    assert repr(ours) == repr(theirs).replace("torch::autograd::NotImplemented", "NotImplemented")
    assert ours.grad_fn.name == theirs.grad_fn.name().removeprefix("torch::autograd::")


@pytest.mark.torch
@pytest.mark.parametrize(
    ("expr", "op"),
    [
        (lambda x, w: x // 2, "floor_divide"),
        (lambda x, w: x // w, "floor_divide"),
        (lambda x, w: 3 % w, "remainder"),
    ],
)
def test_backward_through_ops_without_a_derivative_fails_like_torch(torch_module, expr, op):
    x, tx = _pair(torch_module)
    w, tw = _pair(torch_module, np.array([1.5, 2.0, -1.0]))
    with pytest.raises(RuntimeError, match=f"derivative for aten::{op} is not implemented"):
        expr(tx, tw).sum().backward()
    with pytest.raises(AutogradError, match=f"derivative for aten::{op} is not implemented"):
        expr(x, w).sum().backward()


def test_floor_divide_of_constants_is_a_plain_tensor():
    x = ag.tensor(DATA)
    y = x // 2
    assert y.grad_fn is None and not y.requires_grad
    np.testing.assert_array_equal(y.data, np.floor_divide(DATA, 2))
    # a constant dividend: the gradient reaches the divisor through remainder's rule
    w = ag.tensor([1.5, 2.0, -1.0], requires_grad=True)
    ag.remainder(x, w).sum().backward()
    np.testing.assert_array_equal(w.grad.data, -np.floor(DATA / w.data).sum(axis=0))


def test_remainder_shape_errors_name_the_operation():
    with pytest.raises(ShapeError, match="cannot take the remainder of tensors of shapes"):
        ag.ones(2, 3) % ag.ones(2)
    with pytest.raises(ShapeError, match="cannot floor-divide"):
        ag.ones(2, 3) // ag.ones(4)


# ---- cumsum, repeat, masked_fill ---------------------------------------------------------------


@pytest.mark.torch
def test_cumsum_of_a_scalar_and_its_errors(torch_float64):
    s = ag.tensor(2.5, requires_grad=True)
    ts = torch_float64.tensor(2.5, requires_grad=True)
    y, ty = ag.cumsum(s, 0), torch_float64.cumsum(ts, 0)
    assert repr(y) == repr(ty)
    y.backward()
    ty.backward()
    assert s.grad.item() == ts.grad.item()
    with pytest.raises(ArgumentError, match="Dimension out of range"):
        ag.cumsum(ag.ones(2, 2), 2)


@pytest.mark.torch
@pytest.mark.parametrize("sizes", [(1, 1), (2, 1), (0, 2), (3, 1, 2), (1, 2, 1, 1)])
def test_repeat_matches_torch(torch_float64, sizes):
    torch_module = torch_float64
    x, tx = _pair(torch_module)
    ours, theirs = x.repeat(*sizes), tx.repeat(*sizes)
    assert repr(ours) == repr(theirs)
    weights = np.arange(ours.data.size, dtype=float).reshape(ours.shape)
    ours.backward(ag.tensor(weights))
    theirs.backward(torch_module.tensor(weights))
    np.testing.assert_array_equal(x.grad.data, tx.grad.numpy())


def test_repeat_errors():
    x = ag.ones(2, 3)
    with pytest.raises(ShapeError, match="can not be smaller than number of dimensions"):
        x.repeat(2)
    with pytest.raises(ShapeError, match="negative dimension -2"):
        x.repeat(-1, 2)
    assert x.repeat((2, 2)).shape == (4, 6)


def test_masked_fill_checks_its_mask_and_value():
    x = ag.tensor(DATA, requires_grad=True)
    with pytest.raises(ArgumentError, match="only supports boolean masks"):
        x.masked_fill(ag.tensor([1.0, 0.0, 1.0]), 0.0)
    with pytest.raises(ArgumentError, match="0-dimensional value tensor"):
        x.masked_fill(x > 0, ag.tensor([1.0]))
    with pytest.raises(ArgumentError, match="requires grad is not supported"):
        x.masked_fill(x > 0, ag.tensor(1.0, requires_grad=True))
    with pytest.raises(ShapeError, match="cannot fill a tensor of shape"):
        x.masked_fill(ag.tensor([True, False]), 0.0)
    y = x.masked_fill(x > 0, ag.tensor(9.0))
    np.testing.assert_array_equal(y.data, np.where(DATA > 0, 9.0, DATA))


# ---- einsum ---------------------------------------------------------------------------------


@pytest.mark.torch
@pytest.mark.parametrize(
    ("equation", "shapes"),
    [
        ("ij,jk->ik", [(2, 3), (4, 4)]),
        ("ij->k", [(2, 3)]),
        ("ij,jk", [(2, 3)]),
        ("ij", [(2, 3), (3, 4)]),
        ("ij->ii", [(2, 2)]),
        ("ijk->", [(2, 2)]),
        ("ij->ij->", [(2, 2)]),
        ("i2->i", [(2, 2)]),
        ("i,i->i", [(3,), (4,)]),
        ("ii->i", [(2, 3)]),
        ("...ij->", [(2,)]),
    ],
)
def test_einsum_errors_say_what_torch_says(torch_module, equation, shapes):
    T = torch_module
    with pytest.raises(RuntimeError) as theirs:
        T.einsum(equation, *[T.ones(s) for s in shapes])
    with pytest.raises(GradcalcError) as ours:
        ag.einsum(equation, *[ag.ones(*s) for s in shapes])
    if equation not in ("ij->ij->",):  # torch reports where parsing stopped differently
        assert str(ours.value.message) == str(theirs.value).splitlines()[0]


def test_einsum_accepts_a_list_of_operands_and_spaces():
    a, b = ag.ones(2, 3), ag.ones(3, 4)
    np.testing.assert_array_equal(ag.einsum("ij, jk -> ik", [a, b]).data, np.full((2, 4), 3.0))
    np.testing.assert_array_equal(ag.einsum("i", [1.0, 2.0]).data, [1.0, 2.0])
    with pytest.raises(ArgumentError, match="equation must be a string"):
        ag.einsum(a, b)
    with pytest.raises(ArgumentError, match="at least one operand"):
        ag.einsum("ij")


@pytest.mark.torch
def test_einsum_with_many_dims_and_broadcast_ellipsis_matches_torch(torch_module, rng):
    T = torch_module
    shapes = [(2, 1, 3, 4), (1, 3, 4, 5)]
    arrays = [rng.normal(size=s) for s in shapes]
    leaves = [ag.tensor(a, requires_grad=True) for a in arrays]
    tleaves = [T.tensor(a, requires_grad=True) for a in arrays]
    out = ag.einsum("...ij,...jk->...ki", *leaves)
    tout = T.einsum("...ij,...jk->...ki", *tleaves)
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-12)
    assert out.grad_fn.name == tout.grad_fn.name()
    weights = rng.normal(size=out.shape)
    out.backward(ag.tensor(weights))
    tout.backward(T.tensor(weights))
    for leaf, tleaf in zip(leaves, tleaves):
        np.testing.assert_allclose(leaf.grad.data, tleaf.grad.numpy(), rtol=1e-10)


# ---- linear and addmm ------------------------------------------------------------------------


@pytest.mark.torch
def test_linear_records_torch_graph(torch_module, rng):
    T = torch_module
    data = [rng.normal(size=s) for s in [(4, 3), (2, 3), (2,)]]
    x, w, b = (ag.tensor(d, requires_grad=True) for d in data)
    tx, tw, tb = (T.tensor(d, requires_grad=True) for d in data)

    def names(node):
        return sorted(n.name for n, _ in node.next_functions if n)

    def tnames(fn):
        return sorted(f.name().removeprefix("torch::autograd::") for f, _ in fn.next_functions if f)

    y, ty = ag.linear(x, w, b), T.nn.functional.linear(tx, tw, tb)
    assert y.grad_fn.name == ty.grad_fn.name() == "AddmmBackward0"
    assert names(y.grad_fn) == tnames(ty.grad_fn)


def test_linear_and_addmm_shape_errors():
    with pytest.raises(
        ShapeError, match=r"mat1 and mat2 shapes cannot be multiplied \(4x3 and 2x5\)"
    ):
        ag.linear(ag.ones(4, 3), ag.ones(5, 2))
    with pytest.raises(ShapeError, match="at least 1 dimension"):
        ag.linear(ag.tensor(1.0), ag.ones(1, 1))
    with pytest.raises(ShapeError, match="weight must be a matrix"):
        ag.linear(ag.ones(3), ag.ones(3))
    with pytest.raises(ShapeError, match="does not broadcast"):
        ag.addmm(ag.ones(3), ag.ones(2, 2), ag.ones(2, 2))


# ---- randint ---------------------------------------------------------------------------------


def test_randint_is_seeded_int64_in_range():
    ag.manual_seed(7)
    a = ag.randint(0, 10, (200,))
    ag.manual_seed(7)
    b = ag.randint(10, (200,))
    assert a.dtype == np.int64 and not a.requires_grad
    np.testing.assert_array_equal(a.data, b.data)
    assert a.data.min() >= 0 and a.data.max() <= 9 and len(set(a.data.tolist())) == 10
    assert ag.randint(-3, -2, size=(2, 2)).data.tolist() == [[-3, -3], [-3, -3]]
    assert ag.randint(0, 5, 3).shape == (3,)


def test_randint_errors():
    with pytest.raises(GradcalcError, match="expects 'from' to be less than 'to'"):
        ag.randint(5, 5, (3,))
    with pytest.raises(ArgumentError, match="low must be an integer"):
        ag.randint(0.5, 5, (3,))
    with pytest.raises(ArgumentError, match="needs high and size"):
        ag.randint(5)
    with pytest.raises(AutogradError, match="floating point"):
        ag.randint(0, 5, (3,), requires_grad=True)
