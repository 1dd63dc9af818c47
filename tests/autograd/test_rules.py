"""Every differentiation rule against central finite differences (float64) and PyTorch."""

from __future__ import annotations

import functools

import numpy as np
import pytest

import gradcalc.autograd as ag

POS = "pos"  # inputs drawn from (0.5, 2): log, sqrt, ...
UNIT = "unit"  # inputs drawn from (0.05, 0.95): probabilities
ANY = "any"


def _draw(rng, shape, domain):
    if domain == POS:
        return rng.uniform(0.5, 2.0, shape)
    if domain == UNIT:
        return rng.uniform(0.05, 0.95, shape)
    # keep away from kinks at 0 (abs, relu, clamp bounds) so finite differences are smooth
    x = rng.uniform(0.2, 1.5, shape) * rng.choice([-1.0, 1.0], shape)
    return x


def _torch_einsum(equation, T, *operands):
    return T.einsum(equation, *operands)


def F(name):
    return lambda *a, **k: getattr(ag, name)(*a, **k)


# name, gradcalc fn, torch fn (gets torch module and tensors), input shapes, domain
CASES = [
    ("add", lambda a, b: a + b, lambda T, a, b: a + b, [(2, 3), (2, 3)], ANY),
    ("add_bcast", lambda a, b: a + b, lambda T, a, b: a + b, [(2, 3), (3,)], ANY),
    ("add_bcast2", lambda a, b: a + b, lambda T, a, b: a + b, [(4, 1, 3), (2, 1)], ANY),
    ("radd_scalar", lambda a: 2.5 + a, lambda T, a: 2.5 + a, [(3,)], ANY),
    ("sub_bcast", lambda a, b: a - b, lambda T, a, b: a - b, [(2, 1), (1, 3)], ANY),
    ("rsub", lambda a: 1 - a, lambda T, a: 1 - a, [(2, 3)], ANY),
    ("mul_bcast", lambda a, b: a * b, lambda T, a, b: a * b, [(2, 3), (2, 1)], ANY),
    ("mul_self", lambda a: a * a, lambda T, a: a * a, [(3,)], ANY),
    ("div_bcast", lambda a, b: a / b, lambda T, a, b: a / b, [(2, 3), (3,)], POS),
    ("rdiv", lambda a: 2 / a, lambda T, a: 2 / a, [(2, 3)], POS),
    ("neg", lambda a: -a, lambda T, a: -a, [(2, 3)], ANY),
    ("pow_scalar", lambda a: a**3, lambda T, a: a**3, [(2, 3)], ANY),
    ("pow_frac", lambda a: a**0.5, lambda T, a: a**0.5, [(2, 3)], POS),
    ("pow_tensor", lambda a, b: a**b, lambda T, a, b: a**b, [(2, 3), (3,)], POS),
    ("rpow", lambda a: 2**a, lambda T, a: 2**a, [(2, 3)], ANY),
    ("matmul_mm", lambda a, b: a @ b, lambda T, a, b: a @ b, [(2, 3), (3, 4)], ANY),
    ("matmul_mv", lambda a, b: a @ b, lambda T, a, b: a @ b, [(2, 3), (3,)], ANY),
    ("matmul_vm", lambda a, b: a @ b, lambda T, a, b: a @ b, [(3,), (3, 4)], ANY),
    ("matmul_dot", lambda a, b: a @ b, lambda T, a, b: a @ b, [(3,), (3,)], ANY),
    ("matmul_batched", lambda a, b: a @ b, lambda T, a, b: a @ b, [(2, 2, 3), (3, 4)], ANY),
    (
        "matmul_bcast_batch",
        lambda a, b: a @ b,
        lambda T, a, b: a @ b,
        [(2, 1, 2, 3), (3, 3, 2)],
        ANY,
    ),
    ("matmul_batched_vec", lambda a, b: a @ b, lambda T, a, b: a @ b, [(2, 2, 3), (3,)], ANY),
    ("matmul_vec_batched", lambda a, b: a @ b, lambda T, a, b: a @ b, [(3,), (2, 3, 4)], ANY),
    ("exp", F("exp"), lambda T, a: a.exp(), [(2, 3)], ANY),
    ("log", F("log"), lambda T, a: a.log(), [(2, 3)], POS),
    ("log1p", F("log1p"), lambda T, a: a.log1p(), [(2, 3)], POS),
    ("sqrt", F("sqrt"), lambda T, a: a.sqrt(), [(2, 3)], POS),
    ("abs", F("abs"), lambda T, a: a.abs(), [(2, 3)], ANY),
    ("sin", F("sin"), lambda T, a: a.sin(), [(2, 3)], ANY),
    ("cos", F("cos"), lambda T, a: a.cos(), [(2, 3)], ANY),
    ("tan", F("tan"), lambda T, a: a.tan(), [(2, 3)], ANY),
    ("tanh", F("tanh"), lambda T, a: a.tanh(), [(2, 3)], ANY),
    ("sigmoid", F("sigmoid"), lambda T, a: a.sigmoid(), [(2, 3)], ANY),
    ("erf", F("erf"), lambda T, a: T.erf(a), [(2, 3)], ANY),
    ("relu", F("relu"), lambda T, a: a.relu(), [(2, 3)], ANY),
    (
        "leaky_relu",
        lambda a: ag.leaky_relu(a, negative_slope=0.2),
        lambda T, a: T.nn.functional.leaky_relu(a, 0.2),
        [(2, 3)],
        ANY,
    ),
    (
        "elu",
        lambda a: ag.elu(a, alpha=1.5),
        lambda T, a: T.nn.functional.elu(a, 1.5),
        [(2, 3)],
        ANY,
    ),
    ("gelu", F("gelu"), lambda T, a: T.nn.functional.gelu(a), [(2, 3)], ANY),
    (
        "gelu_tanh",
        lambda a: ag.gelu(a, approximate="tanh"),
        lambda T, a: T.nn.functional.gelu(a, approximate="tanh"),
        [(2, 3)],
        ANY,
    ),
    ("softplus", F("softplus"), lambda T, a: T.nn.functional.softplus(a), [(2, 3)], ANY),
    (
        "softplus_beta",
        lambda a: ag.softplus(a, beta=2.0, threshold=1.0),
        lambda T, a: T.nn.functional.softplus(a, beta=2.0, threshold=1.0),
        [(2, 3)],
        ANY,
    ),
    ("silu", F("silu"), lambda T, a: T.nn.functional.silu(a), [(2, 3)], ANY),
    (
        "clamp",
        lambda a: ag.clamp(a, min=-0.5, max=0.7),
        lambda T, a: a.clamp(-0.5, 0.7),
        [(3, 4)],
        ANY,
    ),
    ("clamp_min", lambda a: a.clamp(min=0.1), lambda T, a: a.clamp(min=0.1), [(3, 4)], ANY),
    ("maximum", F("maximum"), lambda T, a, b: T.maximum(a, b), [(2, 3), (3,)], ANY),
    ("minimum", F("minimum"), lambda T, a, b: T.minimum(a, b), [(2, 3), (2, 1)], ANY),
    (
        "where",
        lambda a, b: ag.where(a > 0, a, b),
        lambda T, a, b: T.where(a > 0, a, b),
        [(2, 3), (3,)],
        ANY,
    ),
    ("sum_all", lambda a: a.sum(), lambda T, a: a.sum(), [(2, 3)], ANY),
    ("sum_dim", lambda a: a.sum(dim=0), lambda T, a: a.sum(dim=0), [(2, 3)], ANY),
    (
        "sum_neg_keep",
        lambda a: a.sum(-1, keepdim=True),
        lambda T, a: a.sum(-1, keepdim=True),
        [(2, 3)],
        ANY,
    ),
    ("sum_tuple", lambda a: a.sum(dim=(0, 2)), lambda T, a: a.sum(dim=(0, 2)), [(2, 3, 4)], ANY),
    ("mean_all", lambda a: a.mean(), lambda T, a: a.mean(), [(2, 3)], ANY),
    (
        "mean_dim",
        lambda a: a.mean(dim=1, keepdim=True),
        lambda T, a: a.mean(1, keepdim=True),
        [(2, 3)],
        ANY,
    ),
    ("prod_all", lambda a: a.prod(), lambda T, a: a.prod(), [(2, 3)], ANY),
    ("prod_dim", lambda a: a.prod(dim=1), lambda T, a: a.prod(1), [(2, 3)], ANY),
    ("max_all", lambda a: a.max(), lambda T, a: a.max(), [(2, 3)], ANY),
    ("min_all", lambda a: a.min(), lambda T, a: a.min(), [(2, 3)], ANY),
    ("max_dim", lambda a: a.max(dim=1).values, lambda T, a: a.max(dim=1).values, [(3, 4)], ANY),
    (
        "min_dim_keep",
        lambda a: a.min(0, keepdim=True)[0],
        lambda T, a: a.min(0, keepdim=True)[0],
        [(3, 4)],
        ANY,
    ),
    ("var", lambda a: a.var(), lambda T, a: a.var(), [(2, 3)], ANY),
    (
        "var_dim_biased",
        lambda a: a.var(dim=1, unbiased=False),
        lambda T, a: a.var(1, unbiased=False),
        [(2, 3)],
        ANY,
    ),
    (
        "var_correction",
        lambda a: a.var(0, correction=0, keepdim=True),
        lambda T, a: a.var(0, correction=0, keepdim=True),
        [(3, 2)],
        ANY,
    ),
    ("std", lambda a: a.std(), lambda T, a: a.std(), [(2, 3)], ANY),
    ("std_dim", lambda a: a.std(dim=0), lambda T, a: a.std(0), [(3, 2)], ANY),
    ("norm", lambda a: a.norm(), lambda T, a: a.norm(), [(2, 3)], ANY),
    ("norm_dim", lambda a: a.norm(dim=1), lambda T, a: a.norm(dim=1), [(2, 3)], ANY),
    ("norm_p1", lambda a: a.norm(p=1), lambda T, a: a.norm(p=1), [(2, 3)], ANY),
    (
        "norm_p3",
        lambda a: ag.norm(a, p=3, dim=0),
        lambda T, a: T.linalg.vector_norm(a, 3, dim=0),
        [(2, 3)],
        ANY,
    ),
    ("logsumexp", lambda a: a.logsumexp(dim=1), lambda T, a: a.logsumexp(1), [(2, 3)], ANY),
    (
        "logsumexp_all",
        lambda a: a.logsumexp(dim=(0, 1)),
        lambda T, a: a.logsumexp((0, 1)),
        [(2, 3)],
        ANY,
    ),
    ("softmax", lambda a: a.softmax(dim=1), lambda T, a: a.softmax(1), [(2, 3)], ANY),
    ("softmax0", lambda a: ag.softmax(a, dim=0), lambda T, a: a.softmax(0), [(2, 3)], ANY),
    ("log_softmax", lambda a: a.log_softmax(dim=-1), lambda T, a: a.log_softmax(-1), [(2, 3)], ANY),
    ("reshape", lambda a: a.reshape(3, 2) * 1.5, lambda T, a: a.reshape(3, 2) * 1.5, [(2, 3)], ANY),
    ("view_infer", lambda a: a.view(-1), lambda T, a: a.view(-1), [(2, 3)], ANY),
    ("flatten", lambda a: a.flatten(1), lambda T, a: a.flatten(1), [(2, 3, 2)], ANY),
    ("squeeze", lambda a: a.squeeze(), lambda T, a: a.squeeze(), [(2, 1, 3)], ANY),
    ("squeeze_dim", lambda a: a.squeeze(1), lambda T, a: a.squeeze(1), [(2, 1, 3)], ANY),
    ("unsqueeze", lambda a: a.unsqueeze(-1), lambda T, a: a.unsqueeze(-1), [(2, 3)], ANY),
    ("transpose", lambda a: a.transpose(0, 2), lambda T, a: a.transpose(0, 2), [(2, 3, 4)], ANY),
    ("t", lambda a: a.t(), lambda T, a: a.t(), [(2, 3)], ANY),
    ("T", lambda a: a.T, lambda T, a: a.T, [(2, 3)], ANY),
    ("permute", lambda a: a.permute(2, 0, 1), lambda T, a: a.permute(2, 0, 1), [(2, 3, 4)], ANY),
    ("expand", lambda a: a.expand(4, 2, 3), lambda T, a: a.expand(4, 2, 3), [(2, 1)], ANY),
    ("expand_keep", lambda a: a.expand(-1, 3) * 2, lambda T, a: a.expand(-1, 3) * 2, [(2, 1)], ANY),
    (
        "broadcast_to",
        lambda a: ag.broadcast_to(a, (3, 2, 3)),
        lambda T, a: T.broadcast_to(a, (3, 2, 3)),
        [(3,)],
        ANY,
    ),
    (
        "cat",
        lambda a, b: ag.cat([a, b], dim=1),
        lambda T, a, b: T.cat([a, b], 1),
        [(2, 3), (2, 2)],
        ANY,
    ),
    ("cat_same", lambda a: ag.cat([a, a * 2]), lambda T, a: T.cat([a, a * 2]), [(2, 3)], ANY),
    (
        "stack",
        lambda a, b: ag.stack([a, b], dim=-1),
        lambda T, a, b: T.stack([a, b], -1),
        [(2, 3), (2, 3)],
        ANY,
    ),
    ("index_int", lambda a: a[1], lambda T, a: a[1], [(3, 4)], ANY),
    ("index_neg", lambda a: a[-1, -2], lambda T, a: a[-1, -2], [(3, 4)], ANY),
    ("slice", lambda a: a[:, 1:], lambda T, a: a[:, 1:], [(3, 4)], ANY),
    ("slice_step", lambda a: a[::2, 1::2], lambda T, a: a[::2, 1::2], [(5, 4)], ANY),
    ("index_none_ellipsis", lambda a: a[None, ..., 0], lambda T, a: a[None, ..., 0], [(3, 4)], ANY),
    ("index_array", lambda a: a[[0, 2, 0]], lambda T, a: a[[0, 2, 0]], [(3, 4)], ANY),
    (
        "index_array2",
        lambda a: a[:, ag.tensor([1, 1, 3])],
        lambda T, a: a[:, T.tensor([1, 1, 3])],
        [(3, 4)],
        ANY,
    ),
    ("index_bool", lambda a: a[a > 0], lambda T, a: a[a > 0], [(3, 4)], ANY),
    ("dot", F("dot"), lambda T, a, b: T.dot(a, b), [(4,), (4,)], ANY),
    ("outer", F("outer"), lambda T, a, b: T.outer(a, b), [(3,), (4,)], ANY),
    ("trace", F("trace"), lambda T, a: a.trace(), [(3, 4)], ANY),
    ("mm", F("mm"), lambda T, a, b: T.mm(a, b), [(2, 3), (3, 2)], ANY),
    (
        "mse_loss",
        F("mse_loss"),
        lambda T, a, b: T.nn.functional.mse_loss(a, b),
        [(2, 3), (2, 3)],
        ANY,
    ),
    (
        "mse_loss_sum",
        lambda a, b: ag.mse_loss(a, b, reduction="sum"),
        lambda T, a, b: T.nn.functional.mse_loss(a, b, reduction="sum"),
        [(2, 3), (2, 3)],
        ANY,
    ),
    (
        "mse_loss_none",
        lambda a, b: ag.mse_loss(a, b, reduction="none"),
        lambda T, a, b: T.nn.functional.mse_loss(a, b, reduction="none"),
        [(2, 3), (2, 3)],
        ANY,
    ),
    ("l1_loss", F("l1_loss"), lambda T, a, b: T.nn.functional.l1_loss(a, b), [(2, 3), (2, 3)], ANY),
    (
        "bce",
        F("binary_cross_entropy"),
        lambda T, a, b: T.nn.functional.binary_cross_entropy(a, b),
        [(2, 3), (2, 3)],
        UNIT,
    ),
    (
        "bce_sum",
        lambda a, b: ag.binary_cross_entropy(a, b, reduction="sum"),
        lambda T, a, b: T.nn.functional.binary_cross_entropy(a, b, reduction="sum"),
        [(4,), (4,)],
        UNIT,
    ),
    (
        "cross_entropy",
        lambda a: ag.cross_entropy(a, ag.tensor([0, 2, 1])),
        lambda T, a: T.nn.functional.cross_entropy(a, T.tensor([0, 2, 1])),
        [(3, 4)],
        ANY,
    ),
    (
        "cross_entropy_sum",
        lambda a: ag.cross_entropy(a, ag.tensor([3, 2, 1]), reduction="sum"),
        lambda T, a: T.nn.functional.cross_entropy(a, T.tensor([3, 2, 1]), reduction="sum"),
        [(3, 4)],
        ANY,
    ),
    (
        "cross_entropy_none",
        lambda a: ag.cross_entropy(a, ag.tensor([3, 2, 1]), reduction="none"),
        lambda T, a: T.nn.functional.cross_entropy(a, T.tensor([3, 2, 1]), reduction="none"),
        [(3, 4)],
        ANY,
    ),
    (
        "cross_entropy_probs",
        lambda a, b: ag.cross_entropy(a, b.softmax(dim=1)),
        lambda T, a, b: T.nn.functional.cross_entropy(a, b.softmax(1)),
        [(3, 4), (3, 4)],
        ANY,
    ),
    (
        "cross_entropy_1d",
        lambda a: ag.cross_entropy(a, 2),
        lambda T, a: T.nn.functional.cross_entropy(a, T.tensor(2)),
        [(4,)],
        ANY,
    ),
    ("clone", F("clone"), lambda T, a: a.clone(), [(2, 3)], ANY),
    # piecewise constant: zero gradient (inputs are drawn away from the jumps)
    ("sign", F("sign"), lambda T, a: a.sign(), [(2, 3)], ANY),
    ("floor", F("floor"), lambda T, a: T.floor(a), [(2, 3)], ANY),
    ("ceil", lambda a: a.ceil(), lambda T, a: a.ceil(), [(2, 3)], ANY),
    ("trunc", F("trunc"), lambda T, a: T.trunc(a), [(2, 3)], ANY),
    ("round", lambda a: a.round(), lambda T, a: a.round(), [(2, 3)], ANY),
    (
        "round_decimals",
        lambda a: ag.round(a * 10, decimals=-1),
        lambda T, a: T.round(a * 10, decimals=-1),
        [(2, 3)],
        ANY,
    ),
    ("square", F("square"), lambda T, a: T.square(a), [(2, 3)], ANY),
    ("remainder_scalar", lambda a: a % 2, lambda T, a: a % 2, [(2, 3)], ANY),
    ("remainder_neg", lambda a: a.remainder(-0.7), lambda T, a: a.remainder(-0.7), [(2, 3)], ANY),
    ("remainder_tensor", lambda a, b: a % b, lambda T, a, b: a % b, [(2, 3), (3,)], POS),
    ("fmod_scalar", lambda a: a.fmod(0.7), lambda T, a: T.fmod(a, 0.7), [(2, 3)], ANY),
    ("fmod_tensor", F("fmod"), lambda T, a, b: T.fmod(a, b), [(2, 3), (2, 1)], POS),
    ("cumsum", lambda a: a.cumsum(1), lambda T, a: a.cumsum(1), [(2, 3)], ANY),
    ("cumsum_neg", lambda a: ag.cumsum(a, dim=-3), lambda T, a: T.cumsum(a, -3), [(3, 2, 2)], ANY),
    ("repeat", lambda a: a.repeat(2, 1, 3), lambda T, a: a.repeat(2, 1, 3), [(2, 3)], ANY),
    (
        "masked_fill",
        lambda a: a.masked_fill(a > 0.5, 0.25),
        lambda T, a: a.masked_fill(a > 0.5, 0.25),
        [(2, 3)],
        ANY,
    ),
    (
        "masked_fill_bcast",
        lambda a: a.masked_fill(ag.tensor([[True, False, True], [False, False, True]]), -1.0),
        lambda T, a: a.masked_fill(T.tensor([[True, False, True], [False, False, True]]), -1.0),
        [(3,)],
        ANY,
    ),
    (
        "addmm",
        lambda c, a, b: ag.addmm(c, a, b, beta=0.5, alpha=2.0),
        lambda T, c, a, b: T.addmm(c, a, b, beta=0.5, alpha=2.0),
        [(3,), (2, 4), (4, 3)],
        ANY,
    ),
    ("linear", F("linear"), lambda T, *a: T.nn.functional.linear(*a), [(4, 3), (2, 3), (2,)], ANY),
    ("linear_nobias", F("linear"), lambda T, *a: T.nn.functional.linear(*a), [(4, 3), (2, 3)], ANY),
    ("linear_1d", F("linear"), lambda T, *a: T.nn.functional.linear(*a), [(3,), (2, 3), (2,)], ANY),
    (
        "linear_1d_nobias",
        F("linear"),
        lambda T, *a: T.nn.functional.linear(*a),
        [(3,), (2, 3)],
        ANY,
    ),
    (
        "linear_3d",
        F("linear"),
        lambda T, *a: T.nn.functional.linear(*a),
        [(2, 4, 3), (2, 3), (2,)],
        ANY,
    ),
    (
        "linear_3d_nobias",
        F("linear"),
        lambda T, *a: T.nn.functional.linear(*a),
        [(2, 4, 3), (2, 3)],
        ANY,
    ),
    *[
        (
            f"einsum[{eq}]",
            functools.partial(ag.einsum, eq),
            functools.partial(_torch_einsum, eq),
            shapes,
            ANY,
        )
        for eq, shapes in [
            ("ij,jk->ik", [(2, 3), (3, 4)]),
            ("ij,kj", [(2, 3), (4, 3)]),
            ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]),
            ("ii->i", [(3, 3)]),
            ("ii", [(3, 3)]),
            ("iij->ji", [(3, 3, 2)]),
            ("ij->", [(2, 3)]),
            ("ij->j", [(2, 3)]),
            ("ijk->kij", [(2, 3, 4)]),
            ("ba", [(2, 3)]),
            ("i,j->ij", [(3,), (4,)]),
            ("i,i->", [(3,), (3,)]),
            ("ij,ij->ij", [(2, 3), (2, 3)]),
            ("ij,k->i", [(2, 3), (4,)]),
            ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
            ("i,i,i->i", [(3,), (3,), (3,)]),
            ("ii,i->i", [(3, 3), (3,)]),
            ("...ij,...jk->...ik", [(2, 1, 2, 3), (3, 3, 4)]),
            ("ij,jk->ik", [(2, 1), (3, 4)]),
            ("bi , bi -> b", [(4, 3), (1, 3)]),
        ]
    ],
]

IDS = [c[0] for c in CASES]


def _numeric_grads(fn, arrays, weights, eps=1e-6):
    """Central differences of sum(fn(*arrays) * weights) with respect to every input."""
    grads = []
    for a in arrays:
        g = np.zeros_like(a)
        flat = a.reshape(-1)
        for j in range(flat.size):
            saved = flat[j]
            values = []
            for step in (eps, -eps):
                flat[j] = saved + step
                with ag.no_grad():
                    out = fn(*[ag.tensor(x) for x in arrays])
                values.append(float(np.sum(out.data * weights)))
            flat[j] = saved
            g.reshape(-1)[j] = (values[0] - values[1]) / (2 * eps)
        grads.append(g)
    return grads


def _analytic(fn, arrays, weights):
    leaves = [ag.tensor(a, requires_grad=True) for a in arrays]
    out = fn(*leaves)
    out.backward(ag.tensor(weights))
    return out, [leaf.grad.data for leaf in leaves]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_rule_matches_finite_differences(case, rng):
    _, fn, _, shapes, domain = case
    arrays = [_draw(rng, s, domain) for s in shapes]
    with ag.no_grad():
        out_shape = fn(*[ag.tensor(a) for a in arrays]).shape
    weights = rng.normal(size=out_shape)
    _, analytic = _analytic(fn, arrays, weights)
    numeric = _numeric_grads(fn, arrays, weights)
    for a, n in zip(analytic, numeric):
        np.testing.assert_allclose(a, n, rtol=1e-6, atol=1e-7)


@pytest.mark.torch
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_rule_matches_torch(case, rng, torch_module):
    T = torch_module
    _, fn, tfn, shapes, domain = case
    arrays = [_draw(rng, s, domain) for s in shapes]
    with ag.no_grad():
        out_shape = fn(*[ag.tensor(a) for a in arrays]).shape
    weights = rng.normal(size=out_shape)
    out, grads = _analytic(fn, arrays, weights)
    tleaves = [T.tensor(a, dtype=T.float64, requires_grad=True) for a in arrays]
    tout = tfn(T, *tleaves)
    tout.backward(T.tensor(weights))
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-12, atol=1e-12)
    assert out.grad_fn.name == type(tout.grad_fn).__name__
    for g, tl in zip(grads, tleaves):
        np.testing.assert_allclose(g, tl.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.torch
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_second_derivatives_match_torch(case, rng, torch_module):
    """create_graph=True: the gradient of (gradient . v) matches PyTorch's double backward."""
    T = torch_module
    name, fn, tfn, shapes, domain = case
    arrays = [_draw(rng, s, domain) for s in shapes]
    with ag.no_grad():
        out_shape = fn(*[ag.tensor(a) for a in arrays]).shape
    weights = rng.normal(size=out_shape)
    probes = [rng.normal(size=s) for s in shapes]

    leaves = [ag.tensor(a, requires_grad=True) for a in arrays]
    firsts = ag.grad([fn(*leaves)], leaves, [ag.tensor(weights)], create_graph=True)
    total = sum(((g * ag.tensor(p)).sum() for g, p in zip(firsts, probes)), ag.tensor(0.0))

    tleaves = [T.tensor(a, dtype=T.float64, requires_grad=True) for a in arrays]
    tfirsts = T.autograd.grad([tfn(T, *tleaves)], tleaves, [T.tensor(weights)], create_graph=True)
    ttotal = sum((g * T.tensor(p)).sum() for g, p in zip(tfirsts, probes))
    np.testing.assert_allclose(total.item(), ttotal.item(), rtol=1e-10, atol=1e-12)
    if not ttotal.requires_grad:
        assert not total.requires_grad or np.allclose(
            [g.data for g in ag.grad([total], leaves, allow_unused=True) if g is not None], 0
        )
        return
    tsecond = T.autograd.grad([ttotal], tleaves, allow_unused=True)
    second = (
        ag.grad([total], leaves, allow_unused=True) if total.requires_grad else [None] * len(leaves)
    )
    for s, ts, shape in zip(second, tsecond, shapes):
        expected = np.zeros(shape) if ts is None else ts.detach().numpy(force=True)
        got = np.zeros(shape) if s is None else s.data
        np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-10, err_msg=name)


# ---- only some inputs require grad (PyTorch's needs_input_grad) -------------------------------
# A rule computes and saves only what the inputs that need a gradient read, so every
# multi-input case is rerun with each single input as the only one requiring grad.

PARTIAL = [(c, i) for c in CASES for i in range(len(c[3])) if len(c[3]) > 1]
PARTIAL_IDS = [f"{c[0]}-only{i}" for c, i in PARTIAL]


def _partial_analytic(fn, arrays, weights, which):
    leaves = [ag.tensor(a, requires_grad=(j == which)) for j, a in enumerate(arrays)]
    out = fn(*leaves)
    out.backward(ag.tensor(weights))
    for j, leaf in enumerate(leaves):
        assert (leaf.grad is None) == (j != which)
    return out, leaves[which].grad.data


@pytest.mark.parametrize(("case", "which"), PARTIAL, ids=PARTIAL_IDS)
def test_rule_with_one_input_requiring_grad_matches_finite_differences(case, which, rng):
    _, fn, _, shapes, domain = case
    arrays = [_draw(rng, s, domain) for s in shapes]
    with ag.no_grad():
        out_shape = fn(*[ag.tensor(a) for a in arrays]).shape
    weights = rng.normal(size=out_shape)
    _, analytic = _partial_analytic(fn, arrays, weights, which)
    numeric = _numeric_grads(fn, arrays, weights)[which]
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-7)


@pytest.mark.torch
@pytest.mark.parametrize(("case", "which"), PARTIAL, ids=PARTIAL_IDS)
def test_rule_with_one_input_requiring_grad_matches_torch(case, which, rng, torch_module):
    """First and second derivatives when the other inputs are constants."""
    T = torch_module
    name, fn, tfn, shapes, domain = case
    arrays = [_draw(rng, s, domain) for s in shapes]
    with ag.no_grad():
        out_shape = fn(*[ag.tensor(a) for a in arrays]).shape
    weights = rng.normal(size=out_shape)
    _, grad = _partial_analytic(fn, arrays, weights, which)
    tleaves = [
        T.tensor(a, dtype=T.float64, requires_grad=(j == which)) for j, a in enumerate(arrays)
    ]
    tout = tfn(T, *tleaves)
    tout.backward(T.tensor(weights))
    np.testing.assert_allclose(grad, tleaves[which].grad.numpy(), rtol=1e-10, atol=1e-12)

    probe = rng.normal(size=shapes[which])
    leaves = [ag.tensor(a, requires_grad=(j == which)) for j, a in enumerate(arrays)]
    (first,) = ag.grad([fn(*leaves)], [leaves[which]], [ag.tensor(weights)], create_graph=True)
    tleaves = [
        T.tensor(a, dtype=T.float64, requires_grad=(j == which)) for j, a in enumerate(arrays)
    ]
    (tfirst,) = T.autograd.grad(
        [tfn(T, *tleaves)], [tleaves[which]], [T.tensor(weights)], create_graph=True
    )
    np.testing.assert_allclose(first.data, tfirst.detach().numpy(), rtol=1e-10, atol=1e-12)
    total = (first * ag.tensor(probe)).sum()
    ttotal = (tfirst * T.tensor(probe)).sum()
    if not ttotal.requires_grad:
        return
    (tsecond,) = T.autograd.grad([ttotal], [tleaves[which]], allow_unused=True)
    if total.requires_grad:
        (second,) = ag.grad([total], [leaves[which]], allow_unused=True)
    else:
        second = None
    expected = np.zeros(shapes[which]) if tsecond is None else tsecond.detach().numpy(force=True)
    got = np.zeros(shapes[which]) if second is None else second.data
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-10, err_msg=name)


@pytest.mark.parametrize(
    ("build", "saved"),
    [
        (lambda x, c: x * c, (None, "c")),
        (lambda x, c: c * x, ("c", None)),
        (lambda x, c: x * 2.0, (None, 2.0)),
        (lambda x, c: x * x, ("x", "x")),
        (lambda x, c: x / c, (None, "c")),
        (lambda x, c: c / x, ("c", "x")),
        (lambda x, c: x @ c, (None, "c")),
        (lambda x, c: c @ x, ("c", None)),
    ],
)
def test_rules_save_only_what_the_needed_gradients_read(build, saved):
    x = ag.ones(2, 2, requires_grad=True)
    c = ag.full((2, 2), 3.0)
    node = build(x, c).grad_fn
    names = {"x": x, "c": c}
    expected = tuple(names.get(s, s) if isinstance(s, str) else s for s in saved)
    assert len(node.saved_inputs) == len(expected)
    for got, want in zip(node.saved_inputs, expected):
        assert got is want if isinstance(want, ag.Tensor | type(None)) else got == want


def test_pow_saves_its_result_only_for_the_exponent_gradient():
    x = ag.tensor([1.5, 2.0], requires_grad=True)
    assert (x**3.0).grad_fn.saved_output is None
    assert (2.0**x).grad_fn.saved_output is not None
    e = ag.tensor([1.0, 2.0])
    assert (x**e).grad_fn.saved_output is None
    assert (e**x).grad_fn.saved_output is not None
