"""parse(..., recover=True): a statement that does not parse becomes an ast.Invalid in its
place, and the statements before and after it are kept, with spans into the whole source."""

from __future__ import annotations

import pytest
from grammar_helpers import position, text_of

from gradcalc.errors import GradcalcSyntaxError
from gradcalc.grammar import ast, parse
from gradcalc.grammar.recovery import split_units

PROGRAM = """import torch
x = torch.ones(3, requires_grad=True)
y = x * $ 2
for i in range(3):
    z = i +
else:
    pass
a = 1; b = (2 +; c = 3
@decorator
def f(q):
    return q
s = f"{x!z}"
w = [1,
     2]
t = 1
"""


def shown(tree: ast.Module, source: str) -> list[str]:
    return [
        f"Invalid: {text_of(source, node)}" if type(node) is ast.Invalid else type(node).__name__
        for node in tree.body
    ]


def test_bad_lines_and_blocks_become_invalid_statements_in_their_place():
    tree = parse(PROGRAM, "prog.py", recover=True)
    assert shown(tree, PROGRAM) == [
        "Import",
        "Assign",
        "Invalid: y = x * $ 2",
        "Invalid: for i in range(3):\n    z = i +\nelse:\n    pass",  # a block is one unit
        "Assign",
        "Invalid: b = (2 +; c = 3",  # an open bracket does not swallow what follows
        "FunctionDef",
        'Invalid: s = f"{x!z}"',  # an error inside an f-string
        "Assign",
        "Assign",
    ]
    invalid = [node for node in tree.body if type(node) is ast.Invalid]
    assert [position(node.error) for node in invalid] == [(3, 9), (5, 12), (8, 16), (12, 9)]
    assert all(node.error.filename == "prog.py" for node in invalid)
    assert all(isinstance(node.error, GradcalcSyntaxError) for node in invalid)
    function = tree.body[6]
    assert function.decorator_list == [ast.Name("decorator")]
    assert text_of(PROGRAM, function.body[0]) == "return q"
    assert (tree.body[-1].span.line, tree.body[-1].span.column) == (15, 1)


def test_without_errors_recover_gives_the_ordinary_tree():
    source = "x = 1\nif x:\n    y = 2\nelse:\n    y = 3\n"
    assert parse(source, recover=True) == parse(source)


def test_a_bad_statement_in_the_middle_of_a_line_of_statements():
    source = "a = 1; b = = 2; c = 3"
    tree = parse(source, recover=True)
    assert shown(tree, source) == ["Assign", "Invalid: b = = 2", "Assign"]
    assert text_of(source, tree.body[2]) == "c = 3"
    assert position(tree.body[1].error) == (1, 12)


def test_errors_are_placed_in_the_whole_source_even_inside_f_strings():
    source = 'x = 1\nprint(f"{x +}")\ny = 2\n'
    tree = parse(source, recover=True)
    error = tree.body[1].error
    assert error.message == "unexpected '}' — expected an expression"
    assert position(error) == (2, 13) and text_of(source, error.span) == "}"
    assert [type(node).__name__ for node in tree.body] == ["Assign", "Invalid", "Assign"]


def test_indentation_errors_stay_with_their_statement():
    source = "a = 1\n  b = 2\nif a:\n    c = 3\n  d = 4\ne = 5\n"
    tree = parse(source, recover=True)
    assert [type(node).__name__ for node in tree.body] == ["Invalid", "Invalid", "Assign"]
    assert tree.body[0].error.message == "unexpected indent"
    assert tree.body[1].error.message == "unindent does not match any outer indentation level"


@pytest.mark.parametrize(
    ("source", "units"),
    [
        ("a\nb\n", ["a\n", "b\n"]),
        ("if a:\n    b\nelif c:\n    d\nelse:\n    e\nf", ["if a:\n    b\nelif c:\n    d\nelse:\n    e\n", "f"]),
        ("try:\n a\nexcept:\n b\nfinally:\n c\n", ["try:\n a\nexcept:\n b\nfinally:\n c\n"]),
        ("@d\n@e\ndef f(): pass\nx", ["@d\n@e\ndef f(): pass\n", "x"]),
        ("x = (1,\n2)\ny", ["x = (1,\n2)\n", "y"]),
        ("s = '''\nx = 1\n'''\ny", ["s = '''\nx = 1\n'''\n", "y"]),
        ("s = 'a;b'; t = 1", ["s = 'a;b';", "t = 1"]),
        ("x = 1 + \\\n2\ny", ["x = 1 + \\\n2\n", "y"]),
        ("# c\n\nx  # d\n\n# e\ny", ["x  # d\n\n# e\n", "y"]),
        ("if a: b; c\nd", ["if a: b; c\n", "d"]),
        ("x = '#'; y", ["x = '#';", "y"]),
    ],
)  # fmt: skip
def test_the_split_follows_pythons_statements(source, units):
    assert [source[start:end] for start, end in split_units(source)] == units


def test_recovery_is_linear_in_the_number_of_statements():
    source = "".join(f"x{i} = {i}\ny{i} = = {i}\n" for i in range(500))
    tree = parse(source, recover=True)
    assert len(tree.body) == 1000
    assert sum(type(node) is ast.Invalid for node in tree.body) == 500
    assert tree.body[-1].error.span.line == 1000
