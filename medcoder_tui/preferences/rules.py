"""Rules a lead coder writes in ``preferences.toml`` (in the config directory).

Example::

    [[rule]]
    never = "R69"                 # a code, or a header meaning every code under it
    setting = "outpatient"        # or a list; omitted: every setting
    reason = "code the documented symptom"

    [[rule]]
    prefer = "R10.31"             # must be a valid billable code
    over = "R10.9"
    reason = "our physicians document right lower quadrant pain"

    [thresholds]                  # optional: how much evidence learned preferences need
    min_support = 3

A file that is not valid TOML, an unknown key, or a code that does not exist
is reported as a :class:`RuleError` naming the file and line; no rule of a bad
file is used.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from medcoder_tui import paths
from medcoder_tui.codes.systems import System, guess_system
from medcoder_tui.preferences.models import Rule, Thresholds

RULES_FILE = "preferences.toml"
SETTINGS = ("outpatient", "inpatient", "ed")
_RULE_KEYS = {"never", "prefer", "over", "setting", "system", "reason"}
_HEADER = re.compile(r"^\s*\[\[\s*rule\s*\]\]\s*(#.*)?$")


class RuleError(ValueError):
    """A problem in the rules file, told in one line that names the file and line."""


def rules_path() -> Path:
    """Where the rules live: ``preferences.toml`` in the user config directory."""
    return paths.config_dir() / RULES_FILE


def _blocks(lines: list[str]) -> list[tuple[int, int]]:
    """(first, last) line index of each ``[[rule]]`` block, in file order."""
    starts = [i for i, line in enumerate(lines) if _HEADER.match(line)]
    out = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        for j in range(start + 1, end):   # a later [table] ends the block
            if lines[j].lstrip().startswith("["):
                end = j
                break
        out.append((start, end))
    return out


def _line_of(lines: list[str], block: tuple[int, int], key: str | None) -> int:
    """1-based line of ``key`` inside a rule block (the block's header when not found)."""
    start, end = block
    if key is not None:
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for i in range(start, end):
            if pattern.match(lines[i]):
                return i + 1
    return start + 1


def _settings(value: Any) -> list[str]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        raise ValueError("setting must be a name or a list of names")
    bad = [v for v in items if v not in SETTINGS]
    if bad:
        raise ValueError(f"unknown setting {bad[0]!r}; use {', '.join(SETTINGS)}")
    return list(items)


def _check_code(cs: Any, code: Any, system: System | None, *, billable: bool) -> tuple[str, System]:
    if not isinstance(code, str) or not code.strip():
        raise ValueError(f"a code must be a non-empty string, not {code!r}")
    result = cs.validate(code.strip(), system)
    if not result.valid or result.system is None:
        hint = f" (did you mean {', '.join(result.suggestions[:3])}?)" if result.suggestions else ""
        raise ValueError(f"{code} is not a code of {system.label if system else 'any code set'}{hint}")
    if billable and not result.billable:
        hint = f"; try {', '.join(result.suggestions[:3])}" if result.suggestions else ""
        raise ValueError(f"{code} is a header, not a billable code: a rule cannot suggest it{hint}")
    return result.normalized, result.system


def _rule(raw: Any, cs: Any, where: str, lines: list[str], block: tuple[int, int]) -> Rule:
    def fail(key: str | None, message: str) -> RuleError:
        return RuleError(f"{where}:{_line_of(lines, block, key)}: {message}")

    if not isinstance(raw, dict):
        raise fail(None, "each [[rule]] must be a table")
    unknown = sorted(set(raw) - _RULE_KEYS)
    if unknown:
        raise fail(unknown[0], f"unknown key {unknown[0]!r} (a rule has never, or prefer and over, "
                               "plus optional setting, system, reason)")
    kinds = [k for k in ("never", "prefer") if k in raw]
    if len(kinds) != 1:
        raise fail(None, "a rule needs exactly one of never = \"CODE\" or prefer = \"CODE\" (with over)")
    kind = kinds[0]
    system: System | None = None
    if "system" in raw:
        try:
            system = System.parse(str(raw["system"]))
        except ValueError as exc:
            raise fail("system", str(exc)) from None
    try:
        settings = _settings(raw.get("setting", []))
    except ValueError as exc:
        raise fail("setting", str(exc)) from None
    reason = raw.get("reason", "")
    if not isinstance(reason, str):
        raise fail("reason", "reason must be text")
    if kind == "never":
        if "over" in raw:
            raise fail("over", "'over' belongs to a prefer rule")
        try:
            code, system = _check_code(cs, raw["never"], system or guess_system(str(raw["never"])), billable=False)
        except ValueError as exc:
            raise fail("never", str(exc)) from None
        return Rule(kind="never", system=system, code=code, settings=settings, reason=reason.strip(),
                    source=where + f":{_line_of(lines, block, None)}")
    if "over" not in raw:
        raise fail("prefer", "a prefer rule needs over = \"CODE\" (the code it replaces)")
    try:
        code, system = _check_code(cs, raw["prefer"], system or guess_system(str(raw["prefer"])), billable=True)
    except ValueError as exc:
        raise fail("prefer", str(exc)) from None
    try:
        over, _ = _check_code(cs, raw["over"], system, billable=False)
    except ValueError as exc:
        raise fail("over", str(exc)) from None
    if over == code:
        raise fail("over", f"a rule cannot prefer {code} over itself")
    return Rule(kind="prefer", system=system, code=code, over=over, settings=settings, reason=reason.strip(),
                source=where + f":{_line_of(lines, block, None)}")


def parse_rules(text: str, *, where: str = RULES_FILE, codesets: Any = None) -> tuple[list[Rule], Thresholds]:
    """The rules and thresholds written in ``text``; RuleError (with ``where`` and the line) when wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        detail = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        line = f":{found.group(1)}" if found else ""
        col = f" (column {found.group(2)})" if found else ""
        raise RuleError(f"{where}{line}: not valid TOML: {detail}{col}") from None
    lines = text.splitlines()
    unknown = sorted(set(data) - {"rule", "thresholds"})
    if unknown:
        line = next((i + 1 for i, ln in enumerate(lines) if re.match(rf"^\s*\[?\s*{re.escape(unknown[0])}\b", ln)), 1)
        raise RuleError(f"{where}:{line}: unknown section {unknown[0]!r}; use [[rule]] and [thresholds]")
    thresholds = Thresholds()
    if "thresholds" in data:
        line = next((i + 1 for i, ln in enumerate(lines) if re.match(r"^\s*\[\s*thresholds\s*\]", ln)), 1)
        try:
            thresholds = Thresholds.model_validate(data["thresholds"], strict=False)
            extra = set(data["thresholds"]) - set(Thresholds.model_fields)
            if extra:
                raise RuleError(f"{where}:{line}: unknown threshold {sorted(extra)[0]!r}; "
                                f"use {', '.join(Thresholds.model_fields)}")
        except ValidationError as exc:
            err = exc.errors()[0]
            raise RuleError(f"{where}:{line}: thresholds.{'.'.join(map(str, err['loc']))}: {err['msg']}") from None
    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list):
        raise RuleError(f"{where}: 'rule' must be written as [[rule]] tables")
    if raw_rules and codesets is None:
        from medcoder_tui.codes.service import get_codesets

        codesets = get_codesets()
    blocks = _blocks(lines)
    rules = []
    for n, raw in enumerate(raw_rules):
        block = blocks[n] if n < len(blocks) else (0, len(lines))
        rules.append(_rule(raw, codesets, where, lines, block))
    return rules, thresholds


def load_rules(path: Path | None = None, *, codesets: Any = None) -> tuple[list[Rule], Thresholds]:
    """The rules in ``path`` (default: :func:`rules_path`); none when the file does not exist."""
    path = Path(path) if path is not None else rules_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return [], Thresholds()
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"{path}: cannot read the rules: {getattr(exc, 'strerror', None) or exc}") from None
    return parse_rules(text, where=str(path), codesets=codesets)
