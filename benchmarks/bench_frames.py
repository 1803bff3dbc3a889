"""Frames and GIFs: seconds, bytes and pixels of `viz.save_gif` on a small network's loss.

    python benchmarks/bench_frames.py [--groups box|collapse|none] [--max-size N|none] [--out DIR]

The graph is the hinge loss of MLP(2, [4, 4, 1]) on one point: 67 gates, so
69 frames. Not part of the tests (it runs Graphviz for a while).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from PIL import Image

import viz
from autograd import Value, topological_order
from autograd.nn import MLP
from autograd.nn.losses import hinge


def mlp_loss() -> Value:
    model = MLP(2, [4, 4, 1], rng=0)
    (score,) = model([0.5, -1.0])
    loss = hinge(score, +1)
    loss.backward()
    return loss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", default="box", choices=["box", "collapse", "none"])
    parser.add_argument(
        "--max-size", default="1600", help="save_gif's max_size in pixels, or none (default 1600)"
    )
    parser.add_argument("--out", type=Path, default=None, help="keep the GIF in this folder")
    args = parser.parse_args()
    loss = mlp_loss()
    gates = sum(1 for node in topological_order(loss) if node.gate is not None)
    folder = args.out or Path(tempfile.mkdtemp())
    path = folder / f"mlp_{args.groups}.gif"
    start = time.perf_counter()
    max_size = None if args.max_size == "none" else int(args.max_size)
    viz.save_gif(loss, path, groups=args.groups, max_size=max_size)
    seconds = time.perf_counter() - start
    with Image.open(path) as gif:
        size, frames = gif.size, gif.n_frames
    print(
        f"MLP(2,[4,4,1]) hinge loss, {gates} gates, groups={args.groups}, "
        f"max_size={args.max_size}: {seconds:.1f} s, "
        f"{path.stat().st_size / 1e6:.2f} MB, {size[0]}x{size[1]} px, {frames} frames"
    )


if __name__ == "__main__":
    main()
