"""gategrad's engine: scalar automatic differentiation, one gate at a time.

    from autograd import Value
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    f = (x + y) * z
    f.backward()          # x.grad == -4.0, y.grad == -4.0, z.grad == 3.0
"""

from typing import TYPE_CHECKING

from .composite import Composite, composite
from .derivatives import grad, hessian
from .graph import backward_steps, fresh_gradients, fresh_pass, topological_order, zero_grad
from .ops import GATES, Gate, register_gate
from .value import Value

if TYPE_CHECKING:
    from .tape import BranchError, Tape, trace

__all__ = [
    "GATES",
    "BranchError",
    "Composite",
    "Gate",
    "Tape",
    "Value",
    "backward_steps",
    "composite",
    "fresh_gradients",
    "fresh_pass",
    "grad",
    "hessian",
    "register_gate",
    "topological_order",
    "trace",
    "zero_grad",
]


def __getattr__(name: str) -> object:
    """`trace` and its Tape load on first use: they need numpy, the engine does not."""
    if name in ("BranchError", "Tape", "trace"):
        from . import tape

        return getattr(tape, name)
    raise AttributeError(f"module 'autograd' has no attribute {name!r}")
