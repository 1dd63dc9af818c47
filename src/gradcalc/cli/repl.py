"""The interactive loop: ``>>>`` / ``...`` prompts, history, Tab completion, ``:commands``.

Input comes through ``input()``; on a terminal the stdlib ``readline`` gives it line editing,
a history of whole statements kept across sessions (``$XDG_STATE_HOME/gradcalc/history``, one
JSON string a line) and Tab completion from ``Session.completions``. readline rather than
prompt_toolkit: it is in the standard library, so the REPL costs no dependency and no start-up
time, and with one history entry per statement it gives what learners asked for (a ``for``
block recalled and edited as one); prompt_toolkit's menus and highlighting would add a
runtime dependency (and its import time) for the REPL alone. A chunk runs once
``gradcalc.grammar.parser.is_complete`` says it is whole; as in Python's REPL, a block
(``with torch.no_grad():``) runs once an empty line ends it. Errors are shown and the session
goes on with every variable intact. Ctrl-C cancels the statement being typed, and Ctrl-D on a
``...`` line discards it; neither leaves it in the history. Ctrl-D on an empty ``>>>`` line (or
``:quit``) exits 0.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from rich.text import Text

from gradcalc.errors import GradcalcError, UsageError

PROMPT = ">>> "
CONTINUATION = "... "
HISTORY_LENGTH = 2000
COMPLETER_DELIMS = " \t\n()[]{},;=+-*/@<>%!~&|^"  # not "." (x.me<Tab>) nor ":" (:tr<Tab>)

HELP = """\
Type statements as in a script; expression results are printed, assignments are silent.
Open brackets continue on the next line (... prompt). A line ending in ':', such as
with torch.no_grad():, opens a block: indent its lines, and an empty line runs it.
Ctrl-C cancels the statement, Ctrl-D on a ... line discards it and on an empty
prompt exits.

  :help            this help
  :help NAME       an op's signature, PyTorch node and example (:help tanh)
  :vars            every variable: shape and value
  :grads           the gradients of the leaves that require grad
  :tree [name]     the graph rooted at name (default: the last output)
  :explain         the chain-rule steps of the last backward pass
  :reset           forget every variable
  :load FILE       run a script in this session
  :save FILE       write the statements run so far as a script
  :quit            leave (also Ctrl-D)"""

COMMANDS = (":help", ":vars", ":grads", ":tree", ":explain", ":reset", ":load", ":save", ":quit")


def _complete(is_complete, text: str) -> bool:
    """Whether ``text`` is a whole statement. A failure of the check is a bug in it: the
    text then runs as it is, so the user sees the parser's error instead of a crash."""
    try:
        return is_complete(text)
    except Exception:  # noqa: BLE001 - see above
        return True


def _read_history(path: Path) -> list[str]:
    """The saved statements: one JSON string a line, so a block keeps its newlines (a
    plain line, from a file readline wrote, is taken as it is)."""
    try:
        raw = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    entries = []
    for line in raw[-HISTORY_LENGTH:]:
        try:
            entry = json.loads(line) if line.startswith('"') else line
        except ValueError:
            entry = line
        if isinstance(entry, str) and entry:
            entries.append(entry)
    return entries


def _write_history(path: Path, entries: list[str]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries)
        path.write_text(text, encoding="utf-8")
    except OSError:
        pass


def history_path() -> Path:
    state = os.environ.get("XDG_STATE_HOME") or os.path.join(
        os.path.expanduser("~"), ".local", "state"
    )
    return Path(state) / "gradcalc" / "history"


class Repl:
    def __init__(self, session, options, reporter, policy=None):
        self.session = session
        self.policy = policy
        self.options = options
        self.reporter = reporter
        self.out = reporter.out
        self.precision = options.precision
        self._matches: list[str] = []
        self._readline = None

    # ---- the loop ----------------------------------------------------------------------

    def loop(self) -> int:
        from gradcalc.grammar.parser import is_complete

        if sys.stdin is None:  # started with stdin closed: no input will ever come
            return 0
        self._setup_readline()
        if self._readline is not None:
            self.out.print(Text("gradcalc REPL — :help for commands, Ctrl-D to leave", style="dim"))
        lines: list[str] = []
        history_mark = 0  # history length before the statement being typed
        try:
            while True:
                if not lines:
                    history_mark = self._history_length()
                try:
                    line = input(CONTINUATION if lines else PROMPT)
                except (EOFError, RuntimeError):  # RuntimeError: stdin closed ("lost sys.stdin")
                    self._newline()
                    if not lines:
                        return 0
                    self._forget_history_since(history_mark)
                    lines.clear()
                    self.out.print(Text("(unfinished statement discarded)", style="dim"))
                    continue
                except KeyboardInterrupt:
                    self._newline()
                    self._forget_history_since(history_mark)
                    lines.clear()
                    continue
                try:
                    if self._take(line, lines, is_complete, history_mark) == "quit":
                        return 0
                except KeyboardInterrupt:  # Ctrl-C while a command or statement was running
                    lines.clear()
                    self.reporter.err.print(Text("\ninterrupted", style="yellow"))
        finally:
            self._save_history()

    def _take(self, line: str, lines: list[str], is_complete, history_mark: int = 0) -> str | None:
        """Handle one input line: a :command, or a line of the statement being typed, which
        runs once it is whole. A line with newlines in it is a whole statement recalled from
        the history (a block needs no empty line after it then)."""
        if not lines and line.strip().startswith(":"):
            return self.command(line.strip())
        lines.append(line)
        text = "\n".join(lines)
        if not text.strip():
            lines.clear()
            return None
        if not _complete(is_complete, text):
            if not ("\n" in line and _complete(is_complete, text + "\n")):
                return None
        lines.clear()
        self._remember_statement(text, history_mark)
        self.execute(text)
        return None

    def _remember_statement(self, text: str, mark: int) -> None:
        """One history entry for the whole statement, instead of readline's one per line,
        so Up brings a ``for`` block back as one piece to edit and run."""
        statement = text.rstrip("\n ")
        if self._readline is None or "\n" not in statement:
            return
        self._forget_history_since(mark)
        if self._history_length() == mark:
            self._readline.add_history(statement)

    def _history_length(self) -> int:
        return self._readline.get_current_history_length() if self._readline else 0

    def _forget_history_since(self, mark: int) -> None:
        """Drop the lines of a cancelled statement that readline already put in the history."""
        if self._readline is None:
            return
        readline = self._readline
        try:
            length = readline.get_current_history_length()
            while length > mark:
                readline.remove_history_item(length - 1)
                shorter = readline.get_current_history_length()
                if shorter >= length:  # an editline that numbers its history otherwise
                    break
                length = shorter
        except (AttributeError, ValueError):  # an editline without remove_history_item
            pass

    def _newline(self) -> None:
        sys.stdout.write("\n")
        sys.stdout.flush()

    def execute(self, text: str, filename: str = "<stdin>") -> None:
        try:
            result = self.session.run(text, filename=filename)
        except KeyboardInterrupt:
            self.reporter.err.print(Text("interrupted", style="yellow"))
            return
        self.reporter.statement_results(result)

    # ---- commands ----------------------------------------------------------------------

    def command(self, line: str) -> str | None:
        name, _, argument = line.partition(" ")
        argument = argument.strip()
        handler = {
            ":help": self._help,
            ":vars": self._vars,
            ":grads": self._grads,
            ":tree": self._tree,
            ":explain": self._explain,
            ":reset": self._reset,
            ":load": self._load,
            ":save": self._save,
            ":quit": None,
            ":q": None,
            ":exit": None,
        }
        if name not in handler:
            self._error(UsageError(f"unknown command {name}", hint="type :help for the commands"))
            return None
        if handler[name] is None:
            return "quit"
        try:
            handler[name](argument)
        except GradcalcError as error:
            self._error(error)
        return None

    def _error(self, error: GradcalcError) -> None:
        self.reporter.error(error)

    def _help(self, argument: str) -> None:
        if not argument:
            self.out.print(Text(HELP))
            return
        from gradcalc.interpreter.help import help_for_name

        self.out.print(Text(help_for_name(argument)))

    def _vars(self, _argument: str) -> None:
        from gradcalc.cli.tables import values_table

        values = self.session.values()
        if not values:
            self.out.print(Text("(no variables)", style="dim"))
            return
        self.out.print(values_table(values, self.precision))

    def _grads(self, _argument: str) -> None:
        from gradcalc.cli.tables import grads_table

        grads = self.session.leaf_grads()
        if not grads:
            self.out.print(Text("(no gradients yet: call backward() on a result)", style="dim"))
            return
        self.out.print(
            grads_table(
                grads,
                self.session.backward_calls,
                self.precision,
                self.session.backward_calls_since_reset,
            )
        )

    def _tree(self, argument: str) -> None:
        from gradcalc.cli.reporting import output_graph
        from gradcalc.cli.tree import graph_tree

        graph = self.session.graph(argument) if argument else output_graph(self.session)
        if graph is None:
            what = argument or "the last output"
            self.out.print(Text(f"(no graph: {what} is not a tensor)", style="dim"))
            return
        self.out.print(graph_tree(graph, self.precision))

    def _explain(self, _argument: str) -> None:
        from gradcalc.cli.tables import explain_view

        steps = self.session.explain_steps()
        title = "Chain rule: the last backward pass"
        self.out.print(explain_view(steps, self.precision, title, width=self.out.width))

    def _reset(self, _argument: str) -> None:
        self.session.reset()
        self.out.print(Text("(all variables forgotten)", style="dim"))

    def _load(self, argument: str) -> None:
        from gradcalc.cli.sources import read_program_file, run_policy

        if not argument:
            raise UsageError(":load needs a file name", hint="e.g. :load examples/tutorial.py")
        policy = self.policy or run_policy(self.options)
        text = read_program_file(argument, self.options, policy, command_line=False)
        if self.reporter.lines is not None:
            self.reporter.lines.note(argument, argument)
        self.execute(text, filename=argument)

    def _save(self, argument: str) -> None:
        if not argument:
            raise UsageError(":save needs a file name", hint="e.g. :save session.py")
        statements = self.session.statements_source()
        try:
            Path(argument).write_text("".join(s + "\n" for s in statements), encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {argument}: {exc.strerror or exc}") from None
        self.out.print(Text(f"(saved {len(statements)} statements to {argument})", style="dim"))

    # ---- readline: history and completion ------------------------------------------------

    def _setup_readline(self) -> None:
        if not sys.stdin.isatty():
            return  # input() only uses readline on a terminal; piped input keeps no history
        try:
            import readline
        except ImportError:  # e.g. Windows without pyreadline
            return
        self._readline = readline
        readline.set_history_length(HISTORY_LENGTH)
        for entry in _read_history(history_path()):
            readline.add_history(entry)
        readline.set_completer(self.complete)
        readline.set_completer_delims(COMPLETER_DELIMS)
        if "libedit" in (readline.__doc__ or ""):
            readline.parse_and_bind("bind ^I rl_complete")
        else:
            readline.parse_and_bind("tab: complete")

    def _save_history(self) -> None:
        if self._readline is None:
            return
        readline = self._readline
        length = readline.get_current_history_length()
        entries = [readline.get_history_item(i) for i in range(1, length + 1)]
        _write_history(history_path(), [e for e in entries if e][-HISTORY_LENGTH:])

    def complete(self, text: str, state: int) -> str | None:
        """readline's completer: called with state 0, 1, 2... until it returns None."""
        if state == 0:
            try:
                self._matches = self.candidates(text)
            except Exception:  # noqa: BLE001 - a completer must never break the prompt
                self._matches = []
        return self._matches[state] if state < len(self._matches) else None

    def candidates(self, text: str) -> list[str]:
        line = self._readline.get_line_buffer() if self._readline else text
        if line.lstrip().startswith(":") and " " not in line.strip():
            return [c for c in COMMANDS if c.startswith(line.strip())]
        return list(self.session.completions(text))
