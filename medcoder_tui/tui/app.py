"""The medcoder Textual app: wires the screens to the shared services; no coding logic here."""

from __future__ import annotations

import asyncio
import gc
import importlib
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App, SystemCommand
from textual.reactive import reactive
from textual.screen import Screen

from medcoder_tui.config import Settings
from medcoder_tui.notes import NoteError, discover_notes, guess_setting, load_note
from medcoder_tui.paths import styles_dir
from medcoder_tui.textsafe import printable
from medcoder_tui.tui.keys import APP_BINDINGS
from medcoder_tui.tui.screens.messages import MessageScreen
from medcoder_tui.tui.screens.worklist import WorklistScreen
from medcoder_tui.tui.services import Services
from medcoder_tui.tui.store_bridge import StoreError
from medcoder_tui.tui.theme import detect_theme


FALLBACK = "Ollama unreachable"
REPROBE_SECONDS = 30.0


class MedcoderApp(App):
    """Keyboard-first review of clinical notes. Build it with :func:`make_app`."""

    TITLE = "medcoder"
    CSS_PATH = [str(styles_dir() / "app.tcss")]
    BINDINGS = APP_BINDINGS
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    engine_label = reactive("Engine: starting…")
    store_label = reactive("")

    def __init__(self, services: Services, *, notes_root: Path | None, notes_label: str,
                 start_index: int | None = None, theme: str | None = None,
                 on_first_paint: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.services = services
        self.notes_root = notes_root
        self.notes_label = notes_label
        self._start_index = start_index
        self._theme_name = theme or detect_theme()
        self._on_first_paint = on_first_paint
        self._started_background = False
        self._probed_at = 0.0
        self._background_notices: set[str] = set()
        self._heartbeat: Any = None

    # ---- notices -------------------------------------------------------------------------
    def notify(self, message: str, *, title: str = "", severity: Any = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """One notice at a time: a new one replaces the last (an error stays until another error),
        so notices never pile up over the code table."""
        for old in list(self._notifications):
            if old.severity != "error" or severity == "error":
                self._unnotify(old, refresh=False)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def _notify_background(self, message: str, **kwargs: Any) -> None:
        """A notice about background work (the engine choice): said once, on the screen it appeared
        on, and not again on the next screen (the status bar keeps saying it)."""
        self._background_notices.add(message)
        self.notify(message, **kwargs)

    def _drop_background_notices(self) -> None:
        for old in list(self._notifications):
            if old.message in self._background_notices:
                self._unnotify(old, refresh=False)
        self._background_notices.clear()

    # ---- start-up: paint first, load in the background ----------------------------------
    def on_mount(self) -> None:
        try:
            self.theme = self._theme_name
        except Exception:  # an unknown theme name from the environment
            self.theme = "textual-dark"
        keymap = dict(self.services.settings.keymap or {})
        if keymap:
            try:
                self.set_keymap(keymap)
            except Exception as exc:  # a typo in config.toml must not stop the coder
                self.notify(f"keymap in config ignored: {exc}", severity="error", timeout=10)
        self.store_label = str(getattr(self.services.store, "path", ""))
        self.push_screen(WorklistScreen())
        if self._start_index is not None:
            self.call_after_refresh(self.open_note, self._start_index)

    def first_paint_done(self) -> None:
        """Called by the worklist once it has been drawn: start the background work now.

        Loading code sets and probing Ollama wait for the first frame so they do
        not compete with it for the interpreter.
        """
        if self._started_background:
            return
        self._started_background = True
        if self._on_first_paint is not None:
            self._on_first_paint()
        self._start_background()

    def _start_background(self) -> None:
        self.load_codesets()
        if self.services.engine is not None:
            self.engine_label = self._label_for(self.services.engine)
        else:
            self.choose_engine()

    @work(thread=True, exclusive=True, group="codesets", exit_on_error=False)
    def load_codesets(self) -> None:
        """Load code sets off the UI thread; screens wait on ``services.wait_codesets``."""
        started = time.perf_counter()
        try:
            from medcoder_tui.codes.service import get_codesets
            cs = get_codesets()
            cs.validate("E11.9")  # touch the index so the first real lookup is warm
            error = None
        except Exception as exc:
            cs, error = None, f"code sets failed to load: {exc}"
        self.call_from_thread(self._codesets_loaded, cs, error, time.perf_counter() - started)
        if cs is not None:
            # Build the search index now, while the coder reads: lookup ("+") and candidate
            # retrieval (both engines) share it, and building it inside the event loop would
            # freeze the screen for seconds on the first note.
            try:
                cs.lookup("hypertension", limit=1)
                from medcoder_tui.codes.systems import System
                from medcoder_tui.engines.diagnoses.retrieval import retrieve_candidates
                retrieve_candidates("hypertension", types=set(System), codesets=cs)
                # the Table of Neoplasms' sites tell body parts apart from conditions in every note's exam lines
                # ("Heart RRR, lungs clear"): loaded here, not inside the first note's run
                from medcoder_tui.engines.diagnoses.skin_table import site_stems
                site_stems()
            except Exception:  # a missing or failing index shows up when it is used
                pass
        self.call_from_thread(self.services.set_index_ready)
        # The code-set indexes are millions of long-lived objects; without this, every full
        # garbage collection walks them all and freezes the UI for a noticeable moment.
        gc.freeze()

    def _codesets_loaded(self, cs: Any, error: str | None, seconds: float) -> None:
        self.services.set_codesets(cs, error)
        self.log(f"code sets loaded in {seconds:.2f}s")
        if error:
            self.notify(error, severity="error", timeout=10)

    def _label_for(self, engine: Any, note: str = "") -> str:
        if engine.name == "offline":
            return "offline engine" + (f" ({note})" if note else "")
        return f"Ollama ● {engine.model}" + (f" ({note})" if note else "")

    def reprobe(self) -> None:
        """Before a re-run: after a fallback, look for Ollama again (at most every 30 s)."""
        if self.services.engine_note != FALLBACK or time.monotonic() - self._probed_at < REPROBE_SECONDS:
            return
        self.services.reset_engine()
        self.choose_engine(quiet=True)

    @work(exclusive=True, group="choose-engine", exit_on_error=False)
    async def choose_engine(self, quiet: bool = False) -> None:
        """Probe Ollama without blocking the UI; fall back to the offline engine, saying so once."""
        services = self.services
        name = services.engine_name
        self._probed_at = time.monotonic()
        if not quiet:
            self.engine_label = "Ollama: checking…" if name != "offline" else "offline engine"
        try:
            select = await asyncio.to_thread(importlib.import_module, "medcoder_tui.engines.select")
        except ImportError:  # only while the engines are incomplete: the offline import below says why
            select = None
        note = ""
        engine = None
        if select is not None and name != "offline":
            try:
                engine = select.make_engine(services.settings, "ollama", model=services.model)
                reachable, message = await engine.check()
            except Exception as exc:
                reachable, message = False, f"{type(exc).__name__}: {exc}"
            if not reachable:
                if name == "ollama":
                    note = "unreachable"
                    self.notify(f"Ollama: {message}", severity="error", timeout=10)
                else:
                    engine = None
                    note = FALLBACK
                    host = services.settings.ollama_host
                    said = message if host in message else f"Ollama unreachable at {host} ({message})"
                    if not quiet:
                        self._notify_background(f"{said}; using the offline engine.", severity="warning",
                                                timeout=8)
            elif quiet:
                self.notify(f"Ollama is reachable now; using {engine.model}.")
        if engine is None:
            await services.wait_codesets()
            try:
                if select is not None:
                    engine = select.make_engine(services.settings, "offline")
                else:
                    from medcoder_tui.engines.offline import OfflineEngine
                    engine = OfflineEngine(services.codesets)
            except Exception as exc:
                self.engine_label = "no engine"
                self.notify(f"No engine available: {exc}", severity="error", timeout=10)
                return
        engine = await self._with_preferences(engine)
        services.set_engine(engine, note)
        self.engine_label = self._label_for(engine, note)

    async def _with_preferences(self, engine: Any) -> Any:
        """The engine behind the organization's preferences, unless they are switched off.

        Reading the rules file and learning from the store happen in a thread; a
        bad rules file is shown and coding goes on without preferences.
        """
        settings = self.services.settings
        if not settings.preferences:
            return engine
        try:
            from medcoder_tui.preferences.wiring import maybe_wrap
        except ImportError:
            return engine
        try:
            return await asyncio.to_thread(maybe_wrap, engine, settings, self.services.store,
                                           codesets=self.services.codesets)
        except Exception as exc:
            self.notify(f"Preferences not applied: {exc}", severity="warning", timeout=10)
            return engine

    # ---- navigation ---------------------------------------------------------------------
    def open_note(self, index: int) -> None:
        """Open note ``index`` in a review screen; a bad note or store gets a clear message."""
        from medcoder_tui.tui.screens.review import ReviewScreen

        notes = self.services.notes
        if not 0 <= index < len(notes):
            self.bell()
            return
        path = notes[index]
        try:
            text = load_note(path)
            setting = self.services.setting
            if not self.services.setting_explicit and self.services.store.case_for_path(path) is None:
                setting = guess_setting(text) or setting   # a new case: "DISCHARGE SUMMARY" means inpatient
            case = self.services.store.open_case(path, text, setting=setting)
            held_by = self.claim_case(case.id)
        except (NoteError, StoreError) as exc:
            self.push_screen(MessageScreen(printable(f"Cannot open {path.name}"), printable(str(exc))))
            return
        if held_by is not None:
            self.notify(f"{held_by.describe()}: opened read-only.", severity="warning", timeout=6)
        screen = ReviewScreen(index, path, text, case, held_by=held_by)
        self._drop_background_notices()
        if isinstance(self.screen, ReviewScreen):
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    # ---- claims (team store) -----------------------------------------------------------
    def claim_case(self, case_id: str) -> Any:
        """Claim the case this session opens (giving back the one it held); the other session's
        claim when the case is theirs (it then opens read-only), else None."""
        store = self.services.store
        if getattr(store, "kind", "personal") != "team":
            return None
        from medcoder_tui.store.claims import ClaimedError

        try:
            store.claim_only(case_id)
        except ClaimedError as exc:
            return exc.claim
        if self._heartbeat is None:
            every = max(0.5, min(60.0, store.claim_expiry / 3))
            self._heartbeat = self.set_interval(every, self._beat)
        return None

    def _beat(self) -> None:
        try:
            self.services.store.heartbeat()
        except StoreError as exc:
            self.notify(f"claim not renewed: {exc}", severity="warning", timeout=6)

    def release_claims(self) -> None:
        """Give back every case this session holds (back at the worklist, or quitting)."""
        release = getattr(self.services.store, "release_all", None)
        if release is not None:
            try:
                release()
            except StoreError as exc:
                self.notify(f"claims not released: {exc}", severity="warning", timeout=6)

    def on_unmount(self) -> None:
        self.release_claims()

    def action_help(self) -> None:
        from medcoder_tui.tui.screens.help import HelpScreen
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_evaluation(self) -> None:
        try:
            from medcoder_tui.tui.screens.evaluation import EvaluationScreen
        except ImportError:
            self.notify("The evaluation screen is not available in this build.", severity="warning")
            return
        if any(isinstance(screen, EvaluationScreen) for screen in self.screen_stack):
            return
        # Evaluate what the coder is using now, which a CLI flag may have changed from the config.
        services = self.services
        settings = services.settings.model_copy(update={
            "engine": services.engine_name,
            "ollama_model": services.model or services.settings.ollama_model,
            "setting": services.setting,
        })
        self.push_screen(EvaluationScreen(self.notes_root or Path.cwd(), services.store, settings))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every binding of the current screen and the app, by name, in the command palette."""
        yield from super().get_system_commands(screen)
        seen: set[str] = set()
        for node, binding, enabled, _tooltip in screen.active_bindings.values():
            if not enabled or binding.action in seen or not binding.description:
                continue
            seen.add(binding.action)
            yield SystemCommand(binding.description, f"key: {binding.key}",
                                partial(self.run_action, binding.action, node))
        if "evaluation" not in seen:
            yield SystemCommand("Evaluate", "run the evaluation over the notes (E)", self.action_evaluation)


def make_app(settings: Settings, path: str | Path | None = None, store: Any = None, engine: Any = None,
             clock: Callable[[], float] | None = None, *, engine_name: str | None = None,
             model: str | None = None, setting: str | None = None, theme: str | None = None,
             on_first_paint: Callable[[], None] | None = None) -> MedcoderApp:
    """Build the app: notes under ``path`` (folder or one note), a store, an optional fixed engine.

    Tests pass a Store in ``tmp_path``, a scripted engine and a frozen ``clock``.
    """
    target = Path(path) if path is not None else Path("sample_notes")
    try:
        notes = discover_notes(target)
    except NoteError:
        notes = []
    if store is None:
        from medcoder_tui.store import Store
        store = Store(settings.resolved_store_path(), claim_expiry=settings.claim_expiry_minutes * 60)
    services = Services(settings=settings, notes=notes, store=store,
                        engine_name=engine_name or settings.engine, model=model,
                        setting=setting or settings.setting, setting_explicit=setting is not None,
                        clock=clock or time.monotonic)
    if engine is not None:
        services.set_engine(engine)
    single = target.is_file()
    root = target.parent if single else (target if target.is_dir() else None)
    return MedcoderApp(services, notes_root=root, notes_label=str(target), start_index=0 if single else None,
                       theme=theme, on_first_paint=on_first_paint)
