"""``python -m tui`` runs the ``backprop-tui`` command."""

import sys

from tui.cli import main

if __name__ == "__main__":  # sweep processes re-import this module and must not run the app
    sys.exit(main())
