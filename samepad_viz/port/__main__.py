"""``python -m samepad_viz.port MODEL.keras [-o model.py]``: see :mod:`samepad_viz.port.command`."""

import sys

from .command import main

sys.exit(main())
