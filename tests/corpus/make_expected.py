"""Write PyTorch's transcript of every corpus snippet to ``tests/corpus/expected/``.

Run with torch 2.13 installed, from the repository root::

    python tests/corpus/make_expected.py            # (re)write every expected file
    python tests/corpus/make_expected.py --check    # compare, write nothing; exit 1 on a change
    python tests/corpus/make_expected.py --print tests/corpus/real/001_x.py   # one transcript

Each snippet runs as Python's interactive interpreter would run it: top-level statement by
statement, compiled in ``"single"`` mode so expression statements echo their repr, an
exception ending only its own statement. Every snippet runs in a child process forked from a
parent that has imported torch and computed nothing, so PyTorch's warn-once flags and global
modes start fresh, as in a new ``python`` session (and a new gradcalc run).
"""

from __future__ import annotations

import argparse
import ast
import builtins
import io
import multiprocessing
import subprocess
import sys
import traceback
import warnings
from pathlib import Path

from transcript import (
    CORPUS_DIR,
    error_line,
    expected_path,
    normalise,
    snippet_paths,
    warning_line,
)

SNIPPET_TIMEOUT_SECONDS = 300


def top_level_statements(source: str) -> list[str]:
    """The source text of each top-level statement, decorators included, in order."""
    tree = ast.parse(source)
    # ast columns count UTF-8 bytes, so the slicing is done on bytes.
    lines = [line.encode("utf-8") for line in source.splitlines(keepends=True)]
    statements = []
    for node in tree.body:
        decorators = getattr(node, "decorator_list", [])
        if decorators:
            start_line, start_column = decorators[0].lineno, decorators[0].col_offset - 1
        else:
            start_line, start_column = node.lineno, node.col_offset
        chunk = lines[start_line - 1 : node.end_lineno]
        if len(chunk) == 1:
            text = chunk[0][start_column : node.end_col_offset]
        else:
            text = (
                chunk[0][start_column:] + b"".join(chunk[1:-1]) + chunk[-1][: node.end_col_offset]
            )
        statements.append(text.decode("utf-8"))
    return statements


def _exception_line(error: BaseException) -> str:
    lines = traceback.format_exception_only(type(error), error)
    # Notes (PEP 678) follow the exception's own line; the recorded line is the exception's.
    notes = getattr(error, "__notes__", None) or []
    own = lines[-1 - len(notes)] if len(lines) > len(notes) else lines[-1]
    type_name, _, message = own.rstrip("\n").partition(": ")
    return error_line(type_name, message)


def _reset_torch_state(torch) -> None:
    torch.manual_seed(0)
    torch.set_printoptions(profile="default", sci_mode=None)
    torch.set_default_dtype(torch.float32)
    torch.set_grad_enabled(True)
    torch.autograd.set_detect_anomaly(False)


def _show_what_python_shows() -> None:
    """Python's default warning filters, with "always" in place of "default".

    Python hides DeprecationWarning unless it is attributed to ``__main__`` (the snippet), and
    hides PendingDeprecationWarning, ImportWarning and ResourceWarning. Without these rules the
    transcript would show warnings torch raises inside its own lazy imports, which no user
    sees. "always" keeps a warning repeated in a loop from being shown only once.
    """
    warnings.resetwarnings()
    warnings.simplefilter("always")
    for hidden in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
        warnings.filterwarnings("ignore", category=hidden)
    warnings.filterwarnings("always", category=DeprecationWarning, module="__main__")


def run_snippet(source: str) -> str:
    """PyTorch's normalised transcript of ``source``; call it in a fresh process."""
    import torch

    _reset_torch_state(torch)
    namespace: dict = {"__name__": "__main__", "__builtins__": builtins}
    if hasattr(builtins, "_"):
        del builtins._
    out = io.StringIO()

    def show_warning(message, category, filename, lineno, file=None, line=None):
        out.write(warning_line(category.__name__, str(message)) + "\n")

    real_stdout = sys.stdout
    with warnings.catch_warnings():
        _show_what_python_shows()
        warnings.showwarning = show_warning
        sys.stdout = out
        try:
            for statement in top_level_statements(source):
                try:
                    code = compile(statement + "\n", "<stdin>", "single")
                    exec(code, namespace)
                except Exception as error:  # noqa: BLE001 - the transcript records it
                    out.write(_exception_line(error) + "\n")
        finally:
            sys.stdout = real_stdout
    return normalise(out.getvalue())


def _child(path: str, connection) -> None:
    try:
        connection.send(("ok", run_snippet(Path(path).read_text(encoding="utf-8"))))
    except BaseException as error:  # noqa: BLE001 - reported to the parent, not lost
        connection.send(("failed", repr(error)))
    finally:
        connection.close()


def transcript_in_fork(path: Path) -> str:
    """Run one snippet in a child forked from this (torch-imported, idle) process."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(str(path), sender))
    child.start()
    sender.close()
    if not receiver.poll(SNIPPET_TIMEOUT_SECONDS):
        child.kill()
        child.join()
        raise RuntimeError(f"{path}: no transcript within {SNIPPET_TIMEOUT_SECONDS} s")
    status, payload = receiver.recv()
    child.join()
    if status != "ok":
        raise RuntimeError(f"{path}: the snippet runner failed: {payload}")
    return payload


def transcript_in_fresh_process(path: Path) -> str:
    """Run one snippet in a new Python process (slower; safe from any calling process)."""
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--print", str(path)],
        capture_output=True,
        text=True,
        timeout=SNIPPET_TIMEOUT_SECONDS,
        check=True,
    )
    return result.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("snippets", nargs="*", type=Path, help="default: every snippet")
    parser.add_argument("--check", action="store_true", help="compare only, write nothing")
    parser.add_argument("--print", action="store_true", help="print one transcript")
    args = parser.parse_args(argv)

    if args.print:
        for path in args.snippets:
            sys.stdout.write(run_snippet(path.read_text(encoding="utf-8")))
        return 0

    import torch  # noqa: F401 - imported once here so every forked child starts with it

    changed = []
    for path in args.snippets or snippet_paths():
        text = transcript_in_fork(path)
        target = expected_path(path)
        old = target.read_text(encoding="utf-8") if target.exists() else None
        if old != text:
            changed.append(path)
            if not args.check:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
    verb = "differ" if args.check else "written"
    names = "".join(f"\n  {path.resolve().relative_to(CORPUS_DIR)}" for path in changed)
    print(f"{len(changed)} transcript(s) {verb}{names}")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
