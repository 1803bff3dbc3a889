"""Expression text -> a graph of Values, without ever running the text as Python.

The text is read by Python's own parser (`ast.parse` only builds a syntax tree;
nothing is executed), and the tree is then walked against a whitelist. The
language:

- numbers: `2`, `0.5`, `1e-3`;
- variables: names given a value; each name is ONE leaf Value labelled with the
  name, so `x*x` uses x twice (and x.grad collects both uses);
- `+ - * / **` (the exponent must be a number), unary `-` and `+`, parentheses;
- calls of the gates in `autograd.GATES` by name: `exp(x)`, `log(x)`,
  `sigmoid(x)`, `tanh(x)`, `relu(x)`, `reciprocal(x)`, `max(a, b)`, ...; also
  `recip(x)` for reciprocal, and a gate's drawing symbol when it is a name
  (`σ(x)` for sigmoid). Only a gate's last argument may be a plain number:
  `max(x, 0)`, not `max(0, x)`.

Arithmetic on numbers alone (`2 ** 0.5`, `1/0`) is worked out by the engine's
gates (so `1/0` is inf) and stays a plain number, folded into the next gate as
its constant, as the slides draw `+1`. (`1 / e` is the `1/x` gate alone: the
engine makes it so.)

Everything else (attributes, subscripts, lambdas, keyword arguments, names that
start with `__`, ...) is refused with an `ExpressionError` that says where. So is
text longer than `MAX_LENGTH` characters or nested deeper than `MAX_DEPTH`
levels (the length is checked before Python's parser sees the text). A chain
of operators, `x1 + x2 + ... + x200`, is one level however long it is: Python
nests it to the left, `((x1 + x2) + ...) + x200`, but nobody reads it that way.
"""

from __future__ import annotations

import ast
import keyword
import operator
import unicodedata
from collections.abc import Callable, Mapping

from autograd import GATES, Gate, Value, ops, topological_order

MAX_LENGTH = 1000  # characters
MAX_DEPTH = 100  # levels of nesting: `x` is 1, `x + y + z` is 2, `x * (y + z)` is 3

ALIASES = {"recip": "reciprocal"}  # short names for gates, besides their symbols

Operand = Value | float

_OPERATORS: dict[type[ast.operator], Callable[[Operand, Operand], Operand]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}

_REFUSED = {  # how to name, in an error, the Python we do not accept
    ast.Attribute: "attribute access ('.')",
    ast.Subscript: "subscripts ('[...]')",
    ast.Lambda: "lambda",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.Compare: "comparisons",
    ast.BoolOp: "'and' / 'or'",
    ast.IfExp: "'if ... else'",
    ast.NamedExpr: "':='",
    ast.Starred: "'*' unpacking",
    ast.Tuple: "tuples",
    ast.List: "lists",
    ast.Set: "sets",
    ast.Dict: "dicts",
    ast.JoinedStr: "f-strings",
}


TOO_DEEP = f"the expression is nested deeper than {MAX_DEPTH} levels"


class ExpressionError(ValueError):
    """The expression or a variable name is not in the language; the message says where."""


def functions() -> dict[str, Gate]:
    """The callable names: every gate of the table (read now, so user gates count too)."""
    names = dict(GATES)
    for gate in GATES.values():
        if gate.symbol.isidentifier():
            names.setdefault(gate.symbol, gate)  # σ for sigmoid
    for alias, name in ALIASES.items():
        if name in GATES:
            names[alias] = GATES[name]
    return names


def build(text: str, values: Mapping[str, float]) -> Value:
    """The graph of `text` with leaves labelled by the names in `values`.

    Every given value must be used: an unused one is usually a typo.
    """
    if not isinstance(text, str):
        raise TypeError(f"the expression must be a string, got {type(text).__name__}")
    callable_names = functions()
    for name in values:
        _check_variable_name(name, callable_names)
    leaves = {name: Value(number, label=name) for name, number in values.items()}
    tree = _parse(text)
    try:
        root = _Builder(text, leaves, callable_names).build(tree)
    except RecursionError:  # the stack ran out before MAX_DEPTH: a low recursion limit
        raise ExpressionError(TOO_DEEP) from None
    if not isinstance(root, Value):
        raise ExpressionError("the expression has no variables, so there is nothing to draw")
    used = set(topological_order(root))
    unused = [name for name, leaf in leaves.items() if leaf not in used]
    if unused:
        raise ExpressionError(f"{unused[0]} is given a value but the expression does not use it")
    return root


def _check_variable_name(name: str, callable_names: Mapping[str, Gate]) -> None:
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise ExpressionError(f"{name!r} cannot be a variable name: use letters, digits and _")
    if name.startswith("__"):
        raise ExpressionError(f"{name!r}: names that start with '__' are not allowed")
    if unicodedata.normalize("NFKC", name) != name:  # Python's parser reads names NFKC-folded
        folded = unicodedata.normalize("NFKC", name)
        raise ExpressionError(f"{name!r} reads as {folded!r} in an expression; call it {folded!r}")
    if name in callable_names:
        raise ExpressionError(f"{name!r} is the name of a gate; pick another variable name")


def _parse(text: str) -> ast.expr:
    """Python's syntax tree of `text`, after the checks that protect the parser itself."""
    if not text.strip():
        raise ExpressionError("the expression is empty")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"the expression is {len(text)} characters long; the limit is {MAX_LENGTH}"
        )
    if not text.isprintable():  # also refuses newlines and NUL, so columns are simple
        raise ExpressionError("the expression must be one line of printable characters")
    source, indent = _without_indent(text)
    try:
        return ast.parse(source, mode="eval").body
    except SyntaxError as error:
        column = indent + (error.offset or len(source) + 1)  # 0 means "ended too early"
        raise ExpressionError(f"column {column}: syntax error: {error.msg}") from None
    except (RecursionError, MemoryError):  # Python 3.11 and 3.12's parser, on deep nesting
        raise ExpressionError(TOO_DEEP) from None


def _without_indent(text: str) -> tuple[str, int]:
    """The text without leading blanks (which Python's parser refuses), and how many there were.

    Python's own eval() skips them too. Columns in messages count them, so they
    point into the text as the user typed it.
    """
    source = text.lstrip(" ")
    return source, len(text) - len(source)


class _Builder:
    """Walks the syntax tree once, making Values for the nodes the language allows."""

    def __init__(self, text: str, leaves: Mapping[str, Value], names: Mapping[str, Gate]):
        self.source, self.indent = _without_indent(text)
        self.leaves = leaves
        self.functions = names

    def build(self, node: ast.expr, depth: int = 1) -> Operand:
        if depth > MAX_DEPTH:
            raise self.error(node, TOO_DEEP)
        if isinstance(node, ast.Constant):
            return self.number(node)
        if isinstance(node, ast.Name):
            return self.variable(node)
        if isinstance(node, ast.UnaryOp):
            return self.unary(node, depth)
        if isinstance(node, ast.BinOp):
            return self.binary(node, depth)
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        what = _REFUSED.get(type(node), f"'{type(node).__name__}' expressions")
        raise self.error(node, f"{what} not allowed; use numbers, names, + - * / ** and gates")

    def number(self, node: ast.Constant) -> float:
        number = node.value
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise self.error(node, f"only numbers are allowed here, not {number!r}")
        try:
            return float(number)
        except OverflowError:
            raise self.error(
                node, f"the number {shortened(str(number))} is too large for a float"
            ) from None

    def variable(self, node: ast.Name) -> Value:
        name = node.id
        if name.startswith("__"):
            raise self.error(node, f"names that start with '__' are not allowed: {name}")
        if name in self.leaves:
            return self.leaves[name]
        if name in self.functions:
            raise self.error(node, f"{name} is a gate: call it, e.g. {name}(x)")
        raise self.error(node, f"unknown name {name!r}: give it a value, e.g. {name}=1.5")

    def unary(self, node: ast.UnaryOp, depth: int) -> Operand:
        operand = self.build(node.operand, depth + 1)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return operand
        raise self.error(node, "only unary - and + are allowed")

    def binary(self, node: ast.BinOp, depth: int) -> Operand:
        """A chain `a + b - c * d`: Python nests it to the left, ((a + b) - c) * d.

        The links are walked in a loop, so a long chain is one level deep (and
        needs no recursion); operands are built left to right, as written.
        """
        chain = [node]
        while isinstance(chain[-1].left, ast.BinOp):
            chain.append(chain[-1].left)
        for link in chain:
            if type(link.op) not in _OPERATORS:
                raise self.error(link, "only the operators + - * / ** are allowed")
        result = self.build(chain[-1].left, depth + 1)
        for link in reversed(chain):
            right = self.build(link.right, depth + 1)
            if isinstance(link.op, ast.Pow):
                self.check_exponent(link.right, right)
            result = _apply(_OPERATORS[type(link.op)], result, right)
        return result

    def call(self, node: ast.Call, depth: int) -> Operand:
        if not isinstance(node.func, ast.Name):
            if isinstance(node.func, ast.Attribute):
                raise self.error(node.func, f"{_REFUSED[ast.Attribute]} not allowed")
            raise self.error(node.func, "only gates can be called, by name: exp(x)")
        name = node.func.id
        if name.startswith("__"):
            raise self.error(node.func, f"names that start with '__' are not allowed: {name}")
        gate = self.functions.get(name)
        if gate is None and name in self.leaves:
            raise self.error(node.func, f"{name} is a variable, not a gate")
        if gate is None:
            known = ", ".join(sorted(self.functions))
            raise self.error(node.func, f"unknown function {name!r}; the gates are: {known}")
        if node.keywords:
            raise self.error(node.keywords[0], f"keyword arguments are not allowed in {name}()")
        operands = [self.build(argument, depth + 1) for argument in node.args]
        if len(operands) != gate.arity:
            s = "" if gate.arity == 1 else "s"
            raise self.error(node, f"{name}() takes {gate.arity} argument{s}, got {len(operands)}")
        if gate is ops.POW:
            self.check_exponent(node.args[-1], operands[-1])
        first, *rest = operands
        if not isinstance(first, Value) and any(isinstance(other, Value) for other in rest):
            raise self.error(node, f"{name}(): only the last argument may be a plain number")
        try:
            if isinstance(first, Value):
                return first.apply(gate, *rest)
            return Value(first).apply(gate, *rest).data  # numbers alone
        except TypeError as error:  # e.g. a number for a gate that takes no constant
            raise self.error(node, str(error)) from None
        except Exception as error:  # a registered gate's own rule failed (math.exp(800))
            reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            reason = reason if len(reason) <= 120 else reason[:119] + "…"
            raise self.error(node, f"the {name} gate's rule failed: {reason}") from None

    def check_exponent(self, node: ast.expr, exponent: Operand) -> None:
        if isinstance(exponent, Value):
            raise self.error(
                node, "the exponent must be a number; for b ** x write exp(log(b) * x)"
            )

    def error(self, node: ast.expr | ast.keyword, message: str) -> ExpressionError:
        """An error that names the column of `node` (counted in characters, from 1)."""
        before = self.source.encode()[: node.col_offset].decode(errors="ignore")  # bytes -> chars
        column = self.indent + len(before) + 1
        return ExpressionError(f"column {column}: {message}")


def _apply(
    compute: Callable[[Operand, Operand], Operand], left: Operand, right: Operand
) -> Operand:
    """`compute(left, right)`; numbers alone are worked out by the engine's gates (IEEE rules)."""
    if isinstance(left, Value) or isinstance(right, Value):
        return compute(left, right)
    return float(compute(Value(left), right))


def shortened(text: str, keep: int = 30) -> str:
    """Text the user typed, shortened for a message: `111111…(900 characters)`."""
    return text if len(text) <= keep + 10 else f"{text[:keep]}…({len(text)} characters)"
