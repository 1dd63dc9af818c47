"""``help(name)``: a builtin's signature, its PyTorch spelling and an example."""

from __future__ import annotations

from gradcalc.autograd.registry import Spelling


def help_text(obj) -> str:
    if obj is None:
        return (
            "gradcalc: PyTorch's autograd in a sandbox. help(torch.exp) shows one function; "
            "the language is described in docs/language.md and with gradcalc --help."
        )
    if isinstance(obj, Spelling):
        lines = []
        for declared in obj.overloads:
            lines.append(f"torch.{declared.schema.text.split(' ->')[0]}")
        first = obj.overloads[0]
        if first.doc:
            lines.append(f"    {first.doc}")
        if first.example:
            lines.append(f"    example: {first.example}")
        return "\n".join(lines)
    doc = getattr(obj, "__doc__", None) or ""
    return f"{obj!r}\n    {doc.strip().splitlines()[0] if doc.strip() else ''}".rstrip()
