"""The gradcalc language: grammar (``gradcalc.lark``), parser and syntax tree.

``parse(source)`` returns an ``ast.Program``; ``is_complete(source)`` tells the REPL whether to
ask for another line. Lark is only imported when something is parsed.
"""

from gradcalc.grammar.parser import MAX_NESTING_DEPTH, is_complete, parse

__all__ = ["MAX_NESTING_DEPTH", "is_complete", "parse"]
