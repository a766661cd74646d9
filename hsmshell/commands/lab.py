"""hsmshell lab list | start NAME | status | check | hint | solution [--yes] | reset | stop"""

from __future__ import annotations


def register(sub) -> None:
    parser = sub.add_parser("lab", help="training labs: a broken world, and your repair checked")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="every lab, with the runbook section it trains")
    start = actions.add_parser("start", help="put your world aside and start a lab")
    start.add_argument("name")
    actions.add_parser("status", help="the lab under way and its objectives")
    actions.add_parser("check", help="check the objectives (exit 0 when all hold)")
    actions.add_parser("hint", help="the next hint")
    solution = actions.add_parser("solution", help="the solution (asks twice)")
    solution.add_argument("--yes", action="store_true", help="show it at once")
    actions.add_parser("reset", help="start the lab again from its broken world")
    actions.add_parser("stop", help="end the lab and put your world back")


def run(args, store) -> int:
    from ..labs import definition, session
    from ..labs.definition import LabError

    out = args.out
    try:
        if args.action == "list":
            labs = [definition.load(name) for name in definition.names()]
            width = max((len(lab.name) for lab in labs), default=4)
            print(f"{'LAB':<{width}}  {'DIFFICULTY':<12}  RUNBOOK SECTION", file=out)
            for lab in labs:
                print(f"{lab.name:<{width}}  {lab.difficulty:<12}  {lab.runbook}", file=out)
            return 0
        if args.action == "start":
            lab = session.start(store, args.name)
            print(f"Lab {lab.name}: {lab.title}  ({lab.difficulty}; trains \"{lab.runbook}\")", file=out)
            print("Your own world is put aside until `hsmshell lab stop`.", file=out)
            if lab.handouts():  # the lab's own folder holds its solution: never point there
                print(f"The lab's files are in {session.handouts_path(store)}", file=out)
            print(file=out)
            print(lab.guide.strip() + "\n", file=out)
            print("`hsmshell lab check` checks your repair; `hsmshell lab hint` helps.", file=out)
            return 0
        if args.action in ("status", "check"):
            lab, objectives, guards = session.check(store)
            return _report(out, lab, objectives, guards, status_only=args.action == "status")
        if args.action == "hint":
            hint = session.next_hint(store)
            print(f"Hint {hint[0]}: {hint[1]}" if hint else "No more hints.", file=out)
            return 0
        if args.action == "solution":
            path = session.ask_solution(store, args.yes)
            if path is None:
                print("Are you sure? The solution gives the whole repair away. Ask again "
                      "(`hsmshell lab solution`) or add --yes to see it.", file=out)
                return 0
            print(path.read_text(encoding="utf-8"), end="", file=out)
            return 0
        if args.action == "reset":
            lab = session.reset(store)
            print(f"Lab {lab.name} starts again from its broken world.", file=out)
            return 0
        if args.action == "stop":
            name, came_back = session.stop(store)
            print(f"Lab {name} stopped; your own world is back." if came_back else
                  f"Lab {name} stopped; you had no world before it, so this is a fresh default world.",
                  file=out)
            return 0
    except LabError as exc:
        print(f"hsmshell: {exc}", file=args.err)
        return 1
    return 2


def _report(out, lab, objectives, guards, *, status_only: bool) -> int:
    print(f"Lab {lab.name}: {lab.title}", file=out)
    for outcome in objectives:
        mark = "✓" if outcome.holds else "✗"
        detail = f"  ({outcome.detail})" if outcome.detail and not outcome.holds else ""
        print(f"  {mark} {outcome.check.title}{detail}", file=out)
    broken = [g for g in guards if not g.holds]
    for guard in broken:
        print(f"  ✗ BROKEN: {guard.check.title}{f'  ({guard.detail})' if guard.detail else ''}", file=out)
    done = all(o.holds for o in objectives) and not broken
    if broken:
        print("Something the repair must never do was done; `hsmshell lab reset` starts the lab again.", file=out)
    elif done:
        print("All objectives hold. Well done.", file=out)
    return 0 if (done or status_only) else 1
