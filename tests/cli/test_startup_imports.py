"""A run imports only what it needs: the deny-list of issue 13, per mode.

Each case runs the command in a fresh interpreter (the parser's tables already cached, as
after a first run) and lists the modules it imported. Typer and Click are for ``--help``,
completion and unusual command lines; Rich draws, so ``--json`` and a ``-q`` run that prints
nothing never import it; numpy.random waits for the first random draw. (Lark imports ``interegular`` whenever it is installed, as it is
with the test extra: it is not on the list, a user's install does not have it.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="runs fresh interpreters")

ALWAYS_DENIED = (
    "typer",
    "click",
    "pydantic",
    "gradcalc.cli.command",
    "numpy.random",  # the one-liner draws no random number (its import is ~15 ms)
)
RICH = ("rich", "rich.console", "rich.text")
ONE_LINER = "x = [1, 2]; y = sum(x * x)"

_CODE = """\
import json, os, sys
sys.argv = ['gradcalc', *json.loads(os.environ['GRADCALC_TEST_ARGS'])]
from gradcalc.cli.app import main
try:
    main()
except SystemExit:
    pass
with open(os.environ['GRADCALC_TEST_MODULES'], 'w') as out:
    json.dump(sorted(sys.modules), out)
"""


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """A cache directory with the parser's tables in it."""
    directory = tmp_path_factory.mktemp("cache")
    _imported(["-q", "x = 1"], directory, directory)
    return directory


def _imported(arguments: list[str], cache: Path, workdir: Path) -> set[str]:
    listing = workdir / "modules.json"
    import gradcalc

    package_root = str(Path(gradcalc.__file__).resolve().parents[1])  # the gradcalc under test
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([package_root, os.environ.get("PYTHONPATH", "")]),
        "XDG_CACHE_HOME": str(cache),
        "GRADCALC_TEST_ARGS": json.dumps(arguments),
        "GRADCALC_TEST_MODULES": str(listing),
        "NO_COLOR": "1",
    }
    env.pop("_GRADCALC_COMPLETE", None)
    subprocess.run(
        [sys.executable, "-c", _CODE],
        env=env,
        cwd=workdir,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
        check=False,
    )
    return set(json.loads(listing.read_text()))


CASES = [
    ("-q", ["-q", ONE_LINER], ALWAYS_DENIED + RICH),
    ("--json", ["--json", ONE_LINER], ALWAYS_DENIED + RICH),
    ("-f FILE", ["-q", "-f", "program.gc"], ALWAYS_DENIED + RICH),
    ("--batch of one line", ["--batch", "--json", "-f", "lines.txt"], ALWAYS_DENIED + RICH),
    ("syntax error --json", ["--json", "m = mean(x"], ALWAYS_DENIED + RICH),
    ("syntax error", ["m = mean(x"], ALWAYS_DENIED),
    ("one-liner", [ONE_LINER], ALWAYS_DENIED),
]


@pytest.mark.parametrize("arguments, denied", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_run_imports_nothing_on_the_deny_list(cache, tmp_path, arguments, denied):
    (tmp_path / "program.gc").write_text(ONE_LINER.replace("; ", "\n") + "\n")
    (tmp_path / "lines.txt").write_text(ONE_LINER + "\n")
    modules = _imported(arguments, cache, tmp_path)
    assert "gradcalc.interpreter.session" in modules  # the program did run
    assert sorted(set(denied) & modules) == []


def test_the_deny_list_catches_an_import(cache, tmp_path):
    """The same check fails for a command line that goes through Typer (--help)."""
    modules = _imported(["--help"], cache, tmp_path)
    assert {"typer", "gradcalc.cli.command"} <= modules
