"""The organization's coding preferences: learned from reviewed cases, written as rules, applied to
every engine's suggestions (and to the Ollama prompt).

Public API::

    learn(cases, audit) / learn_from_store(store) -> Preferences
    load_rules(path) -> (rules, thresholds)         # preferences.toml; RuleError names file and line
    apply_preferences(suggestions, engine=..., setting=..., prefs=...) -> list[Suggestion]
    prompt_block(note, prefs, token_budget=...) -> str
    PreferenceEngine(inner_engine, prefs)           # the Engine protocol, preferences applied
    maybe_wrap(engine, settings, store) -> Engine   # honours settings.preferences / --no-preferences

Nothing here imports Textual.
"""

from __future__ import annotations

from medcoder_tui.preferences.apply import Applied, Hidden, apply_detailed, apply_preferences
from medcoder_tui.preferences.engine import PreferenceEngine
from medcoder_tui.preferences.learn import learn, learn_from_store
from medcoder_tui.preferences.models import CaseExample, CodeStat, ManualStat, Preferences, Rule, Thresholds
from medcoder_tui.preferences.prompt import prompt_block
from medcoder_tui.preferences.rules import RuleError, load_rules, parse_rules, rules_path
from medcoder_tui.preferences.wiring import load_preferences, maybe_wrap

__all__ = [
    "Applied", "CaseExample", "CodeStat", "Hidden", "ManualStat", "PreferenceEngine", "Preferences", "Rule",
    "RuleError", "Thresholds", "apply_detailed", "apply_preferences", "learn", "learn_from_store",
    "load_preferences", "load_rules", "maybe_wrap", "parse_rules", "prompt_block", "rules_path",
]
