"""hsmshell env [--port N]: the lines that make a shell's AWS CLI and boto3 talk to
`hsmshell serve`:  eval "$(hsmshell env)" """

from __future__ import annotations

import shlex

from .serve import DEFAULT_PORT

# Dummy credentials: the endpoint accepts any well-formed signature unless told otherwise.
ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def register(sub) -> None:
    parser = sub.add_parser("env", help="print the exports that point the AWS CLI at `hsmshell serve`")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)


def run(args, store) -> int:
    region = store.read().region
    for name, value in (
        ("AWS_ENDPOINT_URL", f"http://{args.host}:{args.port}"),
        ("AWS_ACCESS_KEY_ID", ACCESS_KEY),
        ("AWS_SECRET_ACCESS_KEY", SECRET_KEY),
        ("AWS_DEFAULT_REGION", region),
        ("AWS_REGION", region),
    ):
        print(f"export {name}={shlex.quote(value)}", file=args.out)
    print("unset AWS_PROFILE AWS_SESSION_TOKEN", file=args.out)
    return 0
