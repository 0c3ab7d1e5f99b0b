"""``python -m medcoder_tui`` runs the same entry point as the ``medcoder`` script."""

import sys

from medcoder_tui.cli import main

sys.exit(main())
