"""``python -m ccseone_tui.cli``: the same entry point as ``ccseone``."""

import sys

from ccseone_tui.cli import main

sys.exit(main())
