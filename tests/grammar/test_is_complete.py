"""is_complete(): whether the REPL should run the text or ask for another line."""

from __future__ import annotations

import pytest

from gradcalc.grammar import is_complete


@pytest.mark.parametrize(
    "source",
    [
        "x = (1,",
        "x = [[1, 2],",
        "x = [[1, 2],\n [3, 4]",
        "mean(x",
        "f(a,\n",
        "x = 1 +",
        "x = 1 *\n",
        "x = 1 ** # comment\n\n",
        "x =",
        "x.",
        "import",
        "from torch",
        "from torch import",
        "x[1:",
        "-",
    ],
)
def test_needs_more_input(source):
    assert is_complete(source) is False


@pytest.mark.parametrize(
    "source",
    [
        "",
        "\n",
        "x = 1",
        "x = 1;",
        "x = [[1, 2],\n [3, 4]]",
        "m.backward()\n",
        "# just a comment",
        # Plain syntax errors are complete: the REPL runs them and shows the error.
        "f(1))",
        "2 x",
        "x = 'abc",
        "x = $",
        "(]",
        "x = 1 +\ny = 2",
        "1 = 2",
    ],
)
def test_complete_or_simply_wrong(source):
    assert is_complete(source) is True
