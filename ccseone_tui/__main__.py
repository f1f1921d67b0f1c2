import sys

from ccseone_tui.cli import main

sys.exit(main())
