"""One declaration per op: signature, forward, PyTorch node name, derivatives, spellings.

    @op("exp(Tensor self) -> Tensor", "ExpBackward0", dtype=to_float,
        grads={"self": lambda grad, result: grad * result})
    def exp(self):
        return np.exp(self)

is everything gradcalc knows about ``exp``: the binder for ``torch.exp(x)`` and
``x.exp()`` (from the signature), the forward on numpy arrays, the node name, how the
result dtype is chosen (``dtype_rules``), and one derivative formula per differentiable
input, as PyTorch's ``derivatives.yaml`` writes them. A formula's parameter names say what
it reads: ``grad`` (the output's gradient), ``result``, one output by name (``indices``),
an argument by name (``self``, ``other``, ``dim``), ``<argument>_shape``,
``<argument>_numel``; the op saves exactly what the formulas of the
inputs that need a gradient read. Formulas run on numpy arrays, and on Tensors under
``create_graph=True``: they use operators and ``F.<op>(...)``, which runs an op's forward on
arrays and the op itself on Tensors. From the same declaration come the ``torch.``/``F.``
functions, the Tensor methods and operators, the in-place ``exp_``, Tab completion and the
docs index (``registry.py``).
"""

from __future__ import annotations

import weakref

import numpy as np

import gradcalc.autograd.dtype_rules as dtype_rules
from gradcalc.autograd.broadcast import broadcast_shapes
from gradcalc.autograd.opnode import GRAD_ONLY, OpNode
from gradcalc.autograd.schema import LazySchema, Schema, normalize_dim, normalize_dims
from gradcalc.autograd.settings import STATE
from gradcalc.autograd.tensor import Tensor, make_tensor, version_box

_ndarray = np.ndarray
_int64 = np.dtype(np.int64)
_SPECIAL_ARGS = ("grad", "grads", "result", "needs")
_BOTH_OPERANDS = (0, 1)


class Op:
    """A declared operation. Calling it binds the arguments and applies it.

    Declaring stays cheap (hundreds of ops are declared at import): the signature is parsed
    and the formulas' parameters read by ``prepare``, which a ``LazyOp`` runs on first use."""

    # Set on the ops of split/unbind/chunk whose results are views: PyTorch refuses in-place
    # changes of those views while they require grad (CreationMeta::MULTI_OUTPUT_NODE).
    multi_output_views = False

    def __init__(
        self,
        schema: str,
        forward,
        node=None,
        *,
        dtype=dtype_rules.same,
        grads=None,
        view: bool = False,
        broadcast: bool = False,
        outputs: int = 1,
        method: bool | str = True,
        function: bool = True,
        namespaces: tuple = ("torch",),
        aliases: tuple = (),
        inplace: bool = False,
        operators: tuple = (),
        doc: str = "",
        example: str = "",
        torch_name: str | None = None,
        wraps_numbers: bool = False,
    ) -> None:
        self.schema = LazySchema(schema)
        self.name = self.schema.name
        self.forward = forward
        self.node_name = node
        self.dtype_rule = dtype
        self.view = view
        self.broadcast = broadcast
        # A broadcasting op with one output is pointwise: its derivatives are too, which lets
        # the engine run them on one value for a gradient that is one value expanded.
        self.pointwise = broadcast and outputs == 1
        self.outputs = outputs
        self.method = self.schema.display if method is True else (method or None)
        self.function = function
        self.namespaces = namespaces
        self.aliases = aliases
        self.inplace = inplace
        self.operators = operators  # Tensor dunders this op is (``__add__``, ``__radd__``)
        self.inplace_function = True  # torch.exp_ exists; torch.add_ does not (see below)
        self._doc = doc
        self.example = example
        self.torch_name = torch_name or self.name
        # A Python number where the signature says ``Tensor|Scalar``: PyTorch's binding either
        # wraps it in a tensor (add, mul, where...: an edge ``(None, 0)`` in next_functions)
        # or dispatches to the op's Scalar overload (pow, clamp...: no edge at all).
        self.wraps_numbers = wraps_numbers
        self.to_float = dtype is dtype_rules.promote_float
        self._grads = grads or {}
        self._plans: dict = {}
        if type(self) is Op:  # a LazyOp prepares on first use
            self.prepare()

    def prepare(self) -> None:
        """Read the signature and the formulas (once): which inputs are differentiable, what
        each formula reads. Errors in a declaration surface here."""
        if "formulas" in self.__dict__:
            return
        params = self.schema.params
        grads = self._grads
        unknown = set(grads) - set(self.schema.index)
        if unknown:
            raise TypeError(f"op {self.name}: derivatives for unknown arguments {unknown}")
        self.tensor_params = tuple(i for i, p in enumerate(params) if p.kind.startswith("Tensor"))
        # Differentiable inputs, in signature order: each gets an edge in the graph.
        self.inputs = tuple(i for i in self.tensor_params if params[i].name in grads)
        self.promoted = self.inputs or self.tensor_params
        # a node keeps the non-tensor arguments: when the tensors come first (most ops), as
        # ``tensor_nones + values[tensor_prefix:]``
        n = len(self.tensor_params)
        self.tensor_prefix = n if self.tensor_params == tuple(range(n)) else None
        self.tensor_nones = (None,) * n
        self.dim_params = tuple(
            (i, p.kind) for i, p in enumerate(params) if p.kind in ("Dim", "Dim[]", "NewDim")
        )
        self.list_inputs = tuple(params[i].kind == "Tensor[]" for i in self.inputs)
        self.any_list_input = any(self.list_inputs)
        self.list_params = frozenset(i for i in self.tensor_params if params[i].kind == "Tensor[]")
        self.differentiable = self.node_name is not None and bool(self.inputs)
        self._tail = tuple(self.schema.defaults[2:])
        self.formulas = tuple(_formula(grads[params[i].name], self.schema) for i in self.inputs)
        read = {(kind, key) for _, sources, _ in self.formulas for kind, key in sources}
        # the inputs whose shape (``self_shape``) or element count (``self_numel``) a formula
        # reads: the node keeps their shapes, and shows them as ``_saved_self_sym_sizes`` and
        # ``_saved_self_sym_numel``, as PyTorch's node shows what its formula reads
        self.sizes_read = frozenset(key for kind, key in read if kind == "shape")
        self.numel_read = frozenset(key for kind, key in read if kind == "numel")
        self.shape_params = tuple(sorted(self.sizes_read | self.numel_read))
        # a formula that reads ``result`` reads every output; one that reads ``indices`` only
        # that one: the node checks (and shows, as ``_saved_indices``) only what is read
        self.reads_result = ("result", None) in read
        names = self.schema.output_names
        self.outputs_read = {names[k]: k for kind, k in read if kind == "output"}
        # the outputs the node checks and packs: None for all of them
        self.kept_outputs = None if self.reads_result else frozenset(self.outputs_read.values())
        # ``_saved_<argument>`` for the other arguments, but a ``dtype=`` only where a formula
        # reads it: PyTorch's formulas read them (``dim``, ``keepdim``), not the dtype
        self.shown_params = frozenset(
            i
            for i, p in enumerate(params)
            if i not in self.tensor_params
            and (not p.kind.startswith("ScalarType") or ("param", i) in read)
        )
        if type(self) is LazyOp:
            self.__class__ = Op

    @property
    def doc(self) -> str:
        """The docs index entry: the forward's first docstring line unless ``doc=`` said."""
        return self._doc or _first_doc_line(self.forward)

    @doc.setter
    def doc(self, text: str) -> None:
        self._doc = text

    # ---- calling ------------------------------------------------------------------------

    def __call__(self, *args, **kwargs):
        return self.apply(self.schema.bind(args, kwargs))

    def call_method(self, tensor, *args, **kwargs):
        return self.apply(self.schema.bind((tensor, *args), kwargs, method=True))

    def binary(self, a: Tensor, b):
        """``a <op> b`` for the operators: no binding when the operands need no promotion."""
        x = a.array
        dtype = x.dtype
        tb = type(b)
        if tb is Tensor:
            y = b.array
            # Bools take the general path: their dtype rules refuse what PyTorch refuses.
            kind = dtype.kind
            if (
                (dtype is not y.dtype and dtype != y.dtype)
                or kind == "b"
                or (self.to_float and kind != "f")
            ):
                return self.apply(self.schema.bind((a, b), {}))
            if x.shape != y.shape and x.ndim and y.ndim:  # a 0-d operand broadcasts to any shape
                broadcast_shapes(x.shape, y.shape)
            requires = a._requires_grad or b._requires_grad
        elif (tb is float and dtype.kind == "f") or (
            tb is int and (dtype.kind == "f" or (dtype == _int64 and not self.to_float))
        ):
            y = b
            requires = a._requires_grad
        else:
            return self.apply(self.schema.bind((a, b), {}))
        out = self.forward(x, y)
        if type(out) is not _ndarray:
            out = np.asarray(out)
        result = make_tensor(out)
        if requires and self.differentiable and STATE.grad_enabled and out.dtype.kind == "f":
            values = [a, b, *self._tail]
            if self.inputs == _BOTH_OPERANDS:  # needs_of for two operands, spelled out
                needs = (a._requires_grad, tb is Tensor and b._requires_grad)
                _attach(self, values, needs, (result,))
            else:
                _record(self, values, (result,), None)
        return result

    def raw(self, *args, **kwargs):
        """``F.<op>`` inside derivative formulas: the forward on arrays, the op on Tensors."""
        for a in args:
            if type(a) is Tensor or (type(a) is tuple and a and type(a[0]) is Tensor):
                return self.apply(self.schema.bind(args, kwargs))
        return self.forward(*args, **kwargs)

    def node_label(self, values) -> str:
        name = self.node_name
        return name if type(name) is str else name(*values)

    def apply(self, values: list, inplace_of=None):
        """Run the op on bound ``values`` (parameter order) and record it when needed."""
        if self.dim_params:
            _normalize_dims(self, values)
        if self.broadcast:
            # Every tensor operand, in order, as PyTorch's TensorIterator (where's condition too).
            broadcast_shapes(
                *[values[i].array.shape for i in self.tensor_params if type(values[i]) is Tensor]
            )
        compute, result_dtype = self.dtype_rule(self, values)
        args = list(values)
        promoted = self.promoted
        for i in self.tensor_params:
            v = args[i]
            if type(v) is Tensor:
                a = v.array
                if compute is not None and i in promoted and a.dtype != compute:
                    a = a.astype(compute)
                args[i] = a
            elif type(v) is tuple and i in self.list_params:
                arrays = [t.array for t in v]
                if compute is not None and i in promoted:
                    arrays = [a if a.dtype == compute else a.astype(compute) for a in arrays]
                args[i] = arrays
        out = self.forward(*args)
        if self.outputs == 1:
            if type(out) is not _ndarray:
                out = np.asarray(out)
            if result_dtype is not None and out.dtype != result_dtype.np:
                out = out.astype(result_dtype.np)
            result = make_tensor(out)
            if self.view:
                _make_view(result, values[0], self, values)
            if STATE.grad_enabled and self.differentiable and out.dtype.kind == "f":
                _record(self, values, (result,), inplace_of)
            return result
        results = []
        for a in out:
            if type(a) is not _ndarray:
                a = np.asarray(a)
            if result_dtype is not None and a.dtype.kind == "f" and a.dtype != result_dtype.np:
                a = a.astype(result_dtype.np)
            t = make_tensor(a)
            if self.view:
                _make_view(t, values[0], self, values)
            results.append(t)
        differentiable = [t for t in results if t.array.dtype.kind == "f"]
        if STATE.grad_enabled and self.differentiable and differentiable:
            _record(self, values, tuple(results), inplace_of)
        return tuple(results)

    def needs_of(self, values) -> tuple:
        needs = []
        for i, is_list in zip(self.inputs, self.list_inputs):
            v = values[i]
            if is_list:
                needs.append(tuple(t._requires_grad for t in v))
            else:
                needs.append(type(v) is Tensor and v._requires_grad)
        return tuple(needs)

    def save_plan(self, needs: tuple) -> tuple:
        """``(name, parameter index)`` of each value to save for this pattern of needed input
        gradients (index None: the result); cached per pattern."""
        plan = self._plans.get(needs)
        if plan is None:
            names: list[str] = []
            for k, need in enumerate(needs):
                if need if type(need) is bool else any(need):
                    for name in self.formulas[k][2]:
                        if name not in names:
                            names.append(name)
            index = self.schema.index
            plan = tuple((name, None if name == "result" else index[name]) for name in names)
            self._plans[needs] = plan
        return plan

    def __repr__(self) -> str:
        return f"<op {self.name}>"


class LazyOp(Op):
    """An ``Op`` not used yet: the first read of an attribute ``prepare`` sets prepares it and
    makes it a plain ``Op``, as ``importlib.util.LazyLoader`` makes its module a plain
    module. CPython specializes attribute reads only on classes without ``__getattr__``
    (about 3x faster), and running an op reads a dozen."""

    def __getattr__(self, name: str):
        if name.startswith("__") or "formulas" in self.__dict__:
            raise AttributeError(name)
        self.prepare()
        return getattr(self, name)


def _first_doc_line(fn) -> str:
    doc = fn.__doc__
    return doc.strip().split("\n")[0] if doc else ""


def _normalize_dims(op: Op, values: list) -> None:
    ndim = values[op.tensor_params[0]].array.ndim
    for i, kind in op.dim_params:
        d = values[i]
        if d is None:
            continue
        if kind == "Dim[]":
            values[i] = normalize_dims(d, ndim)
        else:
            values[i] = normalize_dim(d, ndim, 1 if kind == "NewDim" else 0)


def _formula(fn, schema: Schema) -> tuple:
    """``(fn, argument sources, saved names)`` for one derivative formula."""
    code = fn.__code__  # a formula is a plain function or lambda of named parameters
    params = code.co_varnames[: code.co_argcount]
    sources = []
    saved = []
    for name in params:
        if name in _SPECIAL_ARGS:
            sources.append((name, None))
            if name == "result":
                saved.append("result")
        elif name.endswith("_shape") and name[: -len("_shape")] in schema.index:
            sources.append(("shape", schema.index[name[: -len("_shape")]]))
        elif name.endswith("_numel") and name[: -len("_numel")] in schema.index:
            sources.append(("numel", schema.index[name[: -len("_numel")]]))
        elif name in schema.index:
            i = schema.index[name]
            if schema.params[i].kind.startswith("Tensor"):
                sources.append(("saved", name))
                saved.append(name)
            else:
                sources.append(("param", i))
        elif name in schema.output_names:  # one output (``indices``): kept with the result
            sources.append(("output", schema.output_names.index(name)))
            if "result" not in saved:
                saved.append("result")
        else:
            raise TypeError(f"derivative formula reads {name!r}, which {schema.name} lacks")
    sources = tuple(sources)
    # one object for every ``lambda grad: ...`` formula (add, neg...): OpNode.apply tests it
    # by identity
    return fn, GRAD_ONLY if sources == GRAD_ONLY else sources, tuple(saved)


def _record(op: Op, values, results: tuple, inplace_of) -> None:
    needs = op.needs_of(values)
    if True not in needs and not (
        op.any_list_input and any(type(n) is tuple and True in n for n in needs)
    ):
        return
    _attach(op, values, needs, results)


def _attach(op: Op, values, needs: tuple, results: tuple) -> None:
    """The node of an application that needs one: the results' grad_fn."""
    node = OpNode(op, values, needs, results)
    for nr, t in enumerate(results):
        if t.array.dtype.kind == "f":
            t.grad_fn = node
            t._requires_grad = True
            t._output_nr = nr
    if STATE.saved_hooks:
        node.pack_saved(results)


def _make_view(result: Tensor, source: Tensor, op: Op, values) -> None:
    """``result`` shares ``source``'s array: same base, version counter and replay steps."""
    base = source._base if source._base is not None else source
    result._base = base
    result._vc = version_box(base)
    params = tuple(values[1:])
    step = (op, params)
    result._view_fn = (*source._view_fn, step) if source._view_fn else (step,)
    views = base._views
    if views is None:
        views = base._views = []
    views.append(weakref.ref(result))


class Namespace:
    """``F`` for derivative formulas: ``F.sum_dim(g, (0,), True)`` is the op's ``raw`` call."""

    def _register(self, op) -> None:
        name = op.name.replace(".", "_")
        if name in self.__dict__:
            raise RuntimeError(f"F.{name} registered twice")
        setattr(self, name, op.raw)


F = Namespace()


OPS: dict = {}  # name -> Op or Composite


def in_place_methods_only(*ops) -> None:
    """PyTorch has ``x.add_()`` but no ``torch.add_``: these ops' in-place forms are methods."""
    for declared in ops:
        declared.inplace_function = False


def op(schema: str, node=None, **options):
    """Decorator: declare the function below as the forward of a new op (see the module)."""

    def register(forward) -> Op:
        declared = LazyOp(schema, forward, node, **options)
        if declared.name in OPS:
            raise RuntimeError(f"op {declared.name!r} declared twice")
        OPS[declared.name] = declared
        F._register(declared)
        return declared

    return register


class Composite:
    """A function made of other ops (``reshape``, ``flatten``, ``x.T``): spellings and a
    binder like an op's, no derivative of its own. Its body calls ``F.<op>``, so it also
    runs on arrays inside derivative formulas."""

    inplace = False
    view = False
    differentiable = False

    def __init__(
        self,
        schema: str,
        fn,
        *,
        method=True,
        function=True,
        namespaces=("torch",),
        aliases=(),
        operators=(),
        doc="",
        example="",
        torch_name=None,
    ) -> None:
        self.schema = LazySchema(schema)
        self.name = self.schema.name
        self.fn = fn
        self.method = self.schema.display if method is True else (method or None)
        self.function = function
        self.namespaces = namespaces
        self.aliases = aliases
        self.operators = operators
        self._doc = doc
        self.example = example
        self.torch_name = torch_name or self.name

    @property
    def doc(self) -> str:
        return self._doc or _first_doc_line(self.fn)

    @doc.setter
    def doc(self, text: str) -> None:
        self._doc = text

    def __call__(self, *args, **kwargs):
        return self.fn(*self.schema.bind(args, kwargs))

    def call_method(self, tensor, *args, **kwargs):
        return self.fn(*self.schema.bind((tensor, *args), kwargs, method=True))

    def raw(self, *args, **kwargs):
        return self.fn(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<composite {self.name}>"


def composite(schema: str, **options):
    """Decorator: declare the function below as a composite op (see ``Composite``)."""

    def register(fn) -> Composite:
        declared = Composite(schema, fn, **options)
        if declared.name in OPS:
            raise RuntimeError(f"op {declared.name!r} declared twice")
        OPS[declared.name] = declared
        F._register(declared)
        return declared

    return register
