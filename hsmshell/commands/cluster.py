"""hsmshell cluster backup CLUSTER | activate CLUSTER: what the CloudHSM service does with no
API call of its own (an on-demand backup; the activation the CloudHSM CLI performs)."""

from __future__ import annotations



def register(sub) -> None:
    parser = sub.add_parser("cluster", help="back up or activate a simulated CloudHSM cluster")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, text in (("backup", "take a backup of the cluster now"),
                       ("activate", "activate an INITIALIZED cluster")):
        action = actions.add_parser(name, help=text)
        action.add_argument("cluster_id", metavar="CLUSTER")


def run(args, store) -> int:
    from ..cloudhsmv2 import backups, clusters
    from ..cloudhsmv2.errors import invalid
    from ..errors import AwsError

    try:
        with store.transaction() as world:
            cluster = clusters.get(world, args.cluster_id)
            if args.action == "activate":
                clusters.activate(world, cluster.cluster_id)
                done = f"Cluster {cluster.cluster_id} is ACTIVE"
            else:
                backup = backups.take(world, cluster)
                if backup is None:
                    raise invalid(f"Cluster {cluster.cluster_id} has no active HSM to back up.")
                done = backup.backup_id
    except AwsError as exc:
        print(f"hsmshell: {exc.message}", file=args.err)
        return 1
    print(done, file=args.out)  # once it is committed
    return 0
