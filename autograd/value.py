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
collector little to walk; that is most of what makes the engine fast. For the
same reason a Value has nine fields and a gate output fills in eight: its
name and its composite share one field (`_names`), set only when there is
one, and a folded constant sits in `_db`, which has no operand to serve then.
(Each field is 8 bytes of every Value: with nine a Value takes 104 bytes, and
120 on a chain of gates, counting the floats they make.)

What each gate computes lives in `autograd.ops`; this file wires operators and
methods to that table: one function, `_gate_method`, makes every gate's output,
and the sugar (`-`, `/`, `**`) is written in terms of those gates. The one
exception is speed: add, mul and relu, the gates networks are made of, repeat
their one line of arithmetic here instead of calling their rule (a test holds
the two to the same bits).
"""

from __future__ import annotations

from collections.abc import Callable

from . import graph, ops
from .composite import OPEN_COMPOSITES, Composite
from .ops import Gate
from .validate import is_real_number, real_number

Number = int | float

# The recorders of `autograd.trace` while it runs a function, innermost last; empty
# otherwise, so a comparison pays one test of an empty list. Each is called as
# recorder(op, value, other) for `value op other` ("<", "<=", ">", ">=") and as
# recorder("float", value, None) when a Value is turned into a plain float (and by
# `grad` as recorder("grad", output, None) when its results will be plain numbers).
TRACING: list[Callable[[str, Value, object], None]] = []


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


def _gate_method(gate: Gate) -> Callable[..., Value]:
    """The function that applies `gate` to a Value (and to a second operand if any).

    The one place gate outputs are made. The operators and methods of Value are
    these functions, made once from the table. Creation skips __init__'s checks
    (every field is known good), and the local derivatives come from the rule
    now, while the operands' numbers are at hand, so backward is only
    multiplications and sums.

    One-operand and two-operand gates get a function each. Both end by filling
    in a new Value, written out in each because a shared helper would cost a
    call per gate, and a gate is what the engine does most.
    """
    apply_gate = _binary_method(gate) if gate.arity == 2 else _unary_method(gate)
    apply_gate.__name__ = apply_gate.__qualname__ = gate.name
    apply_gate.__doc__ = f"The {gate.name} gate ({gate.symbol}) applied to this Value."
    return apply_gate


def _unary_method(gate: Gate) -> Callable[..., Value]:
    """`gate` of one operand as a method, `x.exp()`; relu's arithmetic is written in."""
    rule = ops.checked_rule(gate)
    is_relu = gate is ops.RELU

    def apply_unary(self: Value, /, *stray: object) -> Value:
        if stray:  # Python's own message would count self as an argument
            raise TypeError(f"{gate.name}() takes no operand, got {type(stray[0]).__name__}")
        x = self.data
        if is_relu:  # skips its rule's call, as add and mul do: ops._relu's arithmetic
            if x <= 0.0:
                data = 0.0
                da = 0.0
            else:  # positive, or nan, which passes the gradient on
                data = x
                da = 1.0
        else:
            data, da = rule(x)
        out = _new_object(Value)
        out.data = data
        out.grad = 0.0
        out._gate = gate
        out._a = self
        out._da = da
        out._b = None
        out._db = 0.0
        out._mark = None
        if OPEN_COMPOSITES:
            out._names = (None, OPEN_COMPOSITES[-1])
        return out

    return apply_unary


def _binary_method(gate: Gate) -> Callable[..., Value]:
    """`gate` of two operands as a method, `x + y`; add's and mul's arithmetic is written in.

    A second operand that is not a Value must be a plain number, which the gate
    keeps as its constant; anything else returns NotImplemented (so `v + "a"` is
    Python's TypeError).
    """
    rule = ops.checked_rule(gate)
    is_add = gate is ops.ADD
    is_mul = gate is ops.MUL

    def apply_binary(self: Value, other: object, /) -> Value:
        if type(other) is Value:  # the common cases first: a Value, a float
            b = other
            y = other.data
        elif type(other) is float:
            b = None
            y = other
        elif isinstance(other, Value):  # a subclass of Value
            b = other
            y = other.data
        else:
            const = _as_constant(other)
            if const is None:
                return NotImplemented
            b = None
            y = const
        x = self.data
        # add and mul, the gates networks are made of, skip the call of their rule,
        # which would cost a sixth of the gate. The arithmetic is that of ops._add
        # and ops._mul; tests/test_engine_semantics.py holds it to them bit for bit.
        if is_add:
            data = x + y
            da = db = 1.0
        elif is_mul:
            data = x * y
            da = y
            db = x
        else:
            data, da, db = rule(x, y)
        if b is None:
            db = y  # no Value to hand a gradient to: _db keeps the folded constant
        out = _new_object(Value)
        out.data = data
        out.grad = 0.0
        out._gate = gate
        out._a = self
        out._da = da
        out._b = b
        out._db = db
        out._mark = None
        if OPEN_COMPOSITES:
            out._names = (None, OPEN_COMPOSITES[-1])
        return out

    return apply_binary


class Value:
    """A scalar node of the computational graph."""

    __slots__ = (
        "data", "grad", "_gate", "_a", "_b", "_da", "_db", "_mark", "_names",
    )  # fmt: skip

    data: float
    grad: float
    _gate: Gate | None  # the gate that made this Value; None for a leaf
    _a: Value | None  # first operand
    _b: Value | None  # second operand, if it is a Value
    _da: float  # d self / d _a
    _db: float  # d self / d _b; the folded constant when the second operand is one
    _mark: object  # written by graph walks, each with its own token; None when new
    # Set only when there is something to say; unset reads as None (see the properties).
    _names: tuple[str | None, Composite | None]  # its label, and the innermost composite
    # it was made in

    def __init__(self, data: Number, label: str | None = None) -> None:
        if label is not None:  # the setter checks it; skipped without one, a leaf is made 5x faster
            self.label = label
        self.data = data if type(data) is float else _to_float(data, "Value data")
        self.grad = 0.0
        self._gate = None
        self._a = self._b = None
        self._da = self._db = 0.0
        self._mark = None
        if OPEN_COMPOSITES:
            self._names = (label, OPEN_COMPOSITES[-1])

    # --- what the graph looks like from the outside -------------------------

    @property
    def label(self) -> str | None:
        """The name pictures write for this Value (`x`, `q`); None draws its number."""
        names = getattr(self, "_names", None)
        return None if names is None else names[0]

    @label.setter
    def label(self, label: str | None) -> None:
        if label is not None:
            if not isinstance(label, str):
                raise TypeError(f"label must be a string or None, got {type(label).__name__}")
            try:
                label.encode("utf-8")
            except UnicodeEncodeError:  # e.g. a lone surrogate: no picture could show it
                raise ValueError(f"label must be valid text, got {label!r}") from None
        scope = self.scope
        if label is not None or scope is not None:
            self._names = (label, scope)
        elif hasattr(self, "_names"):
            del self._names

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
        if self._b is None and self._gate is not None and self._gate.arity == 2:
            return self._db
        return None

    @property
    def scope(self) -> Composite | None:
        """The innermost composite gate this Value was created in."""
        names = getattr(self, "_names", None)
        return None if names is None else names[1]

    @property
    def is_leaf(self) -> bool:
        return self._gate is None

    def __repr__(self) -> str:
        name = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{name})"

    def __float__(self) -> float:
        if TRACING:  # float(v), math.exp(v): the number would leave the graph
            TRACING[-1]("float", self, None)
        return self.data

    # --- applying gates ------------------------------------------------------
    # Each operator and method applies one gate of the table through the function
    # `_gate_method` made from it: one new Value per gate.
    # Addition and multiplication commute, so `2 + x` is drawn as x into `+2`.

    __add__ = __radd__ = _gate_method(ops.ADD)
    __mul__ = __rmul__ = _gate_method(ops.MUL)
    exp = _gate_method(ops.EXP)
    reciprocal = _gate_method(ops.RECIPROCAL)
    sigmoid = _gate_method(ops.SIGMOID)
    relu = _gate_method(ops.RELU)
    tanh = _gate_method(ops.TANH)
    log = _gate_method(ops.LOG)

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
            last = _to_float(last, f"operand of {gate.name}")
        elif gate.needs_constant:
            raise TypeError(f"the last operand of gate {gate.name!r} must be a plain number")
        apply_gate = _APPLIERS.get(gate) or _APPLIERS.setdefault(gate, _gate_method(gate))
        return apply_gate(self, last) if gate.arity == 2 else apply_gate(self)

    def __neg__(self) -> Value:
        return _mul(self, -1.0)

    def __sub__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            return _add(self, -other)
        const = other if type(other) is float else _as_constant(other)
        return NotImplemented if const is None else _add(self, -const)

    def __rsub__(self, other: Number) -> Value:
        const = other if type(other) is float else _as_constant(other)
        return NotImplemented if const is None else _add(-self, const)

    def __truediv__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            return _mul(self, other.reciprocal())
        const = other if type(other) is float else _as_constant(other)
        if const is None:
            return NotImplemented
        return _mul(self, ops.RECIPROCAL.forward(const))

    def __rtruediv__(self, other: Number) -> Value:
        const = other if type(other) is float else _as_constant(other)
        if const is None:
            return NotImplemented
        if const == 1.0:  # 1 / x is the reciprocal gate itself, as the slides draw it
            return self.reciprocal()
        return _mul(self.reciprocal(), const)

    def __pow__(self, exponent: Number, modulo: None = None) -> Value:
        if modulo is not None:
            raise TypeError("pow() with a modulus is not defined for Value")
        if isinstance(exponent, Value):
            raise TypeError(
                "the exponent must be a plain number; for a Value exponent "
                "write (b.log() * x).exp() for b ** x"
            )
        const = _as_constant(exponent)
        return NotImplemented if const is None else _pow(self, const)

    def __rpow__(self, base: Number) -> Value:
        raise TypeError(
            f"{base!r} ** Value is not a gate; write (math.log(b) * x).exp() for b ** x"
        )

    def max(self, other: Value | Number) -> Value:
        """A max gate: the larger input gets all of the gradient, a tie half each.

        Only this method records a gate; Python's builtin `max(a, b)` just
        compares `.data` and returns one of the two Values.
        """
        if not isinstance(other, Value):
            other = _to_float(other, "max() operand")
        return _max(self, other)

    # --- comparisons look at the numbers; == stays identity -------------------
    # Values are graph nodes, so they hash and compare equal by identity (they can
    # live in sets and dicts). Ordering compares .data, which lets builtin
    # max/min/sorted work on Values; no gate is recorded. While `autograd.trace`
    # records a function, each comparison is reported to it (see TRACING).

    def __lt__(self, other: Value | Number) -> bool:
        result = self.data < _data_of(other)
        if TRACING:
            TRACING[-1]("<", self, other)
        return result

    def __le__(self, other: Value | Number) -> bool:
        result = self.data <= _data_of(other)
        if TRACING:
            TRACING[-1]("<=", self, other)
        return result

    def __gt__(self, other: Value | Number) -> bool:
        result = self.data > _data_of(other)
        if TRACING:
            TRACING[-1](">", self, other)
        return result

    def __ge__(self, other: Value | Number) -> bool:
        result = self.data >= _data_of(other)
        if TRACING:
            TRACING[-1](">=", self, other)
        return result

    # --- backpropagation -------------------------------------------------------

    def backward(self) -> None:
        """Add d self / d node to `.grad` of every node this Value depends on.

        The pass is iterative (no recursion limit). Calling it again adds the same
        amounts again, as PyTorch does with retain_graph; `zero_grad()` resets.
        """
        graph.backpropagate(self)

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


# apply() makes a gate's function once and keeps it (a Gate hashes by identity).
_APPLIERS: dict[Gate, Callable[..., Value]] = {}

# The gates the methods above build on, for their own use.
_add = Value.__add__
_mul = Value.__mul__
_pow = _gate_method(ops.POW)
_max = _gate_method(ops.MAX)
