"""The local AWS endpoint: KMS, CloudHSM v2 and CloudTrail over the AWS JSON 1.1 protocol, so
the real AWS CLI and boto3 run the runbook's commands unchanged (kms-spec §1).

Every request is one call of the dispatcher `hsmshell aws` uses, so one transaction on the
world.  HTTP/1.1 connections stay open with TCP_NODELAY set: without it a keep-alive client on
loopback waits about 40 ms on every call.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ..services import open_store
from ..world.store import WorldError
from . import dispatch, sigv4
from .errors import ApiError

MAX_BODY = 1024 * 1024  # the largest KMS request is a few KiB; anything near this is hostile
JSON = "application/x-amz-json-1.1"


class Endpoint:
    """A running endpoint: `start()` in the background (labs, the TUI, tests) or
    `serve_forever()` in the foreground (`hsmshell serve`)."""

    def __init__(self, world_path: str | Path, host: str = "127.0.0.1", port: int = 0,
                 credentials: dict[str, str] | None = None, log=None):
        self.world_path = Path(world_path)
        self.credentials = credentials  # access key -> secret; None accepts any signature
        self.log = log
        self._stores = threading.local()
        self.httpd = _Server((host, port), _Handler)
        self.httpd.endpoint = self
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        return self.httpd.server_address[0]

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def loopback(self) -> bool:
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return self.host == "localhost"

    def store(self):
        # One store per serving thread: a store's cache belongs to one thread at a time.
        if not hasattr(self._stores, "store"):
            self._stores.store = open_store(self.world_path)
        return self._stores.store

    def serve_forever(self) -> None:
        self.httpd.serve_forever(poll_interval=0.2)

    def start(self) -> "Endpoint":
        self._thread = threading.Thread(target=self.serve_forever, name="hsmshell endpoint", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    endpoint: Endpoint


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as botocore expects
    disable_nagle_algorithm = True  # TCP_NODELAY
    server_version = "hsmshell"
    sys_version = ""
    server: _Server

    def log_message(self, format, *args) -> None:  # noqa: A002 - the base class's name
        if self.server.endpoint.log:
            self.server.endpoint.log(f"{self.address_string()} {format % args}")

    def do_POST(self) -> None:  # noqa: N802 - the base class's name
        endpoint = self.server.endpoint
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True
            return self._reply(413, {"__type": "RequestEntityTooLargeException",
                                     "message": f"Request bodies are limited to {MAX_BODY} bytes."})
        body = self.rfile.read(length)
        prefix, _, operation = (self.headers.get("X-Amz-Target") or "").rpartition(".")
        service = dispatch.TARGET_PREFIXES.get(prefix)
        try:
            if service is None:
                raise ApiError("UnknownOperationException", "")
            auth = sigv4.parse(self.headers.get("Authorization"))
            if endpoint.credentials is not None:
                path, _, query = self.path.partition("?")
                sigv4.verify(auth, endpoint.credentials, "POST", path, query, dict(self.headers.items()), body)
            try:
                params = json.loads(body or b"{}")
            except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
                params = None
            if not isinstance(params, dict):
                raise ApiError("SerializationException", "Start of structure or map found where not expected.")
            response = dispatch.call(endpoint.store(), service, operation, params)
        except ApiError as error:
            status = 403 if error.code == "MissingAuthenticationTokenException" else error.status
            return self._error(status, error.code, error.message, service)
        except WorldError as error:
            return self._error(500, "InternalFailure", str(error), service)
        except Exception as error:  # noqa: BLE001 - a request never takes the server down
            return self._error(500, "InternalFailure", f"{type(error).__name__}: {error}", service)
        self._reply(200, response)

    def _refuse_method(self) -> None:
        self.close_connection = True  # its body, unread, must not be taken for the next request
        self._error(405, "UnknownOperationException", "Only POST requests are served.", None)

    do_GET = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _refuse_method

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # The base class answers a request it cannot parse, or a method it has no do_ for, with
        # an HTML page (and 501 for the method).  Clients get JSON and a 4xx for their mistakes.
        # GAP: what AWS's front door says to a request that is not HTTP is not documented.
        self.close_connection = True
        if code == 501:
            return self._refuse_method()
        self._error(code, "BadRequestException", message or "The request could not be parsed.", None)

    def _error(self, status: int, code: str, message: str, service: str | None) -> None:
        # KMS's error shapes name the member `message`, CloudHSM's and CloudTrail's `Message`.
        member = "message" if service in (None, "kms") else "Message"
        self._reply(status, {"__type": code, member: message})

    def _reply(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", JSON)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        if self.close_connection:
            self._linger()

    def _linger(self) -> None:
        """Closing a socket that holds unread request bytes makes the kernel send a reset,
        which can reach the client before it has read the reply: read what it sent first."""
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(1)
            for _ in range(64):  # a few MiB at most, then let the reset happen
                if not self.connection.recv(65536):
                    break
        except OSError:
            pass
