"""The gradcalc language: a subset of Python 3.11, its grammar, parser and syntax tree.

``parse(source)`` returns an ``ast.Module`` whose classes mirror Python's own ``ast``;
``is_complete(source)`` tells the REPL whether to ask for another line. Lark is imported only
when something is parsed.
"""

from gradcalc.grammar.parser import MAX_NESTING_DEPTH, is_complete, parse

__all__ = ["MAX_NESTING_DEPTH", "is_complete", "parse"]
