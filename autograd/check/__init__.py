"""Checking gradients: finite differences (numerical.py) and the gradient check (gradient_check.py).

    from autograd.check import gradcheck
    report = gradcheck(lambda x, y: (x * y).tanh(), [0.5, -1.0])
    assert report.ok
"""

from .gradient_check import (
    BYPASS_HINT,
    CUT_GRAPH_HINT,
    DISCONNECTED,
    EDGE,
    EDGE_HINT,
    KINK,
    NOT_DETERMINISTIC_HINT,
    OK,
    OVERFLOW_HINT,
    POLE_HINT,
    UNCHECKED_GATES_HINT,
    UNRESOLVED,
    UNRESOLVED_HINT,
    WRONG,
    GradcheckReport,
    InputCheck,
    WrongGate,
    assert_gradients_match,
    gradcheck,
)
from .higher_order import WrongDerivativeRule
from .numerical import (
    EPS,
    MIN_RELATIVE_STEP,
    REFINEMENTS,
    Slopes,
    Tolerance,
    ValueFunction,
    numerical_grad,
    one_sided_slopes,
    relative_error,
    step_at,
)

__all__ = [
    "BYPASS_HINT",
    "CUT_GRAPH_HINT",
    "DISCONNECTED",
    "EDGE",
    "EDGE_HINT",
    "EPS",
    "KINK",
    "MIN_RELATIVE_STEP",
    "NOT_DETERMINISTIC_HINT",
    "OK",
    "OVERFLOW_HINT",
    "POLE_HINT",
    "REFINEMENTS",
    "UNCHECKED_GATES_HINT",
    "UNRESOLVED",
    "UNRESOLVED_HINT",
    "WRONG",
    "GradcheckReport",
    "InputCheck",
    "Slopes",
    "Tolerance",
    "ValueFunction",
    "WrongDerivativeRule",
    "WrongGate",
    "assert_gradients_match",
    "gradcheck",
    "numerical_grad",
    "one_sided_slopes",
    "relative_error",
    "step_at",
]
