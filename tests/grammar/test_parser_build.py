"""How the parser is built: lark's public API, no grammar conflicts, the on-disk cache, lazy
imports, and the bench workloads."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gradcalc.grammar import parser


def test_grammar_has_no_conflicts():
    """LALR resolves shift/reduce conflicts silently; strict mode turns them, and terminals
    that can match the same text, into errors."""
    pytest.importorskip("interegular")  # lark's strict mode needs it
    built = parser.build_parser(cache=False, strict=True)
    assert built.options.parser == "lalr" and built.options.lexer == "basic"


def test_no_pattern_terminal_matches_a_string_terminal_whole():
    """Lark's basic lexer tries every terminal at every place, and strict mode compares only
    the patterns with each other: a pattern that also matched a string terminal's text (as
    BINARY_OPERATOR once matched `*`) would take that text from it, the grammar's rules for
    the string terminal never seeing it. Each string terminal's text must be its own."""
    import re

    terminals = parser.build_parser().terminals
    patterns = [t for t in terminals if t.pattern.type == "re"]
    for string in (t for t in terminals if t.pattern.type == "str"):
        text = string.pattern.value
        takers = [t.name for t in patterns if re.fullmatch(t.pattern.to_regexp(), text)]
        assert not takers, f"{string.name} {text!r} is matched by {takers}"


def test_the_cache_file_goes_under_xdg_cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    built = parser.build_parser()
    files = list((tmp_path / "gradcalc").iterdir())
    assert len(files) == 1 and files[0].name.startswith("grammar-")
    assert files[0].name.endswith(".lark-cache")
    # A second build loads the cached tables and parses the same way.
    again = parser.build_parser()
    assert again.parse("x = [1, 2]\n", "start") == built.parse("x = [1, 2]\n", "start")


def test_an_unwritable_cache_directory_falls_back(tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the cache directory should be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert parser._cache_file("grammar") is None
    assert parser.build_parser().parse("x = 1\n", "start") is not None


def test_a_corrupt_cache_file_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    with open(parser.GRAMMAR_PATH, encoding="utf-8") as file:
        path = parser._cache_file(file.read())
    with open(path, "wb") as cache:
        cache.write(b"garbage\n\x80\x04not a pickle")
    assert parser.build_parser().parse("x = 1\n", "start") is not None


@pytest.mark.skipif(os.name != "posix", reason="uses a subprocess with a fresh interpreter")
def test_importing_the_package_does_not_import_lark(tmp_path):
    code = (
        "import sys, gradcalc.grammar\n"
        "from gradcalc.grammar import ast\n"
        "assert 'lark' not in sys.modules, 'lark imported eagerly'\n"
        "tree = gradcalc.grammar.parse('x = 1')\n"
        "assert 'lark' in sys.modules and type(tree.body[0]) is ast.Assign\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=120)


def test_no_lark_internals_and_no_pin_below_its_current_release():
    root = Path(__file__).resolve().parents[2]
    sources = (root / "src" / "gradcalc" / "grammar").glob("*.py")
    forbidden = ("parse_table", "lark.parsers", "ParserState", "lark.lexer", "lark.parse_tree")
    for path in sources:
        text = path.read_text(encoding="utf-8")
        assert not any(word in text for word in forbidden), path.name
    assert '"lark>=1.2"' in (root / "pyproject.toml").read_text(encoding="utf-8")


def test_bench_workloads_parse_their_scripts():
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    try:
        import bench_parse
    finally:
        sys.path.pop(0)
    names = [workload["name"] for workload in bench_parse.workloads()]
    assert names[0] == "parse 10,000-line script"
    bench_parse.workloads()[0]["fn"]()  # asserts the statement count itself


def test_a_parse_leaves_the_garbage_collector_as_it_found_it():
    import gc

    from gradcalc.grammar import parse

    script = "".join(f"x{i} = [[{i}, 2], [3, 4]] * (y - {i})\n" for i in range(2_000))
    assert gc.isenabled()
    assert len(parse(script).body) == 2_000
    assert gc.isenabled()
    gc.disable()
    try:
        parse(script)
        assert not gc.isenabled()
    finally:
        gc.enable()
