"""The engine is a library: importing it loads no UI package."""

import subprocess
import sys


def test_engine_imports_no_ui_package():
    code = (
        "import sys, engine\n"
        "from engine import Config, Run\n"
        "list(Run(Config(epochs=3)))\n"
        "ui = ('textual', 'rich', 'plotext', 'textual_plotext')\n"
        "loaded = [m for m in ui if m in sys.modules]\n"
        "print(loaded)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
