"""Lookups over the official ICD-10-CM index files: External Cause Index, Table of Neoplasms, and imports.

medcoder ships two compact tables derived from CDC/NCHS's FY2024 files (public
domain): the External Cause of Injuries Index and the Table of Neoplasms
(``codes/data/icd10cm_{eindex,neoplasm}_2024.json``, built by
``python -m medcoder_tui.codes.index_xml``). A user may import any of the four
index files of a newer release (``medcoder codes import index FILE``: the main
Index to Diseases and Injuries and the Table of Drugs and Chemicals are only
available that way); an imported table takes precedence over the bundled one.

Every code a table yields is in the installed ICD-10-CM: codes were mapped when
the table was built, and are mapped again on load when the installed code set
is another release (codes that no longer exist are listed in ``unmapped`` and
never returned). Tables load once per process.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from medcoder_tui import paths
from medcoder_tui.codes.index_xml import KINDS, IndexFormatError, build_table, map_code, row_codes, row_path
from medcoder_tui.fileutil import write_atomic

BUNDLED = {"eindex": "icd10cm_eindex_2024.json", "neoplasm": "icd10cm_neoplasm_2024.json"}
LABELS = {"eindex": "External Cause Index", "index": "Index to Diseases and Injuries",
          "neoplasm": "Table of Neoplasms", "drug": "Table of Drugs and Chemicals"}
NEOPLASM_COLUMNS = {"malignant_primary": "2", "malignant_secondary": "3", "in_situ": "4", "benign": "5",
                    "uncertain": "6", "unspecified": "7"}
DRUG_COLUMNS = {"poisoning_accidental": "2", "poisoning_self_harm": "3", "poisoning_assault": "4",
                "poisoning_undetermined": "5", "adverse_effect": "6", "underdosing": "7"}


def imported_path(kind: str) -> Path:
    """Where an imported table of ``kind`` lives (user data directory)."""
    return paths.data_dir() / f"icd10cm_{kind}_imported.json"


def _norm(text: str) -> str:
    return " ".join(text.lower().replace(",", " ").split())


class IndexTable:
    """One index file as rows (main terms and nested subterms) with codes mapped to the installed set."""

    def __init__(self, data: dict[str, Any], origin: str) -> None:
        self.kind: str = data["kind"]
        self.fy: str = data.get("fy", "")
        self.source: str = data.get("source", "")
        self.imported_at: str = data.get("imported_at", "")
        self.origin = origin                  # "bundled" or "imported"
        self.rows: list[dict[str, Any]] = data["rows"]
        self.mapping: dict[str, list] = data["codes"]
        self.unmapped: list[list[str]] = data.get("unmapped", [])
        self._paths = [_norm(" ".join(row_path(self.rows, i))) for i in range(len(self.rows))]

    def path(self, i: int) -> list[str]:
        """The titles from the main term down to row ``i``."""
        return row_path(self.rows, i)

    def mapped(self, raw: str) -> list[str]:
        """The current codes for one code as written in the file (empty when unmapped)."""
        status, codes = self.mapping.get(raw, ["unmapped", []])
        return list(codes) if status != "unmapped" else []

    def codes(self, i: int) -> list[str]:
        """Row ``i``'s codes in the installed code set; a 7th-character stem ends before the 7th character."""
        out: list[str] = []
        for raw in row_codes(self.rows[i]):
            out += [c for c in self.mapped(raw) if c not in out]
        return out

    def find(self, words: Iterable[str], limit: int = 20) -> list[int]:
        """Rows whose path (main term, subterms) holds every word, shallowest first."""
        wanted = [_norm(w) for w in words if w.strip()]
        hits = [i for i, p in enumerate(self._paths) if all(w in p for w in wanted)]
        return sorted(hits, key=lambda i: (self._paths[i].count(" "), i))[:limit]

    def lookup(self, terms: Sequence[str]) -> int | None:
        """The row whose path is exactly ``terms`` (case and commas ignored; nonessential modifiers omitted)."""
        target = _norm(" ".join(terms))
        depth = len(terms) - 1
        return next((i for i, p in enumerate(self._paths) if p == target and len(self.path(i)) == depth + 1), None)

    def summary(self) -> dict[str, Any]:
        """What ``doctor`` reports about this table."""
        return {"kind": self.kind, "label": LABELS[self.kind], "origin": self.origin, "fy": self.fy,
                "source": self.source, "imported_at": self.imported_at, "terms": len(self.rows),
                "codes": len(self.mapping), "unmapped": len(self.unmapped)}


class ExternalCauseIndex(IndexTable):
    """The External Cause of Injuries Index: cause (V/W/X), place (Y92), activity (Y93), status (Y99)."""

    def code_for(self, terms: Sequence[str], seventh: str = "A") -> list[str]:
        """Billable codes for an index path, 7th character filled in (A initial, D subsequent, S sequela)."""
        i = self.lookup(terms)
        if i is None:
            return []
        out: list[str] = []
        for raw in row_codes(self.rows[i]):
            status, codes = self.mapping.get(raw, ["unmapped", []])
            for code in codes if status != "unmapped" else []:
                code = code + seventh if status == "seventh" else code
                if code not in out:
                    out.append(code)
        return out


class NeoplasmTable(IndexTable):
    """The Table of Neoplasms: per site, one code (or a set of subcodes) per behaviour column."""

    def site(self, terms: Sequence[str]) -> dict[str, list[str]]:
        """``{"malignant_primary": [...], "malignant_secondary": [...], ...}`` for a site path."""
        i = self.lookup(terms)
        if i is None:
            return {}
        cells = self.rows[i].get("x", {})
        return {name: self.mapped(cells[col]) for name, col in NEOPLASM_COLUMNS.items() if col in cells}


def _read(data: dict[str, Any], origin: str, icd: Any) -> IndexTable:
    if icd is not None and data.get("mapped_to") != getattr(icd, "version", None):
        data = dict(data, codes={raw: list(map_code(raw, icd)) for raw in data["codes"]})
        data["unmapped"] = [[" > ".join(row_path(data["rows"], i)), raw] for i, r in enumerate(data["rows"])
                            for raw in row_codes(r) if data["codes"][raw][0] == "unmapped"]
    cls = {"eindex": ExternalCauseIndex, "neoplasm": NeoplasmTable}.get(data["kind"], IndexTable)
    return cls(data, origin)


@lru_cache(maxsize=None)
def load_table(kind: str) -> IndexTable | None:
    """The imported table of ``kind`` if there is a readable one, else the bundled one, else None."""
    if kind not in KINDS:
        raise ValueError(f"unknown index kind {kind!r}; expected one of {', '.join(KINDS)}")
    from medcoder_tui.codes.service import get_codesets

    icd = get_codesets().icd
    try:
        data = json.loads(imported_path(kind).read_text("utf-8"))
        if data.get("kind") == kind and data.get("rows"):
            return _read(data, "imported", icd)
    except (OSError, ValueError, KeyError):
        pass   # no import, or a damaged one: fall back to the bundled table
    if kind not in BUNDLED:
        return None
    text = resources.files("medcoder_tui.codes").joinpath("data", BUNDLED[kind]).read_text("utf-8")
    return _read(json.loads(text), "bundled", icd)


def external_cause_index() -> ExternalCauseIndex:
    return load_table("eindex")   # type: ignore[return-value]


def neoplasm_table() -> NeoplasmTable:
    return load_table("neoplasm")   # type: ignore[return-value]


def status() -> list[dict[str, Any]]:
    """One summary per index kind: present or not, bundled or imported, size and unmapped codes."""
    out = []
    for kind in KINDS:
        try:
            table = load_table(kind)
        except (OSError, ValueError) as exc:
            out.append({"kind": kind, "label": LABELS[kind], "origin": "error", "error": str(exc)})
            continue
        info = table.summary() if table else {"kind": kind, "label": LABELS[kind], "origin": "absent"}
        if imported_path(kind).exists() and info["origin"] != "imported":
            info["warning"] = f"{imported_path(kind)} is unreadable and was ignored; re-run the import"
        out.append(info)
    return out


def import_index(path: str | Path) -> tuple[IndexTable, Path]:
    """Import one CDC index XML file into the user data folder; nothing is written unless it all parses."""
    from medcoder_tui.codes.service import get_codesets

    src = Path(path)
    if not src.is_file():
        raise IndexFormatError(f"{src}: no such file")
    table = build_table(src, get_codesets().icd, source=src.name)
    table["imported_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    target = imported_path(table["kind"])
    write_atomic(target, json.dumps(table, separators=(",", ":")).encode("utf-8"))
    load_table.cache_clear()
    return IndexTable(table, "imported"), target
