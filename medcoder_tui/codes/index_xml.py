"""CDC/NCHS ICD-10-CM index files (XML, as distributed) -> compact tables mapped to the current code set.

Four files share one XML shape (root ``ICD10CM.index``, ``letter`` > ``mainTerm`` >
nested ``term`` elements, each with a ``title`` that may hold ``nemod`` nonessential
modifiers):

* ``icd10cm_eindex_YYYY.xml``: External Cause of Injuries Index (``code``, ``see``, ``seeAlso``);
* ``icd10cm_index_YYYY.xml``: Index to Diseases and Injuries (also ``manif`` codes);
* ``icd10cm_neoplasm_YYYY.xml``: Table of Neoplasms (``cell col="2".."7"`` per site);
* ``icd10cm_drug_YYYY.xml``: Table of Drugs and Chemicals (``cell`` per intent).

The index release is older than the tabular medcoder validates against, so every
code is mapped to the installed ICD-10-CM when the table is built: a billable
code stays; a code that needs a 7th character becomes its stem (``W18.09X``, to
complete with A/D/S); a category or an expanded code becomes its billable
subcodes; a code the current set no longer has is listed under ``unmapped``
(never used silently). ``-`` in a table cell means "no code".
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

FORMAT = 1
KINDS = ("eindex", "index", "neoplasm", "drug")
MAX_BYTES = 200_000_000
_SPACE = re.compile(r"\s+")


class IndexFormatError(ValueError):
    """A file that is not a CDC ICD-10-CM index XML file medcoder can read."""


def _text(title: ET.Element | None) -> tuple[str, str]:
    """A title's words without and with its nonessential modifiers."""
    if title is None:
        return "", ""
    main = [title.text or ""]
    full = [title.text or ""]
    for child in title:
        full.append(f" {child.text or ''} " if child.tag == "nemod" else child.text or "")
        if child.tag != "nemod":
            main.append(child.text or "")
        main.append(child.tail or "")
        full.append(child.tail or "")
    clean = lambda parts: _SPACE.sub(" ", "".join(parts)).strip()  # noqa: E731
    return clean(main), clean(full)


def _kind(root: ET.Element, heads: dict[str, str], hint: str) -> str:
    if heads:
        first = heads.get("1", "").lower()
        if first.startswith("neoplasm"):
            return "neoplasm"
        if first.startswith("substance") or "poisoning" in heads.get("2", "").lower():
            return "drug"
        raise IndexFormatError(f"{hint}: a table whose first column is {heads.get('1')!r} (expected Neoplasm or Substance)")
    title = (root.findtext("title") or "").upper()
    return "eindex" if "EXTERNAL CAUSE" in title else "index"


_CODE = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{0,4})?-?$")


def _walk(term: ET.Element, parent: int, rows: list[dict[str, Any]]) -> None:
    """Append ``term`` and its subterms to ``rows``; ``u`` is the parent row's index (-1: main term).

    Row keys are short because the shipped tables hold thousands of rows: ``t``
    title, ``f`` title with nonessential modifiers (when it differs), ``c`` codes,
    ``x`` table cells by column, ``s`` see, ``a`` see also, ``n`` text found where a
    code belongs that is not a code (the neoplasm file has a site name in a ``manif``).
    """
    main, full = _text(term.find("title"))
    row: dict[str, Any] = {"u": parent, "t": main}
    if full != main:
        row["f"] = full
    texts = [(c.text or "").strip() for c in [*term.findall("code"), *term.findall("manif")]]
    if any(_CODE.match(t) for t in texts):
        row["c"] = [t for t in texts if _CODE.match(t)]
    cells = {c.get("col", ""): (c.text or "").strip() for c in term.findall("cell")}
    cells = {k: v for k, v in cells.items() if v and v != "-"}
    if any(_CODE.match(v) for v in cells.values()):
        row["x"] = {k: v for k, v in cells.items() if _CODE.match(v)}
    notes = [v for v in [*texts, *cells.values()] if v and not _CODE.match(v)]
    if notes:
        row["n"] = "; ".join(notes)
    for tag, key in (("see", "s"), ("seeAlso", "a")):
        value = " ".join(_SPACE.sub(" ", "".join(e.itertext())).strip() for e in term.findall(tag))
        if value:
            row[key] = value
    here = len(rows)
    rows.append(row)
    for child in term.findall("term"):
        _walk(child, here, rows)


def row_codes(row: dict[str, Any]) -> list[str]:
    """The codes of one row as written: its ``code``/``manif`` codes, then its table cells."""
    return list(row.get("c", ())) + list(row.get("x", {}).values())


def row_path(rows: list[dict[str, Any]], i: int) -> list[str]:
    """Main term first: the titles from the main term down to row ``i``."""
    out: list[str] = []
    while i >= 0:
        out.append(rows[i]["t"])
        i = rows[i]["u"]
    return out[::-1]


def parse_index_xml(path: str | Path) -> dict[str, Any]:
    """Read one index file into ``{"kind", "fy", "title", "heads", "rows"}`` (codes as written)."""
    src = Path(path)
    size = src.stat().st_size
    if size == 0:
        raise IndexFormatError(f"{src.name}: empty file")
    if size > MAX_BYTES:
        raise IndexFormatError(f"{src.name}: {size} bytes is larger than any ICD-10-CM index file")
    try:
        root = ET.parse(src).getroot()
    except ET.ParseError as exc:
        raise IndexFormatError(f"{src.name}: not well-formed XML ({exc})") from None
    if root.tag != "ICD10CM.index":
        raise IndexFormatError(f"{src.name}: root element <{root.tag}>, expected <ICD10CM.index> "
                               "(CDC's icd10cm_index/eindex/neoplasm/drug XML file)")
    heads = {h.get("col", ""): _SPACE.sub(" ", "".join(h.itertext())).strip()
             for h in root.iter("head")}
    kind = _kind(root, heads, src.name)
    rows: list[dict[str, Any]] = []
    for main in root.iter("mainTerm"):
        _walk(main, -1, rows)
    if not rows:
        raise IndexFormatError(f"{src.name}: no index terms (mainTerm elements) found")
    return {"kind": kind, "fy": (root.findtext("version") or "").strip(), "title": root.findtext("title") or "",
            "heads": heads, "rows": rows}


def map_code(raw: str, icd: Any) -> tuple[str, list[str]]:
    """(status, codes) of an index code in the installed ICD-10-CM.

    ``billable``: [code]; ``seventh``: [stem] to complete with a 7th character;
    ``subcodes``: the billable codes under a category or an expanded code;
    ``unmapped``: [] (not in the current code set).
    """
    code = raw.strip().rstrip("-").rstrip(".").upper()
    if not code:
        return "unmapped", []
    if icd.is_billable(code):
        return "billable", [icd.key(code)]
    below = icd.billable_descendants(code) if code in icd else []
    if not below:
        return "unmapped", []
    stems = {c[:-1] for c in below}
    if len(stems) == 1 and len(below[0].replace(".", "")) == 7 and {c[-1] for c in below} <= set("ADS"):
        return "seventh", [stems.pop()]
    return "subcodes", below


def build_table(path: str | Path, icd: Any, *, source: str | None = None) -> dict[str, Any]:
    """The compact, code-set-mapped table of one index file (what medcoder ships and imports)."""
    parsed = parse_index_xml(path)
    rows = parsed["rows"]
    raw_codes = sorted({c for r in rows for c in row_codes(r)})
    mapping: dict[str, list] = {}
    unmapped: list[list[str]] = []
    for raw in raw_codes:
        status, codes = map_code(raw, icd)
        mapping[raw] = [status, codes]
    for i, r in enumerate(rows):
        for raw in row_codes(r):
            if mapping[raw][0] == "unmapped":
                unmapped.append([" > ".join(row_path(rows, i)), raw])
    return {
        "format": FORMAT, "kind": parsed["kind"], "fy": parsed["fy"], "title": parsed["title"].strip(),
        "heads": parsed["heads"], "source": source or Path(path).name, "mapped_to": getattr(icd, "version", ""),
        "rows": rows, "codes": mapping, "unmapped": unmapped,
    }


def main(argv: list[str] | None = None) -> int:
    """``python -m medcoder_tui.codes.index_xml SRC.xml OUT.json``: build a table for shipping."""
    import json

    from medcoder_tui.codes.icd10cm import IcdIndex

    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 2:
        print("usage: python -m medcoder_tui.codes.index_xml SRC.xml OUT.json", file=sys.stderr)
        return 2
    table = build_table(args[0], IcdIndex())
    Path(args[1]).write_text(json.dumps(table, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{table['kind']} FY{table['fy']}: {len(table['rows'])} terms, {len(table['codes'])} codes, "
          f"{len(table['unmapped'])} unmapped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
