"""The lookup index cache: written once, reused, rebuilt when unreadable or when the tables change."""

from __future__ import annotations

import threading

from medcoder_tui.codes.search import LookupIndex


class SmallIcd:
    """A five-code ICD-10-CM stand-in with the bulk-reader API the index uses."""

    version = "test-icd-1"
    _nodes = {
        "E11": ("Type 2 diabetes mellitus", False, None, ("diabetes NOS",)),
        "E11.9": ("Type 2 diabetes mellitus without complications", True, "E11", ()),
        "I10": ("Essential (primary) hypertension", True, None, ("High blood pressure",)),
        "J18": ("Pneumonia, unspecified organism", False, None, ()),
        "J18.9": ("Pneumonia, unspecified organism", True, "J18", ()),
    }

    def all_codes(self):
        return iter(self._nodes)

    def raw(self, code):
        node = self._nodes.get(code)
        # the real index's tuple layout: title, billable, parent, inclusion terms, ...
        return None if node is None else (node[0], node[1], node[2], node[3], (), (), "", "", "", None)

    def title(self, code):
        node = self._nodes.get(code)
        return node[0] if node else None

    def is_billable(self, code):
        node = self._nodes.get(code)
        return bool(node and node[1])


class SmallCodeSets:
    def __init__(self, cpt=None):
        self.icd = SmallIcd()
        self.cpt = cpt or {"99213": "Office visit, established patient, low complexity"}
        self.hcpcs = {"K0001": "Standard wheelchair"}


def test_cache_written_reused_and_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDCODER_CACHE_DIR", str(tmp_path))
    first = LookupIndex(SmallCodeSets())
    assert first.search("high blood pressure", limit=1)[0].code == "I10"
    files = list(tmp_path.glob("lookup-v*.pickle"))
    assert len(files) == 1

    again = LookupIndex(SmallCodeSets())
    assert again.search("pneumonia", limit=1)[0].code == "J18.9"

    files[0].write_bytes(b"not a pickle")              # a damaged cache is rebuilt, never fatal
    assert LookupIndex(SmallCodeSets()).search("diabetes", limit=1)[0].code == "E11.9"
    assert files[0].read_bytes() != b"not a pickle"

    # an imported CPT table changes the key: new index, stale file removed
    changed = LookupIndex(SmallCodeSets(cpt={"99214": "Office visit, established patient, moderate"}))
    assert changed.search("office visit", system="cpt", limit=1)[0].code == "99214"
    assert len(list(tmp_path.glob("lookup-v*.pickle"))) == 1


def test_read_only_cache_dir_still_searches(tmp_path, monkeypatch):
    target = tmp_path / "ro"
    target.write_text("a file where the cache folder should be")
    monkeypatch.setenv("MEDCODER_CACHE_DIR", str(target))
    assert LookupIndex(SmallCodeSets()).search("wheelchair", limit=1)[0].code == "K0001"


def test_concurrent_first_searches_build_once(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDCODER_CACHE_DIR", str(tmp_path))
    index = LookupIndex(SmallCodeSets())
    results: list[str] = []
    errors: list[BaseException] = []

    def work():
        try:
            results.append(index.search("hypertension", limit=1)[0].code)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and results == ["I10"] * 8


def _cache_file(tmp_path):
    files = list(tmp_path.glob("lookup-v*.pickle"))
    assert len(files) == 1
    return files[0]


def test_damaged_cache_is_rebuilt_with_a_notice(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MEDCODER_CACHE_DIR", str(tmp_path))
    LookupIndex(SmallCodeSets()).search("pneumonia", limit=1)
    assert capsys.readouterr().err == ""                 # the first build says nothing
    cache = _cache_file(tmp_path)
    good = cache.read_bytes()
    cache.write_bytes(good[: len(good) // 2])            # cut short, as by a full disk
    assert LookupIndex(SmallCodeSets()).search("pneumonia", limit=1)[0].code == "J18.9"
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(cache) in err and "rebuilding" in err
    assert cache.read_bytes() == good                    # rebuilt in full
    LookupIndex(SmallCodeSets()).search("pneumonia", limit=1)
    assert capsys.readouterr().err == ""                 # and read quietly from then on


def test_stale_cache_is_rebuilt_and_older_formats_removed(tmp_path, monkeypatch):
    import pickle

    monkeypatch.setenv("MEDCODER_CACHE_DIR", str(tmp_path))
    LookupIndex(SmallCodeSets()).search("pneumonia", limit=1)
    cache = _cache_file(tmp_path)
    # a file of the current name holding another key's index (an older layout: tuple-keyed codes)
    cache.write_bytes(pickle.dumps({"key": "old", "surfaces": [], "postings": {}, "base_cost": [],
                                    "codes": {("icd10cm", "I10"): ("I10", True)}, "icd_keys": ["I10"]}))
    old_format = tmp_path / "lookup-v11-0000000000000000.pickle"
    old_format.write_bytes(b"an index of an older format")
    assert LookupIndex(SmallCodeSets()).search("high blood pressure", limit=1)[0].code == "I10"
    assert not old_format.exists()
    data = pickle.loads(cache.read_bytes())
    assert data["key"] != "old"
    # the compact layout: one dict of codes per system, the ICD-10-CM headers as a set, costs as an array
    assert data["codes"]["icd10cm"]["E119"] == "E11.9" and data["codes"]["hcpcs"] == {"K0001": "K0001"}
    assert data["headers"] == frozenset({"E11", "J18"})
    assert data["base_cost"].typecode == "d" and len(data["base_cost"]) == len(data["surfaces"])
    assert all(isinstance(s[6], tuple) and isinstance(s[7], tuple) for s in data["surfaces"])


_SEED_SCRIPT = """
import pickle, sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from test_search_cache import SmallCodeSets, SmallIcd
from medcoder_tui.codes.search import LookupIndex
SmallIcd._nodes = dict(SmallIcd._nodes, **{{
    "T14.90XA": ("Injury, unspecified, initial encounter, other specified site type", True, None, ()),
    "S00.00XA": ("Unspecified superficial injury of unspecified part of scalp, initial encounter, routine", True, None, ()),
}})
index = LookupIndex(SmallCodeSets())
index.search("injury", limit=5)
data = pickle.loads(next(Path(sys.argv[1]).glob("lookup-v*.pickle")).read_bytes())
print(list(data["base_cost"]))
"""


def test_scores_do_not_depend_on_the_hash_seed_of_the_process_that_built_the_cache(tmp_path):
    """Word costs summed in a set's order differed in the last bit from one process to the next,
    so codes of equal score swapped places depending on which process built the cache."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = _SEED_SCRIPT.format(tests=str(Path(__file__).parent))
    outputs = set()
    for seed in range(1, 9):
        cache = tmp_path / f"cache{seed}"
        env = {**os.environ, "PYTHONHASHSEED": str(seed), "MEDCODER_CACHE_DIR": str(cache)}
        out = subprocess.run([sys.executable, "-c", script, str(cache)], env=env, capture_output=True,
                             text=True, check=True)
        outputs.add(out.stdout)
    assert len(outputs) == 1


class SharingIcd(SmallIcd):
    """The stand-in with the real index's ``stored_strings``: the cache may refer to its strings."""

    def __init__(self, nodes=None):
        self._nodes = dict(nodes or SmallIcd._nodes)

    def stored_strings(self):
        return list(self._nodes), [node[0] for node in self._nodes.values()]


class SharingCodeSets(SmallCodeSets):
    def __init__(self, nodes=None):
        super().__init__()
        self.icd = SharingIcd(nodes)


def test_the_cache_refers_to_the_code_index_strings_instead_of_copying_them(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MEDCODER_CACHE_DIR", str(tmp_path))
    LookupIndex(SharingCodeSets()).search("diabetes", limit=1)
    cache = _cache_file(tmp_path)
    assert b"Type 2 diabetes mellitus without complications" not in cache.read_bytes()

    codesets = SharingCodeSets()
    index = LookupIndex(codesets)
    assert index.search("diabetes", limit=1)[0].code == "E11.9"
    surface = next(s for s in index._surfaces if s[0] == "E11.9" and s[5] == 0)
    codes, titles = codesets.icd.stored_strings()
    # the very objects of this process's code index, not equal copies
    assert surface[0] is codes[codes.index("E11.9")] and surface[3] is titles[codes.index("E11.9")]
    assert capsys.readouterr().err == ""

    # an index holding other codes at those positions (same version string): rebuilt, never misread
    other = {"A00": ("Cholera", True, None, ())} | dict(SmallIcd._nodes)
    index = LookupIndex(SharingCodeSets(other))
    assert index.search("cholera", limit=1)[0].code == "A00"
    assert "rebuilding" in capsys.readouterr().err
    assert b"Cholera" not in cache.read_bytes()


def test_the_retrieval_cache_is_keyed_by_the_core_word_rules(tmp_path, monkeypatch):
    """A change of the words core_tokens treats as soft or optional rebuilds the matcher's cache."""
    from medcoder_tui.engines.diagnoses import matcher

    monkeypatch.setenv("MEDCODER_CACHE_DIR", str(tmp_path))
    built = matcher._Matcher(LookupIndex(SmallCodeSets()))
    before = built._cache_path()
    assert before is not None and before.exists()
    monkeypatch.setattr(matcher, "_SOFT", matcher._SOFT | {"benign"})
    assert built._cache_path() != before
    rebuilt = matcher._Matcher(LookupIndex(SmallCodeSets()))
    assert rebuilt._cache_path().exists() and rebuilt._cache_path() != before


def test_the_retrieval_cache_is_keyed_by_the_order_of_the_index_terms(tmp_path, monkeypatch):
    """The index terms' code texts are numbered in the table's order: the same terms reordered are another cache."""
    from medcoder_tui.engines.diagnoses import matcher

    monkeypatch.setenv("MEDCODER_CACHE_DIR", str(tmp_path))
    before = matcher._Matcher(LookupIndex(SmallCodeSets()))._cache_path()
    monkeypatch.setattr(matcher, "INDEX_TERMS", dict(reversed(list(matcher.INDEX_TERMS.items()))))
    assert matcher._Matcher(LookupIndex(SmallCodeSets()))._cache_path() != before
