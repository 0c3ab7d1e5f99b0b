"""ICD-10-CM (April 2026) as a compact, fast index built once from ``simple-icd-10-cm``.

Loading ``simple-icd-10-cm`` parses the whole tabular XML (about 2 s and 200 MB),
so the first run extracts what medcoder needs into a pickle in the user cache
directory. Later processes load only that file (a few tenths of a second). The
cache file name carries the source version, so a new release rebuilds it.

Per code the index keeps only what is *stated on that node*; notes that the
tabular list lets children inherit (code first, use additional code, code also,
7th characters, Excludes) are gathered from the ancestors on demand.
"""

from __future__ import annotations

import importlib.metadata
import pickle
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from medcoder_tui import paths
from medcoder_tui.fileutil import damaged_cache_notice, load_pickle, remove_stale
from medcoder_tui.fileutil import write_atomic as _write_atomic
from medcoder_tui.codes.models import IcdEntry
from medcoder_tui.codes.systems import compact, icd_dotted

INDEX_FORMAT = 5
SOURCE_PACKAGE = "simple-icd-10-cm"
RELEASE = "April 2026"

# Node tuple layout (``raw``): tuples keep the file and the heap small.
TITLE, BILLABLE, PARENT, INCLUSION, EXCL1, EXCL2, CODE_FIRST, USE_ADD, CODE_ALSO, SEVEN, GROUP_USE_ADD = range(11)
# In memory and in the cache a node is (title, billable, parent), the parent being the very string
# that keys it; the other fields, empty for nine codes in ten, live in a side table.
_NO_EXTRA = ((), (), (), "", "", "", None, "")

_ELSEWHERE = re.compile(r"classified elsewhere", re.I)


def source_version() -> str:
    """Version string of the ICD-10-CM source, used to key the cache."""
    try:
        pkg = importlib.metadata.version(SOURCE_PACKAGE)
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - declared dependency
        pkg = "unknown"
    return f"ICD-10-CM {RELEASE} ({SOURCE_PACKAGE} {pkg})"


def _cache_file() -> Path:
    tag = re.sub(r"[^A-Za-z0-9.]+", "_", source_version())
    return paths.cache_dir() / f"icd10cm-v{INDEX_FORMAT}-{tag}.pickle"


def _build_nodes() -> dict[str, tuple]:
    """Extract every category, subcategory and code from simple-icd-10-cm."""
    import simple_icd_10_cm as cm

    nodes: dict[str, tuple] = {}
    for code in cm.get_all_codes(with_dots=True):
        if not cm.is_category_or_subcategory(code):
            continue  # chapters and blocks are navigation, not codes
        parent = cm.get_parent(code)
        # For some categories the source names a block spelled like the category
        # (C50 in block C50): treat those as top-level, or ancestor walks would loop.
        if parent and (parent == code or not cm.is_category_or_subcategory(parent)):
            parent = ""
        nodes[code] = (
            cm.get_description(code),
            cm.is_leaf(code),
            parent or None,
            tuple(cm.get_inclusion_term(code)) + tuple(cm.get_includes(code)),
            tuple(cm.get_excludes1(code)),
            tuple(cm.get_excludes2(code)),
            cm.get_code_first(code),
            cm.get_use_additional_code(code),
            cm.get_code_also(code),
            cm.get_seven_chr_def(code) or None,
            _group_notes(cm, code) if not parent else "",
        )
    return nodes


def _group_notes(cm, category: str) -> str:
    """The "use additional code" notes of the block and chapter a category is in: they apply to every code under
    them (chapter 10's tobacco exposure and history, L00-L08's infectious agent, T15-T19's W44)."""
    own = cm.get_use_additional_code(category)
    notes: list[str] = []
    group = cm.get_parent(category)
    while group:
        if not cm.is_category_or_subcategory(group) or group == category:
            note = cm.get_use_additional_code(group)
            if note and note != own and note not in notes:
                notes.append(note)
        parent = cm.get_parent(group)
        group = parent if parent and parent != group else None
    return "\n".join(notes)


def _compact_nodes(full: dict[str, tuple]) -> tuple[dict[str, tuple], dict[str, tuple]]:
    """Full node tuples -> (code -> (title, billable, parent), code -> the other fields when not empty)."""
    nodes: dict[str, tuple] = {}
    extra: dict[str, tuple] = {}
    own_key = {code: code for code in full}   # the parent as the dict's own key object (one string)
    for code, node in full.items():
        parent = node[PARENT]
        nodes[code] = (node[TITLE], node[BILLABLE], own_key.get(parent, parent) if parent else parent)
        if tuple(node[INCLUSION:]) != _NO_EXTRA:
            extra[code] = tuple(node[INCLUSION:])
    return nodes, extra


def _load_nodes() -> tuple[dict[str, tuple], dict[str, tuple]]:
    cache = _cache_file()
    try:
        # ~100k tuples: the cyclic GC would scan them repeatedly while they load.
        data = load_pickle(cache)
        if data.get("format") == INDEX_FORMAT and data.get("version") == source_version():
            return data["nodes"], data["extra"]
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, KeyError, TypeError, ValueError,
            IndexError) as exc:
        damaged_cache_notice(cache, exc)   # missing (quietly) or unreadable: rebuild below
    nodes, extra = _compact_nodes(_build_nodes())
    payload = pickle.dumps({"format": INDEX_FORMAT, "version": source_version(), "nodes": nodes, "extra": extra},
                           protocol=pickle.HIGHEST_PROTOCOL)
    try:
        _write_atomic(cache, payload)
        remove_stale(cache, "icd10cm-v")
    except OSError:
        pass  # a read-only cache dir only costs speed next time
    return nodes, extra


class IcdIndex:
    """Read-only ICD-10-CM tabular data, keyed by dotted code."""

    def __init__(self, nodes: dict[str, tuple] | None = None) -> None:
        """``nodes``: code -> full node tuple (see the layout constants); default: the cached index."""
        self._nodes, self._extra = _compact_nodes(nodes) if nodes is not None else _load_nodes()
        self._children: dict[str, list[str]] | None = None
        self.version = source_version()

    # -- lookup -------------------------------------------------------------
    @staticmethod
    def key(code: str) -> str:
        """Dotted spelling used as the key (``e119`` -> ``E11.9``)."""
        return icd_dotted(code)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.key(code) in self._nodes

    def __len__(self) -> int:
        return len(self._nodes)

    def all_codes(self) -> Iterator[str]:
        """Every category, subcategory and code, in tabular order."""
        return iter(self._nodes)

    def stored_strings(self) -> tuple[list[str], list[str]]:
        """Every code and its title as stored, in tabular order: the very string objects the
        index holds, so that another cache can refer to them instead of keeping copies."""
        return list(self._nodes), [node[TITLE] for node in self._nodes.values()]

    def billable_codes(self) -> Iterator[str]:
        return (c for c, n in self._nodes.items() if n[BILLABLE])

    def _node(self, code: str) -> tuple | None:
        # a code already spelled as stored (every code the index hands out) needs no normalising
        node = self._nodes.get(code)
        return node if node is not None else self._nodes.get(self.key(code))

    def title(self, code: str) -> str | None:
        node = self._node(code)
        return clean_title(node[TITLE]) if node else None

    def is_billable(self, code: str) -> bool:
        node = self._node(code)
        return bool(node and node[BILLABLE])

    def raw(self, code: str) -> tuple | None:
        """The full node tuple (see the layout constants), for bulk readers such as search."""
        key = self.key(code)
        node = self._nodes.get(key)
        return None if node is None else node + self._extra.get(key, _NO_EXTRA)

    def parent(self, code: str) -> str | None:
        node = self._node(code)
        return node[PARENT] if node else None

    def ancestors(self, code: str) -> list[str]:
        """Parent first, up to the 3-character category."""
        out: list[str] = []
        current = self.parent(code)
        while current and current not in out:
            out.append(current)
            current = self.parent(current)
        return out

    def children(self, code: str) -> list[str]:
        if self._children is None:
            kids: dict[str, list[str]] = {}
            for c, node in self._nodes.items():
                if node[PARENT]:
                    kids.setdefault(node[PARENT], []).append(c)
            self._children = kids
        return list(self._children.get(code if code in self._nodes else self.key(code), ()))

    def billable_descendants(self, code: str) -> list[str]:
        """Every billable code at or below ``code`` in tabular order."""
        key = self.key(code)
        if key not in self._nodes:
            return []
        out: list[str] = []
        stack = [key]
        while stack:
            c = stack.pop()
            if self._nodes[c][BILLABLE]:
                out.append(c)
            stack.extend(reversed(self.children(c)))
        return out

    # -- inherited notes ----------------------------------------------------
    def _chain(self, code: str) -> list[tuple]:
        key = self.key(code)
        if key not in self._nodes:
            return []
        extra = self._extra
        return [self._nodes[c] + extra.get(c, _NO_EXTRA) for c in (key, *self.ancestors(key))]

    def seven_chr(self, code: str) -> dict[str, str]:
        """The 7th-character choices that apply to ``code`` (empty when none do)."""
        for node in self._chain(code):
            if node[SEVEN]:
                return dict(node[SEVEN])
        return {}

    def _nearest_note(self, code: str, field: int) -> str:
        for node in self._chain(code):
            if node[field]:
                return node[field]
        return ""

    def use_additional_up(self, code: str) -> str:
        """Every "use additional code" note from the code up to its category, and its block's and chapter's: a
        nearer note does not hide a farther one (I25.10's own note and I25's "history of tobacco dependence
        (Z87.891)"; chapter 10's for J44.1)."""
        key = self.key(code)
        if self.raw(key) is None:
            return ""
        chain = self._chain(key)
        group = chain[-1][GROUP_USE_ADD] if len(chain[-1]) > GROUP_USE_ADD else ""
        return "\n".join(n for n in [*(node[USE_ADD] for node in chain), group] if n)

    def is_manifestation(self, code: str) -> bool:
        """A manifestation code: its title (or an ancestor's) says "in diseases classified elsewhere"."""
        return any(_ELSEWHERE.search(node[TITLE]) for node in self._chain(code))

    @lru_cache(maxsize=4096)  # noqa: B019 - the index lives for the whole process
    def get(self, code: str) -> IcdEntry | None:
        """The entry for a code in any spelling, with inherited notes filled in, or None."""
        key = self.key(code)
        node = self.raw(key)
        if node is None:
            return None
        chain = self._chain(key)
        return IcdEntry(
            code=key,
            title=clean_title(node[TITLE]),
            billable=node[BILLABLE],
            parent=node[PARENT],
            inclusion_terms=node[INCLUSION],
            excludes1=tuple(t for n in chain for t in n[EXCL1]),
            excludes2=tuple(t for n in chain for t in n[EXCL2]),
            code_first=self._nearest_note(key, CODE_FIRST),
            use_additional=self._nearest_note(key, USE_ADD),
            code_also=self._nearest_note(key, CODE_ALSO),
            seven_chr=self.seven_chr(key),
            manifestation=self.is_manifestation(key),
        )


_SPACES = re.compile(r"\s+")


def clean_title(title: str) -> str:
    """A title on one line with single spaces (the source has tabs in some: H35.3113 "involvement/\tadvanced")."""
    if "\t" in title or "  " in title or "\n" in title:
        return _SPACES.sub(" ", title).strip()
    return title


def normalize_icd(code: str) -> str:
    """Compact form for set comparisons (``E11.9`` -> ``E119``)."""
    return compact(code)
