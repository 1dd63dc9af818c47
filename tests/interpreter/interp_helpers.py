"""Small helpers shared by the interpreter tests."""

from __future__ import annotations

from gradcalc.interpreter import Session


def run(source: str, *, keep_going: bool = False, session: Session | None = None, **options):
    """Run ``source`` in a (new) session; return (session, result)."""
    session = session or Session(**options)
    return session, session.run(source, keep_going=keep_going)


def texts(result) -> list[str]:
    """Every output of the run, in order, as text."""
    return [out.text for stmt in result.statements for out in stmt.outputs]


def shown(source: str, **options) -> str:
    """The outputs of a program that must run without error, joined by newlines."""
    _, result = run(source, **options)
    assert result.ok, [e.message for e in result.errors]
    return "\n".join(texts(result))


def error_of(source: str, **options):
    """The one error a program raises (syntax or evaluation)."""
    _, result = run(source, **options)
    errors = result.errors
    assert len(errors) == 1, f"expected one error, got {[e.message for e in errors]}"
    return errors[0]
