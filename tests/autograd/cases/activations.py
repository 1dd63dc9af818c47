"""Op cases: activations of torch.nn.functional (see ../op_cases.py for the format).

The case runner's namespace has only ``torch``, whose gradcalc side has no ``nn``; so each
case passes ``F`` as an input: torch.nn.functional on torch tensors, gradcalc's ``F`` on
gradcalc's. ``F.hardsigmoid`` is here without a gradient: PyTorch has no second derivative
of it (backward of its backward fails), which ../test_pointwise_errors.py checks together
with its first derivative.
"""


class _Functional:
    """``F.<name>`` dispatched on the type of the first argument."""

    def __getattr__(self, name: str):
        def call(first, *args, **kwargs):
            if type(first).__module__ == "torch":
                import torch

                return getattr(torch.nn.functional, name)(first, *args, **kwargs)
            from gradcalc.autograd import functional

            return getattr(functional, name)(first, *args, **kwargs)

        return call

    def __repr__(self) -> str:
        return "F"


F = _Functional()


def _with_f(inputs: dict) -> dict:
    return {**inputs, "F": F}


CASES = [
    (case_id, expression, _with_f(inputs))
    for case_id, expression, inputs in [
        ("softplus", "F.softplus(x)", {"x": "5"}),
        ("softplus_beta_threshold", "F.softplus(x * 3, beta=2, threshold=1.5)", {"x": "6"}),
        ("softplus_negative_beta", "F.softplus(x, -1.5)", {"x": "5"}),
        ("elu", "F.elu(x)", {"x": "5"}),
        ("elu_alpha", "F.elu(x, alpha=0.5)", {"x": "5"}),
        ("elu_inplace", "F.elu(x * 1, 0.7, True)", {"x": "5"}),
        ("elu_", "F.elu_(x * 1)", {"x": "5"}),
        ("selu", "F.selu(x)", {"x": "5"}),
        ("torch_selu", "torch.selu(x)", {"x": "5"}),
        ("selu_inplace", "F.selu(x * 1, inplace=True)", {"x": "5"}),
        ("celu", "F.celu(x, alpha=2.0)", {"x": "5"}),
        ("torch_celu", "torch.celu(x)", {"x": "5"}),
        ("celu_inplace", "F.celu(x * 1, 0.5, inplace=True)", {"x": "5"}),
        ("gelu", "F.gelu(x)", {"x": "5"}),
        ("gelu_tanh", "F.gelu(x, approximate='tanh')", {"x": "5"}),
        ("silu", "F.silu(x)", {"x": "5"}),
        ("silu_inplace", "F.silu(x * 1, inplace=True)", {"x": "5"}),
        ("mish", "F.mish(x)", {"x": "5"}),
        ("leaky_relu", "F.leaky_relu(x)", {"x": "5"}),
        ("leaky_relu_slope", "F.leaky_relu(x, 0.2)", {"x": "5"}),
        ("leaky_relu_inplace", "F.leaky_relu(x * 1, negative_slope=0.3, inplace=True)", {"x": "5"}),
        ("leaky_relu_", "F.leaky_relu_(x * 1, 0.1)", {"x": "5"}),
        ("hardtanh", "F.hardtanh(x * 2)", {"x": "6"}),
        ("hardtanh_bounds", "F.hardtanh(x, -0.5, 0.25)", {"x": "6"}),
        ("hardtanh_inplace", "F.hardtanh(x * 2, inplace=True)", {"x": "6"}),
        ("relu6", "F.relu6(x * 5)", {"x": "6"}),
        ("relu6_inplace", "F.relu6(x * 5, inplace=True)", {"x": "6"}),
        ("hardsigmoid_values", "F.hardsigmoid(x.detach() * 3)", {"x": "6"}),
        ("hardswish", "F.hardswish(x * 3)", {"x": "6"}),
        ("hardswish_inplace", "F.hardswish(x * 3, inplace=True)", {"x": "6"}),
        ("logsigmoid", "F.logsigmoid(x * 3)", {"x": "5"}),
        ("softsign", "F.softsign(x)", {"x": "5"}),
        ("tanhshrink", "F.tanhshrink(x)", {"x": "5"}),
        ("threshold", "F.threshold(x, 0.1, 20.0)", {"x": "5"}),
        ("torch_threshold", "torch.threshold(x, -0.2, -1.0)", {"x": "5"}),
        ("threshold_inplace", "F.threshold(x * 1, 0.1, 20.0, True)", {"x": "5"}),
        ("threshold_", "F.threshold_(x * 1, 0.1, 2.0)", {"x": "5"}),
        ("F_relu", "F.relu(x)", {"x": "5"}),
        ("F_relu_inplace", "F.relu(x * 1, inplace=True)", {"x": "5"}),
        ("relu_", "torch.relu_(x * 1)", {"x": "5"}),
        ("F_sigmoid", "F.sigmoid(x)", {"x": "5"}),
        ("sigmoid_", "torch.sigmoid_(x * 1)", {"x": "5"}),
        ("F_tanh", "F.tanh(x)", {"x": "5"}),
        # integer inputs: these keep their dtype in PyTorch (the others refuse integers)
        ("int_relu", "F.relu(x - 2)", {"x": "int:5:5"}),
        ("int_relu6", "F.relu6(x * 3 - 2)", {"x": "int:5:5"}),
        ("int_hardtanh", "F.hardtanh(x - 2)", {"x": "int:5:5"}),
        ("int_threshold", "F.threshold(x, 2, 9)", {"x": "int:5:5"}),
        ("int_softsign", "F.softsign(x - 2)", {"x": "int:5:5"}),
        ("int_tanhshrink", "F.tanhshrink(x)", {"x": "int:5:5"}),
    ]
]
