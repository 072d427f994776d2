"""``python -m tui`` runs the ``backprop-tui`` command."""

import sys

from .cli import main

sys.exit(main())
