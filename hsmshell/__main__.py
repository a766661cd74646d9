"""`python -m hsmshell`: the `hsmshell` command, run by a chosen interpreter."""

import sys

from .cli import main

sys.exit(main())
