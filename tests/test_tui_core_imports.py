"""The core never imports Textual: only medcoder_tui.tui does."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import medcoder_tui

ROOT = Path(medcoder_tui.__file__).resolve().parent.parent


def core_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(medcoder_tui.__path__, "medcoder_tui."):
        if info.name.startswith("medcoder_tui.tui") or info.name == "medcoder_tui.__main__":
            continue
        if info.name == "medcoder_tui.cli.tui_cmd":
            continue  # imports the TUI lazily inside run(); checked below as a module import
        names.append(info.name)
    return names


def test_core_never_imports_textual():
    modules = core_modules() + ["medcoder_tui.cli.tui_cmd"]
    assert "medcoder_tui.codes.service" in modules and "medcoder_tui.engines.models" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print('TEXTUAL' if bad else 'CLEAN', len(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().startswith("CLEAN"), out.stdout


def test_the_tui_does_import_textual():
    """The check above can fail: importing the TUI does load Textual."""
    code = "import sys, medcoder_tui.tui.app; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.stdout.strip() == "True", out.stderr
