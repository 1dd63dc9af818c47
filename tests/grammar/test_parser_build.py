"""How the parser is built: no grammar conflicts, on-disk cache, lazy imports."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gradcalc.grammar import parser


def test_grammar_has_no_conflicts():
    """LALR resolves shift/reduce conflicts silently; strict mode turns them into errors."""
    try:
        import interegular  # noqa: F401  (lark's strict mode needs it)
    except ImportError:
        interegular = None
    if interegular is not None:
        parser.build_parser(cache=False, strict=True)
        return
    # Without interegular, debug mode still logs every conflict: fail on any of them.
    from lark import logger

    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        parser.build_parser(cache=False, debug=True)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    conflicts = [r.getMessage() for r in records if "conflict" in r.getMessage().lower()]
    assert conflicts == []


def test_cache_file_goes_under_xdg_cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    built = parser.build_parser()
    files = list((tmp_path / "gradcalc").iterdir())
    assert len(files) == 1 and files[0].name.startswith("grammar-")
    # A second build loads the cached tables and parses the same way.
    again = parser.build_parser()
    assert again.parse("x = [1, 2]\n") == built.parse("x = [1, 2]\n")


def test_unwritable_cache_directory_falls_back(tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the cache directory should be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert parser._cache_file("grammar") is None
    assert parser.build_parser().parse("x = 1\n") is not None


def test_corrupt_cache_file_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    grammar = parser.GRAMMAR_PATH.read_text(encoding="utf-8")
    path = parser._cache_file(grammar)
    with open(path, "wb") as cache:
        cache.write(b"garbage\n\x80\x04not a pickle")
    assert parser.build_parser().parse("x = 1\n") is not None


@pytest.mark.skipif(os.name != "posix", reason="uses a subprocess with a fresh interpreter")
def test_importing_the_package_does_not_import_lark(tmp_path):
    code = (
        "import sys, gradcalc.grammar\n"
        "assert 'lark' not in sys.modules, 'lark imported eagerly'\n"
        "gradcalc.grammar.parse('x = 1')\n"
        "assert 'lark' in sys.modules\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=60)


def test_bench_workload_parses_the_generated_script():
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    try:
        import bench_parse
    finally:
        sys.path.pop(0)
    (workload,) = bench_parse.workloads()
    workload["fn"]()  # asserts the statement count itself
