"""Forward computations with the values PyTorch 2.13 computes on the CPU (float32 and float64).

Reductions replay torch's summation orders exactly (TensorIterator's dim order and threading,
SumKernel's cascade, binary_kernel_reduce_vec, Welford, the softmax and nll_loss kernels), so
``loss.item()`` of a float32 program prints torch's digits. Elementwise functions replay SLEEF's
vector code where torch runs it and otherwise use the numpy computation that agrees most often.

Assumptions, not detected at run time: x86-64 with ``torch.backends.cpu.get_cpu_capability()``
"AVX512" (sum/prod/norm kernels run at AVX2 width, 8 floats; elementwise and softmax kernels at
AVX512 width, 16 floats), MKL-enabled torch, ``torch.get_num_threads() == 2`` (``TORCH_THREADS``;
it changes results from 32768 elements on; every function takes ``threads=``), and arrays whose
strides are the torch tensor's strides.
"""

from gradcalc.autograd.numerics.activations import (
    elu,
    gelu,
    log_sigmoid,
    sigmoid,
    silu,
    softplus,
)
from gradcalc.autograd.numerics.driver import TORCH_THREADS
from gradcalc.autograd.numerics.elementwise import (
    UNARY,
    acos,
    acosh,
    asin,
    asinh,
    atan,
    atan2,
    atanh,
    cos,
    cosh,
    erf,
    erfc,
    exp,
    expm1,
    hypot,
    log,
    log1p,
    logaddexp,
    pow,  # noqa: A004
    reciprocal,
    rsqrt,
    sin,
    sinh,
    sqrt,
    tan,
    tanh,
    unary,
)
from gradcalc.autograd.numerics.losses import cross_entropy, mse_loss, nll_loss
from gradcalc.autograd.numerics.reductions import (
    cumulative_sum,
    logsumexp,
    normalize_axes,
    reduce_mean,
    reduce_prod,
    reduce_std,
    reduce_sum,
    reduce_var,
    vector_norm,
)
from gradcalc.autograd.numerics.softmax import log_softmax, softmax

__all__ = [
    "TORCH_THREADS",
    "UNARY",
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atan2",
    "atanh",
    "cos",
    "cosh",
    "cross_entropy",
    "cumulative_sum",
    "elu",
    "erf",
    "erfc",
    "exp",
    "expm1",
    "gelu",
    "hypot",
    "log",
    "log1p",
    "log_sigmoid",
    "log_softmax",
    "logaddexp",
    "logsumexp",
    "mse_loss",
    "nll_loss",
    "normalize_axes",
    "pow",
    "reciprocal",
    "reduce_mean",
    "reduce_prod",
    "reduce_std",
    "reduce_sum",
    "reduce_var",
    "rsqrt",
    "sigmoid",
    "silu",
    "sin",
    "sinh",
    "softmax",
    "softplus",
    "sqrt",
    "tan",
    "tanh",
    "unary",
    "vector_norm",
]
