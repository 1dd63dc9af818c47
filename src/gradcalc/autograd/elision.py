"""Reuse the buffer of a temporary that dies inside an expression: ``2 * (x + 1)``.

numpy computes ``2 * (a + 1)`` on arrays with one buffer (temporary elision): ``a + 1`` is
a fresh array nobody else can reach, so the multiplication writes into it. On large
arrays that is the difference between touching fresh pages (page faults: ~3 ms per run
of ``mean(2*(x+1))`` on 10^6 elements, measured) and reusing warm ones. The operators
``+ - * /`` of Tensors do the same, only when all of this is proved:

* the operand never left the interpreter's value stack: an operator of this module made
  it, in the frame now running, and between that instruction and the current one the
  frame ran only loads, constants and other operators (no call, store or jump that could
  hand it to anyone), and the current instruction is a binary operator (not a call such
  as ``operator.mul(t, 2)``);
* nothing else holds it: its reference count, taken first thing in the operator, is the
  count a calibration probe measured for a temporary (3 on CPython 3.10 to 3.13);
* its array is its own: not a view, C-contiguous, writeable, floating, referenced by no
  one else (not saved by a node, not the base of a view, not taken as ``t.data``);
* it is not a leaf that requires grad (its AccumulateGrad would keep it);
* the result has its shape and dtype, and the node being recorded does not save it.

The first point is what numpy gets by walking the C stack: it rules out native code
(numpy object arrays, C proxies) that applies an operator to a tensor it holds with a
borrowed reference, which shows the same count as a temporary. CPython 3.14 pushes
borrowed references for local variables, so elision is off from 3.14 on, on other
implementations and on free-threaded builds, and whenever the calibration does not come
out as expected.
"""

from __future__ import annotations

import sys

import numpy as np

from gradcalc.autograd.ops.arithmetic import _binary
from gradcalc.autograd.ops.common import broadcast_pair
from gradcalc.autograd.tensor import Tensor

# numpy's own threshold (NPY_MIN_ELIDE_BYTES): below it a fresh allocation is cheap.
MIN_BYTES = 256 * 1024

_OPERATOR_NAMES = (
    "BINARY_OP",  # 3.11+
    "BINARY_ADD",
    "BINARY_SUBTRACT",
    "BINARY_MULTIPLY",
    "BINARY_TRUE_DIVIDE",
    "INPLACE_ADD",
    "INPLACE_SUBTRACT",
    "INPLACE_MULTIPLY",
    "INPLACE_TRUE_DIVIDE",
)
# Instructions that may run between making a temporary and using it without being able to
# reach it: it sits on the value stack below their operands.
_HARMLESS_NAMES = _OPERATOR_NAMES + (
    "CACHE",
    "NOP",
    "EXTENDED_ARG",
    "LOAD_CONST",
    "LOAD_SMALL_INT",
    "LOAD_FAST",
    "LOAD_FAST_CHECK",
    "LOAD_FAST_LOAD_FAST",
    "LOAD_NAME",
    "LOAD_GLOBAL",
    "LOAD_DEREF",
    "LOAD_ATTR",
    "PUSH_NULL",
    "BINARY_SUBSCR",
    "BINARY_POWER",
    "BINARY_MATRIX_MULTIPLY",
    "BINARY_FLOOR_DIVIDE",
    "BINARY_MODULO",
    "UNARY_NEGATIVE",
    "UNARY_POSITIVE",
)


def _opcodes(names) -> frozenset:
    import opcode

    return frozenset(opcode.opmap[name] for name in names if name in opcode.opmap)


_OPERATORS = _opcodes(_OPERATOR_NAMES)
_HARMLESS = _opcodes(_HARMLESS_NAMES)


def _in_operator(frame) -> bool:
    code = frame.f_code.co_code
    lasti = frame.f_lasti
    return 0 <= lasti < len(code) and code[lasti] in _OPERATORS


def _stayed_on_the_stack(t: Tensor, frame) -> bool:
    """``t`` was made by an operator in ``frame`` and only harmless instructions ran since."""
    site = getattr(t, "_site", None)
    if site is None or site[0] != id(frame) or site[1] is not frame.f_code:
        return False
    made, now = site[2], frame.f_lasti
    if not made < now:
        return False
    code = frame.f_code.co_code
    for offset in range(made + 2, now, 2):
        if code[offset] not in _HARMLESS:
            return False
    return True


class _Probe:
    """Measures what an operator of Tensor sees: the same call shape as ``operator``."""

    __slots__ = ()

    def __mul__(self, other):
        return sys.getrefcount(self), sys.getrefcount(other), _in_operator(sys._getframe(1))

    def __rmul__(self, other):
        return sys.getrefcount(self), None, _in_operator(sys._getframe(1))


def _probe() -> int | None:
    named = _Probe()
    temp_self, _, temp_site = _Probe() * 1.0
    _, temp_other, other_site = named * _Probe()
    reflected, _, reflected_site = 1.0 * _Probe()
    named_self, _, _ = named * 1.0
    named_reflected, _, _ = 1.0 * named
    _, _, explicit_site = named.__mul__(1.0)
    _, _, explicit_temp_site = _Probe().__mul__(1.0)
    temp = temp_self
    if temp != 3 or not (temp == temp_other == reflected):
        return None
    if not (temp_site and other_site and reflected_site) or explicit_site or explicit_temp_site:
        return None
    if named_self != temp + 1 or named_reflected != temp + 1:
        return None
    return temp


def _calibrate() -> int | None:
    """The reference count of a temporary operand, or None when elision must stay off."""
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 14):
        return None
    gil_enabled = getattr(sys, "_is_gil_enabled", None)
    if gil_enabled is not None and not gil_enabled():
        return None
    # A trace or profile function that reads f_locals adds references: measure without.
    trace, profile = sys.gettrace(), sys.getprofile()
    sys.settrace(None)
    sys.setprofile(None)
    try:
        return _probe()
    finally:
        sys.settrace(trace)
        sys.setprofile(profile)


TEMPORARY = _calibrate()


def _references_of_a_lone_array() -> int:
    """References to an array only its Tensor holds, as ``_owns_dead_buffer`` counts them."""
    t = Tensor._make(np.empty(0))
    return sys.getrefcount(t.data)


_ARRAY_ALONE = _references_of_a_lone_array()


def _owns_dead_buffer(t: Tensor, other) -> bool:
    """``t`` (a temporary) may receive the result of ``t <op> other``."""
    if t.grad_fn is None and t._requires_grad:
        return False
    if sys.getrefcount(t.data) != _ARRAY_ALONE:
        return False
    data = t.data
    if type(data) is not np.ndarray or data.nbytes < MIN_BYTES or data.dtype.kind != "f":
        return False
    flags = data.flags
    if data.base is not None or not flags.writeable or not flags.c_contiguous:
        return False
    other_data = other.data if type(other) is Tensor else other
    if np.result_type(data, other_data) != data.dtype:
        return False
    other_shape = other_data.shape if type(other_data) is np.ndarray else ()
    return broadcast_pair(data.shape, other_shape) == data.shape


def _elide(rule, verb, checked_swapped, rule_swapped, self, other, candidates, frame):
    """``rule`` applied into the buffer of a dead operand, or None to take the usual path."""
    x, y = (other, self) if checked_swapped else (self, other)
    x, y = _binary(x, y, verb)  # the usual operand conversion and shape check, in order
    if rule_swapped != checked_swapped:
        x, y = y, x
    for candidate in candidates:
        if candidate is not x and candidate is not y:
            continue
        partner = y if candidate is x else x
        if _stayed_on_the_stack(candidate, frame) and _owns_dead_buffer(candidate, partner):
            result = rule.apply_into(0 if candidate is x else 1, x, y)
            if result is not None:
                return result
    return None


def operator(
    name: str, usual, rule, verb: str, checked_swapped: bool = False, rule_swapped: bool = False
):
    """Tensor's ``__add__``-style method: ``usual(self, other)`` unless a dead operand's
    buffer can take the result.

    ``checked_swapped``: ``usual`` checks its operands as ``(other, self)``;
    ``rule_swapped``: ``rule`` takes them as ``(other, self)``.
    """
    if TEMPORARY is None:
        return usual

    def method(self, other):
        # Small operands (the per-op overhead that matters) pay one size check.
        if self.data.nbytes < MIN_BYTES and (
            type(other) is not Tensor or other.data.nbytes < MIN_BYTES
        ):
            return usual(self, other)
        # Counted before this frame makes a lasting reference to either operand.
        self_refs = sys.getrefcount(self)
        other_refs = sys.getrefcount(other)
        frame = sys._getframe(1)
        result = None
        if type(self) is Tensor and (type(other) in (Tensor, float, int)):
            candidates = [
                t
                for t, refs in ((self, self_refs), (other, other_refs))
                if refs == TEMPORARY and type(t) is Tensor
            ]
            if candidates and _in_operator(frame):
                result = _elide(
                    rule, verb, checked_swapped, rule_swapped, self, other, candidates, frame
                )
        if result is None:
            result = usual(self, other)
        if result.data.nbytes >= MIN_BYTES:
            result._site = (id(frame), frame.f_code, frame.f_lasti)
        return result

    method.__name__ = method.__qualname__ = name
    method.__doc__ = usual.__doc__
    return method
