"""`Value`: a float that remembers the gate that made it.

A Value holds its number (`data`), the gradient that backward() leaves in it
(`grad`), the gate that produced it, its operands in order, and the gate's local
derivatives d value / d operand, computed once in the forward pass. A plain
number used as an operand (`x + 1`, `2 * x`) is not made into a Value: it is
kept inside the gate as its constant, which is also how the slides draw `+1`.

Why the fields look the way they do: every gate has one or two operands, so a
Value keeps them in two fields (`_a`, `_b`) with their local derivatives
(`_da`, `_db`) instead of in tuples. A Value is then the only object a gate
allocates besides its float, which keeps memory low and leaves Python's garbage
collector little to walk; that is most of what makes the engine fast.

What each gate computes lives in `autograd.ops`; this file only wires operators
and methods to that table, so every operation below is one line.
"""

from __future__ import annotations

import itertools

from . import graph, ops
from .composite import Composite, _Active
from .ops import Gate
from .validate import is_real_number, real_number

Number = int | float


def _to_float(x: object, what: str) -> float:
    """The float for a real number; a TypeError that names the problem otherwise."""
    if type(x) is float:
        return x
    if isinstance(x, Value):
        raise TypeError(f"{what} is already a Value; use it directly")
    return real_number(x, what)


def _as_constant(x: object) -> float | None:
    """A plain real number as the float a gate keeps; None for anything else (bools too).

    The operators below test `type(other) is float` themselves before calling this:
    a float is by far the most common constant, and skipping the call is a
    measurable share of an operator's time.
    """
    if type(x) is float:
        return x
    if is_real_number(x):
        return _to_float(x, "a constant operand")
    return None


_new_object = object.__new__
_next_id = itertools.count().__next__


class Value:
    """A scalar node of the computational graph."""

    __slots__ = (
        "data", "grad", "_label", "_gate", "_a", "_b", "_da", "_db", "_const", "_scope", "_id",
    )  # fmt: skip

    data: float
    grad: float
    _label: str | None
    _gate: Gate | None  # the gate that made this Value; None for a leaf
    _a: Value | None  # first operand
    _b: Value | None  # second operand, if it is a Value
    _da: float  # d self / d _a
    _db: float  # d self / d _b
    _const: float | None  # a plain-number last operand, folded into the gate
    _scope: Composite | None  # the innermost composite gate it was made in
    _id: int  # creation number: parents always have smaller ones

    def __init__(self, data: Number, label: str | None = None) -> None:
        self.label = label
        self.data = data if type(data) is float else _to_float(data, "Value data")
        self.grad = 0.0
        self._gate = None
        self._a = self._b = None
        self._da = self._db = 0.0
        self._const = None
        self._scope = _Active.current
        self._id = _next_id()

    # --- what the graph looks like from the outside -------------------------

    @property
    def label(self) -> str | None:
        """The name pictures write for this Value (`x`, `q`); None draws its number."""
        return self._label

    @label.setter
    def label(self, label: str | None) -> None:
        if label is not None and not isinstance(label, str):
            raise TypeError(f"label must be a string or None, got {type(label).__name__}")
        self._label = label

    @property
    def gate(self) -> Gate | None:
        """The gate that made this Value; None for a leaf."""
        return self._gate

    @property
    def parents(self) -> tuple[Value, ...]:
        """The Value operands of the gate, in order (a folded constant is not one)."""
        if self._a is None:
            return ()
        if self._b is None:
            return (self._a,)
        return (self._a, self._b)

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d self / d parent_i for each of `parents`, computed in the forward pass."""
        return (self._da, self._db)[: len(self.parents)]

    @property
    def const(self) -> float | None:
        """The constant folded into the gate as its last operand (`x + 1` -> 1.0)."""
        return self._const

    @property
    def scope(self) -> Composite | None:
        """The innermost composite gate this Value was created in."""
        return self._scope

    @property
    def is_leaf(self) -> bool:
        return self._gate is None

    def __repr__(self) -> str:
        name = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{name})"

    def __float__(self) -> float:
        return self.data

    # --- applying gates ------------------------------------------------------

    def apply(self, gate: Gate, *others: Value | Number) -> Value:
        """Apply any gate of the table with self as its first operand.

        `others` are further Values; the last one may be a plain number when the
        gate accepts a constant.
        """
        operands = (self, *others)
        if not isinstance(gate, Gate):
            raise TypeError(f"apply() needs a Gate, got {type(gate).__name__}")
        if len(operands) != gate.arity:
            raise TypeError(f"gate {gate.name!r} takes {gate.arity} operands, got {len(operands)}")
        last = operands[-1]
        if not isinstance(last, Value):
            if not gate.accepts_constant:
                raise TypeError(f"gate {gate.name!r} takes Values, got {type(last).__name__}")
            return _output(gate, self, None, _to_float(last, f"operand of {gate.name}"))
        if gate.needs_constant:
            raise TypeError(f"the last operand of gate {gate.name!r} must be a plain number")
        if gate.arity == 1:
            return _output(gate, self, None, None)
        return _output(gate, self, last, None)

    def __add__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            return _output(ops.ADD, self, other, None)
        const = other if type(other) is float else _as_constant(other)
        return NotImplemented if const is None else _output(ops.ADD, self, None, const)

    def __mul__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            return _output(ops.MUL, self, other, None)
        const = other if type(other) is float else _as_constant(other)
        return NotImplemented if const is None else _output(ops.MUL, self, None, const)

    # Addition and multiplication commute, so `2 + x` is drawn as x into `+2`.
    __radd__ = __add__
    __rmul__ = __mul__

    def __neg__(self) -> Value:
        return _output(ops.MUL, self, None, -1.0)

    def __sub__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            return _output(ops.ADD, self, -other, None)
        const = other if type(other) is float else _as_constant(other)
        return NotImplemented if const is None else _output(ops.ADD, self, None, -const)

    def __rsub__(self, other: Number) -> Value:
        const = other if type(other) is float else _as_constant(other)
        return NotImplemented if const is None else _output(ops.ADD, -self, None, const)

    def __truediv__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            return _output(ops.MUL, self, other.reciprocal(), None)
        const = other if type(other) is float else _as_constant(other)
        if const is None:
            return NotImplemented
        return _output(ops.MUL, self, None, ops.RECIPROCAL.forward(const))

    def __rtruediv__(self, other: Number) -> Value:
        const = other if type(other) is float else _as_constant(other)
        if const is None:
            return NotImplemented
        if const == 1.0:  # 1 / x is the reciprocal gate itself, as the slides draw it
            return self.reciprocal()
        return _output(ops.MUL, self.reciprocal(), None, const)

    def __pow__(self, exponent: Number, modulo: None = None) -> Value:
        if modulo is not None:
            raise TypeError("pow() with a modulus is not defined for Value")
        if isinstance(exponent, Value):
            raise TypeError(
                "the exponent must be a plain number; for a Value exponent "
                "write (b.log() * x).exp() for b ** x"
            )
        const = _as_constant(exponent)
        return NotImplemented if const is None else _output(ops.POW, self, None, const)

    def __rpow__(self, base: Number) -> Value:
        raise TypeError(
            f"{base!r} ** Value is not a gate; write (math.log(b) * x).exp() for b ** x"
        )

    def exp(self) -> Value:
        return _output(ops.EXP, self, None, None)

    def reciprocal(self) -> Value:
        return _output(ops.RECIPROCAL, self, None, None)

    def sigmoid(self) -> Value:
        return _output(ops.SIGMOID, self, None, None)

    def relu(self) -> Value:
        return _output(ops.RELU, self, None, None)

    def tanh(self) -> Value:
        return _output(ops.TANH, self, None, None)

    def log(self) -> Value:
        return _output(ops.LOG, self, None, None)

    def max(self, other: Value | Number) -> Value:
        """A max gate: the larger input gets all of the gradient, a tie half each.

        Only this method records a gate; Python's builtin `max(a, b)` just
        compares `.data` and returns one of the two Values.
        """
        if isinstance(other, Value):
            return _output(ops.MAX, self, other, None)
        return _output(ops.MAX, self, None, _to_float(other, "max() operand"))

    # --- comparisons look at the numbers; == stays identity -------------------
    # Values are graph nodes, so they hash and compare equal by identity (they can
    # live in sets and dicts). Ordering compares .data, which lets builtin
    # max/min/sorted work on Values; no gate is recorded.

    def __lt__(self, other: Value | Number) -> bool:
        return self.data < _data_of(other)

    def __le__(self, other: Value | Number) -> bool:
        return self.data <= _data_of(other)

    def __gt__(self, other: Value | Number) -> bool:
        return self.data > _data_of(other)

    def __ge__(self, other: Value | Number) -> bool:
        return self.data >= _data_of(other)

    # --- backpropagation -------------------------------------------------------

    def backward(self) -> None:
        """Add d self / d node to `.grad` of every node this Value depends on.

        The pass is iterative (no recursion limit). Calling it again adds the same
        amounts again, as PyTorch does with retain_graph; `zero_grad()` resets.
        """
        for _ in graph.backward_steps(self):
            pass

    def zero_grad(self) -> None:
        """Reset `.grad` to 0 on this Value and every node it depends on."""
        graph.zero_grad(self)


def _data_of(x: Value | Number) -> float:
    if isinstance(x, Value):
        return x.data
    const = _as_constant(x)
    if const is not None:
        return const
    raise TypeError(f"cannot compare a Value with {type(x).__name__}")


def _output(gate: Gate, a: Value, b: Value | None, const: float | None) -> Value:
    """A new Value: `gate` applied to a, and to b or to the constant if given.

    The one place gate outputs are made. It skips __init__'s checks (every field
    is known good) and computes the local derivatives now, while the operands'
    numbers are at hand, so backward is only multiplications and additions.
    """
    x = a.data
    if b is not None:
        y = b.data
        data = gate.forward(x, y)
        da, db = gate.local_grads(data, x, y)
    elif const is not None:
        data = gate.forward(x, const)
        da = gate.local_grads(data, x, const)[0]
        db = 0.0
    else:
        data = gate.forward(x)
        (da,) = gate.local_grads(data, x)
        db = 0.0
    out = _new_object(Value)
    out.data = data
    out.grad = 0.0
    out._label = None
    out._gate = gate
    out._a = a
    out._da = da
    out._b = b
    out._db = db
    out._const = const
    out._scope = _Active.current
    out._id = _next_id()
    return out
