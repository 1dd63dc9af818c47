"""The op index, docs/ops.md: every public spelling of every declared op is documented with an
example that runs, and each example prints what PyTorch 2.13 prints.

``docs/make_ops_index.py`` writes the index and stores PyTorch's outputs in
``tests/data/ops_index_torch.json``; these tests regenerate the index and compare. After
changing a declaration, run ``GRADCALC_UPDATE_DOCS=1 pytest tests/test_ops_index.py`` (or
``python docs/make_ops_index.py``) to rewrite docs/ops.md, and ``python
docs/make_ops_index.py --torch`` where torch is installed to store PyTorch's outputs of new
examples.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from pathlib import Path

import pytest

from gradcalc.autograd import registry
from gradcalc.autograd.describe import PREFIXES, describe, entries, lookup
from gradcalc.errors import NameLookupError

MAKER_PATH = Path(__file__).resolve().parent.parent / "docs" / "make_ops_index.py"

# Examples whose output differs from PyTorch's because of a bug in an op, each with its
# reproduction. The tests check that they still differ, so a fix shows up here.
KNOWN_DIFFERENCES = {}
# Examples that fail in gradcalc though they are valid PyTorch (also in KNOWN_DIFFERENCES).
KNOWN_FAILURES: set = set()

# ``torch.<op>_`` functions the registry makes for every in-place op in the ``torch``
# namespace, which PyTorch 2.13 does not have (it has ``torch.exp_`` but no ``torch.add_``).
EXTRA_SPELLINGS: frozenset = frozenset()  # spellings gradcalc has and PyTorch lacks


def _load_maker():
    spec = importlib.util.spec_from_file_location("make_ops_index", MAKER_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def maker():
    return _load_maker()


@pytest.fixture(scope="module")
def built(maker):
    """``(ops.md text, entries, {example: (gradcalc's output, ran cleanly)})``."""
    return maker.build()


def _registry_spellings() -> set:
    spelled = set()
    for ns, table in registry.FUNCTIONS.items():
        spelled |= {PREFIXES[ns] + name for name in table}
    spelled |= {"Tensor." + name for name in registry.METHODS}
    spelled |= {"Tensor." + dunder for dunder in registry.OPERATORS}
    return spelled


def _calls(example: str, spelled: str) -> bool:
    """Whether ``example`` calls the function or method ``spelled`` (``F.x`` for
    ``torch.nn.functional.x``)."""
    if spelled.startswith("Tensor."):
        return re.search(r"\." + re.escape(spelled[len("Tensor.") :]) + r"\(", example) is not None
    forms = [spelled]
    if spelled.startswith(PREFIXES["F"]):
        forms.append("F." + spelled[len(PREFIXES["F"]) :])
    return any(re.search(r"(?<![\w.])" + re.escape(f) + r"\(", example) for f in forms)


# ---- every spelling documented, every example run ---------------------------------------------


def test_every_public_spelling_is_documented(built):
    text, found, _ = built
    documented = {s.text for entry in found for s in entry.spellings}
    assert documented == _registry_spellings()
    missing = [s for s in sorted(documented) if f"`{s}`" not in text]
    assert not missing, f"spellings absent from docs/ops.md: {missing}"


def test_every_documented_declaration_has_an_example_that_calls_it(built):
    _, found, _ = built
    without = [e.declared.name for e in found if not e.example]
    assert not without, f"declarations with a public spelling but no example=: {without}"
    stray = [
        (e.declared.name, e.example)
        for e in found
        if not any(_calls(e.example, s.text) for s in e.spellings if s.kind != "operator")
    ]
    assert not stray, f"examples that call none of their op's spellings: {stray}"


def test_examples_run_without_error(built):
    _, _, outputs = built
    failed = {
        example: output
        for example, (output, ok) in outputs.items()
        if not ok and example not in KNOWN_FAILURES
    }
    assert not failed, f"examples that fail in gradcalc: {failed}"
    still_failing = {example for example in KNOWN_FAILURES if not outputs[example][1]}
    assert still_failing == KNOWN_FAILURES, "a known failure runs now: update KNOWN_FAILURES"


def test_every_spelling_resolves_in_the_interpreter():
    """Each documented function and method is reachable from a program, as written there."""
    from gradcalc.interpreter import Session

    lines = []
    for spelled in sorted(_registry_spellings()):
        if spelled.startswith("Tensor.__"):
            continue
        lines.append("x." + spelled[len("Tensor.") :] if spelled.startswith("Tensor.") else spelled)
    session = Session(record_graph=False)
    setup = session.run("import torch\nimport torch.nn.functional as F\nx = torch.ones(2)\n")
    assert setup.ok
    result = session.run("\n".join(lines) + "\n", keep_going=True)
    unresolved = [s.source for s in result.statements if s.error is not None]
    assert not unresolved, f"spellings a program cannot reach: {unresolved}"
    assert len(result.statements) == len(lines)


def test_ops_md_is_current(built, maker):
    text = built[0]
    if os.environ.get("GRADCALC_UPDATE_DOCS") == "1":
        maker.OPS_MD.write_text(text, encoding="utf-8")
    current = maker.OPS_MD.read_text(encoding="utf-8")
    assert current == text, (
        "docs/ops.md is stale: run GRADCALC_UPDATE_DOCS=1 pytest tests/test_ops_index.py "
        "or python docs/make_ops_index.py"
    )


# ---- the outputs are PyTorch's ----------------------------------------------------------------


def _check_against(torch_outputs: dict, outputs: dict) -> None:
    missing = sorted(set(outputs) - set(torch_outputs))
    assert not missing, (
        f"no PyTorch output stored for {missing}: run python docs/make_ops_index.py --torch"
    )
    differ = {
        example: (mine, torch_outputs[example])
        for example, (mine, _) in outputs.items()
        if mine != torch_outputs[example] and example not in KNOWN_DIFFERENCES
    }
    assert not differ, "outputs that differ from PyTorch's (gradcalc, torch): " + "\n".join(
        f"\n>>> {example}\n{mine}\n--- torch:\n{theirs}"
        for example, (mine, theirs) in differ.items()
    )
    fixed = [e for e in KNOWN_DIFFERENCES if outputs[e][0] == torch_outputs[e]]
    assert not fixed, f"known differences that are fixed now: remove them: {fixed}"


def test_outputs_match_the_stored_pytorch_outputs(built, maker):
    _, _, outputs = built
    store = json.loads(maker.TORCH_OUTPUTS.read_text(encoding="utf-8"))
    assert store["preamble"] == maker.PREAMBLE, "the preamble changed: run --torch again"
    assert store["torch"].startswith("2.13")
    _check_against(store["outputs"], outputs)


@pytest.mark.torch
def test_outputs_match_pytorch_run_now(built, maker, torch_module):
    assert torch_module.__version__.startswith("2.13"), "the stored outputs are torch 2.13's"
    _, _, outputs = built
    live = maker.torch_outputs(outputs)
    _check_against(live, outputs)
    stale = sorted(e for e in outputs if maker.read_torch_outputs().get(e) != live[e])
    assert not stale, f"stored PyTorch outputs are stale, run --torch: {stale}"


@pytest.mark.torch
def test_documented_spellings_exist_in_pytorch(built, torch_module):
    _, found, _ = built
    absent = set()
    for spelled in {s.text for entry in found for s in entry.spellings}:
        owner, *path = spelled.split(".")
        target = torch_module.Tensor if owner == "Tensor" else torch_module
        for part in path:
            if not hasattr(target, part):
                absent.add(spelled)
                break
            target = getattr(target, part)
    assert absent == EXTRA_SPELLINGS


# ---- describe(): what help() shows -----------------------------------------------------------


def test_describe_lists_every_overload_of_a_spelling():
    text = describe("torch.max")
    assert text.startswith("max(Tensor self) -> Tensor\n")
    assert "max(Tensor self, Tensor other) -> Tensor" in text
    assert "max(Tensor self, Dim dim, bool keepdim=False) -> Tensor values, Tensor indices" in text
    assert "    PyTorch node: MaxBackward1" in text
    assert "    example: torch.max(x)" in text
    assert text.endswith("spellings: torch.max, Tensor.max")


def test_describe_reads_every_way_of_naming_an_op():
    exp = describe("torch.exp")
    assert exp == describe("exp") == describe("Tensor.exp_") == describe("x.exp")
    assert exp.splitlines()[:2] == [
        "exp(Tensor self) -> Tensor",
        "    e to the power of each element.",
    ]
    assert describe("F.relu") == describe("torch.nn.functional.relu")
    assert "spellings: torch.nn.functional.relu" in describe("F.relu")
    assert [e.declared.name for e in lookup("relu")] == ["relu", "relu.F"]
    assert describe("linalg.det") == describe("torch.det")
    assert "Tensor.__add__" in describe("Tensor.__add__")


def test_describe_takes_the_registry_objects_programs_hold():
    assert describe(registry.FUNCTIONS["torch"]["exp"]) == describe("torch.exp")
    assert describe(registry.METHODS["exp_"]) == describe("torch.exp")


def test_describe_refuses_unknown_names():
    with pytest.raises(NameLookupError, match="no op named 'torch.frobnicate'"):
        describe("torch.frobnicate")


def test_entries_are_grouped_by_family_in_declaration_order():
    families = [e.family for e in entries()]
    assert families == sorted(families, key=families.index)  # each family in one run
    assert entries()[0].declared.name == "exp"
    assert {e.family for e in entries()} >= {"pointwise", "reductions", "views", "linalg"}
