"""The language is a sandbox: no name or attribute reaches a Python object, no statement runs
Python code, and load() reads numbers only."""

from __future__ import annotations

import builtins
import contextlib
import os
import pickle
import re
import subprocess
import sys

import numpy as np
import pytest
from hostile_helpers import assert_well_formed, session_with_base

from gradcalc.errors import DataFileError, GradcalcError, NameLookupError

# Every way we could think of to reach Python internals from a program.
ESCAPES = [
    "x.__class__",
    "x.__dict__",
    "x.__array__",
    "x.data.__array__",
    "x.data.__array_interface__",
    "x._grad",
    "x.grad_fn.__init__",
    "y.grad_fn.__class__",
    "y.grad_fn.name.__class__",
    "().__class__",
    "().__class__.__bases__",
    "[].__class__",
    "'abc'.__class__",
    "m.item().__class__",
    "print.__self__",
    "print.__call__",
    "print.__module__",
    "mean.__globals__",
    "mean.__code__",
    "x.sum.__self__",
    "x.sum.__func__",
    "torch.__dict__",
    "torch.__builtins__",
    "torch.__loader__",
    "np.__spec__",
    "F.__name__",
    "torch.autograd.__dict__",
    "x.shape.__class__",
    "x.dtype.__class__",
    "max(x, dim=0).__class__",
    "max(x, dim=0)._fields",
    "max(x, dim=0)._asdict()",
    "float.__class__",
    "torch.float32.__reduce__",
    "__import__",
    "__import__('os')",
    "__builtins__",
    "globals()",
    "locals()",
    "vars(x)",
    "dir(x)",
    "getattr(x, '__class__')",
    "setattr(x, 'a', 1)",
    "eval('1')",
    "exec('import os')",
    "compile('1', 'f', 'eval')",
    "open('/etc/passwd')",
    "breakpoint()",
    "exit()",
    "quit()",
    "input()",
    "import os",
    "import sys as s",
    "import subprocess",
    "from os import system",
    "import torch.__init__",
    "from torch import __builtins__",
    "from numpy import load",
    "import numpy.lib",
    "x.tolist().__class__",
    "[x, v].__class__",
    "zeros(2).__setitem__",
    "x.grad = x.__class__",
    "x.data = __import__",
    "x.__class__ = 1",
    "x.grad_fn = None",
    "x.shape = (1,)",
    "os = 1; os.system('true')",
    "np.load('/etc/passwd')",
    "torch.load('a.pt')",
    "torch.save(x, 'a.pt')",
]


# Documented attributes and builtins of the language, which give plain values (PyTorch's and
# Python's): they run, and what they give is as harmless as any other value.
DOCUMENTED = [
    ("x._version", "0"),
    ("y.grad_fn.next_functions", "((<AccumulateGrad object at 0x...>, 0), (None, 0))"),
    # PyTorch's saved values are tensors (or None when not saved), not Python objects
    ("print(y.grad_fn._saved_self)", "None"),
    ("'abc'.upper()", "'ABC'"),
    ("'-'.join(['a', 'b'])", "'a-b'"),
    ("(1).real", "1"),
    ("1.5.hex()", "'0x1.8000000000000p+0'"),
    ("x.shape.index(2)", "0"),
    ("__name__", "'__main__'"),
    ("type(x)", "<class 'torch.Tensor'>"),
    ("x.dtype.itemsize", "8"),
    ("q = x.tolist(); q.append(1); len(q)", "3"),
    ("type(print)", "<class 'builtin_function_or_method'>"),
    ("print", "<built-in function print>"),
    ("x.numpy", "<built-in method numpy of Tensor object at 0x...>"),
]


@pytest.mark.parametrize(("source", "shown"), DOCUMENTED)
def test_documented_attributes_give_plain_values(source, shown):
    session = session_with_base()
    result = session.run(source)
    assert result.ok, result.errors
    text = [o.text for s in result.statements for o in s.outputs][-1]
    assert re.sub(r"0x[0-9a-f]{6,}", "0x...", text) == shown


class Tripwires:
    """While armed, anything that runs code, spawns a process or unpickles is recorded and
    refused. Armed only around the runs (pytest itself uses compile() to report failures)."""

    # Not compile(): numpy's .npy header reader uses ast.literal_eval, which is safe.
    NAMES = ("eval", "exec", "breakpoint", "input")

    def __init__(self):
        self.calls: list[str] = []

    def _trip(self, name, original=None):
        def tripped(*args, **kwargs):
            if original is not None and args and not isinstance(args[0], str | bytes):
                # importing a module (gradcalc imports lazily) execs its compiled code object
                return original(*args, **kwargs)
            self.calls.append(name)
            raise RuntimeError(f"{name} was called from inside a gradcalc program")

        return tripped

    @contextlib.contextmanager
    def armed(self):
        with pytest.MonkeyPatch.context() as patch:
            for name in self.NAMES:
                patch.setattr(builtins, name, self._trip(name, getattr(builtins, name)))
            patch.setattr(os, "system", self._trip("os.system"))
            patch.setattr(subprocess, "Popen", self._trip("subprocess.Popen"))
            patch.setattr(pickle, "load", self._trip("pickle.load"))
            patch.setattr(pickle, "loads", self._trip("pickle.loads"))
            yield self


@pytest.fixture
def tripwires():
    return Tripwires()


DANGEROUS_MODULES = {
    "subprocess", "socket", "ctypes", "multiprocessing", "pty", "code", "codeop", "pdb",
    "webbrowser", "urllib.request", "http.client", "shelve", "marshal", "runpy", "importlib.util",
}  # fmt: skip


@pytest.mark.parametrize("source", ESCAPES)
def test_no_escape_reaches_python(source, tripwires):
    modules_before = set(sys.modules)
    session = session_with_base()
    with tripwires.armed():
        result = session.run(source, keep_going=True)
    assert not tripwires.calls
    errors = result.errors
    assert errors, f"{source!r} ran: it must be refused"
    for error in errors:
        assert_well_formed(error, source)
    assert not (set(sys.modules) - modules_before) & DANGEROUS_MODULES
    for statement in result.statements:
        for output in statement.outputs:  # nothing of gradcalc's own machinery shows
            assert "gradcalc" not in output.text and "<locals>" not in output.text


@pytest.mark.parametrize("name", ["__class__", "__dict__", "__globals__", "__subclasses__"])
def test_dunder_names_are_unknown_names_with_a_sandbox_hint(name):
    session = session_with_base()
    error = session.run(name).errors[0]
    assert isinstance(error, NameLookupError)
    assert error.hint == "names that start and end with '__' are not part of gradcalc's language"


def test_every_value_kind_refuses_private_attributes(tripwires):
    """Whatever a program can make, ``.__class__`` and ``._x`` on it are unknown attributes."""
    values = [
        "x", "m", "y", "x.grad", "y.grad_fn", "x.shape", "x.dtype", "x.shape[0]", "m.item()",
        "x.tolist()", "max(x, dim=0)", "torch", "F", "np", "mean", "x.sum", "print",
        "'s'", "(1, 2)", "[x, v]", "None", "True", "...", "torch.float32",
    ]  # fmt: skip
    session = session_with_base()
    for value in values:
        for attr in ("__class__", "__init__", "__reduce_ex__", "_x", "__doc__"):
            source = f"({value}).{attr}"
            with tripwires.armed():
                result = session.run(source)
            assert len(result.errors) == 1, source
            error = result.errors[0]
            assert isinstance(error, GradcalcError)
            assert_well_formed(error, source)
    assert not tripwires.calls


def test_load_reads_numbers_and_never_unpickles(tmp_path, tripwires):
    np.save(tmp_path / "objects.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with open(tmp_path / "pickle.npy", "wb") as handle:
        handle.write(pickle.dumps([1, 2, 3]))
    np.save(tmp_path / "numbers.npy", np.arange(3.0))
    (tmp_path / "fake.csv").write_bytes(b"\x80\x04\x95 not text")
    (tmp_path / "code.json").write_text('{"__class__": "os.system", "a": [1, 2]}')
    session = session_with_base()
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        ok = session.run("n = load('numbers.npy')")
        assert ok.ok and list(session.values()["n"]) == [0.0, 1.0, 2.0]
        for name, wanted in [
            ("objects.npy", "pickled Python objects"),
            ("pickle.npy", "not a valid .npy file"),
            ("fake.csv", ""),
            ("code.json", ""),
        ]:
            with tripwires.armed():
                result = session.run(f"d = load('{name}')")
            (error,) = result.errors
            assert isinstance(error, DataFileError), (name, error.message)
            assert wanted in error.message
            assert_well_formed(error, f"d = load('{name}')")
    finally:
        os.chdir(cwd)
    assert not tripwires.calls


def test_print_and_repr_show_values_not_python_objects():
    """Modules and builtins print as Python shows them (``<module 'torch'>``), which is what
    tutorial code expects; never as the package's own objects or addresses."""
    session = session_with_base()
    result = session.run("print(torch, F, mean, x.sum, x.dtype, x.shape, None, 's')")
    (text,) = [o.text for s in result.statements for o in s.outputs]
    text = re.sub(r"0x[0-9a-f]{6,}", "0x...", text)
    assert text.startswith(
        "<module 'torch'> <module 'torch.nn.functional'> <built-in method mean of type object"
    )  # PyTorch adds " at 0x...": the core's spelling does not yet
    assert text.endswith(
        "<built-in method sum of Tensor object at 0x...> torch.float64 torch.Size([2, 3]) None s"
    )
