"""dtype scenarios: PyTorch's type promotion over every pair of dtypes, 0-d tensors and
Python numbers for ``+ - * / // % ** == <``, unary ops and reductions per dtype,
conversions, ``.item()``/``.tolist()``/``repr`` per dtype, the default dtype, and the dtypes
of gradients (see ../scenario_runner.py).

Sources: "Type promotion" in the tensor attributes docs
(pytorch.org/docs/stable/tensor_attributes.html#type-promotion-doc), c10's promoteTypes
table (github.com/pytorch/pytorch, c10/core/ScalarType.cpp) and the old gradcalc tests
that checked index and mask results (tests/autograd/test_more_ops.py).

Operand values avoid division by zero and negative integer exponents, whose integer
semantics are the ops' business, not promotion's. ``_deviation`` and ``UNARY_DEVIATIONS``
name the op behaviours gradcalc still gets wrong (strict xfails), with the file that has
to change.
"""

import operator

from scenario_runner import Scenarios, attempt

S = Scenarios()

DTYPES = ("float16", "float32", "float64", "uint8", "int8", "int16", "int32", "int64", "bool")
SCALARS = (True, 3, -2.5)
OPERATORS = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "truediv": operator.truediv,
    "floordiv": operator.floordiv,
    "mod": operator.mod,
    "pow": operator.pow,
    "eq": operator.eq,
    "lt": operator.lt,
}
# The op behind each operator, when it is declared in another branch than the core's.
NEEDS = {"floordiv": ("floor_divide",)}


def _left(torch, dtype: str):
    values = {"bool": [True, False, True, True], "uint8": [3, 5, 7, 1]}.get(dtype, [-3, 5, 7, 1])
    return torch.tensor(values, dtype=getattr(torch, dtype))


def _right(torch, dtype: str):
    values = {"bool": [True, True, True, True]}.get(dtype, [2, 3, 1, 2])
    return torch.tensor(values, dtype=getattr(torch, dtype))


def _operand(torch, spec, side):
    """``"int8"`` a tensor, ``"int8-0d"`` a 0-d tensor, anything else a Python number."""
    if not isinstance(spec, str):
        return spec
    dtype, _, zero_d = spec.partition("-")
    t = _left(torch, dtype) if side == "left" else _right(torch, dtype)
    return t[0] if zero_d else t


def _binary(fn, left, right):
    def scenario(torch):
        return fn(_operand(torch, left, "left"), _operand(torch, right, "right"))

    return scenario


def _pairs():
    for a in DTYPES:
        for b in DTYPES:
            yield a, b
            yield a, f"{b}-0d"
            yield f"{a}-0d", b
        for s in SCALARS:
            yield a, s
            yield s, a


# PyTorch behaviours of the ops themselves that gradcalc's declarations do not have yet:
# (test of the operands, why, and the file that has to change).
SUB_BOOL = (
    "ops/arithmetic.py sub/rsub: PyTorch refuses '-' when either operand is a bool tensor or "
    "a Python bool ('Subtraction, the `-` operator, with a bool tensor is not supported. If "
    "you are trying to invert a mask, ...'; '... with two bool tensors ...' when both are)"
)
NO_BOOL_KERNEL = (
    'ops: PyTorch has no bool kernel for {op} (NotImplementedError \'"{kernel}" not '
    "implemented for 'Bool''), gradcalc computes in int8"
)
RMOD = (
    "methods.py __rmod__ / ops remainder: 'number % tensor' needs PyTorch's "
    "remainder.Scalar_Tensor overload (gradcalc's remainder takes a Tensor self)"
)
NEGATIVE_ZERO = (
    "ops/pointwise.py remainder: PyTorch computes fmod and adds the divisor only to a nonzero "
    "result of the other sign, so an exact multiple gets the dividend's sign (-3. % 3 is -0.); "
    "numpy's remainder gives a zero the divisor's sign"
)


def _deviation(name: str, left, right) -> str | None:
    both_bool = _dtype(left) == "bool" and _dtype(right) == "bool"
    if name == "sub" and "bool" in (_dtype(left), _dtype(right)):
        return SUB_BOOL
    if name == "pow" and both_bool and isinstance(right, str):  # bool ** True works
        return NO_BOOL_KERNEL.format(op="pow", kernel="pow")
    if name == "mod":
        if both_bool:
            return NO_BOOL_KERNEL.format(op="remainder", kernel="remainder_cpu")
        if not isinstance(left, str):
            return RMOD
        if _floating(left, right) and any(
            a % b == 0 and (a < 0) != (b < 0)
            for a, b in zip(_values(left, "left"), _values(right, "right"))
        ):
            return NEGATIVE_ZERO
    return None


def _dtype(spec) -> str:
    if isinstance(spec, str):
        return spec.partition("-")[0]
    return "bool" if isinstance(spec, bool) else "number"


def _floating(left, right) -> bool:
    return any(
        isinstance(s, float) or (isinstance(s, str) and s.startswith("float"))
        for s in (left, right)
    )


def _values(spec, side: str) -> list:
    """The operand's numbers, four of them (as they broadcast)."""
    if not isinstance(spec, str):
        return [spec] * 4
    dtype, _, zero_d = spec.partition("-")
    if side == "left":
        values = {"bool": [1, 0, 1, 1], "uint8": [3, 5, 7, 1]}.get(dtype, [-3, 5, 7, 1])
    else:
        values = {"bool": [1, 1, 1, 1]}.get(dtype, [2, 3, 1, 2])
    return [values[0]] * 4 if zero_d else values


def _register_binary() -> None:
    for name, fn in OPERATORS.items():
        for left, right in _pairs():
            S.add(f"{name}/{left}/{right}", _binary(fn, left, right),
                  xfail=_deviation(name, left, right), needs=NEEDS.get(name, ()))  # fmt: skip


_register_binary()


def _promote(a, b):
    def scenario(torch):
        return torch.promote_types(getattr(torch, a), getattr(torch, b))

    return scenario


for _a in DTYPES:
    for _b in DTYPES:
        S.add(f"promote_types/{_a}/{_b}", _promote(_a, _b))


@S.case
def result_type_of_tensors_0d_tensors_and_numbers(torch):
    i8 = torch.tensor([1], dtype=torch.int8)
    f16 = torch.tensor([1.0], dtype=torch.float16)
    cases = [
        (i8, 2),
        (i8, 2.5),
        (i8, True),
        (i8, torch.tensor(2.5, dtype=torch.float64)),
        (f16, torch.tensor(2.5, dtype=torch.float64)),
        (f16, torch.tensor([2.5], dtype=torch.float64)),
        (torch.tensor(1, dtype=torch.int8), torch.tensor(1, dtype=torch.int64)),
        (torch.tensor(True), 2),
        (torch.tensor(True), 2.5),
        (torch.tensor([True]), torch.tensor(2)),
    ]
    return [torch.result_type(a, b) for a, b in cases]


# ---- unary ops, reductions and conversions per dtype -------------------------------------

UNARY = {
    "neg": lambda torch, t: -t,
    "abs": lambda torch, t: t.abs(),
    "exp": lambda torch, t: t.exp(),
    "sqrt": lambda torch, t: t.sqrt(),
    "sigmoid": lambda torch, t: t.sigmoid(),
    "reciprocal": lambda torch, t: t.reciprocal(),
    "sign": lambda torch, t: t.sign(),
    "bitwise_not": lambda torch, t: ~t,
    "logical_not": lambda torch, t: t.logical_not(),
    "sum": lambda torch, t: t.sum(),
    "sum_dim": lambda torch, t: t.sum(0),
    "sum_to_float64": lambda torch, t: t.sum(dtype=torch.float64),
    "mean": lambda torch, t: t.mean(),
    "item": lambda torch, t: t[1].item(),
    "tolist": lambda torch, t: t.tolist(),
    "float": lambda torch, t: t.float(),
    "long": lambda torch, t: t.long(),
    "bool": lambda torch, t: t.bool(),
    "half": lambda torch, t: t.half(),
}


def _unary(fn, dtype):
    def scenario(torch):
        values = {"bool": [True, False, True]}.get(dtype, [0, 1, 2])
        out = fn(torch, torch.tensor(values, dtype=getattr(torch, dtype)))
        return out, type(out).__name__

    return scenario


UNARY_DEVIATIONS = {
    ("sigmoid", "float16"): "ops/pointwise.py sigmoid: PyTorch computes float16 in float32 and "
    "rounds once (0.8809 for sigmoid(2)); numpy computes in float16 (0.8804)",
    **{
        ("bitwise_not", d): "methods.py __invert__: PyTorch's '~' on a float tensor is Python's "
        "TypeError '~ (operator.invert) is only implemented on integer and Boolean-type "
        "tensors', before bitwise_not's own RuntimeError"
        for d in ("float16", "float32", "float64")
    },
}
for _name, _fn in UNARY.items():
    for _d in DTYPES:
        S.add(f"{_name}/{_d}", _unary(_fn, _d), xfail=UNARY_DEVIATIONS.get((_name, _d)))


@S.case
def sum_with_a_dtype(torch):
    x = torch.tensor([1, 2, 3], dtype=torch.int8)
    f = torch.tensor([1.5, 2.5])
    return x.sum(dtype=torch.float32), f.sum(dtype=torch.int32), x.mean(dtype=torch.float64)


@S.case(warnings=True)
def mean_of_nothing_is_nan_without_a_warning(torch):
    x = torch.zeros(0, requires_grad=True)
    m = x.mean()
    m.backward()
    y = torch.zeros(0, 3, dtype=torch.float64)
    return m, x.grad, y.mean(0), y.sum(), y.sum(1)


@S.case
def conversions_between_dtypes(torch):
    x = torch.tensor([0.0, 1.5, 2.7, 100.0])
    return [x.to(getattr(torch, d)) for d in DTYPES]


@S.case
def conversion_to_the_same_dtype_is_the_same_tensor(torch):
    x = torch.tensor([1, 2])
    f = torch.tensor([1.0, 2.0])
    return x.long() is x, f.float() is f, f.to(torch.float32) is f, f.double() is f


@S.case
def integer_and_bool_results_do_not_require_grad(torch):
    x = torch.tensor([1.5, -2.0, 3.0], requires_grad=True)
    return x.long(), x > 0, x == 3, (x > 0).sum(), x.bool(), attempt(x.long().requires_grad_)


@S.case
def gradients_keep_each_leaf_dtype(torch):
    h = torch.tensor([1.0, 2.0], dtype=torch.float16, requires_grad=True)
    f = torch.tensor([1.0, 2.0], requires_grad=True)
    d = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    y = h * f * d
    y.sum().backward()
    return y, h.grad, f.grad, d.grad


@S.case
def integer_tensor_times_a_float_leaf(torch):
    i = torch.tensor([1, 2, 3])
    w = torch.tensor(0.5, requires_grad=True)
    y = i * w
    y.sum().backward()
    return y, w.grad


@S.case
def default_dtype_float64(torch):
    torch.set_default_dtype(torch.float64)
    try:
        return (
            torch.get_default_dtype(),
            torch.tensor([1.0, 2.0]),
            torch.tensor([1.0, 2.0], dtype=torch.float32),
            torch.tensor([1, 2]) / 2,
            torch.tensor([1, 2]) * 2.5,
            torch.ones(2),
            torch.tensor([1, 2]).exp(),
        )
    finally:
        torch.set_default_dtype(torch.float32)


@S.case
def default_dtype_must_be_floating(torch):
    try:
        return attempt(torch.set_default_dtype, torch.int64), torch.get_default_dtype()
    finally:
        torch.set_default_dtype(torch.float32)


@S.case
def reprs_per_dtype(torch):
    out = []
    for d in DTYPES:
        dtype = getattr(torch, d)
        out.append(repr(torch.tensor([[1, 0], [3, 4]], dtype=dtype)))
        out.append(repr(torch.tensor(5, dtype=dtype)))
        out.append(repr(torch.zeros(0, dtype=dtype)))
        out.append(repr(torch.zeros(2, 0, dtype=dtype)))
    return out


@S.case
def reprs_of_fractions_per_float_dtype(torch):
    return [
        repr(torch.tensor([0.1, 1 / 3, 65504.0, 1e-5], dtype=getattr(torch, d)))
        for d in ("float16", "float32", "float64")
    ]


@S.case
def item_and_tolist_types_per_dtype(torch):
    return [
        (type(torch.tensor(1, dtype=getattr(torch, d)).item()).__name__,
         torch.tensor([0.1, 2], dtype=getattr(torch, d)).tolist())
        for d in DTYPES
    ]  # fmt: skip
