"""CPT and HCPCS Level II code tables: bundled common sets plus user imports.

CPT descriptors are AMA-copyrighted, so medcoder ships only its own short
plain-words descriptions of a small common set; an organisation with a licence
imports its own file (``medcoder codes import cpt FILE``). HCPCS Level II is
public domain; CMS's annual file (fixed-width "ANWEB" text, or its CSV form)
is imported the same way. Imported codes take precedence over bundled ones.

An import is parsed completely and checked before anything is written; the
table file is then replaced atomically, so a failed import leaves the previous
table intact.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

from medcoder_tui import paths
from medcoder_tui.fileutil import write_atomic
from medcoder_tui.codes.systems import System, compact, is_well_formed

MAX_IMPORT_BYTES = 50_000_000


class ImportFormatError(ValueError):
    """An import file that is not in a format medcoder can read; nothing was written."""


def _bundled(name: str) -> dict:
    try:
        text = resources.files("medcoder_tui.codes").joinpath("data", name).read_text("utf-8")
    except FileNotFoundError:
        return {"version": "none", "codes": {}}
    return json.loads(text)


def imported_path(system: System) -> Path:
    """Where an imported table for ``system`` lives (user data directory)."""
    return paths.data_dir() / f"{system.value}_imported.json"


def _read_imported(system: System) -> dict:
    path = imported_path(system)
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        # A damaged import must not take the bundled set down with it.
        return {"error": f"could not read {path}; re-run the import", "codes": {}}


class CodeTable:
    """A merged code -> description table for CPT or HCPCS Level II."""

    def __init__(self, system: System) -> None:
        self.system = system
        bundled = _bundled(f"{system.value}_common.json")
        imported = _read_imported(system)
        self.bundled_version = str(bundled.get("version", "none"))
        self.bundled_count = len(bundled.get("codes", {}))
        self.imported_count = len(imported.get("codes", {}))
        self.imported_info = {k: v for k, v in imported.items() if k != "codes"}
        self.codes: dict[str, str] = {compact(k): v for k, v in bundled.get("codes", {}).items()}
        self.codes.update({compact(k): v for k, v in imported.get("codes", {}).items()})

    def version(self) -> str:
        text = f"bundled {self.bundled_version} ({self.bundled_count} codes)"
        if self.imported_count:
            src = self.imported_info.get("source", "?")
            when = self.imported_info.get("imported_at", "?")
            text += f" + imported {self.imported_count} codes from {src} at {when}"
        if "error" in self.imported_info:
            text += f" [{self.imported_info['error']}]"
        return text


# -- import parsers ---------------------------------------------------------------------------

def _read_text(path: Path) -> str:
    if not path.is_file():
        raise ImportFormatError(f"{path}: no such file")
    if path.stat().st_size > MAX_IMPORT_BYTES:
        raise ImportFormatError(f"{path}: larger than {MAX_IMPORT_BYTES // 1_000_000} MB; not a code table")
    data = path.read_bytes()
    if b"\x00" in data:
        raise ImportFormatError(f"{path}: binary file (an .xlsx or .zip?); export it as CSV or text first")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFormatError(f"{path}: not readable as UTF-8 or Windows-1252 text")  # pragma: no cover


def _check_rows(path: Path, system: System, rows: list[tuple[int, str, str]]) -> dict[str, str]:
    """Keep well-formed codes; refuse the whole file if too many rows are not codes."""
    good: dict[str, str] = {}
    bad: list[int] = []
    for line_no, code, desc in rows:
        c = compact(code)
        if is_well_formed(c, system) and desc.strip():
            good[c] = " ".join(desc.split())
        else:
            bad.append(line_no)
    if not good:
        raise ImportFormatError(
            f"{path}: no {system.label} codes found; expected lines of code and description "
            f"(first bad line: {bad[0] if bad else 1})")
    if len(bad) > max(5, len(rows) // 10):
        raise ImportFormatError(
            f"{path}: {len(bad)} of {len(rows)} rows are not {system.label} code/description pairs "
            f"(lines {', '.join(map(str, bad[:5]))}...); is this the right file?")
    return good


def parse_delimited(path: Path, system: System, text: str | None = None) -> dict[str, str]:
    """A CSV or tab-separated file whose first two columns are code and description."""
    text = _read_text(path) if text is None else text
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[tuple[int, str, str]] = []
    for line_no, row in enumerate(reader, start=1):
        if not row or not "".join(row).strip():
            continue
        if len(row) < 2:
            rows.append((line_no, row[0], ""))
            continue
        if line_no == 1 and not is_well_formed(row[0], system):
            continue  # header row
        rows.append((line_no, row[0].strip(), row[1]))
    return _check_rows(path, system, rows)


def _parse_anweb_fixed(path: Path, text: str) -> dict[str, str]:
    """CMS HCPCS fixed-width record layout: code 1-5, sequence 6-10, record id 11, long description 12-91.

    Record id 3 starts a procedure, 4 continues its long description; 7 and 8
    are modifiers (two-character codes), which are skipped.
    """
    rows: list[tuple[int, str, str]] = []
    current: list | None = None
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if len(line) < 12:
            rows.append((line_no, line[:5], ""))
            continue
        code, rid, desc = line[0:5].strip(), line[10:11], line[11:91].rstrip()
        if rid == "3":
            current = [line_no, code, desc.strip()]
            rows.append(current)  # type: ignore[arg-type]
        elif rid == "4" and current is not None and current[1] == code:
            current[2] = f"{current[2]} {desc.strip()}"
        elif rid in ("7", "8"):
            continue
        else:
            rows.append((line_no, code, ""))
    return _check_rows(path, System.HCPCS, [tuple(r) for r in rows])  # type: ignore[misc]


def _parse_anweb_csv(path: Path, text: str) -> dict[str, str]:
    """The CSV form of the ANWEB file: columns named HCPC, RIC/REC ID, LONG/SHORT DESCRIPTION."""
    reader = csv.DictReader(io.StringIO(text))
    fields = {f.strip().upper(): f for f in (reader.fieldnames or [])}

    def col(*names: str) -> str | None:
        for name in names:
            for upper, original in fields.items():
                if upper.replace("_", " ") == name:
                    return original
        return None

    code_col = col("HCPC", "HCPCS", "HCPCS CODE", "CODE")
    desc_col = col("LONG DESCRIPTION", "LONG DESC", "DESCRIPTION", "SHORT DESCRIPTION")
    rid_col = col("RIC", "REC ID", "RECID", "RECORD ID")
    if not code_col or not desc_col:
        raise ImportFormatError(f"{path}: CSV has no HCPC and LONG DESCRIPTION columns (found {list(fields)})")
    rows: list[list] = []
    by_code: dict[str, list] = {}
    for line_no, rec in enumerate(reader, start=2):
        code = (rec.get(code_col) or "").strip()
        rid = (rec.get(rid_col) or "3").strip() if rid_col else "3"
        desc = (rec.get(desc_col) or "").strip()
        if rid in ("7", "8") or len(code) == 2:
            continue
        if rid == "4" and code in by_code:
            by_code[code][2] = f"{by_code[code][2]} {desc}"
            continue
        row = [line_no, code, desc]
        by_code[code] = row
        rows.append(row)
    return _check_rows(path, System.HCPCS, [tuple(r) for r in rows])  # type: ignore[misc]


def parse_import(path: Path, system: System) -> dict[str, str]:
    """Parse an import file for ``system`` into code -> description, or raise ImportFormatError."""
    text = _read_text(path)
    if not text.strip():
        raise ImportFormatError(f"{path}: empty file")
    if system is System.HCPCS:
        first = next((ln for ln in text.splitlines() if ln.strip()), "")
        if "HCPC" in first.upper() and "," in first:
            return _parse_anweb_csv(path, text)
        if len(first) >= 12 and first[10:11] in "3478" and "\t" not in first and "," not in first[:12]:
            return _parse_anweb_fixed(path, text)
    return parse_delimited(path, system, text)


def import_table(path: str | Path, system: System | str) -> tuple[int, Path]:
    """Import a code file into the user data directory. Returns (codes imported, table path).

    Nothing is written unless the whole file parses; the table is replaced atomically.
    """
    system = System.parse(system)
    if system is System.ICD10CM:
        raise ImportFormatError("ICD-10-CM ships with medcoder (April 2026); only cpt and hcpcs are imported")
    src = Path(path)
    codes = parse_import(src, system)
    target = imported_path(system)
    payload = {
        "source": src.name,
        "imported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "codes": codes,
    }
    write_atomic(target, json.dumps(payload).encode("utf-8"))
    return len(codes), target
