"""Fixtures and markers shared by the autograd, language and CLI tests."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent
HAS_TORCH = importlib.util.find_spec("torch") is not None


def pytest_collection_modifyitems(config, items):
    if HAS_TORCH:
        return
    skip = pytest.mark.skip(reason="PyTorch is not installed: differential test skipped")
    for item in items:
        if "torch" in item.keywords:
            item.add_marker(skip)


def pytest_report_header(config):
    if HAS_TORCH:
        import torch

        return f"PyTorch oracle: torch {torch.__version__}"
    return "PyTorch oracle: not installed, tests marked 'torch' are skipped"


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator, so a failing random case can be reproduced."""
    return np.random.default_rng(12345)


@pytest.fixture
def torch_module():
    """The torch module, or skip the test when it is not installed."""
    return pytest.importorskip("torch")


def gradcalc_command() -> list[str]:
    """The installed ``gradcalc`` console script (as users run it), else ``python -m gradcalc``."""
    exe = shutil.which(
        "gradcalc", path=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    )
    return [exe] if exe else [sys.executable, "-m", "gradcalc"]


@pytest.fixture
def run_gradcalc(tmp_path):
    """Run the installed command in a subprocess: ``run_gradcalc(*args, input=None, env=None)``."""

    def run(*args: str, input: str | None = None, env: dict | None = None, timeout: float = 60):
        full_env = {
            **os.environ,
            "NO_COLOR": "1",
            "XDG_STATE_HOME": str(tmp_path / "state"),
            "XDG_CACHE_HOME": str(tmp_path / "cache"),
            "COLUMNS": "120",
        }
        full_env.pop("FORCE_COLOR", None)
        if env:
            full_env.update(env)
        return subprocess.run(
            [*gradcalc_command(), *args],
            input=input,
            capture_output=True,
            text=True,
            env=full_env,
            timeout=timeout,
            cwd=tmp_path,
        )

    return run
