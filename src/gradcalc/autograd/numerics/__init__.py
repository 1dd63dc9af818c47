"""PyTorch 2.13's CPU kernels replayed in numpy, so float32 programs print PyTorch's digits.

Reductions replay torch's summation orders (``reductions.py``, ``cascade.py``, ``driver.py``),
softmax and the losses theirs (``softmax.py``, ``losses.py``); elementwise functions replay
SLEEF's vector code or the C library (``elementwise.py``, ``activations.py``, ``sleef*.py``,
``glibc.py``, ``libm.py``). What agrees with PyTorch, and how often, is measured in
docs/numerics.md. Callers import the submodule they need; ``autograd/fidelity.py`` decides
when the replay is used.
"""

from gradcalc.autograd.numerics.driver import TORCH_THREADS

__all__ = ["TORCH_THREADS"]
