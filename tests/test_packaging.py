"""The installed package must carry every module, the bundled tables and the styles."""

from __future__ import annotations

import tomllib
from pathlib import Path

from medcoder_tui import paths

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "medcoder_tui").rglob("__init__.py")
    }
    assert found - listed == set(), "add these packages to [tool.setuptools] packages"


def test_styles_are_found_from_a_checkout():
    styles = paths.styles_dir()
    assert styles == ROOT / "styles"
    assert sorted(p.name for p in styles.glob("*.tcss")), "no .tcss files"


def test_python_m_entry_point_runs(tmp_path):
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "medcoder_tui", "validate", "E11.9", "--json"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert out.returncode == 0, out.stderr
    assert '"billable": true' in out.stdout
