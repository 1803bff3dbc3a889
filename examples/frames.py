"""The backward pass one step at a time: PNG frames and animated GIFs.

    python examples/frames.py     # out/fxyz_steps/step_00.png ..., out/fxyz.gif, out/sigmoid.gif

`--quick` is accepted (make demo passes it to every example).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from slides import fxyz, sigmoid_expanded

import viz


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="out", help="folder for the pictures (default: out)")
    parser.add_argument("--quick", action="store_true", help="accepted for make demo")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    f = fxyz()  # frames() runs the backward pass itself and leaves .grad as it was
    paths = viz.save_frames(f, out / "fxyz_steps")
    print(f"{out / 'fxyz_steps'}/ ({len(paths)} frames)")
    print(viz.save_gif(f, out / "fxyz.gif", seconds_per_frame=1.5))
    print(viz.save_gif(sigmoid_expanded(), out / "sigmoid.gif", seconds_per_frame=1.2))


if __name__ == "__main__":
    main()
