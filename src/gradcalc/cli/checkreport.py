"""``--check``'s report: per leaf, the elements that differ most, with the analytic and
numeric values, the absolute and relative error and the index, the step and tolerances
used, and a verdict that agrees with the warnings (a kink is "not differentiable", not FAIL).
"""

from __future__ import annotations

import math

from rich.console import Group
from rich.table import Table
from rich.text import Text

VERDICT_STYLES = {
    "ok": "bold green",
    "FAIL": "bold red",
    "not differentiable": "bold yellow",
    "not finite": "bold red",
    "not checked": "bold red",
}


def check_report(checks: dict, settings) -> Group:
    title = (
        "Gradient check: analytic (backward) against numeric (central differences, "
        f"eps {settings.eps:g}); an element passes when |analytic - numeric| <= "
        f"atol + rtol * |numeric| (atol {settings.atol:g}, rtol {settings.rtol:g})"
    )
    table = Table()  # the title above it, wrapped to the terminal rather than to the table
    for column, justify in (
        ("leaf", "left"),
        ("index", "left"),
        ("analytic", "right"),
        ("numeric", "right"),
        ("|a - n|", "right"),
        ("relative", "right"),
        ("", "left"),
    ):
        table.add_column(column, justify=justify, no_wrap=column != "")
    verdicts = []
    for name, leaf in checks.items():
        if not leaf.worst:
            table.add_row(Text(name, style="bold"), "", "", "", "", "", Text(leaf.status))
        for number, element in enumerate(leaf.worst):
            table.add_row(
                Text(name if number == 0 else "", style="bold"),
                str(list(element.index)),
                _g(element.analytic),
                _g(element.numeric),
                _e(element.abs_error),
                _e(element.rel_error),
                _element_verdict(element),
            )
        verdicts.append(_verdict_line(leaf))
    return Group(Text(title, style="bold"), table, *verdicts)


def _element_verdict(element) -> Text:
    if element.passed:
        return Text("ok", style="green")
    if not math.isfinite(element.abs_error):
        return Text("not finite", style="red")
    if not element.smooth:
        return Text("kink/jump", style="yellow")
    return Text("differs", style="red")


def _verdict_line(leaf) -> Text:
    line = Text()
    line.append(f"{leaf.name}: ", style="bold")
    line.append(leaf.status, style=VERDICT_STYLES.get(leaf.status, "bold"))
    sampled = "" if leaf.checked == leaf.total else f" (sampled evenly of {leaf.total:,})"
    if leaf.status == "ok":
        line.append(f" — {leaf.checked:,} element{_s(leaf.checked)} checked{sampled}")
    elif leaf.status == "not checked":
        line.append(f" — {leaf.reason}")
    elif leaf.status == "not differentiable":
        line.append(
            f" — {leaf.kinks} of {leaf.checked:,} element{_s(leaf.checked)}{sampled} sit at "
            "a kink or jump, where the one-sided differences disagree: finite differences "
            "cannot judge the gradient there"
        )
    else:
        line.append(
            f" — {leaf.failed} of {leaf.checked:,} element{_s(leaf.checked)}{sampled} past "
            "the tolerance"
        )
    return line


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def _g(value: float) -> str:
    return f"{value:.6g}"


def _e(value: float) -> str:
    return f"{value:.2e}" if math.isfinite(value) else str(value)
