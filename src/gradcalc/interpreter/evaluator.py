"""Walks the syntax tree and runs it on the autograd core.

One ``Evaluator`` holds a session's state (variables, module aliases, the outputs of the
running statement) and is the ``rt`` the interpreter-level builtins receive. Every error
leaves here as a ``GradcalcError`` carrying the span of the expression that failed; an
unexpected Python exception from below is turned into an ``EvaluationError`` in one place
(``_guard``), so no traceback ever reaches a user.
"""

from __future__ import annotations

import math
import operator
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradcalc.errors import (
    ArgumentError,
    AutogradError,
    EvaluationError,
    GradcalcError,
    LimitError,
    NameLookupError,
    ShapeError,
    Span,
    ValueDomainError,
)
from gradcalc.grammar import ast
from gradcalc.interpreter import builtins as B
from gradcalc.interpreter import core, fstrings
from gradcalc.interpreter.results import Output
from gradcalc.interpreter.values import (
    DEFAULT_MODULE_ALIASES,
    DTYPE_NAMES,
    KNOWN_MODULES,
    BoundMethod,
    BuiltinRef,
    DType,
    GradFnView,
    Namespace,
    ReturnTuple,
    Size,
    did_you_mean,
)

DEFAULT_MAX_ELEMENTS = 100_000_000  # 800 MB of float64: one tensor stays well inside memory

# Attributes a tensor exposes (besides the methods of the builtins table).
TENSOR_ATTRIBUTES = (
    "grad",
    "requires_grad",
    "grad_fn",
    "is_leaf",
    "data",
    "shape",
    "ndim",
    "dtype",
    "T",
)
ASSIGNABLE_ATTRIBUTES = ("grad", "requires_grad", "data")

# Graph labels (the expression that made a node) longer than this show only both ends.
LABEL_MAX_CHARS = 200
LABEL_HEAD_CHARS = 120
LABEL_TAIL_CHARS = 60

_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "//": operator.floordiv,
    "%": operator.mod,
    "@": operator.matmul,
    "**": operator.pow,
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_VERBS = {
    "+": "add",
    "-": "subtract",
    "*": "multiply",
    "/": "divide",
    "//": "floor-divide",
    "%": "take the remainder of",
    "**": "raise to a power",
    "@": "matrix-multiply",
}
_COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})
_INT_PARAMS = frozenset(
    {"dim", "dim0", "dim1", "axis", "n", "m", "steps", "diagonal", "k", "start_dim", "end_dim"}
)
_SEQUENCE_PARAMS = frozenset({"tensors", "seq", "arrays", "inputs", "outputs"})


@dataclass
class NodeLabel:
    """What the graph view shows for a recorded operation."""

    text: str  # the source text of the expression that made it (``2 * y``)
    value: Any  # the output array (record_graph) or a weakref to the output tensor
    constants: list  # (text, number or tensor) inputs that need no gradient


class Evaluator:
    def __init__(
        self,
        *,
        dtype: str = "float64",
        seed: int = 0,
        max_elements: int = DEFAULT_MAX_ELEMENTS,
        precision: int = 4,
    ):
        if dtype not in ("float64", "float32"):
            raise ValueDomainError(f"unsupported dtype {dtype!r}", hint="use float64 or float32")
        self.dtype = dtype
        self.seed = seed
        self.max_elements = max_elements
        self.precision = precision
        self.variables: dict[str, Any] = {}
        self.module_aliases: dict[str, str] = dict(DEFAULT_MODULE_ALIASES)
        self.outputs: list[Output] = []
        self.source = ""
        self.differentiated = False
        # gradcalc's own rule: a literal or constructor bound to a name is a leaf that
        # requires grad. Off for .py scripts, which run as Python runs them.
        self.literal_leaves = True
        self.backward_calls = 0
        # Backward calls since a .grad was last reset (zero_(), zero_grad(), .grad = None):
        # the passes today's gradients add up.
        self.backward_calls_since_reset = 0
        self.calling_as_tuple = False
        self.record_graph = True
        self.leaf_labels: dict[int, tuple] = {}
        self.node_labels: dict[int, tuple] = {}
        self.warned_nonfinite: set[str] = set()
        # Hooks the session installs: what a backward call does, what zeroing grads means.
        self.backward_hook: Callable | None = None
        self.zero_hook: Callable | None = None
        self.generator = core.make_generator(seed)

    # ---- statements ----------------------------------------------------------------------

    def execute(self, stmt: ast.Statement) -> None:
        try:
            self._execute(stmt)
        except GradcalcError as exc:
            raise exc.at(stmt.span) from None
        except RecursionError:
            raise LimitError(
                "expression nested too deeply",
                hint="split it into several statements with intermediate variables",
                span=stmt.span,
            ) from None
        except MemoryError:
            raise LimitError(
                "out of memory while evaluating this statement",
                hint="use smaller tensors (see --max-elements)",
                span=stmt.span,
            ) from None
        except Exception as exc:  # the safety net: never a traceback
            raise EvaluationError(
                f"internal error: {type(exc).__name__}: {exc}",
                hint="this is a bug in gradcalc; please report it with the statement",
                span=stmt.span,
            ) from exc

    def _execute(self, stmt: ast.Statement) -> None:
        if isinstance(stmt, ast.Assign):
            if isinstance(stmt.target, ast.Name):
                value = self.evaluate_bound(stmt.value)
                self.assign(stmt.target.id, value)
            else:
                self.assign_attribute(stmt.target, self.evaluate(stmt.value))
        elif isinstance(stmt, ast.AugAssign):
            name = stmt.target.id
            current = self.lookup_name(stmt.target)
            right = self.evaluate(stmt.value)
            value = self.binary(stmt.op, current, right, stmt.span)
            if core.is_tensor(current) and not core.is_grad_enabled():
                # Inside ``with torch.no_grad():`` it is PyTorch's in-place operation: the
                # tensor, leaf or not, keeps being itself and only its values change.
                self._write_in_place(name, current, value, stmt)
                return
            if (
                core.is_tensor(current)
                and core.is_leaf(current)
                and core.requires_grad(current)
                and core.grad_of(current) is not None
            ):
                # ``w -= lr * w.grad`` outside no_grad: PyTorch refuses this classic SGD-loop
                # slip; gradcalc rebinds, so say so before the leaf silently stops receiving
                # gradients.
                self.emit(
                    "warning",
                    f"{name} {stmt.op}= ... made {name} a new non-leaf tensor: it no longer "
                    "receives gradients (PyTorch refuses this with 'a leaf Variable that "
                    "requires grad is being used in an in-place operation'); to update a "
                    f"leaf's values, write the step inside a block: with torch.no_grad(): "
                    f"{name} {stmt.op}= ... (or write {name}.data {stmt.op}= ...)",
                    stmt.span,
                )
            self._remember(
                value,
                self.text(stmt.span),
                operands=((current, name), (right, self.text(stmt.value.span))),
            )
            self.assign(name, value)
        elif isinstance(stmt, ast.ExprStatement):
            value = self.evaluate(stmt.expr)
            self.last_expression_value = value
            if value is not None:
                self.emit("value", self.repr_value(value), stmt.span)
        elif isinstance(stmt, ast.Import):
            self.do_import(stmt)
        elif isinstance(stmt, ast.Unpack):
            self._unpack_assign(stmt)
        elif isinstance(stmt, ast.With):
            # The session runs a block itself, to report each statement on its own; this is
            # for whoever runs a With whole (it stops at the first failing statement).
            with core.grad_mode(self.grad_mode_of(stmt)):
                for inner in stmt.body:
                    self.execute(inner)
        else:  # pragma: no cover - the parser builds only the statements above
            raise EvaluationError(f"unsupported statement {type(stmt).__name__}")

    def _write_in_place(self, name: str, tensor: Any, value: Any, stmt: ast.AugAssign) -> None:
        """``w -= ...`` under no_grad: write ``value`` into ``tensor`` as ``w.sub_(...)``
        would, keeping its dtype, shape and identity (so a leaf keeps its ``.grad``)."""
        array = core.data(tensor)
        result = core.data(self.to_tensor(value, f"{stmt.op}="))
        if result.shape != array.shape:
            raise ShapeError(
                f"output with shape {list(array.shape)} doesn't match the broadcast shape "
                f"{list(result.shape)}",
                hint=f"an in-place {stmt.op}= keeps {name}'s shape; bind a new name instead, "
                f"e.g. {name}2 = {name} {stmt.op} ...",
                span=stmt.span,
            )
        if array.dtype.kind != result.dtype.kind and array.dtype.kind not in "f":
            raise ArgumentError(
                f"result type {result.dtype.name} can't be cast to the desired output type "
                f"{array.dtype.name}",
                span=stmt.span,
            )
        self.write_into(tensor, result)
        self.variables.pop(name, None)  # updated, so newest, as a rebinding would be
        self.variables[name] = tensor
        self.check_finite(name, tensor)

    def write_into(self, tensor: Any, result: np.ndarray) -> None:
        """Put ``result`` (broadcast to its shape) into ``tensor``'s values, in place."""
        array = core.data(tensor)
        if array.flags.writeable and not self._is_a_gradient(tensor):
            array[...] = result  # a tensor sharing the array (``w.data``) sees it, as in PyTorch
        else:
            # One gradient array may be shared by several leaves' .grad (x + y): a new array
            # for this one leaves the others as they were.
            core.set_data(tensor, np.broadcast_to(result, array.shape).astype(array.dtype))
        core.mark_modified(tensor)

    def _is_a_gradient(self, tensor: Any) -> bool:
        return any(
            core.is_tensor(value) and value is not tensor and core.grad_of(value) is tensor
            for value in self.variables.values()
        )

    def grad_mode_of(self, stmt: ast.With) -> bool:
        """Whether the block of ``with <context>:`` records gradients: False for
        ``torch.no_grad()``, True for ``torch.enable_grad()``, ``mode`` for
        ``torch.set_grad_enabled(mode)``, ``not mode`` for ``torch.inference_mode(mode=True)``."""
        call = stmt.context
        func = call.func
        if isinstance(func, ast.Name):
            name = func.id
            if name in self.variables:
                raise ArgumentError(
                    f"'{self.type_name(self.variables[name])}' object does not support the "
                    "context manager protocol",
                    hint=f"the variable {name} hides torch's {name}(); write torch.{name}()",
                    span=func.span,
                )
        else:
            name = func.attr
            base = self.evaluate(func.value)
            if not isinstance(base, Namespace) or base.path not in ("torch", "torch.autograd"):
                what = base.path if isinstance(base, Namespace) else self.type_name(base)
                raise NameLookupError(
                    f"'{what}' has no attribute '{name}'",
                    hint=f"write torch.{name}()",
                    span=func.attr_span,
                )
        names = ("mode",)
        if len(call.args) > len(names) or any(k.name not in names for k in call.keywords):
            raise ArgumentError(
                f"{name}() takes {'a mode' if name in ('set_grad_enabled', 'inference_mode') else 'no arguments'}",
                span=call.span,
            )
        modes = [self.evaluate(a) for a in call.args] + [
            self.evaluate(k.value) for k in call.keywords
        ]
        if name in ("no_grad", "enable_grad"):
            if modes:
                raise ArgumentError(f"{name}() takes no arguments", span=call.span)
            return name == "enable_grad"
        if len(modes) > 1:
            raise ArgumentError(f"{name}() got multiple values for argument 'mode'", span=call.span)
        if not modes:
            if name == "set_grad_enabled":
                raise ArgumentError(
                    "set_grad_enabled() missing 1 required positional argument: 'mode'",
                    hint="with torch.set_grad_enabled(False): turns recording off",
                    span=call.span,
                )
            return False  # inference_mode()
        (mode,) = modes
        if core.is_tensor(mode) and core.data(mode).size == 1 and core.data(mode).dtype == bool:
            mode = bool(core.data(mode).reshape(()))
        if not isinstance(mode, bool):
            raise ArgumentError(
                f"{name}() expects True or False, got {self.type_name(mode)}", span=call.span
            )
        return mode if name == "set_grad_enabled" else not mode

    def _unpack_assign(self, stmt: ast.Unpack) -> None:
        """``a, b = value``: a tuple, a list or a tensor's first dimension, one name each."""
        targets = stmt.targets
        count = len(targets)
        node = stmt.value
        if isinstance(node, ast.TupleLiteral) and len(node.elements) == count:
            # ``a, b = 1.0, [2.0]`` binds as ``a = 1.0; b = [2.0]`` does: literals make leaves.
            values = [self.evaluate_bound(element) for element in node.elements]
        else:
            values = self._unpacked(self.evaluate(node), count, node)
        for target, value in zip(targets, values):
            self.assign(target.id, value)

    def _unpacked(self, value: Any, count: int, node: ast.Expr) -> list:
        text = self.text(node.span)
        if core.is_tensor(value):
            shape = core.data(value).shape
            if not shape:
                raise ArgumentError(
                    "iteration over a 0-d tensor",
                    hint="it holds one value; for values and indices give a dim, e.g. x.max(dim=0)",
                    span=node.span,
                )
            self._check_unpack_count(shape[0], count, node)
            items = []
            for i in range(count):
                item = self._guard(lambda i=i: core.index(value, i), "unpacking", node.span)
                self._remember(item, f"{text}[{i}]")
                items.append(item)
            return items
        if isinstance(value, tuple | list):
            self._check_unpack_count(len(value), count, node)
            return list(value)
        raise ArgumentError(
            f"cannot unpack non-iterable {self.type_name(value)} object",
            hint="the right side must be a tuple, a list or a tensor with as many elements "
            "as there are names",
            span=node.span,
        )

    @staticmethod
    def _check_unpack_count(found: int, count: int, node: ast.Expr) -> None:
        if found > count:
            message = f"too many values to unpack (expected {count})"
        elif found < count:
            message = f"not enough values to unpack (expected {count}, got {found})"
        else:
            return
        raise ValueDomainError(
            message,
            hint=f"the right side has {found} value{'' if found == 1 else 's'}: "
            f"write {found} name{'' if found == 1 else 's'} before '='"
            + (" (a trailing comma makes one: g, = ...)" if found == 1 else ""),
            span=node.span,
        )

    def assign(self, name: str, value: Any) -> None:
        self.variables.pop(name, None)  # re-binding moves the name to the end (newest)
        self.variables[name] = value
        self.check_finite(name, value)

    def check_finite(self, name: str, value: Any) -> None:
        problem = _nonfinite_problem(value)
        if problem is None:
            self.warned_nonfinite.discard(name)
        elif name not in self.warned_nonfinite:
            self.warned_nonfinite.add(name)
            self.emit("warning", f"{name} contains {problem}")

    def do_import(self, stmt: ast.Import) -> None:
        module = stmt.module
        if module not in KNOWN_MODULES:
            raise NameLookupError(
                f"No module named '{module}'",
                hint="gradcalc knows torch, torch.nn.functional and numpy (imports are optional)",
                span=stmt.span,
            )
        if stmt.alias:
            self.module_aliases[stmt.alias] = module
            self.variables.pop(stmt.alias, None)
        else:
            top = module.split(".")[0]
            self.module_aliases[top] = top

    def assign_attribute(self, target: ast.Attribute, value: Any) -> None:
        obj = self.evaluate(target.value)
        attr = target.attr
        if not core.is_tensor(obj):
            raise NameLookupError(
                f"cannot set attribute '{attr}' of {self.type_name(obj)}", span=target.attr_span
            )
        if attr not in ASSIGNABLE_ATTRIBUTES:
            raise NameLookupError(
                f"cannot assign to attribute '{attr}' of a tensor",
                hint=f"assignable attributes: {', '.join(ASSIGNABLE_ATTRIBUTES)}",
                span=target.attr_span,
            )
        try:
            if attr == "grad":
                if value is not None:
                    value = self.to_tensor(value, "grad")
                core.set_grad(obj, value)
                if value is None:
                    self.note_grads_zeroed()
            elif attr == "requires_grad":
                if not isinstance(value, bool):
                    raise ArgumentError("requires_grad must be True or False")
                core.set_requires_grad(obj, value)
            else:
                core.set_data(obj, core.data(self.to_tensor(value, "data")))
        except GradcalcError as exc:
            raise exc.at(target.span) from None

    # ---- expressions ---------------------------------------------------------------------

    def text(self, span: Span) -> str:
        """The source text of ``span`` for a graph label; long texts keep only both ends.

        Labels are taken for every operation, and in a long chain (``x + x + ... + x``) each
        one spans everything before it: whole slices would make the run quadratic.
        """
        start, end = span.start, span.end
        if end - start <= LABEL_MAX_CHARS:
            return self.source[start:end]
        head = self.source[start : start + LABEL_HEAD_CHARS]
        tail = self.source[end - LABEL_TAIL_CHARS : end]
        return f"{head} ... {tail}"

    def evaluate_bound(self, expr: ast.Expr) -> Any:
        """Evaluate the right side of ``name = expr``: literals and constructors become leaves."""
        value = self.evaluate(expr)
        explicit = isinstance(expr, ast.Call) and any(
            k.name == "requires_grad" for k in expr.keywords
        )
        if explicit or not self.literal_leaves or not self._is_leaf_source(expr):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = self.new_tensor(np.asarray(value, dtype=np.float64))
        if core.is_tensor(value) and core.is_leaf(value) and core.is_floating(value):
            core.set_requires_grad(value, True)
        return value

    def _is_leaf_source(self, expr: ast.Expr) -> bool:
        if isinstance(expr, ast.Number):
            return True
        if isinstance(expr, ast.UnaryOp) and isinstance(expr.operand, ast.Number):
            return True
        if isinstance(expr, ast.ListLiteral):
            return True
        if isinstance(expr, ast.Call):
            # ``torch.ones(2, 3)`` is PyTorch code and keeps PyTorch's default (no grad), so
            # tutorial data tensors print as PyTorch prints them; ``ones(2, 3)`` is gradcalc's
            # own spelling, where a constructor bound to a name is a leaf that requires grad.
            if isinstance(expr.func, ast.Attribute):
                return False
            entry = self._static_builtin(expr.func)
            return entry is not None and entry.name in B.CONSTRUCTORS
        return False

    def _static_builtin(self, func: ast.Expr) -> B.Builtin | None:
        """The builtin a call names through a plain name or a module prefix, if any."""
        if isinstance(func, ast.Name) and func.id not in self.variables:
            return B.lookup(func.id)
        if isinstance(func, ast.Attribute):
            base = func.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id not in self.variables:
                if base.id in self.module_aliases:
                    return B.lookup(func.attr)
        return None

    def evaluate(self, node: ast.Expr) -> Any:
        method = _DISPATCH.get(type(node))
        if method is None:
            raise EvaluationError(f"cannot evaluate {type(node).__name__} here", span=node.span)
        try:
            return method(self, node)
        except GradcalcError as exc:
            raise exc.at(node.span) from None

    def _number(self, node: ast.Number) -> Any:
        return node.value

    def _string(self, node: ast.String) -> Any:
        return node.value

    def _constant(self, node: ast.Constant) -> Any:
        return node.value

    def _ellipsis(self, node: ast.EllipsisLiteral) -> Any:
        return Ellipsis

    def _name(self, node: ast.Name) -> Any:
        return self.lookup_name(node)

    def lookup_name(self, node: ast.Name) -> Any:
        name = node.id
        if name in self.variables:
            return self.variables[name]
        if name in self.module_aliases:
            return Namespace(self.module_aliases[name])
        entry = B.lookup(name)
        if entry is not None:
            return BuiltinRef(name)
        if name in DTYPE_NAMES and name in ("float", "double"):
            return DType(DTYPE_NAMES[name])
        raise NameLookupError(
            f"name '{name}' is not defined",
            hint=did_you_mean(name, self.known_names()) or self._undefined_hint(name),
            span=node.span,
        )

    def _undefined_hint(self, name: str) -> str | None:
        if name.startswith("__"):
            return "the language has no access to Python's internals; see docs/language.md"
        if name == "nn":
            return "write torch.nn.functional.xxx or F.xxx"
        return "assign it first, e.g. " + name + " = [1.0, 2.0]"

    def known_names(self) -> list[str]:
        return list(self.variables) + list(self.module_aliases) + B.function_names()

    def _list(self, node: ast.ListLiteral) -> Any:
        fast = _numeric_literal(node)
        if fast is not None:
            return self._literal_tensor(fast, node)
        elements = [self.evaluate(e) for e in node.elements]
        if any(core.is_tensor(e) or isinstance(e, list) for e in elements):
            return elements  # a sequence for cat/stack; stacked where a tensor is needed
        for element, child in zip(elements, node.elements):
            if isinstance(element, bool) or not isinstance(element, int | float):
                raise ValueDomainError(
                    f"cannot make a tensor from a list holding {self.type_name(element)}",
                    hint="list literals hold numbers, nested lists of numbers, or tensors",
                    span=child.span,
                )
        return self._literal_tensor(np.asarray(elements, dtype=np.float64), node)

    def _literal_tensor(self, array: np.ndarray, node: ast.Node) -> Any:
        self.check_size(array.size)
        tensor = self.new_tensor(array, requires_grad=False)
        self._remember(tensor, self.text(node.span), constant=True)
        return tensor

    def _tuple(self, node: ast.TupleLiteral) -> Any:
        return tuple(self.evaluate(e) for e in node.elements)

    def _unary(self, node: ast.UnaryOp) -> Any:
        value = self.evaluate(node.operand)
        if node.op == "+":
            if _is_number(value) or core.is_tensor(value):
                return value
        elif _is_number(value):
            return -value
        elif core.is_tensor(value) or isinstance(value, list):
            result = self._guard(lambda: -self.to_tensor(value, "-"), "negate", node.span)
            self._remember(result, self.text(node.span))
            return result
        raise ArgumentError(
            f"bad operand type for unary {node.op}: '{self.type_name(value)}'", span=node.span
        )

    def _binop(self, node: ast.BinOp) -> Any:
        # Iterative along the left spine: ``x + x + ... + x`` with thousands of terms is a
        # left-nested tree that would otherwise exhaust Python's recursion limit.
        spine = []
        left_node: ast.Expr = node
        while isinstance(left_node, ast.BinOp):
            spine.append(left_node)
            left_node = left_node.left
        value = self.evaluate(left_node)
        for current in reversed(spine):
            right = self.evaluate(current.right)
            left = value
            try:
                value = self.binary(current.op, left, right, current.op_span)
            except GradcalcError as exc:
                raise exc.at(current.op_span) from None
            self._remember(
                value,
                self.text(current.span),
                operands=(
                    (left, self.text(current.left.span)),
                    (right, self.text(current.right.span)),
                ),
            )
        return value

    def binary(self, op: str, left: Any, right: Any, span: Span) -> Any:
        fn = _ARITHMETIC[op]
        if _is_number(left) and _is_number(right):
            return _number_arithmetic(op, fn, left, right)
        printf = op == "%" and isinstance(left, str)  # "%.4f" % x: an f-string's job
        if not printf and (
            core.is_tensor(left)
            or core.is_tensor(right)
            or isinstance(left, list)
            or isinstance(right, list)
        ):
            a = self.to_tensor(left, op) if not _is_number(left) else left
            b = self.to_tensor(right, op) if not _is_number(right) else right
            return self._guard(lambda: fn(a, b), op, span)
        raise ArgumentError(
            f"unsupported operand type(s) for {op}: '{self.type_name(left)}' and "
            f"'{self.type_name(right)}'",
            hint=_operand_hint(left, right) or fstrings.string_operand_hint(op, left, right),
            span=span,
        )

    # ---- calls ---------------------------------------------------------------------------

    def _call(self, node: ast.Call) -> Any:
        entry, bound, display, as_tuple, span = self._resolve_callee(node.func)
        args = [self.evaluate(a) for a in node.args]
        kwargs: dict[str, Any] = {}
        for keyword in node.keywords:
            if keyword.name in kwargs:
                raise ArgumentError(f"keyword argument repeated: {keyword.name}", span=keyword.span)
            kwargs[keyword.name] = self.evaluate(keyword.value)
        if bound is not None:
            args.insert(0, bound)
        result = self.call_builtin(
            entry,
            tuple(args),
            kwargs,
            node.span,
            display=display,
            method=bound is not None,
            as_tuple=as_tuple,
        )
        if core.is_tensor(result):
            operands = [
                (v, self.text(a.span))
                for v, a in zip(args[1 if bound is not None else 0 :], node.args)
            ]
            operands += [
                (kwargs[k.name], self.text(k.value.span)) for k in node.keywords if k.name in kwargs
            ]
            if bound is not None and isinstance(node.func, ast.Attribute):
                operands.insert(0, (bound, self.text(node.func.value.span)))
            self._remember(result, self.text(node.span), operands=operands)
        return result

    def _resolve_callee(self, func: ast.Expr):
        """-> (builtin, bound first argument or None, display name, as_tuple, span)."""
        if isinstance(func, ast.Name):
            if func.id in self.variables:
                value = self.variables[func.id]
                return self._callable_value(value, func)
            entry = B.lookup(func.id)
            if entry is None:
                raise NameLookupError(
                    f"unknown function '{func.id}'",
                    hint=did_you_mean(func.id, self.known_names())
                    or "see docs/language.md for the builtins",
                    span=func.span,
                )
            return entry, None, func.id, False, func.span
        if isinstance(func, ast.Attribute):
            base = self.evaluate(func.value)
            if isinstance(base, Namespace):
                ref = self._namespace_attribute(base, func.attr, func.attr_span)
                if not isinstance(ref, BuiltinRef):
                    raise ArgumentError(
                        f"'{self.type_name(ref)}' object is not callable", span=func.span
                    )
                return B.lookup(ref.name), None, ref.name, ref.as_tuple, func.attr_span
            method = self._method(base, func.attr, func.attr_span, func.span)
            return method[0], base, func.attr, False, func.attr_span
        value = self.evaluate(func)
        return self._callable_value(value, func)

    def _callable_value(self, value: Any, node: ast.Expr):
        if isinstance(value, BuiltinRef):
            return B.lookup(value.name), None, value.name, value.as_tuple, node.span
        if isinstance(value, BoundMethod):
            entry = B.lookup(value.name)
            return entry, value.obj, value.name, False, node.span
        raise ArgumentError(f"'{self.type_name(value)}' object is not callable", span=node.span)

    def _method(
        self, obj: Any, name: str, span: Span, whole: Span | None = None
    ) -> tuple[B.Builtin]:
        entry = B.lookup(name)
        if core.is_tensor(obj) or isinstance(obj, list):
            if entry is not None and entry.method:
                return (entry,)
        raise self._unknown_attribute(obj, name, span, whole)

    def _unknown_attribute(
        self, obj: Any, name: str, span: Span, whole: Span | None = None
    ) -> NameLookupError:
        type_name = self.type_name(obj)
        if obj is None:
            # Say why the value is None, from how it was reached (x.grad_fn.name).
            reached = self.text(whole).rstrip() if whole is not None else ""
            if reached.endswith(f".{name}"):
                reached = reached[: -len(name) - 1].rstrip()
            if reached.endswith("grad_fn"):
                hint = (
                    "it is None: a leaf (a tensor made directly, not computed) and anything "
                    "computed without gradients have no grad_fn"
                )
            elif reached.endswith("grad"):
                hint = (
                    "it is None: .grad stays None until a backward pass reaches a leaf that "
                    "requires grad"
                )
            else:
                hint = "the value is None"
            return NameLookupError(
                f"'NoneType' object has no attribute '{name}'", hint=hint, span=span
            )
        known = list(TENSOR_ATTRIBUTES) + B.method_names() if core.is_tensor(obj) else []
        hint = did_you_mean(name, known) if known else None
        if isinstance(obj, str):
            hint = fstrings.string_attribute_hint(name)
        if hint is None and core.is_tensor(obj):
            hint = (
                "tensor attributes: " + ", ".join(TENSOR_ATTRIBUTES) + ", and the builtins' methods"
            )
        return NameLookupError(
            f"'{type_name}' object has no attribute '{name}'", hint=hint, span=span
        )

    def call_builtin(
        self,
        entry: B.Builtin,
        args: tuple,
        kwargs: dict,
        span: Span,
        *,
        display: str | None = None,
        method: bool = False,
        as_tuple: bool = False,
    ) -> Any:
        display = display or entry.name
        func = entry.method_function(self) if method else entry.function(self)
        requires_grad = None
        dtype = None
        if entry.kind == "constructor":
            requires_grad = kwargs.pop("requires_grad", None)
            if "dtype" in kwargs:
                dtype = B.coerce_dtype(kwargs.pop("dtype"))
            if requires_grad is not None and not isinstance(requires_grad, bool):
                raise ArgumentError(f"{display}() requires_grad must be True or False")
        if entry.local is None:
            args = tuple(self._coerce_argument(a) for a in args)
            kwargs = {k: self._coerce_argument(v, k) for k, v in kwargs.items()}
        args, kwargs = B.bind_arguments(display, func, args, kwargs)
        if entry.kind in ("op", "constructor") and entry.local is None:
            args, kwargs = self._prepare_core_arguments(entry, func, args, kwargs)
            if entry.kind == "constructor":
                self._check_constructor_size(entry.name, args, kwargs)
                kwargs = self._constructor_keywords(func, args, kwargs, dtype)
        self.calling_as_tuple = as_tuple
        try:
            result = self._guard(lambda: func(*args, **kwargs), display, span)
        finally:
            self.calling_as_tuple = False
        if entry.kind == "constructor" and core.is_tensor(result):
            if dtype is not None and core.dtype_name(result) != dtype:
                result = core.astype(result, dtype)
            if requires_grad is not None:
                core.set_requires_grad(result, requires_grad)
        if core.is_tensor(result):
            self.check_size(core.data(result).size)
        elif isinstance(result, tuple) and hasattr(result, "_fields"):
            result = ReturnTuple.make(entry.name, result._fields, result)
        return result

    def _coerce_argument(self, value: Any, name: str | None = None) -> Any:
        if isinstance(value, Size):
            return tuple(value)
        if isinstance(value, DType):
            return value
        if name in _INT_PARAMS and core.is_tensor(value):
            return _integral(value, name)
        if isinstance(value, tuple):
            return tuple(
                _integral(v, "shape") if core.is_tensor(v) and core.data(v).ndim == 0 else v
                for v in value
            )
        return value

    def _prepare_core_arguments(self, entry, func, args, kwargs):
        """Numbers become constant tensors where the core expects a tensor; lists stack."""
        sig = B.signature_of(func)
        if sig is None:
            return args, kwargs
        bound = sig.bind(*args, **kwargs)
        params = sig.parameters
        changed = False
        for pname, value in list(bound.arguments.items()):
            param = params[pname]
            if param.kind is param.VAR_POSITIONAL:
                if pname in _SEQUENCE_PARAMS:
                    continue
                new = tuple(self._tensor_or_int(v) for v in value)
            elif pname in _SEQUENCE_PARAMS:
                if core.is_tensor(value):
                    new = value
                elif isinstance(value, list | tuple):
                    new = [self.to_tensor(v, entry.name) for v in value]
                else:
                    raise ArgumentError(
                        f"{entry.name}() expects a list of tensors, got {self.type_name(value)}"
                    )
            elif pname in _INT_PARAMS or pname in ("shape", "size", "sizes", "dims", "dtype"):
                new = value
                if (
                    core.is_tensor(value)
                    and core.data(value).ndim == 1
                    and pname in ("shape", "size", "sizes", "dims")
                ):
                    new = tuple(int(v) for v in core.data(value))
            elif isinstance(value, list):
                new = self.to_tensor(value, entry.name)
            else:
                new = value
            if new is not value:
                bound.arguments[pname] = new
                changed = True
        if not changed:
            return args, kwargs
        return bound.args, bound.kwargs

    def _tensor_or_int(self, value: Any) -> Any:
        if isinstance(value, list):
            return self.to_tensor(value, "argument")
        return value

    def _constructor_keywords(self, func, args, kwargs, dtype):
        sig = B.signature_of(func)
        if sig is None:
            return kwargs
        params = sig.parameters
        # Parameters the call already fills, by keyword or by position (``full((2,), 1, x)``
        # reaches dtype positionally): the core then reports the bad value itself.
        given = sig.bind_partial(*args, **kwargs).arguments
        if "dtype" in params and "dtype" not in given:
            kwargs = {**kwargs, "dtype": dtype or self.dtype}
        if "generator" in params and "generator" not in given:
            kwargs = {**kwargs, "generator": self.generator}
        return kwargs

    def _check_constructor_size(self, name: str, args: tuple, kwargs: dict) -> None:
        numel = _expected_numel(name, args, kwargs)
        if numel is not None:
            self.check_size(numel)

    def _guard(self, thunk: Callable[[], Any], what: str, span: Span) -> Any:
        """Run a call into the core; anything but a GradcalcError becomes one, with ``span``."""
        try:
            return thunk()
        except GradcalcError as exc:
            if isinstance(exc, AutogradError) and exc.hint is None:
                exc.hint = autograd_hint(exc.message)
            raise exc.at(span) from None
        except RecursionError:
            raise LimitError("expression nested too deeply", span=span) from None
        except MemoryError:
            raise LimitError(
                f"out of memory in {what}",
                hint="use smaller tensors (see --max-elements)",
                span=span,
            ) from None
        except ZeroDivisionError as exc:
            raise ValueDomainError(str(exc), span=span) from None
        except OverflowError as exc:
            raise ValueDomainError(f"{what}: {exc}", span=span) from None
        except IndexError as exc:
            raise ShapeError(str(exc), span=span) from None
        except (TypeError, ValueError) as exc:
            raise EvaluationError(f"{what}: {exc}", span=span) from None

    # ---- attributes and indexing -----------------------------------------------------------

    def _attribute(self, node: ast.Attribute) -> Any:
        base = self.evaluate(node.value)
        if isinstance(base, Namespace):
            return self._namespace_attribute(base, node.attr, node.attr_span)
        return self.tensor_attribute(base, node.attr, node.attr_span, node.span)

    def _namespace_attribute(self, ns: Namespace, attr: str, span: Span) -> Any:
        dotted = f"{ns.path}.{attr}"
        if dotted in KNOWN_MODULES:
            return Namespace(dotted)
        if attr in ("float32", "float64", "float", "double") and ns.path in ("torch", "numpy"):
            return DType(DTYPE_NAMES[attr])
        if B.lookup(attr) is not None:
            return BuiltinRef(attr, as_tuple=(ns.path == "torch.autograd" and attr == "grad"))
        known = B.function_names() + [
            m.split(".")[-1] for m in KNOWN_MODULES if m.startswith(ns.path + ".")
        ]
        raise NameLookupError(
            f"module '{ns.path}' has no attribute '{attr}'",
            hint=did_you_mean(attr, known)
            or "gradcalc supports a subset of torch; see docs/language.md",
            span=span,
        )

    def tensor_attribute(self, obj: Any, attr: str, attr_span: Span, span: Span) -> Any:
        if isinstance(obj, ReturnTuple) and attr in obj.fields:
            return obj[obj.fields.index(attr)]
        if not core.is_tensor(obj):
            if isinstance(obj, list) and attr in B.method_names():
                return BoundMethod(obj, attr)
            raise self._unknown_attribute(obj, attr, attr_span, span)
        if attr == "grad":
            if not core.is_leaf(obj) and not core.retains_grad(obj):
                # PyTorch warns here too (a UserWarning): backward() never fills it.
                self.emit(
                    "warning",
                    "the .grad of a non-leaf tensor is not populated by backward(); "
                    "call .retain_grad() on it before backward(), or read .grad of a leaf",
                    span,
                )
            return core.grad_of(obj)
        if attr == "requires_grad":
            return core.requires_grad(obj)
        if attr == "is_leaf":
            return core.is_leaf(obj)
        if attr == "grad_fn":
            name = core.op_name(obj)
            return None if name is None else GradFnView(core.grad_fn(obj), name)
        if attr == "data":
            return core.detach(obj)
        if attr == "shape":
            return Size(int(n) for n in core.data(obj).shape)
        if attr == "ndim":
            return int(core.data(obj).ndim)
        if attr == "dtype":
            return DType(core.dtype_name(obj))
        if attr == "T":
            result = self._guard(lambda: core.transpose_all(obj), ".T", span)
            self._remember(result, self.text(span))
            return result
        entry = B.lookup(attr)
        if entry is not None and entry.method:
            return BoundMethod(obj, attr)
        raise self._unknown_attribute(obj, attr, attr_span)

    def _subscript(self, node: ast.Subscript) -> Any:
        obj = self.evaluate(node.value)
        index = tuple(self._index_item(item) for item in node.index)
        key = index[0] if len(index) == 1 else index
        if isinstance(obj, list) and all(core.is_tensor(e) or isinstance(e, list) for e in obj):
            obj = self.to_tensor(obj, "indexing")
        if core.is_tensor(obj):
            result = self._guard(lambda: core.index(obj, key), "indexing", node.span)
            self._remember(result, self.text(node.span))
            return result
        if isinstance(obj, tuple | list | str):
            if any(not isinstance(k, int | slice) for k in index) or len(index) != 1:
                raise ArgumentError(f"{self.type_name(obj)} indices must be integers or slices")
            try:
                result = obj[key]
            except IndexError as exc:
                raise ShapeError(str(exc), span=node.span) from None
            return Size(result) if isinstance(obj, Size) and isinstance(key, slice) else result
        raise ArgumentError(f"'{self.type_name(obj)}' object is not subscriptable", span=node.span)

    def _index_item(self, item: ast.Expr | ast.Slice) -> Any:
        if isinstance(item, ast.Slice):
            parts = [
                None if p is None else self._index_integer(self.evaluate(p), p)
                for p in (item.start, item.stop, item.step)
            ]
            if parts[2] == 0:
                raise ValueDomainError("slice step cannot be zero", span=item.span)
            return slice(*parts)
        value = self.evaluate(item)
        if value is None or value is Ellipsis:
            return value
        if core.is_tensor(value) or isinstance(value, list):
            tensor = self.to_tensor(value, "index")
            data = core.data(tensor)
            if data.dtype == bool:
                return data
            if data.ndim == 0:
                return self._index_integer(tensor, item)
            if not np.all(np.isfinite(data)) or not np.all(data == np.round(data)):
                raise ValueDomainError("tensors used as indices must hold integers", span=item.span)
            return data.astype(np.int64)
        return self._index_integer(value, item)

    def _index_integer(self, value: Any, node: ast.Node) -> int:
        if core.is_tensor(value) and core.data(value).ndim == 0:
            value = core.data(value).item()
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ArgumentError(
                "only integers, slices (`:`), ellipsis (`...`), None and integer or boolean "
                "tensors are valid indices",
                span=node.span,
            )
        return value

    # ---- the rt interface the builtins use ---------------------------------------------------

    def emit(self, kind: str, text: str, span: Span | None = None) -> None:
        self.outputs.append(Output(kind, text, span))

    def new_tensor(self, array: np.ndarray, requires_grad: bool = False) -> Any:
        array = np.asarray(array)
        if array.dtype.kind in "biuf" and array.dtype.kind != "b":
            array = array.astype(self.dtype, copy=False)
        self.check_size(array.size)
        return core.make_tensor(array, requires_grad=requires_grad)

    def to_tensor(self, value: Any, what: str) -> Any:
        """A tensor for ``value``: tensors pass, numbers become constants, lists are stacked."""
        if core.is_tensor(value):
            return value
        if _is_number(value):
            return self.new_tensor(np.asarray(value, dtype=np.float64))
        if isinstance(value, list):
            return self._stack(value, what)
        raise ArgumentError(f"{what}: expected a tensor, got {self.type_name(value)}")

    def _stack(self, items: list, what: str) -> Any:
        if not items:
            return self.new_tensor(np.zeros((0,)))
        tensors = [self.to_tensor(v, what) for v in items]
        shapes = {core.data(t).shape for t in tensors}
        if len(shapes) > 1:
            raise ValueDomainError(
                f"cannot make a tensor from a list of tensors of different shapes "
                f"{', '.join(_shape_text(s) for s in sorted(shapes, key=len))}",
                hint="all elements must have the same shape (use cat to join along a dimension)",
            )
        return core.function("stack")(tensors)

    def expect_tensor(self, value: Any, what: str) -> Any:
        if core.is_tensor(value):
            return value
        if isinstance(value, list):
            return self.to_tensor(value, what)
        raise ArgumentError(f"{what} expects a tensor, got {self.type_name(value)}")

    def tensor_list(self, value: Any, what: str) -> list:
        if core.is_tensor(value):
            return [value]
        if isinstance(value, list | tuple):
            return [self.expect_tensor(v, what) for v in value]
        raise ArgumentError(
            f"{what} must be a tensor or a list of tensors, got {self.type_name(value)}"
        )

    def run_backward(self, tensor, gradient, retain_graph, create_graph, inputs) -> None:
        if self.backward_hook is not None:
            self.backward_hook(tensor, gradient, retain_graph, create_graph, inputs)
            return
        core.backward(tensor, gradient, retain_graph, create_graph, inputs)
        self.backward_calls += 1
        self.backward_calls_since_reset += 1

    def note_grads_zeroed(self) -> None:
        self.backward_calls_since_reset = 0
        if self.zero_hook is not None:
            self.zero_hook()

    def check_size(self, numel: int) -> None:
        if numel > self.max_elements:
            raise LimitError(
                f"tensor of {numel:,} elements exceeds the limit of {self.max_elements:,}",
                hint="use smaller shapes, or raise the limit with --max-elements",
            )

    def type_name(self, value: Any) -> str:
        if core.is_tensor(value):
            return "Tensor"
        if value is None:
            return "NoneType"
        if isinstance(value, Namespace):
            return "module"
        if isinstance(value, BuiltinRef | BoundMethod):
            return "builtin_function_or_method"
        if isinstance(value, Size):
            return "torch.Size"
        if isinstance(value, DType):
            return "torch.dtype"
        if isinstance(value, GradFnView):
            return value.op_name
        if isinstance(value, ReturnTuple):
            return f"torch.return_types.{value.op}"
        return type(value).__name__

    def repr_value(self, value: Any) -> str:
        if core.is_tensor(value):
            dtype = core.dtype_name(value)
            return core.format(
                value,
                dtype_name=None if dtype == self.dtype else f"torch.{dtype}",
                precision=self.precision,
            )
        if isinstance(value, ReturnTuple):
            fields = ",\n".join(f"{f}={self.repr_value(v)}" for f, v in zip(value.fields, value))
            return f"torch.return_types.{value.op}(\n{fields})"
        if isinstance(value, tuple) and not isinstance(value, Size):
            inner = ", ".join(self.repr_value(v) for v in value)
            return f"({inner},)" if len(value) == 1 else f"({inner})"
        if isinstance(value, list):
            return "[" + ", ".join(self.repr_value(v) for v in value) + "]"
        return repr(value)

    def str_value(self, value: Any) -> str:
        if isinstance(value, str):
            return value
        return self.repr_value(value)

    # ---- graph labels ----------------------------------------------------------------------

    def _remember(self, value: Any, text: str, constant: bool = False, operands=()) -> None:
        """Label ``value`` with the source text that made it (innermost expression wins).

        Non-leaf tensors are labelled through their graph node (the graph holds nodes, not
        tensors); with ``record_graph`` the node's output values are kept for the tree view
        until the node itself goes away. ``operands`` (value, text) pairs that need no
        gradient are kept as the node's constant inputs (the 2 in ``2 * y``).
        """
        if not core.is_tensor(value):
            return
        node = core.grad_fn(value)
        if node is None:
            key = id(value)
            known = self.leaf_labels.get(key)
            if known is not None and known[0]() is value:
                return
            try:
                ref = weakref.ref(value, self._forgetter(self.leaf_labels, key))
            except TypeError:
                return
            self.leaf_labels[key] = (ref, text, constant)
            return
        key = id(node)
        known = self.node_labels.get(key)
        if known is not None and known[0]() is node:
            return
        constants = []
        for operand, operand_text in operands:
            if _is_number(operand) and not isinstance(operand, bool):
                constants.append((operand_text, operand))
            elif core.is_tensor(operand) and not core.requires_grad(operand):
                constants.append((operand_text, operand))
        kept = core.data(value) if self.record_graph else weakref.ref(value)
        ref = weakref.ref(node, self._forgetter(self.node_labels, key))
        self.node_labels[key] = (ref, NodeLabel(text, kept, constants))

    @staticmethod
    def _forgetter(table: dict, key: int):
        def forget(ref, table=table, key=key):
            entry = table.get(key)
            if entry is not None and entry[0] is ref:
                del table[key]

        return forget

    def leaf_label(self, tensor: Any) -> tuple[str, bool] | None:
        entry = self.leaf_labels.get(id(tensor))
        if entry is not None and entry[0]() is tensor:
            return entry[1], entry[2]
        return None

    def node_label(self, node: Any) -> NodeLabel | None:
        entry = self.node_labels.get(id(node))
        if entry is not None and entry[0]() is node:
            return entry[1]
        return None


_DISPATCH: dict[type, Callable[[Evaluator, Any], Any]] = {
    ast.Number: Evaluator._number,
    ast.String: Evaluator._string,
    ast.FString: fstrings.evaluate_fstring,
    ast.Constant: Evaluator._constant,
    ast.Name: Evaluator._name,
    ast.ListLiteral: Evaluator._list,
    ast.TupleLiteral: Evaluator._tuple,
    ast.UnaryOp: Evaluator._unary,
    ast.BinOp: Evaluator._binop,
    ast.Call: Evaluator._call,
    ast.Attribute: Evaluator._attribute,
    ast.Subscript: Evaluator._subscript,
    ast.EllipsisLiteral: Evaluator._ellipsis,
}


# ---- helpers --------------------------------------------------------------------------------


def autograd_hint(message: str) -> str | None:
    lowered = message.lower()
    if "backward through the graph a second time" in lowered:
        return "pass retain_graph=True to the first backward() to keep the graph for another pass"
    if "implicitly created only for scalar" in lowered:
        return "reduce the output to a scalar first, e.g. sum(...).backward(), or pass gradient= with the output's shape"
    if "does not require grad" in lowered:
        return "make a leaf require grad: tensor(..., requires_grad=True) or x.requires_grad_()"
    if "mismatch in shape" in lowered:
        return "gradient= must have the same shape as the tensor backward() is called on"
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not core.is_tensor(value)


def _array(value: Any) -> np.ndarray:
    return core.data(value) if core.is_tensor(value) else np.asarray(value, dtype=np.float64)


def _integral(value: Any, name: str) -> Any:
    data = core.data(value)
    if data.ndim == 0 and float(data).is_integer():
        return int(data)
    return value


def _shape_text(shape) -> str:
    return str(tuple(int(n) for n in shape))


def _operand_hint(left: Any, right: Any) -> str | None:
    if left is None or right is None:
        return "one operand is None (.grad is None until a backward pass reaches the leaf)"
    return None


def _number_arithmetic(op: str, fn, left, right):
    if op == "@":
        raise ArgumentError("unsupported operand type(s) for @: numbers (use * for scalars)")
    if op == "**" and isinstance(left, int) and isinstance(right, int) and right > 0:
        if abs(left) > 1 and right * max(left.bit_length(), 1) > 4096:
            left = float(left)  # an exact huge integer is useless here; float overflows clearly
    if op == "*" and isinstance(left, int) and isinstance(right, int):
        if left.bit_length() + right.bit_length() > 4096:
            left = float(left)
    try:
        result = fn(left, right)
    except ZeroDivisionError:
        raise ValueDomainError(
            "division by zero", hint="with tensors, 1/0 gives inf as in PyTorch"
        ) from None
    except OverflowError:
        raise ValueDomainError(f"number too large in {op}") from None
    if isinstance(result, complex):
        raise ValueDomainError(
            f"{left!r} {op} {right!r} has no real value", hint="gradcalc computes with real numbers"
        )
    return result


def _nonfinite_problem(value: Any) -> str | None:
    if core.is_tensor(value):
        data = core.data(value)
        if data.dtype.kind != "f" or data.size == 0:
            return None
        if np.all(np.isfinite(data)):
            return None
        has_nan = bool(np.isnan(data).any())
        has_inf = bool(np.isinf(data).any())
    elif isinstance(value, float):
        if math.isfinite(value):
            return None
        has_nan = math.isnan(value)
        has_inf = math.isinf(value)
    else:
        return None
    if has_nan and has_inf:
        return "NaN and inf"
    return "NaN" if has_nan else "inf"


def _numeric_literal(node: ast.ListLiteral) -> np.ndarray | None:
    """A nested list of plain numbers (``[[1, -2], [3, 4]]``) straight to an array, or None.

    Raises ValueDomainError for ragged nesting; returns None when an element is anything but
    a number literal (then the list is evaluated element by element).
    """
    rows: list[Any] = []
    # Iterative walk building nested Python lists.
    stack: list[tuple[ast.ListLiteral, list]] = [(node, rows)]
    while stack:
        current, out = stack.pop()
        for element in current.elements:
            if isinstance(element, ast.Number):
                out.append(element.value)
            elif isinstance(element, ast.UnaryOp) and isinstance(element.operand, ast.Number):
                v = element.operand.value
                out.append(-v if element.op == "-" else v)
            elif isinstance(element, ast.ListLiteral):
                inner: list = []
                out.append(inner)
                stack.append((element, inner))
            else:
                return None
    from gradcalc.interpreter.loading import nested_numbers_to_array

    return nested_numbers_to_array(rows, what="this list", error=ValueDomainError)


_NUMEL_SHAPE_CONSTRUCTORS = frozenset({"ones", "zeros", "rand", "randn", "full", "empty"})


def _expected_numel(name: str, args: tuple, kwargs: dict) -> int | None:
    """Elements a constructor is about to allocate, to refuse huge ones before allocating."""
    try:
        if name in _NUMEL_SHAPE_CONSTRUCTORS:
            shape = kwargs.get("size", kwargs.get("shape"))
            if shape is None and args:
                shape = args[0] if isinstance(args[0], tuple | list) else args
                if name == "full" and not isinstance(args[0], tuple | list):
                    shape = args[:-1]
            if shape is None:
                return None
            shape = tuple(shape)
            if all(isinstance(n, int) for n in shape):
                if any(n < 0 for n in shape):
                    raise ValueDomainError(f"negative dimension in shape {shape}")
                return math.prod(shape)
        if name == "eye" and args and isinstance(args[0], int):
            m = args[1] if len(args) > 1 and isinstance(args[1], int) else kwargs.get("m", args[0])
            return args[0] * (m if isinstance(m, int) else args[0])
        if name == "linspace":
            steps = args[2] if len(args) > 2 else kwargs.get("steps")
            return steps if isinstance(steps, int) else None
        if name == "arange":
            numbers = [a for a in args if isinstance(a, int | float)]
            if any(not math.isfinite(n) for n in numbers):
                raise ValueDomainError("arange: start, end and step must be finite numbers")
            if len(numbers) == 1:
                return max(0, math.ceil(numbers[0]))
            if len(numbers) >= 2:
                step = numbers[2] if len(numbers) > 2 else kwargs.get("step", 1)
                if step == 0:
                    raise ValueDomainError("arange: step must be nonzero")
                return max(0, math.ceil((numbers[1] - numbers[0]) / step))
    except (TypeError, ValueError, OverflowError):
        return None
    return None
