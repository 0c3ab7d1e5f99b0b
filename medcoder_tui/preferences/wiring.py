"""Putting preferences in front of an engine, as settings and flags ask.

``settings.preferences`` (config key ``preferences``, env ``MEDCODER_PREFERENCES``)
switches them on or off; ``--no-preferences`` sets it to false for one command.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from medcoder_tui.preferences.engine import PreferenceEngine
from medcoder_tui.preferences.learn import learn_from_store
from medcoder_tui.preferences.models import Preferences
from medcoder_tui.preferences.rules import load_rules, rules_path

log = logging.getLogger("medcoder.preferences")


def _default_store(settings: Any) -> Any:
    """The configured store, read-only, when it exists (preferences never create a store)."""
    from medcoder_tui.store import Store
    from medcoder_tui.store.layout import store_dir_for

    path = settings.resolved_store_path()
    if not store_dir_for(path).is_dir():
        return None
    try:
        return Store(path, read_only=True)
    except Exception as exc:   # an unreadable store: code without learned preferences
        log.warning("preferences: cannot read the store %s: %s", path, exc)
        return None


def load_preferences(store: Any = None, *, rules_file: Path | str | None = None, codesets: Any = None,
                     learn: bool = True) -> Preferences:
    """Learned statistics of ``store`` (if any) plus the written rules (RuleError when the file is bad)."""
    path = Path(rules_file) if rules_file is not None else rules_path()
    rules, thresholds = load_rules(path, codesets=codesets)
    prefs = Preferences(thresholds=thresholds)
    if store is not None and learn:
        try:
            prefs = learn_from_store(store, thresholds=thresholds)
        except Exception as exc:   # a damaged store must not stop coding; the rules still apply
            where = getattr(store, "path", "the store")
            prefs.warnings.append(f"nothing learned from {where}: {exc}")
            log.warning("%s", prefs.warnings[-1])
    prefs.rules = rules
    prefs.rules_file = str(path) if path.exists() else ""
    return prefs


def maybe_wrap(engine: Any, settings: Any, store: Any = None, *, enabled: bool | None = None,
               codesets: Any = None, rules_file: Path | str | None = None) -> Any:
    """``engine`` wrapped in a :class:`PreferenceEngine`, or unchanged when preferences are off.

    ``enabled`` overrides ``settings.preferences`` (``--no-preferences``).
    ``store`` is where decisions are learned from (default: the configured
    store, read-only, if it exists). The rules file is read now, so a bad
    file is reported at once as a RuleError naming the file and line.
    """
    on = settings.preferences if enabled is None else enabled
    if not on:
        return engine
    if store is None:
        store = _default_store(settings)
    first = load_preferences(store, rules_file=rules_file, codesets=codesets)
    state = {"first": first}

    def source() -> Preferences:
        cached = state.pop("first", None)   # the load done above serves the first request
        return cached if cached is not None else load_preferences(store, rules_file=rules_file, codesets=codesets)

    return PreferenceEngine(engine, source, codesets=codesets)
