"""``help(NAME)`` in a program and ``:help NAME`` in the REPL: an op's signature, doc line,
PyTorch node, example and spellings, read from the op declarations (``autograd.describe``),
so everything an install has is all it needs: no pointer to files a pip install lacks."""

from __future__ import annotations

from gradcalc.errors import GradcalcError, UsageError

GENERAL = (
    "gradcalc runs PyTorch autograd code in a sandbox. help(torch.exp) or help(exp) "
    "describes one function: its signature, what it computes, the node it records in the "
    "graph and an example. In the REPL, :help NAME does the same and :help lists the "
    "commands; gradcalc --help lists the command-line options."
)


def help_text(obj=None) -> str:
    """What ``help(obj)`` prints: ``obj`` is a function value (``torch.exp``, ``x.sum``),
    a name as a string (``"tanh"``), or nothing for the general help."""
    from gradcalc.autograd.describe import describe

    if obj is None:
        return GENERAL
    spelling = getattr(obj, "spelling", None)  # a bound method: x.sum
    if isinstance(obj, str):
        try:
            return help_for_name(obj)
        except UsageError as error:
            return f"{error.message}: {error.hint}" if error.hint else error.message
    try:
        if spelling is not None:
            return describe(spelling)
        return describe(obj)
    except GradcalcError:
        pass
    return _python_help(obj)


def _python_help(obj) -> str:
    """A function that is not an op (``torch.autograd.functional.jacobian``): its signature,
    as Python's help begins, and its doc line; anything else: its repr and doc line."""
    import inspect
    import types

    head = repr(obj)
    if isinstance(obj, types.FunctionType):  # gradcalc's own, not a program's ``def``
        try:
            head = f"{obj.__name__}{inspect.signature(obj)}"
        except (TypeError, ValueError):
            pass
    doc = inspect.getdoc(obj) or ""
    first = doc.splitlines()[0] if doc else ""
    return f"{head}\n    {first}".rstrip()


def help_for_name(name: str) -> str:
    """The help of the op spelled ``name`` (``tanh``, ``torch.max``, ``F.relu``,
    ``x.sum``); an unknown name is a UsageError that suggests the nearest op."""
    from gradcalc.autograd.describe import describe, entries
    from gradcalc.interpreter.suggest import did_you_mean

    try:
        return describe(name)
    except GradcalcError:
        bare = name.rpartition(".")[2]
        known = {e.name for e in entries()}
        hint = did_you_mean(bare, known) or "e.g. :help tanh or help(torch.exp)"
        raise UsageError(f"no op named {name!r}", hint=hint) from None
