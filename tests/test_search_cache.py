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
