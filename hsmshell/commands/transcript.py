"""hsmshell transcript run FILE... [--update] | record FILE [--fixture NAME]"""

from __future__ import annotations



def register(sub) -> None:
    parser = sub.add_parser("transcript", help="replay or record a session as a test")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    run_ = actions.add_parser("run", help="replay transcripts (.transcript, or Markdown runbooks), "
                              "each against a fresh world")
    run_.add_argument("files", nargs="+", metavar="FILE")
    run_.add_argument("--update", action="store_true", help="write the actual output into the files")
    record = actions.add_parser("record", help="record a session into a transcript")
    record.add_argument("file", metavar="FILE")
    record.add_argument("--fixture", default="default", metavar="NAME|PATH",
                        help="the world the session starts from (a fresh copy of it)")


def run(args, store) -> int:
    # Transcripts never touch the world of --world: each runs against a fresh one of its own.
    if args.action == "record":
        from ..testing.record import record

        return record(args.file, args.fixture)
    from ..testing.replay import run_file, update

    failed = 0
    for name in args.files:
        result = run_file(name)
        if result.ok:
            print(f"passed {name}", file=args.out)
            continue
        failed += 1
        args.out.write(result.report())
        if args.update and result.error is None:
            update(result)
            print(f"updated {name}", file=args.out)
        else:
            print(f"failed {name}", file=args.out)
    print(f"{len(args.files) - failed} passed, {failed} failed", file=args.out)
    return 1 if failed else 0
