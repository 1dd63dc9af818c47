"""The sandbox holds through the language's new constructs (issue 11): functions and
closures, defaults, decorators, class bodies, exceptions, comprehensions, generators, hooks,
f-strings and str.format, getattr/hasattr/type. Names with double underscores are refused
everywhere a name can appear; the language's own objects (functions, exceptions, modes,
handles) expose nothing of the Python objects behind them."""

from __future__ import annotations

import sys

import pytest
from hostile_helpers import assert_no_python_leak, assert_well_formed, session_with_base
from test_sandbox import DANGEROUS_MODULES, Tripwires

from gradcalc.errors import AttributeLookupError, NameLookupError

ESCAPES = [
    # functions, lambdas, closures and defaults: no code, globals, closure cells or defaults
    "def f(): pass\nf.__globals__",
    "def f(): pass\nf.__code__",
    "def f(): pass\nf.body",
    "def f(): pass\nf.globals",
    "def f(): pass\nf.rt",
    "def outer():\n    k = 1\n    def inner(): return k\n    return inner\nouter().closure",
    "def f(a=print): return a\nf.defaults",
    "def f(a=print): return a\nf.__defaults__",
    "f = lambda: 0\nf.__closure__",
    "f = lambda: 0\nf.params",
    # decorators: what they wrap stays wrapped
    "import torch\n@torch.no_grad()\ndef f(): pass\nf.fn",
    "import torch\n@torch.no_grad()\ndef f(): pass\nf.mode",
    "@staticmethod\ndef f(): pass\nf.fn",
    "import torch\ntorch.no_grad()._saved",
    "import torch\ntorch.no_grad.make",
    # class bodies: a Function class shows its methods, nothing else
    "import torch\nclass A(torch.autograd.Function):\n    z = 1\nA.namespace",
    "import torch\nclass A(torch.autograd.Function):\n    z = 1\nA.__dict__",
    "import torch\nclass A(torch.autograd.Function):\n    __slots__ = ()",
    "import torch\nclass A(torch.autograd.Function):\n    __init__ = print",
    "import torch\nclass A(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n"
    "        return ctx.__class__\nA.apply(torch.ones(1))",
    "import torch\nclass A(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n"
    "        ctx.__dict__ = {}\n        return x\nA.apply(torch.ones(1))",
    "class A(object): pass",
    "class A: pass",
    # exceptions: the value has .args, nothing of Python's exception or traceback
    "try:\n    raise ValueError('a')\nexcept Exception as e:\n    e.__traceback__",
    "try:\n    raise ValueError('a')\nexcept Exception as e:\n    e.with_traceback",
    "try:\n    raise ValueError('a')\nexcept Exception as e:\n    e.error",
    "try:\n    1 / 0\nexcept Exception as e:\n    e.args.__class__",
    "try:\n    1 / 0\nexcept Exception as e:\n    type(e).__subclasses__",
    "e = ValueError('a')\ne.__class__",
    "ValueError.__base__",
    "raise 5",
    # comprehensions and generators: no frames, no code
    "[__import__ for _ in range(1)]",
    "[x.__class__ for x in [1]]",
    "g = (i for i in range(3))\ng.gi_frame",
    "g = (i for i in range(3))\ng.gi_code",
    "g = (i for i in range(3))\ng.send",
    "iter([1]).__next__",
    "map(print, [1]).__reduce__",
    # hooks and handles
    "import torch\nx = torch.ones(1, requires_grad=True)\nh = x.register_hook(lambda g: g)\nh._table",
    "import torch\nx = torch.ones(1, requires_grad=True)\nh = x.register_hook(lambda g: g)\n"
    "h.__class__",
    "import torch\nx = torch.ones(1, requires_grad=True)\nx.register_hook(lambda g: g.__class__)\n"
    "(x * 2).sum().backward()",
    # f-strings and str.format reach attributes through the sandbox only
    "x = [1.0]\nf'{x.__class__}'",
    "f'{print.__self__}'",
    "'{0.__class__}'.format(1)",
    "'{0.__init__.__globals__}'.format(print)",
    "'{0[0].__class__}'.format([1])",
    # getattr, hasattr, setattr, type: the same allowlist as attribute syntax
    "getattr(1, '__class__')",
    "getattr(print, '__self__', None).x",
    "setattr(print, '__name__', 'x')",
    "type(1).__mro__",
    "type(1)('5')",
    "type(print).__call__",
    # builtin objects
    "print.__self__",
    "print.fn",
    "len.__call__",
    "int.python_type",
    "range.make",
    "x = [1.0]\nx.sum.tensor",
    "x = [1.0]\nx.sum.spelling",
    "x = [1.0]\nx.numpy.tensor",
]


@pytest.mark.parametrize("source", ESCAPES)
def test_constructs_give_no_way_out(source):
    tripwires = Tripwires()
    modules_before = set(sys.modules)
    session = session_with_base()
    with tripwires.armed():
        result = session.run(source, keep_going=True)
    assert not tripwires.calls
    errors = result.errors or ([result.syntax_error] if result.syntax_error else [])
    assert errors, f"{source!r} ran: it must be refused"
    for error in errors:
        assert_well_formed(error, source)
    assert not (set(sys.modules) - modules_before) & DANGEROUS_MODULES
    for statement in result.statements:
        for output in statement.outputs:
            assert "gradcalc" not in output.text and "<locals>" not in output.text
            assert_no_python_leak(output.text)


# Every place a program can write a name: a name with double underscores is refused there.
DUNDER_PLACES = [
    "__x__ = 1",
    "__x__ += 1",
    "__x__",
    "del __x__",
    "(__x__ := 1)",
    "a, __x__ = 1, 2",
    "for __x__ in range(2): pass",
    "[1 for __x__ in range(2)]",
    "{__x__: 1 for __x__ in range(2)}",
    "def __x__(): pass",
    "def f(__x__): pass",
    "def f(*__x__): pass",
    "def f(**__x__): pass",
    "def f(*, __x__=1): pass",
    "lambda __x__: 0",
    "(lambda: __x__)()",
    "import torch as __x__",
    "import __x__",
    "from torch import __x__",
    "from math import pi as __x__",
    "with torch.no_grad() as __x__: pass",
    "try:\n    1 / 0\nexcept Exception as __x__:\n    pass",
    "def f():\n    global __x__\n    __x__ = 1\nf()",
    "def f():\n    __y__ = 1\nf()",
    "class __x__(ValueError): pass",
    "print(__x__=1)",
    "print(**{'__x__': 1})",
    "dict(__x__=1)",
    "dict(**{'__x__': 1})",
    "def f(**k): return k\nf(**{'__init__': 1})",
    "import torch\ntorch.__x__",
    "x = [1.0]\nx.__x__ = 1",
    "getattr(1, '__x__')",
]


@pytest.mark.parametrize("source", DUNDER_PLACES)
def test_dunder_names_are_refused_everywhere(source):
    session = session_with_base()
    result = session.run(source, keep_going=True)
    errors = result.errors or ([result.syntax_error] if result.syntax_error else [])
    assert errors, f"{source!r} ran"
    for error in errors:
        assert_well_formed(error, source)
        assert "__" in error.message or "__" in (error.hint or ""), error.message
    assert not any(name.startswith("__") for name in session.variables)


# ... and what the constructs legitimately give are plain values
ALLOWED = [
    ("try:\n    1 / 0\nexcept ZeroDivisionError as e:\n    print(e.args, type(e), repr(e))",
     "('division by zero',) <class 'ZeroDivisionError'> ZeroDivisionError('division by zero')"),
    ("class MyError(ValueError): pass\ntry:\n    raise MyError('bad')\n"
     "except ValueError as e:\n    print(type(e), e, isinstance(e, MyError))",
     "<class '__main__.MyError'> bad True"),
    ("def f(a, b=2, *rest, k=3, **kw):\n    return (a, b, rest, k, kw)\nprint(f(1, 5, 6, k=4, z=0))",
     "(1, 5, (6,), 4, {'z': 0})"),
    ("def f(): pass\nprint(type(f), callable(f), hasattr(f, 'x'))",
     "<class 'function'> True False"),
    ("g = (i * i for i in range(4))\nprint(next(g), list(g), sorted([3, 1], key=lambda v: -v))",
     "0 [1, 4, 9] [3, 1]"),
    ("print(getattr([1, 2], 'count')(2), hasattr('s', 'upper'), type(None))",
     "1 True <class 'NoneType'>"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "printed"), ALLOWED)
def test_the_constructs_give_plain_values(source, printed):
    session = session_with_base()
    result = session.run(source)
    assert result.ok, result.errors
    assert [o.text for s in result.statements for o in s.outputs][-1] == printed


def test_an_exception_value_refuses_everything_but_args():
    session = session_with_base()
    result = session.run("try:\n    1 / 0\nexcept Exception as e:\n    e.message")
    (error,) = result.errors
    assert isinstance(error, AttributeLookupError)
    assert error.message == "'ZeroDivisionError' object has no attribute 'message'"


def test_a_dunder_name_error_says_why():
    (error,) = session_with_base().run("__import__('os')").errors
    assert isinstance(error, NameLookupError)
    assert error.message == "name '__import__' is not defined"
    assert error.hint == "names that start and end with '__' are not part of gradcalc's language"
