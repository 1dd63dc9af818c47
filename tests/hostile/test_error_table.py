"""docs/errors.md: every error class with an example input and the exact message the user
sees, generated here from the real program so it cannot drift.

    GRADCALC_UPDATE_DOCS=1 pytest tests/hostile/test_error_table.py   # rewrite the table
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from gradcalc import errors
from gradcalc.errors import GradcalcError
from gradcalc.interpreter import Session

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "errors.md"
SETUP = "x = [[1., 2., 3.], [4., 5., 6.]]; m = mean(x)"

# class name -> (how the input is given, candidate inputs); the first candidate that raises
# this class is shown, so a fix that changes one example's class cannot leave a wrong row.
EXAMPLES: dict[str, tuple[str, list[str]]] = {
    "GradcalcSyntaxError": ("program", ["y = (x + 1", "y = x +* 2"]),
    "UsageError": ("--set", ["1x=[1, 2]", "x="]),
    "NameLookupError": ("program", ["y = meen(x)"]),
    "AttributeLookupError": ("program", ["y = x.meen()"]),
    "ArgumentError": ("program", ["y = mean(x, 1, axs=0)"]),
    "ShapeError": ("program", ["y = x @ x"]),
    "ValueDomainError": ("program", ["y = [[1, 2], [3]]"]),
    "IndexOutOfRange": ("program", ["y = x[5]"]),
    "AutogradError": ("program", ["y = x * 2; y.backward()"]),
    "LimitError": ("program", ["y = ones(100000, 100000)"]),
    "DataFileError": ("program", ["y = load('weights.pkl')", "y = load('missing.npy')"]),
    "RaisedError": ("program", ["raise ValueError('bad value')", "y = 1 / 0"]),
    "EvaluationError": (
        "program",
        ["y = neg(x > 2)", "y = softmax(tensor([]))", "y = x.unsqueeze(0)" + ".unsqueeze(0)" * 64],
    ),
    "InternalError": ("none", []),  # a bug in gradcalc: no input should give one
}

# The command's bounds: (option, its default, the options of the example, the program).
# Defaults come from where each bound lives, so the table cannot drift from the code.
LIMITS: list[tuple[str, str, list[str], str]] = [
    ("--max-elements N", "elements", [], "y = ones(100000, 100000)"),
    ("--max-work N", "work", ["--max-work", "1000"], "a = ones(20, 20); b = a @ a"),
    ("--max-steps N", "steps", ["--max-steps", "1000"], "while True: pass"),
    ("--max-depth N", "depth", ["--max-depth", "20"], "f = lambda n: f(n + 1); f(0)"),
    ("--timeout SECONDS", "timeout", ["--timeout", "0.2"], "while True: pass"),
    ("--max-program-bytes SIZE", "program", ["--max-program-bytes", "8"], "y = 1 + 2 + 3"),
    (
        "--max-file-bytes SIZE",
        "file",
        ["--max-file-bytes", "16"],
        "w = load('examples/data/weights.csv')",
    ),
    # 40,000,000 elements (320 MB) pass the element limit; the process bound stops them
    ("--max-memory SIZE", "memory", ["--max-memory", "300M"], "y = ones(40000000)"),
]


def limit_defaults() -> dict[str, str]:
    from gradcalc.autograd import settings
    from gradcalc.cli.options import DEFAULT_MAX_PROGRAM_BYTES
    from gradcalc.files import DEFAULT_MAX_FILE_BYTES
    from gradcalc.interpreter import runtime

    return {
        "elements": f"{settings.DEFAULT_MAX_ELEMENTS:,}",
        "work": f"{settings.DEFAULT_MAX_WORK:,}",
        "steps": f"{runtime.DEFAULT_MAX_STEPS:,}",
        "depth": f"{runtime.DEFAULT_MAX_DEPTH:,}",
        "timeout": "none",
        "memory": "none",
        "program": f"{DEFAULT_MAX_PROGRAM_BYTES // 2**20} MiB",
        "file": f"{DEFAULT_MAX_FILE_BYTES // 2**20} MiB",
    }


def error_classes() -> dict[str, type[GradcalcError]]:
    found = {}
    for value in vars(errors).values():
        if (
            isinstance(value, type)
            and issubclass(value, GradcalcError)
            and value is not GradcalcError
        ):
            found[value.__name__] = value
    return found


def produce(how: str, source: str) -> GradcalcError | None:
    session = Session()
    session.run(SETUP)
    if how == "--set":
        name, _, value = source.partition("=")
        try:
            session.bind(name, value)
        except GradcalcError as error:
            return error
        return None
    result = session.run(source)
    return result.errors[0] if result.errors else None


def run_command(args: list[str], program: str) -> tuple[int, dict]:
    """The exit code and the first error of ``gradcalc --json ARGS PROGRAM``, run in the
    repository (the file example's path is relative to it)."""
    if "--max-memory" in args:  # an OS limit on this process would outlast the call
        return _run_subprocess(args, program)
    from typer.testing import CliRunner

    from gradcalc.cli.app import app

    here = os.getcwd()
    os.chdir(REPO)
    try:
        result = CliRunner().invoke(app, ["--json", "-q", *args, program])
    finally:
        os.chdir(here)
    return result.exit_code, json.loads(result.stdout)["errors"][0]


def _run_subprocess(args: list[str], program: str) -> tuple[int, dict]:
    import subprocess
    import sys

    import gradcalc

    source_root = str(Path(gradcalc.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": source_root, "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "gradcalc", "--json", "-q", *args, program],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
    )
    return done.returncode, json.loads(done.stdout)["errors"][0]


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def code(text: str) -> str:
    """``text`` as Markdown inline code (double backticks when it holds one itself)."""
    text = cell(text)
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def shown(message: str, hint: str | None, line, column) -> str:
    text = code(message)
    if line is not None:
        text += f" at {line}:{column}"
    if hint:
        text += f"<br>hint: {code(hint)}"
    return text


def build_table() -> str:
    classes = error_classes()
    assert set(classes) == set(EXAMPLES), "a new error class needs an example here"
    rows = []
    for name, (how, candidates) in EXAMPLES.items():
        cls = classes[name]
        for source in candidates:
            error = produce(how, source)
            if type(error) is cls:
                break
        else:
            note = "(a bug in gradcalc; no input should give it)" if how == "none" else ""
            rows.append(
                f"| {name} | {cls.kind} | {cls.category} | {cls.exit_code} | | "
                f"{note or '(no example input gives this class)'} |"
            )
            continue
        span = error.span
        what = shown(error.message, error.hint, span and span.line, span and span.column)
        given = code(f"--set {source}" if how == "--set" else source)
        rows.append(
            f"| {name} | {error.kind} | {error.category} | {error.exit_code} | {given} | {what} |"
        )
    defaults = limit_defaults()
    limits = []
    for option, key, args, program in LIMITS:
        exit_code, error = run_command(args, program)
        given = code(" ".join([*args, repr(program)]) if args else program)
        what = shown(error["message"], error["hint"], error["line"], error["column"])
        limits.append(
            f"| `{option}` | {defaults[key]} | {given} | {error['type']} | {exit_code} | {what} |"
        )
    return HEADER + "\n".join(rows) + "\n" + LIMITS_HEADER + "\n".join(limits) + "\n" + FOOTER


HEADER = (
    """\
# Errors

Every error gradcalc reports has a type, a message, the line and column it concerns (1-based,
counted in the program text) and, where one helps, a hint. The type is the name Python and
PyTorch give the same failure (`RuntimeError` for a shape mismatch, `TypeError` for a bad
argument), so a program's `except RuntimeError` catches what PyTorch would raise; `category`
(in `--json`) groups errors by gradcalc's class. The CLI prints them to stderr in a panel with
the source line and a caret (`file:line:column` for scripts; for an error inside a function,
the call chain first); `--json` puts them in `errors`; `Session.run` returns them in
`RunResult.errors`. Exit codes: 2 for syntax and usage errors (bad option values included),
1 for errors while the program runs, 70 for a bug in gradcalc itself.

This table is generated by `tests/hostile/test_error_table.py` from the real program (run after
`"""
    + SETUP
    + """`); the test fails when it is out of date.
Regenerate with `GRADCALC_UPDATE_DOCS=1 pytest tests/hostile/test_error_table.py`.

| Class | Type | Category | Exit code | Example input | What the user sees |
|-------|------|----------|-----------|---------------|--------------------|
"""
)

LIMITS_HEADER = """
## Limits

Every run is bounded (see `gradcalc --help`); a bound that is hit is an error at the line
where it happened. Each row runs `gradcalc --json` with the options shown.

| Option | Default | Example | Type | Exit code | What the user sees |
|--------|---------|---------|------|-----------|--------------------|
"""

FOOTER = """
EvaluationError is the class of last resort: a failure inside the autograd core that no more
specific class describes. RaisedError is an exception a program raises itself (`raise`,
`assert`) or a Python exception type by name (`ZeroDivisionError`). A bug in gradcalc itself
is an InternalError (exit code 70), never a Python traceback.
"""


def test_docs_errors_table_is_up_to_date():
    table = build_table()
    if os.environ.get("GRADCALC_UPDATE_DOCS") == "1":
        DOC.write_text(table, encoding="utf-8")
    assert DOC.exists(), "docs/errors.md is missing: run with GRADCALC_UPDATE_DOCS=1"
    assert DOC.read_text(encoding="utf-8") == table, (
        "docs/errors.md is out of date: run GRADCALC_UPDATE_DOCS=1 pytest "
        "tests/hostile/test_error_table.py"
    )


def test_every_row_shows_its_own_class():
    table = build_table()
    for name in EXAMPLES:
        row = next(line for line in table.splitlines() if line.startswith(f"| {name} |"))
        assert "no example input" not in row, row
