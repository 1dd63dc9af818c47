"""Errors inside functions carry the call chain (``error.frames``): each frame's function name
and the statement running in it, innermost first, ending at the top-level statement, the way
Python's traceback lists them (innermost last) — never a Python traceback of gradcalc itself."""

from __future__ import annotations

from gradcalc.interpreter import Session


def chain(source: str):
    """The one error of ``source``: its kind, and (name, line, statement text) per frame."""
    result = Session().run(source, keep_going=True)
    (error,) = result.errors
    frames = [
        (name, span.line, source[span.start : span.end]) if span is not None else (name,)
        for name, span, origin in error.frames
    ]
    assert all(origin is None for *_, origin in error.frames)  # all defined by this input
    return error, frames


def test_nested_calls_list_every_frame_innermost_first():
    source = "def b(x):\n    y = x * 2\n    return y / 0\ndef a(x):\n    return b(x) + 1\nz = a(3)"
    error, frames = chain(source)
    assert (error.kind, error.message) == ("ZeroDivisionError", "division by zero")
    assert frames == [
        ("b", 3, "return y / 0"),
        ("a", 5, "return b(x) + 1"),
        ("<module>", 6, "z = a(3)"),
    ]
    assert (error.span.line, error.span.column) == (3, 14)  # the operator itself


def test_lambdas_nested_functions_and_comprehensions():
    source = (
        "def outer():\n"
        "    pick = lambda q: q[5]\n"
        "    def inner():\n"
        "        return [pick(v) for v in [[1]]]\n"
        "    return inner()\n"
        "outer()"
    )
    error, frames = chain(source)
    assert (error.kind, error.message) == ("IndexError", "list index out of range")
    assert [f[0] for f in frames] == ["<lambda>", "inner", "outer", "<module>"]
    assert frames[1] == ("inner", 4, "return [pick(v) for v in [[1]]]")


def test_a_hook_that_fails_during_backward_shows_the_hook_and_the_backward_line():
    source = (
        "import torch\n"
        "x = torch.ones(2, requires_grad=True)\n"
        "def hook(g):\n"
        "    return g.reshape(7)\n"
        "x.register_hook(hook)\n"
        "(x * 2).sum().backward()"
    )
    error, frames = chain(source)
    assert error.message == "shape '[7]' is invalid for input of size 2"
    assert frames == [
        ("hook", 4, "return g.reshape(7)"),
        ("<module>", 6, "(x * 2).sum().backward()"),
    ]


def test_custom_function_forward_and_backward_are_frames():
    source = (
        "import torch\n"
        "class Bad(torch.autograd.Function):\n"
        "    @staticmethod\n"
        "    def forward(ctx, x):\n"
        "        return x * 2\n"
        "    @staticmethod\n"
        "    def backward(ctx, g):\n"
        "        raise RuntimeError('no backward today')\n"
        "y = Bad.apply(torch.ones(2, requires_grad=True))\n"
        "y.sum().backward()"
    )
    error, frames = chain(source)
    assert (error.kind, error.message) == ("RuntimeError", "no backward today")
    assert frames == [
        ("backward", 8, "raise RuntimeError('no backward today')"),
        ("<module>", 10, "y.sum().backward()"),
    ]


def test_a_decorated_function_is_its_own_frame():
    source = (
        "import torch\n"
        "@torch.no_grad()\n"
        "def step(w):\n"
        "    w -= torch.ones(3)\n"
        "step(torch.ones(2, requires_grad=True))"
    )
    error, frames = chain(source)
    assert [f[0] for f in frames] == ["step", "<module>"]
    assert frames[0] == ("step", 4, "w -= torch.ones(3)")


def test_a_new_error_raised_in_a_handler_starts_at_the_raise():
    source = (
        "def g():\n"
        "    try:\n"
        "        [1][5]\n"
        "    except IndexError:\n"
        "        raise ValueError('again')\n"
        "g()"
    )
    error, frames = chain(source)
    assert (error.kind, error.message) == ("ValueError", "again")
    assert frames == [("g", 5, "raise ValueError('again')"), ("<module>", 6, "g()")]


def test_a_bare_raise_keeps_where_the_error_came_from():
    source = "def g():\n    try:\n        [1][5]\n    except IndexError:\n        raise\ng()"
    error, frames = chain(source)
    assert frames == [("g", 3, "[1][5]"), ("<module>", 6, "g()")]


def test_an_error_caught_and_handled_leaves_no_frames_behind():
    source = (
        "def f():\n"
        "    try:\n"
        "        1 / 0\n"
        "    except ZeroDivisionError:\n"
        "        return 'handled'\n"
        "r = f()\n"
        "undefined_name"
    )
    error, frames = chain(source)
    assert error.kind == "NameError"
    assert frames == [("<module>", 7, "undefined_name")]


def test_errors_at_top_level_have_one_frame_and_in_a_block_the_inner_statement():
    error, frames = chain("x = 1\nfor i in range(3):\n    if i == 2:\n        x = x / 0")
    assert frames == [("<module>", 4, "x = x / 0")]


def test_recursion_lists_its_frames():
    source = "def down(n):\n    return down(n + 1)\ndown(0)"
    result = Session(max_depth=10).run(source)
    (error,) = result.errors
    assert error.kind == "RecursionError"
    assert [name for name, *_ in error.frames] == ["down"] * 11 + ["<module>"]
