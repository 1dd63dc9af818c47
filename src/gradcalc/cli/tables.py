"""The summary tables of a run: Values, Gradients, gradient check, chain-rule steps."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from gradcalc.cli.formatting import format_value, value_shape


def values_table(values: dict, precision: int) -> Table:
    table = Table(title="Values", title_justify="left", title_style="bold")
    table.add_column("name", style="bold")
    table.add_column("shape", style="dim")
    table.add_column("value", overflow="fold")
    for name, value in values.items():
        table.add_row(Text(name), Text(value_shape(value)), Text(format_value(value, precision)))
    return table


def grads_table(
    grads: dict, backward_calls: int, precision: int, since_reset: int | None = None
) -> Table:
    calls = f"after {backward_calls} backward call{'' if backward_calls == 1 else 's'}"
    if since_reset is not None and since_reset != backward_calls:
        # x.grad.zero_() between passes: say which passes today's values add up.
        calls += f" in all, {since_reset} since a .grad was last reset"
    title = f"Gradients ({calls})"
    table = Table(title=title, title_justify="left", title_style="bold", min_width=len(title))
    table.add_column("name", style="bold")
    table.add_column("shape", style="dim")
    table.add_column("gradient", overflow="fold", style="magenta")
    for name, grad in grads.items():
        table.add_row(
            Text(f"{name}.grad"), Text(value_shape(grad)), Text(format_value(grad, precision))
        )
    return table


def check_table(errors: dict[str, float], failed: set[str]) -> Table:
    table = Table(
        title="Gradient check (central finite differences)",
        title_justify="left",
        title_style="bold",
    )
    table.add_column("leaf", style="bold")
    table.add_column("largest |analytic - numeric|", justify="right")
    table.add_column("result")
    for name, error in errors.items():
        bad = name in failed
        shown = "could not check" if error != error else f"{error:.3e}"
        table.add_row(
            Text(name),
            Text(shown),
            Text("FAIL" if bad else "ok", style="bold red" if bad else "green"),
        )
    return table


def explain_view(steps: list, precision: int, title: str) -> Group:
    parts: list = [Text(title, style="bold")]
    for number, step in enumerate(steps, 1):
        parts.append(Text.assemble((f"{number}. ", "dim"), (step.node, "bold")))
        parts.append(
            Text.assemble(
                ("   upstream gradient  ", "dim"),
                format_value(step.upstream, precision, one_line=True),
            )
        )
        parts.append(Text.assemble(("   local rule         ", "dim"), step.rule))
        for label, flow in step.flows:
            parts.append(
                Text.assemble(
                    ("   → ", "dim"),
                    (label, "bold"),
                    ("  receives  ", "dim"),
                    format_value(flow, precision, one_line=True),
                )
            )
    if not steps:
        parts.append(Text("(no backward pass recorded)", style="dim"))
    return Group(*parts)
