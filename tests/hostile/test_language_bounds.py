"""Bounded execution of the language's loops, calls and comprehensions (issue 11): the step
budget (``--max-steps``), the recursion limit, the timeout, and Ctrl-C. Each stops the program
with a clear error at the line where it stopped; no ``except`` clause can swallow a bound; the
session and every variable survive."""

from __future__ import annotations

import signal
import time

import pytest
from hostile_helpers import assert_well_formed

from gradcalc.errors import LimitError
from gradcalc.interpreter import Session

RUNAWAYS = [
    "while True: pass",
    "while True:\n    try:\n        1 / 0\n    except:\n        pass",
    "while True:\n    try:\n        undefined_name\n    except Exception as e:\n        continue",
    "i = 0\nwhile i >= 0:\n    i += 1",
    "x = [i for i in range(10**12)]",
    "x = {i: i for i in range(10**12)}",
    "x = sum(range(10**12))",
    "x = list(range(10**12))",
    "x = sorted(range(10**12))",
    "x = [[j for j in range(10**6)] for i in range(10**6)]",
    "g = (i for i in range(10**12))\nfor q in g: pass",
    "def f():\n    while True:\n        pass\nf()",
    "def forever():\n    for i in range(10**12):\n        yield_ = i\nforever()",
    "f = lambda n: f(n + 1) if n >= 0 else 0\nf(0)",
    "while True:\n    try:\n        pass\n    finally:\n        pass",
]


@pytest.mark.parametrize("source", RUNAWAYS)
def test_runaway_programs_stop_at_the_step_budget_quickly(source):
    session = Session(max_steps=200_000)
    start = time.perf_counter()
    result = session.run(source)
    elapsed = time.perf_counter() - start
    (error,) = result.errors
    assert isinstance(error, LimitError), (error.kind, error.message)
    assert error.kind in ("LimitError", "RecursionError")
    assert_well_formed(error, source)
    assert elapsed < 20, f"{elapsed:.1f} s"


def test_a_runaway_training_loop_stops_at_the_budget_or_the_timeout():
    # tensor ops cost far more than a step: --timeout is what bounds such a loop in time
    source = (
        "import torch\nx = torch.ones(2, requires_grad=True)\nwhile True:\n    y = (x * 2).sum()"
    )
    error = Session(max_steps=2_000).run(source).errors[0]
    assert isinstance(error, LimitError) and "2,000 steps" in error.message
    start = time.perf_counter()
    error = Session(timeout=0.5, max_steps=10**12).run(source).errors[0]
    assert isinstance(error, LimitError) and "--timeout" in error.message
    assert time.perf_counter() - start < 5


def test_the_step_message_names_the_option_and_the_line():
    source = "x = 1\nwhile True:\n    x += 1\n"
    error = Session(max_steps=1_000).run(source).errors[0]
    assert error.message == "the program ran more than 1,000 steps (loop iterations and calls)"
    assert "--max-steps" in error.hint
    assert error.span.line in (2, 3)


def test_the_default_budget_stops_while_true_within_seconds():
    start = time.perf_counter()
    error = Session().run("while True: pass").errors[0]
    assert isinstance(error, LimitError)
    assert time.perf_counter() - start < 30  # about 3 s on one core


@pytest.mark.parametrize(
    "handler",
    ["except:", "except Exception:", "except BaseException:", "except LimitError:", "finally:"],
)
def test_no_except_clause_swallows_a_bound(handler):
    source = f"try:\n    while True: pass\n{handler}\n    print('swallowed')\nprint('after')"
    if handler == "finally:":
        source = "try:\n    while True: pass\nfinally:\n    print('cleanup')\nprint('after')"
    result = Session(max_steps=1_000).run(source, keep_going=True)
    errors = [e for e in result.errors if isinstance(e, LimitError)]
    assert errors, result.errors
    printed = [o.text for s in result.statements for o in s.outputs]
    assert "swallowed" not in printed
    assert printed[-1] == "after"  # keep_going runs the next statement


def test_recursion_is_pythons_error_at_the_depth_limit_with_the_call_chain():
    source = "def down(n):\n    return down(n + 1)\ndown(0)"
    error = Session(max_depth=50).run(source).errors[0]
    assert error.kind == "RecursionError" and error.message == "maximum recursion depth exceeded"
    assert "--max-depth" in error.hint
    names = [name for name, *_ in error.frames]
    assert names[-1] == "<module>" and names.count("down") == 51  # the refused call too


def test_mutual_recursion_and_recursion_through_a_hook_are_bounded():
    mutual = "def a(n): return b(n)\ndef b(n): return a(n)\na(0)"
    assert Session().run(mutual).errors[0].kind == "RecursionError"
    hook = (
        "import torch\n"
        "x = torch.ones(2, requires_grad=True)\n"
        "def again(g):\n"
        "    with torch.enable_grad():\n"  # a hook runs without grad mode, as in PyTorch
        "        (x * 2).sum().backward()\n"
        "    return g\n"
        "x.register_hook(again)\n"
        "(x * 2).sum().backward()\n"
    )
    errors = Session(max_depth=30).run(hook, keep_going=True).errors
    assert errors and errors[-1].kind == "RecursionError"


def test_deep_python_recursion_is_within_pythons_own_stack():
    # the language's depth limit comes long before Python's own frames run out
    source = "def f(n):\n    if n == 0:\n        return 0\n    return 1 + f(n - 1)\nf(190)"
    session = Session()
    result = session.run(source)
    assert result.ok, result.errors


def test_the_timeout_stops_a_loop_between_steps():
    start = time.perf_counter()
    error = Session(timeout=0.5, max_steps=10**12).run("while True: pass").errors[0]
    assert isinstance(error, LimitError)
    assert error.message == "the program ran longer than 0.5 s (--timeout)"
    assert time.perf_counter() - start < 5


def test_a_huge_repetition_is_refused_before_it_allocates():
    for source in ("x = [None] * 10**12", "x = 'ab' * 10**12", "x = (1,) * 10**12"):
        error = Session().run(source).errors[0]
        assert isinstance(error, LimitError) and error.kind == "MemoryError", source


@pytest.fixture
def interrupt_after():
    """Deliver a KeyboardInterrupt (Ctrl-C) to this process after ``seconds``."""
    if not hasattr(signal, "setitimer"):
        pytest.skip("needs setitimer")

    def arm(seconds: float) -> None:
        def handler(signum, frame):
            raise KeyboardInterrupt

        signal.signal(signal.SIGALRM, handler)
        # Again every 0.5 s until disarmed, as a user presses Ctrl-C again: an interrupt that
        # lands inside a weakref callback (the labels' WeakKeyDictionary) is lost by Python.
        signal.setitimer(signal.ITIMER_REAL, seconds, 0.5)

    yield arm
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)


@pytest.mark.parametrize(
    "loop",
    [
        "while True: pass",
        "while True:\n    try:\n        1 / 0\n    except:\n        pass",
        "with torch.no_grad():\n    while True:\n        y = w * 2",
        "def spin():\n    while True: pass\nspin()",
    ],
)
def test_ctrl_c_stops_a_long_loop_and_the_session_stays_usable(loop, interrupt_after):
    session = Session(max_steps=10**12)
    assert session.run("import torch\nw = torch.ones(3, requires_grad=True)\nn = 5").ok
    interrupt_after(0.3)
    start = time.perf_counter()
    result = session.run(loop)
    signal.setitimer(signal.ITIMER_REAL, 0)
    assert time.perf_counter() - start < 5
    (error,) = result.errors
    assert error.kind == "KeyboardInterrupt"
    # every variable survives, grad mode is back on, the session computes again
    again = session.run("y = (w * n).sum()\ny.backward()\nprint(w.grad, torch.is_grad_enabled())")
    assert again.ok, again.errors
    assert [o.text for s in again.statements for o in s.outputs] == ["tensor([5., 5., 5.]) True"]
