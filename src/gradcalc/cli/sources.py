"""Where a run's program text comes from, read under the file policy and the size bounds.

A PROGRAM argument, ``-f FILE``, stdin (``-f -``, ``-`` or a pipe) and the REPL's ``:load``
all end here. Program text is bounded by ``--max-program-bytes`` (refused before it is
parsed); a ``--batch`` input, which holds many programs, by ``--max-file-bytes`` as a whole
and ``--max-program-bytes`` per line. Files are read with ``gradcalc.files`` (regular files
only: a FIFO or device is refused before any read).

Error panels quote a line of the program; that line may only come from a file under the
working directory or an ``--allow-read`` directory (``SourceLines``), so ``-f /etc/passwd``
or ``:load`` of a file elsewhere shows where a syntax error is, never the file's line.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, replace

from gradcalc.errors import UsageError
from gradcalc.files import FilePolicy, bytes_text, read_program, read_program_stream


@dataclass
class Source:
    text: str
    filename: str
    one_liner: bool = False


def run_policy(options) -> FilePolicy:
    """The run's file policy: the working directory, the script's directory, --allow-read."""
    return FilePolicy.for_run(
        script=options.file, allow_read=options.allow_read, max_bytes=options.max_file_bytes
    )


class SourceLines:
    """Which program files an error panel may quote a line of."""

    def __init__(self, policy: FilePolicy):
        # The working directory and --allow-read only: the script's own directory is a data
        # root, but counting it here would let any file vouch for itself.
        self.visible = FilePolicy.for_run(allow_read=policy.allow_read)
        self.hidden: set[str] = set()

    def note(self, filename: str, path: str | None) -> None:
        """Record the program read from ``path`` as ``filename``; hide it if it is outside."""
        if path is None:
            return
        try:
            resolved = os.path.realpath(path)
        except (OSError, ValueError):
            self.hidden.add(filename)
            return
        if self.visible.permits(resolved):
            self.hidden.discard(filename)
        else:
            self.hidden.add(filename)

    def shown(self, filename: str | None) -> bool:
        return filename not in self.hidden


def read_source(options, policy: FilePolicy, lines: SourceLines) -> Source | None:
    """The program of a run, or None for the REPL (a terminal and nothing to run)."""
    if options.program == "-" or options.file == "-":  # as for cat and python: "-" is stdin
        return Source(read_stdin(options, policy, lines), "<stdin>")
    if options.program is not None:
        if not options.batch:
            check_program_size(options.program, options, "PROGRAM")
        return Source(options.program, "<string>", one_liner=True)
    if options.file is not None:
        text = read_program_file(options.file, options, policy, batch=options.batch)
        lines.note(options.file, options.file)
        return Source(text, options.file)
    if options.interactive or stdin_is_terminal():
        return None
    return Source(read_stdin(options, policy, lines), "<stdin>")


def check_program_size(text: str, options, what: str) -> None:
    """Refuse a program over ``--max-program-bytes`` before anything parses it."""
    limit = options.max_program_bytes
    if len(text) * 4 <= limit:  # at most 4 UTF-8 bytes a character: no need to encode
        return
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limit:
        raise UsageError(
            f"{what} is {bytes_text(size)}, over the limit of {bytes_text(limit)}",
            hint="raise the limit with --max-program-bytes",
        )


def read_program_file(
    path: str, options, policy: FilePolicy, *, batch: bool = False, command_line: bool = True
) -> str:
    """A program file (``-f``, ``:load``, a batch file), at most the program size limit."""
    bounded = _bounded(policy, options, batch)
    try:
        return read_program(path, bounded, command_line=command_line)
    except UsageError as error:
        raise _naming_the_option(error, options, batch) from None


def read_stdin(options, policy: FilePolicy, lines: SourceLines | None = None) -> str:
    """The program on stdin, bounded as a program file; a closed stdin is a usage error."""
    stream = sys.stdin
    if stream is None:  # started with stdin closed (gradcalc <&-)
        raise UsageError(
            "cannot read stdin: it is closed",
            hint="give the program as an argument, with -f FILE, or on stdin",
        )
    if lines is not None:
        lines.note("<stdin>", _stdin_path())
    try:
        return read_program_stream(stream, _bounded(policy, options, options.batch))
    except UsageError as error:
        raise _naming_the_option(error, options, options.batch) from None
    except ValueError:  # a stream closed under us (sys.stdin.close() by a host program)
        raise UsageError("cannot read stdin: it is closed") from None


def _bounded(policy: FilePolicy, options, batch: bool) -> FilePolicy:
    if batch:  # a file of many programs: bounded as a file, each line as a program
        return policy
    return replace(policy, max_bytes=options.max_program_bytes)


def _naming_the_option(error: UsageError, options, batch: bool) -> UsageError:
    """The files module names --max-file-bytes; for a program the bound is another option."""
    if not batch and error.hint and "--max-file-bytes" in error.hint:
        error.hint = error.hint.replace("--max-file-bytes", "--max-program-bytes")
    return error


def _stdin_path() -> str | None:
    """The file stdin was redirected from (``gradcalc < FILE``), or None for a pipe or a
    terminal: such a file's lines are quoted only under the readable directories too."""
    try:
        import stat

        if not stat.S_ISREG(os.fstat(0).st_mode):
            return None
        return os.readlink("/proc/self/fd/0")
    except (OSError, ValueError):
        return None


def stdin_is_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False
