"""Tables, tree labels and batch lines show numbers as PyTorch prints them."""

import numpy as np

from gradcalc.cli.formatting import format_value


def test_numbers_look_like_pytorchs():
    assert format_value(np.array([5.01, 2.5403])) == "[5.0100, 2.5403]"
    assert format_value(np.array(9.0)) == "9."
    assert format_value(np.array([3.0, 1.0, 0.25]), precision=2) == "[3.00, 1.00, 0.25]"
    assert format_value(np.array([[1.0, -2.0], [3.0, 4.0]])) == "[[ 1., -2.],\n [ 3.,  4.]]"


def test_one_line_drops_alignment_and_summarises():
    assert (
        format_value(np.array([[1.0, -2.0], [3.0, 4.0]]), one_line=True) == "[[1., -2.], [3., 4.]]"
    )
    # PyTorch summarises past 1,000 elements only: three at each end, as torch prints them
    assert format_value(np.arange(100.0), one_line=True).count(",") == 99
    assert (
        format_value(np.arange(2000.0), one_line=True)
        == "[0.0000e+00, 1.0000e+00, 2.0000e+00, ..., 1.9970e+03, 1.9980e+03, 1.9990e+03]"
    )
    assert "..." not in format_value(np.arange(2000.0), one_line=True, threshold=None)


def test_a_gradient_cell_in_the_table(run_gradcalc):
    result = run_gradcalc("--no-tree", "x = [3.0, 1.0]; y = sum(x**2 + sin(x))")
    assert "[5.0100, 2.5403]" in result.stdout
