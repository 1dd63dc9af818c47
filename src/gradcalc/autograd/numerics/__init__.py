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

Bit for bit with torch (float32 and float64, any layout, keepdim, threads): ``reduce_sum``,
``reduce_mean``, ``reduce_prod``, ``cumulative_sum``, ``reduce_var``/``reduce_std`` (full
reductions; over dims Welford is replayed for float64 and rounded from float64 for float32),
``vector_norm`` (float32; float64 p=2 over short contiguous rows differs in the last bit: torch's
tail uses FMAs numpy cannot form in float64), ``softmax``/``log_softmax`` (float32; along a
non-last dim the C library's expf on tail positions misses 1 value in ~5000), ``nll_loss``,
``cross_entropy``, ``mse_loss``. ``logsumexp`` inherits exp's and log's rates below.

Elementwise float32 agreement with torch 2.13 (bench/bench_numerics.py agreement): share of
equal elements on 200,000 random values (half uniform in [-10, 10], half of magnitude
e**-20..e**6, both signs, clipped to the domain), on integers -10..10, linspace(-pi, pi, 2000)
and torch.randn(1000) (seed 0), and on the random values through a stride-2 view.

==========  ======  ======  =========  ======  =======  ======================================
function    random  ints    linspace   randn   strided  computed as
==========  ======  ======  =========  ======  =======  ======================================
exp         98.69   100     98.90      99.40   98.68    float64, rounded (torch: MKL VML HA)
log         99.98   100     100        100     99.99    float64, rounded (MKL)
log1p       100     100     100        100     100      SLEEF log1pf replayed
expm1       100     100     100        100     100      SLEEF expm1f replayed
sqrt        99.29   100     99.00      99.40   99.30    np.sqrt (MKL's is not correctly rounded)
rsqrt       100     100     100        100     100      1 / sqrt
sin         96.79   100     95.70      95.10   96.66    float64, rounded (MKL)
cos         95.74   90.48   96.20      93.70   95.78    float64, rounded (MKL)
tan         99.61   100     99.30      99.40   99.60    float64, rounded (MKL)
tanh        99.67   100     99.20      98.90   99.69    float64, rounded (MKL)
sigmoid     100     100     100        100     99.99    SLEEF expf replayed / C library tail
erf         97.62   100     96.90      98.00   97.48    fdlibm erf in float64, rounded (MKL)
erfc        93.87   100     95.25      91.70   93.79    fdlibm erfc in float64, rounded (MKL)
atan        99.99   100     99.90      99.90   100      float64, rounded (MKL)
asin        98.43   100     98.50      96.00   98.42    float64, rounded (MKL)
acos        97.93   100     97.35      93.90   98.07    float64, rounded (MKL)
sinh        100     90.48   99.90      100     94.16    SLEEF / glibc sinhf formula
cosh        100     100     100        100     99.94    SLEEF / glibc coshf formula
asinh       98.62   100     94.60      90.40   98.65    glibc asinhf formula
acosh       98.83   100     96.50      93.20   98.81    glibc acoshf formula
atanh       100     100     100        100     88.64    SLEEF / float64, rounded
reciprocal  100     100     100        100     100      1 / x
x**2, x**3  100     100     100        100     100      x*x, x*x*x (torch's special cases)
x**-1, -2   100     100     100        100     100      1/x, 1/(x*x)
x**0.5      99.33   100     99.00      99.40   99.39    sqrt (torch calls its sqrt)
x**2.5      100     100     100        100     100      SLEEF powf replayed / C library tail
pow(x, y)   100     100     100        100     --       SLEEF powf replayed / C library tail
atan2       100     100     100        100     --       SLEEF atan2f replayed
hypot       100     100     100        100     --       SLEEF hypotf replayed
logaddexp   100     100     100        99.90   --       SLEEF exp and log1p replayed
softplus    100     90.48   100        99.90   96.94    SLEEF / C library (log1pf ~1 ulp)
gelu        82.85   71.43   62.70      80.70   99.52    erf formula (torch: oneDNN JIT kernel)
gelu tanh   100     100     100        99.90   97.67    SLEEF tanhf + GCC's FMA contraction
silu        100     100     100        100     99.97    SLEEF expf replayed
elu         100     100     100        99.90   98.87    SLEEF expm1f replayed
log_sigm.   100     100     100        100     100      SLEEF expf and log1pf replayed
==========  ======  ======  =========  ======  =======  ======================================

"ints" are 21 values: one miss is 95.24%; a tensor under 32 elements runs torch's scalar
(C library) code, hence sinh's and softplus's ints. float64 (numpy's float64 functions, long double
for tanh/sinh/cosh/atanh/pow, glibc formulas for asinh/acosh): exp, log, tan, atan, asin, acos
100%; sin, cos 99.9%; tanh 99.1%; sqrt 99.2%; erf 94%, erfc 84% (MKL); asinh, acosh 98.6%;
sigmoid 97.4%, silu 97.1%, softplus 94.6%, log_sigmoid 94.6% (torch's SLEEF double code is not
replayed).

matmul/mm/mv/dot: not changed here. numpy float32 (OpenBLAS) equals torch (MKL) on 100% of
elements for mm shapes like 2x3@3x4, 10x10, 64x64x64, 128x256x64, but 9.7% for F.linear 64x784
-> 128, 0% for 3x1000@1000x5, 20-73% for mv, and torch.dot agrees with a running sum up to 3
elements, with FMA lanes summed pairwise at 4, then with no simple order (MKL's blocking is not
public): 21% at n=1000 for numpy, 27% for float64-then-round.
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
    pow,
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
