"""hsmshell fault list | clear | subnet-deleted SUBNET | subnet-full SUBNET | network-errors |
internal-error | hsm-unreachable HSM: what no API call can do to the simulated world."""

from __future__ import annotations



def register(sub) -> None:
    parser = sub.add_parser("fault", help="inject or clear faults no API call can produce")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="the faults in force")
    actions.add_parser("clear", help="remove every fault and make every HSM reachable")
    for name, text in (("subnet-deleted", "a cluster subnet was deleted (SUBNET_NOT_FOUND)"),
                       ("subnet-full", "a subnet has no free address (INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET)")):
        action = actions.add_parser(name, help=text)
        action.add_argument("subnet_id", metavar="SUBNET")
    network = actions.add_parser("network-errors", help="connections fail with NETWORK_ERRORS for a while")
    network.add_argument("--for", dest="duration", default="5m", help="how long (default 5m)")
    internal = actions.add_parser("internal-error", help="the next connection attempts fail with INTERNAL_ERROR")
    internal.add_argument("--times", type=int, default=1, help="how many attempts (default 1)")
    for action in (network, internal):
        action.add_argument("--custom-key-store-id", help="only this key store (default: all)")
    unreachable = actions.add_parser("hsm-unreachable", help="the client host cannot reach an HSM")
    unreachable.add_argument("hsm", metavar="HSM", help="HSM id or ENI IP address")


def run(args, store) -> int:
    from ..cloudhsmv2 import faults
    from ..world.clock import now, parse_duration

    if args.action == "list":
        world = store.read()
        lines = [faults.describe(world, f) for f in world.faults]
        lines += [f"HSM {h.hsm_id} ({h.eni_ip}) unreachable" for h in faults.all_hsms(world) if not h.reachable]
        print("\n".join(lines) if lines else "No faults", file=args.out)
        return 0
    try:
        duration = parse_duration(args.duration) if args.action == "network-errors" else 0.0
    except ValueError as exc:
        print(f"hsmshell: {exc}", file=args.err)
        return 2
    from ..labs import session

    with store.transaction() as world:
        said = _inject(args, world, duration)
        if said is not None:
            session.void_stamp(world, f"hsmshell fault {args.action}")
    if said is None:
        print(f"hsmshell: no HSM {args.hsm} in this world", file=args.err)
        return 1
    print(said, file=args.out)  # once it is committed
    return 0


def _inject(args, world, duration: float) -> str | None:
    """Make the change; what to say of it, or None when the HSM named is not there."""
    from ..cloudhsmv2 import faults
    from ..world.clock import now

    if args.action == "clear":
        return f"Cleared {faults.clear(world)} fault(s)"
    if args.action == "hsm-unreachable":
        hsm = faults.find_hsm(world, args.hsm)
        if hsm is None:
            return None
        hsm.reachable = False
        return f"HSM {hsm.hsm_id} ({hsm.eni_ip}) unreachable"
    if args.action in ("subnet-deleted", "subnet-full"):
        fault = {"kind": args.action.replace("-", "_"), "subnet_id": args.subnet_id}
    else:
        code = "NETWORK_ERRORS" if args.action == "network-errors" else "INTERNAL_ERROR"
        fault = {"kind": faults.CONNECT_ERROR, "code": code}
        if args.custom_key_store_id:
            fault["custom_key_store_id"] = args.custom_key_store_id
        if args.action == "network-errors":
            fault["until"] = now(world) + duration
        else:
            fault["times"] = args.times
    faults.add(world, fault)
    return faults.describe(world, fault)
