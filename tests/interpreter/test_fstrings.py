"""f-strings run: what Python and PyTorch print, the errors of a bad field, and the hints for
``%`` formatting and ``str.format``."""

from __future__ import annotations

import contextlib
import io

import pytest
from interp_helpers import error_of, run, shown

from gradcalc.errors import (
    ArgumentError,
    AttributeLookupError,
    IndexOutOfRange,
    LimitError,
    NameLookupError,
    ValueDomainError,
)
from gradcalc.interpreter import Session

TRAINING_SCRIPT = '''\
import torch
x = torch.linspace(-1.0, 1.0, 5)
y = torch.sin(x)
a = torch.tensor(0.5, requires_grad=True)
b = torch.tensor(-0.25, requires_grad=True)
y_pred = a + b * x
loss = (y_pred - y).pow(2).sum()
t = 99
print(f"step {t} loss {loss.item():.4f}")
print(f'Result: y = {a.item()} + {b.item()} x')
print(f"{x}")
print(f"{loss:.3f} {loss} {loss!r} {loss!s}")
print(f"{a=} {b = :.2f} {t=} {x[1:3]=}")
print(f"""{x.shape} {x.dtype}
{{literal}} {t:>5d}|{t:<5}|{t:^7}|""")
print(rf"\\n{t}\\t", Fr'{t!a}', f"{'é'!a} {'s'!r:>6}")
print(f"{t * 2 + 1:,} {0.000123:.2e} {1/3:.1%} {True} {None} {(1, 2)} {x.sum() > 0}")
print(f"{x[1:3]} {x[0]:+.3f} {y_pred.sum():.5g} {torch.tensor(2.5)!r:>20}")
print(f"{a.requires_grad} {f'{t:>4}'!r} {(loss * 2).backward()} {a.grad:.3f}")
'''


def python_prints(source: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, "<script>", "exec"), {})  # noqa: S102 - the test's own script
    return out.getvalue().rstrip("\n")


def gradcalc_prints(source: str, **options) -> str:
    _, result = run(source, **options)
    assert result.ok, [e.message for e in result.errors]
    return "\n".join(out.text for stmt in result.statements for out in stmt.outputs)


def test_a_training_script_prints_what_pytorch_prints(torch_module):
    expected = python_prints(TRAINING_SCRIPT)
    assert gradcalc_prints(TRAINING_SCRIPT, dtype="float32", python_script=True) == expected
    assert "step 99 loss 4.3633" in expected  # the comparison compared something


@pytest.mark.parametrize(
    "spec",
    ["", ".4f", ">10", "<8.2f", "^9", "+.3e", ",", "_", ".1%", "08.3f", "g", ".10g", "#x", "b",
     "=+10", "*^12.1f", "z.1f", "E"],
)  # fmt: skip
@pytest.mark.parametrize("value", ["3", "-2.5", "1234567.891", "0.0001", "True"])
def test_numbers_format_as_in_python(value, spec):
    python_value = eval(value)  # noqa: S307 - literals written in this test
    try:
        expected = format(python_value, spec)
    except ValueError as python_error:
        error = error_of(f'print(f"{{{value}:{spec}}}")')
        assert isinstance(error, ValueDomainError) and error.kind == "ValueError"
        assert error.message == str(python_error)  # Python's own message
        return
    assert shown(f'print(f"{{{value}:{spec}}}")', python_script=True) == expected


def test_strings_format_as_in_python():
    assert shown("s = 'ab'\nprint(f'[{s:>5}] [{s:*^6}] [{s!r}] [{s:.1}]')") == (
        "[   ab] [**ab**] ['ab'] [a]"
    )


def test_a_0d_tensor_formats_as_its_number_and_any_tensor_prints_whole():
    source = (
        "x = torch.tensor([1.0, 2.5])\n"
        "m = x.mean()\n"
        'print(f"{m} {m:.2f} {m!s} {m!r:>25} {x} {x!r}")'
    )
    assert shown(source) == (
        "1.75 1.75 tensor(1.7500)            tensor(1.7500) "
        "tensor([1.0000, 2.5000]) tensor([1.0000, 2.5000])"
    )


def test_an_f_string_is_a_string_value():
    _, result = run('s = f"{2 + 3}!"\ns\nprint(s, s)')
    assert [out.text for stmt in result.statements for out in stmt.outputs] == ["'5!'", "5! 5!"]


def test_fields_run_in_order_on_the_same_graph(torch_module):
    source = (
        "import torch\n"
        "x = torch.tensor(2.0, requires_grad=True)\n"
        'print(f"{x.grad} {(x ** 2).backward()} {x.grad} {x.grad!r}")'
    )
    assert shown(source) == python_prints(source) == "None None 4.0 tensor(4.)"


@pytest.mark.parametrize(
    ("source", "kind", "message", "pointed"),
    [
        ('x = [1.0, 2.0]\nprint(f"{x:.2f}")', ArgumentError,
         "unsupported format string passed to Tensor.__format__", ".2f"),
        ('print(f"{None:>3}")', ArgumentError,
         "unsupported format string passed to NoneType.__format__", ">3"),
        ('x = [1.0]\nprint(f"{x.shape:>3}")', ArgumentError,
         "unsupported format string passed to torch.Size.__format__", ">3"),
        ('print(f"{2.5:d}")', ValueDomainError,
         "Unknown format code 'd' for object of type 'float'", "d"),
        ('print(f"{\'a\':.2f}")', ValueDomainError,
         "Unknown format code 'f' for object of type 'str'", ".2f"),
        ('print(f"{1:99999999}")', LimitError, "format width or precision 99,999,999", "99999999"),
        ('print(f"{1.5:.20000f}")', LimitError, "format width or precision 20,000", ".20000f"),
        ('print(f"value {undefined_name + 1:.2f}")', NameLookupError,
         "name 'undefined_name' is not defined", "undefined_name"),
        ('x = [1.0, 2.0]\nprint(f"loss {x.item():.4f}")', ValueDomainError,
         "a Tensor with 2 elements cannot be converted to Scalar", "x.item()"),
    ],
)  # fmt: skip
def test_a_bad_field_is_an_error_that_points_at_it(source, kind, message, pointed):
    error = error_of(source)
    assert type(error) is kind
    assert error.message.startswith(message), error.message
    assert source[error.span.start : error.span.end] == pointed
    if kind is ArgumentError:
        assert error.hint


def test_a_spec_on_a_one_element_tensor_that_is_not_0d_is_refused_as_pytorch_does(torch_module):
    with pytest.raises(TypeError, match="unsupported format string passed to Tensor.__format__"):
        f"{torch_module.tensor([1.5]):.2f}"  # noqa: B018
    error = error_of('x = torch.tensor([1.5])\nprint(f"{x:.2f}")')
    assert "x.item()" in error.hint or "{x.item():.4f}" in error.hint


def test_an_f_string_cannot_grow_without_bound():
    source = "s = f'{1:>9000}'\n" + "s = f'{s}{s}'\n" * 12
    error = error_of(source)
    assert isinstance(error, LimitError)
    assert "f-string longer than" in error.message


@pytest.mark.parametrize(
    ("source", "printed"),
    [
        ('print("%.4f" % 2.0)', "2.0000"),
        ('x = torch.tensor(2.0)\nprint("%.4f" % x)', "2.0000"),
        ('print("%d %d" % (1, 2))', "1 2"),
        ('print("%(a)s=%(b)5.1f" % {"a": "w", "b": 2})', "w=  2.0"),
        ('print("loss: {:.4f}".format(2.0))', "loss: 2.0000"),
        ('print("{0} {1!r} {name}".format(1, "a", name=[2]))', "1 'a' [2]"),
        ('x = torch.tensor([1.0, 2.0])\nprint("{0.shape} {0[1]} {1:>4}".format(x, 3))',
         "torch.Size([2]) 2.0    3"),
        ("print('a' + 'b', 'abc'.upper())", "ab ABC"),
    ],
)  # fmt: skip
def test_percent_formatting_and_str_format_are_pythons(source, printed, torch_module):
    assert shown("import torch\n" + source) == printed
    assert python_prints("import torch\n" + source) == printed


@pytest.mark.parametrize(
    ("source", "error", "message"),
    [
        ('print("%99999999d" % 1)', LimitError, "format width or precision 99,999,999"),
        ('print("%*d" % (10**9, 1))', LimitError, "format width or precision 1,000,000,000"),
        ('print("{:99999999}".format(1))', LimitError, "format width or precision 99,999,999"),
        ('print("{0:{1}}".format(1, 99999999))', LimitError, "format width or precision"),
        ('print(("{0}" * 1000).format("x" * 100000))', LimitError, "formatted text longer"),
        ('"ab".replace("", "x" * 10000000)', LimitError, "is over the limit of 10,000,000"),
        ('"x" * 10 ** 6 + "-".join(["a"] * 10)', None, None),
        ('x = torch.ones(1)\n"{0.__class__}".format(x)', AttributeLookupError,
         "'Tensor' object has no attribute '__class__'"),
        ('"{0.__init__.__globals__}".format(print)', AttributeLookupError,
         "has no attribute '__init__'"),
        ('"{0[0]}".format([])', IndexOutOfRange, "list index out of range"),
        ('"{} {}".format(1)', IndexOutOfRange,
         "Replacement index 1 out of range for positional args tuple"),
        ('"%d" % "a"', ArgumentError, "%d format: a real number is required, not str"),
    ],
)  # fmt: skip
def test_string_formatting_is_bounded_and_stays_in_the_sandbox(source, error, message):
    if error is None:
        shown("import torch\n" + source)
        return
    found = error_of("import torch\n" + source)
    assert isinstance(found, error) and message in found.message, found.message


def test_the_same_session_floats_are_tensors_outside_pytorch_code():
    # A float bound to a name is a 0-d leaf tensor in gradcalc's own language: it formats
    # as its (float64) number, the way PyTorch formats a 0-d tensor. An int stays an int.
    assert shown('c = 2.0\nprint(f"{c} {c:.1f} {c!r}")') == (
        "2.0 2.0 tensor(2., requires_grad=True)"
    )
    assert shown('c = 2\nprint(f"{c} {c:.1f} {c!r}")') == "2 2.0 2"
    session = Session(python_script=True)
    result = session.run('c = 2\nprint(f"{c} {c:.1f} {c!r}")')
    assert [o.text for s in result.statements for o in s.outputs] == ["2 2.0 2"]
