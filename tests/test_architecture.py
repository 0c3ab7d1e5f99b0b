"""The layering of medcoder_tui, checked from the source's own imports.

Layers, lowest first (README, "Architecture"): a module may import its own layer and
the layers below it, never one above; no two modules import each other in a circle,
however indirectly; and the core never imports Textual (only medcoder_tui.tui does).
Imports inside functions count too: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import medcoder_tui

ROOT = Path(medcoder_tui.__file__).resolve().parent.parent
PACKAGE = ROOT / "medcoder_tui"

# Top-level layers, lowest first. A name is a module or package directly under medcoder_tui.
LAYERS = (
    {"", "paths", "config", "fileutil", "notes", "textsafe"},
    {"codes"},
    {"engines"},
    {"sequencing", "store", "evaluation", "batch"},
    {"preferences"},
    {"tui", "cli", "__main__"},
)
# Rooms inside medcoder_tui.engines, lowest first.
ENGINE_LAYERS = (
    {"", "models", "base", "progress"},
    {"analysis"},
    {"diagnoses", "procedures"},
    {"checks"},
    {"llm", "offline"},
    {"select"},
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name: str) -> bool:
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imports_of(path: Path, name: str) -> set[str]:
    """The medcoder_tui modules that ``path`` (module ``name``) imports, anywhere in the file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:   # "from pkg import module" depends on the module itself
                sub = f"{target}.{alias.name}"
                found.add(sub if is_module(sub) else target)
    return {m for m in found if m == "medcoder_tui" or m.startswith("medcoder_tui.")}


def import_graph() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p, module_name(p)) for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str, layers: tuple[set[str], ...], prefix: str) -> int | None:
    if module != prefix and not module.startswith(prefix + "."):
        return None
    rest = module[len(prefix) + 1:].split(".")[0] if module != prefix else ""
    for level, names in enumerate(layers):
        if rest in names:
            return level
    raise AssertionError(f"{module} is in no layer: add it to the LAYERS of tests/test_architecture.py")


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Every import that runs from a lower layer to a higher one."""
    bad = []
    for module, targets in graph.items():
        for target in sorted(targets):
            for layers, prefix in ((LAYERS, "medcoder_tui"), (ENGINE_LAYERS, "medcoder_tui.engines")):
                here, there = layer_of(module, layers, prefix), layer_of(target, layers, prefix)
                if prefix == "medcoder_tui.engines" and (here is None or there is None):
                    continue
                if here is not None and there is not None and there > here:
                    bad.append(f"{module} -> {target}")
    return bad


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_runs_back_up_a_layer():
    graph = import_graph()
    assert "medcoder_tui.engines.checks.grounding" in graph   # the walk found the source
    assert upward_imports(graph) == []


def test_no_modules_import_each_other_in_a_circle():
    assert cycles(import_graph()) == []


def test_the_checks_can_fail():
    graph = {
        "medcoder_tui.engines.checks.grounding": {"medcoder_tui.sequencing.refs"},
        "medcoder_tui.engines.diagnoses.matcher": {"medcoder_tui.engines.llm.prompts"},
        "medcoder_tui.codes.search": {"medcoder_tui.codes.service"},
        "medcoder_tui.codes.service": {"medcoder_tui.codes.search"},
    }
    assert upward_imports(graph) == [
        "medcoder_tui.engines.checks.grounding -> medcoder_tui.sequencing.refs",
        "medcoder_tui.engines.diagnoses.matcher -> medcoder_tui.engines.llm.prompts",
    ]
    assert cycles(graph) == [["medcoder_tui.codes.search", "medcoder_tui.codes.service"]]


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


def _control_characters(text: str) -> list[str]:
    return sorted({f"\\x{ord(c):02x}" for c in text if ord(c) < 32 and c not in "\n\t\r"})


def test_no_source_file_holds_a_control_character():
    """A regex's word boundary written where the string is not raw ("\b") becomes a backspace: such a pattern never
    matches, silently. No source file of the package, the tests or the benchmarks holds one."""
    files = [*PACKAGE.rglob("*.py"), *(ROOT / "tests").glob("*.py"), *(ROOT / "bench").glob("*.py")]
    assert len(files) > 50
    found = {str(p.relative_to(ROOT)): bad for p in files if (bad := _control_characters(p.read_text(encoding="utf-8")))}
    assert not found, found
    assert _control_characters("re.compile(r'\x08(?:fell)')") == ["\\x08"]   # the check itself can fail
