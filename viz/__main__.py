"""`python -m viz EXPR NAME=VALUE ... -o OUT`: the `gategrad` command (see viz/cli.py)."""

import sys

from viz.cli import main

sys.exit(main())
