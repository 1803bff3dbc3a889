"""The backward pass one step at a time: PNG frames and animated GIFs.

    python examples/frames.py     # out/fxyz_steps/step_00.png ..., out/fxyz.gif, out/sigmoid.gif

`--quick` is accepted (make demo passes it to every example).
"""

from __future__ import annotations

from _example import example_parser, output_folder
from slides import fxyz, sigmoid_expanded

import viz


def main(argv: list[str] | None = None) -> None:
    args = example_parser(__doc__, "accepted for make demo").parse_args(argv)
    out = output_folder(args)

    f = fxyz()  # frames() runs the backward pass itself and leaves .grad as it was
    paths = viz.save_frames(f, out / "fxyz_steps")
    print(f"{out / 'fxyz_steps'}/ ({len(paths)} frames)")
    print(viz.save_gif(f, out / "fxyz.gif", seconds_per_frame=1.5))
    print(viz.save_gif(sigmoid_expanded(), out / "sigmoid.gif", seconds_per_frame=1.2))


if __name__ == "__main__":
    main()
