"""The corpus is well formed: cited, parseable, with stored transcripts that torch reproduces.

None of this needs the gradcalc interpreter. The tests marked ``torch`` rerun PyTorch on a few
snippets in fresh processes and compare with the stored transcripts.
"""

from __future__ import annotations

import ast
import re

import pytest
from make_expected import top_level_statements, transcript_in_fresh_process
from transcript import (
    EXPECTED_DIR,
    difference,
    error_line,
    expected_path,
    normalise,
    read_expected,
    snippet_paths,
    warning_line,
)

REAL = snippet_paths("real")
PEER = snippet_paths("peer")
ALL = REAL + PEER
COMMIT = re.compile(r"\b[0-9a-f]{40}\b")


def _ids(paths):
    return [f"{path.parent.name}/{path.name}" for path in paths]


def _header(path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = []
    for line in lines:
        if not line.startswith("#"):
            break
        header.append(line)
    return header


def test_corpus_sizes():
    assert len(REAL) >= 70
    assert len(PEER) >= 45


def test_snippet_numbers_are_unique_within_a_corpus():
    for corpus in (REAL, PEER):
        numbers = [path.name[:3] for path in corpus]
        assert len(numbers) == len(set(numbers))


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_snippet_starts_with_a_source_header(path):
    header = _header(path)
    assert header and header[0].startswith("# Source:"), "first line must be '# Source: ...'"
    assert any("http" in line for line in header), "the header must give a URL"
    assert any(line.startswith(("# Trimmed", "# Rewritten")) for line in header)


@pytest.mark.parametrize("path", PEER, ids=_ids(PEER))
def test_peer_header_names_file_test_and_commit(path):
    header = "\n".join(_header(path))
    assert re.search(
        r"test/(test_autograd|autograd/test_functional|functorch/test_eager_transforms)\.py", header
    )
    assert re.search(r"\.test_\w+", header)
    assert COMMIT.search(header)


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_snippet_parses_and_imports_torch(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert "torch" in imported


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_snippet_has_a_normalised_expected_transcript(path):
    target = expected_path(path)
    assert target.is_file(), f"missing {target}: run tests/corpus/make_expected.py"
    text = target.read_text(encoding="utf-8")
    assert normalise(text) == text


def test_no_expected_file_without_its_snippet():
    edges = (EXPECTED_DIR.parent / "edges").glob("[0-9][0-9][0-9]_*.py")  # test_corpus_edges.py
    wanted = {expected_path(path) for path in (*ALL, *edges)}
    stored = set(EXPECTED_DIR.rglob("*.txt"))
    assert stored - wanted == set()


def test_normalise_rules():
    raw = "a  \r\n<AddBackward0 object at 0x7f3c2a1b0d90>\t\nWarning: x (Triggered internally at /pytorch/a.cpp:12.)\n\n"
    assert normalise(raw) == "a\n<AddBackward0 object at 0x...>\nWarning: x\n"
    assert normalise("") == ""


def test_error_and_warning_lines_keep_only_the_first_line():
    assert error_line("RuntimeError", "boom\nmore") == "RuntimeError: boom"
    assert error_line("AssertionError", "") == "AssertionError"
    assert warning_line("UserWarning", "first\nsecond") == "UserWarning: first"


def test_difference_is_none_for_equal_transcripts_and_a_diff_otherwise():
    assert difference("x \n", "x") is None
    diff = difference("tensor(1.)\n", "tensor(2.)\n", name="s")
    assert "-tensor(1.)" in diff and "+tensor(2.)" in diff


def test_top_level_statements_keep_decorators_and_split_semicolons():
    source = "import torch\n@torch.no_grad()\ndef f(x):\n    return x\n\na = 1; a\nfor i in range(2):\n    i\n"
    assert top_level_statements(source) == [
        "import torch",
        "@torch.no_grad()\ndef f(x):\n    return x",
        "a = 1",
        "a",
        "for i in range(2):\n    i",
    ]


@pytest.mark.torch
def test_interactive_rules_on_a_small_program(tmp_path):
    program = tmp_path / "program.py"
    program.write_text(
        "import warnings\n"
        "import torch\n"
        "x = torch.ones(2, requires_grad=True); y = x * 2\n"
        "y.grad_fn\n"
        "def f():\n"
        "    x * 3\n"
        "    return None\n"
        "f()\n"
        "for i in range(2):\n"
        "    i\n"
        "    warnings.warn('again')\n"
        "y.backward()\n"
        "print('after the error')\n"
        "torch.randn(2)\n",
        encoding="utf-8",
    )
    assert transcript_in_fresh_process(program) == (
        "<MulBackward0 object at 0x...>\n"
        "0\n"
        "UserWarning: again\n"
        "1\n"
        "UserWarning: again\n"
        "RuntimeError: grad can be implicitly created only for scalar outputs\n"
        "after the error\n"
        "tensor([ 1.5410, -0.2934])\n"
    )


RERUN = [
    path
    for path in ALL
    if path.name.startswith(("013_examples", "051_anomaly", "059_issue", "016_test_grad_nonleaf"))
]


@pytest.mark.torch
@pytest.mark.parametrize("path", RERUN, ids=_ids(RERUN))
def test_torch_reproduces_the_stored_transcript(path):
    assert difference(read_expected(path), transcript_in_fresh_process(path), path.name) is None
