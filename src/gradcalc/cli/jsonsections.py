"""The parts of the ``--json`` document that describe gradients rather than values: what
was differentiated (``differentiated``), ``--explain``'s steps, ``--check``'s report and
``--stats``; the same facts the Rich report shows, as data."""

from __future__ import annotations

import math


def report_sections(session, outcome, options, bounds) -> dict:
    sections: dict = {"differentiated": list(outcome.differentiated)}
    if outcome.explain:
        sections["explain"] = [
            {"pass": title, "steps": [_step(step, bounds) for step in steps]}
            for title, steps in outcome.explain
        ]
    if outcome.check is not None:
        sections["check"] = {
            name: check_document(leaf, outcome.check_settings)
            for name, leaf in outcome.check.items()
        }
    if getattr(options, "stats", False):
        from gradcalc.cli.stats import gradient_stats

        try:
            grads = session.leaf_grads(options.wrt)
        except Exception:  # noqa: BLE001 - an unknown --wrt is among the errors already
            grads = {}
        sections["stats"] = {name: _numbers(gradient_stats(g)) for name, g in grads.items()}
    return sections


def _step(step, bounds) -> dict:
    return {
        "node": bounds.text(step.node),
        "upstream": bounds.value(step.upstream),
        "gradient": step.gradient,
        "rule": bounds.text(step.rule),
        "flows": [
            {"input": bounds.text(label), "grad": bounds.value(grad), "why": bounds.text(why)}
            for (label, grad), why in zip(step.flows, step.why or [""] * len(step.flows))
        ],
    }


def check_document(leaf, settings) -> dict:
    from gradcalc.interpreter.check import NOT_DIFFERENTIABLE, OK

    return {
        "status": leaf.status,
        "ok": leaf.status == OK,
        "differentiable": leaf.status != NOT_DIFFERENTIABLE,
        "max_error": _number(leaf.max_abs_error),
        "max_rel_error": _number(leaf.max_rel_error),
        "checked": leaf.checked,
        "elements": leaf.total,
        "failed": leaf.failed,
        "reason": leaf.reason,
        "eps": settings.eps if settings else None,
        "atol": settings.atol if settings else None,
        "rtol": settings.rtol if settings else None,
        "worst": [
            {
                "index": list(e.index),
                "analytic": _number(e.analytic),
                "numeric": _number(e.numeric),
                "abs_error": _number(e.abs_error),
                "rel_error": _number(e.rel_error),
                "passed": e.passed,
                "smooth": e.smooth,
            }
            for e in leaf.worst
        ],
    }


def _number(value: float):
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return value


def _numbers(stats: dict) -> dict:
    return {key: _number(value) for key, value in stats.items()}
