"""Bad calls of the reduction, sorting and loss ops: PyTorch 2.13's exception type and text.

Each case is run on gradcalc and compared with the literal type and message copied from
torch 2.13; with torch installed, the literal is also checked against torch itself, so a
stale literal cannot pass.
"""

from __future__ import annotations

import warnings

import pytest
from op_spellings import LINALG, F

from gradcalc.autograd import torch as gtorch
from gradcalc.errors import GradcalcError


def _inputs(torch) -> dict:
    """The same fixed tensors on either side."""
    return {
        "torch": torch,
        "F": F,
        "LINALG": LINALG,
        "x": torch.tensor(
            [[0.5, -1.0, 2.0, 0.0], [1.5, 0.25, -0.75, 1.0], [-2.0, 0.1, 0.3, 0.7]],
            requires_grad=True,
        ),
        "y": torch.tensor([[0.2, 0.4, 0.6, 0.8]] * 3),
        "p": torch.tensor([[0.1, 0.5, 0.9, 0.3]] * 3),
        "i": torch.tensor([[1, 2], [3, 4]]),
        "e": torch.zeros(0, 3),
        "e2": torch.zeros(2, 0),
        "t": torch.tensor([0, 2, 1]),
        "v": torch.tensor([0.5, -1.0, 2.0, 0.0], requires_grad=True),
    }


RE, IE, TE, VE, NIE = "RuntimeError", "IndexError", "TypeError", "ValueError", "NotImplementedError"
INF = "float('inf')"

CASES = [
    # overloads (sum and mean over every element or over dim): PyTorch's parser lists them
    # when more than one takes that many arguments, else names the one overload's mistake
    (
        "sum_unknown_keyword",
        "x.sum(axs=1)",
        TE,
        "sum() received an invalid combination of arguments - got (axs=int, ), but expected one "
        "of:\n * (*, torch.dtype dtype = None)\n * (tuple of ints dim, bool keepdim = False, *, "
        "torch.dtype dtype = None)\n",
    ),
    (
        "sum_dim_unknown_keyword",
        "x.sum(1, axs=1)",
        TE,
        "sum() got an unexpected keyword argument 'axs'",
    ),
    (
        "sum_function_unknown_keyword",
        "torch.sum(x, 1, axs=0)",
        TE,
        "sum() got an unexpected keyword argument 'axs'",
    ),
    (
        "mean_str_dim",
        "x.mean('a')",
        TE,
        "mean() received an invalid combination of arguments - got (str), but expected one of:\n"
        " * (*, torch.dtype dtype = None)\n * (tuple of ints dim, bool keepdim = False, *, "
        "torch.dtype dtype = None)\n",
    ),
    (
        "mean_too_many",
        "x.mean(1, 2, 3)",
        TE,
        "mean() takes from 1 to 2 positional arguments but 3 were given",
    ),
    (
        "transpose_too_many",
        "x.transpose(1, 2, 3)",
        TE,
        "transpose() takes 2 positional arguments but 3 were given",
    ),
    # dtypes
    ("var_int", "i.var()", RE, "std and var only support floating point and complex dtypes"),
    ("std_int", "i.std(0)", RE, "std and var only support floating point and complex dtypes"),
    (
        "var_mean_int",
        "torch.var_mean(i)",
        RE,
        "var_mean only support floating point and complex dtypes",
    ),
    (
        "std_mean_int",
        "torch.std_mean(i, 1)",
        RE,
        "std_mean only support floating point and complex dtypes",
    ),
    (
        "mean_int",
        "i.mean()",
        RE,
        "mean(): could not infer output dtype. Input dtype must be either a floating point or "
        "complex dtype. Got: Long",
    ),
    (
        "nanmean_int",
        "i.nanmean()",
        RE,
        "nanmean(): expected input to have floating point or complex dtype but got Long",
    ),
    (
        "norm_int",
        "i.norm()",
        RE,
        "linalg.vector_norm: Expected a floating point or complex tensor as input. Got Long",
    ),
    (
        "vector_norm_int_dtype",
        "LINALG.vector_norm(x, dtype=torch.int64)",
        RE,
        "linalg.vector_norm: dtype should be floating point or complex, but got Long",
    ),
    ("softmax_int", "i.softmax(0)", NIE, "\"softmax_kernel_impl\" not implemented for 'Long'"),
    (
        "softmax_int_lastdim",
        "torch.softmax(i, 1)",
        NIE,
        "\"softmax_lastdim_kernel_impl\" not implemented for 'Long'",
    ),
    (
        "log_softmax_int",
        "F.log_softmax(i, 0)",
        NIE,
        "\"log_softmax_kernel_impl\" not implemented for 'Long'",
    ),
    (
        "dist_int",
        "torch.dist(i, i)",
        RE,
        "norm(): input dtype should be either floating point or complex. Got Long instead.",
    ),
    # required arguments and argument types
    (
        "logsumexp_no_dim",
        "torch.logsumexp(x)",
        TE,
        'logsumexp() missing 1 required positional arguments: "dim"',
    ),
    ("cumsum_no_dim", "x.cumsum()", TE, 'cumsum() missing 1 required positional arguments: "dim"'),
    (
        "cumsum_dim_none",
        "x.cumsum(dim=None)",
        TE,
        "cumsum(): argument 'dim' must be int, not NoneType",
    ),
    (
        "cummax_no_dim",
        "torch.cummax(x)",
        TE,
        'cummax() missing 1 required positional arguments: "dim"',
    ),
    (
        "softmax_no_dim",
        "x.softmax()",
        TE,
        'softmax() missing 1 required positional arguments: "dim"',
    ),
    ("argmax_tuple", "x.argmax(dim=(0, 1))", TE, "argmax(): argument 'dim' must be int, not tuple"),
    (
        "aminmax_tuple",
        "torch.aminmax(x, dim=(0,))",
        TE,
        "aminmax(): argument 'dim' must be int, not tuple",
    ),
    # dims
    (
        "max_dim_range",
        "x.max(2)",
        IE,
        "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
    ),
    ("amax_repeated", "x.amax((0, 0))", RE, "dim 0 appears multiple times in the list of dims"),
    (
        "count_nonzero_repeated",
        "torch.count_nonzero(x, (0, 0))",
        RE,
        "dim 0 appears multiple times in the list of dims",
    ),
    (
        "all_dim_range",
        "x.all(dim=5)",
        IE,
        "Dimension out of range (expected to be in range of [-2, 1], but got 5)",
    ),
    (
        "sort_dim_range",
        "x.sort(2)",
        IE,
        "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
    ),
    # empty tensors
    (
        "max_empty",
        "e.max()",
        RE,
        "max(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
        "reduction dim with the 'dim' argument.",
    ),
    ("max_empty_dim", "e.max(0)", IE, "max(): Expected reduction dim 0 to have non-zero size."),
    ("min_empty_dim", "e.min(0)", IE, "min(): Expected reduction dim 0 to have non-zero size."),
    (
        "amax_empty",
        "e.amax()",
        RE,
        "amax(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
        "reduction dim with the 'dim' argument.",
    ),
    ("amin_empty_dim", "e.amin(0)", IE, "amin(): Expected reduction dim 0 to have non-zero size."),
    # amax and vector_norm name the dim as written; the others normalise it
    (
        "amax_empty_negative_dim",
        "e.amax(-2)",
        IE,
        "amax(): Expected reduction dim -2 to have non-zero size.",
    ),
    (
        "amin_empty_dims",
        "e.amin((1, -2))",
        IE,
        "amin(): Expected reduction dim -2 to have non-zero size.",
    ),
    (
        "max_empty_negative_dim",
        "e.max(-2)",
        IE,
        "max(): Expected reduction dim 0 to have non-zero size.",
    ),
    (
        "kthvalue_empty_dim",
        "e.kthvalue(1, -2)",
        IE,
        "kthvalue(): Expected reduction dim 0 to have non-zero size.",
    ),
    (
        "argmax_empty",
        "e.argmax()",
        IE,
        "argmax(): Expected reduction dim to be specified for input.numel() == 0.",
    ),
    (
        "argmin_empty_dim",
        "e.argmin(0)",
        IE,
        "argmin(): Expected reduction dim 0 to have non-zero size.",
    ),
    (
        "aminmax_empty",
        "torch.aminmax(e)",
        RE,
        "aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
        "identity.",
    ),
    (
        "aminmax_empty_dim",
        "torch.aminmax(e2, dim=1)",
        IE,
        "aminmax: Expected reduction dim 1 to have non-zero size.",
    ),
    (
        "median_empty_dim",
        "e.median(0)",
        IE,
        "median(): Expected reduction dim 0 to have non-zero size.",
    ),
    (
        "nanmedian_empty_dim",
        "e2.nanmedian(1)",
        IE,
        "median(): Expected reduction dim 1 to have non-zero size.",
    ),
    ("mode_empty_dim", "e2.mode()", IE, "mode(): Expected reduction dim 1 to have non-zero size."),
    (
        "norm_inf_empty",
        f"e2.norm({INF})",
        RE,
        "linalg.vector_norm cannot compute the inf norm on an empty tensor because the "
        "operation does not have an identity",
    ),
    (
        "norm_minus_inf_empty_dim",
        "e2.norm(float('-inf'), dim=1)",
        RE,
        "linalg.vector_norm cannot compute the -inf norm on the dimension 1because this "
        "dimension is empty and the operation does not have an identity",
    ),
    (
        "norm_inf_empty_negative_dim",
        f"e.norm({INF}, -2)",
        RE,
        "linalg.vector_norm cannot compute the inf norm on the dimension -2because this "
        "dimension is empty and the operation does not have an identity",
    ),
    (
        "logsumexp_no_dims",
        "x.logsumexp(())",
        RE,
        "output with shape [] doesn't match the broadcast shape [1, 1]",
    ),
    (
        "dist_p0_backward_other",
        "torch.dist(torch.ones(4), v, 0).backward()",
        RE,
        "Expected a proper Tensor but got None (or an undefined Tensor in C++) for argument "
        "#0 'self'",
    ),
    # k out of range
    (
        "kthvalue_k",
        "x.kthvalue(5)",
        RE,
        "kthvalue(): selected number k out of range for dimension 1",
    ),
    (
        "kthvalue_k0",
        "x.kthvalue(0, 0)",
        RE,
        "kthvalue(): selected number k out of range for dimension 0",
    ),
    ("topk_k", "x.topk(5)", RE, "selected index k out of range"),
    ("topk_negative", "x.topk(-1)", RE, "selected index k out of range"),
    # norms
    ("norm_order", "x.norm(p='abc')", RE, "linalg.matrix_norm: Order abc not supported."),
    (
        "norm_nuc_dim",
        "x.norm(p='nuc', dim=1)",
        RE,
        "linalg.matrix_norm: dim must be a 2-tuple. Got 1",
    ),
    (
        "dist_shapes",
        "torch.dist(x, torch.ones(5))",
        RE,
        "The size of tensor a (4) must match the size of tensor b (5) at non-singleton dimension 1",
    ),
    # no derivative
    (
        "unique_backward",
        "torch.unique(x).sum().backward()",
        NIE,
        "the derivative for '_unique2' is not implemented.",
    ),
    (
        "unique_dim_backward",
        "x.unique(dim=0).sum().backward()",
        NIE,
        "the derivative for 'unique_dim' is not implemented.",
    ),
    # regression losses
    (
        "mse_shapes",
        "F.mse_loss(x, torch.ones(5))",
        RE,
        "The size of tensor a (4) must match the size of tensor b (5) at non-singleton dimension 1",
    ),
    (
        "mse_reduction",
        "F.mse_loss(x, y, reduction='avg')",
        VE,
        "avg is not a valid value for reduction",
    ),
    ("mse_int", "F.mse_loss(i, i)", NIE, "\"mse_cpu\" not implemented for 'Long'"),
    (
        "mse_weight_size",
        "F.mse_loss(x, y, weight=torch.ones(2))",
        VE,
        "Weights and input must have the same size.",
    ),
    (
        "mse_weight_reduction",
        "F.mse_loss(x, y, weight=torch.ones(3, 4), reduction='bad')",
        VE,
        "Invalid reduction mode: bad. Expected one of 'none', 'mean', 'sum'.",
    ),
    (
        "l1_int",
        "F.l1_loss(i, i)",
        RE,
        "mean(): could not infer output dtype. Input dtype must be either a floating point or "
        "complex dtype. Got: Long",
    ),
    (
        "smooth_l1_beta",
        "F.smooth_l1_loss(x, y, beta=-1.0)",
        RE,
        "smooth_l1_loss does not support negative values for beta.",
    ),
    (
        "huber_delta",
        "F.huber_loss(x, y, delta=0.0)",
        RE,
        "huber_loss does not support non-positive values for delta.",
    ),
    (
        "huber_reduction",
        "F.huber_loss(x, y, reduction='bad')",
        VE,
        "bad is not a valid value for reduction",
    ),
    # binary cross entropy
    (
        "bce_target_size",
        "F.binary_cross_entropy(p, p[:, :2])",
        VE,
        "Using a target size (torch.Size([3, 2])) that is different to the input size "
        "(torch.Size([3, 4])) is deprecated. Please ensure they have the same size.",
    ),
    (
        "bce_dtype",
        "F.binary_cross_entropy(p, y.double())",
        RE,
        "Found dtype Double but expected Float",
    ),
    (
        "bce_input_range",
        "F.binary_cross_entropy(x, y)",
        RE,
        "all elements of input should be between 0 and 1",
    ),
    (
        "bce_target_range",
        "F.binary_cross_entropy(p, y * 2)",
        RE,
        "all elements of target should be between 0 and 1",
    ),
    (
        "bce_weight_shape",
        "F.binary_cross_entropy(p, y, weight=torch.ones(2))",
        RE,
        "Attempting to broadcast a dimension of length 2 at -1! Mismatching argument at index "
        "1 had torch.Size([2]); but expected shape should be broadcastable to [3, 4]",
    ),
    (
        "bce_weight_grad",
        "F.binary_cross_entropy(p, y, weight=torch.ones(4, requires_grad=True))",
        RE,
        "The function 'binary_cross_entropy' is not differentiable with respect to argument "
        "'weight'. This input cannot have requires_grad True.",
    ),
    (
        "bce_logits_size",
        "F.binary_cross_entropy_with_logits(x, p[:, :2])",
        VE,
        "Target size (torch.Size([3, 2])) must be the same as input size (torch.Size([3, 4]))",
    ),
    (
        "bce_logits_pos_weight_shape",
        "F.binary_cross_entropy_with_logits(x, p, pos_weight=torch.ones(3))",
        RE,
        "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1",
    ),
    (
        "bce_logits_pos_weight_grad",
        "F.binary_cross_entropy_with_logits(x, p, pos_weight=torch.ones(4, requires_grad=True))",
        RE,
        "The function 'binary_cross_entropy_with_logits' is not differentiable with respect to "
        "argument 'pos_weight'. This input cannot have requires_grad True.",
    ),
    (
        "bce_logits_long_target",
        "F.binary_cross_entropy_with_logits(p[0, :2], t[:2])",
        RE,
        "result type Float can't be cast to the desired output type Long",
    ),
    # cross entropy and nll_loss
    (
        "ce_target_bounds",
        "F.cross_entropy(x, torch.tensor([0, 4, 1]))",
        IE,
        "Target 4 is out of bounds.",
    ),
    (
        "ce_target_negative",
        "F.cross_entropy(x, torch.tensor([0, -1, 1]))",
        IE,
        "Target -1 is out of bounds.",
    ),
    (
        "ce_batch",
        "F.cross_entropy(x, torch.tensor([0, 1]))",
        VE,
        "Expected input batch_size (3) to match target batch_size (2).",
    ),
    (
        "ce_float_target",
        "F.cross_entropy(x, torch.tensor([0.0, 1.0, 2.0]))",
        RE,
        "expected target dtype to be Long or Byte, but got Float",
    ),
    (
        "ce_int32_target",
        "F.cross_entropy(x, t.int())",
        RE,
        "expected target dtype to be Long or Byte, but got Int",
    ),
    (
        "ce_weight_size",
        "F.cross_entropy(x, t, weight=torch.ones(3))",
        RE,
        "weight tensor should be defined either for all 4 classes or no classes but got weight "
        "tensor of shape: [3]",
    ),
    (
        "ce_weight_grad",
        "F.cross_entropy(x, t, weight=torch.ones(4, requires_grad=True))",
        RE,
        "The function 'nll_loss_forward' is not differentiable with respect to argument "
        "'weight'. This input cannot have requires_grad True.",
    ),
    (
        "ce_label_smoothing",
        "F.cross_entropy(x, t, label_smoothing=1.5)",
        RE,
        "label_smoothing must be between 0.0 and 1.0. Got: 1.5",
    ),
    (
        "ce_0d",
        "F.cross_entropy(torch.tensor(1.0), torch.tensor(1))",
        RE,
        "Expected floating point type for target with class probabilities, got Long",
    ),
    (
        "ce_probs_ignore_index",
        "F.cross_entropy(x, p, ignore_index=1)",
        RE,
        "ignore_index is not supported for floating point target",
    ),
    (
        "ce_probs_weight",
        "F.cross_entropy(x, p, weight=torch.ones(3))",
        RE,
        "cross_entropy: weight tensor should be defined either for all 4 classes or no classes "
        "but got weight tensor of shape: [3]",
    ),
    (
        "ce_reduction",
        "F.cross_entropy(x, t, reduction='bad')",
        VE,
        "bad is not a valid value for reduction",
    ),
    (
        "nll_0d",
        "F.nll_loss(torch.tensor(1.0), torch.tensor(0))",
        VE,
        "Expected 1 or more dimensions (got 0)",
    ),
    (
        "nll_multi_target",
        "F.nll_loss(x, torch.zeros(3, 2, dtype=torch.int64))",
        RE,
        "0D or 1D target tensor expected, multi-target not supported",
    ),
    (
        "nll_1d_target_size",
        "F.nll_loss(v, torch.tensor([1, 2]))",
        VE,
        "For 1D input, 1D target must have size 1, but got target size: 2",
    ),
    (
        "nll_1d_target_backward",
        "F.nll_loss(v, torch.tensor([1])).backward()",
        RE,
        "size mismatch (got input: [4], target: [1])",
    ),
    (
        "nll_weight_dtype",
        "F.nll_loss(x.double(), t, weight=torch.ones(4))",
        RE,
        "expected scalar type Double but found Float",
    ),
    (
        "nll_2d_target_dims",
        "F.nll_loss(torch.zeros(2, 3, 4, 5), torch.zeros(2, 4, dtype=torch.int64))",
        RE,
        "only batches of spatial targets supported (3D tensors) but got targets of dimension: 2",
    ),
    (
        "nll_2d_size",
        "F.nll_loss(torch.zeros(2, 3, 4, 5), torch.zeros(2, 4, 6, dtype=torch.int64))",
        RE,
        "size mismatch (got input: [2, 3, 4, 5] , target: [2, 4, 6]",
    ),
    (
        "nll_2d_weight",
        "F.nll_loss(torch.zeros(2, 3, 4, 5), torch.zeros(2, 4, 5, dtype=torch.int64), "
        "weight=torch.ones(2))",
        RE,
        "weight tensor should be defined either for all or no classes",
    ),
    (
        "nll_3d_target",
        "F.nll_loss(torch.zeros(2, 3, 4), torch.zeros(2, 5, dtype=torch.int64))",
        RE,
        "Expected target size [2, 4], got [2, 5]",
    ),
    (
        "nll_2d_bounds",
        "F.nll_loss(torch.zeros(1, 3, 1, 2), torch.tensor([[[0, 9]]]))",
        IE,
        "Target 9 is out of bounds.",
    ),
    # other losses
    (
        "kl_div_int",
        "F.kl_div(v, torch.tensor([1, 2, 3, 4]))",
        RE,
        "kl_div: Integral inputs not supported.",
    ),
    (
        "kl_div_reduction",
        "F.kl_div(x, y, reduction='bad')",
        VE,
        "bad is not a valid value for reduction",
    ),
    (
        "cosine_int",
        "F.cosine_similarity(i, i)",
        RE,
        "expected common dtype to be floating point, yet common dtype is Long",
    ),
    (
        "cosine_shapes",
        "F.cosine_similarity(x, torch.ones(5, 4))",
        RE,
        "The size of tensor a (3) must match the size of tensor b (5) at non-singleton dimension 0",
    ),
    (
        "cosine_dim",
        "F.cosine_similarity(x, y, dim=2)",
        IE,
        "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
    ),
    (
        "normalize_dim",
        "F.normalize(x, dim=2)",
        IE,
        "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
    ),
    (
        "margin_ranking_dims",
        "F.margin_ranking_loss(x, y, torch.ones(5))",
        RE,
        "margin_ranking_loss : All input tensors should have same dimension but got sizes: "
        "input1: torch.Size([3, 4]), input2: torch.Size([3, 4]), target: torch.Size([5]) ",
    ),
    (
        "one_hot_float",
        "F.one_hot(torch.tensor([0.0, 1.0]))",
        RE,
        "one_hot is only applicable to index tensor of type LongTensor.",
    ),
    (
        "one_hot_big",
        "F.one_hot(torch.tensor([0, 3]), 3)",
        RE,
        "Class values must be smaller than num_classes.",
    ),
    (
        "one_hot_negative",
        "F.one_hot(torch.tensor([0, -1]))",
        RE,
        "Class values must be non-negative.",
    ),
    (
        "one_hot_empty",
        "F.one_hot(torch.zeros(0, dtype=torch.int64))",
        RE,
        "Can not infer total number of classes from empty tensor.",
    ),
]
IDS = [c[0] for c in CASES]


def _run(torch, expression: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return eval(expression, _inputs(torch))  # noqa: S307 - the fixed expressions above


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_gradcalc_raises_pytorchs_error(case):
    _, expression, kind, message = case
    with pytest.raises(GradcalcError) as caught:
        _run(gtorch, expression)
    assert (caught.value.kind, caught.value.message) == (kind, message)


@pytest.mark.torch
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_literal_is_what_torch_raises(case, torch_module):
    _, expression, kind, message = case
    with pytest.raises(Exception) as caught:
        _run(torch_module, expression)
    assert (type(caught.value).__name__, str(caught.value)) == (kind, message)


def test_a_call_is_summarised_as_pytorch_summarises_it():
    """Keywords come last one first, and each is followed by ", " when no argument was given
    by position: torch 2.13 says ``got (Tensor, b=int, a=int)`` for ``torch.max(x, a=0,
    b=1)`` and ``got (axs=int, input=Tensor, )`` for ``torch.mean(input=x, axs=0)``."""
    from gradcalc.autograd.schema import call_summary

    x = gtorch.ones(2)
    assert call_summary((x,), {"a": 0, "b": 1}) == "(Tensor, b=int, a=int)"
    assert call_summary((), {"input": x, "axs": 0}) == "(axs=int, input=Tensor, )"
    assert call_summary((x,), {"axs": 0}, method=True) == "(axs=int, )"
    assert call_summary((x,), {}, method=True) == "()"
