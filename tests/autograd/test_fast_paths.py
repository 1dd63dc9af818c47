"""The core's fast paths held against the general code they stand in for, bit for bit.

- the engine's plain loop (``engine._run_plain``, with ``Expanded`` gradients) against the
  general ``_run_node`` (``engine.FAST_PATH = False``): every core scenario, and programs
  aimed at what the plain loop does differently (pass-through gradients, gradients that are
  one value expanded, accumulation into an existing ``.grad``, version counters);
- the exact sum of a whole contiguous tensor (``fidelity.contiguous_sum``) against
  ``numerics.cascade.cascade_sum``;
- the prepared binder (positional arguments) against the general one;
- two-operand calls of a pointwise op (``x.pow(2)``, ``torch.mul(a, b)``), which take the
  operator's path (``Op.binary``), against binding and ``Op.apply``;
- ``engine.sum_to``'s direct whole sum against ``F.sum_dim``;
- the generator's uniform draws against their 64-bit definition;
- declarations, parsed lazily, against errors that used to surface at import, and their
  becoming plain classes (without ``__getattr__``) on first use;
- ``expand`` of one number, built directly, against ``np.broadcast_to``.
"""

from __future__ import annotations

import gc
import tracemalloc

import numpy as np
import pytest
from scenario_runner import GROUPS, load_group, record
from torchlike import torch

import gradcalc.autograd.engine as engine
from gradcalc.autograd.declare import OPS, F, LazyOp, Op
from gradcalc.autograd.fidelity import contiguous_sum, reduction
from gradcalc.autograd.node import ACCUMULATE_PRIORITY, AccumulateGrad, Node
from gradcalc.autograd.numerics.cascade import cascade_sum
from gradcalc.autograd.numerics.reductions import reduce_sum
from gradcalc.autograd.random_engine import MT19937Stream
from gradcalc.autograd.schema import LazySchema, Schema
from gradcalc.autograd.settings import STATE, no_grad
from gradcalc.errors import GradcalcError


def _both_ways(fn):
    """``fn()`` with the engine's fast path on, then off."""
    results = []
    for fast in (True, False):
        engine.FAST_PATH = fast
        try:
            results.append(fn())
        finally:
            engine.FAST_PATH = True
    return results


# ---- the engine's plain loop against the general one -------------------------------------

SCENARIOS = [case for group in GROUPS for case in load_group(group)]


@pytest.mark.parametrize("case", SCENARIOS, ids=lambda c: f"{c.group}.{c.name}")
def test_scenario_runs_the_same_through_both_loops(case):
    fast, general = _both_ways(lambda: record(torch, case))
    assert fast == general


def _grads(*tensors) -> list:
    """Each gradient's bytes, dtype, shape and version (the version tells a copy from an
    array stored as it came)."""
    out = []
    for t in tensors:
        g = t.grad
        out.append(None if g is None else (g.array.tobytes(), str(g.dtype), g.shape, g._version))
    return out


def _leaf(shape, dtype=torch.float64, seed=0):
    data = np.random.default_rng(seed).normal(size=shape)
    return torch.tensor(data.tolist(), dtype=dtype, requires_grad=True)


def _mean_chain(dtype):
    x = _leaf((5, 4), dtype)
    (2 * (x + 1)).mean().backward()
    return _grads(x)


def _scalar_arithmetic(dtype):
    x = _leaf((3, 4), dtype)
    y = ((x * 3 - 1) / 7 + 2).sum()
    z = (1 - x * 0.5).mean() * 2
    (y + z).backward()
    return _grads(x)


def _zero_d_operands(dtype):
    x = _leaf((6,), dtype)
    a = _leaf((), dtype, seed=1)
    (a * x + a).mean().backward()
    return _grads(x, a)


def _one_element_operand(dtype):
    x = _leaf((2, 3), dtype)
    w = _leaf((1, 1, 1), dtype, seed=2)
    (x * w).mean().backward()  # the gradient of x gains a dimension, then is summed back
    return _grads(x, w)


def _reused_leaf(dtype):
    x = _leaf((4,), dtype)
    (x + x * 2 + x).mean().backward()
    return _grads(x)


def _broadcast_inputs(dtype):
    x = _leaf((3, 1), dtype)
    y = _leaf((4,), dtype, seed=3)
    ((x + y) * 2).mean().backward()
    return _grads(x, y)


def _accumulate_twice(dtype):
    x = _leaf((2, 5), dtype)
    y = (x * 4).mean()
    y.backward(retain_graph=True)
    first = _grads(x)
    g = x.grad
    y.backward()
    return first, _grads(x), g is x.grad


def _sum_then_add(dtype):
    x = _leaf((3, 1), dtype)
    b = _leaf((3, 4), dtype, seed=4)
    (x + b).sum().backward()  # sum's expanded gradient reaches a broadcast input unchanged
    return _grads(x, b)


def _pow_and_division(dtype):
    x = _leaf((4, 2), dtype)
    ((x**2) / 3 - x / 2).mean().backward()
    return _grads(x)


def _tutorial_step(dtype):
    x = torch.linspace(-3.0, 3.0, 200, dtype=dtype)
    y = torch.sin(x)
    a, b, c, d = (_leaf((), dtype, seed=s) for s in range(4))
    for _ in range(3):
        y_pred = a + b * x + c * x**2 + d * x**3
        loss = (y_pred - y).pow(2).sum()
        loss.backward()
        with no_grad():
            for p in (a, b, c, d):
                p -= 1e-6 * p.grad
                p.grad = None
    loss = ((a + b * x + c * x**2 + d * x**3) - y).pow(2).sum()
    loss.backward()
    return _grads(a, b, c, d)


PROGRAMS = [
    _mean_chain,
    _scalar_arithmetic,
    _zero_d_operands,
    _one_element_operand,
    _reused_leaf,
    _broadcast_inputs,
    _accumulate_twice,
    _sum_then_add,
    _pow_and_division,
    _tutorial_step,
]


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=str)
@pytest.mark.parametrize("program", PROGRAMS, ids=lambda f: f.__name__.strip("_"))
def test_program_gives_the_same_gradients_through_both_loops(program, dtype):
    fast, general = _both_ways(lambda: program(dtype))
    assert fast == general


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda f: f.__name__.strip("_"))
def test_recorded_output_grads_are_the_same_through_both_loops(program):
    def run():
        STATE.record_output_grads = True
        try:
            x = _leaf((3, 4))
            m = (2 * (x + 1) - x / 4).mean()
            nodes = [m.grad_fn, *[n for n, _ in m.grad_fn.next_functions if n is not None]]
            m.backward()
            recorded = [np.asarray(n.output_grad).tolist() for n in nodes]
            return recorded, _grads(x), program(torch.float64)
        finally:
            STATE.record_output_grads = False

    fast, general = _both_ways(run)
    assert fast == general


def _backward_peak(n: int) -> int:
    x = torch.zeros(n, dtype=torch.float64, requires_grad=True)
    m = (2 * (x + 1)).mean()
    gc.collect()
    tracemalloc.start()
    try:
        m.backward()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_expanded_gradient_is_materialised_once():
    """mean's gradient is one number: through mul and add it stays one until ``.grad``."""
    n = 1_000_000
    fast, general = _both_ways(lambda: _backward_peak(n))
    size = 8 * n
    assert fast < 1.25 * size  # the leaf's .grad only
    assert general >= 2 * size  # mul's gradient, then the leaf's copy of it


# ---- the exact whole-tensor sum --------------------------------------------------------------

SIZES = [*range(1, 80), 127, 128, 129, 255, 256, 257, 511, 512, 513, 527, 1000, 2000, 4095, 4096]
SIZES += [4097, 8191, 8192, 8193, 8200, 8704, 16384, 16400, 24576, 32767]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_contiguous_sum_is_the_cascade_sum(dtype):
    rng = np.random.default_rng(7)
    width = 8 if dtype == np.float32 else 4
    for n in SIZES:
        if n < width:
            continue
        x = (rng.normal(size=n) * rng.choice([1.0, 1e4, 1e-4], size=n)).astype(dtype)
        assert contiguous_sum(x).tobytes() == cascade_sum(x).tobytes(), n
        assert contiguous_sum(x).tobytes() == cascade_sum(x).tobytes(), n  # the plan again


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_contiguous_sum_of_zeros_infinities_and_nan(dtype):
    """The zero padding of a partial run must not show: zeros of either sign, cancelling
    sums, infinities and NaN give the cascade's bits."""
    rng = np.random.default_rng(11)
    for n in (40, 100, 2000, 8200):
        cases = [
            np.full(n, -0.0),
            rng.choice([-0.0, 0.0], size=n),
            np.concatenate([rng.normal(size=n // 2), -rng.normal(size=n - n // 2)]),
            np.where(rng.random(n) < 0.01, np.inf, rng.normal(size=n)),
            np.where(rng.random(n) < 0.01, -np.inf, rng.choice([-0.0, 1e-30], size=n)),
            np.where(rng.random(n) < 0.01, np.nan, rng.normal(size=n)),
        ]
        for values in cases:
            x = values.astype(dtype)
            assert contiguous_sum(x).tobytes() == cascade_sum(x).tobytes(), (n, values[:4])


def _numpy_sum(x, dim, keepdim):
    return np.sum(x, axis=dim, keepdims=keepdim)


@pytest.mark.parametrize(
    "shape,dim,keepdim",
    [
        ((2000,), None, False),
        ((2000,), (0,), True),
        ((40, 50), (0, 1), True),
        ((3, 4, 5), None, False),
        ((5,), None, False),
        ((3,), None, False),
        ((2, 0), None, False),
        ((40000,), None, False),
    ],
)
def test_fidelity_sum_matches_the_reduction_kernel(shape, dim, keepdim):
    x = np.random.default_rng(1).normal(size=shape).astype(np.float32)
    ours = reduction(reduce_sum, _numpy_sum, x, dim, keepdim)
    theirs = np.asarray(reduce_sum(x, dim, keepdim))
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
    assert ours.tobytes() == theirs.tobytes()


def test_sum_of_all_zeros_is_positive_zero():
    x = -np.zeros(64, dtype=np.float32)
    assert np.signbit(contiguous_sum(x)) == np.signbit(cascade_sum(x)) == False  # noqa: E712


# ---- the prepared binder -----------------------------------------------------------------------

_VALUES = [
    torch.ones(2, 3),
    torch.tensor(2.0),
    2,
    -1,
    1.5,
    True,
    None,
    (0, 1),
    [1, 2],
    "mean",
    torch.float64,
    [torch.ones(2)],
]


def _bound(schema: Schema, args: tuple, general: bool):
    try:
        values = schema._bind(args, {}, False, None) if general else schema.bind(args, {})
    except GradcalcError as e:
        return ("error", type(e).__name__, e.message)
    return (
        "ok",
        [(type(v).__name__, v if type(v).__name__ != "Tensor" else id(v)) for v in values],
    )


def test_prepared_binder_agrees_with_the_general_one():
    rng = np.random.default_rng(3)
    schemas = [op.schema for op in OPS.values()]
    checked = 0
    for schema in schemas:
        for count in range(len(schema.positional) + 2):
            for _ in range(3):
                args = tuple(_VALUES[i] for i in rng.integers(len(_VALUES), size=count))
                assert _bound(schema, args, False) == _bound(schema, args, True), (
                    schema.text,
                    args,
                )
                checked += 1
    assert checked > 1000


# ---- two-operand calls through the operator path ----------------------------------------------


def _operands():
    yield torch.tensor([1.5, -2.0, 0.0], requires_grad=True)
    yield torch.tensor([[0.5], [3.0]], dtype=torch.float64, requires_grad=True)
    yield torch.tensor([2, -3, 4])
    yield torch.tensor([True, False, True])
    yield 2
    yield -0.5


def _outcome(fn, *args):
    try:
        out = fn(*args)
    except Exception as error:  # noqa: BLE001 - both paths must fail alike (int ** -int: numpy's)
        return ("error", type(error).__name__, str(error))
    if type(out) is not type(torch.tensor(0.0)):
        return ("value", out)
    grads = None
    if out.requires_grad:
        leaves = [t for t in args if type(t) is type(out) and t.requires_grad]
        try:
            grads = [g.numpy().tobytes() for g in torch.autograd.grad(out.sum(), leaves)]
        except GradcalcError as error:  # floor_divide: "derivative ... not implemented"
            grads = str(error)
    name = out.grad_fn.name() if out.grad_fn is not None else None
    return (out.detach().numpy().tobytes(), out.dtype, tuple(out.shape), name, grads)


def _general_call(declared, a, b):
    return declared.apply(declared.schema.bind((a, b), {}))


def test_two_operand_calls_take_the_operator_path_exactly():
    from gradcalc.autograd.registry import FUNCTIONS, METHODS, Spelling, _binary_op

    tensor_type = type(torch.tensor(0.0))
    spellings = [s for table in (FUNCTIONS["torch"], METHODS) for s in table.values()]
    fast_ones = [s for s in spellings if type(s) is Spelling and _binary_op(s) is not None]
    assert {"pow", "mul", "add", "sub", "div", "eq", "rsub"} <= {s.name for s in fast_ones}
    checked = 0
    for spelling in fast_ones:
        declared = spelling.overloads[0]
        for a in _operands():
            if type(a) is not tensor_type:
                continue
            for b in _operands():
                fast = _outcome(spelling, a, b)
                general = _outcome(_general_call, declared, a, b)
                assert fast == general, (spelling.name, a, b)
                checked += 1
    assert checked > 300


def test_sum_to_one_number_is_f_sum():
    rng = np.random.default_rng(5)
    for dtype in (np.float32, np.float64):
        for shape, target in [((2000,), ()), ((40, 50), (1, 1)), ((3, 7, 5), (1,)), ((9,), (1,))]:
            g = (rng.normal(size=shape) * 1e3).astype(dtype)
            axes = tuple(range(len(shape)))
            expected = np.asarray(F.sum_dim(g, axes, True)).reshape(target)
            got = engine.sum_to(g, target)
            assert got.dtype == expected.dtype and got.shape == expected.shape
            assert got.tobytes() == expected.tobytes(), (dtype, shape)


# ---- the generator ------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [0, 1, 5, 1000, 100_003])
def test_uniform_draws_are_their_64_bit_definition(count):
    ours, reference = MT19937Stream(123), MT19937Stream(123)
    u53 = ours.uniform53(count)
    bits = reference.random64(count) & np.uint64((1 << 53) - 1)
    assert u53.dtype == np.float64 and u53.shape == (count,)
    assert u53.tobytes() == (bits.astype(np.float64) * 2.0**-53).tobytes()
    u24 = ours.uniform24(count)
    bits = reference.random32(count) & np.uint64(0xFFFFFF)
    assert u24.dtype == np.float32 and u24.shape == (count,)
    assert u24.tobytes() == (bits.astype(np.float32) * np.float32(2.0**-24)).tobytes()


# ---- lazy declarations -----------------------------------------------------------------------


def test_every_declaration_prepares():
    """What declaring used to check at import (formulas read existing arguments, derivatives
    name existing inputs) now runs on first use: here, for every op."""
    for declared in OPS.values():
        assert declared.schema.params is not None
        assert type(declared.schema) is Schema
        if hasattr(type(declared), "prepare"):
            declared.prepare()
            assert len(declared.formulas) == len(declared.inputs)
            assert type(declared) is Op


def _twice(op_class):
    return op_class(
        "twice(Tensor self) -> Tensor",
        lambda self: self * 2,
        "TwiceBackward0",
        grads={"self": lambda grad, other: grad * 2},
    )


def test_a_bad_formula_is_reported_on_first_use():
    bad = _twice(LazyOp)
    with pytest.raises(TypeError, match="reads 'other'"):
        bad.prepare()
    with pytest.raises(TypeError, match="reads 'other'"):
        bad.formulas  # noqa: B018 - a use
    with pytest.raises(TypeError, match="reads 'other'"):
        _twice(Op)  # an Op made directly prepares at once


def test_a_lazy_declaration_becomes_plain_on_first_use():
    """Attribute reads are specialized (fast) only on classes without ``__getattr__``: the
    first use leaves neither ``__getattr__`` on the op nor on its schema."""
    declared = LazyOp("thrice(Tensor self) -> Tensor", lambda self: self * 3)
    assert type(declared) is LazyOp and type(declared.schema) is LazySchema
    assert declared.name == "thrice" and type(declared.schema) is LazySchema  # names only
    assert declared.schema.positional[0].name == "self"
    assert type(declared.schema) is Schema
    assert declared.differentiable is False
    assert type(declared) is Op
    assert not any(hasattr(c, "__getattr__") for c in (Op, Schema, Node))


# ---- views made directly ----------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(2000,), (3, 4), (1,), (0,), (2, 0, 3)])
def test_expanding_one_number_is_broadcast_to(shape):
    """``expand`` of a 0-d array (a sum's gradient) builds numpy's broadcast view itself:
    the same values, strides and base, and read-only."""
    source = np.asarray(np.float32(1.5))
    ours, numpy_view = F.expand(source, shape), np.broadcast_to(source, shape)
    assert ours.shape == numpy_view.shape and ours.dtype == numpy_view.dtype
    assert ours.strides == numpy_view.strides and ours.base is source
    assert not ours.flags.writeable
    assert ours.tobytes() == numpy_view.tobytes()
    with pytest.raises(ValueError, match="read-only"):
        ours[...] = 0


def test_an_op_node_sets_every_node_attribute():
    """``OpNode.__init__`` writes ``Node.__init__`` out: it must set every slot a node has."""
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    node = (x * 2).grad_fn
    plain = Node((), ())
    for name in Node.__slots__:
        if name != "__weakref__":
            assert getattr(node, name) == getattr(plain, name) or name in (
                "next_functions",
                "input_meta",
                "seq",
                "priority",
            ), name
    assert node.seq == node.priority and node.seq < plain.seq


def test_a_leaf_accumulator_sets_every_node_attribute():
    """``AccumulateGrad.__init__`` writes ``Node.__init__`` out too."""
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    node = (x * 2).grad_fn.next_functions[0][0]
    assert type(node) is AccumulateGrad and node.variable is x
    plain = Node((), ())
    for name in Node.__slots__:
        if name not in ("__weakref__", "seq", "priority"):
            assert getattr(node, name) == getattr(plain, name), name
    assert node.seq < plain.seq and node.priority == ACCUMULATE_PRIORITY
