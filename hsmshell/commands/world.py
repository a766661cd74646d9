"""hsmshell world init | show | path"""

from __future__ import annotations


def register(sub) -> None:
    world = sub.add_parser("world", help="create, show or locate the world")
    actions = world.add_subparsers(dest="action", required=True, metavar="ACTION")
    init = actions.add_parser("init", help="create the world from a fixture")
    init.add_argument("--fixture", default="default", metavar="NAME|PATH")
    init.add_argument("--force", action="store_true", help="replace an existing world")
    actions.add_parser("show", help="a short summary of the world")
    actions.add_parser("path", help="print the world file's path")


def run(args, store) -> int:
    if args.action == "path":
        print(store.path, file=args.out)
    elif args.action == "init":
        from ..labs import session
        from ..labs.definition import LabError

        try:
            under_way = session.active(store)
        except LabError as exc:
            print(f"hsmshell: {exc}", file=args.err)
            return 1
        if under_way:
            print(f"hsmshell: the lab {under_way.name!r} is under way in this world: `hsmshell lab stop` "
                  "ends it and puts your own world back first", file=args.err)
            return 1
        store.create(args.fixture, force=args.force)
        print(f"Created {store.path} from fixture {args.fixture}", file=args.out)
    elif args.action == "show":
        from ..summary import render

        print(render(store.read(), str(store.path)), end="", file=args.out)
    return 0
