"""Every example in docs/language.md runs and shows exactly what the doc says, and the
examples written as PyTorch code show what PyTorch 2.13 shows.

A ```gradcalc block runs in a fresh session (keep_going, from the repository root); the
```text block right after it holds what it shows: each output's text, and for a failing
statement ``Kind: message`` and ``  hint: ...``. Addresses (``at 0x7f...``) are masked.
A block that imports torch is also run by PyTorch (the corpus's transcript rules,
``tests/corpus/make_expected.py``) and compared with gradcalc's transcript of it.

To rewrite the expected blocks after a deliberate change, run
``GRADCALC_UPDATE_DOCS=1 pytest tests/interpreter/test_docs.py`` and review the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from gradcalc.interpreter import Session

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "corpus"
DOC = REPO / "docs" / "language.md"
BLOCK = re.compile(r"```gradcalc\n(.*?)```\n```text\n(.*?)```", re.S)
ADDRESS = re.compile(r" at 0x[0-9a-f]+>")


def _examples() -> list[tuple[str, str]]:
    return BLOCK.findall(DOC.read_text())


def _show(source: str) -> str:
    session = Session()
    result = session.run(source, filename=str(DOC), keep_going=True)
    lines: list[str] = []
    if result.syntax_error is not None:
        err = result.syntax_error
        lines.append(f"{err.kind}: {err.message}")
    for stmt in result.statements:
        lines.extend(
            f"warning: {out.text}" if out.kind == "warning" else out.text for out in stmt.outputs
        )
        if stmt.error is not None:
            lines.append(f"{stmt.error.kind}: {stmt.error.message}")
            if stmt.error.hint:
                lines.append(f"  hint: {stmt.error.hint}")
    text = "\n".join(lines)
    return ADDRESS.sub(" at 0x...>", text) + ("\n" if text else "")


@pytest.fixture(autouse=True)
def _repo_root(monkeypatch):
    monkeypatch.chdir(REPO)


def test_doc_has_examples():
    assert len(_examples()) >= 15


@pytest.mark.parametrize("index", range(len(_examples())))
def test_doc_example(index):
    source, expected = _examples()[index]
    assert _show(source) == expected, source


def _pytorch_examples() -> list[int]:
    return [i for i, (source, _) in enumerate(_examples()) if "import torch" in source]


def test_pytorch_code_and_the_calculator_both_have_examples():
    assert len(_pytorch_examples()) >= 10
    assert len(_examples()) - len(_pytorch_examples()) >= 4


@pytest.mark.torch
@pytest.mark.parametrize("index", _pytorch_examples())
def test_pytorch_code_example_shows_what_pytorch_shows(index, tmp_path):
    import subprocess
    import sys

    sys.path.insert(0, str(CORPUS))
    from gradcalc_transcript import gradcalc_transcript
    from transcript import difference, normalise

    source, _ = _examples()[index]
    snippet = tmp_path / "example.py"
    snippet.write_text(source)
    pytorch = subprocess.run(
        [sys.executable, str(CORPUS / "make_expected.py"), "--print", str(snippet)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout
    ours = normalise(gradcalc_transcript(snippet))
    assert difference(pytorch, ours, f"example {index}") is None, source


def test_the_statement_table_and_the_builtins_are_documented():
    """The language's own parts (the ops have docs/ops.md): each statement keyword and each
    Python builtin the sandbox gives is named on the page."""
    from gradcalc.interpreter.pybuiltins import make_builtins

    class _Runtime:
        def emit(self, *args):
            pass

    text = DOC.read_text()
    keywords = "if elif else for while break continue def return lambda nonlocal global class"
    keywords += " try except finally raise assert with import del pass"
    missing = [k for k in keywords.split() if not re.search(rf"`[^`]*\b{k}\b[^`]*`", text)]
    builtins_ = [
        name
        for name in make_builtins(_Runtime())
        if not name.startswith("_") and not name[0].isupper()
    ]
    missing += [name for name in builtins_ if not re.search(rf"\b{name}\b", text)]
    assert not missing, f"not named in docs/language.md: {missing}"
    assert "(ops.md)" in text


def update_doc() -> None:  # pragma: no cover - a maintenance helper
    text = DOC.read_text()

    def replace(match: re.Match) -> str:
        return f"```gradcalc\n{match.group(1)}```\n```text\n{_show(match.group(1))}```"

    DOC.write_text(BLOCK.sub(replace, text))


if os.environ.get("GRADCALC_UPDATE_DOCS") == "1":  # pragma: no cover
    os.chdir(REPO)
    update_doc()
