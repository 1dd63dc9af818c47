"""Shared checks for the hostile-input suite: what a user may and may not see."""

from __future__ import annotations

from gradcalc.errors import GradcalcError
from gradcalc.interpreter import Session

BASE = "x = [[1., 2., 3.], [4., 5., 6.]]; v = [1., 2., 3.]; m = mean(x); y = x * 2"
"""Variables most cases use: a 2x3 leaf x, a length-3 leaf v, a scalar m and a non-leaf y."""

# Python's own exception names and traceback fragments: none may reach a user. ("ValueError"
# is not here: it is also the user-facing kind of gradcalc's ValueDomainError.)
PYTHON_LEAKS = (
    "Traceback",
    "internal error",
    'File "',
    "site-packages",
    "TypeError",
    "AttributeError",
    "KeyError",
    "IndexError",
    "RecursionError",
    "ZeroDivisionError",
    "UnicodeDecodeError",
    "NotImplementedError",
    "OverflowError",
    "MemoryError",
    "RuntimeWarning",
    "UserWarning",
)


def assert_no_python_leak(text: str | None) -> None:
    if not text:
        return
    for leak in PYTHON_LEAKS:
        assert leak not in text, f"{leak!r} shown to the user in {text!r}"


def assert_well_formed(error: GradcalcError, source: str) -> None:
    """A package error with a message, a position inside the source, and no Python leak."""
    assert isinstance(error, GradcalcError), repr(error)
    assert error.message and error.message.strip()
    assert_no_python_leak(error.message)
    assert_no_python_leak(error.hint)
    assert error.exit_code in (1, 2)
    span = error.span
    assert span is not None, f"no position for {error.message!r} in {source!r}"
    assert span.line >= 1 and span.column >= 1
    assert 0 <= span.start <= span.end <= len(source) + 1


def session_with_base(**options) -> Session:
    session = Session(**{"max_elements": 1_000_000, **options})
    assert session.run(BASE).ok
    return session


def run_error(source: str, session: Session | None = None, **options) -> GradcalcError:
    """The one error ``source`` gives (after BASE), checked to be well formed."""
    session = session or session_with_base(**options)
    result = session.run(source, keep_going=True)
    errors = result.errors
    assert errors, f"{source!r} ran without an error"
    assert len(errors) == 1, [e.message for e in errors]
    assert_well_formed(errors[0], source)
    return errors[0]


def run_ok(source: str, session: Session | None = None, **options):
    session = session or session_with_base(**options)
    result = session.run(source, keep_going=True)
    assert result.ok, [e.message for e in result.errors]
    return session, result


def outputs(result, kind: str | None = None) -> list[str]:
    return [o.text for s in result.statements for o in s.outputs if kind is None or o.kind == kind]
