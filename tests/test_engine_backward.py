"""backward(): order, depth, accumulation, zero_grad, and the step generator."""

import math
import sys

import pytest

from autograd import Gate, Value, backward_steps, fresh_pass, register_gate, topological_order
from autograd.ops import GATES


def test_a_million_gate_chain_backpropagates_without_recursion():
    assert sys.getrecursionlimit() < 1_000_000
    x = Value(1.0)
    v = x
    for _ in range(1_000_000):
        v = v + 0.0
    v.backward()
    assert x.grad == 1.0


def test_a_deep_chain_with_real_derivatives():
    # d/dx of x * 1.001**n is 1.001**n, computed independently with math.
    x = Value(2.0)
    v = x
    n = 5000
    for _ in range(n):
        v = v * 1.001
    v.backward()
    assert x.grad == pytest.approx(math.pow(1.001, n), rel=1e-9)


def build_fxyz():
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    q = x + y
    return x, y, z, q, q * z


def test_a_second_backward_adds_exactly_the_same_amounts_again():
    x, y, z, q, f = build_fxyz()
    f.backward()
    first = [n.grad for n in (x, y, z, q, f)]
    f.backward()
    assert [n.grad for n in (x, y, z, q, f)] == [2 * g for g in first]


def test_a_second_backward_doubles_a_leaf_used_twice_exactly():
    # Summing a leaf's two contributions into its old gradient one at a time would
    # round differently from adding their sum; at this point it differs in the last bit.
    x = Value(1.1875)
    f = x.exp().exp().reciprocal() + x
    f.backward()
    first = x.grad
    f.backward()
    assert x.grad == 2 * first


def test_repeated_backward_never_compounds_through_a_deep_graph():
    x = Value(0.5)
    h = x.tanh()
    out = (h * h).exp() + h
    out.backward()
    first = x.grad
    for _ in range(3):
        out.backward()
    assert x.grad == pytest.approx(4 * first, rel=1e-15)


def test_zero_grad_resets_every_reachable_node_and_backward_reproduces():
    x, y, z, q, f = build_fxyz()
    f.backward()
    first = [n.grad for n in (x, y, z, q, f)]
    f.zero_grad()
    assert [n.grad for n in (x, y, z, q, f)] == [0.0] * 5
    f.backward()
    assert [n.grad for n in (x, y, z, q, f)] == first


def test_gradients_from_two_outputs_accumulate_in_a_shared_leaf():
    a = Value(3.0)
    (a * 2.0).backward()
    (a * 5.0).backward()
    assert a.grad == 7.0


def test_uses_outside_the_graph_of_the_root_do_not_hold_up_its_pass():
    # a is also used by c, which b does not depend on: b's pass must not wait for c.
    x = Value(3.0)
    a = x * 2.0
    b = a + 1.0
    c = a * 5.0
    b.backward()
    assert (x.grad, a.grad, c.grad) == (2.0, 1.0, 0.0)
    c.backward()
    assert x.grad == 2.0 + 10.0


def test_a_shared_gate_waits_for_all_of_its_users():
    # d/dx of (x*x + x*x*x) at 2 is 2*2 + 3*4 = 16; h = x*x is used by two gates.
    x = Value(2.0)
    h = x * x
    f = h + h * x
    f.backward()
    assert (h.grad, x.grad) == (1.0 + 2.0, 16.0)


def test_passes_from_different_roots_over_shared_gates_each_see_their_whole_graph():
    # Each walk marks the gates it lists with a token of its own; a gate listed by
    # the pass of another root, or by a picture's order, must be listed again.
    x, y = Value(2.0), Value(3.0)
    shared = x * y
    first = shared + x
    second = shared * shared
    topological_order(first)
    first.backward()  # d/dx = y + 1, d/dy = x
    assert (x.grad, y.grad) == (4.0, 2.0)
    second.backward()  # d/dx = 2 x y^2, d/dy = 2 x^2 y, added to the above
    assert (x.grad, y.grad) == (4.0 + 36.0, 2.0 + 24.0)
    assert topological_order(second)[-2:] == [shared, second]


def test_backward_of_a_leaf_sets_its_own_gradient():
    a = Value(3.0)
    a.backward()
    assert a.grad == 1.0


def test_topological_order_lists_parents_first():
    x, y, z, q, f = build_fxyz()
    order = topological_order(f)
    assert order[-1] is f and set(order) == {x, y, z, q, f}
    position = {node: i for i, node in enumerate(order)}
    for node in order:
        assert all(position[p] < position[node] for p in node.parents)


def test_backward_steps_visit_gates_root_first_with_their_gradient_final():
    *_, q, f = build_fxyz()
    seen = []
    for node in backward_steps(f):
        seen.append((node, node.grad, [p.grad for p in node.parents]))
    assert [s[0] for s in seen] == [f, q]
    assert seen[0][1:] == (1.0, [-4.0, 3.0])  # after the * gate: q and z have theirs
    assert seen[1][1:] == (-4.0, [-4.0, -4.0])  # after the + gate: x and y


@pytest.mark.parametrize("passes_before", [0, 1])
def test_stopping_the_steps_midway_leaves_every_grad_as_it_was(passes_before):
    x, y, z, q, f = build_fxyz()
    for _ in range(passes_before):
        f.backward()
    before = [n.grad for n in (x, y, z, q, f)]
    steps = backward_steps(f)
    next(steps)  # the * gate is done, the + gate is not
    steps.close()
    assert [n.grad for n in (x, y, z, q, f)] == before
    f.zero_grad()
    f.backward()  # nothing of the stopped pass is left to confuse the next one
    assert [n.grad for n in (x, y, z, q, f)] == [-4.0, -4.0, 3.0, -4.0, 1.0]


def test_backward_steps_keep_a_negative_zero_grad_as_backward_does():
    # A -0.0 .grad (set by hand) is not set aside by backward(); the steps must agree.
    def final_grad(stepped: bool) -> float:
        x = Value(2.0)
        f = x * -0.0
        x.grad = -0.0
        if stepped:
            for _ in backward_steps(f):
                pass
        else:
            f.backward()
        return x.grad

    assert math.copysign(1, final_grad(True)) == math.copysign(1, final_grad(False)) == -1


def test_a_pass_that_puts_the_grads_back_may_run_between_two_steps():
    # As viz.draw does between two frames: the steps have taken their order
    # already, so a whole pass over the same nodes meanwhile disturbs nothing.
    x, y, z, q, f = build_fxyz()
    steps = backward_steps(f)
    next(steps)  # q.grad is -4 now
    with fresh_pass(q):  # a picture of the inner node q, as viz.draw(q) takes it
        q.backward()
        assert (x.grad, y.grad, q.grad) == (1.0, 1.0, 1.0)  # z and f are not below q
    assert (x.grad, y.grad, z.grad, q.grad, f.grad) == (0.0, 0.0, 3.0, -4.0, 1.0)
    for _ in steps:
        pass
    assert [n.grad for n in (x, y, z, q, f)] == [-4.0, -4.0, 3.0, -4.0, 1.0]


def bits(values):
    return [(v.grad, math.copysign(1, v.grad)) for v in values]


def test_a_fresh_pass_computes_what_fresh_values_get_and_puts_every_grad_back():
    x, y, h, f = graph_with_sharing()
    f.backward()
    expected = bits((x, y, h, f))  # one pass from zero: d f / d x = 2*h*y + y = 39
    f.backward()
    x.grad, y.grad = -0.0, 1e300  # whatever the user left there
    before = bits((x, y, h, f))
    with fresh_pass(f):
        f.backward()
        assert bits((x, y, h, f)) == expected
    assert bits((x, y, h, f)) == before


def test_the_steps_of_a_fresh_pass_are_those_of_backward_steps_to_the_bit():
    x, y, h, f = graph_with_sharing()
    f.backward()
    before = bits((x, y, h, f))
    with fresh_pass(f) as steps:
        recorded = [(node, bits((x, y, h, f))) for node in steps]
    assert bits((x, y, h, f)) == before
    x2, y2, h2, f2 = graph_with_sharing()
    stepped = [(node, bits((x2, y2, h2, f2))) for node in backward_steps(f2)]
    assert [bits_after for _, bits_after in recorded] == [bits_after for _, bits_after in stepped]
    assert [node.data for node, _ in recorded] == [node.data for node, _ in stepped]
    f2.zero_grad()
    f2.backward()
    assert recorded[-1][1] == bits((x2, y2, h2, f2))


def test_an_error_inside_a_fresh_pass_still_puts_every_grad_back():
    x, y, h, f = graph_with_sharing()
    f.backward()
    before = bits((x, y, h, f))
    with pytest.raises(RuntimeError, match="midway"), fresh_pass(f) as steps:
        next(steps)
        raise RuntimeError("midway")
    assert bits((x, y, h, f)) == before
    f.backward()
    assert [v.grad for v in (x, y, h, f)] == [2 * g for g, _ in before]


def test_a_user_gate_from_the_table_is_differentiated(gate_table, cube_gate):
    register_gate(cube_gate(lambda x: 3 * x * x))
    x = Value(2.0)
    out = x.apply(GATES["cube"])
    out.backward()
    assert (out.data, x.grad) == (8.0, 12.0)


def identity(x):
    return x, 1.0


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: Gate("", "i", 1, identity), TypeError, "name"),
        (lambda: Gate("ident", None, 1, identity), TypeError, "symbol"),
        (lambda: Gate("sum3", "Σ", 3, lambda a, b, c: (a + b + c, 1, 1, 1)), ValueError, "one"),
        (lambda: Gate("ident", "i", 1, 3.0), TypeError, "rule must be a function"),
        (lambda: Gate("ident", "i", 1, identity, needs_constant=True), ValueError, "needs"),
        (lambda: Gate("sq", "sq", 1, identity, identity), TypeError, "accepts_constant"),
        (lambda: Gate("twice", "2x", 1, lambda x: x * 2), TypeError, "rule must return"),
        (lambda: Gate("pair", "p", 2, lambda a, b: (a * b, b)), TypeError, "rule must return"),
    ],
)
def test_a_gate_is_checked_when_it_is_made(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_a_built_in_gate_cannot_be_replaced(gate_table):
    with pytest.raises(ValueError, match="built-in"):
        register_gate(Gate("tanh", "tanh", 1, identity))
    assert GATES["tanh"].forward(0.5) == math.tanh(0.5)


def test_a_rule_that_fails_at_the_probe_point_is_still_accepted(gate_table):
    def acosh(x):  # defined for x >= 1 only: raises at the probe point 0.5
        return math.acosh(x), 1 / math.sqrt(x * x - 1)

    gate = register_gate(Gate("acosh", "acosh", 1, acosh))
    assert Value(2.0).apply(gate).data == math.acosh(2.0)


def test_a_user_rule_that_overflows_gives_inf_as_every_gate_does():
    huge = Gate("huge", "h", 1, lambda x: (10**400, -(10**400)))
    out = Value(1.0).apply(huge)
    assert (out.data, out.local_grads) == (math.inf, (-math.inf,))


def test_a_user_rule_is_checked_and_made_float_when_used():
    floor = Gate("floor", "⌊⌋", 1, lambda x: (math.floor(x), 0))
    out = Value(2.5).apply(floor)
    assert type(out.data) is float and out.data == 2.0
    odd = Gate("odd", "o", 1, lambda x: (x, 1.0) if x < 1 else x)  # fine at the probe, not at 2
    with pytest.raises(TypeError, match="rule must return"):
        Value(2.0).apply(odd)


@pytest.mark.parametrize("extra", [None, 2, True, Value(1.0)])
def test_a_one_operand_method_refuses_a_stray_argument(extra):
    with pytest.raises(TypeError, match=r"exp\(\) takes no operand, got "):
        Value(1.0).exp(extra)


def test_a_two_operand_gate_needs_its_second_operand():
    with pytest.raises(TypeError, match=r"add\(\) missing 1 required positional argument"):
        Value.__add__(Value(1.0))


def test_apply_checks_its_operands():
    x = Value(2.0)
    with pytest.raises(TypeError, match="takes 1 operands"):
        x.apply(GATES["exp"], x)
    with pytest.raises(TypeError, match="Values"):
        x.apply(Gate("first", "fst", 2, lambda a, b: (a, 1.0, 0.0)), 3.0)
    with pytest.raises(TypeError, match="Gate"):
        x.apply("exp")
    with pytest.raises(TypeError, match="plain number"):
        x.apply(GATES["pow"], Value(2.0))
    assert x.apply(GATES["add"], 3).data == 5.0
    assert x.apply(GATES["pow"], 3).data == 8.0


# --- a pass interrupted (Ctrl-C) at any line leaves nothing behind ---------------------


def interrupt_at_line(n: int, functions: set[str]):
    """A tracer that raises KeyboardInterrupt at the n-th line run inside `functions`."""
    lines = 0

    def tracer(frame, event, arg):
        nonlocal lines
        if frame.f_code.co_name not in functions:
            return None
        if event == "line":
            lines += 1
            if lines == n:
                raise KeyboardInterrupt
        return tracer

    return tracer


def graph_with_sharing():
    x, y = Value(2.0, "x"), Value(3.0, "y")
    h = x * y
    return x, y, h, h * h + h


BACKWARD = {"backpropagate", "_gates_operands_first", "_add_back"}


def look_without_a_trace(f):
    with fresh_pass(f):
        f.backward()


def record_without_a_trace(f):
    with fresh_pass(f) as steps:
        for _ in steps:
            pass


# The lines of the work. The tracer stops at its first raise, so the cleanup after
# it runs untouched; the stepping loop's own early stop is tested above.
@pytest.mark.parametrize(
    "run, traced",
    [
        (lambda f: f.backward(), BACKWARD),
        (topological_order, {"topological_order", "_gates_root_first", "_gates_operands_first"}),
        (
            lambda f: list(backward_steps(f)),
            {"backward_steps", "_set_aside", "_steps", "_gates_root_first", "_add_back"},
        ),
        (look_without_a_trace, {"look_without_a_trace", "_set_aside", "_reachable", *BACKWARD}),
        (record_without_a_trace, {"record_without_a_trace", "_set_aside", "_steps"}),
    ],
    ids=["backward", "topological_order", "backward_steps", "fresh_backward", "fresh_steps"],
)
def test_an_interrupted_pass_leaves_every_grad_as_it_was_and_the_next_pass_right(run, traced):
    interrupted_somewhere = False
    for n in range(1, 400):
        x, y, h, f = graph_with_sharing()
        f.backward()  # some gradients are held already: d f / d x = 2*h*y + y = 39
        before = [v.grad for v in (x, y, h, f)]
        sys.settrace(interrupt_at_line(n, traced))
        try:
            run(f)
        except KeyboardInterrupt:
            interrupted = True
        else:
            interrupted = False
        finally:
            sys.settrace(None)
        if not interrupted:
            break  # n is past the last line: every line has been tried
        interrupted_somewhere = True
        assert [v.grad for v in (x, y, h, f)] == before, f"interrupted at line {n}"
        f.backward()  # no zero_grad: nothing may be left to confuse the next pass
        assert [v.grad for v in (x, y, h, f)] == [2 * g for g in before], f"line {n}"
    assert interrupted_somewhere
