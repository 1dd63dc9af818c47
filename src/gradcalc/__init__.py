"""gradcalc: a command-line expression differentiator on a numpy reverse-mode autograd core."""

__version__ = "0.1.0"
