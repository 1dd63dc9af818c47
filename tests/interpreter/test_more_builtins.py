"""The builtins added for PyTorch tutorials, through the language: spellings, keyword names,
Python's builtins next to PyTorch's methods, hints and completion."""

from __future__ import annotations

import numpy as np
import pytest
from interp_helpers import error_of, run, shown

from gradcalc.errors import AttributeLookupError, AutogradError, NameLookupError
from gradcalc.interpreter import Session

X = "x = [[1.5, -2.25, 0.0], [2.5, -0.5, 3.7]]; "


@pytest.mark.parametrize(
    ("spellings", "node"),
    [
        (["sign(x)", "torch.sign(x)", "x.sign()", "np.sign(x)"], "SignBackward0"),
        (["floor(x)", "torch.floor(x)", "x.floor()"], "FloorBackward0"),
        (["ceil(x)", "np.ceil(x)", "x.ceil()"], "CeilBackward0"),
        (["trunc(x)", "x.trunc()", "torch.fix(x)", "x.fix()"], "TruncBackward0"),
        (["round(x)", "torch.round(x)", "x.round()"], "RoundBackward0"),
        (["round(x, 1)", "torch.round(x, decimals=1)", "x.round(decimals=1)"], "RoundBackward1"),
        (["square(x)", "torch.square(x)", "x.square()", "x ** 2"], "PowBackward0"),
        (["remainder(x, 2)", "torch.remainder(x, 2)", "x.remainder(2)", "np.mod(x, 2)"], None),
        (["fmod(x, 2)", "torch.fmod(x, 2)", "x.fmod(2)"], "FmodBackward0"),
        (["floor_divide(x, 2)", "torch.floor_divide(x, 2)", "x.floor_divide(2)"], None),
        (["cumsum(x, 1)", "torch.cumsum(x, dim=1)", "x.cumsum(axis=1)"], "CumsumBackward0"),
        (["x.repeat(2, 1)", "x.repeat((2, 1))", "x.repeat([2, 1])"], "RepeatBackward0"),
        (
            ["masked_fill(x, x > 0, 1.0)", "x.masked_fill(mask=x > 0, value=1.0)"],
            "MaskedFillBackward0",
        ),
        (["einsum('ij->j', x)", "torch.einsum('ij->j', [x])"], "SumBackward1"),
        (
            ["F.linear(x, w, b)", "torch.nn.functional.linear(input=x, weight=w, bias=b)"],
            "AddmmBackward0",
        ),
        (["addmm(b, x, w.t())", "b.addmm(x, w.t())", "torch.addmm(b, x, w.T)"], "AddmmBackward0"),
    ],
)
def test_every_spelling_runs_the_same_rule(spellings, node):
    setup = X + "w = [[1.0, 0.5, -1.0], [2.0, 0.0, 1.0]]; b = [0.1, -0.2]; "
    values = []
    for spelling in spellings:
        session, result = run(setup + "y = " + spelling)
        assert result.ok, (spelling, [e.message for e in result.errors])
        y = session.variables["y"]
        values.append(y.array)
        expected = {
            "remainder(x, 2)": "RemainderBackward0",
            "floor_divide(x, 2)": "torch::autograd::NotImplemented",
        }.get(spellings[0], node)
        assert y.grad_fn.name() == expected, spelling
    for v in values[1:]:
        np.testing.assert_array_equal(v, values[0])


def test_index_and_mask_builtins_have_no_gradient():
    out = shown(
        X + "x.argmax(); argmax(x, dim=1, keepdim=True); torch.argmin(x, 0); "
        "all(x); x.any(dim=0); (x > 0).all(dim=1, keepdim=True); x.long(); x.int(); x.bool()"
    )
    assert out.splitlines() == [
        "tensor(5)",
        "tensor([[0],",
        "        [2]])",
        "tensor([0, 0, 0])",
        "tensor(False)",
        "tensor([True, True, True])",
        "tensor([[False],",
        "        [False]])",
        "tensor([[ 1, -2,  0],",
        "        [ 2,  0,  3]])",
        "tensor([[ 1, -2,  0],",
        "        [ 2,  0,  3]], dtype=torch.int32)",
        "tensor([[ True,  True, False],",
        "        [ True,  True,  True]])",
    ]


def test_python_builtins_stay_python_on_numbers():
    assert shown("round(2.5); round(3.14159, 2); int(2.7); bool(0); bool(2.5)").splitlines() == [
        "2",
        "3.14",
        "2",
        "False",
        "True",
    ]
    # float() of a tensor that requires grad warns once, as torch 2.13's __float__ does
    assert shown(
        X + "int(x[1, 0]); bool(x[0, 2]); float(x[0, 0]); float(x[0, 1])"
    ).splitlines() == [
        "2",
        "False",
        "UserWarning: Converting a tensor with requires_grad=True to a scalar may lead to "
        "unexpected behavior.",
        "Consider using tensor.detach() first.",
        "1.5",
        "-2.25",
    ]
    err = error_of(X + "bool(x)")
    assert err.kind == "RuntimeError"  # PyTorch's
    assert err.message == "Boolean value of Tensor with more than one value is ambiguous"


def test_round_of_a_tensor_is_torch_round_with_a_zero_gradient():
    session, result = run("x = [0.4, 2.5, -1.55]; y = round(x, 1) + round(x); y.sum().backward()")
    assert result.ok, [e.message for e in result.errors]
    np.testing.assert_array_equal(session.variables["x"].grad.array, [0.0, 0.0, 0.0])
    np.testing.assert_allclose(session.variables["y"].array, [0.4, 4.5, -3.6])


def test_randint_is_seeded_like_rand_and_never_a_leaf_requiring_grad():
    first = shown("manual_seed(4); i = randint(0, 100, (5,)); i; i.requires_grad").splitlines()
    again = shown("torch.manual_seed(4); torch.randint(low=0, high=100, size=(5,))").splitlines()
    assert first[0].startswith("<torch._C.Generator object at 0x")  # echoed, as in PyTorch
    assert first[1:] == [again[1], "False"]
    assert "dtype" not in again[1]  # int64, printed as PyTorch prints it
    err = error_of("i = randint(0, 5, (3,), requires_grad=True)")
    assert isinstance(err, AutogradError) and "floating point" in err.message


def test_randint_indices_pick_rows_and_class_targets():
    session, result = run(
        "manual_seed(1); logits = randn(4, 3); t = randint(0, 3, (4,)); "
        "loss = F.cross_entropy(logits, t); loss.backward(); rows = logits[t]"
    )
    assert result.ok, [e.message for e in result.errors]
    assert session.variables["logits"].grad.shape == (4, 3)
    assert session.variables["rows"].shape == (4, 3)


def test_floor_divide_backward_fails_with_torch_message():
    err = error_of(X + "y = floor_divide(x, 2).sum(); y.backward()")
    assert isinstance(err, AutogradError)
    assert err.message == "derivative for aten::floor_divide is not implemented"


def test_einsum_through_the_language_matches_matmul_and_gradients():
    session, result = run(
        "a = [[1.0, 2.0], [3.0, 4.0]]; b = [[0.5, -1.0], [2.0, 1.0], [1.0, 1.0]]; "
        "y = einsum('ij,kj->ik', a, b); z = a @ b.T; y.sum().backward()"
    )
    assert result.ok, [e.message for e in result.errors]
    v = session.variables
    np.testing.assert_array_equal(v["y"].array, v["z"].array)
    np.testing.assert_array_equal(v["a"].grad.array, np.ones((2, 3)) @ v["b"].array)


@pytest.mark.parametrize(
    ("source", "hint"),
    [
        ("x.sigmoi()", "'sigmoid'"),
        ("x.longg()", "'long'"),
        ("argmx(x)", "'argmax'"),
        ("x.cumsun(0)", "'cumsum'"),
        ("einsun('i', x)", "'einsum'"),
    ],
)
def test_did_you_mean_finds_the_new_names(source, hint):
    err = error_of("x = [1.0, 2.0]; " + source)
    # a method is Python's AttributeError, a bare name its NameError
    assert isinstance(err, AttributeLookupError if source.startswith("x.") else NameLookupError)
    assert hint in (err.hint or "")


def test_long_and_sign_exist_so_nothing_is_suggested():
    assert shown("x = [1.0, -2.0]; x.long(); x.sign()").splitlines() == [
        "tensor([ 1, -2])",
        "tensor([ 1., -1.], grad_fn=<SignBackward0>)",
    ]


def test_completion_offers_the_new_methods_and_functions():
    session = Session()
    session.run("x = [1.0, 2.0]")
    assert {"x.sign", "x.square"} <= set(session.completions("x.s"))
    assert {"x.long"} <= set(session.completions("x.lo"))
    assert {"x.masked_fill"} <= set(session.completions("x.ma"))
    assert {"torch.einsum"} <= set(session.completions("torch.ei"))
    assert {"F.linear"} <= set(session.completions("F.li"))
    assert {"randint"} <= set(session.completions("randi"))
