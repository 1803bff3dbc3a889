"""examples/higher_order.py runs under `make demo`: Newton converges, and the pictures are made."""

import math
import re
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "higher_order.py"
PNG = b"\x89PNG\r\n\x1a\n"


def test_example_shows_newton_beating_gradient_descent_and_draws_the_derivative(tmp_path):
    run = subprocess.run(
        [sys.executable, str(EXAMPLE), "--quick", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found = dict(re.findall(r"(Newton|gradient descent)\s+x = (-?[\d.]+)", run.stdout))
    assert abs(float(found["Newton"]) - math.log(3)) < 1e-12
    assert abs(float(found["gradient descent"]) - math.log(3)) > 1e-3
    s = 1 / (1 + math.exp(-0.7))
    (second,) = re.findall(r"backward through the drawn graph: (-?[\d.]+)", run.stdout)
    assert abs(float(second) - s * (1 - s) * (1 - 2 * s)) < 1e-6
    for name in ("newton_vs_gd.png", "dsigmoid.png", "dsigmoid_by_hand.png"):
        assert (tmp_path / name).read_bytes()[:8] == PNG
