"""Pages to open in a browser: step through the backward pass, ask any number, quiz yourself.

    python examples/explore.py    # out/fxyz.html, out/sigmoid.html, out/quiz.html

Each page is one file that works offline: open it by double-click, or mail it to a
class. Keys: → and ← step, Home and End jump, Space plays; click a number to see
where it comes from. `--quick` is accepted (make demo passes it to every example).
"""

from __future__ import annotations

from _example import example_parser, output_folder
from slides import fxyz, sigmoid_expanded

import viz


def main(argv: list[str] | None = None) -> None:
    args = example_parser(__doc__, "accepted for make demo").parse_args(argv)
    out = output_folder(args)
    print(viz.explore(fxyz()).save(out / "fxyz.html"))
    print(viz.explore(sigmoid_expanded(boxed=True)).save(out / "sigmoid.html"))
    print(viz.explore(fxyz(), mode="quiz").save(out / "quiz.html"))


if __name__ == "__main__":
    main()
