"""The transformer lark runs while it parses: ``gradcalc.lark``'s rules turned into ``ast``.

Passed to ``Lark(..., transformer=SyntaxTreeBuilder(...))``, its methods are called as each
rule is reduced, so no lark tree is ever built and nothing recurses: a 10,000-level
expression is built bottom-up on lark's own stack. The rules are in ``build_statements`` and
``build_expressions``; this class adds the two start rules and the per-parse settings.
"""

from __future__ import annotations

from lark import Transformer

import gradcalc.grammar.ast as ast
from gradcalc.grammar.blocks import too_deep
from gradcalc.grammar.build_expressions import ExpressionRules
from gradcalc.grammar.build_statements import StatementRules
from gradcalc.grammar.fstrings import ParseField


class SyntaxTreeBuilder(Transformer, StatementRules, ExpressionRules):
    """One method per rule or alias of ``gradcalc.lark``.

    ``parse_field`` parses the expression of an f-string field (``parser.py`` provides it);
    ``max_depth`` is the deepest tree the current parse accepts.
    """

    def __init__(self, parse_field: ParseField, max_depth: int):
        super().__init__(visit_tokens=False)
        self.parse_field = parse_field
        self.max_depth = max_depth

    def start(self, statements):
        depth = self._deepest(statements) + 1
        if depth > self.max_depth:
            raise too_deep(max(statements, key=lambda node: node._depth)._loc, self.max_depth)
        return ast.Module(statements, "", None, depth)

    def field_input(self, children):
        return children[1]
