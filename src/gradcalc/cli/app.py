"""Placeholder entry point; the real Typer app is built in issue 5."""

import sys


def main() -> None:
    from gradcalc import __version__

    if "--version" in sys.argv[1:]:
        print(f"gradcalc {__version__}")
        return
    sys.exit("gradcalc: not implemented yet")
