"""The ``{n}`` template language of modem entries.

A template is text with fields in braces, as in Python's ``str.format``: ``lab-{n}``,
``{n:03d}``, ``tcp:{7000+n}``, ``{18000+n*2}``.  The part before ``:`` is an integer
expression over ``n`` using only whole numbers, ``+ - * // %``, unary minus and parentheses;
the part after it is a Python format spec.  ``{{`` and ``}}`` are literal braces.

Scenario files come from anywhere, so the expression is never given to ``eval``: it is parsed
with ``ast`` and every node is checked against a short list before a tiny interpreter below
computes it.  Names other than ``n``, calls, attributes, subscripts, strings and every other
operator are rejected at parse time.
"""

from __future__ import annotations

import ast
import functools
import operator
import re
import string
from collections.abc import Callable
from dataclasses import dataclass

ALLOWED = "n, whole numbers, + - * // %, unary minus and parentheses"

#: Longest expression inside one pair of braces.  Real ones are like ``18000+n*2``; the cap
#: keeps a hostile file from nesting deep enough to exhaust the parser's recursion.
MAX_EXPRESSION = 200

#: Widest field a format may ask for (``{n:>20}``); values are names, numbers and paths.
MAX_WIDTH = 1000

_BINARY: dict[type[ast.operator], Callable[[int, int], int]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}
_UNARY: dict[type[ast.unaryop], Callable[[int], int]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


class TemplateError(ValueError):
    """A template that cannot be compiled or expanded; the message is for the scenario's author."""


@dataclass(frozen=True)
class _Field:
    source: str  # the field as written, for messages
    expression: ast.expr
    spec: str


@dataclass(frozen=True)
class Template:
    parts: tuple[str | _Field, ...]

    @property
    def has_fields(self) -> bool:
        return any(isinstance(part, _Field) for part in self.parts)

    def expand(self, n: int) -> str:
        out = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            try:
                value = _evaluate(part.expression, n)
            except ZeroDivisionError:
                raise TemplateError(f"{part.source} divides by zero for n={n}") from None
            try:
                out.append(format(value, part.spec))
            except ValueError as e:
                raise TemplateError(f"{part.source}: bad format spec {part.spec!r}: {e}") from None
        return "".join(out)


def expand(text: str, n: int) -> str:
    """``text`` with every field computed for this ``n``."""
    return compile_template(text).expand(n)


# Templated strings repeat for every modem of a ``count:`` entry; parse each text once.
@functools.lru_cache(maxsize=4096)
def compile_template(text: str) -> Template:
    try:
        pieces = list(string.Formatter().parse(text))
    except ValueError as e:  # "Single '{' encountered in format string" and the like
        raise TemplateError(f"{e}; write {{{{ or }}}} for a literal brace") from None
    parts: list[str | _Field] = []
    for literal, field, spec, conversion in pieces:
        if literal:
            parts.append(literal)
        if field is None:
            continue
        source = (
            "{"
            + field
            + (f"!{conversion}" if conversion else "")
            + (f":{spec}" if spec else "")
            + "}"
        )
        if conversion is not None:
            raise TemplateError(f"{source}: conversions like !{conversion} are not allowed")
        if "{" in spec or "}" in spec:
            raise TemplateError(f"{source}: fields inside a format spec are not allowed")
        _check_width(spec, source)
        parts.append(_Field(source, _parse_expression(field, source), spec))
    return Template(tuple(parts))


def _check_width(spec: str, source: str) -> None:
    """Width and precision are the only numbers of a format spec (a fill character is one
    character, followed by the alignment); a huge one would build a string of that size."""
    for digits in re.findall(r"\d+", spec):
        significant = digits.lstrip("0")
        if len(significant) > len(str(MAX_WIDTH)) or int(digits) > MAX_WIDTH:
            raise TemplateError(
                f"{source}: a width or precision above {MAX_WIDTH} is not allowed, got {digits}"
            )


def _parse_expression(field: str, source: str) -> ast.expr:
    if not field.strip():
        raise TemplateError(f"{source} is empty; write {{n}}")
    if len(field) > MAX_EXPRESSION:
        raise TemplateError(f"a field longer than {MAX_EXPRESSION} characters is not allowed")
    try:
        tree = ast.parse(field.strip(), mode="eval")
    except SyntaxError:
        raise TemplateError(f"{source} is not an expression over {ALLOWED}") from None
    _check(tree.body, source)
    return tree.body


def _check(node: ast.expr, source: str) -> None:
    if isinstance(node, ast.Name):
        if node.id != "n":
            raise TemplateError(f"{source}: unknown name {node.id!r}; the only name is n")
    elif isinstance(node, ast.Constant):
        # bool is an int subclass, but True in a template is a mistake
        if type(node.value) is not int:
            raise TemplateError(f"{source}: only whole numbers are allowed, not {node.value!r}")
    elif isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        _check(node.left, source)
        _check(node.right, source)
    elif isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        _check(node.operand, source)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        raise TemplateError(f"{source}: use // for division; templates compute whole numbers")
    else:
        raise TemplateError(f"{source} is not allowed: templates may use only {ALLOWED}")


def _evaluate(node: ast.expr, n: int) -> int:
    # Only the node types _check let through can reach here.
    if isinstance(node, ast.Name):
        return n
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)](_evaluate(node.left, n), _evaluate(node.right, n))
    assert isinstance(node, ast.UnaryOp)
    return _UNARY[type(node.op)](_evaluate(node.operand, n))
