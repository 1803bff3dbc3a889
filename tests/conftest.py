"""Hypothesis profiles: `ci` is derandomized (CI sets CI=true), `dev` explores more."""

import os
from collections.abc import Callable, Iterator

import pytest
from hypothesis import HealthCheck, settings

from autograd import GATES, Gate

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=60,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, max_examples=300)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture
def gate_table() -> Iterator[None]:
    """Lets a test register gates; the table is put back as it was afterwards."""
    saved = dict(GATES)
    yield
    GATES.clear()
    GATES.update(saved)


@pytest.fixture
def cube_gate() -> Callable[[Callable[[float], float]], Gate]:
    """Makes an x³ gate whose derivative is the given function (right or deliberately wrong)."""

    def make(derivative: Callable[[float], float]) -> Gate:
        return Gate("cube", "³", 1, lambda x: (x**3, derivative(x)))

    return make
