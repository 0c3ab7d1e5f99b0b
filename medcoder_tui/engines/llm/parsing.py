"""Turning real model output into :class:`RawSuggestion` records, while it streams.

Models wrap JSON in prose and code fences, leave trailing commas, use single
quotes, return one object instead of an array, or the seed's
``{"diagnoses": [...], "procedures": [...]}``; streams get cut off mid-object.
:class:`StreamParser` copes with all of that without a hand-written JSON
parser: ``pydantic_core.from_json(allow_partial=True)`` reads the growing
buffer, ``json_repair`` takes over when the text is not JSON at all, and only
items that are known to be complete are emitted.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

import json_repair
from pydantic_core import from_json

from medcoder_tui.codes.systems import MAX_CODE_LENGTH, System
from medcoder_tui.engines.models import CONFIDENCE_WORDS, RawSuggestion

# Where JSON starts: an array of objects (or an empty one), or an object with a key.
_JSON_START = re.compile(r"\[\s*[\{\]\"']|\{\s*[\"'\}]")
_FENCE = "```"
# A code-shaped token inside a longer string such as "ICD-10-CM: E11.9 (type 2 DM)".
_CODE_TOKEN = re.compile(r"\b([A-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?|[0-9]{4}[0-9FTU]|[A-V][0-9]{4})\b")

# Parsing the whole buffer on every token would be quadratic on a long reply:
# below these sizes every closing bracket triggers a parse, above them the
# buffer must grow by a fraction of itself first (so total work stays linear).
STRICT_EAGER_CHARS = 32_000
REPAIR_EAGER_CHARS = 8_000
# json_repair is pure Python (~1 MB/s); beyond this a reply is not repaired.
REPAIR_LIMIT_CHARS = 2_000_000

_CONFIDENCE_ALIASES = {
    "very high": 0.95, "certain": 0.95, "definite": 0.9, "high": 0.9, "strong": 0.9,
    "moderate": 0.7, "medium": 0.7, "med": 0.7, "mid": 0.7, "probable": 0.7,
    "low": 0.5, "weak": 0.5, "possible": 0.5, "very low": 0.3, "uncertain": 0.5,
}
_CONFIDENCE_ALIASES.update(CONFIDENCE_WORDS)
DEFAULT_CONFIDENCE = CONFIDENCE_WORDS["medium"]
UNKNOWN_CONFIDENCE = CONFIDENCE_WORDS["low"]

_CODE_KEYS = ("code", "icd10cm", "icd_10_cm", "icd10", "icd", "cpt", "hcpcs", "icd_code", "cpt_code", "hcpcs_code")
_SYSTEM_KEYS = ("system", "code_system", "code_type", "codetype", "type", "coding_system")
_DESCRIPTION_KEYS = ("description", "desc", "title", "name", "code_description", "label")
_REASONING_KEYS = ("reasoning", "rationale", "reason", "justification", "explanation", "why")
_EVIDENCE_KEYS = ("evidence", "quotes", "quote", "supporting_text", "support", "evidence_text", "text_span", "spans")
_CONFIDENCE_KEYS = ("confidence", "confidence_level", "certainty", "score", "probability")


def parse_confidence(value: Any) -> float:
    """A confidence in [0, 1] from a word (high/medium/low), a number, or a percentage.

    Missing values read as medium (the seed's default); unreadable ones as low.
    """
    if value is None or value == "":
        return DEFAULT_CONFIDENCE
    if isinstance(value, bool):
        return UNKNOWN_CONFIDENCE
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = str(value).strip().lower()
        if text in _CONFIDENCE_ALIASES:
            return _CONFIDENCE_ALIASES[text]
        match = re.match(r"^(-?[0-9]*\.?[0-9]+)\s*(%?)", text)
        if not match:
            for word, score in _CONFIDENCE_ALIASES.items():
                if re.search(rf"\b{word}\b", text):
                    return score
            return UNKNOWN_CONFIDENCE
        number = float(match.group(1))
        if match.group(2):
            number /= 100
    if math.isnan(number) or number < 0:
        return UNKNOWN_CONFIDENCE
    if number > 1:
        number = number / 100 if number <= 100 else 1.0   # 85 means 85 %
    return round(min(number, 1.0), 4)


def parse_system(value: Any) -> System | None:
    """A code system from the model's label ("ICD-10-CM", "CPT-4", "HCPCS Level II"), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return System.parse(value)
    except ValueError:
        pass
    return _system_named_in(value.lower())


def _system_named_in(text: str) -> System | None:
    """The system a lower-case label or key names ("hcpcs", "supplies", "cpt-4", "diagnoses"), or None."""
    if "hcpcs" in text or "suppl" in text:
        return System.HCPCS
    if "cpt" in text:
        return System.CPT
    if "icd" in text or "diag" in text:
        return System.ICD10CM
    return None


def clean_code(value: Any) -> str:
    """The code as the model meant it: trimmed, and cut out of a longer label when needed."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(int(value)) if float(value).is_integer() else str(value)
    if not isinstance(value, str):
        return ""
    text = value.strip().strip("\"'`*[]()").strip()
    if not text:
        return ""
    if re.search(r"[\s:,;/]", text) or len(text) > MAX_CODE_LENGTH:
        match = _CODE_TOKEN.search(text.upper())
        return match.group(1) if match else text[:MAX_CODE_LENGTH]
    return text


def _normal_keys(item: dict) -> dict[str, Any]:
    """Keys as snake case ("Code Type" -> code_type) so aliases can be looked up directly."""
    return {str(k).strip().lower().replace("-", "_").replace(" ", "_"): v for k, v in item.items()}


def _first(lowered: dict[str, Any], keys: Iterable[str]) -> Any:
    for key in keys:
        if key in lowered and lowered[key] not in (None, ""):
            return lowered[key]
    return None


def _evidence(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, dict):
        value = [value]
    out: list[str] = []
    if isinstance(value, list):
        for part in value:
            if isinstance(part, dict):
                part = _first(_normal_keys(part), ("text", "quote", "span", "evidence"))
            if isinstance(part, str) and part.strip():
                out.append(part.strip())
    return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(str(v) for v in value if v is not None).strip()
    return str(value).strip()


def coerce_item(item: Any, system_hint: System | None = None) -> RawSuggestion | None:
    """One model item (object or bare code string) as a RawSuggestion; None when it names no code."""
    if isinstance(item, str):
        code = clean_code(item)
        return RawSuggestion(code=code, system=system_hint) if code else None
    if not isinstance(item, dict):
        return None
    fields = _normal_keys(item)
    raw_code = _first(fields, _CODE_KEYS)
    if raw_code is None:
        # Keys like "icd_10_cm_code" or "CPT code": any key naming a code.
        raw_code = next((v for k, v in item.items() if "code" in str(k).lower() and isinstance(v, (str, int))), None)
    code = clean_code(raw_code)
    if not code:
        return None
    system = parse_system(_first(fields, _SYSTEM_KEYS)) or system_hint
    return RawSuggestion(
        code=code,
        system=system,
        description=_text(_first(fields, _DESCRIPTION_KEYS)),
        confidence=parse_confidence(_first(fields, _CONFIDENCE_KEYS)),
        reasoning=_text(_first(fields, _REASONING_KEYS)),
        evidence=_evidence(_first(fields, _EVIDENCE_KEYS)),
    )


def _looks_like_item(value: dict) -> bool:
    for key, sub in value.items():
        k = str(key).strip().lower()
        if (k in _CODE_KEYS or k.endswith("code")) and isinstance(sub, (str, int)):
            return True
    return False


def _hint(path: tuple[str, ...]) -> System | None:
    """The system a list's key implies ("diagnoses" -> ICD-10-CM); "procedures" stays open."""
    for key in reversed(path):
        system = _system_named_in(key.lower())
        if system is not None:
            return system
    return None


def suggestion_lists(value: Any, path: tuple[str, ...] = (), depth: int = 0) -> list[tuple[tuple[str, ...], list]]:
    """Every list of suggestion items in a parsed reply, in document order, with its key path."""
    if isinstance(value, list):
        return [(path, value)]
    if isinstance(value, dict) and depth <= 3:
        if _looks_like_item(value):
            return [(path, [value])]
        out: list[tuple[tuple[str, ...], list]] = []
        for key, sub in value.items():
            out.extend(suggestion_lists(sub, (*path, str(key)), depth + 1))
        return out
    if isinstance(value, str) and depth == 0 and clean_code(value) and " " not in value.strip():
        return [(path, [value])]
    return []


class StreamParser:
    """Incremental parser: ``feed`` text as it arrives, get the suggestions completed so far.

    An item is emitted as soon as it is proven complete: its closing brace was
    the last one seen (see :func:`_probe_closed`) or a later item has begun.
    ``close`` emits the rest; with ``complete=False`` (the stream was cut) a
    last item without that proof is dropped, so only suggestions completed
    before the cut survive. The buffer is re-parsed only when a brace or
    bracket arrives, and past a few dozen KB only after it grew by an eighth,
    so a 5 MB reply costs a linear amount of parsing.
    """

    def __init__(self) -> None:
        self._chunks: list[str] = []
        self._length = 0
        self._start: int | None = None
        self._parsed_at = 0           # buffer length at the last parse
        self._repair = False          # strict JSON failed: json_repair from now on
        self._unreadable = False      # json_repair gave up too: nothing more can be read
        self._emitted: dict[tuple[str, ...], int] = {}
        self.warnings: list[str] = []
        self.found_json = False

    @property
    def text(self) -> str:
        """Everything fed so far."""
        if len(self._chunks) > 1:
            self._chunks = ["".join(self._chunks)]
        return self._chunks[0] if self._chunks else ""

    def feed(self, chunk: str) -> list[RawSuggestion]:
        """Add streamed text; return the suggestions that became complete."""
        if not chunk:
            return []
        self._chunks.append(chunk)
        self._length += len(chunk)
        if self._unreadable or not any(c in chunk for c in "{}]"):
            return []   # no item can have closed (a new '{' proves the previous one did)
        grown = self._length - self._parsed_at
        eager = REPAIR_EAGER_CHARS if self._repair else STRICT_EAGER_CHARS
        if self._length > eager and grown < self._length // 8:
            return []
        return self._emit(final=False, complete=False)

    def close(self, complete: bool = True) -> list[RawSuggestion]:
        """The stream ended: return every remaining suggestion (see the class docstring)."""
        out = self._emit(final=True, complete=complete)
        if not self.found_json and self.text.strip():
            self.warnings.append("the model's reply contained no JSON list of codes")
        return out

    def _json_text(self) -> str | None:
        text = self.text
        if self._start is None:
            match = _JSON_START.search(text)
            if not match:
                return None
            self._start = match.start()
        body = text[self._start:]
        fence = body.find(_FENCE)
        return body[:fence] if fence >= 0 else body

    def _parse(self, body: str, final: bool) -> tuple[Any, bool]:
        """The parsed value and whether the JSON document is known to be closed."""
        if not self._repair:
            try:
                value = from_json(body, allow_partial=True)
            except ValueError:
                self._repair = True
            else:
                closed = False
                if final:
                    try:
                        from_json(body)
                        closed = True
                    except ValueError as exc:
                        closed = str(exc).startswith("trailing characters")
                return value, closed
        if len(body) > REPAIR_LIMIT_CHARS:
            if final:
                self.warnings.append(f"the reply is too malformed and too long ({len(body):,} characters) to repair")
            return None, False
        value, ok = _repair(body)
        if not ok:
            self._unreadable = True
            self.warnings.append("the model's reply could not be read as JSON, even after repair")
        # Brackets inside strings are rare in code lists; balance is a fair test of closure.
        opened = body.count("[") + body.count("{")
        return value, opened > 0 and body.count("]") + body.count("}") >= opened

    def _emit(self, *, final: bool, complete: bool) -> list[RawSuggestion]:
        body = None if self._unreadable else self._json_text()
        self._parsed_at = self._length
        if body is None:
            return []
        probed = _probe_closed(body, repair=self._repair)
        if probed is not None:
            value, last_done = probed, True
        else:
            value, closed = self._parse(body, final)
            last_done = closed or (final and complete)
        lists = suggestion_lists(value)
        if lists:
            self.found_json = True
        out: list[RawSuggestion] = []
        for index, (path, items) in enumerate(lists):
            # The last item of the list being written may still grow, unless proven closed.
            ready = len(items) - (0 if last_done or index < len(lists) - 1 else 1)
            done = self._emitted.get(path, 0)
            hint = _hint(path)
            for item in items[done:ready]:
                raw = coerce_item(item, hint)
                if raw is not None:
                    out.append(raw)
            self._emitted[path] = max(done, ready)
        return out


_SENTINEL = "__medcoder_sentinel__"


def _probe_closed(body: str, *, repair: bool = False) -> Any | None:
    """The body up to its last '}' parsed, if that brace closed a suggestion item; else None.

    A marker value is appended after the brace: when it lands right after the
    last item of the last suggestion list, every item in the parsed value is
    complete (a brace closing a nested object or sitting inside a string puts
    the marker elsewhere). Items after the brace are still being written.
    """
    cut = body.rfind("}")
    if cut < 0:
        return None
    probe = f'{body[:cut + 1]}, "{_SENTINEL}"'
    if repair:
        if len(probe) > REPAIR_LIMIT_CHARS:
            return None
        value, _ = _repair(probe)
    else:
        try:
            value = from_json(probe, allow_partial=True)
        except ValueError:
            return None
    lists = suggestion_lists(value)
    if not lists or not lists[-1][1] or lists[-1][1][-1] != _SENTINEL:
        return None
    lists[-1][1].pop()
    return value


def _repair(body: str) -> tuple[Any, bool]:
    """json_repair's reading of ``body`` (None when it finds nothing) and False when it gave up."""
    try:
        value = json_repair.loads(body)
    except Exception:  # RecursionError on deeply nested junk, or a repair bug: treat as unreadable
        return None, False
    return (None if value == "" else value), True


def parse_suggestions(text: str) -> list[RawSuggestion]:
    """Every suggestion in a complete reply (the non-streaming path)."""
    parser = StreamParser()
    return [*parser.feed(text), *parser.close(complete=True)]


def loads_tolerant(text: str) -> Any:
    """The first JSON value in a model reply (prose, fences and repairs tolerated), or None."""
    match = _JSON_START.search(text or "")
    if not match:
        return None
    body = text[match.start():]
    fence = body.find(_FENCE)
    body = body[:fence] if fence >= 0 else body
    try:
        return from_json(body, allow_partial=True)
    except ValueError:
        pass
    if len(body) > REPAIR_LIMIT_CHARS:
        return None
    return _repair(body)[0]
