"""The node a declared op records: what it saved, and its backward from the op's formulas."""

from __future__ import annotations

import math
from types import MappingProxyType

import numpy as np

from gradcalc.autograd.broadcast import Expanded
from gradcalc.autograd.node import Node, freed_error, modified_error, next_seq
from gradcalc.autograd.settings import STATE
from gradcalc.autograd.tensor import Tensor, make_tensor, version_box
from gradcalc.errors import AutogradError

_NO_EDGE = (None, 0)
GRAD_ONLY = (("grad", None),)  # the sources of a formula that reads only the gradient
_WRAPPED = {bool: np.bool_, int: np.int64, float: np.float64}
_NONE = MappingProxyType({})  # the shapes of a node whose formulas read none
_ndarray = np.ndarray


class OpNode(Node):
    """``MulBackward0`` and its kin: one per application of a differentiable op."""

    __slots__ = (
        "freed",
        "hooked",
        "kept",
        "label",
        "n_outputs",
        "needs",
        "op",
        "params",
        "result_boxes",
        "saved",
        "shapes",
        "versions",
    )

    def __init__(self, op, values, needs: tuple, results: tuple) -> None:
        edges = []
        meta = []
        kept = None  # positions among op.inputs that have an edge, when some have none
        if op.any_list_input:
            for i, need, is_list in zip(op.inputs, needs, op.list_inputs):
                v = values[i]
                if is_list:
                    for t, n in zip(v, need):
                        edges.append(t._edge() if n else _NO_EDGE)
                        meta.append((t.array.shape, t.array.dtype) if n else None)
                elif need:
                    edges.append(v._edge())
                    meta.append((v.array.shape, v.array.dtype))
                else:
                    edges.append(_NO_EDGE)
                    meta.append(None)
        else:
            k = 0
            for i in op.inputs:
                v = values[i]
                if needs[k]:
                    node = v.grad_fn
                    edges.append(v._edge() if node is None else (node, v._output_nr))
                    a = v.array
                    meta.append((a.shape, a.dtype))
                elif op.wraps_numbers or type(v) is Tensor:
                    edges.append(_NO_EDGE)
                    meta.append(None)
                else:  # a number given to a Scalar overload: PyTorch records no edge for it
                    if kept is None:
                        kept = list(range(k))
                    k += 1
                    continue
                if kept is not None:
                    kept.append(k)
                k += 1
        self.kept = kept if kept is None else tuple(kept)
        # Node.__init__ written out (a node per op applied; the call cost 14% of a `b * x`),
        # held to it by tests/autograd/test_fast_paths.py
        self.next_functions = tuple(edges)
        self.input_meta = tuple(meta)
        self.seq = self.priority = next_seq()
        self._hook_tables = self.output_grad = self.anomaly_trace = self._metadata = None
        self.op = op
        self.n_outputs = op.outputs
        self.needs = needs
        name = op.node_name
        self.label = name if type(name) is str else name(*values)
        self.freed = False
        self.hooked = False  # saved values went through saved_tensors_hooks (pack_saved)
        # the shapes the formulas read; the other arguments without their tensors (only
        # what the formulas read stays referenced)
        self.shapes = {i: _shape(values[i]) for i in op.shape_params} if op.shape_params else _NONE
        n = op.tensor_prefix
        if n is not None:
            self.params = (
                op.tensor_nones if n == len(values) else op.tensor_nones + tuple(values[n:])
            )
        else:
            params = list(values)
            for i in op.tensor_params:
                params[i] = None
            self.params = tuple(params)
        saved = {}
        versions = None
        boxes = None
        track = STATE.inplace_seen
        plan = op._plans.get(needs)
        if plan is None:  # an empty plan (add, sum: nothing saved) is kept too
            plan = op.save_plan(needs)
        for name, index in plan:
            if index is None:  # the result
                saved["result"] = tuple(r.array for r in results)
                boxes = tuple((box, box[0]) for box in map(version_box, results))
                continue
            value = values[index]
            if type(value) is Tensor:
                if value._inference:
                    check_savable(value)
                if track:
                    if versions is None:
                        versions = {}
                    vc = value._vc  # its _version (not an inference tensor: checked above)
                    versions[name] = 0 if vc is None else vc[0]
            elif type(value) is tuple:
                check_savable(value)
            saved[name] = value
        self.saved = saved
        self.versions = versions
        self.result_boxes = boxes

    def name(self) -> str:
        return self.label

    # ---- saved values --------------------------------------------------------------------

    def release(self) -> None:
        if self.saved:
            self.saved = {}
            self.freed = True

    def check_saved(self) -> None:
        if self.freed:
            raise freed_error()
        if self.hooked:  # PyTorch checks no version behind a pack hook
            return
        versions = self.versions
        for name, value in self.saved.items():
            if type(value) is Tensor:
                vc = value._vc
                expected = versions.get(name, 0) if versions else 0
                if (0 if vc is None else vc[0]) == expected and not value._inference:
                    continue  # the version it was saved at (the property reads the same)
            elif name == "result":
                kept = self.op.kept_outputs
                for k, (array, (box, expected)) in enumerate(zip(value, self.result_boxes)):
                    if box[0] != expected and (kept is None or k in kept):
                        raise modified_error(array, box[0], expected, self.label)
                continue
            else:
                continue
            current = value._version  # an inference tensor's refusal, or the changed version
            if current != expected:
                producer = value.grad_fn.name() if value.grad_fn is not None else None
                raise modified_error(value.array, current, expected, producer)

    def snapshot(self, name: str, tensor: Tensor) -> None:
        """For an in-place op: keep the value ``name`` had before it is overwritten."""
        if self.saved.get(name) is tensor:
            copy = make_tensor(tensor.array.copy(), tensor._requires_grad, tensor.grad_fn)
            copy._output_nr = tensor._output_nr
            self.saved[name] = copy
            if self.versions:
                self.versions.pop(name, None)

    def adopt_result(self, tensor: Tensor) -> None:
        """For an in-place op: the saved result is the written tensor, at its new version."""
        if "result" in self.saved:
            self.saved["result"] = (tensor.array,)
            box = version_box(tensor)
            self.result_boxes = ((box, box[0]),)

    def pack_saved(self, results: tuple) -> None:
        """Inside ``saved_tensors_hooks``: keep what the pack hook returns (savedhooks.py)."""
        import gradcalc.autograd.savedhooks as savedhooks

        kept = self.op.kept_outputs
        if kept is not None:  # only the outputs a formula reads (``indices``)
            results = tuple(r if k in kept else None for k, r in enumerate(results))
        self.saved = {
            name: savedhooks.pack(results if name == "result" else value)
            for name, value in self.saved.items()
        }
        self.versions = None
        self.hooked = True

    def _unpacked(self) -> dict:
        import gradcalc.autograd.savedhooks as savedhooks

        saved = {}
        for name, value in self.saved.items():
            value = savedhooks.unpack(value)
            saved[name] = (
                tuple(None if t is None else t.array for t in value) if name == "result" else value
            )
        return saved

    def _apply_unpacked(self, grads: list, create_graph: bool) -> list:
        packed = self.saved
        self.saved = self._unpacked()
        self.hooked = False
        try:
            return self.apply(grads, create_graph)
        finally:
            self.saved = packed
            self.hooked = True

    def saved_value(self, name: str):
        """``grad_fn._saved_<name>`` (``_saved_self``, ``_saved_result``, ``_saved_dim``)."""
        op = self.op
        if name in op.outputs_read:
            return self._saved_output(op.outputs_read[name])
        if name == "result" and not op.reads_result:
            raise AttributeError(name)
        if self.hooked and name in self.saved:
            import gradcalc.autograd.savedhooks as savedhooks

            value = savedhooks.unpack(self.saved[name])
            return value[0] if name == "result" else value
        if any(name in saved for _, _, saved in self.op.formulas):
            # a value the derivative reads: None when the inputs that need a gradient
            # did not need it saved (as PyTorch)
            if self.freed:
                raise freed_error()
            value = self.saved.get(name)
            if name == "result" and value is not None:
                # the output as the node saw it: a tensor of this node, not the output itself
                return make_tensor(value[0], True, self)
            if type(value) in _WRAPPED and self.op.wraps_numbers:
                # the number as PyTorch wrapped it: a 0-d int64, float64 or bool tensor
                return make_tensor(np.asarray(value, dtype=_WRAPPED[type(value)]))
            return value
        if name.endswith("_sym_sizes"):  # only where a formula reads the shape, as PyTorch
            index = self.op.schema.index.get(name[: -len("_sym_sizes")])
            if index in self.op.sizes_read:
                return self.shapes[index]
        if name.endswith("_sym_numel"):
            index = self.op.schema.index.get(name[: -len("_sym_numel")])
            if index in self.op.numel_read:
                return math.prod(self.shapes[index])
        index = self.op.schema.index.get(name)
        if index in self.op.shown_params:
            return self.params[index]
        raise AttributeError(name)

    def _saved_output(self, k: int):
        """``_saved_indices``: output ``k`` as the node saw it."""
        if self.freed:
            raise freed_error()
        outputs = self.saved.get("result")
        if outputs is None:
            return None
        if self.hooked:
            import gradcalc.autograd.savedhooks as savedhooks

            return savedhooks.unpack(outputs)[k]
        return self._output_tensor(outputs[k], k)

    def _output_tensor(self, array: np.ndarray, k: int) -> Tensor:
        """Output ``k`` as a tensor of this node (requiring grad when it is floating)."""
        floating = array.dtype.kind == "f"
        t = make_tensor(array, floating, self if floating else None)
        t._output_nr = k
        return t

    # ---- backward ------------------------------------------------------------------------

    def apply(self, grads: list, create_graph: bool) -> list:
        if self.hooked:
            return self._apply_unpacked(grads, create_graph)
        op = self.op
        if op.any_list_input or op.outputs != 1:
            return self._apply_lists(grads, create_graph)
        g = grads[0]
        if g is None:
            return [None] * len(self.next_functions)
        out: list = []
        for need, (fn, sources, _) in zip(self.needs, op.formulas):
            if not need:
                out.append(None)
            elif sources is GRAD_ONLY:  # ``lambda grad: ...`` (add, neg...)
                out.append(fn(g))
            else:
                out.append(fn(*self._arguments(sources, g, grads, create_graph)))
        return out if self.kept is None else [out[k] for k in self.kept]

    def _apply_lists(self, grads: list, create_graph: bool) -> list:
        """``apply`` for an op with several outputs or a list of tensors as an input."""
        op = self.op
        out: list = []
        g = grads[0] if op.outputs == 1 else None
        if g is None and op.outputs == 1:
            return [None] * len(self.next_functions)
        for need, is_list, (fn, sources, _) in zip(self.needs, op.list_inputs, op.formulas):
            if not is_list:
                if not need:
                    out.append(None)
                    continue
            elif not any(need):
                out.extend([None] * len(need))
                continue
            r = fn(*self._arguments(sources, g, grads, create_graph))
            if is_list:
                out.extend(x if n else None for x, n in zip(r, need))
            else:
                out.append(r)
        return out if self.kept is None else [out[k] for k in self.kept]

    def _arguments(self, sources: tuple, g, grads: list, create_graph: bool) -> list:
        """What a formula reads, in its parameters' order."""
        args = []
        for kind, key in sources:
            if kind == "grad":
                args.append(g)
            elif kind == "param":
                args.append(self.params[key])
            elif kind == "saved" and not create_graph:
                value = self.saved[key]
                if type(value) is Tensor:
                    value = value.array
                elif type(value) is tuple:  # a list of tensors
                    value = [t.array for t in value]
                args.append(value)
            else:
                args.append(self._argument(kind, key, g, grads, create_graph))
        return args

    def apply_uniform(self, g, value, shape: tuple):
        """The input gradients when the output's gradient ``g`` is ``value`` at every position
        of ``shape``, computed on ``value`` alone and returned as ``Expanded`` gradients (``g``
        itself where a formula passes the gradient through). Only for a pointwise op whose
        formulas read nothing with more than one element, so every position would compute
        the same numbers; None otherwise (the caller then runs ``apply``)."""
        if not self.op.pointwise or self.hooked:
            return None
        for saved in self.saved.values():
            if type(saved) is Tensor:
                if saved.array.size > 1:
                    return None
            elif type(saved) is tuple:
                for item in saved:
                    if (item.array if type(item) is Tensor else item).size > 1:
                        return None
        out = []
        for r in self.apply([value], False):
            if r is None:
                out.append(None)
            elif r is value:
                out.append(g)
            else:
                if type(r) is not _ndarray:
                    r = np.asarray(r)
                if r.size != 1:
                    return None
                full = shape if r.ndim == 0 else np.broadcast_shapes(shape, r.shape)
                out.append(Expanded(r.reshape(()), full))
        return out

    def _argument(self, kind, key, g, grads, create_graph):
        if kind == "grad":
            return g
        if kind == "saved":
            value = self.saved[key]
            if type(value) is Tensor:
                return value if create_graph else value.array
            if type(value) is tuple:  # a list of tensors
                return value if create_graph else [t.array for t in value]
            return value
        if kind == "param":
            return self.params[key]
        if kind == "shape":
            return self.shapes[key]
        if kind == "numel":
            return math.prod(self.shapes[key])
        if kind == "output":
            array = self.saved["result"][key]
            return self._output_tensor(array, key) if create_graph else array
        if kind == "result":
            arrays = self.saved["result"]
            if not create_graph:
                return arrays[0] if len(arrays) == 1 else arrays
            tensors = []
            for nr, a in enumerate(arrays):
                t = make_tensor(a, True, self)
                t._output_nr = nr
                tensors.append(t)
            return tensors[0] if len(tensors) == 1 else tensors
        if kind == "grads":
            return grads
        if kind == "needs":
            return self.needs
        raise KeyError(kind)


def check_savable(value) -> None:
    """PyTorch keeps inference tensors out of graphs (they have no version counter)."""
    if type(value) is Tensor:
        inference = value._inference
    elif type(value) is tuple:
        inference = any(type(t) is Tensor and t._inference for t in value)
    else:
        return
    if inference:
        raise AutogradError(INFERENCE_SAVED, hint="clone() the tensor, or use torch.no_grad()")


INFERENCE_SAVED = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in "
    "inference mode in computation tracked by autograd. To work around this, you can make a "
    "clone to get a normal tensor and use it in autograd, or use `torch.no_grad()` instead of "
    "`torch.inference_mode()`."
)


def _shape(value):
    if type(value) is Tensor:
        return value.array.shape
    if type(value) is tuple:
        return tuple(t.array.shape for t in value)
    return ()
