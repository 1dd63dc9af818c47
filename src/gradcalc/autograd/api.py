"""``backward()`` and ``autograd.grad()``: PyTorch's argument checks around the engine."""

from __future__ import annotations

import gradcalc.autograd.engine as engine
from gradcalc.autograd.settings import STATE, warn_once
from gradcalc.autograd.tensor import Tensor, make_tensor
from gradcalc.errors import ArgumentError, AutogradError, ValueDomainError

CREATE_GRAPH_WARNING = (
    "Using backward() with create_graph=True will create a reference cycle between the "
    "parameter and its gradient which can cause a memory leak. We recommend using "
    "autograd.grad when creating the graph to avoid this. If you have to use this function, "
    "make sure to reset the .grad fields of your parameters to None after use to break the "
    "cycle and avoid the leak. (Triggered internally at "
    "/__w/pytorch/pytorch/torch/csrc/autograd/engine.cpp:1307.)"
)


def _tensors(value, what: str) -> list:
    if type(value) is Tensor:
        return [value]
    if isinstance(value, list | tuple):
        for v in value:
            if type(v) is not Tensor:
                raise ArgumentError(
                    f"{what} must be a Tensor or a sequence of Tensors, but got {type(v).__name__}"
                )
        return list(value)
    raise ArgumentError(f"{what} must be a Tensor or a sequence of Tensors")


def _grad_outputs(given, n: int) -> list:
    """One gradient (or None) per output, as PyTorch's ``_make_grads`` pairs them: extra
    ones are ignored, missing ones are an error."""
    if given is None:
        return [None] * n
    items = [given] if type(given) is Tensor else list(given)
    for g in items:
        if g is not None and type(g) is not Tensor:
            raise ArgumentError(
                f"gradients can be either Tensors or None, but got {type(g).__name__}"
            )
    if len(items) < n:
        raise AutogradError(f"got {n} tensors and {len(items)} gradients")
    return items[:n]


def backward(
    tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None
) -> None:
    """``tensor.backward()`` / ``torch.autograd.backward``: accumulate into the leaves."""
    outputs = _tensors(tensors, "tensors")
    grads = _grad_outputs(grad_tensors, len(outputs))
    if retain_graph is None:
        retain_graph = create_graph
    accumulate_only = None
    if inputs is not None:
        wanted = _tensors(inputs, "inputs")
        if not wanted:
            raise AutogradError("`inputs` argument to `backward()` cannot be empty.")
        accumulate_only = set()
        for t in wanted:
            # As PyTorch: a non-leaf input keeps its gradient from now on (retain_grad).
            t.retain_grad()
            accumulate_only.add(t._edge())
    if create_graph:
        warn_once(CREATE_GRAPH_WARNING)
    roots = engine.backward_roots(outputs, grads, bool(create_graph))
    observer = STATE.observer
    if observer is not None:
        observer.on_backward(outputs, grads, accumulate=True)
    engine.run(
        roots,
        retain_graph=bool(retain_graph),
        create_graph=bool(create_graph),
        accumulate_only=accumulate_only,
    )


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph=None,
    create_graph=False,
    allow_unused=None,
    is_grads_batched=False,
    materialize_grads=False,
):
    """``torch.autograd.grad``: d(outputs)/d(inputs), leaving every ``.grad`` alone."""
    outs = _tensors(outputs, "outputs")
    wanted = _tensors(inputs, "inputs")
    if not wanted:
        raise AutogradError("`inputs` argument to `grad()` cannot be empty.")
    grads = _grad_outputs(grad_outputs, len(outs))
    if allow_unused is None:
        allow_unused = materialize_grads
    if materialize_grads and allow_unused is False:
        raise ValueDomainError(
            "Expected allow_unused to be True or not passed when materialize_grads=True, but "
            "got: allow_unused=False."
        )
    roots = engine.backward_roots(outs, grads, bool(create_graph))  # checks outputs first
    for t in wanted:
        if not t._requires_grad:
            raise AutogradError("One of the differentiated Tensors does not require grad")
    if retain_graph is None:
        retain_graph = create_graph
    edges = [t._edge() for t in wanted]
    capture = dict.fromkeys(edges)
    observer = STATE.observer
    if observer is not None:
        observer.on_backward(outs, grads, accumulate=False)
    engine.run(
        roots, retain_graph=bool(retain_graph), create_graph=bool(create_graph), capture=capture
    )
    passed = {id(g.array): g for g in grads if g is not None}
    results = []
    for index, (edge, t) in enumerate(zip(edges, wanted)):
        g = capture.get(edge)
        if g is None:
            if materialize_grads:
                import numpy as np

                # as PyTorch: zeros that require grad under create_graph
                results.append(make_tensor(np.zeros_like(t.array), bool(create_graph)))
                continue
            if not allow_unused:
                raise AutogradError(
                    f"The differentiated Tensor at index {index} appears to not have been used "
                    "in the graph. Set allow_unused=True if this is the desired behavior.",
                    hint="pass allow_unused=True",
                )
            results.append(None)
            continue
        if type(g) is not Tensor:
            given = passed.get(id(g))
            if given is not None and given.array is g:
                g = given  # a gradient passed through unchanged is the caller's tensor itself
            else:
                g = make_tensor(g.astype(t.array.dtype) if g.dtype != t.array.dtype else g)
        results.append(g)
    return tuple(results)
