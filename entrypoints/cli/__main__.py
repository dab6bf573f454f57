"""``python -m entrypoints.cli.main``."""

import sys

from entrypoints.cli.main import main

sys.exit(main())
