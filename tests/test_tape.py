"""trace and Tape: the replay gives what the scalar engine gives, one example at a time.

The reference is always the scalar engine itself: the traced function called on
fresh Values for each row, and `sum(losses).backward()` (or a backward per row,
which adds the same) for the gradients of the shared leaves.
"""

import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import BranchError, Value, grad, hessian, trace
from autograd.nn import MLP
from autograd.nn.datasets import make_moons
from autograd.nn.losses import logistic
from autograd.nn.optim import SGD
from autograd.testing import INPUT_RANGE, expressions

EXACT_GATES = ["add", "mul", "max", "relu", "reciprocal"]  # the same IEEE operations in numpy


def scalar_engine(fn, params, rows):
    """Outputs row by row, each leaf's summed gradient, and the size of what was summed for it.

    A leaf's gradient is a sum of shares, one per path to the output, and shares can
    cancel (d(2/x · x)/dx = 0.8 - 0.8 in floats at x = 2.5): summed in another order
    the result may differ by a rounding of the shares, however small the result. So
    the honest bound on rounding is relative to Σ |share| over the paths and rows.
    """
    outputs, grads, scale = [], np.zeros(len(params)), np.zeros(len(params))
    for row in rows:
        for p in params:
            p.grad = 0.0
        out = fn(*map(Value, row))
        out.backward()
        outputs.append(out.data)
        grads += [p.grad for p in params]
        scale += share_magnitudes(out, params)
    return np.array(outputs), grads, scale


def share_magnitudes(out, params):
    """Per leaf: Σ over paths to `out` of |product of the local derivatives along it|."""
    order, seen, stack = [], set(), [(out, False)]
    while stack:  # depth-first post-order: each node after its operands
        node, operands_listed = stack.pop()
        if operands_listed:
            order.append(node)
        elif node not in seen:
            seen.add(node)
            stack.append((node, True))
            stack.extend((p, False) for p in node.parents)
    size = {node: 0.0 for node in order}
    size[out] = 1.0
    for node in reversed(order):
        for operand, derivative in zip(node.parents, node.local_grads, strict=True):
            size[operand] += abs(derivative) * size[node]
    return np.array([size.get(p, 0.0) for p in params])


def replayed(tape, params, rows):
    for p in params:
        p.grad = 0.0
    outputs = tape.backward(rows)
    return outputs, np.array([p.grad for p in params])


def assert_close(got, expected, scale, rel):
    """Equal as IEEE values where the engine gives nan or inf; to rounding (of scale) elsewhere."""
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    special = ~np.isfinite(expected) | ~np.isfinite(got)
    assert np.array_equal(got[special], expected[special], equal_nan=True), (got, expected)
    finite = ~special & np.isfinite(scale)
    error = np.abs(got[finite] - expected[finite])
    assert np.all(error <= rel * (np.asarray(scale)[finite] + 1e-300)), (got, expected, scale)


def split_inputs(case, n_traced):
    """The drawn graph as a traced function of its first inputs; the others are shared leaves."""
    f, inputs = case
    params = [Value(x) for x in inputs[n_traced:]]
    return (lambda *xs: f(*xs, *params)), inputs[:n_traced], params


rows_near = st.lists(
    st.lists(st.floats(-1e-6, 1e-6), min_size=3, max_size=3), min_size=1, max_size=6
)


@given(case=expressions(n_inputs=3), n_traced=st.integers(1, 3), offsets=rows_near)
def test_random_graphs_replay_as_the_scalar_engine_computes_them(case, n_traced, offsets):
    """Any gate of the table: rows close to the drawn point, where every gate is smooth."""
    fn, example, params = split_inputs(case, n_traced)
    rows = [[x + d for x, d in zip(example, offset, strict=False)] for offset in offsets]
    outputs, grads, scale = scalar_engine(fn, params, rows)
    tape = trace(fn, example)
    got_outputs, got_grads = replayed(tape, params, rows)
    assert_close(got_outputs, outputs, np.abs(outputs), rel=1e-9)
    assert_close(got_grads, grads, scale, rel=1e-9)


any_row = st.lists(
    st.floats(-INPUT_RANGE, INPUT_RANGE) | st.sampled_from([0.0, -0.0, 1.0, -1.0]),
    min_size=3,
    max_size=3,
)


@given(
    case=expressions(n_inputs=3, ops=EXACT_GATES),
    n_traced=st.integers(1, 3),
    rows=st.lists(any_row, min_size=1, max_size=8),
)
def test_gates_numpy_computes_exactly_replay_bit_for_bit_on_any_rows(case, n_traced, rows):
    """Rows anywhere, ties, kinks and poles included: outputs identical, gradients to rounding."""
    fn, example, params = split_inputs(case, n_traced)
    rows = [row[:n_traced] for row in rows]
    outputs, grads, scale = scalar_engine(fn, params, rows)
    got_outputs, got_grads = replayed(trace(fn, example), params, rows)
    assert np.array_equal(got_outputs, outputs, equal_nan=True)
    assert_close(got_grads, grads, scale, rel=1e-12)


def moons_loss(model):
    def loss_fn(x1, x2, y):
        (score,) = model([x1, x2])
        return (1.0 - y * score).max(0.0)

    return loss_fn


def test_an_mlp_loss_matches_sum_of_losses_backward():
    model = MLP(2, [8, 8, 1], rng=0)
    loss_fn = moons_loss(model)
    rng = np.random.default_rng(1)
    XY = np.column_stack([rng.normal(size=(40, 2)), rng.choice([-1.0, 1.0], 40)])
    losses = [loss_fn(*map(Value, row)) for row in XY.tolist()]
    total = sum(losses[1:], losses[0])
    total.backward()
    expected = [p.grad for p in model.parameters()]
    model.zero_grad()
    tape = trace(loss_fn, [0.0, 0.0, 1.0], chunk=7)  # several chunks, the last one short
    outputs = tape.backward(XY)
    assert outputs.tolist() == [loss.data for loss in losses]
    assert [p.grad for p in model.parameters()] == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert set(tape.parameters) == set(model.parameters())


def test_parameters_are_read_live_so_an_optimizer_step_is_seen():
    model = MLP(2, [4, 1], rng=2)
    loss_fn = moons_loss(model)
    tape = trace(loss_fn, [0.0, 0.0, 1.0])
    XY = np.array([[0.5, -0.2, 1.0], [-1.0, 0.3, -1.0], [0.1, 0.9, 1.0]])
    optimizer = SGD(model.parameters(), lr=0.1)
    for _ in range(3):
        before = [loss_fn(*map(Value, row)).data for row in XY.tolist()]
        optimizer.zero_grad()
        assert tape.backward(XY).tolist() == before
        optimizer.step()
    assert tape(XY).tolist() == [loss_fn(*map(Value, row)).data for row in XY.tolist()]


def test_backward_adds_to_gradients_already_there_and_weights_rows_by_output_grad():
    w = Value(3.0)
    tape = trace(lambda x: x * w, [1.0])
    w.grad = 10.0
    tape.backward([[1.0], [2.0]])
    assert w.grad == 13.0
    tape.backward([[1.0], [2.0]], output_grad=[0.5, -1.0])
    assert w.grad == 13.0 + 0.5 - 2.0
    tape.backward([[1.0], [2.0]], output_grad=0.5)
    assert w.grad == 13.0 - 1.5 + 1.5


def test_one_row_gives_one_number_and_a_constant_output_is_repeated():
    p = Value(2.0)
    assert trace(lambda x: x.exp(), [0.0])([[0.0]]).tolist() == [1.0]
    tape = trace(lambda x: p * p, [0.0])  # the output does not depend on the input
    assert tape([[1.0], [5.0]]).tolist() == [4.0, 4.0]
    tape.backward([[1.0], [5.0]])
    assert p.grad == 2 * (2 * 2.0)
    assert trace(lambda x: x, [0.0])([[7.0]]).tolist() == [7.0]


def test_a_shared_gate_outside_the_function_is_recomputed_from_its_leaves():
    a, b = Value(2.0), Value(3.0)
    product = a * b  # made before tracing: a gate of parameters only
    tape = trace(lambda x: x * product, [1.0])
    a.data = 5.0
    assert tape.backward([[1.0], [2.0]]).tolist() == [15.0, 30.0]
    assert (a.grad, b.grad) == (3.0 * 3.0, 5.0 * 3.0)


def test_a_large_batch_in_chunks_gives_the_same_numbers_as_one_chunk():
    w = Value(0.7)
    fn = lambda x, y: ((x * w).tanh() + y).max(x * y)  # noqa: E731
    XY = np.random.default_rng(3).normal(size=(1000, 2))
    whole = trace(fn, [0.0, 0.0], chunk=1000).backward(XY)
    grad_whole, w.grad = w.grad, 0.0
    chunked = trace(fn, [0.0, 0.0], chunk=64).backward(XY)
    assert np.array_equal(whole, chunked)
    assert w.grad == pytest.approx(grad_whole, rel=1e-12)


# --- the comparison guard ----------------------------------------------------------


def test_an_if_on_a_value_is_recorded_and_a_row_on_the_other_side_is_an_error():
    def fn(x):
        if x > 0:
            return x * 2
        return x * -1

    tape = trace(fn, [1.0])
    assert len(tape.comparisons) == 1
    assert tape([[1.0], [3.0], [0.5]]).tolist() == [2.0, 6.0, 1.0]
    with pytest.raises(BranchError, match=r"row 2 .* comparison x > 0\.0 \(at test_tape\.py:\d+"):
        tape([[1.0], [3.0], [-0.5], [-2.0]])


def test_every_row_is_checked_not_a_sample():
    tape = trace(lambda x: x * 2 if x >= 0 else x, [0.0])
    rows = np.abs(np.random.default_rng(4).normal(size=(20_000, 1)))
    rows[17_345] = -1e-300
    with pytest.raises(BranchError, match="row 17345 "):
        tape(rows)
    tape = trace(lambda x: x * 2 if x >= 0 else x, [0.0], chunk=100)
    with pytest.raises(BranchError, match="row 17345 "):
        tape(rows)


def test_builtin_max_and_min_of_values_are_guarded():
    tape = trace(lambda x, y: max(x, y) * 3, [2.0, 1.0])
    assert tape([[5.0, 4.0]]).tolist() == [15.0]
    with pytest.raises(BranchError, match=r"(y > x|x < y) "):
        tape([[5.0, 4.0], [1.0, 2.0]])
    tape = trace(lambda x: min(x, 0.0) + 1, [-1.0])
    with pytest.raises(BranchError, match="row 0 "):
        tape([[1.0]])


def test_a_comparison_of_parameters_is_checked_again_when_they_change():
    w = Value(1.0, "w")
    tape = trace(lambda x: x * w if w > 0 else x, [1.0])
    assert tape([[2.0]]).tolist() == [2.0]
    w.data = -1.0
    with pytest.raises(BranchError, match=r"w > 0\.0 .*parameters"):
        tape([[2.0]])


def test_a_nan_row_takes_the_false_side_as_python_does():
    tape = trace(lambda x: x * 2 if x > 0 else x, [-1.0])
    assert math.isnan(tape([[math.nan]])[0])
    with pytest.raises(BranchError):
        trace(lambda x: x * 2 if x > 0 else x, [1.0])([[math.nan]])


def test_a_comparison_on_a_value_outside_the_output_is_still_guarded():
    def fn(x, y):
        return x * 2 if y.exp() > 1 else x

    tape = trace(fn, [1.0, 1.0])
    assert tape([[1.0, 0.5]]).tolist() == [2.0]
    with pytest.raises(BranchError, match=r"exp\(…\) > 1\.0"):
        tape([[1.0, -0.5]])


# --- clear errors -------------------------------------------------------------------


def test_turning_a_value_into_a_float_while_tracing_is_refused():
    with pytest.raises(TypeError, match="plain float"):
        trace(lambda x: Value(math.exp(x)), [1.0])
    with pytest.raises(TypeError, match="plain float"):
        trace(lambda x: x * float(x), [1.0])
    assert float(Value(2.0)) == 2.0  # outside a trace, float() is as before


def test_grad_giving_plain_numbers_while_tracing_is_refused_and_grad_of_gates_replays():
    w = Value(1.5)
    with pytest.raises(TypeError, match=r"grad\(\) without create_graph=True"):
        trace(lambda x: grad(x * x * w, [x])[0] * w, [1.0])
    with pytest.raises(TypeError, match=r"grad\(\) without create_graph=True \(or hessian"):
        trace(lambda x: Value(hessian(x * x * w, [x])[0][0]) * x, [1.0])
    tape = trace(lambda x: grad(x * x * w, [x], create_graph=True)[0] * w, [1.0])
    assert tape([[1.0], [2.0], [3.0]]).tolist() == [2 * x * 1.5 * 1.5 for x in (1.0, 2.0, 3.0)]
    assert grad(Value(2.0) * w, [w])[0].data == 2.0  # outside a trace, grad is as before


@pytest.mark.parametrize(
    "fn, example, error, message",
    [
        (lambda x: 3.0, [1.0], TypeError, "must return one Value.*float"),
        (lambda x: [x], [1.0], TypeError, "not a list"),
        (lambda x: x, "12", TypeError, "example_inputs must be a list of numbers"),
        (lambda x: x, [Value(1.0)], TypeError, "trace makes the input Values"),
        (lambda x: x, ["a"], TypeError, "must hold numbers, got str"),
        (3, [1.0], TypeError, "needs a function"),
        (lambda a, b: a * b, [1.0], TypeError, r"example_inputs \(1\), but it takes \(a, b\)"),
        (lambda a: a, [1.0, 2.0], TypeError, r"example_inputs \(2\), but it takes \(a\)"),
        # Python 3.13 says "keyword-only argument", older ones "argument"
        (lambda a, *, s: a * s, [1.0], TypeError, r"missing a required (\w+-only )?argument: 's'"),
    ],
)
def test_bad_traces_are_clear_errors(fn, example, error, message):
    with pytest.raises(error, match=message):
        trace(fn, example)


def test_a_chunk_must_be_a_positive_count():
    with pytest.raises(ValueError, match="chunk must be at least 1"):
        trace(lambda x: x, [1.0], chunk=0)


@pytest.mark.parametrize(
    "XY, error, message",
    [
        ([[1.0, 2.0, 3.0]], ValueError, r"shape \(rows, 2\): one column per input \(a, b\)"),
        ([1.0, 2.0], ValueError, r"for one example pass \[\[...\]\]"),
        ([["a", "b"]], TypeError, "plain numbers"),
        ([[Value(1.0), Value(2.0)]], TypeError, "not Values"),
        ([[1.0, 2.0], [3.0]], ValueError, "rows differ"),
        ([[True, False]], TypeError, "plain numbers"),
        ([[1j, 2.0]], TypeError, "plain numbers"),
    ],
)
def test_bad_batches_are_clear_errors(XY, error, message):
    tape = trace(lambda a, b: a * b, [1.0, 2.0])
    with pytest.raises(error, match=message):
        tape(XY)


def test_bad_output_grads_are_clear_errors():
    tape = trace(lambda a: a * 2, [1.0])
    message = r"output_grad must be a number or one number per row \(2\)"
    with pytest.raises(ValueError, match=message):
        tape.backward([[1.0], [2.0]], output_grad=[1.0, 2.0, 3.0])


def test_an_empty_batch_gives_no_outputs_and_no_gradient():
    w = Value(2.0)
    tape = trace(lambda x: (x * w).log(), [1.0])
    assert tape.backward(np.empty((0, 1))).shape == (0,)
    assert tape.backward([]).shape == (0,)  # an empty list of rows too
    assert w.grad == 0.0
    assert "1 parameters" in repr(tape) and len(tape) == 2


# --- the example's --tape training ----------------------------------------------------


def load_train_moons():
    examples = Path(__file__).resolve().parent.parent / "examples"
    sys.path.insert(0, str(examples))  # the example imports its neighbour _example.py
    try:
        spec = importlib.util.spec_from_file_location("train_moons", examples / "train_moons.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(examples))
    return module


def test_train_moons_on_the_tape_follows_the_scalar_training():
    train_moons = load_train_moons()
    X, y = make_moons(30, noise=0.1, rng=0)
    runs = []
    for make_step in (train_moons.scalar_step, train_moons.tape_step):
        model = MLP(2, [6, 6, 1], rng=0)
        losses, accuracies, _ = train_moons.train(
            model, X, y, epochs=4, batch_size=8, seed=0, step=make_step(model)
        )
        runs.append((losses, accuracies, [p.data for p in model.parameters()]))
    (scalar_losses, scalar_accuracy, scalar_weights), (losses, accuracy, weights) = runs
    assert losses == pytest.approx(scalar_losses, rel=1e-9)
    assert accuracy == scalar_accuracy
    assert weights == pytest.approx(scalar_weights, rel=1e-9, abs=1e-12)


def test_the_branches_of_elu_and_the_logistic_loss_are_guarded_not_frozen():
    model = MLP(1, [1], activation="elu", output_activation="elu", rng=0)
    w = model.parameters()[0]
    tape = trace(lambda x: model([x])[0], [1.0 if w.data > 0 else -1.0])
    with pytest.raises(BranchError, match="elu"):
        tape([[1.0], [-1.0]])
    tape = trace(lambda s: logistic(s, 1), [2.0])
    assert tape([[3.0]])[0] == pytest.approx(math.log1p(math.exp(-3.0)))
    with pytest.raises(BranchError, match=r"in logistic"):
        tape([[3.0], [-3.0]])
