"""The ``--json`` document of a run, and writing it so that a failure is still a document.

Schema: ``ok``, ``output``, ``values``, ``grads``, ``backward_calls``, ``printed``,
``warnings``, ``graph``, ``errors`` (and ``explain``, ``check`` when asked for; ``line`` in
``--batch``; ``derivatives`` when a variable holds a Jacobian or Hessian small enough to
label: ``matrixview.json_section``). Whatever goes wrong while the document is built (a
tensor too large to convert, out of memory), stdout still gets one document with
``"ok": false``.
"""

from __future__ import annotations

from gradcalc.cli.jsonout import Bounds, dumps, error_document, graph_document
from gradcalc.errors import GradcalcError, InternalError, LimitError


def empty_document(errors: list) -> dict:
    return {
        "ok": False,
        "output": None,
        "values": {},
        "grads": {},
        "backward_calls": 0,
        "printed": [],
        "warnings": [],
        "graph": None,
        "errors": errors,
    }


def write_document(stream, build, *, prefix: dict | None = None) -> None:
    """Write ``build()``'s document as one line; a failure while building or encoding it
    becomes a document of that error."""
    stream.write(document_text(build, prefix=prefix) + "\n")
    stream.flush()


def document_text(build, *, prefix: dict | None = None) -> str:
    """``build()``'s document as one line of JSON (no line end); a failure while building or
    encoding it becomes a document of that error."""
    try:
        text = dumps({**(prefix or {}), **build()})
    except MemoryError:
        error = LimitError(
            "out of memory while writing the JSON document",
            kind="MemoryError",
            hint="lower --json-max-elements, or leave out --json",
        )
        text = dumps({**(prefix or {}), **empty_document([error_document(error)])})
    except Exception as exc:  # noqa: BLE001 - a bug must still leave one valid document
        error = InternalError(f"{type(exc).__name__}: {exc}")
        text = dumps({**(prefix or {}), **empty_document([error_document(error)])})
    return text


def run_document(
    session, outcome, options, *, with_graph: bool = True, line_offset: int = 0
) -> dict:
    """The ``--json`` document of one program."""
    from gradcalc.cli.reporting import output_graph, shown_outputs

    bounds = Bounds(options.json_max_elements, options.precision)
    result = outcome.result
    errors = [error_document(e, line_offset=line_offset) for e in outcome.all_errors()]
    errors += [
        {"type": "GradientCheckError", "category": "check", "message": why, "leaf": name}
        for name, why in outcome.check_failed.items()
    ]
    document = {
        "ok": not errors,
        "output": session.output_name,
        "values": {},
        "grads": {},
        "backward_calls": session.backward_calls,
        "printed": [],
        "warnings": [],
        "graph": None,
        "errors": errors,
    }
    if result is not None:
        for statement in result.statements:
            for output in shown_outputs(statement, result.filename):
                key = "warnings" if output.kind == "warning" else "printed"
                document[key].append(bounds.text(output.text))
    document["warnings"].extend(bounds.text(w) for w in outcome.warnings)
    values = session.values()
    document["values"] = {name: bounds.value(v) for name, v in values.items()}
    from gradcalc.cli.matrixview import json_section

    derivatives = json_section(session.derivative_origins(), values)
    if derivatives:  # Jacobians and Hessians, labelled
        document["derivatives"] = derivatives
    try:
        grads = session.leaf_grads(options.wrt)
    except GradcalcError:
        grads = {}  # an unknown --wrt name: already among the errors (evaluation.py)
    document["grads"] = {name: bounds.value(g) for name, g in grads.items()}
    if with_graph:
        document["graph"] = graph_document(output_graph(session), bounds)
    from gradcalc.cli.jsonsections import report_sections  # issue 15: explain, check, stats

    document.update(report_sections(session, outcome, options, bounds))
    return document
