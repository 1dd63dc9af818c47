"""``load("data.csv")``: a data file's numbers as a tensor (``loading.py`` reads it)."""

from __future__ import annotations

from gradcalc.autograd.tensor import make_tensor
from gradcalc.errors import ArgumentError


def make_load(rt):
    def load(path):
        """The numbers of a .npy, .csv, .txt or .json file, as a float64 tensor."""
        if not isinstance(path, str):
            raise ArgumentError(f"load() expects a file path string, got {type(path).__name__}")
        from gradcalc.autograd.settings import get_max_elements
        from gradcalc.interpreter.loading import load_array

        return make_tensor(load_array(path, policy=rt.file_policy, max_elements=get_max_elements()))

    return load
