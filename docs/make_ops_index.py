"""Write docs/ops.md, the op index, from the op declarations, running every example.

    python docs/make_ops_index.py            # rewrite docs/ops.md (the outputs are gradcalc's)
    python docs/make_ops_index.py --torch    # also store PyTorch's outputs (needs torch 2.13)
    python docs/make_ops_index.py --check    # write nothing; exit 1 when ops.md is stale, an
                                             # example fails, or an output differs from torch's

Run from the repository root with ``PYTHONPATH=src``. Each example is one PyTorch expression
or statement; it runs after ``PREAMBLE`` in a fresh gradcalc session (and, for ``--torch``,
in real PyTorch), and what it shows is recorded the way Python's interactive interpreter
shows it: the echoed ``repr``, printed text, one ``Category: message`` line per warning and
``Type: message`` for an error (an error is a failed example). ``tests/test_ops_index.py``
regenerates the index and compares it with docs/ops.md and each output with PyTorch's.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
REPO = DOCS.parent
OPS_MD = DOCS / "ops.md"
TORCH_OUTPUTS = REPO / "tests" / "data" / "ops_index_torch.json"

# What every example may use. Small hand-picked values where the digits should be readable,
# seeded random ones for the 3-D tensor; keep it short: it is shown once at the top of ops.md.
PREAMBLE = """\
import torch
import torch.nn.functional as F
torch.manual_seed(0)
x = torch.tensor([-1.5, -0.5, 0.25, 2.0], requires_grad=True)
y = torch.tensor([0.5, 1.0, -2.0, 3.0])
p = torch.tensor([0.1, 0.4, 0.5, 0.9], requires_grad=True)
v = torch.tensor([1.0, -2.0, 0.5])
A = torch.tensor([[4.0, 1.0, 0.5], [1.0, 3.0, 0.0], [0.5, 0.0, 2.0]], requires_grad=True)
B = torch.tensor([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]], requires_grad=True)
T = torch.randn(2, 3, 3)
idx = torch.tensor([2, 0])
mask = torch.tensor([True, False, True, False])
"""

_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
_TRIGGERED_AT = re.compile(r" ?\(Triggered internally at [^)]*\)")
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)


def normalise(text: str) -> str:
    """Addresses as ``0x...``, PyTorch's build paths dropped, no trailing spaces or lines."""
    text = _ADDRESS.sub("0x...", text)
    text = _TRIGGERED_AT.sub("", text)
    return _TRAILING_SPACE.sub("", text).rstrip("\n")


def _first_line(category: str, message: str) -> str:
    message = message.split("\n", 1)[0]
    return f"{category}: {message}" if message else category


# ---- running the examples ---------------------------------------------------------------------


@contextlib.contextmanager
def _fresh_process_state():
    """The process defaults a new ``gradcalc`` run starts from (as a new ``python`` does):
    float32 default dtype, default print options, grad mode on, anomaly mode off. What was
    set before is restored afterwards, so running the examples changes nothing around them."""
    from gradcalc.autograd import dtypes
    from gradcalc.autograd.printing import PRINT_OPTIONS
    from gradcalc.autograd.settings import STATE

    options = [getattr(PRINT_OPTIONS, name) for name in PRINT_OPTIONS.__slots__]
    modes = [getattr(STATE, name) for name in _STATE_FIELDS]
    default_float = dtypes.DEFAULTS.float
    dtypes.DEFAULTS.float = dtypes.float32
    PRINT_OPTIONS.reset()
    for name, value in zip(_STATE_FIELDS, (True, False, False, True)):
        setattr(STATE, name, value)
    try:
        yield
    finally:
        dtypes.DEFAULTS.float = default_float
        for name, value in zip(PRINT_OPTIONS.__slots__, options):
            setattr(PRINT_OPTIONS, name, value)
        for name, value in zip(_STATE_FIELDS, modes):
            setattr(STATE, name, value)


_STATE_FIELDS = ("grad_enabled", "inference", "anomaly", "anomaly_check_nan")


def gradcalc_output(example: str) -> tuple[str, bool]:
    """What gradcalc shows for ``example`` after the preamble, and whether it ran cleanly."""
    from gradcalc.interpreter import Session

    with _fresh_process_state():
        session = Session(record_graph=False)
        preamble = session.run(PREAMBLE, filename="<preamble>")
        if not preamble.ok:
            error = preamble.errors[0]
            return _first_line(error.kind, f"in the preamble: {error.message}"), False
        result = session.run(example + "\n", filename="<example>", keep_going=True)
    pieces = []
    if result.syntax_error is not None:
        error = result.syntax_error
        pieces.append(_first_line(error.kind, error.message) + "\n")
    for statement in result.statements:
        for output in statement.outputs:
            if output.kind == "warning":
                category, _, message = output.text.partition(": ")
                pieces.append(_first_line(category, message) + "\n")
            else:
                pieces.append(output.text + ("\n" if output.newline else ""))
        if statement.error is not None:
            pieces.append(_first_line(statement.error.kind, statement.error.message) + "\n")
    return normalise("".join(pieces)), result.ok


def gradcalc_outputs(examples) -> dict:
    """example -> (output, ran cleanly), for every distinct example."""
    return {example: gradcalc_output(example) for example in dict.fromkeys(examples)}


def torch_outputs(examples) -> dict:
    """example -> what PyTorch's interactive interpreter shows for it after the preamble.

    Needs torch. The examples run one after another in this process, each in a new namespace
    after the preamble (which seeds the generator), so each starts from the same state."""
    import io
    import warnings

    import torch

    outputs = {}
    for example in dict.fromkeys(examples):
        namespace: dict = {}
        exec(compile(PREAMBLE, "<preamble>", "exec"), namespace)
        shown = io.StringIO()

        def display(value, shown=shown):
            if value is not None:
                shown.write(repr(value) + "\n")

        hook = sys.displayhook
        sys.displayhook = display
        try:
            with (
                warnings.catch_warnings(record=True) as caught,
                contextlib.redirect_stdout(shown),
            ):
                warnings.simplefilter("always")
                try:
                    exec(compile(example + "\n", "<example>", "single"), namespace)
                except Exception as error:  # noqa: BLE001 - the example's error is its output
                    shown.write(_first_line(type(error).__name__, str(error)) + "\n")
        finally:
            sys.displayhook = hook
        lines = [_first_line(w.category.__name__, str(w.message)) + "\n" for w in caught]
        outputs[example] = normalise("".join(lines) + shown.getvalue())
        torch.set_default_dtype(torch.float32)
    return outputs


def read_torch_outputs() -> dict:
    if not TORCH_OUTPUTS.exists():
        return {}
    return json.loads(TORCH_OUTPUTS.read_text(encoding="utf-8"))["outputs"]


def write_torch_outputs(outputs: dict) -> None:
    import torch

    TORCH_OUTPUTS.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "made_by": "docs/make_ops_index.py --torch",
        "torch": torch.__version__,
        "preamble": PREAMBLE,
        "outputs": dict(sorted(outputs.items())),
    }
    TORCH_OUTPUTS.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", "utf-8")


# ---- the index --------------------------------------------------------------------------------


def _families(entries) -> dict:
    """family -> [(name, [entry, ...]), ...]: overloads spelled alike form one group."""
    families: dict = {}
    for entry in entries:
        groups = families.setdefault(entry.family, {})
        groups.setdefault(entry.name, []).append(entry)
    return {family: list(groups.items()) for family, groups in families.items()}


def _family_summary(family: str) -> str:
    """The first paragraph of the family module's docstring, on one line."""
    module = sys.modules[f"gradcalc.autograd.ops.{family}"]
    paragraph = (module.__doc__ or "").strip().split("\n\n")[0]
    return " ".join(paragraph.split())


def _code(texts) -> str:
    return ", ".join(f"`{t}`" for t in texts)


def _render_group(name: str, group: list, outputs: dict) -> list:
    spelled = dict.fromkeys(s for entry in group for s in entry.spellings)
    by_kind: dict = {}
    for s in spelled:
        by_kind.setdefault(s.kind, []).append(s.text)
    heading = by_kind.get("name") or by_kind.get("in-place") or by_kind.get("alias")
    lines = [f"### {_code(heading)}", ""]
    extra = []
    for kind, label in (("alias", "aliases"), ("in-place", "in place"), ("operator", "operators")):
        rest = [t for t in by_kind.get(kind, ()) if t not in heading]
        if rest:
            extra.append(f"{label}: {_code(rest)}")
    if extra:
        lines += ["; ".join(extra), ""]
    for entry in group:
        signature = f"`{entry.signature}`"
        if entry.nodes:
            signature += " · node " + _code(entry.nodes)
        lines += [signature, ""]
        if entry.doc:
            lines += [entry.doc, ""]
        if entry.example:
            output, _ = outputs[entry.example]
            block = [">>> " + entry.example, *([output] if output else [])]
            lines += ["```python", *block, "```", ""]
    return lines


def render(entries, outputs: dict) -> str:
    """docs/ops.md for ``entries`` (``describe.entries()``) and their examples' outputs."""
    families = _families(entries)
    spellings = {s.text for entry in entries for s in entry.spellings}
    lines = [
        "# Op index",
        "",
        "<!-- Generated by docs/make_ops_index.py from the op declarations in "
        "src/gradcalc/autograd/ops/; do not edit. -->",
        "",
        "Every function, Tensor method and operator gradcalc declares, one section per family "
        f"(a module of `src/gradcalc/autograd/ops/`): {len(spellings)} spellings of "
        f"{len(entries)} declarations. `gradcalc.autograd.describe.describe(name)` gives the "
        "same entries as text, for `help(torch.exp)` and the REPL's `:help exp`.",
        "",
        "Each example ran in gradcalc after this preamble and printed what is shown under it; "
        "`tests/test_ops_index.py` checks every output against PyTorch 2.13's.",
        "",
        "```python",
        PREAMBLE.rstrip("\n"),
        "```",
        "",
        "Signatures are PyTorch's schemas as the declarations write them: `Dim` is a dimension "
        "(an int, negative counting from the end), `Dim[]` one or several, `NewDim` a position "
        "for a new dimension, `Tensor|Scalar` a tensor or a Python number, `Any` any value, "
        "`?` may be None, and parameters after `*` are keyword-only. The node is the "
        "`grad_fn` PyTorch records (and gradcalc shows); ops listed without one are compositions "
        "of other ops (their example shows the nodes they record) or not differentiable.",
        "",
        "## Families",
        "",
    ]
    for family, groups in families.items():
        count = sum(len(group) for _, group in groups)
        lines.append(f"- [{family}](#{family}) ({count}): {_family_summary(family)}")
    lines.append("")
    for family, groups in families.items():
        lines += [f"## {family}", ""]
        for name, group in groups:
            lines += _render_group(name, group, outputs)
    return "\n".join(lines).rstrip("\n") + "\n"


def build() -> tuple:
    """``(ops.md text, entries, gradcalc outputs)``, every example run."""
    from gradcalc.autograd.describe import entries

    found = entries()
    outputs = gradcalc_outputs(e.example for e in found if e.example)
    return render(found, outputs), found, outputs


def differences(gradcalc: dict, torch: dict) -> dict:
    """example -> (gradcalc's output, PyTorch's) where they differ (or torch's is missing)."""
    return {
        example: (output, torch.get(example))
        for example, (output, _) in gradcalc.items()
        if torch.get(example) != output
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--torch", action="store_true", help="store PyTorch's outputs too")
    parser.add_argument("--check", action="store_true", help="compare only, write nothing")
    args = parser.parse_args(argv)
    text, found, outputs = build()
    problems = 0
    for entry in found:
        if not entry.example:
            print(f"no example: {entry.declared.name} ({entry.family})")
            problems += 1
    for example, (output, ok) in outputs.items():
        if not ok:
            print(f"fails: {example}\n    {output}")
            problems += 1
    torch = torch_outputs(outputs) if args.torch else read_torch_outputs()
    for example, (mine, theirs) in differences(outputs, torch).items():
        print(f"differs from torch: {example}\n--- gradcalc\n{mine}\n--- torch\n{theirs}")
        problems += 1
    if args.check:
        if OPS_MD.read_text(encoding="utf-8") != text:
            print("docs/ops.md is stale: run python docs/make_ops_index.py")
            problems += 1
        return 1 if problems else 0
    OPS_MD.write_text(text, encoding="utf-8")
    if args.torch:
        write_torch_outputs(torch)
    print(f"wrote {OPS_MD.relative_to(REPO)}: {len(found)} entries, {len(outputs)} examples, "
          f"{problems} problems")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
