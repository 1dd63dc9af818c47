"""The pseudoinverse and least squares: ``linalg.pinv`` (``LinalgPinvBackward0``),
``torch.pinverse``, and ``linalg.lstsq`` (``LinalgLstsqBackward0``, CPU's default ``gelsy``
driver: no residuals or singular values, the rank). Derivatives are FunctionsManual.cpp's
``pinv_backward`` and ``linalg_lstsq_backward`` (https://github.com/pytorch/pytorch), with
ops so double backward works. Real inputs.
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.declare import F, composite, op
from gradcalc.errors import EvaluationError, ShapeError


def _mT(x):
    return F.transpose(x, -2, -1)


def _pinv_grad(grad, A, result):
    """``pinv_backward`` (real case): the smaller of the two products first."""
    m, n = A.shape[-2], A.shape[-1]
    pinvA, pinvAh, gradh = result, _mT(result), _mT(grad)
    if m <= n:
        K = F.matmul(gradh, pinvA)
        KpinvAh = F.matmul(K, pinvAh)
        return (
            -_mT(F.matmul(pinvA, K))
            + KpinvAh
            - F.matmul(F.matmul(A, pinvA), KpinvAh)
            + F.matmul(F.matmul(pinvAh, pinvA), gradh - F.matmul(K, A))
        )
    K = F.matmul(pinvA, gradh)
    pinvAhK = F.matmul(pinvAh, K)
    return (
        -_mT(F.matmul(K, pinvA))
        + F.matmul(F.matmul(gradh - F.matmul(A, K), pinvA), pinvAh)
        + pinvAhK
        - F.matmul(F.matmul(pinvAhK, pinvA), A)
    )


def _pinv(A: np.ndarray, atol, rtol, hermitian: bool) -> np.ndarray:
    a = A.astype(np.float64)
    if hermitian:
        values, vectors = np.linalg.eigh(a)
        magnitudes = np.abs(values)
    else:
        U, magnitudes, Vh = np.linalg.svd(a, full_matrices=False)
    eps = np.finfo(A.dtype).eps
    if rtol is None:
        rtol = eps * max(A.shape[-2:]) if atol is None or atol <= 0 else 0.0
    largest = magnitudes.max(-1, keepdims=True) if magnitudes.shape[-1] else magnitudes[..., :1]
    keep = magnitudes > np.maximum(atol or 0.0, rtol * largest)
    if hermitian:
        inverse = np.where(keep, 1.0 / np.where(keep, values, 1.0), 0.0)
        return (vectors * inverse[..., None, :]) @ np.swapaxes(vectors, -1, -2)
    inverse = np.where(keep, 1.0 / np.where(keep, magnitudes, 1.0), 0.0)
    return np.swapaxes(Vh, -1, -2) @ (inverse[..., :, None] * np.swapaxes(U, -1, -2))


@op(
    "pinv(Tensor A, *, float? atol=None, float? rtol=None, bool hermitian=False) -> Tensor",
    "LinalgPinvBackward0",
    namespaces=("linalg",),
    method=False,
    grads={"A": _pinv_grad},
    example="torch.linalg.pinv(B)",
)
def pinv(A, atol=None, rtol=None, hermitian=False):
    """The Moore-Penrose pseudoinverse (singular values below the tolerance count as 0)."""
    if A.ndim < 2:
        raise ShapeError("linalg.pinv(A): The input tensor A must have at least 2 dimensions.")
    if A.dtype.kind != "f":
        raise EvaluationError(
            "linalg.pinv(A): Expected a floating point or complex tensor as input. Got Long"
            if A.dtype.kind in "iu"
            else "linalg.pinv(A): Expected a floating point or complex tensor as input."
        )
    return _pinv(A, atol, rtol, hermitian).astype(A.dtype)


@composite(
    "pinverse(Tensor self, float rcond=1e-15) -> Tensor",
    example="torch.pinverse(B)",
)
def pinverse(self, rcond=1e-15):
    """``torch.linalg.pinv`` with ``rtol=rcond``."""
    return F.pinv(self, rtol=rcond)


def _vector_rhs(A_shape, B_shape) -> bool:
    return len(B_shape) == 1 or (
        len(B_shape) == len(A_shape) - 1 and tuple(B_shape) == tuple(A_shape[:-1])
    )


def _lstsq_grad(which: str):
    def formula(grads, A, B):
        gX = grads[0]
        if gX is None:
            return None
        vector = _vector_rhs(A.shape, B.shape)
        gX = F.reshape(gX, (*gX.shape, 1)) if vector else gX
        pinvA = F.pinv(A)
        if which == "B":
            out = F.matmul(_mT(pinvA), gX)
            return F.reshape(out, tuple(out.shape[:-1])) if vector else out
        Bm = F.reshape(B, (*B.shape, 1)) if vector else B
        return _pinv_grad(F.matmul(gX, _mT(Bm)), A, pinvA)

    return formula


@op(
    "lstsq(Tensor A, Tensor B, float? rcond=None, *, str? driver=None) -> Tensor solution, "
    "Tensor residuals, Tensor rank, Tensor singular_values",
    "LinalgLstsqBackward0",
    outputs=4,
    namespaces=("linalg",),
    method=False,
    grads={"A": _lstsq_grad("A"), "B": _lstsq_grad("B")},
    example="torch.linalg.lstsq(A, x[:3]).solution",
)
def lstsq(A, B, rcond=None, driver=None):
    """The ``X`` minimising ``||A X - B||`` (CPU's ``gelsy``: the rank, no residuals)."""
    if A.ndim < 2:
        raise ShapeError("torch.linalg.lstsq: input must have at least 2 dimensions.")
    if driver not in (None, "gelsy", "gelsd", "gelss", "gels"):
        raise EvaluationError(
            "torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)"
        )
    vector = _vector_rhs(A.shape, B.shape)
    b = B[..., None] if vector else B
    if A.shape[-2] != b.shape[-2]:
        raise EvaluationError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    eps = np.finfo(A.dtype).eps
    cutoff = eps * max(A.shape[-2:]) if rcond is None else rcond
    solution = _pinv(A, None, cutoff, False) @ b.astype(np.float64)
    rank = np.linalg.matrix_rank(A.astype(np.float64), tol=None)
    solution = solution[..., 0] if vector else solution
    empty = np.zeros(0, A.dtype)
    return solution.astype(A.dtype), empty, np.asarray(rank, np.int64), empty
