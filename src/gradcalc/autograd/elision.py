"""Reuse the buffer of a temporary that dies inside an expression: ``2 * (x + 1)``.

numpy computes ``2 * (a + 1)`` on arrays with one buffer (temporary elision): ``a + 1`` is
a fresh array nobody else can reach, so the multiplication writes into it. On large
arrays that is the difference between touching fresh pages (page faults: ~3 ms per run
of ``mean(2*(x+1))`` on 10^6 elements, measured) and reusing warm ones. The operators
``+ - * /`` of Tensors do the same, only when all of this is proved:

* the operand is a temporary of the running expression: its reference count, taken first
  thing in the operator, is the count the calibration below measured for a temporary
  (the interpreter's value stack and this call hold it, nothing else), and the calling
  frame is executing a binary-operator instruction, not a call such as
  ``operator.mul(t, 2)`` or ``t.__mul__(2)``, which hand references over differently;
* its array is its own and nobody else holds it: not a view, writeable, not saved by a
  node, not the base of a view, not taken as ``t.data`` (the array's reference count);
* it is not a leaf that requires grad (its AccumulateGrad would keep it);
* the result has its shape and dtype, and the node being recorded does not save it.

CPython 3.14 pushes borrowed references for local variables, so there a named tensor
shows the count of a temporary: elision is off from 3.14 on and on free-threaded builds,
and the calibration turns it off wherever the counts do not come out as expected.

One hole is left, the one numpy closes by inspecting the C stack: C code that applies an
operator to a borrowed reference while the calling frame runs a binary instruction.
numpy's object-dtype arrays do that, so ``a * 2`` on an object array whose element is a
large Tensor referenced by nothing else would overwrite that element. Tensors are not
meant to be stored in object arrays.
"""

from __future__ import annotations

import sys

import numpy as np

from gradcalc.autograd.ops.arithmetic import _binary
from gradcalc.autograd.ops.common import broadcast_pair
from gradcalc.autograd.tensor import Tensor

# numpy's own threshold (NPY_MIN_ELIDE_BYTES): below it a fresh allocation is cheap.
MIN_BYTES = 256 * 1024

_OPCODE_NAMES = (
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


def _binary_opcodes() -> frozenset:
    import opcode

    return frozenset(opcode.opmap[name] for name in _OPCODE_NAMES if name in opcode.opmap)


_BINARY = _binary_opcodes()


def _in_binary_instruction(frame) -> bool:
    code = frame.f_code.co_code
    lasti = frame.f_lasti
    return 0 <= lasti < len(code) and code[lasti] in _BINARY


class _Probe:
    """Measures what an operator of Tensor sees: the same call shape as ``_operator``."""

    __slots__ = ()

    def __mul__(self, other):
        return (
            sys.getrefcount(self),
            sys.getrefcount(other),
            _in_binary_instruction(sys._getframe(1)),
        )

    def __rmul__(self, other):
        return sys.getrefcount(self), None, _in_binary_instruction(sys._getframe(1))


def _calibrate() -> int | None:
    """The reference count of a temporary operand, or None when elision must stay off."""
    if sys.version_info >= (3, 14):
        return None
    gil_enabled = getattr(sys, "_is_gil_enabled", None)
    if gil_enabled is not None and not gil_enabled():
        return None
    named = _Probe()
    temp_self, _, temp_site = _Probe() * 1.0
    _, temp_other, other_site = named * _Probe()
    reflected, _, reflected_site = 1.0 * _Probe()
    named_self, _, _ = named * 1.0
    named_reflected, _, _ = 1.0 * named
    _, _, explicit_site = named.__mul__(1.0)
    _, _, explicit_temp_site = _Probe().__mul__(1.0)
    temp = temp_self
    if not (temp == temp_other == reflected and temp_site and other_site and reflected_site):
        return None
    if named_self != temp + 1 or named_reflected != temp + 1:
        return None
    if explicit_site or explicit_temp_site:
        return None
    return temp


TEMPORARY = _calibrate()


def _references_of_a_lone_array() -> int:
    """References to an array that only its Tensor holds, counted as ``_owns_dead_buffer``
    counts them."""
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
    if type(data) is not np.ndarray or data.nbytes < MIN_BYTES:
        return False
    if data.base is not None or not data.flags.writeable:
        return False
    other_data = other.data if type(other) is Tensor else other
    if np.result_type(data, other_data) != data.dtype:
        return False
    other_shape = other_data.shape if type(other_data) is np.ndarray else ()
    return broadcast_pair(data.shape, other_shape) == data.shape


def _elide(rule, verb, checked_swapped, rule_swapped, self, other, self_refs, other_refs):
    """``rule`` applied into the buffer of a dead operand, or None to take the usual path."""
    if not _in_binary_instruction(sys._getframe(2)):
        return None
    x, y = (other, self) if checked_swapped else (self, other)
    x, y = _binary(x, y, verb)  # the usual operand conversion and shape check, in order
    if rule_swapped != checked_swapped:
        x, y = y, x
    for candidate, refs in ((self, self_refs), (other, other_refs)):
        if refs != TEMPORARY or type(candidate) is not Tensor:
            continue
        partner = y if candidate is x else x
        if candidate is not x and candidate is not y:
            continue
        if _owns_dead_buffer(candidate, partner):
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
        # Measured before this frame makes a lasting reference to either operand.
        self_refs = sys.getrefcount(self)
        other_refs = sys.getrefcount(other)
        if type(self) is Tensor:
            result = _elide(
                rule, verb, checked_swapped, rule_swapped, self, other, self_refs, other_refs
            )
            if result is not None:
                return result
        return usual(self, other)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = usual.__doc__
    return method
