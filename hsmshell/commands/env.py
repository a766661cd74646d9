"""hsmshell env [--port N]: the lines that make a shell's AWS CLI (v1 or v2) and boto3 talk to
`hsmshell serve`:  eval "$(hsmshell env)" """

from __future__ import annotations

import shlex

from .serve import DEFAULT_PORT

# Dummy credentials: the endpoint accepts any well-formed signature unless told otherwise.
ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

# AWS_ENDPOINT_URL came with botocore 1.31 (AWS CLI v1 1.29, v2 2.13, boto3 1.28); an older CLI,
# Debian 12's awscli 2.9.19 among them, reads neither it nor a profile's endpoint_url and takes
# the endpoint from --endpoint-url only: the function gives it to every command.
OLDER_CLIS = ("# AWS_ENDPOINT_URL reaches AWS CLI v1 1.29+, v2 2.13+ and boto3 1.28+; older CLIs (Debian 12's\n"
              "# awscli 2.9.19) need --endpoint-url, which this gives every aws command in this shell:")


def register(sub) -> None:
    parser = sub.add_parser("env", help="print what points the AWS CLI (v1 or v2) and boto3 at `hsmshell serve`")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)


def run(args, store) -> int:
    region = store.read().region
    url = f"http://{args.host}:{args.port}"
    for name, value in (
        ("AWS_ENDPOINT_URL", url),
        ("AWS_ACCESS_KEY_ID", ACCESS_KEY),
        ("AWS_SECRET_ACCESS_KEY", SECRET_KEY),
        ("AWS_DEFAULT_REGION", region),
        ("AWS_REGION", region),
    ):
        print(f"export {name}={shlex.quote(value)}", file=args.out)
    print("unset AWS_PROFILE AWS_SESSION_TOKEN", file=args.out)
    print(OLDER_CLIS, file=args.out)
    print(f'aws() {{ command aws --endpoint-url {shlex.quote(url)} "$@"; }}', file=args.out)
    return 0
