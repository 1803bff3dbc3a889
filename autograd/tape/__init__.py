"""Record once, replay fast: `trace` turns a per-example scalar function into a numpy tape.

    from autograd import trace
    def loss_fn(x1, x2, y):                 # ordinary scalar code, one example
        (score,) = model([x1, x2])
        return (1 - y * score).relu()
    tape = trace(loss_fn, [0.0, 0.0, 1.0])  # calls loss_fn once on Values, records the graph
    losses = tape(XY)                       # XY: (rows, 3) -> one loss per row
    losses = tape.backward(XY)              # and d(sum of losses)/d parameter into each .grad

The graph of one example has the same shape for every example, so building a
fresh graph of Python objects per example repeats the same work. A tape is the
graph numbered once (`record`), then replayed gate by gate over whole columns of
examples (`replay`, with the array rules of `rules`): each gate is one numpy
operation for the whole batch instead of one Python object per example.
"""

from .tape import BranchError, Tape, trace

__all__ = ["BranchError", "Tape", "trace"]
