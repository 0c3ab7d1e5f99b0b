"""Pick a theme that fits the terminal: MEDCODER_THEME, else COLORFGBG's background, else dark."""

from __future__ import annotations

import os


def detect_theme(environ: dict[str, str] | None = None) -> str:
    """The Textual theme name to start with.

    Many terminals (xterm, rxvt, iTerm2, Konsole) export ``COLORFGBG`` as
    ``fg;bg``; a background of 7 or 15 means a light terminal. Over SSH the
    variable is often dropped, so ``MEDCODER_THEME`` (e.g. ``textual-light``,
    ``textual-ansi`` to use the terminal's own colours) wins when set.
    """
    env = os.environ if environ is None else environ
    chosen = env.get("MEDCODER_THEME", "").strip()
    if chosen:
        return chosen
    bg = env.get("COLORFGBG", "").split(";")[-1].strip()
    if bg in ("7", "15"):
        return "textual-light"
    return "textual-dark"
