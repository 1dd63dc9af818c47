"""The test suite on the oldest and newest Python gradcalc supports (3.10 and 3.13).

``.ci/run`` runs ``nox`` after the main run on the machine's Python (where the PyTorch oracle
is installed); these sessions have no torch, so the differential tests use their stored
expectations and the live comparisons skip, and they leave out the tests marked slow.
"""

import nox

nox.options.error_on_missing_interpreters = True


@nox.session(python=["3.10", "3.13"])
def tests(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    # The slow resource-bound tests (100,000 statements, megabyte lines, soak runs) measure
    # gradcalc, not the Python version: the main run on the machine's Python has them.
    args = session.posargs or ["-m", "not slow and not fuzz"]
    session.run("pytest", "-q", "-p", "no:cacheprovider", *args)
