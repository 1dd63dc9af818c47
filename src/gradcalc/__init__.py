"""gradcalc: a command-line expression differentiator on a numpy reverse-mode autograd core.

``gradcalc.run(program, **options)`` and ``gradcalc.run_batch(lines, jobs=...)`` are the
Python API (``gradcalc.api``); they are imported on first use, so ``import gradcalc`` (and
the command's start-up) stays cheap.
"""

__version__ = "0.1.0"
__all__ = ["__version__", "run", "run_batch"]

TYPE_CHECKING = False  # typing's own constant, without importing typing (start-up time)
if TYPE_CHECKING:
    from gradcalc.api import run, run_batch


def __getattr__(name: str):
    if name in ("run", "run_batch"):
        from gradcalc import api

        return getattr(api, name)
    raise AttributeError(f"module 'gradcalc' has no attribute {name!r}")
