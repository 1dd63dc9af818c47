"""More elementwise functions: ``float_power``, ``fmax``/``fmin``, ``frexp``/``ldexp``,
``nextafter``, ``gcd``/``lcm``, the Bessel functions ``i0``/``special.i1``, the regularized
incomplete gamma functions ``igamma``/``igammac`` and ``mvlgamma``.

Forwards compute in float64 and round to the input's dtype; i0/i1 use the Cephes Chebyshev
expansions PyTorch uses (aten/src/ATen/native/Math.h), igamma/igammac Cephes' series and
continued fraction. Derivatives as tools/autograd/derivatives.yaml and
torch/csrc/autograd/FunctionsManual.cpp (``i1_backward``, ``mvlgamma_backward``) at
https://github.com/pytorch/pytorch; ``igamma`` has no derivative for its first argument, as in PyTorch.
"""

from __future__ import annotations

import math

import numpy as np

import gradcalc.autograd.dtypes as dtypes
from gradcalc.autograd.declare import OPS, F, composite, in_place_methods_only, op
from gradcalc.autograd.dtype_rules import promote, promote_float, to_float
from gradcalc.autograd.ops.pointwise import floating, kernel_error, no_derivative
from gradcalc.autograd.ops.support import array_of, constant_as
from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import EvaluationError

_SPECIAL = ("torch", "special")

# ---- float_power ----------------------------------------------------------------------------


def _double(value):
    if type(value) is Tensor and value.dtype is not dtypes.float64:
        return F._to_copy(value, dtypes.float64)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


@composite(
    "float_power(Tensor|Scalar self, Tensor|Scalar exponent) -> Tensor",
    example="torch.float_power(x, 2)",
)
def float_power(self, exponent):
    """``self ** exponent`` computed in float64 (both converted first)."""
    return F.pow(_double(self), _double(exponent))


@composite(
    "float_power_(Tensor self, Tensor|Scalar exponent) -> Tensor",
    function=False,
    example="torch.tensor([1.0, 2.0], dtype=torch.float64).float_power_(3)",
)
def float_power_(self, exponent):
    """``float_power`` in place; ``self`` must already be float64."""
    from gradcalc.autograd.inplace import apply_inplace

    if self.dtype is not dtypes.float64:
        raise EvaluationError(
            f"the base given to float_power_ has dtype {self.dtype.kind_name} but the "
            "operation's result requires dtype Double"
        )
    return apply_inplace(OPS["pow"], [self, _double(exponent)])


# ---- fmax, fmin -----------------------------------------------------------------------------


def _keeps_self(self, other, larger: bool):
    """Where ``self`` is the result: at least as large (small), or ``other`` is NaN."""
    wins = self >= other if larger else self <= other
    return F.logical_or(wins, F.isnan(other))


def _fmaxmin(name: str, larger: bool):
    pick = np.fmax if larger else np.fmin

    def forward(self, other):
        return pick(self, other)

    forward.__name__ = name
    forward.__doc__ = (
        f"The elementwise {'maximum' if larger else 'minimum'}, ignoring NaN (NaN only where "
        "both are)."
    )
    return op(
        f"{name}(Tensor self, Tensor other) -> Tensor",
        f"{name.capitalize()}Backward0",
        dtype=promote,
        broadcast=True,
        grads={
            "self": lambda grad, self, other: F.masked_fill(
                grad, F.logical_not(_keeps_self(self, other, larger)), 0
            ),
            "other": lambda grad, self, other: F.masked_fill(
                grad, _keeps_self(self, other, larger), 0
            ),
        },
        example=f"torch.{name}(x, torch.tensor([0.0, float('nan'), 1.0, 1.0]))",
    )(forward)


fmax = _fmaxmin("fmax", True)
fmin = _fmaxmin("fmin", False)

# ---- frexp, ldexp, nextafter ----------------------------------------------------------------


def _frexp_grad(grads, exponent):
    """``grad / 2 ** exponent``, as PyTorch's formula (its node saves the exponent output):
    the exponent is piecewise constant, so the scale is a constant."""
    if grads[0] is None:
        return None
    exponent = array_of(exponent)
    scale = np.ldexp(np.ones(exponent.shape, array_of(grads[0]).dtype), -exponent)
    return grads[0] * constant_as(grads[0], scale)


@op(
    "frexp(Tensor self) -> Tensor mantissa, Tensor exponent",
    "FrexpBackward0",
    outputs=2,
    grads={"self": _frexp_grad},
    example="torch.frexp(x)",
)
def frexp(self):
    """Mantissa in [0.5, 1) (with the sign) and int32 exponent: ``mantissa * 2**exponent``."""
    if self.dtype.kind != "f":
        raise EvaluationError("torch.frexp() only supports floating-point dtypes")
    mantissa, exponent = np.frexp(self)
    return mantissa.astype(self.dtype), exponent.astype(np.int32)


@op(
    "ldexp(Tensor self, Tensor other) -> Tensor",
    "LdexpBackward0",
    dtype=promote_float,
    broadcast=True,
    inplace=True,
    grads={
        "self": lambda grad, other: grad * F.pow(2.0, other),
        "other": lambda grad, result: grad * result * math.log(2.0),
    },
    example="torch.ldexp(x, torch.tensor([1, 2, 3, 4]))",
)
def ldexp(self, other):
    """``self * 2 ** other``."""
    with np.errstate(over="ignore"):
        return self * np.power(self.dtype.type(2), other)


@op(
    "nextafter(Tensor self, Tensor other) -> Tensor",
    "NextafterBackward0",
    dtype=floating("nextafter_cpu"),
    broadcast=True,
    inplace=True,
    # PyTorch's derivative treats the step as the identity in self, zero in other.
    grads={"self": lambda grad: grad, "other": lambda grad: grad * 0},
    example="torch.nextafter(torch.tensor([1.0]), torch.tensor([2.0])) - 1",
)
def nextafter(self, other):
    """The next representable float after ``self`` towards ``other``."""
    return np.nextafter(self, other)


# ---- gcd, lcm -------------------------------------------------------------------------------


def _integers(kernel: str):
    def rule(op, values):
        d = dtypes.result_type(*[values[i] for i in op.promoted])
        if d.category != dtypes.INTEGRAL:
            raise kernel_error(kernel, d)
        return d.np, d

    return rule


@op(
    "gcd(Tensor self, Tensor other) -> Tensor",
    dtype=_integers("gcd_cpu"),
    broadcast=True,
    inplace=True,
    example="torch.gcd(torch.tensor([4, 6, 9]), torch.tensor([6, 4, 3]))",
)
def gcd(self, other):
    """The greatest common divisor of integers (non-negative)."""
    return np.gcd(self, other)


@op(
    "lcm(Tensor self, Tensor other) -> Tensor",
    dtype=_integers("lcm_cpu"),
    broadcast=True,
    inplace=True,
    example="torch.lcm(torch.tensor([4, 6, 9]), torch.tensor([6, 4, 3]))",
)
def lcm(self, other):
    """The least common multiple of integers (non-negative)."""
    return np.lcm(self, other)


# ---- i0, i1 ---------------------------------------------------------------------------------

# Cephes' Chebyshev coefficients (Math.h): exp(-x) I0(x) on [0, 8] and exp(-x) sqrt(x) I0(x)
# on [8, inf), and the same for I1.
_I0_A = (
    -4.41534164647933937950e-18, 3.33079451882223809783e-17, -2.43127984654795469359e-16,
    1.71539128555513303061e-15, -1.16853328779934516808e-14, 7.67618549860493561688e-14,
    -4.85644678311192946090e-13, 2.95505266312963983461e-12, -1.72682629144155570723e-11,
    9.67580903537323691224e-11, -5.18979560163526290666e-10, 2.65982372468238665035e-9,
    -1.30002500998624804212e-8, 6.04699502254191894932e-8, -2.67079385394061173391e-7,
    1.11738753912010371815e-6, -4.41673835845875056359e-6, 1.64484480707288970893e-5,
    -5.75419501008210370398e-5, 1.88502885095841655729e-4, -5.76375574538582365885e-4,
    1.63947561694133579842e-3, -4.32430999505057594430e-3, 1.05464603945949983183e-2,
    -2.37374148058994688156e-2, 4.93052842396707084878e-2, -9.49010970480476444210e-2,
    1.71620901522208775349e-1, -3.04682672343198398683e-1, 6.76795274409476084995e-1,
)  # fmt: skip
_I0_B = (
    -7.23318048787475395456e-18, -4.83050448594418207126e-18, 4.46562142029675999901e-17,
    3.46122286769746109310e-17, -2.82762398051658348494e-16, -3.42548561967721913462e-16,
    1.77256013305652638360e-15, 3.81168066935262242075e-15, -9.55484669882830764870e-15,
    -4.15056934728722208663e-14, 1.54008621752140982691e-14, 3.85277838274214270114e-13,
    7.18012445138366623367e-13, -1.79417853150680611778e-12, -1.32158118404477131188e-11,
    -3.14991652796324136454e-11, 1.18891471078464383424e-11, 4.94060238822496958910e-10,
    3.39623202570838634515e-9, 2.26666899049817806459e-8, 2.04891858946906374183e-7,
    2.89137052083475648297e-6, 6.88975834691682398426e-5, 3.36911647825569408990e-3,
    8.04490411014108831608e-1,
)  # fmt: skip
_I1_A = (
    2.77791411276104639959e-18, -2.11142121435816608115e-17, 1.55363195773620046921e-16,
    -1.10559694773538630805e-15, 7.60068429473540693410e-15, -5.04218550472791168711e-14,
    3.22379336594557470981e-13, -1.98397439776494371520e-12, 1.17361862988909016308e-11,
    -6.66348972350202774223e-11, 3.62559028155211703701e-10, -1.88724975172282928790e-9,
    9.38153738649577178388e-9, -4.44505912879632808065e-8, 2.00329475355213526229e-7,
    -8.56872026469545474066e-7, 3.47025130813767847674e-6, -1.32731636560394358279e-5,
    4.78156510755005422638e-5, -1.61760815825896745588e-4, 5.12285956168575772895e-4,
    -1.51357245063125314899e-3, 4.15642294431288815669e-3, -1.05640848946261981558e-2,
    2.47264490306265168283e-2, -5.29459812080949914269e-2, 1.02643658689847095384e-1,
    -1.76416518357834055153e-1, 2.52587186443633654823e-1,
)  # fmt: skip
_I1_B = (
    7.51729631084210481353e-18, 4.41434832307170791151e-18, -4.65030536848935832153e-17,
    -3.20952592199342395980e-17, 2.96262899764595013876e-16, 3.30820231092092828324e-16,
    -1.88035477551078244854e-15, -3.81440307243700780478e-15, 1.04202769841288027642e-14,
    4.27244001671195135429e-14, -2.10154184277266431302e-14, -4.08355111109219731823e-13,
    -7.19855177624590851209e-13, 2.03562854414708950722e-12, 1.41258074366137813316e-11,
    3.25260358301548823856e-11, -1.89749581235054123450e-11, -5.58974346219658380687e-10,
    -3.83538038596423702205e-9, -2.63146884688951950684e-8, -2.51223623787020892529e-7,
    -3.88256480887769039346e-6, -1.10588938762623716291e-4, -9.76109749136146840777e-3,
    7.78576235018280120474e-1,
)  # fmt: skip


def _chbevl(y: np.ndarray, coefficients) -> np.ndarray:
    b0, b1, b2 = np.full_like(y, coefficients[0]), np.zeros_like(y), np.zeros_like(y)
    for c in coefficients[1:]:
        b2, b1 = b1, b0
        b0 = y * b1 - b2 + c
    return 0.5 * (b0 - b2)


def _bessel(x: np.ndarray, small, large, first_order: bool) -> np.ndarray:
    a = np.abs(x.astype(np.float64))
    with np.errstate(all="ignore"):
        near = np.exp(a) * _chbevl(a / 2.0 - 2.0, small) * (a if first_order else 1.0)
        far = np.exp(a) * _chbevl(32.0 / a - 2.0, large) / np.sqrt(a)
    out = np.where(a <= 8.0, near, far)
    return np.where(x < 0, -out, out) if first_order else out


@op(
    "i0(Tensor self) -> Tensor",
    "I0Backward0",
    dtype=to_float,
    inplace=True,
    namespaces=_SPECIAL,
    grads={"self": lambda grad, self: grad * F.i1(self)},
    example="torch.i0(x)",
)
def i0(self):
    """The modified Bessel function of the first kind, order 0."""
    return _bessel(self, _I0_A, _I0_B, False).astype(self.dtype)


def _i1_grad(grad, self, result):
    """FunctionsManual.cpp's i1_backward: ``i0(x) - i1(x) / x``, 1/2 at 0."""
    eps = float(np.finfo(array_of(self).dtype).eps)
    not_tiny = F.abs(self) > eps
    safe = F.where(not_tiny, self, eps)
    return grad * F.where(not_tiny, F.i0(safe) - result * F.reciprocal(safe), 0.5)


@op(
    "i1(Tensor self) -> Tensor",
    "SpecialI1Backward0",
    dtype=to_float,
    method=False,
    namespaces=("special",),
    grads={"self": _i1_grad},
    example="torch.special.i1(x)",
)
def i1(self):
    """The modified Bessel function of the first kind, order 1."""
    return _bessel(self, _I1_A, _I1_B, True).astype(self.dtype)


# ---- igamma, igammac ------------------------------------------------------------------------

_MACHEP = 1.11022302462515654042e-16
_MAXLOG = 7.09782712893383996843e2
_BIG = 4.503599627370496e15


def _igam_series(a: float, x: float) -> float:
    ax = a * math.log(x) - x - math.lgamma(a)
    if ax < -_MAXLOG:
        return 0.0
    ax = math.exp(ax)
    r, c, total = a, 1.0, 1.0
    while True:
        r += 1.0
        c *= x / r
        total += c
        if c / total <= _MACHEP:
            return total * ax / a


def _igamc_fraction(a: float, x: float) -> float:
    ax = a * math.log(x) - x - math.lgamma(a)
    if ax < -_MAXLOG:
        return 0.0
    ax = math.exp(ax)
    y, z, c = 1.0 - a, x + 2.0 - a, 0.0
    pkm2, qkm2, pkm1, qkm1 = 1.0, x, x + 1.0, z * x
    answer = pkm1 / qkm1
    while True:
        c += 1.0
        y += 1.0
        z += 2.0
        yc = y * c
        pk = pkm1 * z - pkm2 * yc
        qk = qkm1 * z - qkm2 * yc
        t = 1.0
        if qk != 0:
            r = pk / qk
            t = abs((answer - r) / r)
            answer = r
        pkm2, pkm1, qkm2, qkm1 = pkm1, pk, qkm1, qk
        if abs(pk) > _BIG:
            pkm2, pkm1, qkm2, qkm1 = (v / _BIG for v in (pkm2, pkm1, qkm2, qkm1))
        if t <= _MACHEP:
            return answer * ax


def _igamma_scalar(a: float, x: float, upper: bool) -> float:
    """The regularized lower (upper) incomplete gamma function, with PyTorch's special
    cases (calc_igamma / calc_igammac in Math.h)."""
    if math.isnan(a) or math.isnan(x) or x < 0 or a < 0:
        return math.nan
    if a == 0:
        return (0.0 if upper else 1.0) if x > 0 else math.nan
    if x == 0:
        return 1.0 if upper else 0.0
    if math.isinf(a):
        return math.nan if math.isinf(x) else (1.0 if upper else 0.0)
    if math.isinf(x):
        return 0.0 if upper else 1.0
    if x > 1.0 and x > a:
        value = _igamc_fraction(a, x)
        return value if upper else 1.0 - value
    value = _igam_series(a, x)
    return 1.0 - value if upper else value


def _igamma(a: np.ndarray, x: np.ndarray, upper: bool) -> np.ndarray:
    a64, x64 = np.broadcast_arrays(a.astype(np.float64), x.astype(np.float64))
    out = np.array([_igamma_scalar(float(p), float(q), upper) for p, q in zip(a64.flat, x64.flat)])
    return out.reshape(a64.shape).astype(a.dtype)


def _igamma_other_grad(sign: float):
    def formula(grad, self, other):
        with np.errstate(all="ignore"):
            return grad * F.exp((self - 1) * F.log(other) - other - F.lgamma(self)) * sign

    return formula


@op(
    "igamma(Tensor self, Tensor other) -> Tensor",
    "IgammaBackward0",
    dtype=floating("igamma_cpu"),
    broadcast=True,
    inplace=True,
    grads={
        "self": no_derivative(
            "the derivative for 'igamma: input' is not implemented.", "NotImplementedError"
        ),
        "other": _igamma_other_grad(1.0),
    },
    example="torch.igamma(torch.tensor([1.0, 2.0]), torch.tensor([0.5, 3.0]))",
)
def igamma(self, other):
    """The regularized lower incomplete gamma function P(a, x) of ``a = self``,
    ``x = other``."""
    return _igamma(self, other, False)


@op(
    "igammac(Tensor self, Tensor other) -> Tensor",
    "IgammacBackward0",
    dtype=floating("igammac_cpu"),
    broadcast=True,
    inplace=True,
    grads={
        "self": no_derivative(
            "the derivative for 'igammac: input' is not implemented.", "NotImplementedError"
        ),
        "other": _igamma_other_grad(-1.0),
    },
    example="torch.igammac(torch.tensor([1.0, 2.0]), torch.tensor([0.5, 3.0]))",
)
def igammac(self, other):
    """The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x)."""
    return _igamma(self, other, True)


@composite(
    "gammainc(Tensor self, Tensor other) -> Tensor",
    method=False,
    namespaces=("special",),
    example="torch.special.gammainc(torch.tensor([1.0, 2.0]), torch.tensor([0.5, 3.0]))",
)
def gammainc(self, other):
    """``torch.igamma``."""
    return F.igamma(self, other)


@composite(
    "gammaincc(Tensor self, Tensor other) -> Tensor",
    method=False,
    namespaces=("special",),
    example="torch.special.gammaincc(torch.tensor([1.0, 2.0]), torch.tensor([0.5, 3.0]))",
)
def gammaincc(self, other):
    """``torch.igammac``."""
    return F.igammac(self, other)


# ---- mvlgamma -------------------------------------------------------------------------------


def _mvlgamma_grad(grad, self, p):
    shifts = constant_as(grad, -np.arange(p, dtype=array_of(grad).dtype) / 2)
    return grad * F.sum_dim(F.digamma(F.unsqueeze(self, -1) + shifts), (-1,))


@op(
    "mvlgamma(Tensor self, int p) -> Tensor",
    "MvlgammaBackward0",
    dtype=to_float,
    inplace=True,
    grads={"self": _mvlgamma_grad},
    example="torch.mvlgamma(x.abs() + 2, 2)",
)
def mvlgamma(self, p):
    """The log of the multivariate gamma function of dimension ``p``:
    ``p(p-1)/4 log(pi) + sum_j lgamma(x - j/2)``."""
    if p < 1:
        raise EvaluationError("p has to be greater than or equal to 1")
    x = self.astype(np.float64)
    terms = [np.vectorize(math.lgamma, otypes=[np.float64])(x - j / 2.0) for j in range(p)]
    out = sum(terms) + p * (p - 1) / 4.0 * math.log(math.pi)
    return np.asarray(out).astype(self.dtype)


@composite(
    "multigammaln(Tensor self, int p) -> Tensor",
    method=False,
    namespaces=("special",),
    example="torch.special.multigammaln(x.abs() + 2, 2)",
)
def multigammaln(self, p):
    """``torch.mvlgamma``."""
    return F.mvlgamma(self, p)


in_place_methods_only(igamma, igammac, nextafter, mvlgamma)
