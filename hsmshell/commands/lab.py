"""hsmshell lab list | start NAME | exam [NAME] | status | check | hint | solution [--yes] | reset | stop
| report [--format F] [--export FILE] [--class DIR]"""

from __future__ import annotations


def register(sub) -> None:
    parser = sub.add_parser("lab", help="training labs: a broken world, and your repair checked")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="every lab, with the runbook section it trains")
    trainee = {"metavar": "NAME", "help": "whose ledger records it (default: $HSMSHELL_TRAINEE, else your login name)"}
    start = actions.add_parser("start", help="put your world aside and start a lab")
    start.add_argument("name")
    start.add_argument("--trainee", **trainee)
    seed = {"type": int, "metavar": "N", "help": "repeat an attempt's drawn values (default: a new seed)"}
    start.add_argument("--seed", **seed)
    start.add_argument("--generation", choices=GENERATIONS, default=None,
                       help="the tools the lab's world is for: sdk3 (cloudhsm_mgmt_util, key_mgmt_util; the "
                            "default) or current (an hsm2m.medium cluster and the CloudHSM CLI)")
    exam = actions.add_parser("exam", help="put your world aside and start an exam: several causes at "
                              "once, no hints, a time limit")
    exam.add_argument("name", nargs="?", help="which exam (default: the first)")
    exam.add_argument("--minutes", type=float, metavar="N", help="the time limit (default: the exam's, 45)")
    exam.add_argument("--trainee", **trainee)
    exam.add_argument("--seed", **seed)
    exam.add_argument("--generation", choices=GENERATIONS, default=None,
                      help="the tools the exam's world is for: sdk3 (the default) or current")
    actions.add_parser("status", help="the lab under way and its objectives")
    actions.add_parser("check", help="check the objectives (exit 0 when all hold)")
    actions.add_parser("hint", help="the next hint")
    solution = actions.add_parser("solution", help="the solution (asks twice)")
    solution.add_argument("--yes", action="store_true", help="show it at once")
    actions.add_parser("reset", help="start the lab again from its broken world")
    actions.add_parser("stop", help="end the lab and put your world back")
    report = actions.add_parser("report", help="your progress ledger: labs, times, checks, hints, exams")
    report.add_argument("--trainee", **trainee)
    report.add_argument("--format", choices=FORMATS, default="table",
                        help="markdown: a certificate of completion; json: the ledger itself")
    report.add_argument("--export", metavar="FILE", help="write the ledger to FILE for your instructor")
    report.add_argument("--class", dest="class_dir", metavar="DIR",
                        help="one table of every trainee's exported ledger (DIR/*.json)")


FORMATS = ("table", "json", "csv", "markdown")  # hsmshell/labs/report.py renders each
GENERATIONS = ("sdk3", "current")  # hsmshell/world/generation.py


def run(args, store) -> int:
    from ..labs import definition, ledger, session
    from ..labs.definition import LabError

    out = args.out
    try:
        if args.action == "list":
            labs = [definition.load(name) for name in definition.names()]
            width = max((len(lab.name) for lab in labs), default=4)
            print(f"{'LAB':<{width}}  {'DIFFICULTY':<12}  {'GENERATIONS':<13}  RUNBOOK SECTION", file=out)
            for lab in labs:
                print(f"{lab.name:<{width}}  {lab.difficulty:<12}  {', '.join(lab.generations):<13}  {lab.runbook}",
                      file=out)
            return 0
        if args.action == "start":
            lab = session.start(store, args.name, ledger.trainee_name(args.trainee), args.seed, args.generation)
            print(f"Lab {lab.name}: {lab.title}  ({lab.difficulty}; trains \"{lab.runbook}\")", file=out)
            print("Your own world is put aside until `hsmshell lab stop`.", file=out)
            if lab.generations == (lab.generation,) and lab.generation != "sdk3":
                print("This lab exists only in the current generation: today's AWS, where new clusters are "
                      "hsm2m.medium and the CloudHSM CLI (cloudhsm-cli) is the tool.", file=out)
            _before_the_guide(out, store, lab)
            print(_with_values(lab.guide, store).strip() + "\n", file=out)
            print("`hsmshell lab check` checks your repair; `hsmshell lab hint` helps.", file=out)
            return 0
        if args.action == "exam":
            return _exam(args, store)
        if args.action == "status":
            lab, objectives, guards = session.check(store)
            return _report(out, session.Grade(lab, objectives, guards), status_only=True)
        if args.action == "check":
            return _report(out, session.grade(store), status_only=False)
        if args.action == "hint":
            hint = session.next_hint(store)
            print(f"Hint {hint[0]}: {_with_values(hint[1], store)}" if hint else "No more hints.", file=out)
            return 0
        if args.action == "solution":
            path = session.ask_solution(store, args.yes)
            if path is None:
                print("Are you sure? The solution gives the whole repair away, and your ledger will "
                      "say you saw it. Ask again (`hsmshell lab solution`) or add --yes to see it.", file=out)
                return 0
            print(path.read_text(encoding="utf-8"), end="", file=out)
            return 0
        if args.action == "reset":
            lab = session.reset(store)
            print(f"Lab {lab.name} starts again from its broken world.", file=out)
            return 0
        if args.action == "stop":
            state, came_back = session.stop(store)
            what = "The exam" if state.exam else f"Lab {state.name}"
            print(f"{what} stopped; your own world is back." if came_back else
                  f"{what} stopped; you had no world before it, so this is a fresh default world.",
                  file=out)
            return 0
        if args.action == "report":
            return _ledger_report(args)
    except LabError as exc:
        print(f"hsmshell: {exc}", file=args.err)
        return 1
    return 2


def _with_values(text: str, store) -> str:
    """A guide or hint with the attempt's values in place of their `<name>`s (the subnet drawn
    for this attempt, a cluster the setup made)."""
    from ..labs import session
    from ..testing.match import substitute

    return substitute(text, session.active(store).variables)


def _before_the_guide(out, store, lab) -> None:
    """The attempt's seed, where the lab draws values, and where its files are."""
    from ..labs import session
    from ..labs.exam import Exam

    if any(part.seeded for part in (lab.parts if isinstance(lab, Exam) else (lab,))):
        seed = session.active(store).seed
        print(f"This attempt's values are drawn from seed {seed} (`--seed {seed}` repeats them).", file=out)
    if lab.handouts():  # the lab's own folder holds its solution: never point there
        print(f"The lab's files are in {session.handouts_path(store)}", file=out)
    print(file=out)


def _exam(args, store) -> int:
    import time

    from ..labs import exam, ledger, session
    from ..labs.definition import LabError

    name = args.name or next(iter(exam.names()), None)
    if name is None:
        raise LabError("no exam is installed")
    started = session.start_exam(store, name, ledger.trainee_name(args.trainee), args.minutes, args.seed,
                                 args.generation)
    state = session.active(store)
    until = time.strftime("%H:%M UTC", time.gmtime(state.deadline))
    print(f"Exam started: {state.minutes:g} minutes, until {until}. No hints and no solution; "
          "a check after the time limit fails.", file=args.out)
    print("Your own world is put aside until `hsmshell lab stop`.", file=args.out)
    _before_the_guide(args.out, store, started)
    print(_with_values(started.guide, store).strip() + "\n", file=args.out)
    print("`hsmshell lab check` grades your repair, and records the result when every cause is repaired.",
          file=args.out)
    return 0


def _ledger_report(args) -> int:
    from pathlib import Path

    from ..labs import ledger, report
    from ..labs.definition import LabError

    if args.class_dir:
        books, skipped = report.read_class(Path(args.class_dir).expanduser())
        for line in skipped:
            print(f"hsmshell: {line}", file=args.err)
        print(report.render_class(books, args.format), end="", file=args.out)
        return 0
    name = ledger.trainee_name(args.trainee)
    book = ledger.load(name)
    if args.export:
        target = Path(args.export).expanduser()
        try:
            from ..world import files

            files.replace(target, book.to_json().encode("utf-8"), sync=True)
        except OSError as exc:
            raise LabError(f"{target}: cannot write the export: {exc.strerror or exc}") from None
        print(f"Ledger of {name} ({len(book.attempts)} attempts) written to {target}", file=args.out)
        return 0
    print(report.render(book, args.format), end="", file=args.out)
    return 0


def _report(out, graded, *, status_only: bool) -> int:
    from ..labs.exam import Exam

    lab = graded.lab
    if isinstance(lab, Exam):
        return _exam_report(out, graded, status_only=status_only)
    print(f"Lab {lab.name}: {lab.title}", file=out)
    for outcome in graded.objectives:
        mark = "✓" if outcome.holds else "✗"
        detail = f"  ({outcome.detail})" if outcome.detail and not outcome.holds else ""
        print(f"  {mark} {outcome.check.title}{detail}", file=out)
    broken = _broken(out, graded)
    done = all(o.holds for o in graded.objectives) and not broken
    if broken:
        print("Something the repair must never do was done; `hsmshell lab reset` starts the lab again.", file=out)
    elif done:
        print("All objectives hold. Well done.", file=out)
    return 0 if (done or status_only) else 1


def _broken(out, graded) -> list:
    broken = [g for g in graded.guards if not g.holds]
    for guard in broken:
        print(f"  ✗ BROKEN: {guard.check.title}{f'  ({guard.detail})' if guard.detail else ''}", file=out)
    return broken


def _exam_report(out, graded, *, status_only: bool) -> int:
    """Each cause repaired or not, never what it is: the causes are what the exam asks."""
    causes = graded.lab.causes
    holds = {id(o.check): o.holds for o in graded.objectives}
    print("Exam", file=out)
    for number, cause in enumerate(causes, 1):
        repaired = all(holds[id(check)] for check in cause.objectives)
        print(f"  {'✓' if repaired else '✗'} Cause {number} of {len(causes)} "
              f"{'repaired' if repaired else 'not repaired yet'}", file=out)
    broken = _broken(out, graded)
    if graded.late:
        print("Time is up: the exam's time limit has passed, so this check counts as failed.", file=out)
    elif broken:
        print("Something the repair must never do was done; `hsmshell lab reset` starts again "
              "(the clock runs on).", file=out)
    if graded.result and not status_only:
        print(f"Exam result: {graded.result}. `hsmshell lab stop` ends the exam.", file=out)
    return 0 if (graded.passed or status_only) else 1
