"""hsmshell aws SERVICE COMMAND [--options]: the AWS CLI, in-process, against the world."""

from __future__ import annotations

import argparse


def register(sub) -> None:
    parser = sub.add_parser("aws", help="the AWS CLI, against the simulated KMS", add_help=False)
    parser.add_argument("args", nargs=argparse.REMAINDER)


def run(args, store) -> int:
    from ..aws import cli

    return cli.main(args.args, store, args.out, args.err)
