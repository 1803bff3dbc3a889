"""gategrad's pictures: any Value graph drawn the way the backprop slides draw it.

Example::

    import viz
    viz.draw(f)                       # a graphviz.Digraph (shows inline in Jupyter)
    viz.render(f, "f.png")            # .png .svg .pdf or .dot
    viz.save_gif(f, "f.gif")          # the backward pass, one step per frame
    viz.explore(f).save("f.html")     # a page to step through it, or quiz yourself
    timeline = viz.Timeline()         # a training run: timeline.add(probe, loss=...) per step,
    timeline.save("run.html")         # then one page to move through the steps
"""

from .api import draw, render
from .explore import Explorer, explore
from .numbers import format_number
from .options import OptionError
from .plane import Plane
from .process import GraphvizError, GraphvizNotFoundError
from .scene import GraphTooLargeError, GraphTooLargeWarning
from .steps import frames, save_frames, save_gif
from .theme import DEFAULT, Theme
from .timeline import Timeline

__all__ = [
    "DEFAULT",
    "Explorer",
    "GraphTooLargeError",
    "GraphTooLargeWarning",
    "GraphvizError",
    "GraphvizNotFoundError",
    "OptionError",
    "Plane",
    "Theme",
    "Timeline",
    "draw",
    "explore",
    "format_number",
    "frames",
    "render",
    "save_frames",
    "save_gif",
]
