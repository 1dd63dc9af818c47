"""Function transforms: ``torch.autograd.functional.*`` and ``torch.func.*``
(see ../scenario_runner.py).

Sources: the docs of torch.autograd.functional (pytorch.org/docs/stable/autograd.html#functional-higher-level-api)
and torch.func (pytorch.org/docs/stable/func.api.html), the checks in
torch/autograd/functional.py and torch/_functorch/eager_transforms.py (github.com/pytorch/pytorch),
and the old gradcalc tests of jacobian/hessian (tests/autograd/test_engine.py).
"""

from scenario_runner import Scenarios, attempt

S = Scenarios()
NEEDS = ("stack", "view_as", "select")


def D(torch, values):
    return torch.tensor(values, dtype=torch.float64)


# ---- torch.autograd.functional -----------------------------------------------------------


@S.case(needs=NEEDS)
def jacobian_of_a_vector_function(torch):
    return torch.autograd.functional.jacobian(lambda v: v * v + v.sin(), D(torch, [1.0, 2.0, 3.0]))


@S.case(needs=NEEDS)
def jacobian_of_a_matrix_function(torch):
    x = D(torch, [[1.0, 2.0], [3.0, 4.0]])
    return torch.autograd.functional.jacobian(lambda m: (m * m).sum(0), x)


@S.case(needs=NEEDS)
def jacobian_in_float32(torch):
    return torch.autograd.functional.jacobian(lambda v: v * v, torch.tensor([1.0, 2.0]))


@S.case(needs=NEEDS)
def jacobian_of_several_inputs(torch):
    return torch.autograd.functional.jacobian(
        lambda a, b: a * b, (D(torch, [1.0, 2.0]), D(torch, [3.0, 4.0]))
    )


@S.case(needs=NEEDS)
def jacobian_of_several_outputs(torch):
    return torch.autograd.functional.jacobian(lambda a: (a * 2, a.sum()), D(torch, [1.0, 2.0]))


@S.case(needs=NEEDS)
def jacobian_of_a_constant(torch):
    return torch.autograd.functional.jacobian(lambda a: D(torch, [1.0, 2.0]), D(torch, [1.0, 2.0]))


@S.case(needs=NEEDS)
def jacobian_of_an_unused_input(torch):
    return torch.autograd.functional.jacobian(
        lambda a, b: a * 2, (D(torch, [1.0, 2.0]), D(torch, [3.0]))
    )


@S.case(needs=NEEDS)
def jacobian_strict_with_a_constant_output(torch):
    return torch.autograd.functional.jacobian(
        lambda a: D(torch, [1.0, 2.0]), D(torch, [1.0, 2.0]), strict=True
    )


@S.case(needs=NEEDS)
def jacobian_strict_with_an_unused_input(torch):
    return torch.autograd.functional.jacobian(
        lambda a, b: a * 2, (D(torch, [1.0, 2.0]), D(torch, [3.0])), strict=True
    )


@S.case(needs=NEEDS)
def jacobian_create_graph(torch):
    x = D(torch, [1.0, 2.0]).requires_grad_()
    j = torch.autograd.functional.jacobian(lambda a: a**3, x, create_graph=True)
    (g,) = torch.autograd.grad(j.sum(), x)
    return j, g


@S.case(needs=NEEDS)
def jacobian_of_an_input_that_requires_grad(torch):
    x = D(torch, [1.0, 2.0]).requires_grad_()
    return torch.autograd.functional.jacobian(lambda a: a**3, x), x.grad


@S.case
def jacobian_of_a_list(torch):
    return torch.autograd.functional.jacobian(lambda a: a, [1.0, 2.0])


@S.case
def jacobian_of_a_function_returning_a_number(torch):
    return torch.autograd.functional.jacobian(lambda a: 3.0, D(torch, [1.0, 2.0]))


@S.case(needs=NEEDS)
def hessian_of_a_sum_of_cubes(torch):
    return torch.autograd.functional.hessian(lambda v: (v**3).sum(), D(torch, [1.0, 2.0]))


@S.case(needs=NEEDS)
def hessian_of_a_quadratic_form(torch):
    a = D(torch, [[2.0, 1.0], [1.0, 3.0]])
    return torch.autograd.functional.hessian(
        lambda v: 0.5 * (v * (a * v).sum(1)).sum(), D(torch, [1.0, -2.0])
    )


@S.case(needs=NEEDS)
def hessian_of_a_linear_function(torch):
    return torch.autograd.functional.hessian(lambda v: (v * 2).sum(), D(torch, [1.0, -2.0]))


@S.case(needs=NEEDS)
def hessian_of_several_inputs(torch):
    return torch.autograd.functional.hessian(
        lambda a, b: (a * a * b).sum(), (D(torch, [1.0, 2.0]), D(torch, [3.0, 4.0]))
    )


@S.case(needs=NEEDS)
def hessian_of_a_vector_function(torch):
    return torch.autograd.functional.hessian(lambda a: a * a, D(torch, [1.0, 2.0]))


@S.case
def vjp_with_a_vector(torch):
    return torch.autograd.functional.vjp(
        lambda a: a * a, D(torch, [1.0, 2.0]), D(torch, [1.0, 10.0])
    )


@S.case
def vjp_of_a_scalar_function(torch):
    return torch.autograd.functional.vjp(lambda a: (a * a).sum(), D(torch, [1.0, 2.0]))


@S.case
def vjp_without_v_of_a_vector_function(torch):
    return torch.autograd.functional.vjp(lambda a: a * a, D(torch, [1.0, 2.0]))


@S.case
def jvp_with_a_vector(torch):
    return torch.autograd.functional.jvp(
        lambda a: a * a, D(torch, [1.0, 2.0]), D(torch, [1.0, 10.0])
    )


@S.case
def jvp_of_several_inputs(torch):
    return torch.autograd.functional.jvp(
        lambda a, b: a * b,
        (D(torch, [1.0, 2.0]), D(torch, [3.0, 4.0])),
        (D(torch, [1.0, 0.0]), D(torch, [0.0, 1.0])),
    )


@S.case(needs=NEEDS)
def hvp_and_vhp(torch):
    f = lambda a: (a**3).sum()  # noqa: E731
    x, v = D(torch, [1.0, 2.0]), D(torch, [1.0, 10.0])
    return torch.autograd.functional.hvp(f, x, v), torch.autograd.functional.vhp(f, x, v)


# ---- torch.func --------------------------------------------------------------------------


@S.case(needs=NEEDS)
def func_grad(torch):
    return torch.func.grad(lambda a: (a**3).sum())(D(torch, [1.0, 2.0]))


@S.case(needs=NEEDS)
def func_grad_of_two_arguments(torch):
    return torch.func.grad(lambda a, b: (a * b * b).sum(), argnums=(0, 1))(
        D(torch, [1.0, 2.0]), D(torch, [3.0, 4.0])
    )


@S.case(needs=NEEDS)
def func_grad_of_the_second_argument(torch):
    return torch.func.grad(lambda a, b: (a * b * b).sum(), argnums=1)(
        D(torch, [1.0, 2.0]), D(torch, [3.0, 4.0])
    )


@S.case(needs=NEEDS)
def func_grad_with_aux(torch):
    return torch.func.grad(lambda a: ((a**2).sum(), a * 2), has_aux=True)(D(torch, [1.0, 2.0]))


@S.case(needs=NEEDS)
def func_grad_and_value(torch):
    return torch.func.grad_and_value(lambda a: (a**2).sum())(D(torch, [1.0, 2.0]))


@S.case(needs=NEEDS)
def func_grad_of_a_vector_function(torch):
    return torch.func.grad(lambda a: a**2)(D(torch, [1.0, 2.0]))


@S.case(needs=NEEDS)
def func_grad_of_grad(torch):
    inner = torch.func.grad(lambda b: (b**3).sum())
    return torch.func.grad(lambda a: inner(a).sum())(D(torch, [1.0, 2.0]))


@S.case(needs=NEEDS)
def func_grad_of_an_input_that_requires_grad(torch):
    x = D(torch, [1.0, 2.0]).requires_grad_()
    g = torch.func.grad(lambda a: (a**3).sum())(x)
    g.sum().backward()
    return g, x.grad


@S.case
def func_vjp(torch):
    out, fn = torch.func.vjp(lambda a: a * a, D(torch, [1.0, 2.0]))
    return out, fn(D(torch, [1.0, 1.0])), fn(D(torch, [2.0, 0.0]))


@S.case
def func_jvp(torch):
    return torch.func.jvp(lambda a: a * a, (D(torch, [1.0, 2.0]),), (D(torch, [1.0, 1.0]),))


@S.case
def func_linearize(torch):
    out, fn = torch.func.linearize(lambda a: a.sin(), D(torch, [1.0, 2.0]))
    return out, fn(D(torch, [1.0, 1.0]))


@S.case(needs=NEEDS)
def func_jacrev_and_jacfwd(torch):
    f = lambda a: a * a.sum()  # noqa: E731
    x = D(torch, [1.0, 2.0])
    return torch.func.jacrev(f)(x), torch.func.jacfwd(f)(x)


@S.case(needs=NEEDS)
def func_hessian(torch):
    return torch.func.hessian(lambda a: (a**3).sum())(D(torch, [1.0, 2.0]))


@S.case(needs=NEEDS)
def vmap_over_rows(torch):
    return torch.func.vmap(lambda a: a * 2 + 1)(D(torch, [[1.0, 2.0], [3.0, 4.0]]))


@S.case(needs=NEEDS)
def vmap_with_an_unmapped_argument(torch):
    return torch.func.vmap(lambda a, b: a * b, in_dims=(0, None))(
        D(torch, [[1.0, 2.0], [3.0, 4.0]]), D(torch, [10.0, 20.0])
    )


@S.case(needs=NEEDS)
def vmap_of_a_reduction(torch):
    return torch.func.vmap(lambda a: a.sum())(D(torch, [[1.0, 2.0], [3.0, 4.0]]))


@S.case(needs=NEEDS)
def vmap_over_columns(torch):
    return torch.func.vmap(lambda a: a * a, in_dims=1)(D(torch, [[1.0, 2.0], [3.0, 4.0]]))


@S.case(needs=NEEDS)
def vmap_of_grad(torch):
    return torch.func.vmap(torch.func.grad(lambda a: (a**2).sum()))(
        D(torch, [[1.0, 2.0], [3.0, 4.0]])
    )


@S.case(needs=NEEDS)
def vmap_of_unequal_sizes(torch):
    return torch.func.vmap(lambda a, b: a * b)(D(torch, [1.0, 2.0]), D(torch, [1.0, 2.0, 3.0]))


@S.case(needs=NEEDS)
def jacobian_of_a_product_by_hand(torch):
    # the old gradcalc test: J of A @ x is A, without matmul
    a = D(torch, [[1.0, 2.0, 3.0], [0.0, 1.0, -1.0]])
    x = D(torch, [1.0, 2.0, 3.0])
    return attempt(torch.autograd.functional.jacobian, lambda v: (a * v).sum(1), x)


# ---- argument errors ---------------------------------------------------------------------


@S.case
def vjp_with_v_of_the_wrong_size(torch):
    f = lambda a, b: (a * 2, b * 2)  # noqa: E731
    x = (D(torch, [1.0, 2.0]), D(torch, [3.0]))
    return (
        attempt(
            torch.autograd.functional.vjp, lambda a: a * 2, D(torch, [1.0, 2.0]), D(torch, [1.0])
        ),
        attempt(torch.autograd.functional.vjp, f, x, (D(torch, [1.0, 1.0]), D(torch, [1.0, 1.0]))),
        attempt(torch.autograd.functional.vjp, f, x, (D(torch, [1.0, 1.0]),)),
        attempt(torch.autograd.functional.vjp, lambda a: a * 2, D(torch, [1.0, 2.0]), [1.0, 1.0]),
    )


@S.case
def jvp_without_v_of_a_vector_input(torch):
    return torch.autograd.functional.jvp(lambda a: a * 2, D(torch, [1.0, 2.0]))


@S.case
def jvp_without_v_of_a_one_element_input(torch):
    return torch.autograd.functional.jvp(lambda a: a * 3, D(torch, [2.0]))


@S.case
def vjp_strict_with_an_unused_input(torch):
    return torch.autograd.functional.vjp(
        lambda a, b: (a * 2).sum(), (D(torch, [1.0]), D(torch, [2.0])), strict=True
    )


@S.case(needs=NEEDS)
def hessian_strict_of_a_linear_function(torch):
    return torch.autograd.functional.hessian(
        lambda v: (v * 2).sum(), D(torch, [1.0, -2.0]), strict=True
    )


@S.case
def hvp_of_a_vector_function(torch):
    return torch.autograd.functional.hvp(
        lambda a: a * a, D(torch, [1.0, 2.0]), D(torch, [1.0, 1.0])
    )


@S.case
def func_grad_of_a_number(torch):
    return torch.func.grad(lambda a: 3.0)(D(torch, [1.0, 2.0]))


@S.case
def func_grad_of_a_one_element_vector(torch):
    return torch.func.grad(lambda a: a * 2)(D(torch, [1.0]))


@S.case
def func_grad_with_aux_not_a_pair(torch):
    return torch.func.grad(lambda a: (a**2).sum(), has_aux=True)(D(torch, [1.0, 2.0]))


@S.case
def func_grad_argnums_errors(torch):
    f = lambda a, b: (a * b).sum()  # noqa: E731
    x, y = D(torch, [1.0]), D(torch, [2.0])
    return (
        attempt(torch.func.grad(f, argnums=()), x, y),
        attempt(torch.func.grad(f, argnums=(0, 0)), x, y),
        attempt(torch.func.grad(f, argnums=[0, 1]), x, y),
    )


@S.case
def func_jvp_of_a_list(torch):
    return torch.func.jvp(lambda a: a * a, [D(torch, [1.0, 2.0])], [D(torch, [1.0, 1.0])])


@S.case(needs=NEEDS)
def vmap_over_a_number(torch):
    return torch.func.vmap(lambda a, b: a * b)(D(torch, [1.0, 2.0]), 3.0)


@S.case(needs=NEEDS)
def func_jacrev_with_aux(torch):
    return torch.func.jacrev(lambda a: (a * a, a.sum()), has_aux=True)(D(torch, [1.0, 2.0]))


@S.case(needs=NEEDS)
def func_grad_of_nested_arguments(torch):
    x = D(torch, 2.0)

    def f(a, b):
        u, v = a
        return 1 * u + 2 * v + 3 * b["foo"]

    args = ((x, x), {"foo": x})
    return (
        torch.func.grad(f)(*args),
        torch.func.grad(f, argnums=(0,))(*args),
        torch.func.grad(f, argnums=(0, 1))(*args),
    )


@S.case
def func_grad_argnums_out_of_range(torch):
    x, y = D(torch, 1.0), D(torch, 2.0)
    f = lambda a, b: a * b  # noqa: E731
    return (
        attempt(torch.func.grad(f, argnums=-3), x, y),
        attempt(torch.func.grad(f, argnums=2), x, y),
        attempt(torch.func.grad(f, argnums=("0",)), x, y),
        attempt(torch.func.grad(f, argnums=(0, -2)), x, y),
        torch.func.grad(f, argnums=-1)(x, y),
    )


@S.case
def func_vjp_of_several_outputs(torch):
    x = D(torch, [1.0, 2.0])
    _, fn = torch.func.vjp(lambda a: (a.sin(), a.cos()), x)
    _, fn2 = torch.func.vjp(lambda a: {"first": a.sin(), "second": a * 2}, x)
    _, fn3 = torch.func.vjp(lambda a, b: a * b, x, D(torch, [3.0, 4.0]))
    ones = D(torch, [1.0, 1.0])
    return fn((ones, ones)), fn2({"first": ones, "second": ones}), fn3(ones)


@S.case(needs=NEEDS)
def vmap_of_nested_arguments_and_keywords(torch):
    x, y = D(torch, [[1.0, 2.0], [3.0, 4.0]]), D(torch, [10.0, 20.0])
    f = lambda d: (d["x"] * d["y"]).sum()  # noqa: E731
    g = lambda a, scale=4.0: a * scale  # noqa: E731
    return (
        torch.func.vmap(f, in_dims=({"x": 0, "y": None},))({"x": x, "y": y}),
        torch.func.vmap(g)(x, scale=y),
        torch.func.vmap(lambda a: (a * 2, a.sum()), out_dims=(1, 0))(x),
    )


@S.case(needs=NEEDS)
def vmap_of_a_vector_jacobian_product(torch):
    x = D(torch, [1.0, 2.0, 3.0]).requires_grad_()
    y = x**2
    rows = torch.eye(3, dtype=torch.float64)
    return torch.func.vmap(lambda v: torch.autograd.grad(y, x, v, retain_graph=True))(rows)
