"""hsmshell serve [--host 127.0.0.1] [--port N]: the local AWS endpoint, in the foreground."""

from __future__ import annotations

import signal

DEFAULT_PORT = 4599


def register(sub) -> None:
    parser = sub.add_parser("serve", help="serve KMS, CloudHSM v2 and CloudTrail to the AWS CLI and boto3")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to bind (default: loopback only; anything else exposes the world)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 picks one)")
    parser.add_argument("--check-signatures", metavar="ACCESS_KEY:SECRET", action="append",
                        help="refuse requests not signed with these credentials (repeatable); by "
                             "default any well-formed signed request is served")
    parser.add_argument("--log", action="store_true", help="print each request")


def run(args, store) -> int:
    from ..aws.server import Endpoint

    credentials = None
    if args.check_signatures:
        try:
            credentials = dict(pair.split(":", 1) for pair in args.check_signatures)
        except ValueError:
            print("hsmshell: --check-signatures takes ACCESS_KEY:SECRET", file=args.err)
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
