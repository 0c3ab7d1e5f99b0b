"""One API over ICD-10-CM, CPT and HCPCS Level II: validate, describe, navigate, look up."""

from __future__ import annotations

import re
import threading

from medcoder_tui.codes.models import IcdEntry, LookupHit, ValidationResult  # noqa: F401 - re-exported
from medcoder_tui.codes.systems import (
    MAX_CODE_LENGTH,
    System,
    compact,
    guess_system,
    icd_dotted,
    is_well_formed,
)

_DEFAULT_TITLE = re.compile(r"unspecified|without complications", re.I)
_CODE_CHARS = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]*$")


_NOT_A_CODE = "not a code: use letters, digits and an optional dot (e.g. E11.9, 99213, J1100)"


class CodeSets:
    """The three code systems behind one API. Obtain the shared instance with :func:`get_codesets`."""

    def __init__(self, icd=None) -> None:
        from medcoder_tui.codes.icd10cm import IcdIndex
        from medcoder_tui.codes.tables import CodeTable

        self.icd = icd if icd is not None else IcdIndex()
        self.cpt_table = CodeTable(System.CPT)
        self.hcpcs_table = CodeTable(System.HCPCS)
        self._search = None
        self._ccmcc = None
        self._lock = threading.Lock()

    @property
    def cpt(self) -> dict[str, str]:
        return self.cpt_table.codes

    @property
    def hcpcs(self) -> dict[str, str]:
        return self.hcpcs_table.codes

    # -- validation ------------------------------------------------------------------------
    def detect_system(self, code: str) -> System | None:
        """The system a code belongs to, using the tables where the shapes overlap."""
        c = compact(code)
        if not c:
            return None
        shape = guess_system(code)
        if shape is System.HCPCS and c not in self.hcpcs and c in self.icd:
            return System.ICD10CM  # e.g. E1122 is E11.22, not a HCPCS code
        if shape is None and is_well_formed(c, System.ICD10CM):
            return System.ICD10CM
        return shape

    def validate(self, code: str, system: System | str | None = None) -> ValidationResult:
        """Check one code: exists, billable, and what would make it billable."""
        raw = code if isinstance(code, str) else str(code)
        shown = raw if len(raw) <= 40 else raw[:37] + "..."
        stripped = raw.strip()
        if not stripped:
            return ValidationResult(code=raw, normalized="", system=None, valid=False, billable=False,
                                    messages=["empty code"])
        if len(stripped) > MAX_CODE_LENGTH:
            return ValidationResult(code=shown, normalized="", system=None, valid=False, billable=False,
                                    messages=[f"not a code: {len(stripped)} characters long"])
        if not _CODE_CHARS.match(stripped):
            return ValidationResult(code=shown, normalized="", system=None, valid=False, billable=False,
                                    messages=[_NOT_A_CODE])
        target = System.parse(system) if system is not None else self.detect_system(stripped)
        if target is None:
            return ValidationResult(code=raw, normalized=compact(stripped), system=None, valid=False,
                                    billable=False, messages=["not the shape of an ICD-10-CM, CPT or HCPCS code"])
        if not is_well_formed(stripped, target):
            other = guess_system(stripped)
            hint = f" (it looks like {other.label})" if other and other is not target else ""
            return ValidationResult(code=raw, normalized=compact(stripped), system=target, valid=False,
                                    billable=False, messages=[f"not a valid {target.label} code format{hint}"])
        if target is System.ICD10CM:
            return self._validate_icd(raw, stripped)
        result = self._validate_table(raw, stripped, target)
        if system is None and target is System.HCPCS and stripped in self.icd:
            result.messages.append(f"also ICD-10-CM {icd_dotted(stripped)}; write the dot or pass the system")
        return result

    def _validate_table(self, raw: str, code: str, system: System) -> ValidationResult:
        c = compact(code)
        table = self.cpt if system is System.CPT else self.hcpcs
        if c in table:
            return ValidationResult(code=raw, normalized=c, system=system, valid=True, billable=True,
                                    description=table[c])
        if system is System.CPT:
            msg = (f"{c} is a well-formed CPT code but not in medcoder's common set; import your licensed "
                   "CPT file with `medcoder codes import cpt FILE`")
        else:
            msg = (f"{c} is not in the HCPCS Level II table; import CMS's current file with "
                   "`medcoder codes import hcpcs FILE`")
        return ValidationResult(code=raw, normalized=c, system=system, valid=False, billable=False, messages=[msg])

    def _validate_icd(self, raw: str, code: str) -> ValidationResult:
        key = icd_dotted(code)
        icd = self.icd
        node = icd.raw(key)
        if node is not None:
            title = icd.title(key) or ""
            if icd.is_billable(key):
                return ValidationResult(code=raw, normalized=key, system=System.ICD10CM, valid=True,
                                        billable=True, description=title)
            messages, suggestions = self._header_advice(key)
            return ValidationResult(code=raw, normalized=key, system=System.ICD10CM, valid=True, billable=False,
                                    description=title, messages=messages, suggestions=suggestions)
        return self._unknown_icd(raw, key)

    def _header_advice(self, key: str) -> tuple[list[str], list[str]]:
        kids = self.icd.children(key)
        seven = self.icd.seven_chr(key)
        if seven and kids and all(len(compact(k)) == 7 for k in kids):
            letters = "/".join(k[-1] for k in kids)
            msg = f"needs 7th character {letters}"
            if "X" in compact(kids[0])[len(compact(key)):-1]:
                msg += f" (with placeholder X, e.g. {kids[0]})"
            return [msg], kids
        billable = self.icd.billable_descendants(key)
        rng = f"{kids[0]}-{kids[-1]}" if len(kids) > 1 else (kids[0] if kids else "")
        level = "category" if len(compact(key)) == 3 else "subcategory"
        msg = f"{level} header: choose one of {rng}" if rng else f"{level} header: not billable"
        if seven and not kids:
            msg = "needs a 7th character"
        # The "unspecified" / "without complications" leaves are the usual defaults: list them first.
        defaults = sorted((c for c in billable if _DEFAULT_TITLE.search(self.icd.title(c) or "")), key=len)[:3]
        rest = [c for c in billable if c not in defaults]
        return [msg], (defaults + rest)[:12]

    def _unknown_icd(self, raw: str, key: str) -> ValidationResult:
        c = compact(key)
        icd = self.icd
        messages = [f"{key} is not in {icd.version.split(' (')[0]}"]
        suggestions: list[str] = []
        # A 7th character given without the X placeholders: T1490A -> T14.90XA.
        if len(c) < 7 and c[-1].isalpha() and len(c) >= 4:
            padded = c[:-1].ljust(6, "X") + c[-1]
            if padded in icd and icd.is_billable(padded):
                messages.append(f"missing placeholder X: did you mean {icd_dotted(padded)}?")
                suggestions.append(icd_dotted(padded))
        # A 7th character that this subcategory does not allow.
        if len(c) == 7 and c[:6] in icd and icd.seven_chr(c[:6]):
            allowed = "/".join(k[-1] for k in icd.children(c[:6])) or "/".join(icd.seven_chr(c[:6]))
            messages.append(f"7th character {c[-1]} is not allowed here; use {allowed}")
            suggestions.extend(icd.children(c[:6]))
        if not suggestions:
            for cut in range(len(c) - 1, 2, -1):
                prefix = icd_dotted(c[:cut])
                if prefix in icd:
                    messages.append(f"nearest existing code: {prefix} ({icd.title(prefix)})")
                    suggestions = icd.billable_descendants(prefix)[:12]
                    break
        return ValidationResult(code=raw, normalized=key, system=System.ICD10CM, valid=False, billable=False,
                                messages=messages, suggestions=suggestions)

    def describe(self, code: str, system: System | str | None = None) -> str | None:
        """Official title (ICD-10-CM), or the table description (CPT, HCPCS); None if unknown."""
        result = self.validate(code, system)
        return result.description or None

    # -- lookup, CC/MCC, versions -------------------------------------------------------------
    @property
    def search_index(self):
        """The encoder-style lookup index (``codes/search.py``), built on first use and shared."""
        with self._lock:
            if self._search is None:
                from medcoder_tui.codes.search import LookupIndex

                self._search = LookupIndex(self)
            return self._search

    def lookup(self, query: str, system: System | str = "all", limit: int = 20) -> list[LookupHit]:
        """Encoder-style search across the code sets (see ``codes/search.py``)."""
        return self.search_index.search(query, system=system, limit=limit)

    def _cc(self):
        with self._lock:
            if self._ccmcc is None:
                from medcoder_tui.codes.ccmcc import CcMccTables

                self._ccmcc = CcMccTables.load()
        return self._ccmcc

    def cc_status(self, code: str) -> str | None:
        """``"mcc"``, ``"cc"`` or None for an ICD-10-CM code as a secondary diagnosis (CMS FY2026)."""
        return self._cc().status(code)

    def cc_excluded(self, secondary: str, principal: str) -> bool:
        """Whether the CC exclusion list cancels ``secondary``'s CC/MCC status with this principal."""
        return self._cc().excluded(secondary, principal)

    def versions(self) -> dict[str, str]:
        """The version of every code set, as ``medcoder doctor`` reports it."""
        out = {
            "icd10cm": self.icd.version,
            "cpt": self.cpt_table.version(),
            "hcpcs": self.hcpcs_table.version(),
        }
        try:
            out["cc_mcc"] = self._cc().version
        except Exception as exc:  # noqa: BLE001 - doctor must still report the rest
            out["cc_mcc"] = f"unavailable ({exc})"
        return out

    def counts(self) -> dict[str, int]:
        return {
            "icd10cm_codes": len(self.icd),
            "icd10cm_billable": sum(1 for _ in self.icd.billable_codes()),
            "cpt": len(self.cpt),
            "hcpcs": len(self.hcpcs),
        }


_shared: CodeSets | None = None
_shared_lock = threading.Lock()


def get_codesets() -> CodeSets:
    """The process-wide code sets, loaded on first use (thread-safe)."""
    global _shared
    if _shared is None:
        with _shared_lock:
            if _shared is None:
                _shared = CodeSets()
    return _shared


def reset_codesets() -> None:
    """Forget the shared instance (after an import, so the new table is read)."""
    global _shared
    with _shared_lock:
        _shared = None
