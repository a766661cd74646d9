"""hsmshell tui [--status] [--fixture NAME]: the Textual app (imported only here: it is heavy)."""

from __future__ import annotations

import os
from pathlib import Path


def register(sub) -> None:
    parser = sub.add_parser("tui", help="console tabs beside a live view of the key store and cluster")
    parser.add_argument("--status", action="store_true",
                        help="the status pane alone, beside shells in your own terminals")
    parser.add_argument("--fixture", metavar="NAME|PATH",
                        help="open the world made from this fixture (`current`: today's hsm2m.medium "
                             "cluster and the CloudHSM CLI), making it first if it is not there; it "
                             "lives beside your own world as NAME.yaml unless --world names one")


def run(args, store) -> int:
    from tui.app import HsmShellApp

    if args.fixture is not None:
        store = _fixture_world(args, store)
    store.read()  # make the world on first use, and report a broken one before the screen opens
    HsmShellApp(store.path, status_only=args.status).run()
    return 0


def _fixture_world(args, store):
    """The world of a fixture: the one --world (or $HSMSHELL_WORLD) names, else `NAME.yaml`
    beside the default world, so that your own world is left as it is.  Made from the fixture
    when nothing is there; a world already there is opened as it stands, changes and all."""
    from ..services import open_store

    if not (args.world or os.environ.get("HSMSHELL_WORLD")):
        name = "world" if args.fixture == "default" else Path(args.fixture).stem
        store = open_store(store.path.with_name(f"{name}.yaml"))
    if not store.path.exists():
        store.create(args.fixture)
        print(f"hsmshell: created {store.path} from fixture {args.fixture}", file=args.err)
    return store
