"""Helpers shared by the CLI command modules."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from medcoder_tui.notes import NoteError, load_note


class CliError(Exception):
    """A failure the user caused or can fix; printed as one line, exit status ``status``."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


def print_json(data: Any) -> None:
    """Write ``data`` (pydantic models allowed) as indented JSON to stdout."""

    def default(obj: Any) -> Any:
        if isinstance(obj, BaseModel):
            return obj.model_dump(mode="json")
        if isinstance(obj, (set, frozenset)):
            return sorted(obj)
        if isinstance(obj, Path):
            return str(obj)
        raise TypeError(f"not JSON serialisable: {type(obj).__name__}")

    json.dump(data, sys.stdout, indent=2, default=default, ensure_ascii=False)
    sys.stdout.write("\n")


def read_note(path: str | Path) -> str:
    """Read a note for a CLI command; unusable notes become a one-line CliError."""
    try:
        return load_note(path)
    except NoteError as exc:
        raise CliError(str(exc)) from None


ENGINES = ("auto", "ollama", "offline")
SETTINGS = ("outpatient", "inpatient", "ed")


def add_engine_options(parser, *, types: bool = True, preferences: bool = True,
                       setting_help: str = "care setting (default from config)") -> None:
    """The options every engine-running command shares: --engine, --model, --types, --setting, --no-preferences."""
    parser.add_argument("--engine", choices=ENGINES, default=None,
                        help="auto (default): Ollama when reachable, else the offline engine")
    parser.add_argument("--model", default=None, help="Ollama model (default from config: MEDCODER_OLLAMA_MODEL)")
    if types:
        parser.add_argument("--types", default="all", metavar="TYPES",
                            help="code systems: all, or a comma list of icd10cm,cpt,hcpcs")
    parser.add_argument("--setting", choices=SETTINGS, default=None, help=setting_help)
    if preferences:
        parser.add_argument("--no-preferences", action="store_true",
                            help="ignore learned and written coding preferences")


def parse_types(value: str | None) -> set:
    """``--types`` as a set of systems, or a CliError naming what is wrong."""
    from medcoder_tui.codes.systems import parse_systems

    try:
        types = parse_systems(value)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if not types:
        raise CliError("--types names no code system; use all, or icd10cm,cpt,hcpcs")
    return types

