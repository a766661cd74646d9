"""The subcommands of `hsmshell`, one module each.

Each module has `register(subparsers)`, which declares its arguments, and `run(args, store)`,
which does the work and returns the exit status.  A module imports what is heavy (Textual, the
HTTP server) inside `run`, so `hsmshell` starts fast whatever it is asked to do.
"""

NAMES = ("world", "clock", "aws", "configure", "tui", "transcript", "fault", "cluster", "serve", "env", "lab")
