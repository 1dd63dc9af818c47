"""torch.autograd.functional and torch.func through the language: values, the structure of
results, strict checks and error messages, as PyTorch 2.13 prints them.

Each case is a program that prints; its output is stored here (``EXPECTED``), so the suite
checks gradcalc without torch. ``test_the_stored_outputs_are_pytorchs`` (marked torch) runs the
same programs with real PyTorch and compares: it is the script that made the stored outputs.
"""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from gradcalc.interpreter import Session

PRELUDE = (
    "import torch\n"
    "from torch.autograd import functional as AF\n"
    "from torch import func as FT\n"
    "def show(f, *args, **kwargs):\n"
    "    try:\n"
    "        print(f(*args, **kwargs))\n"
    "    except Exception as e:\n"
    "        print(repr(e))\n"
    "x = torch.tensor([0.5, -1.0, 2.0])\n"
    "w = torch.tensor([1.5, 0.25, -0.75])\n"
)

CASES = {
    "vjp": "show(AF.vjp, lambda t: t.sin() * w, x, torch.ones(3))",
    "vjp_tuple_out": "show(AF.vjp, lambda a, b: (a * b, a + b), (x, w), (torch.ones(3), w))",
    "vjp_no_v": "show(AF.vjp, lambda t: (t * t).sum(), x)",
    "vjp_create_graph": "show(AF.vjp, lambda t: (t ** 3).sum(), x.requires_grad_(), None, True)",
    "jvp": "show(AF.jvp, lambda t: t.exp() * w, x, torch.ones(3))",
    "jacobian": "show(AF.jacobian, lambda t: t ** 2 * w, x)",
    "jacobian_tuple": "show(AF.jacobian, lambda a, b: (a * b).sum() + b, (x, w))",
    "hessian": "show(AF.hessian, lambda t: (t ** 3).sum(), x)",
    "vhp": "show(AF.vhp, lambda t: (t.sin() * w).sum(), x, torch.ones(3))",
    "hvp": "show(AF.hvp, lambda t: (t.sin() * w).sum(), x, torch.ones(3))",
    "strict": "show(AF.jacobian, lambda t: torch.ones(3), x, strict=True)",
    "bad_input": "show(AF.vjp, lambda t: t, (x, 1), torch.ones(3))",
    "bad_output": "show(AF.jvp, lambda t: (t, 'a'), x, torch.ones(3))",
    "bad_v": "show(AF.vjp, lambda t: t * 2, x, torch.ones(2))",
    "hessian_not_scalar": "show(AF.hessian, lambda t: t * 2, x)",
    "grad": "show(FT.grad(lambda t: (t.sin() * w).sum()), x)",
    "grad_argnums": "show(FT.grad(lambda a, b: (a * b).sum(), argnums=(0, 1)), x, w)",
    "grad_and_value": "show(FT.grad_and_value(lambda t: (t * t).sum()), x)",
    "grad_has_aux": "show(FT.grad(lambda t: ((t * t).sum(), t.cos()), has_aux=True), x)",
    "grad_pytree": "show(FT.grad(lambda p: p['a'].sum() * 2 + p['b'][0].sum()), "
    "{'a': x, 'b': (w,)})",
    "grad_not_scalar": "show(FT.grad(lambda t: t * 2), x)",
    "grad_bad_argnums": "show(FT.grad(lambda a, b: (a * b).sum(), argnums=[0]), x, w)",
    "grad_of_grad": "show(FT.grad(FT.grad(lambda t: t.sin() * 3)), torch.tensor(0.5))",
    "vjp_fn": "out, fn = FT.vjp(lambda t: (t.sin(), t.cos()), x)\nshow(fn, (torch.ones(3), w))",
    "vjp_bad_structure": "out, fn = FT.vjp(lambda t: (t.sin(), t.cos()), x)\n"
    "show(fn, torch.ones(3))",
    "jacrev": "show(FT.jacrev(lambda t: t.sin() * w), x)",
    "jacrev_argnums": "show(FT.jacrev(lambda a, b: a * b, argnums=(0, 1)), x, w)",
    # jacfwd is forward mode in PyTorch, which leaves -0.0 where reverse mode gives 0.0;
    # adding 0.0 makes every zero positive, so the values compare, not the zeros' signs
    "jacfwd_has_aux": "show(lambda t: FT.jacfwd(lambda t: (t ** 2, t.sum()), has_aux=True)(t)[0]"
    " + 0.0, x)",
    "hessian_func": "show(lambda t: FT.hessian(lambda t: (t ** 3 * w).sum())(t) + 0.0, x)",
    "jvp_func": "show(FT.jvp, lambda t: t.sin(), (x,), (torch.ones(3),))",
    "jvp_not_tuple": "show(FT.jvp, lambda t: t.sin(), x, torch.ones(3))",
    "linearize": "out, fn = FT.linearize(lambda t: t.sin() * w, x)\nshow(fn, torch.ones(3))",
    "vmap": "show(torch.vmap(torch.dot), torch.stack([x, w]), torch.stack([w, x]))",
    "vmap_in_dims": "show(torch.vmap(lambda a, b: a * b, in_dims=(1, None)), "
    "torch.stack([x, w]), 2.0)",
    "vmap_out_dims": "show(torch.vmap(lambda a: a * 2, out_dims=1), torch.stack([x, w]))",
    "vmap_sizes": "show(torch.vmap(torch.mul), torch.ones(2, 3), torch.ones(3, 3))",
    "vmap_jacrev": "show(FT.vmap(FT.jacrev(torch.sin)), torch.stack([x, w]))",
}

EXPECTED = {  # made by test_the_stored_outputs_are_pytorchs' run of torch 2.13
    "vjp": "(tensor([ 0.7191, -0.2104, -0.6820]), tensor([1.3164, 0.1351, 0.3121]))",
    "vjp_tuple_out": "((tensor([ 0.7500, -0.2500, -1.5000]), tensor([ 2.0000, -0.7500,  1.2500])), (tensor([ 3.0000,  0.5000, -1.5000]), tensor([ 2.0000, -0.7500,  1.2500])))",
    "vjp_no_v": "(tensor(5.2500), tensor([ 1., -2.,  4.]))",
    "vjp_create_graph": "(tensor(7.1250, grad_fn=<SumBackward0>), tensor([ 0.7500,  3.0000, 12.0000], grad_fn=<MulBackward0>))",
    "jvp": "(tensor([ 2.4731,  0.0920, -5.5418]), tensor([ 2.4731,  0.0920, -5.5418]))",
    "jacobian": "tensor([[ 1.5000, -0.0000, -0.0000],\n        [ 0.0000, -0.5000, -0.0000],\n        [ 0.0000, -0.0000, -3.0000]])",
    "jacobian_tuple": "(tensor([[ 1.5000,  0.2500, -0.7500],\n        [ 1.5000,  0.2500, -0.7500],\n        [ 1.5000,  0.2500, -0.7500]]), tensor([[ 1.5000, -1.0000,  2.0000],\n        [ 0.5000,  0.0000,  2.0000],\n        [ 0.5000, -1.0000,  3.0000]]))",
    "hessian": "tensor([[ 3., -0.,  0.],\n        [ 0., -6.,  0.],\n        [ 0., -0., 12.]])",
    "vhp": "(tensor(-0.1732), tensor([-0.7191,  0.2104,  0.6820]))",
    "hvp": "(tensor(-0.1732), tensor([-0.7191,  0.2104,  0.6820]))",
    "strict": "RuntimeError('Output 0 of the user-provided function does not require gradients. The outputs must be computed in a differentiable manner from the input when running in strict mode.')",
    "bad_input": "TypeError(\"The inputs given to vjp must be either a Tensor or a tuple of Tensors but the value at index 1 has type <class 'int'>.\")",
    "bad_output": "TypeError(\"The outputs of the user-provided function given to jvp must be either a Tensor or a tuple of Tensors but the value at index 1 has type <class 'str'>.\")",
    "bad_v": "RuntimeError('v has invalid size: should be torch.Size([3]) but got torch.Size([2]).')",
    "hessian_not_scalar": "RuntimeError('The Tensor returned by the function given to hessian should contain a single element')",
    "grad": "tensor([1.3164, 0.1351, 0.3121])",
    "grad_argnums": "(tensor([ 1.5000,  0.2500, -0.7500]), tensor([ 0.5000, -1.0000,  2.0000]))",
    "grad_and_value": "(tensor([ 1., -2.,  4.]), tensor(5.2500))",
    "grad_has_aux": "(tensor([ 1., -2.,  4.]), tensor([ 0.8776,  0.5403, -0.4161]))",
    "grad_pytree": "{'a': tensor([2., 2., 2.]), 'b': (tensor([1., 1., 1.]),)}",
    "grad_not_scalar": "RuntimeError('grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor with 1 dims. Maybe you wanted to use the vjp or jacrev APIs instead?')",
    "grad_bad_argnums": "RuntimeError(\"argnums must be int or Tuple[int, ...], got: <class 'list'>\")",
    "grad_of_grad": "tensor(-1.4383)",
    "vjp_fn": "(tensor([0.1584, 0.7507, 0.2658]),)",
    "vjp_bad_structure": "RuntimeError('Expected pytree structure of cotangents to be the same as pytree structure of outputs to the function. cotangents: *, primal output: (*, *)')",
    "jacrev": "tensor([[1.3164, 0.0000, 0.0000],\n        [0.0000, 0.1351, 0.0000],\n        [0.0000, 0.0000, 0.3121]])",
    "jacrev_argnums": "(tensor([[ 1.5000,  0.0000, -0.0000],\n        [ 0.0000,  0.2500, -0.0000],\n        [ 0.0000,  0.0000, -0.7500]]), tensor([[ 0.5000, -0.0000,  0.0000],\n        [ 0.0000, -1.0000,  0.0000],\n        [ 0.0000, -0.0000,  2.0000]]))",
    "jacfwd_has_aux": "tensor([[ 1.,  0.,  0.],\n        [ 0., -2.,  0.],\n        [ 0.,  0.,  4.]])",
    "hessian_func": "tensor([[ 4.5000,  0.0000,  0.0000],\n        [ 0.0000, -1.5000,  0.0000],\n        [ 0.0000,  0.0000, -9.0000]])",
    "jvp_func": "(tensor([ 0.4794, -0.8415,  0.9093]), tensor([ 0.8776,  0.5403, -0.4161]))",
    "jvp_not_tuple": "RuntimeError('jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it should be valid to call f(*primals).')",
    "linearize": "tensor([1.3164, 0.1351, 0.3121])",
    "vmap": "tensor([-1., -1.])",
    "vmap_in_dims": "tensor([[ 1.0000,  3.0000],\n        [-2.0000,  0.5000],\n        [ 4.0000, -1.5000]])",
    "vmap_out_dims": "tensor([[ 1.0000,  3.0000],\n        [-2.0000,  0.5000],\n        [ 4.0000, -1.5000]])",
    "vmap_sizes": "ValueError('vmap: Expected all tensors to have the same size in the mapped dimension, got sizes [2, 3] for the mapped dimension')",
    "vmap_jacrev": "tensor([[[ 0.8776,  0.0000, -0.0000],\n         [ 0.0000,  0.5403, -0.0000],\n         [ 0.0000,  0.0000, -0.4161]],\n\n        [[ 0.0707,  0.0000,  0.0000],\n         [ 0.0000,  0.9689,  0.0000],\n         [ 0.0000,  0.0000,  0.7317]]])",
}


def gradcalc_prints(source: str) -> str:
    result = Session(record_graph=False).run(PRELUDE + source)
    assert result.ok, [e.message for e in result.errors]
    return "\n".join(o.text for s in result.statements for o in s.outputs)


@pytest.mark.parametrize("name", list(CASES))
def test_transforms_print_what_pytorch_prints(name):
    assert gradcalc_prints(CASES[name]) == EXPECTED[name]


@pytest.mark.torch
@pytest.mark.parametrize("name", list(CASES))
def test_the_stored_outputs_are_pytorchs(name, torch_module):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(PRELUDE + CASES[name], {})  # noqa: S102 - the programs above
    printed = re.sub(r" at 0x[0-9a-f]+", "", out.getvalue().rstrip("\n"))
    assert printed == EXPECTED[name]
