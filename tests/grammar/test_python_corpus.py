"""Real autograd code parses to the tree Python's own parser makes (same classes, same fields).

The snippets below are written in the style of, and after, these sources (short paraphrases,
not copies):
- https://pytorch.org/tutorials/beginner/blitz/autograd_tutorial.html
- https://pytorch.org/tutorials/beginner/basics/autogradqs_tutorial.html
- https://pytorch.org/tutorials/beginner/examples_autograd/polynomial_custom_function.html
- https://pytorch.org/tutorials/beginner/examples_autograd/two_layer_net_autograd.py
- https://pytorch.org/docs/stable/notes/extending.html (custom Functions, ctx, needs_input_grad)
- https://pytorch.org/docs/stable/generated/torch.autograd.function.FunctionCtx.save_for_backward.html
- pytorch/pytorch test/test_autograd.py (the shape of its tests: small functions, asserts,
  torch.autograd.grad with create_graph, hooks, no_grad blocks)
The second half reads whole files that are installed here anyway: PyTorch's own
``torch/autograd`` and ``torch/optim`` sources (when torch is installed) and modules of
Python's standard library, and compares every one that stays inside the subset.
"""

from __future__ import annotations

import ast as python
import os
import textwrap

import pytest
from grammar_helpers import assert_parses_as_python
from python_ast import outside_subset

from gradcalc.grammar import ast, parse

SNIPPETS = {
    "blitz gradients": """
        import torch
        a = torch.tensor([2., 3.], requires_grad=True)
        b = torch.tensor([6., 4.], requires_grad=True)
        Q = 3*a**3 - b**2
        external_grad = torch.tensor([1., 1.])
        Q.backward(gradient=external_grad)
        print(9*a**2 == a.grad)
        print(-2*b == b.grad)
    """,
    "blitz frozen parameters": """
        from torch import nn, optim
        model = torchvision.models.resnet18(weights='DEFAULT')
        for param in model.parameters():
            param.requires_grad = False
        model.fc = nn.Linear(512, 10)
        optimizer = optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
    """,
    "basics: loss and gradients": """
        x = torch.ones(5)  # input tensor
        y = torch.zeros(3)  # expected output
        w = torch.randn(5, 3, requires_grad=True)
        b = torch.randn(3, requires_grad=True)
        z = torch.matmul(x, w)+b
        loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
        print(f"Gradient function for z = {z.grad_fn}")
        print(f"Gradient function for loss = {loss.grad_fn}")
        loss.backward()
        print(w.grad)
        with torch.no_grad():
            z = torch.matmul(x, w)+b
        print(z.requires_grad)
        z_det = z.detach()
    """,
    "basics: jacobian products": """
        inp = torch.eye(4, 5, requires_grad=True)
        out = (inp+1).pow(2).t()
        out.backward(torch.ones_like(out), retain_graph=True)
        print(f"First call\\n{inp.grad}")
        inp.grad.zero_()
        out.backward(torch.ones_like(out), retain_graph=True)
        print(f"\\nCall after zeroing gradients\\n{inp.grad}")
    """,
    "custom function": '''
        class LegendrePolynomial3(torch.autograd.Function):
            """The third Legendre polynomial, with its own backward."""

            @staticmethod
            def forward(ctx, input):
                ctx.save_for_backward(input)
                return 0.5 * (5 * input ** 3 - 3 * input)

            @staticmethod
            def backward(ctx, grad_output):
                input, = ctx.saved_tensors
                return grad_output * 1.5 * (5 * input ** 2 - 1)

        dtype = torch.float
        x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
        a = torch.full((), 0.0, dtype=dtype, requires_grad=True)
        learning_rate = 5e-6
        for t in range(2000):
            P3 = LegendrePolynomial3.apply
            y_pred = a + b * P3(c + d * x)
            loss = (y_pred - y).pow(2).sum()
            if t % 100 == 99:
                print(t, loss.item())
            loss.backward()
            with torch.no_grad():
                a -= learning_rate * a.grad
                a.grad = None
        print(f'Result: y = {a.item()} + {b.item()} * P3({c.item()} + {d.item()} x)')
    ''',
    "two layer net": """
        N, D_in, H, D_out = 64, 1000, 100, 10
        x = torch.randn(N, D_in, device=device, dtype=dtype)
        w1 = torch.randn(D_in, H, device=device, dtype=dtype, requires_grad=True)
        for t in range(500):
            y_pred = x.mm(w1).clamp(min=0).mm(w2)
            loss = (y_pred - y).pow(2).sum()
            if t % 100 == 99:
                print(t, loss.item())
            loss.backward()
            with torch.no_grad():
                w1 -= learning_rate * w1.grad
                w2 -= learning_rate * w2.grad
                w1.grad.zero_()
                w2.grad.zero_()
    """,
    "extending: linear function": """
        class LinearFunction(Function):
            @staticmethod
            def forward(input, weight, bias):
                output = input.mm(weight.t())
                if bias is not None:
                    output += bias.unsqueeze(0).expand_as(output)
                return output

            @staticmethod
            def setup_context(ctx, inputs, output):
                input, weight, bias = inputs
                ctx.save_for_backward(input, weight, bias)

            @staticmethod
            def backward(ctx, grad_output):
                input, weight, bias = ctx.saved_tensors
                grad_input = grad_weight = grad_bias = None
                if ctx.needs_input_grad[0]:
                    grad_input = grad_output.mm(weight)
                if ctx.needs_input_grad[1]:
                    grad_weight = grad_output.t().mm(input)
                if bias is not None and ctx.needs_input_grad[2]:
                    grad_bias = grad_output.sum(0)
                return grad_input, grad_weight, grad_bias
    """,
    "extending: non-tensor arguments": """
        class Func(Function):
            @staticmethod
            def forward(ctx, x: torch.Tensor, y: torch.Tensor, z: int):
                w = x * y * z
                out = x * y + y * z + w
                ctx.save_for_backward(x, y, out)
                ctx.z = z  # z is not a tensor
                return out

            @staticmethod
            @once_differentiable
            def backward(ctx, grad_out):
                x, y, out = ctx.saved_tensors
                gx = grad_out * (y + y * ctx.z)
                return gx, None, None
    """,
    "test_autograd style": """
        def test_grad_nonleaf(self):
            x_init = torch.randn(2, 2, requires_grad=True)
            x = x_init
            y = torch.randn(2, 2, requires_grad=True)
            grad_output = torch.ones(2, 2)

            def fn(x):
                return x**2 + y * x + y**2

            for _ in range(5):
                (grad_x,) = torch.autograd.grad(
                    fn(x), x, grad_outputs=grad_output, create_graph=True
                )
                grad_x_expected = 2 * x + y
                self.assertIsNone(y.grad)
                self.assertEqual(grad_x, grad_x_expected)
                x = x + 0.05 * grad_x
            val_init = fn(x_init).sum()
            val_final = fn(x).sum()
            self.assertGreater(val_final, val_init)

        def test_hooks(self):
            x = torch.ones(5, 5, requires_grad=True)
            y = torch.ones(5, 5) * 4
            counter = [0]

            def bw_hook(inc, grad):
                self.assertIsInstance(grad, torch.Tensor)
                counter[0] += inc

            z = x**2 + x * 2 + x * y + y
            x.register_hook(lambda *args: bw_hook(0, *args))
            test = z.register_hook(lambda *args: bw_hook(1, *args))
            z.backward(torch.ones(5, 5), retain_graph=True)
            self.assertEqual(counter[0], 1)
            test.remove()
    """,
    "everything else in the subset": '''
        from .. import functional as F
        from . import *
        import torch.nn.functional as F, math
        global_scale: float = 2.0
        @torch.no_grad()
        def step(params, *, lr=1e-3, momentum: float = 0.9, **options) -> None:
            """One step."""
            global global_scale
            for i, (p, g) in enumerate(zip(params, grads), start=1):
                if g is None or not p.requires_grad:
                    continue
                elif i > 10 and g.abs().max() >= 1e3:
                    break
                else:
                    p.data[:, 0::2] -= lr * g[..., None] @ w.T
            while x < 3 and (y := f(x)) is not None:
                x <<= 1; x |= 4; x ^= y; x %= 7; x //= 2; x **= 2; x @= m; x >>= 1; x &= 3
            else:
                pass
            try:
                value = {k: v ** 2 for k, v in d.items() if v}
            except (ValueError, TypeError) as error:
                raise RuntimeError("bad") from error
            except KeyError:
                raise
            else:
                assert value, "empty"
            finally:
                del d[0], e.f, (g, h)
            with torch.enable_grad(), open(path) as f:
                squares = [x * x for x in range(10) if x % 2 if x > 2 for y in range(x)]
                unique = {x for x in squares}
                total = sum(x for x in squares)
                pair = (lambda a, b=2, *c, d, **e: a + b)(1, d=4)
                a, *rest = b, c = 1, 2, 3
                s = f"{x!r:>{width}.{precision}f} {y=} {'q'} {{ }}" "joined" 'strings'
                t = -x ** 2 if not x in y is not z else ~x // 3 % 4
                u = x[1:2, ::3, ...], x[()], x[-1], x[a:b:c]
                v = {**base, 'key': [*items, *more]}, {1, 2}, (), [], {}
            nonlocal_value = 0
            return u, v
        class Model(nn.Module, metaclass=Meta):
            scale = 1.0
            def __init__(self, n):
                super().__init__()
                self.w = nn.Parameter(torch.randn(n, n))
            def forward(self, x, /, y=None):
                return x @ self.w + (0 if y is None else y)
        def outer():
            count = 0
            def inner():
                nonlocal count
                count += 1
                return count
            return inner
    ''',
}


@pytest.mark.parametrize("name", SNIPPETS)
def test_tutorial_style_code_parses_as_python_parses_it(name):
    source = textwrap.dedent(SNIPPETS[name]).lstrip("\n")
    tree = assert_parses_as_python(source)
    assert tree.source == source


def test_the_everything_snippet_uses_every_statement_and_expression_class():
    tree = parse(textwrap.dedent(SNIPPETS["everything else in the subset"]).lstrip("\n"))
    used = {type(node).__name__ for node in ast.walk(tree)}
    wanted = {
        name for name in ast.__all__
        if name not in ("AST", "stmt", "expr", "dump", "walk", "iter_child_nodes", "Invalid",
                        "Nonlocal")
    }  # fmt: skip
    assert wanted - used == set()


# ---- whole files installed on this machine -------------------------------------------------

STDLIB = os.path.dirname(python.__file__)
STDLIB_FILES = [
    "colorsys.py", "textwrap.py", "fractions.py", "statistics.py", "heapq.py", "bisect.py",
    "argparse.py", "dataclasses.py", "functools.py", "json/encoder.py", "json/decoder.py",
    "string.py", "shlex.py", "copy.py", "pprint.py", "numbers.py", "decimal.py", "random.py",
]  # fmt: skip


def _check_file(path: str) -> bool:
    """Compare one file's trees; False when the file uses something outside the subset."""
    with open(path, encoding="utf-8") as file:
        source = file.read()
    if outside_subset(python.parse(source)) is not None:
        return False
    assert_parses_as_python(source)
    return True


def test_standard_library_modules_parse_as_python_parses_them():
    compared = [name for name in STDLIB_FILES if _check_file(os.path.join(STDLIB, name))]
    assert len(compared) >= 10, compared


@pytest.mark.torch
def test_pytorchs_own_autograd_and_optim_sources_parse_as_python_parses_them(torch_module):
    root = os.path.dirname(torch_module.__file__)
    paths = sorted(
        os.path.join(root, folder, name)
        for folder in ("autograd", "optim")
        for name in os.listdir(os.path.join(root, folder))
        if name.endswith(".py")
    )
    compared = [path for path in paths if _check_file(path)]
    assert len(compared) >= 20, compared
