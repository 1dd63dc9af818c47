"""Special functions: erf and its inverse, the gamma family (lgamma, digamma, polygamma),
sinc, logit, xlogy; also spelled ``torch.special.*``.

numpy has no erf or gamma functions, so the kernels are here: erf, erfc and lgamma call
Python's ``math`` (the C library's) element by element; erfinv, digamma, trigamma and the
Hurwitz zeta behind polygamma are vectorised ports of the algorithms PyTorch uses (ATen's
native/Math.h, github.com/pytorch/pytorch: Pavlis' erfinv with two Newton steps, Cephes'
digamma and zeta), computed in the input's dtype as PyTorch does, so that values at the
poles agree too (digamma(-1) is nan, polygamma(1, -1) a huge finite number).
Derivatives: torchgen/packaged/autograd/derivatives.yaml (torch 2.13).
"""

from __future__ import annotations

import math

import numpy as np

from gradcalc.autograd.declare import F, composite, in_place_methods_only, op
from gradcalc.autograd.dtype_rules import promote_float, to_float
from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import ArgumentError, EvaluationError

_SQRT1_2 = math.sqrt(0.5)


def normal_cdf(x):
    """The standard normal CDF of ``x`` (an array, or a tensor inside a derivative)."""
    return 0.5 * (1 + F.erf(x * _SQRT1_2))


_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_HALF_SQRT_PI = 0.5 * math.sqrt(math.pi)


# ---- kernels ----------------------------------------------------------------------------------


def _elementwise(scalar_fn):
    ufunc = np.frompyfunc(scalar_fn, 1, 1)

    def run(x):
        x = np.asarray(x)
        return np.asarray(ufunc(x), dtype=x.dtype)

    return run


def _lgamma_scalar(v: float) -> float:
    try:
        return math.lgamma(v)
    except (ValueError, OverflowError):  # the poles 0, -1, -2, ...
        return math.inf


erf_kernel = _elementwise(math.erf)
erfc_kernel = _elementwise(math.erfc)
lgamma_kernel = _elementwise(_lgamma_scalar)

_ERFINV_A = (0.886226899, -1.645349621, 0.914624893, -0.140543331)
_ERFINV_B = (-2.118377725, 1.442710462, -0.329097515, 0.012229801)
_ERFINV_C = (-1.970840454, -1.624906493, 3.429567803, 1.641345311)
_ERFINV_D = (3.543889200, 1.637067800)


def erfinv_kernel(y):
    """Pavlis' rational approximation, then two Newton steps (PyTorch's calc_erfinv)."""
    a, b, c, d = _ERFINV_A, _ERFINV_B, _ERFINV_C, _ERFINV_D
    y = np.asarray(y)
    t = y.dtype.type
    y_abs = np.abs(y)
    with np.errstate(all="ignore"):
        z = y * y
        num = ((t(a[3]) * z + t(a[2])) * z + t(a[1])) * z + t(a[0])
        dem = (((t(b[3]) * z + t(b[2])) * z + t(b[1])) * z + t(b[0])) * z + t(1)
        central = y * num / dem
        z = np.sqrt(-np.log((t(1) - y_abs) / t(2)))
        num = ((t(c[3]) * z + t(c[2])) * z + t(c[1])) * z + t(c[0])
        dem = (t(d[1]) * z + t(d[0])) * z + t(1)
        tail = np.copysign(num, y) / dem
        x = np.where(y_abs <= t(0.7), central, tail)
        slope = t(_TWO_OVER_SQRT_PI)
        for _ in range(2):
            x = x - (erf_kernel(x) - y) / (slope * np.exp(-x * x))
        x = np.where(y_abs == 1, np.copysign(t(np.inf), y), x)
        return np.where(y_abs > 1, t(np.nan), x)


_PSI_10 = 2.25175258906672110764
_DIGAMMA_A = (
    8.33333333333333333333e-2,
    -2.10927960927960927961e-2,
    7.57575757575757575758e-3,
    -4.16666666666666666667e-3,
    3.96825396825396825397e-3,
    -8.33333333333333333333e-3,
    8.33333333333333333333e-2,
)


def _digamma_positive(x):
    """Cephes' digamma for x > 0: recurrence up to 10, then the asymptotic series."""
    t = x.dtype.type
    result = np.zeros_like(x)
    for _ in range(10):
        below = x < 10
        result = np.where(below, result - 1 / x, result)
        x = np.where(below, x + 1, x)
    z = 1 / (x * x)
    series = np.zeros_like(x)
    for coefficient in _DIGAMMA_A:
        series = series * z + t(coefficient)
    y = np.where(x < 1e17, z * series, 0)
    out = result + np.log(x) - t(0.5) / x - y
    return np.where(x == 10, result + t(_PSI_10), out)


def digamma_kernel(x):
    """PyTorch's calc_digamma: ±inf at ±0, nan at negative integers, reflection below 0."""
    x = np.asarray(x)
    t = x.dtype.type
    with np.errstate(all="ignore"):
        negative = x < 0
        fraction = np.modf(x)[0]
        out = _digamma_positive(np.where(negative, 1 - x, x))
        out = np.where(negative, out - t(math.pi) / np.tan(t(math.pi) * fraction), out)
        out = np.where(negative & (x == np.trunc(x)), t(np.nan), out)
        return np.where(x == 0, np.copysign(t(np.inf), -x), out)


def trigamma_kernel(x):
    """PyTorch's trigamma: reflection below 0.5, six steps of recurrence, asymptotic tail."""
    x = np.asarray(x)
    t = x.dtype.type
    pi = t(math.pi)
    with np.errstate(all="ignore"):
        low = x < 0.5
        sin_pi_x = np.sin(pi * x)
        result = np.where(low, -(pi * pi) / (sin_pi_x * sin_pi_x), t(0))
        x = np.where(low, 1 - x, x)
        for _ in range(6):
            result = result + 1 / (x * x)
            x = x + 1
        ixx = 1 / (x * x)
        tail = ixx * (t(1 / 6) - ixx * (t(1 / 30) - ixx * t(1 / 42)))
        result = result + (1 + 1 / (2 * x) + tail) / x
        return np.where(low, -result, result)


_ZETA_A = (
    12.0,
    -720.0,
    30240.0,
    -1209600.0,
    47900160.0,
    -1.8924375803183791606e9,
    7.47242496e10,
    -2.950130727918164224e12,
    1.1646782814350067249e14,
    -4.5979787224074726105e15,
    1.8152105401943546773e17,
    -7.1661652561756670113e18,
)
_MACHEP = 1.11022302462515654042e-16


def zeta_kernel(s: float, q):
    """Hurwitz zeta(s, q) for an integer s > 1 (Cephes, in double as PyTorch accumulates)."""
    q = np.asarray(q, dtype=np.float64)
    result = np.full(q.shape, np.nan)
    with np.errstate(all="ignore"):
        pole = (q <= 0) & (q == np.floor(q))
        result[pole] = np.inf
        done = pole.copy()
        total = q**-s
        a = q.copy()
        b = np.zeros_like(q)
        i = 0
        while True:
            active = ~done & ((i < 9) | (a <= 9))
            if not active.any():
                break
            i += 1
            a = np.where(active, a + 1, a)
            b = np.where(active, a**-s, b)
            total = np.where(active, total + b, total)
            converged = active & (-_MACHEP * total < b) & (b < _MACHEP * total)
            result[converged] = total[converged]
            done |= converged
        w = a
        total = total + b * w / (s - 1) - 0.5 * b
        factor = 1.0
        k = 0.0
        for coefficient in _ZETA_A:
            factor *= s + k
            b = b / w
            term = factor * b / coefficient
            total = total + term
            converged = ~done & (np.abs(term / total) < _MACHEP)
            result[converged] = total[converged]
            done |= converged
            k += 1
            factor *= s + k
            b = b / w
            k += 1
        result[~done] = total[~done]
    return result


def polygamma_kernel(n: int, x):
    x = np.asarray(x)
    if n == 0:
        return digamma_kernel(x)
    if n == 1:
        return trigamma_kernel(x)
    sign = 1.0 if n % 2 else -1.0
    value = sign * math.exp(math.lgamma(n + 1.0)) * zeta_kernel(n + 1.0, x)
    return value.astype(x.dtype)


# ---- error function ---------------------------------------------------------------------------

_SPECIAL = ("torch", "special")


@op(
    "erf(Tensor self) -> Tensor",
    "ErfBackward0",
    dtype=to_float,
    inplace=True,
    namespaces=_SPECIAL,
    grads={"self": lambda grad, self: _TWO_OVER_SQRT_PI * F.exp(-(self**2)) * grad},
    example="torch.erf(x)",
)
def erf(self):
    """The error function, 2/sqrt(pi) times the integral of exp(-t²) from 0 to x."""
    return erf_kernel(self)


@op(
    "erfc(Tensor self) -> Tensor",
    "ErfcBackward0",
    dtype=to_float,
    inplace=True,
    namespaces=_SPECIAL,
    grads={"self": lambda grad, self: -_TWO_OVER_SQRT_PI * F.exp(-(self**2)) * grad},
    example="torch.erfc(x)",
)
def erfc(self):
    """1 - erf(x), accurate where erf(x) is close to 1."""
    return erfc_kernel(self)


@op(
    "erfinv(Tensor self) -> Tensor",
    "ErfinvBackward0",
    dtype=to_float,
    inplace=True,
    namespaces=_SPECIAL,
    grads={"self": lambda grad, self: _HALF_SQRT_PI * F.exp(F.erfinv(self) ** 2) * grad},
    example="torch.erfinv(p)",
)
def erfinv(self):
    """The inverse of erf on (-1, 1); ±inf at ±1, nan beyond."""
    return erfinv_kernel(self)


# ---- gamma family -----------------------------------------------------------------------------


@op(
    "lgamma(Tensor self) -> Tensor",
    "LgammaBackward0",
    dtype=to_float,
    inplace=True,
    grads={"self": lambda grad, self: grad * F.digamma(self)},
    example="torch.lgamma(x)",
)
def lgamma(self):
    """log |Gamma(x)| (inf at 0, -1, -2, ...)."""
    return lgamma_kernel(self)


@op(
    "digamma(Tensor self) -> Tensor",
    "DigammaBackward0",
    dtype=to_float,
    inplace=True,
    namespaces=_SPECIAL,
    grads={"self": lambda grad, self: grad * F.polygamma(1, self)},
    example="torch.digamma(x)",
)
def digamma(self):
    """The derivative of lgamma (±inf at ±0, nan at the negative integers)."""
    return digamma_kernel(self)


def _check_order(n: int) -> None:
    if n < 0:
        raise EvaluationError(
            "polygamma(n, x) does not support negative n.",
            hint="n is the order of the derivative of digamma: 0, 1, 2, ...",
        )


@op(
    "polygamma(int n, Tensor self) -> Tensor",
    "PolygammaBackward0",
    dtype=to_float,
    method=False,
    namespaces=_SPECIAL,
    grads={"self": lambda grad, n, self: grad * F.polygamma(n + 1, self)},
    example="torch.polygamma(1, x)",
)
def polygamma(n, self):
    """The n-th derivative of digamma (n = 0 is digamma itself)."""
    _check_order(n)
    return polygamma_kernel(n, self)


@composite(
    "polygamma.method(Tensor self, int n) -> Tensor", function=False, example="x.polygamma(1)"
)
def polygamma_method(self, n):
    """x.polygamma(n): the n-th derivative of digamma."""
    return F.polygamma(n, self)


@op(
    "polygamma_(Tensor self, int n) -> Tensor",
    "PolygammaBackward1",
    dtype=to_float,
    function=False,
    method=False,
    inplace="polygamma_",
    example="x.clone().polygamma_(1)",
    grads={"self": lambda grad, self, n: grad * F.polygamma(n + 1, self)},
)
def polygamma_in_place(self, n):
    """In place: the n-th derivative of digamma."""
    _check_order(n)
    return polygamma_kernel(n, self)


@composite(
    "psi(Tensor self) -> Tensor",
    method=False,
    namespaces=("special",),
    example="torch.special.psi(x)",
)
def psi(self):
    """digamma under its other name."""
    return F.digamma(self)


@composite(
    "gammaln(Tensor self) -> Tensor",
    method=False,
    namespaces=("special",),
    example="torch.special.gammaln(x)",
)
def gammaln(self):
    """lgamma under its other name."""
    return F.lgamma(self)


@composite(
    "expit(Tensor self) -> Tensor",
    method=False,
    namespaces=("special",),
    example="torch.special.expit(x)",
)
def expit(self):
    """sigmoid under its other name."""
    return F.sigmoid(self)


# ---- sinc, logit, xlogy -----------------------------------------------------------------------


def _sinc_grad(grad, self):
    self_pi = self * math.pi
    self_squared_pi = self * self * math.pi
    out = grad * ((self_pi * F.cos(self_pi) - F.sin(self_pi)) / self_squared_pi)
    return F.where(self_squared_pi == 0, 0.0, out)


@op(
    "sinc(Tensor self) -> Tensor",
    "SincBackward0",
    dtype=to_float,
    inplace=True,
    namespaces=_SPECIAL,
    grads={"self": _sinc_grad},
    example="torch.sinc(x)",
)
def sinc(self):
    """sin(pi x) / (pi x), 1 at 0."""
    product = self * math.pi
    with np.errstate(all="ignore"):
        return np.where(self == 0, 1, np.sin(product) / product).astype(self.dtype)


def _logit_eps(eps):
    return None if eps is None or eps < 0 else eps  # PyTorch ignores a negative eps


def _logit_grad(grad, self, eps):
    eps = _logit_eps(eps)
    if eps is None:
        inside = (self >= 0) & (self <= 1)
        return F.where(inside, grad / (self * (1 - self)), math.nan)
    inside = (self >= eps) & (self <= 1 - eps)
    return F.where(inside, grad / (self * (1 - self)), 0.0)


@op(
    "logit(Tensor self, float? eps=None) -> Tensor",
    "LogitBackward0",
    dtype=to_float,
    inplace=True,
    namespaces=_SPECIAL,
    grads={"self": _logit_grad},
    example="torch.logit(p)",
)
def logit(self, eps=None):
    """log(p / (1 - p)); with ``eps``, p is first clamped to [eps, 1 - eps]."""
    eps = _logit_eps(eps)
    if eps is not None:
        self = np.clip(self, eps, 1 - eps)  # keeps nan
    with np.errstate(all="ignore"):
        return np.log(self / (1 - self))


_XLOGY_SIGNATURES = (
    " * (Tensor input, Tensor other, *, Tensor out = None)\n"
    " * (Number self, Tensor other, *, Tensor out = None)\n"
    " * (Tensor input, Number other, *, Tensor out = None)\n"
)


def _xlogy_dtype(op, values):
    self, other = values
    if type(self) is not Tensor and type(other) is not Tensor:
        raise ArgumentError(
            "xlogy() received an invalid combination of arguments - got "
            f"({type(self).__name__}, {type(other).__name__}), but expected one of:\n"
            + _XLOGY_SIGNATURES
        )
    return promote_float(op, values)


def _xlogy_node(self, other):
    if type(self) is not Tensor:
        return "XlogyBackward1"
    return "XlogyBackward0" if type(other) is Tensor else "XlogyBackward2"


def _xlogy_grad_self(grad, self, other):
    # PyTorch: 0 where self is 0 and log(other) is undefined (other <= 0).
    return F.where((self == 0) & (other <= 0), 0.0, F.xlogy(grad, other))


@op(
    "xlogy(Tensor|Scalar self, Tensor|Scalar other) -> Tensor",
    _xlogy_node,
    dtype=_xlogy_dtype,
    broadcast=True,
    inplace=True,
    namespaces=_SPECIAL,
    grads={"self": _xlogy_grad_self, "other": lambda grad, self, other: grad * self / other},
    example="torch.xlogy(x, y)",
)
def xlogy(self, other):
    """self * log(other), 0 where self is 0 (unless other is nan)."""
    with np.errstate(all="ignore"):
        out = np.where(np.equal(self, 0), 0, self * np.log(other))
        return np.where(np.isnan(other), np.nan, out).astype(out.dtype, copy=False)


# PyTorch has these ops' in-place methods (x.add_()) but no torch.add_ function.
in_place_methods_only(erfinv, lgamma, digamma)
