"""CPT and HCPCS Level II code tables: bundled common sets plus user imports.

CPT descriptors are AMA-copyrighted, so medcoder ships only its own short
plain-words descriptions of a small common set; an organisation with a licence
imports its own file (``medcoder codes import cpt FILE``). HCPCS Level II is
public domain; CMS's annual file (fixed-width "ANWEB" text, or its CSV form)
is imported the same way. Imported codes take precedence over bundled ones.

An import is parsed completely and checked before anything is written; the
table file is then replaced atomically, so a failed import leaves the previous
table intact. Rows that are not code/description pairs are dropped and reported
with their line numbers, as are duplicate codes (the last one is kept) and
suspicious descriptions (very long, a formula, control characters). A file is
refused when more than ``BAD_ROW_SHARE`` of its rows (and more than
``BAD_ROW_FLOOR``) are bad, when a quoted field runs on over several lines (an
unterminated quote), or when its text is in an encoding it cannot be read in
without mojibake.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

from medcoder_tui import paths
from medcoder_tui.fileutil import write_atomic
from medcoder_tui.codes.systems import System, compact, is_well_formed

MAX_IMPORT_BYTES = 50_000_000
# Refuse a file when more than this share of its rows are not code/description pairs ...
BAD_ROW_SHARE = 0.02
# ... and more than this many (a handful of stray lines in a small file is not a wrong file).
BAD_ROW_FLOOR = 3
# A description longer than this is suspicious (CPT's longest descriptors are ~ 300 characters).
LONG_DESCRIPTION = 400


class ImportFormatError(ValueError):
    """An import file that is not in a format medcoder can read; nothing was written."""


@dataclass
class ImportReport:
    """What an import dropped, merged or found odd, each with its line number in the file."""

    encoding: str = "utf-8"
    dropped: list[tuple[int, str]] = field(default_factory=list)        # (line, why)
    duplicates: list[tuple[int, str, int]] = field(default_factory=list)  # (line, code, first line)
    suspicious: list[tuple[int, str]] = field(default_factory=list)     # (line, why)

    def lines(self, limit: int = 10) -> list[str]:
        """One line per problem (at most ``limit`` of each kind, then a count of the rest)."""
        out: list[str] = []
        if self.encoding != "utf-8":
            out.append(f"read as {self.encoding} (the file is not UTF-8)")
        groups = [("dropped", [f"line {n}: {why}" for n, why in self.dropped]),
                  ("duplicate", [f"line {n}: {code} also on line {first}; line {n} kept"
                                 for n, code, first in self.duplicates]),
                  ("suspicious", [f"line {n}: {why}" for n, why in self.suspicious])]
        for kind, items in groups:
            out += [f"{kind}: {item}" for item in items[:limit]]
            if len(items) > limit:
                out.append(f"{kind}: ... and {len(items) - limit} more")
        return out


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

def _read_text(path: Path, report: ImportReport | None = None) -> str:
    if not path.is_file():
        raise ImportFormatError(f"{path}: no such file")
    if path.stat().st_size > MAX_IMPORT_BYTES:
        raise ImportFormatError(f"{path}: larger than {MAX_IMPORT_BYTES // 1_000_000} MB; not a code table")
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFormatError(f"{path}: UTF-16 text; save it as UTF-8 (or Windows-1252) first")
    if b"\x00" in data:
        raise ImportFormatError(f"{path}: binary file (an .xlsx or .zip?); export it as CSV or text first")
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        try:
            text, encoding = data.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError:
            line = data.count(b"\n", 0, exc.start) + 1
            raise ImportFormatError(f"{path}: line {line}: neither UTF-8 nor Windows-1252 text; "
                                    "save it as UTF-8 first") from None
    bad = _MOJIBAKE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise ImportFormatError(f"{path}: line {line}: {bad.group(0)!r} looks like UTF-8 text that was "
                                "decoded in another encoding (mojibake); export the table again as UTF-8")
    if report is not None:
        report.encoding = encoding
    return text


# UTF-8 bytes of accented letters and punctuation read as Windows-1252 or Latin-1 ("Ã©", "â€™"),
# or a C1 control character, which no code description holds.
_MOJIBAKE = re.compile("[\u00c2\u00c3][\u0080-\u00bf\u2018-\u203a\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc]"
                       "|\u00e2\u20ac|[\u0080-\u009f]")


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def _check_rows(path: Path, system: System, rows: list[tuple[int, str, str]],
                report: ImportReport | None = None) -> dict[str, str]:
    """Keep well-formed codes; report what is dropped or odd; refuse the file if too many rows are bad."""
    report = report if report is not None else ImportReport()
    good: dict[str, str] = {}
    first_line: dict[str, int] = {}
    bad: list[int] = []
    for line_no, code, desc in rows:
        c = compact(code)
        if not is_well_formed(c, system):
            bad.append(line_no)
            report.dropped.append((line_no, f"{_show(code)} is not a {system.label} code"))
            continue
        if not desc.strip():
            bad.append(line_no)
            report.dropped.append((line_no, f"{c} has no description"))
            continue
        text = " ".join(desc.split())
        if len(text) > LONG_DESCRIPTION:
            report.suspicious.append((line_no, f"{c} has a {len(text)}-character description"))
        if text[:1] in "=+-@":
            report.suspicious.append((line_no, f"{c}'s description starts with {text[0]!r} (a spreadsheet formula?)"))
        if _CONTROL.search(desc):
            report.suspicious.append((line_no, f"{c}'s description holds control characters (removed)"))
            text = " ".join(_CONTROL.sub(" ", text).split())
        if c in good:
            report.duplicates.append((line_no, c, first_line[c]))
        else:
            first_line[c] = line_no
        good[c] = text
    if not good:
        raise ImportFormatError(
            f"{path}: no {system.label} codes found; expected lines of code and description "
            f"(first bad line: {bad[0] if bad else 1})")
    if len(bad) > max(BAD_ROW_FLOOR, len(rows) * BAD_ROW_SHARE):
        raise ImportFormatError(
            f"{path}: {len(bad)} of {len(rows)} rows ({len(bad) / len(rows):.0%}) are not {system.label} "
            f"code/description pairs (lines {', '.join(map(str, bad[:5]))}{'...' if len(bad) > 5 else ''}); "
            f"more than {BAD_ROW_SHARE:.0%} is refused: is this the right file?")
    return good


def _show(code: str) -> str:
    return repr(code[:20] + ("..." if len(code) > 20 else ""))


def parse_delimited(path: Path, system: System, text: str | None = None,
                    report: ImportReport | None = None) -> dict[str, str]:
    """A CSV or tab-separated file whose first two columns are code and description."""
    text = _read_text(path, report) if text is None else text
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[tuple[int, str, str]] = []
    next_line = 1
    try:
        for row in reader:
            line_no, next_line = next_line, reader.line_num + 1
            if reader.line_num > line_no or any("\n" in cell or "\r" in cell for cell in row):
                raise ImportFormatError(
                    f"{path}: line {line_no}: a quoted field runs on to line {reader.line_num} "
                    "(an unterminated quote?); fix the quote and import again")
            if not row or not "".join(row).strip():
                continue
            if len(row) < 2:
                rows.append((line_no, row[0], ""))
            elif not (line_no == 1 and not is_well_formed(row[0], system)):   # not the header row
                rows.append((line_no, row[0].strip(), row[1]))
    except csv.Error as exc:
        raise ImportFormatError(f"{path}: line {reader.line_num}: {exc}") from None
    return _check_rows(path, system, rows, report)


def _parse_anweb_fixed(path: Path, text: str, report: ImportReport | None = None) -> dict[str, str]:
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
    return _check_rows(path, System.HCPCS, [tuple(r) for r in rows], report)  # type: ignore[misc]


def _parse_anweb_csv(path: Path, text: str, report: ImportReport | None = None) -> dict[str, str]:
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
    for rec in reader:
        line_no = reader.line_num
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
    return _check_rows(path, System.HCPCS, [tuple(r) for r in rows], report)  # type: ignore[misc]


def parse_import(path: Path, system: System, report: ImportReport | None = None) -> dict[str, str]:
    """Parse an import file for ``system`` into code -> description, or raise ImportFormatError.

    ``report`` (when given) collects the rows dropped, the duplicates and the suspicious rows.
    """
    text = _read_text(path, report)
    if not text.strip():
        raise ImportFormatError(f"{path}: empty file")
    if system is System.HCPCS:
        first = next((ln for ln in text.splitlines() if ln.strip()), "")
        if "HCPC" in first.upper() and "," in first:
            return _parse_anweb_csv(path, text, report)
        if len(first) >= 12 and first[10:11] in "3478" and "\t" not in first and "," not in first[:12]:
            return _parse_anweb_fixed(path, text, report)
    return parse_delimited(path, system, text, report)


def import_table(path: str | Path, system: System | str,
                 report: ImportReport | None = None) -> tuple[int, Path]:
    """Import a code file into the user data directory. Returns (codes imported, table path).

    Nothing is written unless the whole file parses; the table is replaced atomically.
    ``report`` (when given) collects what was dropped, merged or found odd.
    """
    system = System.parse(system)
    if system is System.ICD10CM:
        raise ImportFormatError("ICD-10-CM ships with medcoder (April 2026); only cpt and hcpcs are imported")
    src = Path(path)
    codes = parse_import(src, system, report)
    target = imported_path(system)
    payload = {
        "source": src.name,
        "imported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "codes": codes,
    }
    write_atomic(target, json.dumps(payload).encode("utf-8"))
    return len(codes), target
