"""``--set NAME=VALUE``: a variable bound from the command line before the program runs.

The value is one expression of gradcalc's language (``[[1, 2], [3, 4]]``, ``randn(3)``)
or ``@FILE`` (a data file); the result is a float64 leaf that requires grad.
"""

from __future__ import annotations

import keyword

import numpy as np

from gradcalc.autograd.tensor import Tensor, make_tensor
from gradcalc.errors import GradcalcError, UsageError, ValueDomainError


def bind_value(session, name: str, value: str) -> None:
    if (
        not name.isidentifier()
        or keyword.iskeyword(name)
        or (name.startswith("__") and name.endswith("__"))
    ):
        raise UsageError(
            f"invalid variable name {name!r} in --set",
            hint="names start with a letter or _ and hold letters, digits and _ (e.g. --set "
            "x=[1,2]); names with double underscores are not allowed",
        )
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"--set {name}= needs a value", hint="e.g. --set x='[[1,2],[3,4]]'")
    if value.startswith("@"):
        from gradcalc.interpreter.loading import load_array

        array = np.asarray(
            load_array(value[1:], policy=session.file_policy, max_elements=session.max_elements),
            dtype=session.dtype.np,
        )
    else:
        array = _evaluate(session, name, value)
    t = make_tensor(array)
    t.requires_grad = True
    session.globals[name] = t
    session.history.add_text(f"{name} = {value}")


def _evaluate(session, name: str, text: str) -> np.ndarray:
    scratch = type(session)(  # bounded as the program will be
        seed=session.seed, dtype=session.dtype.name, record_graph=False, **session.bounds()
    )
    result = scratch.run(text, filename=f"--set {name}")
    if result.syntax_error is not None:
        raise result.syntax_error
    errors = result.errors
    if errors:
        raise errors[0]
    if len(result.statements) != 1 or type(result.statements[0]).__name__ != "StatementResult":
        raise UsageError(f"--set {name}=VALUE needs a single expression, got {text!r}")
    value = scratch.rt.last_value
    if type(value) is Tensor:
        return np.array(value.array, dtype=session.dtype.np)
    if isinstance(value, bool) or value is None or isinstance(value, str):
        raise ValueDomainError(
            f"--set {name}: {value!r} is not numeric",
            hint="give a number, a list or a tensor expression",
        )
    if isinstance(value, list | tuple):
        from gradcalc.autograd.ops.constructors import data_array

        data_array(value)  # ragged or mixed: torch.tensor's own error, for its inferred dtype
        return data_array(value, session.dtype)
    try:
        return np.array(value, dtype=session.dtype.np)
    except (TypeError, ValueError):
        raise ValueDomainError(f"--set {name}: {text!r} is not numeric") from None


__all__ = ["GradcalcError", "bind_value"]
