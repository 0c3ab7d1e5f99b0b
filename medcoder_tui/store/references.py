"""Reference records in the store: gold codes per note and evaluation runs.

A mixin of :class:`medcoder_tui.store.Store`; it relies on the store's lock,
clock, user and TinyDB helper, so these files get the same durability and
locking as cases.
"""

from __future__ import annotations

import secrets
from typing import Any

from pydantic import ValidationError
from pydantic_core import to_jsonable_python
from tinydb import Query
from tinydb.table import Document

from medcoder_tui.codes.systems import System, canonical
from medcoder_tui.store import decisions as dec
from medcoder_tui.store import layout
from medcoder_tui.store.files import corrupt, read_tables
from medcoder_tui.store.models import CaseStatus, GoldRecord, StoreError


class ReferenceRecords:
    """Gold codes and evaluation runs (tables ``gold`` and ``eval_runs``).

    The store provides ``path``, ``user``, ``_clock``, ``_rlock``, ``_backup``, ``_locked()``,
    ``_db()`` and ``list_cases()``.
    """

    def put_gold(self, note_id: str, codes: dict[str, list[str]], *, setting: str = "",
                 source: str = "") -> None:
        """Store (or replace) the reference codes of one note; codes are kept in canonical spelling."""
        self.put_gold_many({note_id: codes}, setting=setting, source=source)

    def put_gold_many(self, notes: dict[str, dict[str, list[str]]], *, setting: str = "",
                      source: str = "") -> int:
        """Store the reference codes of many notes in one durable write; returns how many."""
        records = [_gold_record(note_id, codes, setting, source) for note_id, codes in notes.items()]
        with self._locked():
            db, storage = self._db(self.path / layout.GOLD_FILE)
            table = db.table("gold")
            for rec in records:
                table.upsert(rec.model_dump(), Query().note_id == rec.note_id)
            storage.commit()
        return len(records)

    def gold(self) -> dict[str, dict]:
        """note_id -> {"icd10cm": [...], "cpt": [...], "hcpcs": [...], "setting": ..., "source": ...}."""
        with self._rlock:
            path = self.path / layout.GOLD_FILE
            tables = read_tables(path, backup=self._backup) or {}
            out: dict[str, dict] = {}
            for doc in tables.get("gold", {}).values():
                try:
                    rec = GoldRecord.model_validate(doc).model_dump()
                except ValidationError:
                    raise corrupt(path, "holds a gold record this version cannot read", backup=self._backup) from None
                out[rec.pop("note_id")] = rec
            return out

    def completed_as_gold(self) -> dict[str, dict]:
        """Completed cases' final codes, keyed by note path, in the shape of :meth:`gold`."""
        out: dict[str, dict] = {}
        for case in self.list_cases(CaseStatus.COMPLETED):
            rec: dict[str, Any] = {s.value: [] for s in System}
            for fc in case.final_codes:
                rec[fc.system.value].append(fc.code)
            # The hash lets evaluation skip a case whose note was edited after completion.
            rec.update(setting=case.setting, source=f"store:{case.id}", note_hash=case.note_hash)
            out[case.note_path] = rec
        return out

    def add_eval_run(self, run: dict) -> str:
        """Keep one evaluation run; returns its id (time-ordered, unique)."""
        ts = self._clock()
        given = str(run.get("id") or "")
        folder = self.path / layout.EVAL_DIR
        with self._locked():
            layout.ensure_dir(folder, self.modes)
            if layout.RUN_ID.match(given) and not (folder / f"{given}.json").exists():
                run_id = given
            else:
                run_id = f"{ts:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
            doc = to_jsonable_python(run, fallback=str)
            doc.update(id=run_id, created_at=doc.get("created_at") or ts.isoformat(), user=self.user)
            db, storage = self._db(folder / f"{run_id}.json")
            db.table("eval_runs").insert(Document(doc, doc_id=1))
            storage.commit()
            return run_id

    def list_eval_runs(self) -> list[dict]:
        """Every stored evaluation run, oldest first."""
        with self._rlock:
            folder = self.path / layout.EVAL_DIR
            runs = []
            for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
                doc = (read_tables(path, backup=self._backup) or {}).get("eval_runs", {}).get("1")
                if isinstance(doc, dict):
                    runs.append(doc)
            return sorted(runs, key=lambda r: (str(r.get("created_at", "")), str(r.get("id"))))

    def get_eval_run(self, run_id: str) -> dict | None:
        """The run with this id or unique id prefix; StoreError when the prefix is ambiguous."""
        runs = self.list_eval_runs()
        exact = [r for r in runs if r.get("id") == run_id]
        if exact:
            return exact[0]
        hits = [r for r in runs if str(r.get("id", "")).startswith(run_id)] if run_id else []
        if len(hits) > 1:
            raise StoreError(f"run id {run_id!r} is ambiguous: "
                             + ", ".join(str(r["id"]) for r in hits[:5]))
        return hits[0] if hits else None


def _gold_record(note_id: str, codes: dict[str, list[str]], setting: str, source: str) -> GoldRecord:
    if not str(note_id).strip():
        raise StoreError("a gold record needs a note id")
    rec = GoldRecord(note_id=str(note_id), setting=setting, source=source)
    for name, values in codes.items():
        system = dec.parse_system(name)
        setattr(rec, system.value, list(dict.fromkeys(canonical(str(v), system) for v in values if str(v).strip())))
    return rec
