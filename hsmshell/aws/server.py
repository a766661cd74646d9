"""The local AWS endpoint: KMS, CloudHSM v2 and CloudTrail over the AWS JSON 1.1 protocol, so
the real AWS CLI and boto3 run the runbook's commands unchanged (kms-spec §1).

Every request is one call of the dispatcher `hsmshell aws` uses, so one transaction on the
world.  HTTP/1.1 connections stay open with TCP_NODELAY set: without it a keep-alive client on
loopback waits about 40 ms on every call.

The HTTP is read here rather than by `http.server`: its header parsing (the `email` package)
cost more than a whole Encrypt, and AWS's clients need only a small part of HTTP/1.1 — a
request line, headers, a body of Content-Length bytes, and one reply written in one send.
Anything else gets a JSON error with a client error's status, never an HTML page.
"""

from __future__ import annotations

import email.utils
import ipaddress
import json
import socket
import socketserver
import threading
import time
import uuid
from http import HTTPStatus
from pathlib import Path

from ..errors import AwsError, SerializationException, UnknownOperationException
from ..services import open_store
from ..world.store import WorldError
from . import dispatch, sigv4

MAX_BODY = 1024 * 1024  # the largest KMS request is a few KiB; anything near this is hostile
MAX_LINE = 65536  # a request line or header line, as http.server allows
MAX_HEADERS = 100
IDLE = 60.0  # seconds a connection may stay silent, mid-request or between requests
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


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    endpoint: Endpoint


class BadRequest(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class _Handler(socketserver.StreamRequestHandler):
    disable_nagle_algorithm = True  # TCP_NODELAY
    timeout = IDLE  # a client that stops sending frees its thread: botocore reconnects
    server: _Server

    def handle(self) -> None:
        self.close_connection = False
        while not self.close_connection:
            try:
                if not self._read_request():
                    return  # the client closed the connection, or went silent
            except BadRequest as refused:
                self.close_connection = True  # what follows cannot be told from this request
                self._error(refused.status, refused.code, refused.message, None)
                return
            except (OSError, ValueError):  # a reset, a timeout, a line that is not text
                return
            self._serve()

    # -- reading ------------------------------------------------------------------------------

    def _read_request(self) -> bool:
        self.requestline, self.method, self.headers, self.body = "", "POST", {}, b""
        line = self.rfile.readline(MAX_LINE + 1)
        while line in (b"\r\n", b"\n"):  # stray blank lines between requests are allowed
            line = self.rfile.readline(MAX_LINE + 1)
        if not line:
            return False
        if len(line) > MAX_LINE:
            raise BadRequest(414, "BadRequestException", "The request line is too long.")
        self.requestline = line.decode("latin-1").rstrip("\r\n")
        words = self.requestline.split()
        if len(words) != 3 or not words[2].startswith("HTTP/"):
            raise BadRequest(400, "BadRequestException", "The request could not be parsed.")
        self.method, self.path, version = words
        for _ in range(MAX_HEADERS + 1):
            line = self.rfile.readline(MAX_LINE + 1)
            if len(line) > MAX_LINE:
                raise BadRequest(431, "BadRequestException", "A header line is too long.")
            if line in (b"\r\n", b"\n", b""):
                break
            name, colon, value = line.decode("latin-1").partition(":")
            if not colon or not name or name != name.strip():
                raise BadRequest(400, "BadRequestException", "A header could not be parsed.")
            self.headers[name.lower()] = value.strip()
        else:
            raise BadRequest(431, "BadRequestException", "Too many headers.")
        connection = self.headers.get("connection", "").lower()
        self.close_connection = connection == "close" or (version == "HTTP/1.0" and connection != "keep-alive")
        if self.method != "POST":
            self.close_connection = True  # its body, unread, must not be taken for the next request
            return True
        if "transfer-encoding" in self.headers:
            raise BadRequest(411, "BadRequestException", "Send the body with a Content-Length.")
        text = self.headers.get("content-length", "0")
        if not text.isdigit():
            raise BadRequest(400, "BadRequestException", f"Content-Length is not a number: {text[:40]}")
        length = int(text)
        if length > MAX_BODY:
            raise BadRequest(413, "RequestEntityTooLargeException",
                             f"Request bodies are limited to {MAX_BODY} bytes.")
        if self.headers.get("expect", "").lower() == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        self.body = self.rfile.read(length)
        if len(self.body) != length:  # the client stopped sending mid-body
            raise BadRequest(400, "BadRequestException", "The body is shorter than its Content-Length.")
        return True

    # -- answering ----------------------------------------------------------------------------

    def _serve(self) -> None:
        if self.method != "POST":
            return self._error(405, "UnknownOperationException", "Only POST requests are served.", None)
        endpoint = self.server.endpoint
        prefix, _, operation = self.headers.get("x-amz-target", "").rpartition(".")
        service = dispatch.TARGET_PREFIXES.get(prefix)
        try:
            if service is None:
                raise UnknownOperationException("")
            auth = sigv4.parse(self.headers.get("authorization"))
            if endpoint.credentials is not None:
                path, _, query = self.path.partition("?")
                sigv4.verify(auth, endpoint.credentials, "POST", path, query, self.headers, self.body)
            try:
                params = json.loads(self.body or b"{}")
            except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
                params = None
            if not isinstance(params, dict):
                raise SerializationException("Start of structure or map found where not expected.")
            response = dispatch.call(endpoint.store(), service, operation, params)
        except AwsError as error:
            return self._error(error.status, error.code, error.message, service)
        except WorldError as error:
            return self._error(500, "InternalFailure", str(error), service)
        except Exception as error:  # noqa: BLE001 - a request never takes the server down
            return self._error(500, "InternalFailure", f"{type(error).__name__}: {error}", service)
        self._reply(200, response)

    def _error(self, status: int, code: str, message: str, service: str | None) -> None:
        # KMS's error shapes name the member `message`, CloudHSM's and CloudTrail's `Message`.
        member = "message" if service in (None, "kms") else "Message"
        self._reply(status, {"__type": code, member: message})

    def _reply(self, status: int, payload: dict) -> None:
        try:
            data = json.dumps(payload).encode()
        except (TypeError, ValueError) as exc:  # a response JSON cannot hold: the service's fault
            status, data = 500, json.dumps({"__type": "InternalFailure", "message": str(exc)}).encode()
        head = (f"HTTP/1.1 {status} {_reason(status)}\r\nServer: hsmshell\r\nDate: {_date()}\r\n"
                f"Content-Type: {JSON}\r\nContent-Length: {len(data)}\r\nx-amzn-RequestId: {uuid.uuid4()}\r\n"
                + ("Connection: close\r\n" if self.close_connection else "") + "\r\n")
        try:
            self.wfile.write(head.encode() + (b"" if self.method == "HEAD" else data))
        except OSError:  # the client has gone
            self.close_connection = True
            return
        log = self.server.endpoint.log
        if log:
            log(f'{self.client_address[0]} "{self.requestline}" {status} -')
        if self.close_connection:
            self._linger()

    def _linger(self) -> None:
        """Closing a socket that holds unread request bytes makes the kernel send a reset,
        which can reach the client before it has read the reply: read what it sent first."""
        try:
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(1)
            for _ in range(64):  # a few MiB at most, then let the reset happen
                if not self.connection.recv(65536):
                    break
        except OSError:
            pass


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


_dates: tuple[int, str] = (0, "")


def _date() -> str:
    """The Date header, made once a second."""
    global _dates
    second = int(time.time())
    if _dates[0] != second:
        _dates = (second, email.utils.formatdate(second, usegmt=True))
    return _dates[1]
