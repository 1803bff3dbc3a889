"""examples/gradcheck.py runs under `make demo` and shows both a pass and a named wrong gate."""

import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "gradcheck.py"


def test_example_prints_a_pass_a_wrong_gate_and_a_cut_graph(tmp_path):
    run = subprocess.run(
        [sys.executable, str(EXAMPLE), "--quick"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    sections = run.stdout.split("== ")[1:]
    assert len(sections) == 3
    assert "\ngradcheck passed\n" in sections[0]
    assert "gradcheck FAILED for w, x, b" in sections[1]
    assert "gate 'softplus' has a wrong local derivative" in sections[1]
    assert "disconnected" in sections[2]
    assert run.stdout.rstrip().endswith("The neuron passes at 10 random points too: True")
    assert (tmp_path / "out" / "gradcheck.txt").read_text(encoding="utf-8") == run.stdout
