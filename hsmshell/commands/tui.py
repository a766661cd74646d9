"""hsmshell tui [--status]: the Textual app (imported only here: it is heavy)."""

from __future__ import annotations


def register(sub) -> None:
    parser = sub.add_parser("tui", help="console tabs beside a live view of the key store and cluster")
    parser.add_argument("--status", action="store_true",
                        help="the status pane alone, beside shells in your own terminals")


def run(args, store) -> int:
    from tui.app import HsmShellApp

    store.read()  # make the world on first use, and report a broken one before the screen opens
    HsmShellApp(store.path, status_only=args.status).run()
    return 0
