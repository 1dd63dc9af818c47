"""Every example in docs/language.md runs and shows exactly what the doc says.

A ```gradcalc block runs in a fresh session (keep_going, from the repository root); the
```text block right after it holds what it shows: each output's text, and for a failing
statement ``Kind: message`` and ``  hint: ...``. Addresses (``at 0x7f...``) are masked.

To rewrite the expected blocks after a deliberate change, run
``GRADCALC_UPDATE_DOCS=1 pytest tests/interpreter/test_docs.py`` and review the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from gradcalc.autograd import registry
from gradcalc.interpreter import Session
from gradcalc.interpreter.attributes import TENSOR_PROPERTIES

# docs/language.md is being rewritten by the lead for the new language: its examples show the
# old semantics until then.
pytestmark = pytest.mark.xfail(strict=False, reason="docs being rewritten")

REPO = Path(__file__).resolve().parents[2]
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
    assert len(_examples()) >= 20


@pytest.mark.parametrize("index", range(len(_examples())))
def test_doc_example(index):
    source, expected = _examples()[index]
    assert _show(source) == expected, source


def test_every_builtin_method_and_attribute_is_documented_with_an_example():
    code = "\n".join(source for source, _ in _examples())
    missing = [
        name
        for name in registry.FUNCTIONS["torch"]
        if not re.search(rf"\b{re.escape(name)}\(", code)
    ]
    missing += [
        f".{name}()" for name in registry.METHODS if not re.search(rf"\.{re.escape(name)}\(", code)
    ]
    missing += [f".{attr}" for attr in TENSOR_PROPERTIES if not re.search(rf"\.{attr}\b", code)]
    for op in [
        "+",
        "-",
        "*",
        "/",
        "//",
        "%",
        "**",
        "@",
        "==",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        "+=",
        "*=",
    ]:
        if f" {op} " not in code:
            missing.append(op)
    assert not missing, f"undocumented (no example in docs/language.md): {missing}"


def update_doc() -> None:  # pragma: no cover - a maintenance helper
    text = DOC.read_text()

    def replace(match: re.Match) -> str:
        return f"```gradcalc\n{match.group(1)}```\n```text\n{_show(match.group(1))}```"

    DOC.write_text(BLOCK.sub(replace, text))


if os.environ.get("GRADCALC_UPDATE_DOCS") == "1":  # pragma: no cover
    os.chdir(REPO)
    update_doc()
