"""The dependency direction is the architecture: each layer imports only the layers below it,
no modules import each other in a cycle, and the headless commands never load the UI.

    engine  <-  tui (session, runner, messages, ...)  <-  tui.widgets  <-  screens  <-  tui.app
    engine  <-  tui.cli (Textual only through the lazy import of tui.app)  <-  tui.__main__
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("engine", "tui", "screens")
UI = ("textual", "rich", "textual_plotext")

LAYERS = ["engine", "tui", "tui.cli", "tui.__main__", "tui.widgets", "screens", "tui.app"]
"""From the bottom up; a module's layer is the longest of these its name starts with."""
MAY_IMPORT = {
    "engine": {"engine"},
    "tui": {"engine", "tui"},
    "tui.cli": {"engine", "tui", "tui.cli"},
    "tui.__main__": {"tui.cli"},
    "tui.widgets": {"engine", "tui", "tui.widgets"},
    "screens": {"engine", "tui", "tui.widgets", "screens"},
    "tui.app": {"engine", "tui", "tui.widgets", "screens", "tui.app"},
}
LAZY_ALLOWED = {("tui.cli", "tui.app")}
"""The one import across layers that must stay inside a function: the app's entry."""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer(module: str) -> str:
    return max((n for n in LAYERS if module == n or module.startswith(n + ".")), key=len)


def imports(path: Path) -> list[tuple[str, bool]]:
    """(imported module, inside a function?) for every import of a source file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path.parent)
    found = []

    def visit(node: ast.AST, lazy: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = lazy or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                found.extend((alias.name, inner) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                names = [f"{base}.{alias.name}" for alias in child.names]
                # "from pkg import module" imports the module; "from module import name" not
                found.extend((n if _is_module(n) else base, inner) for n in names)
            visit(child, inner)

    visit(tree, False)
    return found


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def source_files() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def ours(module: str) -> bool:
    return module.split(".")[0] in PACKAGES


def graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports at module level."""
    return {
        module_name(p): {m for m, lazy in imports(p) if ours(m) and not lazy}
        for p in source_files()
    }


def test_each_layer_imports_only_the_layers_below_it():
    wrong = []
    for path in source_files():
        here = layer(module_name(path))
        for module, lazy in imports(path):
            allowed = not ours(module) or layer(module) in MAY_IMPORT[here]
            if not allowed and not (lazy and (here, layer(module)) in LAZY_ALLOWED):
                wrong.append(f"{module_name(path)} ({here}) imports {module}")
            if here in ("engine", "tui.cli") and module.split(".")[0] in UI:
                wrong.append(f"{module_name(path)} imports {module}")
    assert wrong == []


def test_no_module_imports_itself_through_others():
    edges = graph()
    cycles = [component for component in _components(edges) if len(component) > 1]
    assert cycles == []


def _components(edges: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in edges.get(node, ()):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = set()
            while True:
                top = stack.pop()
                component.add(top)
                if top == node:
                    break
            found.append(component)

    for node in edges:
        if node not in index:
            connect(node)
    return found


def test_the_checks_catch_a_widget_importing_a_screen(tmp_path, monkeypatch):
    """The rules above would fail for a widget that imports a screen, and for a cycle."""
    fake = tmp_path / "tui" / "widgets"
    fake.mkdir(parents=True)
    (fake / "bad.py").write_text("from screens.main import MainScreen\n")
    (tmp_path / "tui" / "ring.py").write_text("from tui import ring2\n")
    (tmp_path / "tui" / "ring2.py").write_text("from tui import ring\n")
    for package in ("screens",):
        (tmp_path / package).mkdir()
        (tmp_path / package / "main.py").write_text("")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    monkeypatch.setattr(sys.modules[__name__], "PACKAGES", ("tui", "screens"))
    with pytest.raises(AssertionError, match="imports screens.main"):
        test_each_layer_imports_only_the_layers_below_it()
    with pytest.raises(AssertionError, match="ring"):
        test_no_module_imports_itself_through_others()


HEADLESS = {
    "import engine": "import engine; from engine import Config, Run; list(Run(Config(epochs=3)))",
    "train": "main(['train', '--epochs', '20', '--quiet', '--json', 'r.json'])",
    "sweep": "main(['sweep', '--vary', 'lr=0.5,2', '--epochs', '20', '--jobs', '1'])",
    "explain": "main(['explain', '--steps', '2', '--json', 'e.json'])",
    "sweep --out": "main(['sweep', '--vary', 'lr=0.5,2', '--epochs', '20', '--jobs', '1', "
    "'--out', 'results'])",
}


@pytest.mark.parametrize("command", list(HEADLESS))
def test_headless_commands_never_load_the_ui(command, tmp_path):
    code = (
        "import sys, contextlib, io\n"
        "from tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    {HEADLESS[command]}\n"
        f"print([m for m in {UI!r} if m in sys.modules])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "[]"
    if command == "sweep --out":
        assert (tmp_path / "results" / "chart_lr.txt").read_text().count("lr=") >= 2
