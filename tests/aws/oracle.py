"""The real AWS CLI v1 as the oracle: a throwaway JSON 1.1 server over `dispatch.call` (the
path the future endpoint will serve), so the installed `aws` and `hsmshell aws` can be run
against copies of the same world and their output compared byte for byte."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from hsmshell.aws import dispatch
from hsmshell.errors import AwsError
from hsmshell.services import open_store


def serve(world_path):
    store = open_store(world_path)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the stdlib's name
            prefix, _, operation = self.headers["X-Amz-Target"].rpartition(".")
            params = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
            try:
                status, body = 200, dispatch.call(store, dispatch.TARGET_PREFIXES[prefix], operation, params)
            except AwsError as exc:
                member = "message" if prefix == "TrentService" else "Message"
                status, body = exc.status, {"__type": exc.code, member: exc.message}
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    Handler.store_path = world_path

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


ENV = {"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "x",
       "AWS_DEFAULT_REGION": "us-west-2", "AWS_MAX_ATTEMPTS": "1",
       "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}


def real_aws_command(server, *argv: str) -> list[str]:
    return [shutil.which("aws"), "--endpoint-url", f"http://127.0.0.1:{server.server_address[1]}", *argv]


def real_aws(server, *argv: str) -> tuple[int, str, str]:
    # Bytes, not text mode: universal newlines would turn the usage line's \r into \n.
    done = subprocess.run(real_aws_command(server, *argv), capture_output=True, env={**os.environ, **ENV},
                          timeout=60)
    return done.returncode, done.stdout.decode(), done.stderr.decode()


def at_terminal(command: list[str], columns: int) -> bytes:
    """What a command writes to a pseudo-terminal `columns` wide (the terminal's own \r\n
    line ends included)."""
    import pexpect

    child = pexpect.spawn(command[0], command[1:], env={**os.environ, **ENV}, dimensions=(24, columns),
                          timeout=60)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    return child.before


# -- AWS CLI v2 ----------------------------------------------------------------------------------

V2_MISSING = ("no AWS CLI v2 installed: the differential tests of `hsmshell aws`'s v2 mode need "
              "the real one (Debian's `awscli` package, 2.9.19: `apt-get install awscli`; .ci/run "
              "installs it where apt works), or $HSMSHELL_AWS_V2 naming one")


def aws_v2() -> str | None:
    """The real AWS CLI v2: $HSMSHELL_AWS_V2, else an `aws` on PATH or in /usr/bin (Debian's
    package) whose --version says aws-cli/2.  The pinned v1 usually comes first on PATH."""
    candidates = [os.environ.get("HSMSHELL_AWS_V2")]
    for folder in os.environ.get("PATH", "").split(os.pathsep) + ["/usr/bin", "/usr/local/bin"]:
        candidates.append(os.path.join(folder, "aws"))
    for path in candidates:
        if not path or not os.access(path, os.X_OK):
            continue
        try:
            done = subprocess.run([path, "--version"], capture_output=True, timeout=60,
                                  env={**os.environ, "AWS_CONFIG_FILE": os.devnull})
        except OSError:
            continue
        if done.stdout.startswith(b"aws-cli/2."):
            return path
    return None


V2_ENV = {"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "x",
          "AWS_DEFAULT_REGION": "us-west-2", "AWS_CONFIG_FILE": os.devnull,
          "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
