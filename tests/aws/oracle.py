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
from hsmshell.aws.errors import ApiError
from hsmshell.services import open_store


def serve(world_path):
    store = open_store(world_path)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the stdlib's name
            prefix, _, operation = self.headers["X-Amz-Target"].rpartition(".")
            params = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
            try:
                status, body = 200, dispatch.call(store, dispatch.TARGET_PREFIXES[prefix], operation, params)
            except ApiError as exc:
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


def real_aws(server, *argv: str) -> tuple[int, str, str]:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "x",
           "AWS_DEFAULT_REGION": "us-west-2", "AWS_MAX_ATTEMPTS": "1",
           "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
    url = f"http://127.0.0.1:{server.server_address[1]}"
    # Bytes, not text mode: universal newlines would turn the usage line's \r into \n.
    done = subprocess.run([shutil.which("aws"), "--endpoint-url", url, *argv], capture_output=True,
                          env=env, timeout=60)
    return done.returncode, done.stdout.decode(), done.stderr.decode()
