"""``python -m simulator.control``: the same as ``atsim``."""

import sys

from simulator.control.cli import main

sys.exit(main())
