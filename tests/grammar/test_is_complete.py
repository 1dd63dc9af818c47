"""is_complete(): whether the REPL should run the text or ask for another line."""

from __future__ import annotations

import pytest

from gradcalc.grammar import is_complete


@pytest.mark.parametrize(
    "source",
    [
        # a bracket open
        "x = (1,", "x = [[1, 2],", "x = [[1, 2],\n [3, 4]", "mean(x", "f(a,\n", "d = {1:",
        "x[1:", "f(x,\n  y", "x = (1 +\n",
        # a triple-quoted string open
        "s = '''abc", 's = """abc\ndef', 'print(f"""{x}',
        # a backslash at the end of a line
        "x = 1 + \\", "x = 1 + \\\n",
        # a binary or unary operator, a dot or an import keyword last
        "x = 1 +", "x = 1 *\n", "x = 1 ** # comment\n\n", "x = a and", "x = not", "x = a <",
        "x = a is", "x = a not in", "-", "x.", "import", "import torch as", "from torch",
        "from torch import",
        # a compound statement whose block may go on, until an empty line
        "for i in range(3):", "def f(x):", "if x:\n    y = 1", "if x:\n    y = 1\nelse:",
        "if x: y = 1", "for i in x:\n    for j in y:\n        z = i * j",
        "with torch.no_grad():\n    w -= lr * w.grad", "class A:\n    def f(self):\n        pass",
        "try:\n    x = 1", "try:\n    x = 1\nexcept E:\n    pass", "@decorator",
        "with torch.no_grad():\n    # a comment first", "if x:\n    y = (1 +\n",
    ],
)  # fmt: skip
def test_needs_more_input(source):
    assert is_complete(source) is False


@pytest.mark.parametrize(
    "source",
    [
        "", "\n", "x = 1", "x = 1;", "x = [[1, 2],\n [3, 4]]", "m.backward()\n", "# just a comment",
        "s = '''abc'''",
        # a compound statement ended by an empty line (or a line of blanks)
        "for i in range(3):\n    y = i\n", "if x:\n    y = 1\n    ", "def f():\n    return 1\n\n",
        "for i in x:\n    for j in y:\n        z = i * j\n", "if x: y = 1\n",
        # a compound statement followed by a simple one: the block is closed
        "if x:\n    y = 1\nz = 2",
        # Plain syntax errors are complete: the REPL runs them and shows the error.
        "x =", "a = ", "f(1))", "2 x", "x = 'abc", "x = $", "(]", "x = 1 +\ny = 2", "1 = 2",
        "x = 1 if y", "for", "for i in range(3):\n", "if x:\n    y = 1\n  z = 2",
        "if x:\n    y = 1\n        z = 2", "x = f'{1 +}'", "x = 1j", "def f(a=1, b): pass\n",
        "else", "x = 1 \\ 2",
    ],
)  # fmt: skip
def test_complete_or_simply_wrong(source):
    assert is_complete(source) is True


def test_the_repl_way_of_ending_a_block():
    lines: list[str] = []
    answers = []
    for line in ("for i in range(3):", "    total += i", "    print(total)", ""):
        lines.append(line)
        answers.append(is_complete("\n".join(lines)))
    assert answers == [False, False, False, True]
