"""``--explain`` in plain words: the local derivative of one node with the program's own
names and numbers in it (``∂m/∂z = 1/6 for each of z's 6 elements, because m = mean(z)``).

Only the inputs that received a gradient are explained, so a branch that does not apply
(the exponent's rule when the exponent is a constant) is never printed. The derivatives are
those of PyTorch's derivatives.yaml, as the ops declare them; each sentence states the rule
the engine just applied, and the numbers beside it are the engine's own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SHOWN_ELEMENTS = 6  # a value with more elements is named by its shape, not listed


@dataclass
class Operand:
    """One argument of the node, as the user wrote it."""

    name: str  # "z", "x*x", "3"
    value: np.ndarray | None  # None when the node kept no copy and no variable holds it

    @property
    def shown(self) -> str:
        return self.name if self.value is None else numbers(self.value)


@dataclass
class Context:
    """What a rule needs: the output's name, the gradient's name, the operands by schema
    name (``self``, ``other``, ``exponent``...) and the node's non-tensor arguments."""

    out: str  # the node's output as the user knows it: "m", "x*x"
    expr: str  # the expression that made it: "mean(z)"
    node: str  # "MeanBackward0"
    operands: dict  # schema name -> Operand
    params: dict  # schema name -> non-tensor argument (dim, alpha, a scalar other)
    out_value: np.ndarray | None

    def arg(self, name: str) -> str:
        """An operand's name, or the number given in its place (``y * 3``: other is 3)."""
        if name in self.operands:
            return self.operands[name].name
        return numbers(self.params.get(name))

    def value(self, name: str) -> str:
        """An operand's value for the sentence: its numbers when small, else its name."""
        if name in self.operands:
            return self.operands[name].shown
        return numbers(self.params.get(name))

    def where(self, name: str) -> str:
        """`` with x = [1, 2]``: an operand's numbers, when its name is not a number itself."""
        shown = self.value(name)
        return "" if shown == self.arg(name) else f" with {self.arg(name)} = {shown}"

    def d(self, name: str) -> str:
        """``∂out/∂name``."""
        return f"∂{parenthesized(self.out)}/∂{parenthesized(name)}"

    @property
    def because(self) -> str:
        return f"because {self.out} = {self.expr}" if self.out != self.expr else ""


def numbers(value) -> str:
    """A value the way the sentence quotes it: ``3``, ``0.1667``, ``[1, 2, 3]``, or its
    shape past a handful of elements."""
    if value is None:
        return "?"
    array = np.asarray(value)
    if array.dtype == bool:
        array = array.astype(int)
    if array.ndim == 0:
        return _number(array.item())
    if array.size > SHOWN_ELEMENTS:
        return "a " + "×".join(str(n) for n in array.shape) + " tensor"
    return np.array2string(
        array, separator=", ", formatter={"all": lambda v: _number(v.item())}
    ).replace("\n", "")


def parenthesized(name: str) -> str:
    """A name after ∂: an expression in parentheses, ``∂(y/x)``, so it reads as one."""
    if name.replace(".", "").replace("_", "").isalnum() or _enclosed(name):
        return name
    return f"({name})"


def _enclosed(name: str) -> bool:
    """``(y+b)``: one pair of parentheses around the whole text."""
    if not (name.startswith("(") and name.endswith(")")):
        return False
    depth = 0
    for i, c in enumerate(name):
        depth += {"(": 1, ")": -1}.get(c, 0)
        if depth == 0 and i < len(name) - 1:
            return False
    return True


def _number(v) -> str:
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, int | np.integer):
        return str(v)
    f = float(v)
    if f.is_integer() and abs(f) < 1e15:
        return str(int(f))
    return f"{f:.4g}"


def _elements(ctx: Context, name: str) -> str:
    operand = ctx.operands.get(name)
    if operand is None or operand.value is None:
        return f"each element of {ctx.arg(name)}"
    size = int(np.asarray(operand.value).size)
    return f"each of {operand.name}'s {size} elements" if size > 1 else operand.name


def _count(ctx: Context, name: str, dims) -> int | None:
    """How many elements the reduction over ``dims`` took together."""
    operand = ctx.operands.get(name)
    if operand is None or operand.value is None:
        return None
    shape = np.shape(operand.value)
    if dims is None or dims == () or dims == []:
        return int(np.prod(shape)) if shape else 1
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    return int(np.prod([shape[d] for d in dims])) if shape else 1


def _reduction(ctx: Context, mean: bool) -> str:
    dims = ctx.params.get("dim")
    n = _count(ctx, "self", dims)
    where = _elements(ctx, "self")
    along = "" if dims in (None, (), []) else f" (reduced along dim {_dims(dims)})"
    if not mean:
        return f"{ctx.d(ctx.arg('self'))} = 1 for {where}{along}: each receives the same gradient"
    share = f"1/{n}" if n else "1/N"
    return f"{ctx.d(ctx.arg('self'))} = {share} for {where}{along}: the mean shares it out"


def _pointwise(derivative: str):
    """A rule for a function of one tensor: ``derivative`` names ∂out/∂x with ``{x}`` for
    the operand and ``{out}`` for the output."""

    def rule(ctx: Context, name: str) -> str:
        x = ctx.arg("self")
        return f"{ctx.d(x)} = " + derivative.format(x=x, out=ctx.out)

    return rule


def _add(sign: str):
    def rule(ctx: Context, name: str) -> str:
        alpha = ctx.params.get("alpha", 1)
        scale = "" if alpha in (1, None) or name == "self" else f" × alpha {numbers(alpha)}"
        if name == "other" and sign == "-":
            return f"{ctx.d(ctx.arg('other'))} = -1{scale}: the gradient is negated"
        return f"{ctx.d(ctx.arg(name))} = 1{scale}: the gradient passes through unchanged"

    return rule


def _mul(ctx: Context, name: str) -> str:
    partner = "other" if name == "self" else "self"
    factor, value = ctx.arg(partner), ctx.value(partner)
    shown = factor if factor == value else f"{factor} = {value}"
    return f"{ctx.d(ctx.arg(name))} = {shown}: the gradient is multiplied by the other factor"


def _div(ctx: Context, name: str) -> str:
    a, b = ctx.arg("self"), ctx.arg("other")
    if name == "self":
        value = ctx.value("other")
        shown = f"1/{b}" if b == value else f"1/{b} = 1/{value}"
        return f"{ctx.d(a)} = {shown}: the gradient is divided by {b}"
    return f"{ctx.d(b)} = -{a}/{b}² (with {a} = {ctx.value('self')}, {b} = {ctx.value('other')})"


def _pow(ctx: Context, name: str) -> str:
    base, exponent = ctx.arg("self"), ctx.arg("exponent")
    if name == "self":
        p = ctx.value("exponent")
        return (
            f"{ctx.d(base)} = {exponent}·{base}^({exponent} - 1)"
            + (f" = {p}·{_power(base, float(p) - 1)}" if _is_number(p) else "")
            + ctx.where("self")
        )
    return f"{ctx.d(exponent)} = {ctx.out}·ln({base})" + ctx.where("self")


def _power(base: str, exponent: float) -> str:
    if exponent == 1:
        return base
    return f"{base}^{_number(exponent)}" if exponent >= 0 else f"{base}^({_number(exponent)})"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _dims(dims) -> str:
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    return ", ".join(str(d) for d in dims)


def _picked(ctx: Context, name: str) -> str:
    x = ctx.arg("self")
    return (
        f"{ctx.out} picks elements of {x}: each picked element of {x} receives its gradient, "
        "the others 0"
    )


def _reshaped(ctx: Context, name: str) -> str:
    x = ctx.arg("self")
    return f"{ctx.out} holds {x}'s elements in another shape: the gradient is reshaped back"


def _mv(ctx: Context, name: str) -> str:
    a, v = ctx.arg("self"), ctx.arg("vec")
    if name == "self":
        return (
            f"∂{parenthesized(ctx.out)}[i]/∂{parenthesized(a)}[i, j] = {v}[j]: {a} receives "
            f"the outer product of the gradient with {v} = {ctx.value('vec')} "
            f"(gradient[i] · {v}[j])"
        )
    return f"{ctx.d(v)} = {a}ᵀ: {v} receives {a}ᵀ @ gradient"


def _mm(ctx: Context, name: str) -> str:
    a, b = ctx.arg("self"), ctx.arg("mat2")
    if name == "self":
        return f"{a} receives gradient @ {b}ᵀ (row i of {a} met every column of {b})"
    return f"{b} receives {a}ᵀ @ gradient (column j of {b} met every row of {a})"


def _dot(ctx: Context, name: str) -> str:
    partner = "tensor" if name == "self" else "self"
    return (
        f"{ctx.d(ctx.arg(name))} = {ctx.arg(partner)} = {ctx.value(partner)}: "
        "each element's partner in the dot product"
    )


RULES = {
    "AddBackward0": _add("+"),
    "AddBackward1": _add("+"),
    "SubBackward0": _add("-"),
    "SubBackward1": _add("-"),
    "MulBackward0": _mul,
    "MulBackward1": _mul,
    "DivBackward0": _div,
    "DivBackward1": _div,
    "PowBackward0": _pow,
    "PowBackward1": _pow,
    "PowBackward2": _pow,
    "MeanBackward0": lambda ctx, name: _reduction(ctx, mean=True),
    "MeanBackward1": lambda ctx, name: _reduction(ctx, mean=True),
    "SumBackward0": lambda ctx, name: _reduction(ctx, mean=False),
    "SumBackward1": lambda ctx, name: _reduction(ctx, mean=False),
    "NegBackward0": _pointwise("-1: the gradient is negated"),
    "ExpBackward0": _pointwise("exp({x}), the output itself"),
    "LogBackward0": _pointwise("1/{x}"),
    "SqrtBackward0": _pointwise("1/(2·sqrt({x})) = 1/(2·{out})"),
    "SinBackward0": _pointwise("cos({x})"),
    "CosBackward0": _pointwise("-sin({x})"),
    "TanhBackward0": _pointwise("1 - {out}² (the derivative of tanh, from its output)"),
    "SigmoidBackward0": _pointwise("{out}·(1 - {out}) (from the sigmoid's output)"),
    "ReluBackward0": _pointwise("1 where {x} > 0, else 0 (0 at 0 by PyTorch's convention)"),
    "AbsBackward0": _pointwise("sign({x}) (0 at 0 by PyTorch's convention)"),
    "SelectBackward0": _picked,
    "IndexBackward0": _picked,
    "SliceBackward0": _picked,
    "ViewBackward0": _reshaped,
    "ReshapeAliasBackward0": _reshaped,
    "UnsafeViewBackward0": _reshaped,
    "SqueezeBackward0": _reshaped,
    "SqueezeBackward1": _reshaped,
    "UnsqueezeBackward0": _reshaped,
    "TBackward0": lambda ctx, name: f"{ctx.arg('self')} receives the gradient transposed back",
    "PermuteBackward0": lambda ctx, name: (
        f"{ctx.arg('self')} receives the gradient with its dimensions put back in order"
    ),
    "ExpandBackward0": lambda ctx, name: (
        f"{ctx.arg('self')} was expanded, so the gradient is summed over the copies back to "
        f"its shape"
    ),
    "MvBackward0": _mv,
    "MmBackward0": _mm,
    "DotBackward0": _dot,
}


def rule_words(ctx: Context, name: str) -> str:
    """Why ``name`` receives what it does, in a sentence; ops without their own sentence
    name the op whose derivative was applied."""
    rule = RULES.get(ctx.node)
    if rule is not None:
        try:
            text = rule(ctx, name)
        except (TypeError, ValueError, IndexError, KeyError):
            text = None
        if text:
            return f"{text}, {ctx.because}" if ctx.because else text
    because = f" of {ctx.out} = {ctx.expr}" if ctx.because else ""
    return f"{ctx.arg(name)} receives PyTorch's derivative{because} ({ctx.node})"


def broadcast_note(upstream_shape: tuple, sent_shape: tuple, name: str) -> str:
    """The sum that undoes broadcasting, when the operand was smaller than the output."""
    if upstream_shape == sent_shape or not upstream_shape:
        return ""
    shown = "×".join(map(str, sent_shape)) or "a scalar"
    return f"; {name} was broadcast, so the gradient is summed back to its shape {shown}"


def sum_of_uses(name: str, received: list) -> str:
    """A value used several times: the chain rule adds what each use sent."""
    terms = " + ".join(numbers(grad) for _, grad in received)
    total = numbers(sum(np.asarray(g) for _, g in received))
    counts: dict = {}
    for source, _ in received:
        counts[source] = counts.get(source, 0) + 1
    times = {1: "", 2: "twice ", 3: "three times "}
    places = [f"{times.get(n, f'{n} times ')}in {source}" for source, n in counts.items()]
    uses = places[0] if len(places) == 1 else ", ".join(places[:-1]) + " and " + places[-1]
    return (
        f"{name} was used {len(received)} times ({uses}); the chain rule adds what each "
        f"use sent: {terms} = {total}"
    )
