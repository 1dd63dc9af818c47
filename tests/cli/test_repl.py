"""The REPL in a pseudo-terminal (pexpect): prompts, continuation, errors, history, Tab, Ctrl-C/D."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

TIMEOUT = 20


def gradcalc_executable() -> str:
    script = Path(sys.executable).with_name("gradcalc")
    return str(script) if script.exists() else shutil.which("gradcalc")


@pytest.fixture
def state_home(tmp_path) -> Path:
    return tmp_path / "state"


def _ctrl_c_as_in_a_terminal() -> None:
    """A job a script starts in the background (``.ci/run`` starts nox so) inherits SIGINT
    ignored (POSIX, for asynchronous lists without job control), and so would the REPL under
    test: Ctrl-C would do nothing. A user's terminal delivers it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture
def spawn(tmp_path, state_home):
    children = []

    def start(*args: str, env: dict | None = None):
        full_env = {
            **os.environ,
            "NO_COLOR": "1",
            "TERM": "xterm",
            "COLUMNS": "100",
            "XDG_STATE_HOME": str(state_home),
            "XDG_CACHE_HOME": str(tmp_path / "cache"),
        }
        full_env.pop("FORCE_COLOR", None)
        full_env.update(env or {})
        child = pexpect.spawn(
            gradcalc_executable(),
            list(args),
            encoding="utf-8",
            env=full_env,
            cwd=str(tmp_path),
            timeout=TIMEOUT,
            dimensions=(50, 100),
            preexec_fn=_ctrl_c_as_in_a_terminal,
        )
        children.append(child)
        child.expect_exact(">>> ")
        return child

    yield start
    for child in children:
        if child.isalive():
            child.terminate(force=True)


def run_line(child, line: str) -> str:
    """Send a line; return what was printed before the next prompt (without the echo)."""
    child.sendline(line)
    child.expect_exact(">>> ")
    return child.before.replace("\r\n", "\n").split("\n", 1)[-1]


def exit_with_ctrl_d(child) -> int:
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus


def test_values_continuation_and_ctrl_d(spawn):
    child = spawn()
    assert (
        run_line(child, "x = tensor([1., 2.], requires_grad=True)") == ""
    )  # assignments are silent
    child.sendline("m = (x *")
    child.expect_exact("... ")
    child.sendline("  x).sum()")
    child.expect_exact(">>> ")
    assert run_line(child, "m.backward()") == ""
    assert "tensor([2., 4.])" in run_line(child, "x.grad")
    assert "tensor(5., grad_fn=<SumBackward0>)" in run_line(child, "m")
    assert exit_with_ctrl_d(child) == 0


def test_an_error_mid_session_keeps_the_variables(spawn):
    child = spawn()
    run_line(child, "x = [1., 2.]")
    shown = run_line(child, "y = x + [1, 2, 3]")
    assert "RuntimeError" in shown and "^" in shown and "<stdin>:1:7" in shown
    assert "Traceback" not in shown
    shown = run_line(child, "meen(x)")
    assert "mean" in shown
    assert "tensor([2., 4.], grad_fn=<MulBackward0>)" in run_line(child, "x * 2")
    assert exit_with_ctrl_d(child) == 0


def test_ctrl_c_cancels_the_line_not_the_session(spawn):
    child = spawn()
    run_line(child, "x = 3.")
    child.sendline("y = (x +")
    child.expect_exact("... ")
    child.sendcontrol("c")
    child.expect_exact(">>> ")
    assert "tensor(6., grad_fn=<MulBackward0>)" in run_line(child, "x * 2")
    assert "NameError" in run_line(child, "y")  # the cancelled statement never ran
    assert exit_with_ctrl_d(child) == 0


def test_history_is_kept_across_sessions(spawn, state_home):
    first = spawn()
    run_line(first, "a_remembered_name = 41.")
    assert exit_with_ctrl_d(first) == 0
    history = state_home / "gradcalc" / "history"
    assert "a_remembered_name = 41." in history.read_text()

    second = spawn()
    second.send("\x1b[A")  # up arrow: the previous session's line
    second.sendline("")
    second.expect_exact(">>> ")
    assert "tensor(42., grad_fn=<AddBackward0>)" in run_line(second, "a_remembered_name + 1")
    assert exit_with_ctrl_d(second) == 0


def test_tab_completes_names_builtins_and_attributes(spawn):
    child = spawn()
    run_line(child, "weights_matrix = ones(2, 2, requires_grad=True)")
    child.send("weights_m\t")  # a variable
    child.expect_exact("weights_matrix")
    child.send(".mea\t")  # a method after "." (".me" is mean and median)
    child.expect_exact(".mean")  # readline redraws only what changed
    child.sendline("()")
    child.expect_exact("tensor(1., grad_fn=<MeanBackward0>)")
    child.expect_exact(">>> ")
    child.send("softpl\t")  # a builtin
    child.expect_exact("softplus")
    child.sendline("(weights_matrix).shape")
    child.expect_exact("torch.Size([2, 2])")
    child.expect_exact(">>> ")
    child.send(":gr\t")  # a REPL command
    child.expect_exact(":grads")
    child.sendline("")
    child.expect_exact(">>> ")
    assert exit_with_ctrl_d(child) == 0


def test_commands(spawn, tmp_path):
    (tmp_path / "script.py").write_text("w = [1., 2., 3.]\nloss = sum(w * w)\nloss.backward()\n")
    child = spawn()
    assert ":vars" in run_line(child, ":help")
    run_line(child, ":load script.py")
    shown = run_line(child, ":vars")
    assert "loss" in shown and "14." in shown
    shown = run_line(child, ":grads")
    assert "w.grad" in shown and "[2., 4., 6.]" in shown and "after 1 backward call" in shown
    shown = run_line(child, ":tree loss")
    assert "loss = sum(w * w)  SumBackward0" in shown and "w  leaf requires_grad=True" in shown
    shown = run_line(child, ":explain")
    assert "SumBackward0" in shown and "arriving ∂loss/∂loss = 1." in shown
    run_line(child, ":save saved.py")
    assert (
        tmp_path / "saved.py"
    ).read_text() == "w = [1., 2., 3.]\nloss = sum(w * w)\nloss.backward()\n"
    assert "unknown command" in run_line(child, ":nope")
    missing = " ".join(run_line(child, ":load nowhere.py").split())
    assert "cannot read nowhere.py: no such file" in missing and "-f" not in missing
    run_line(child, ":reset")
    assert "NameError" in run_line(child, "loss")
    child.sendline(":quit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_interactive_flag_continues_after_the_program(spawn):
    child = spawn("-i", "x = [[1,2,3],[4,5,6]]; m = mean(2*(x+1))")
    assert "tensor([[0.3333, 0.3333, 0.3333]," in run_line(child, "x.grad")
    assert exit_with_ctrl_d(child) == 0


def test_no_escape_codes_with_no_color(spawn):
    child = spawn()
    shown = run_line(child, "y = q + 1")
    assert "NameError" in shown and "\x1b[1" not in shown and "\x1b[3" not in shown
    assert exit_with_ctrl_d(child) == 0


HOSTILE_LINES = [
    ("y = (1 +* 2)", "SyntaxError"),
    ("x.__class__", "AttributeError"),
    ("__import__('os')", "NameError"),
    ("big = ones(100000, 100000)", "LimitError"),
    ("z = " + "(" * 2000 + "1" + ")" * 2000, "nested too deeply"),
    ("w = [[1, 2], [3]]", "ValueError"),
    ('q = load("/nonexistent.npy")', "FileError"),
    ("m = sum(x * x); m.backward(); m.backward()", "backward through the graph a second time"),
    ("x @ ones(5, 5)", "mat1 and mat2 shapes cannot be multiplied"),
]


def test_the_repl_survives_hostile_input_with_every_variable_intact(spawn):
    child = spawn()
    run_line(child, "x = [1., 2.]; keep = x * 3")
    for line, expected in HOSTILE_LINES:
        shown = run_line(child, line)
        assert expected in shown, (line, shown)
        assert "Traceback" not in shown and "internal error" not in shown, line
    assert "tensor([3., 6.], grad_fn=<MulBackward0>)" in run_line(child, "keep")
    assert "tensor([2., 4.])" in run_line(child, "x.grad")  # the one backward that ran
    assert exit_with_ctrl_d(child) == 0


def test_a_with_block_continues_until_an_empty_line(spawn, tmp_path):
    child = spawn()
    run_line(child, "w = torch.tensor([1., 2.], requires_grad=True)")
    run_line(child, "(w ** 2).sum().backward()")
    child.sendline("with torch.no_grad():")
    child.expect_exact("... ")
    child.sendline("    w -= 0.1 * w.grad")
    child.expect_exact("... ")
    child.sendline("    print(w)")
    child.expect_exact("... ")
    assert "tensor([0.8000, 1.6000], requires_grad=True)" in run_line(child, "")
    assert "True" in run_line(child, "w.is_leaf")
    # the one-line form too waits for the empty line, as in Python's REPL
    child.sendline("with torch.no_grad(): w *= 2; print(w)")
    child.expect_exact("... ")
    assert "tensor([1.6000, 3.2000], requires_grad=True)" in run_line(child, "")
    # an empty line right after the ':' is an error, shown, and the session goes on
    child.sendline("with torch.no_grad():")
    child.expect_exact("... ")
    assert "expected an indented block" in run_line(child, "")
    run_line(child, ":save saved.py")
    assert (
        (tmp_path / "saved.py")
        .read_text()
        .endswith(
            "with torch.no_grad():\n    w -= 0.1 * w.grad\n    print(w)\nw.is_leaf\n"
            "with torch.no_grad(): w *= 2; print(w)\n"  # each statement as it was typed
        )
    )
    assert exit_with_ctrl_d(child) == 0


def test_ctrl_d_on_a_continuation_line_discards_the_statement_not_the_session(spawn):
    child = spawn()
    run_line(child, "x = 3.")
    child.sendline("y = (x +")
    child.expect_exact("... ")
    child.sendcontrol("d")
    child.expect_exact("discarded")
    child.expect_exact(">>> ")
    assert "NameError" in run_line(child, "y")  # it never ran
    assert "tensor(6., grad_fn=<MulBackward0>)" in run_line(child, "x * 2")
    assert exit_with_ctrl_d(child) == 0


def test_a_cancelled_statement_stays_out_of_the_history(spawn, state_home):
    child = spawn()
    run_line(child, "kept_line = 1.")
    child.sendline("cancelled_by_ctrl_c = (1 +")
    child.expect_exact("... ")
    child.sendline("  2 +")
    child.expect_exact("... ")
    child.sendcontrol("c")
    child.expect_exact(">>> ")
    child.sendline("discarded_by_ctrl_d = (1 +")
    child.expect_exact("... ")
    child.sendcontrol("d")
    child.expect_exact(">>> ")
    child.send("typed_then_cancelled")
    child.expect_exact("typed_then_cancelled")  # echoed: readline has it
    child.sendcontrol("c")
    child.expect_exact(">>> ")
    assert exit_with_ctrl_d(child) == 0
    history = (state_home / "gradcalc" / "history").read_text()
    assert "kept_line = 1." in history
    for cancelled in ("cancelled_by_ctrl_c", "2 +", "discarded_by_ctrl_d", "typed_then_cancelled"):
        assert cancelled not in history


def test_a_function_defined_in_the_repl_and_ctrl_c_in_a_long_loop(spawn):
    child = spawn()
    child.sendline("def double(v):")
    child.expect_exact("... ")
    child.sendline("    return v @ ones(3)")
    child.expect_exact("... ")
    assert run_line(child, "") == ""
    shown = run_line(child, "double(ones(2))")
    assert "call chain, innermost last:" in shown and "<stdin>:1:1 in <module>" in shown
    assert "--> <stdin>:2:14 in double" in shown and "return v @ ones(3)" in shown  # its input
    run_line(child, "kept = 41")
    child.sendline("while True: kept = kept")
    child.expect_exact("... ")
    child.sendline("")
    child.expect_exact("\n")  # the loop is running
    child.sendcontrol("c")
    child.expect_exact(">>> ", timeout=10)  # back at the prompt, not killed (nor stopped by
    # --max-steps, which would take longer)
    assert "42" in run_line(child, "kept + 1")
    assert exit_with_ctrl_d(child) == 0


# ---- issue 15, item 8: statements in the history, help from the declarations ---------------


def test_a_dangling_assignment_is_an_error_not_a_continuation(spawn):
    child = spawn()
    shown = run_line(child, "a = ")
    assert "SyntaxError" in shown and "<stdin>:1:5" in shown
    # the next line is a statement of its own, not the rest of 'a = '
    assert "tensor(5.)" in run_line(child, "tensor(5.)")
    assert exit_with_ctrl_d(child) == 0


def test_a_block_comes_back_from_the_history_as_one_statement(spawn, state_home):
    child = spawn()
    child.sendline("for i in range(2):")
    child.expect_exact("... ")
    child.sendline("    print(i * 10)")
    child.expect_exact("... ")
    assert run_line(child, "").split() == ["0", "10"]
    child.send("\x1b[A")  # Up: the whole block, ready to run again with one Enter
    child.send("\r")
    child.expect_exact(">>> ")
    again = child.before.replace("\r\n", "\n")
    assert "print(i * 10)" in again and again.split()[-2:] == ["0", "10"]
    assert exit_with_ctrl_d(child) == 0
    saved = (state_home / "gradcalc" / "history").read_text().splitlines()
    assert json.loads(saved[0]) == "for i in range(2):\n    print(i * 10)"
    # and it is one entry again in the next session
    second = spawn()
    second.send("\x1b[A")
    second.send("\r")
    second.expect_exact(">>> ")
    assert second.before.replace("\r\n", "\n").split()[-2:] == ["0", "10"]
    assert exit_with_ctrl_d(second) == 0


def test_help_name_shows_the_op_from_its_declaration(spawn):
    child = spawn()
    shown = run_line(child, ":help tanh")
    assert "tanh(Tensor self) -> Tensor" in shown and "PyTorch node: TanhBackward0" in shown
    assert "example: torch.tanh(x)" in shown and ":vars" not in shown
    assert "did you mean 'tanh'" in run_line(child, ":help tanhh")
    shown = run_line(child, "help(tanh)")
    assert "PyTorch node: TanhBackward0" in shown
    general = run_line(child, "help()")
    assert "docs/" not in general and ":help NAME" in general
    assert exit_with_ctrl_d(child) == 0


def test_explain_of_a_statement_typed_over_two_lines(spawn):
    child = spawn()
    run_line(child, "x = tensor([1., 2.], requires_grad=True)")
    child.sendline("m = (x *")
    child.expect_exact("... ")
    child.sendline("   x).sum()")
    child.expect_exact(">>> ")
    run_line(child, "m.backward()")
    shown = run_line(child, ":explain")
    assert "1. m = (x * x).sum()  [SumBackward0]" in shown
    assert "x was used 2 times (twice in (x * x))" in " ".join(shown.split())
    assert exit_with_ctrl_d(child) == 0
