"""The tape's array rules against the gate table's scalar rules, at the IEEE edges and beyond.

The expected numbers are the scalar engine's own (the semantics tests pin those
to hand-written IEEE values); here each array rule must give the same value and
local derivatives for every operand, edge cases included: the same nan, the
same inf, the same sign of zero. Finite results may differ in the last bits
where numpy's exp, log, tanh and power round differently from Python's math.
"""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import GATES, Gate, Value, ops, register_gate, trace
from autograd.tape.rules import batch_rule_of

inf, nan = math.inf, math.nan
EDGES = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 1000.0, -1000.0, 710.0, -710.0, 1e-310, -1e-310,
         1e308, -1e308, inf, -inf, nan]  # fmt: skip
CONSTANTS = [0.0, -0.0, 1.0, -1.0, 2.0, 3.0, 0.5, -0.5, -1.5, 1 / 3, 401.0, inf, -inf, nan]


def same(a: float, b: float) -> bool:
    """Equal as IEEE values (nan to nan, the sign of zero checked), finite ones to rounding."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if a == 0.0 or math.isinf(a) or b == 0.0 or math.isinf(b):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return math.isclose(a, b, rel_tol=1e-13)


def operand_pairs(gate: Gate) -> list[tuple[float, float]]:
    """Every pair of edge values, with the second from CONSTANTS when it is folded in."""
    seconds = CONSTANTS if gate.needs_constant else EDGES
    return [(a, b) for a in EDGES for b in seconds]


def assert_rows_match(gate: Gate, columns: list[list[float]]) -> None:
    """The array rule over these columns gives, row by row, what the scalar rule gives."""
    with np.errstate(all="ignore"):
        arrays = batch_rule_of(gate)(*(np.array(column) for column in columns))
    results = [np.broadcast_to(np.asarray(x, dtype=float), len(columns[0])) for x in arrays]
    for i, operands in enumerate(zip(*columns, strict=True)):
        expected = gate.rule(*operands)
        got = tuple(float(result[i]) for result in results)
        assert all(map(same, got, expected)), f"{gate.name}{operands}: {got} != {expected}"


BUILT_IN = [gate for gate in GATES.values() if gate.name in ops.BUILT_IN_NAMES]


@pytest.mark.parametrize("gate", BUILT_IN, ids=lambda gate: gate.name)
def test_each_built_in_array_rule_matches_its_scalar_rule_at_the_edges(gate):
    if gate.arity == 1:
        assert_rows_match(gate, [EDGES])
    else:
        firsts, seconds = zip(*operand_pairs(gate), strict=True)
        assert_rows_match(gate, [list(firsts), list(seconds)])


@pytest.mark.parametrize("gate", BUILT_IN, ids=lambda gate: gate.name)
@given(data=st.data())
def test_each_built_in_array_rule_matches_its_scalar_rule_anywhere(gate, data):
    floats = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(EDGES)
    column = st.lists(floats, min_size=1, max_size=20)
    first = data.draw(column)
    if gate.arity == 1:
        assert_rows_match(gate, [first])
        return
    second_value = st.sampled_from(CONSTANTS) if gate.needs_constant else floats
    second = data.draw(st.lists(second_value, min_size=len(first), max_size=len(first)))
    assert_rows_match(gate, [first, second])


@pytest.mark.parametrize(
    "x, expected",
    [(0.0, (0.0, 0.0)), (-0.0, (0.0, 0.0)), (3.0, (3.0, 1.0)), (-2.0, (0.0, 0.0))],
)
def test_relu_replays_with_zero_slope_at_zero(x, expected):
    out, slope = batch_rule_of(ops.RELU)(np.array([x]))
    assert (float(out[0]), float(slope[0])) == expected
    assert math.copysign(1.0, float(out[0])) == 1.0  # relu(-0.0) is +0.0, as in the engine


def test_max_replays_ties_as_half_each_and_nan_as_both():
    out, da, db = batch_rule_of(ops.MAX)(np.array([1.5, nan, 2.0]), np.array([1.5, 1.0, nan]))
    assert out[0] == 1.5 and np.isnan(out[1:]).all()
    assert da.tolist() == [0.5, 1.0, 1.0] and db.tolist() == [0.5, 1.0, 1.0]


def test_replayed_forward_of_every_gate_equals_the_scalar_engine_at_the_edges():
    """End to end through trace: every gate's output on the edge rows, as Value computes it."""
    for gate in BUILT_IN:
        if gate.arity == 1:
            tape = trace(lambda x, g=gate: x.apply(g), [0.5])
            rows = [[x] for x in EDGES]
        elif gate.needs_constant:
            rows = [[x] for x in EDGES]
            for c in CONSTANTS:
                tape = trace(lambda x, g=gate, c=c: x.apply(g, c), [0.5])
                expected = [Value(x).apply(gate, c).data for (x,) in rows]
                assert all(map(same, tape(rows).tolist(), expected)), (gate.name, c)
            continue
        else:
            tape = trace(lambda x, y, g=gate: x.apply(g, y), [0.5, 0.25])
            rows = [list(pair) for pair in operand_pairs(gate)]
        expected = [Value(row[0]).apply(gate, *map(Value, row[1:])).data for row in rows]
        assert all(map(same, tape(rows).tolist(), expected)), gate.name


def test_a_user_gate_with_a_batch_rule_replays_with_it(gate_table):
    calls = []

    def cube_rows(x):
        calls.append(len(x))
        return x**3, 3 * x**2

    cube = register_gate(Gate("cube", "³", 1, lambda x: (x**3, 3 * x * x), batch_rule=cube_rows))
    w = Value(2.0)
    tape = trace(lambda x: x.apply(cube) * w, [1.0])
    assert tape.backward([[1.0], [2.0], [-1.0]]).tolist() == [2.0, 16.0, -2.0]
    assert w.grad == 1.0 + 8.0 - 1.0
    assert calls == [3]  # one call for the whole batch


def test_a_user_gate_without_a_batch_rule_replays_row_by_row_and_says_so_once(gate_table):
    cube = register_gate(Gate("cube", "³", 1, lambda x: (x**3, 3 * x * x)))
    with pytest.warns(UserWarning, match="'cube' has no batch_rule") as said:
        tape = trace(lambda x: x.apply(cube) + x.apply(cube).apply(cube), [1.0])
    assert len(said) == 1  # once, although the gate is used three times
    assert said[0].filename == __file__  # pointing at the trace() call
    assert tape([[2.0], [-1.0]]).tolist() == [8.0 + 512.0, -1.0 - 1.0]


def test_a_batch_rule_of_the_wrong_shape_is_a_clear_error(gate_table):
    bad = register_gate(Gate("bad", "b", 1, lambda x: (x, 1.0), batch_rule=lambda x: (x,)))
    tape = trace(lambda x: x.apply(bad), [1.0])
    with pytest.raises(TypeError, match="'bad': batch_rule must return"):
        tape([[1.0]])
    too_long = lambda x: (np.append(x, x), x)  # noqa: E731
    worse = register_gate(Gate("worse", "w", 1, lambda x: (x, 1.0), batch_rule=too_long))
    tape = trace(lambda x: x.apply(worse), [1.0])
    with pytest.raises(ValueError, match="'worse': batch_rule returned an array of shape"):
        tape([[1.0], [2.0]])


def test_a_batch_rule_must_be_a_function():
    with pytest.raises(TypeError, match="batch_rule must be a function"):
        Gate("g", "g", 1, lambda x: (x, 1.0), batch_rule=3)
