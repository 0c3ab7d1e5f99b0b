"""Known correct codes for an evaluation, from three sources.

* **Sidecars**: ``NAME.gold.json`` next to ``NAME.txt`` with
  ``{"setting", "icd10cm": [principal first, ...], "cpt": [...], "hcpcs": [...], "rationale"}``
  and optionally ``"not_codes": [{"code", "reason", "system"?}, ...]``: codes a coder must not
  report for that note (suggesting one is a must-not-code hit).
* **TSV + folder** (the CodiEsp layout): ``note_id<TAB>code[<TAB>system]`` lines and a
  folder of ``note_id.txt`` notes; codes in any case, dots optional. Without a system
  column a code is read as the first requested system it is valid in (ICD-10-CM first).
* **The store**: cases a coder completed count as gold for later runs.

Every gold code is normalised and validated. A gold code that is not in the code
set is *kept* (it is what the reference says; it simply can never be matched) and
reported as a warning; text that is not a code at all is dropped with a warning.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from medcoder_tui.codes.service import ValidationResult
from medcoder_tui.codes.systems import System, canonical, is_well_formed
from medcoder_tui.evaluation.metrics import code_key
from medcoder_tui.evaluation.models import GoldCase, GoldSet
from medcoder_tui.notes import NoteError, discover_notes, gold_sidecar, load_note, note_hash

Validator = Callable[[str, System], ValidationResult]
SYSTEM_ORDER = (System.ICD10CM, System.CPT, System.HCPCS)
SIDECAR_SUFFIX = ".gold.json"
MAX_LISTED = 8   # codes quoted in one summary warning


class GoldError(ValueError):
    """A gold file that cannot be used at all (missing, unreadable, wrong shape)."""


def default_validator() -> Validator:
    """Validation through the process-wide code sets."""
    from medcoder_tui.codes.service import get_codesets

    cs = get_codesets()
    return lambda code, system: cs.validate(code, system)


class _Checker:
    """Normalises gold codes and collects what was wrong with them."""

    def __init__(self, validate: Validator, types: Iterable[System]) -> None:
        self.validate = validate
        self.types = [s for s in SYSTEM_ORDER if s in set(types)]
        self.invalid: list[str] = []
        self.not_billable: list[str] = []
        self.unreadable: list[str] = []
        self.stale: list[str] = []
        self.missing_notes: list[str] = []

    def key(self, raw: str, system: System | None, where: str) -> str | None:
        """The comparison key of a gold code, or None when it cannot be scored here."""
        code = raw.strip()
        if not code:
            return None
        if system is not None:
            if system not in self.types:
                return None   # a system this run does not score
            if not is_well_formed(code, system):
                self.unreadable.append(f"{where}: {raw!r} (not a {system.label} code)")
                return None
            candidates = [system]
        else:
            candidates = [s for s in self.types if is_well_formed(code, s)]
            if not candidates:
                if not any(is_well_formed(code, s) for s in SYSTEM_ORDER):
                    self.unreadable.append(f"{where}: {raw!r}")
                return None   # a well-formed code of an unrequested system is out of scope
        chosen, result = candidates[0], None
        for cand in candidates:
            res = self.validate(code, cand)
            if res.valid:
                chosen, result = cand, res
                break
        if result is None:
            self.invalid.append(f"{where}: {canonical(code, chosen)}")
            return code_key(chosen, canonical(code, chosen))
        if not result.billable:
            self.not_billable.append(f"{where}: {result.normalized}")
        return code_key(chosen, result.normalized or canonical(code, chosen))

    def warnings(self) -> list[str]:
        out = []
        for items, what in (
            (self.unreadable, "gold entries are not codes and were dropped"),
            (self.invalid, "gold codes are not in the current code set (kept; they can never be matched)"),
            (self.not_billable, "gold codes are category headers, not billable codes (kept)"),
            (self.stale, "completed store cases were skipped: their note changed since it was coded"),
            (self.missing_notes, "completed store cases were skipped: their note file cannot be read"),
        ):
            if items:
                more = f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else ""
                out.append(f"{len(items)} {what}: {', '.join(items[:MAX_LISTED])}{more}")
        return out


def sidecar_for(note_path: Path) -> Path:
    """``notes/a.txt`` -> ``notes/a.gold.json``."""
    return note_path.with_name(note_path.stem + SIDECAR_SUFFIX)


def load_sidecar(path: Path, checker: _Checker, note_path: Path | None = None) -> GoldCase:
    """One sidecar file as a gold case (principal diagnosis first, order kept)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GoldError(f"{path.name}: unreadable gold sidecar ({exc})") from None
    if not isinstance(data, dict):
        raise GoldError(f"{path.name}: a gold sidecar must be a JSON object")
    note_id = path.name[: -len(SIDECAR_SUFFIX)] if path.name.endswith(SIDECAR_SUFFIX) else path.stem
    keys: list[str] = []
    for system in SYSTEM_ORDER:
        items = data.get(system.value) or []
        if isinstance(items, str):
            items = [items]
        if not isinstance(items, list):
            raise GoldError(f"{path.name}: {system.value!r} must be a list of codes")
        for raw in items:
            key = checker.key(str(raw), system, note_id)
            if key and key not in keys:
                keys.append(key)
    not_codes = _not_codes(data.get("not_codes"), path.name, note_id, checker, keys)
    setting = data.get("setting")
    return GoldCase(
        note_id=note_id, note_path=note_path, codes=keys, ordered=True,
        setting=setting if setting in ("outpatient", "inpatient", "ed") else None,
        source="sidecar", rationale=str(data.get("rationale") or ""),
        not_codes=not_codes,
    )


def _not_codes(raw: Any, name: str, note_id: str, checker: _Checker, gold: list[str]) -> dict[str, str]:
    """A sidecar's ``not_codes`` list -> comparison key -> reason.

    Each entry is ``{"code", "reason", "system"?}`` (a bare code string is accepted
    too, with no reason). Without ``system`` the code is read like a TSV code: the
    first system it is valid in (ICD-10-CM first), whatever systems the run
    scores, so a run restricted to one system never misreads another system's
    code (HCPCS ``J1100`` as ICD-10-CM ``J11.00``). A code that is also gold is a
    contradiction in the sidecar and a clear error.
    """
    if raw is None:
        return {}
    if not isinstance(raw, list):
        raise GoldError(f"{name}: 'not_codes' must be a list of {{\"code\", \"reason\"}} objects")
    out: dict[str, str] = {}
    for item in raw:
        if isinstance(item, str):
            item = {"code": item}
        if not isinstance(item, dict) or not str(item.get("code") or "").strip():
            raise GoldError(f"{name}: each 'not_codes' entry needs a \"code\" (got {item!r})")
        code = str(item["code"])
        if item.get("system"):
            try:
                system = System.parse(str(item["system"]))
            except ValueError as exc:
                raise GoldError(f"{name}: not_codes {item['code']!r}: {exc}") from None
        else:
            system = _system_of(code, checker.validate)
        key = checker.key(code, system, f"{note_id} (not_codes)")
        if key is None:
            continue
        if key in gold:
            raise GoldError(f"{name}: {item['code']} is both a gold code and in 'not_codes'")
        out[key] = str(item.get("reason") or "")
    return out


def _system_of(code: str, validate: Validator) -> System | None:
    """The first system ``code`` is valid in, else the first it is well formed in (None: neither)."""
    shaped = [s for s in SYSTEM_ORDER if is_well_formed(code, s)]
    return next((s for s in shaped if validate(code, s).valid), shaped[0] if shaped else None)


def load_tsv(path: Path, checker: _Checker) -> dict[str, list[str]]:
    """``note_id<TAB>code[<TAB>system]`` lines -> note id -> keys (set semantics, first-seen order)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise GoldError(f"gold file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(f"cannot read gold file {path}: {exc}") from None
    out: dict[str, list[str]] = {}
    for lineno, row in enumerate(csv.reader(text.splitlines(), delimiter="\t"), start=1):
        cells = [c.strip() for c in row]
        if not cells or not any(cells) or cells[0].startswith("#"):
            continue
        if len(cells) < 2:
            raise GoldError(f"{Path(path).name} line {lineno}: expected note_id<TAB>code, got {row!r}")
        system = None
        if len(cells) > 2 and cells[2]:
            try:
                system = System.parse(cells[2])
            except ValueError as exc:
                raise GoldError(f"{Path(path).name} line {lineno}: {exc}") from None
        bucket = out.setdefault(cells[0], [])
        key = checker.key(cells[1], system, cells[0])
        if key and key not in bucket:
            bucket.append(key)
    if not out:
        raise GoldError(f"{Path(path).name} holds no note_id<TAB>code lines")
    return out


def store_cases(store: Any, checker: _Checker) -> list[GoldCase]:
    """Completed cases of the store as gold (final codes in sequence order, principal first).

    ``Store.completed_as_gold()`` maps each note path to its final codes per
    system. The note is re-read from its file; when the record carries the hash
    of the text the coder completed and the file no longer matches it, the case
    is skipped with a warning, since its codes describe another text.
    """
    raw = store.completed_as_gold() or {}
    items = list(raw.items()) if isinstance(raw, dict) else [(None, r) for r in raw]
    cases = []
    for path_key, item in items:
        data = dict(item) if isinstance(item, dict) else item.model_dump(mode="json")
        path = data.get("note_path") or path_key
        note_id = str(data.get("note_id") or (Path(path).stem if path else "") or data.get("id") or "case")
        keys: list[str] = []
        for system, code in _store_codes(data):
            key = checker.key(code, system, note_id)
            if key and key not in keys:
                keys.append(key)
        text = data.get("note") or data.get("text") or data.get("note_text")
        if not text and path:
            try:
                text = load_note(path)
            except NoteError:
                text = None
                checker.missing_notes.append(str(path))
        expected = str(data.get("note_hash") or "")
        if text and expected and note_hash(text) != expected:
            checker.stale.append(note_id)
            text = None
        setting = data.get("setting")
        cases.append(GoldCase(
            note_id=note_id, note_path=Path(path) if path else None, text=text, codes=keys, ordered=True,
            source="store", note_hash=expected or (note_hash(text) if text else ""),
            setting=setting if setting in ("outpatient", "inpatient", "ed") else None,
        ))
    return cases


def _store_codes(data: dict) -> list[tuple[System | None, str]]:
    out: list[tuple[System | None, str]] = []
    for system in SYSTEM_ORDER:   # {"icd10cm": [...], "cpt": [...], ...}
        out += [(system, str(c)) for c in data.get(system.value) or []]
    for c in data.get("codes") or data.get("final_codes") or []:
        if isinstance(c, dict):
            out.append((System.parse(c["system"]) if c.get("system") else None, str(c.get("code", ""))))
        else:
            out.append((None, str(c)))
    return out


def collect_gold(
    path: str | Path,
    *,
    gold: str | Path | None = None,
    store: Any = None,
    types: Iterable[System] = tuple(SYSTEM_ORDER),
    validate: Validator | None = None,
) -> GoldSet:
    """The gold cases of a run over ``path`` (a folder of notes or one note).

    ``gold`` names a TSV file, or ``"store"`` to evaluate the store's completed
    cases; without it each note uses its sidecar. Notes with no gold from their
    source fall back to a completed store case with the same text, if any, and
    are otherwise skipped with a warning.
    """
    checker = _Checker(validate or default_validator(), types)
    result = GoldSet()
    if gold is not None and str(gold) == "store":
        if store is None:
            raise GoldError("--gold store needs a case store")
        result.cases = [c for c in store_cases(store, checker) if c.text]
        result.description = "completed cases in the store"
        result.warnings = checker.warnings()
        if not result.cases:
            raise GoldError("the store has no completed cases to use as gold")
        return result

    tsv = load_tsv(Path(gold), checker) if gold is not None else None
    try:
        notes = discover_notes(path)
    except NoteError as exc:
        raise GoldError(str(exc)) from None
    if not notes:
        raise GoldError(f"no notes (.txt, .note, .md) found in {path}")
    by_hash: dict[str, GoldCase] | None = None
    skipped: list[str] = []
    for note in notes:
        case: GoldCase | None = None
        if tsv is not None:
            if note.stem in tsv:
                case = GoldCase(note_id=note.stem, note_path=note, codes=tsv[note.stem], source="tsv")
        elif (sidecar := gold_sidecar(note)) is not None:   # None also when NAME.gold.json is too long a name
            case = load_sidecar(sidecar, checker, note)
        if case is None and store is not None:
            if by_hash is None:
                by_hash = _store_by_hash(store, checker)
            case = _from_store(note, by_hash)
        if case is None:
            skipped.append(note.name)
            continue
        result.cases.append(case)
    if tsv is not None:
        seen = {c.note_id for c in result.cases}
        missing = sorted(set(tsv) - seen)
        if missing:
            result.warnings.append(f"{len(missing)} gold note ids have no note file: {', '.join(missing[:MAX_LISTED])}")
    if skipped:
        more = f" and {len(skipped) - MAX_LISTED} more" if len(skipped) > MAX_LISTED else ""
        result.warnings.append(f"{len(skipped)} notes have no gold and were skipped: "
                               f"{', '.join(skipped[:MAX_LISTED])}{more}")
    result.warnings += checker.warnings()
    result.description = f"{Path(gold).name}" if gold is not None else "sidecar .gold.json files"
    if not result.cases:
        raise GoldError(f"no note in {path} has gold codes"
                        + ("" if gold else " (expected NAME.gold.json sidecars, or pass --gold FILE.tsv)"))
    return result


def _store_by_hash(store: Any, checker: _Checker) -> dict[str, GoldCase]:
    """Completed store cases by note hash and by resolved note path."""
    try:
        cases = store_cases(store, checker)
    except Exception:   # the store is a fallback; a broken one must not stop the run
        return {}
    out = {c.note_hash: c for c in cases if c.note_hash and c.text}
    out.update({str(c.note_path.resolve()): c for c in cases if c.note_path and c.text})
    return out


def _from_store(note: Path, by_hash: dict[str, GoldCase]) -> GoldCase | None:
    if not by_hash:
        return None
    try:
        text = load_note(note)
    except NoteError:
        return None
    found = by_hash.get(note_hash(text)) or by_hash.get(str(note.resolve()))
    if found is None or (found.note_hash and found.note_hash != note_hash(text)):
        return None
    return found.model_copy(update={"note_id": note.stem, "note_path": note, "text": text})
