"""hsmshell serve [--host 127.0.0.1] [--port N]: the local AWS endpoint, in the foreground."""

from __future__ import annotations

import argparse
import os
import signal

DEFAULT_PORT = 4599
SECRET_VARIABLES = ("HSMSHELL_SIGNING_SECRET", "AWS_SECRET_ACCESS_KEY")  # in this order


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port (0 to 65535)")
    return port


def register(sub) -> None:
    parser = sub.add_parser("serve", help="serve KMS, CloudHSM v2 and CloudTrail to the AWS CLI and boto3")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to bind (default: loopback only; anything else exposes the world)")
    parser.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 picks one)")
    parser.add_argument("--check-signatures", metavar="ACCESS_KEY", action="append",
                        help="refuse requests not signed with this access key and the secret in "
                             "$HSMSHELL_SIGNING_SECRET (else $AWS_SECRET_ACCESS_KEY); repeatable. By "
                             "default any well-formed signed request is served")
    parser.add_argument("--check-signatures-file", metavar="FILE",
                        help="the same, for each ACCESS_KEY:SECRET line of FILE")
    parser.add_argument("--log", action="store_true", help="print each request")


def run(args, store) -> int:
    from ..aws.server import Endpoint

    credentials = None
    if args.check_signatures or args.check_signatures_file:
        credentials = _credentials(args)
        if credentials is None:
            return 2
    store.read()  # make the world on first use, and report a broken one before serving
    try:
        endpoint = Endpoint(store.path, args.host, args.port, credentials,
                            log=(lambda line: print(line, file=args.err, flush=True)) if args.log else None)
    except OSError as exc:
        print(f"hsmshell: cannot listen on {args.host}:{args.port}: {exc.strerror}", file=args.err)
        return 1
    if not endpoint.loopback:  # said first, so that nobody sees the address without the warning
        print(f"Warning: listening on {endpoint.host}, not loopback: anyone who can reach this "
              "address can read and change the world.", file=args.err, flush=True)
    print(f"Serving KMS, CloudHSM v2 and CloudTrail at {endpoint.url} for the world {store.path}",
          file=args.out, flush=True)
    print(f'Point the AWS CLI at it with: eval "$(hsmshell env --port {endpoint.port})"', file=args.out, flush=True)

    def stop(signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        endpoint.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        endpoint.httpd.server_close()
    print("Stopped.", file=args.out, flush=True)
    return 0


def _credentials(args) -> dict[str, str] | None:
    """Access key -> secret, from the environment or a file: a secret on the command line is
    shown by `ps` to every user of the machine for as long as the server runs."""
    credentials = {}
    for given in args.check_signatures or ():
        access_key, colon, secret = given.partition(":")
        if colon:
            print("Warning: --check-signatures ACCESS_KEY:SECRET shows the secret to anyone who can list "
                  "processes; give the access key alone with the secret in $HSMSHELL_SIGNING_SECRET, "
                  "or use --check-signatures-file FILE.", file=args.err, flush=True)
        else:
            secret = next((os.environ[name] for name in SECRET_VARIABLES if os.environ.get(name)), "")
            if not secret:
                print(f"hsmshell: --check-signatures {access_key} takes the secret from "
                      f"${SECRET_VARIABLES[0]} or ${SECRET_VARIABLES[1]}, and neither is set", file=args.err)
                return None
        if not access_key or not secret:
            print("hsmshell: --check-signatures takes ACCESS_KEY (or ACCESS_KEY:SECRET)", file=args.err)
            return None
        credentials[access_key] = secret
    if args.check_signatures_file:
        from_file = _read_credentials(args.check_signatures_file, args.err)
        if from_file is None:
            return None
        credentials.update(from_file)
    return credentials


def _read_credentials(path: str, err) -> dict[str, str] | None:
    """ACCESS_KEY:SECRET lines; blank lines and # comments are skipped."""
    try:
        with open(path, encoding="utf-8") as file:
            lines = file.read().splitlines()
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        print(f"hsmshell: cannot read {path}: {getattr(exc, 'strerror', None) or exc}", file=err)
        return None
    credentials = {}
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        access_key, colon, secret = line.partition(":")
        if not (colon and access_key.strip() and secret.strip()):  # the line is not shown: it may hold a secret
            print(f"hsmshell: {path}, line {number}: expected ACCESS_KEY:SECRET", file=err)
            return None
        credentials[access_key.strip()] = secret.strip()
    if not credentials:
        print(f"hsmshell: {path} holds no ACCESS_KEY:SECRET line", file=err)
        return None
    return credentials
