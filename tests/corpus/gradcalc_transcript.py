"""gradcalc's transcript of a corpus snippet, built with the rules of ``transcript.py``.

The snippet runs as ``gradcalc -k -f - < snippet.py`` runs it (notebook mode: expression
statements echo, an error stops only its statement), through the same ``Session`` the CLI
uses, in a fresh session with PyTorch's process defaults (default dtype, print options,
grad mode), as each of PyTorch's transcripts is made in a fresh process.
"""

from __future__ import annotations

from pathlib import Path

from transcript import error_line, warning_line


def fresh_process_state() -> None:
    from gradcalc.autograd import dtypes
    from gradcalc.autograd.printing import PRINT_OPTIONS
    from gradcalc.autograd.settings import STATE

    dtypes.DEFAULTS.float = dtypes.float32
    PRINT_OPTIONS.reset()
    STATE.grad_enabled = True
    STATE.inference = False
    STATE.anomaly = False
    STATE.anomaly_check_nan = True


def gradcalc_transcript(snippet: Path) -> str:
    from gradcalc.interpreter import Session

    fresh_process_state()
    source = Path(snippet).read_text(encoding="utf-8")
    session = Session(record_graph=False)
    result = session.run(source, filename="<stdin>", keep_going=True)
    pieces: list[str] = []
    if result.syntax_error is not None:
        error = result.syntax_error
        pieces.append(error_line(error.kind, error.message) + "\n")
    for statement in result.statements:
        for output in statement.outputs:
            if output.kind == "warning":
                category, _, message = output.text.partition(": ")
                pieces.append(warning_line(category, message) + "\n")
            else:
                pieces.append(output.text + ("\n" if output.newline else ""))
        if statement.error is not None:
            error = statement.error
            pieces.append(error_line(error.kind, error.message) + "\n")
    return "".join(pieces)
