"""What gradcalc says about an op: its spellings, signature, doc line, node and example.

``describe("torch.max")`` is the text ``help(torch.max)`` and the REPL's ``:help max`` show;
``entries()`` is the same data for every declaration that owns a public spelling, in the
order of the docs' op index (``docs/make_ops_index.py`` renders ``docs/ops.md`` from it).
Everything here is read from the declarations and the spelling tables of ``registry``, so a
new op is described as soon as it is declared.
"""

from __future__ import annotations

import sys
from functools import cache
from typing import NamedTuple

import gradcalc.autograd.registry as registry
from gradcalc.autograd.declare import OPS, Op
from gradcalc.errors import NameLookupError

# How each registry namespace is written in PyTorch code.
PREFIXES = {
    "torch": "torch.",
    "F": "torch.nn.functional.",
    "linalg": "torch.linalg.",
    "special": "torch.special.",
    "autograd": "torch.autograd.",
}
PREFIXES_BY_TEXT = {text: ns for ns, text in PREFIXES.items()}
# Shorter spellings people type for the same places (``F.relu``, ``linalg.det``).
_SHORT_PREFIXES = {
    "F.": "F",
    "nn.functional.": "F",
    "linalg.": "linalg",
    "special.": "special",
    "autograd.": "autograd",
    "torch.Tensor.": "Tensor",
    "Tensor.": "Tensor",
}
_OPS_PACKAGE = "gradcalc.autograd.ops."


class Spelled(NamedTuple):
    """One public spelling of a declaration: ``torch.exp`` (kind ``name``), ``Tensor.exp_``
    (``in-place``), ``torch.absolute`` (``alias``) or ``Tensor.__add__`` (``operator``)."""

    text: str
    kind: str


class Entry(NamedTuple):
    """One declaration as the docs index and ``help`` show it."""

    declared: object  # the Op or Composite
    family: str  # the module of ops/ that declares it: "pointwise"
    name: str  # what calls spell: "max" for max.dim
    spellings: tuple  # of Spelled
    signature: str  # PyTorch's schema under the spelled name: "max(Tensor self) -> Tensor"
    doc: str
    nodes: tuple  # PyTorch node names it records (empty for composites)
    example: str


def _owners(spelling) -> list:
    return list(
        spelling.overloads
        if isinstance(spelling, registry.Spelling)
        else getattr(spelling, "ops", ())
    )


def _spellings() -> dict:
    """Declaration -> its public spellings, from the tables that calls really resolve through."""
    found: dict = {}

    def add(declared, text: str, kind: str) -> None:
        found.setdefault(declared, []).append(Spelled(text, kind))

    def kind_of(declared, name: str, spelling) -> str:
        if isinstance(spelling, registry.InplaceSpelling):
            return "in-place"
        return "name" if name == declared.schema.display else "alias"

    for ns, table in registry.FUNCTIONS.items():
        for name, spelling in table.items():
            for declared in _owners(spelling):
                add(declared, PREFIXES[ns] + name, kind_of(declared, name, spelling))
    for name, spelling in registry.METHODS.items():
        for declared in _owners(spelling):
            add(declared, "Tensor." + name, kind_of(declared, name, spelling))
    for dunder, declared in registry.OPERATORS.items():
        add(declared, "Tensor." + dunder, "operator")
    return found


def _module_holders() -> dict:
    """id(declaration) -> the ops modules that hold it as a module-level name."""
    holders: dict = {}
    for module_name, module in list(sys.modules.items()):
        if not module_name.startswith(_OPS_PACKAGE) or module is None:
            continue
        family = module_name[len(_OPS_PACKAGE) :]
        for value in vars(module).values():
            if getattr(value, "name", None) in OPS and OPS[value.name] is value:
                holders.setdefault(id(value), []).append(family)
    return holders


def _family(declared, holders: dict) -> str:
    function = declared.forward if isinstance(declared, Op) else declared.fn
    home = function.__module__.rpartition(".")[2]
    # A declaration made by a helper of another module (``inplace_alias``) belongs to the
    # module that calls the helper and keeps the result.
    if "<locals>" in function.__qualname__:
        places = [f for f in holders.get(id(declared), ()) if f != home]
        if len(places) == 1:
            return places[0]
    return home


def _nodes(declared) -> tuple:
    if not isinstance(declared, Op) or not declared.differentiable:
        return ()
    node = declared.node_name
    if isinstance(node, str):
        return (node.rpartition("::")[2],)
    return ("chosen by the arguments",)


def _signature(declared) -> str:
    schema = declared.schema
    return schema.display + schema.text[len(schema.name) :]


@cache
def entries() -> tuple:
    """Every declaration with a public spelling, grouped by family, in declaration order."""
    spellings = _spellings()
    holders = _module_holders()
    made = []
    for declared in OPS.values():
        spelled = spellings.get(declared)
        if not spelled:
            continue  # hidden: used by other ops and formulas only
        made.append(
            Entry(
                declared=declared,
                family=_family(declared, holders),
                name=declared.schema.display,
                spellings=tuple(spelled),
                signature=_signature(declared),
                doc=declared.doc,
                nodes=_nodes(declared),
                example=declared.example,
            )
        )
    order = {family: i for i, family in enumerate(dict.fromkeys(e.family for e in made))}
    return tuple(sorted(made, key=lambda e: order[e.family]))


def _split(name: str) -> tuple:
    """``(table, bare name)``: table None for a bare name (every place it is spelled)."""
    for prefix in sorted(PREFIXES.values(), key=len, reverse=True):
        if name.startswith(prefix) and prefix != "torch.":
            return PREFIXES_BY_TEXT[prefix], name[len(prefix) :]
    for prefix, table in _SHORT_PREFIXES.items():
        if name.startswith(prefix):
            return table, name[len(prefix) :]
    if name.startswith("torch."):
        return "torch", name[len("torch.") :]
    head, dot, rest = name.rpartition(".")
    if dot and head.isidentifier():
        return "Tensor", rest  # ``x.exp``: a method of some tensor
    return None, name


def lookup(name: str) -> list:
    """The entries a name refers to: ``"torch.max"``, ``"F.relu"``, ``"Tensor.exp_"``,
    ``"x.sum"``, or a bare ``"relu"`` (every op spelled so anywhere)."""
    table, bare = _split(name.strip())
    wanted = set()
    if table is None:
        wanted = {PREFIXES[ns] + bare for ns in PREFIXES} | {"Tensor." + bare}
    elif table == "Tensor":
        wanted = {"Tensor." + bare}
    else:
        wanted = {PREFIXES[table] + bare}
    return [e for e in entries() if any(s.text in wanted for s in e.spellings)]


def lookup_spelling(spelling) -> list:
    """The entries behind a registry spelling object (what ``torch.max`` evaluates to)."""
    return [e for e in entries() if e.declared in _owners(spelling)]


def describe_entries(found: list) -> str:
    """The help text of some entries: each signature with its doc line, node and example,
    then every spelling they share."""
    lines = []
    for entry in found:
        lines.append(entry.signature)
        if entry.doc:
            lines.append(f"    {entry.doc}")
        if entry.nodes:
            lines.append(f"    PyTorch node: {', '.join(entry.nodes)}")
        if entry.example:
            lines.append(f"    example: {entry.example}")
    spelled = dict.fromkeys(s.text for entry in found for s in entry.spellings)
    lines.append("spellings: " + ", ".join(spelled))
    return "\n".join(lines)


def describe(name) -> str:
    """``help`` for an op: a name (``"torch.exp"``, ``"exp"``, ``"x.exp_"``) or a spelling
    object from the registry. Unknown names raise NameLookupError."""
    if isinstance(name, str):
        found = lookup(name)
    else:
        found = lookup_spelling(name)
        name = getattr(name, "name", repr(name))
    if not found:
        raise NameLookupError(
            f"no op named {name!r}",
            hint="check the spelling: help(torch.exp) and help(exp) describe one op",
        )
    return describe_entries(found)
