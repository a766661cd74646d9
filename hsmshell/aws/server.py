"""The local AWS endpoint: KMS, CloudHSM v2 and CloudTrail over the AWS JSON 1.1 protocol, so
the real AWS CLI and boto3 run the runbook's commands unchanged (kms-spec §1).

Every request is one call of the dispatcher `hsmshell aws` uses, so one transaction on the
world.  HTTP/1.1 connections stay open with TCP_NODELAY set: without it a keep-alive client on
loopback waits about 40 ms on every call.

The HTTP is read here rather than by `http.server`: its header parsing (the `email` package)
cost more than a whole Encrypt, and AWS's clients need only a small part of HTTP/1.1 — a
request line, headers, a body of Content-Length bytes, and one reply written in one send.
Anything else gets a JSON error with a client error's status, never an HTML page.

A client cannot hold the server: a connection silent for IDLE seconds is closed, a request must
arrive whole within REQUEST_DEADLINE seconds of its first byte, and beyond MAX_CONNECTIONS at
once a new connection is answered 503 (which botocore retries).  Requests must name this
endpoint in their Host header, so that a web page whose name an attacker points at 127.0.0.1
(DNS rebinding) cannot reach the world through a browser.
"""

from __future__ import annotations

import email.utils
import functools
import io
import ipaddress
import json
import os
import re
import socket
import socketserver
import threading
import time
from http import HTTPStatus
from pathlib import Path

from ..errors import AwsError, SerializationException, UnknownOperationException
from ..services import open_store
from ..world.files import lock_timeout
from ..world.ids import uuid4_text
from ..world.store import WorldError
from . import dispatch, sigv4

MAX_BODY = 1024 * 1024  # the largest KMS request is a few KiB; anything near this is hostile
MAX_LINE = 65536  # a request line or header line, as http.server allows
MAX_HEADERS = 100
IDLE = 60.0  # seconds a connection may stay silent, mid-request or between requests
REQUEST_DEADLINE = 30.0  # seconds from a request's first byte to its last: a trickle cannot hold a thread
MAX_CONNECTIONS = 128  # open at once, each one thread; botocore keeps up to 10 per client
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
        self._turn = threading.Lock()
        self.httpd = _Server((host, port), _Handler)
        self.httpd.endpoint = self
        self._thread: threading.Thread | None = None
        self.hosts = _host_names(host, self.host, self.port)

    def serves_host(self, header: str) -> bool:
        """Whether a Host header names this endpoint: the address it is bound to, as given or
        as bound, or localhost, with this port or none.  Bound to every address (0.0.0.0),
        it also answers at any IP address, which no DNS answer can rebind."""
        if header.lower() in self.hosts:
            return True
        if not ipaddress.ip_address(self.host).is_unspecified:
            return False
        name, port = _split_host(header)
        if port not in (None, str(self.port)):
            return False
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True

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

    def call(self, service: str, operation: str, params: dict, access_key: str | None) -> dict:
        """One request's transaction.  The serving threads take turns at the world before its
        lock file, where they would wait in turn anyway: one waiting here sleeps, where one
        that found the file locked started a thread to wait for it, and one woken at every
        system call of the other's transaction took the GIL from it.  A turn not given within
        the lock's timeout is not waited for: the lock file's own waiting then decides."""
        turn = self._turn.acquire(timeout=lock_timeout())
        try:
            return dispatch.call(self.store(), service, operation, params, access_key)
        finally:
            if turn:
                self._turn.release()

    def serve_forever(self) -> None:
        self.httpd.serve_forever(poll_interval=0.2)

    def start(self) -> "Endpoint":
        self._thread = threading.Thread(target=self.serve_forever, name="hsmshell endpoint", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread:  # shutdown() waits for a serving loop, forever if none ever ran
            self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    # The listen backlog: socketserver's 5 made about one new connection in seven, opened
    # back to back, wait a second for the kernel's SYN retry.
    request_queue_size = socket.SOMAXCONN
    endpoint: Endpoint

    def __init__(self, address, handler):
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self.refused: list[tuple[socket.socket, float]] = []  # answered 503, closing once read
        super().__init__(address, handler)

    def process_request(self, request, client_address) -> None:
        if not self.slots.acquire(blocking=False):
            self._refuse_busy(request, client_address)
            return
        try:
            super().process_request(request, client_address)
        except RuntimeError:  # "can't start new thread": nothing else will give the slot back
            self.slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def _refuse_busy(self, request: socket.socket, client_address) -> None:
        """A 503, said without blocking the accepting thread.  The socket is closed once the
        client's request has been read (by `service_actions`, for a second at most): closing
        it unread would reset the connection, and the client might lose the answer."""
        message = f"The endpoint serves at most {MAX_CONNECTIONS} connections at once. Try again."
        request.setblocking(False)
        try:
            request.send(_response(503, {"__type": "ServiceUnavailableException", "message": message}, True))
            request.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        if len(self.refused) < MAX_CONNECTIONS:
            self.refused.append((request, time.monotonic() + 1))
        else:
            request.close()
        if self.endpoint.log:
            self.endpoint.log(f'{client_address[0]} "-" 503 -')

    def service_actions(self) -> None:
        """Between accepts (at least every poll interval): read and close refused sockets."""
        if self.refused:
            now = time.monotonic()
            self.refused = [(sock, end) for sock, end in self.refused if not _drained(sock, now >= end)]

    def server_close(self) -> None:
        super().server_close()
        for sock, _ in self.refused:
            sock.close()
        self.refused = []


def _drained(sock: socket.socket, late: bool) -> bool:
    """Reads what a non-blocking socket holds; closes it at the client's end or when late."""
    try:
        for _ in range(16):  # a client that keeps sending does not keep the accepting thread
            if not sock.recv(65536):
                late = True  # the client's end: nothing more will come
                break
    except BlockingIOError:
        pass
    except OSError:
        late = True
    if late:
        sock.close()
    return late


class BadRequest(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class _RequestReader(io.RawIOBase):
    """The socket as the handler reads it: silent for at most `idle` seconds at a time and,
    while `deadline` is set, not past it however slowly the bytes trickle in."""

    def __init__(self, sock: socket.socket, idle: float):
        self.sock, self.idle = sock, idle
        self.deadline: float | None = None
        self.tightened = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise _TooSlow()
            if left < self.idle:
                self.sock.settimeout(left)
                self.tightened = True
        try:
            return self.sock.recv_into(buffer)
        except TimeoutError:
            if self.deadline is not None and time.monotonic() >= self.deadline:
                raise _TooSlow() from None
            raise

    def relax(self) -> None:
        """Between requests: the idle timeout alone (a reply is written under it too)."""
        self.deadline = None
        if self.tightened:
            self.sock.settimeout(self.idle)
            self.tightened = False


class _TooSlow(Exception):
    pass


class _Handler(socketserver.BaseRequestHandler):
    timeout = IDLE  # a client that stops sending frees its thread: botocore reconnects
    server: _Server

    def setup(self) -> None:
        self.connection = self.request
        self.connection.settimeout(self.timeout)
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, True)
        self.reader = _RequestReader(self.connection, self.timeout)
        self.rfile = io.BufferedReader(self.reader, 65536)

    def finish(self) -> None:
        self.rfile.close()  # the reader only: the server closes the socket

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
            except _TooSlow:
                self.close_connection = True
                self._error(408, "RequestTimeoutException",
                            f"The request did not arrive within {REQUEST_DEADLINE:g} seconds.", None)
                return
            except (OSError, ValueError):  # a reset, a timeout, a line that is not text
                return
            self._serve()

    # -- reading ------------------------------------------------------------------------------

    def _read_request(self) -> bool:
        self.requestline, self.method, self.headers, self.body = "", "POST", {}, b""
        if not self.rfile.peek(1):  # waiting for a request: the idle timeout alone
            return False
        self.reader.deadline = time.monotonic() + REQUEST_DEADLINE
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
        if not _DIGITS.fullmatch(text):  # str.isdigit would let "²" through to int()
            raise BadRequest(400, "BadRequestException", f"Content-Length is not a number: {text[:40]!r}")
        # Compared as text first: int() refuses numbers of more than 4,300 digits.
        if len(text.lstrip("0")) > len(str(MAX_BODY)) or int(text) > MAX_BODY:
            raise BadRequest(413, "RequestEntityTooLargeException",
                             f"Request bodies are limited to {MAX_BODY} bytes.")
        length = int(text)
        if self.headers.get("expect", "").lower() == "100-continue":
            self.connection.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        self.body = self.rfile.read(length)
        if len(self.body) != length:  # the client stopped sending mid-body
            raise BadRequest(400, "BadRequestException", "The body is shorter than its Content-Length.")
        return True

    # -- answering ----------------------------------------------------------------------------

    def _serve(self) -> None:
        if self.method != "POST":
            return self._error(405, "UnknownOperationException", "Only POST requests are served.", None)
        endpoint = self.server.endpoint
        host = self.headers.get("host")
        if host is not None and not endpoint.serves_host(host):  # none: an HTTP/1.0 client
            return self._error(421, "BadRequestException",
                               f"This endpoint answers only at {endpoint.host}:{endpoint.port} and "
                               f"localhost:{endpoint.port}, not at the Host {host[:100]!r} (refused "
                               "against DNS rebinding).", None)
        prefix, _, operation = self.headers.get("x-amz-target", "").rpartition(".")
        service = dispatch.TARGET_PREFIXES.get(prefix)
        try:
            if service is None:
                raise UnknownOperationException("")
            auth = sigv4.parse(self.headers.get("authorization"))
            if endpoint.credentials is not None:
                path, _, query = self.path.partition("?")
                # Real time, not the world's clock: the client signs with its own clock, and a
                # lab's world may be frozen years ago.
                sigv4.verify(auth, endpoint.credentials, "POST", path, query, self.headers, self.body,
                             now=time.time())
            try:
                body = self.body or b"{}"
                params = _DECODER.decode(body.decode(json.detect_encoding(body), "surrogatepass"))
            except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
                params = None
            if not isinstance(params, dict):
                raise SerializationException("Start of structure or map found where not expected.")
            response = endpoint.call(service, operation, params, auth.access_key)
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
        self.reader.relax()  # the reply is written under the idle timeout, not what is left of a deadline
        try:
            self.connection.sendall(_response(status, payload, self.close_connection, self.method == "HEAD"))
        except OSError:  # the client has gone
            self.close_connection = True
            return
        log = self.server.endpoint.log
        if log:  # the request line as text a terminal shows, whatever bytes the client sent
            log(f'{self.client_address[0]} "{_UNPRINTABLE.sub(_escape, self.requestline)}" {status} -')
        if self.close_connection:
            self._linger()

    def _linger(self) -> None:
        """Closing a socket that holds unread request bytes makes the kernel send a reset,
        which can reach the client before it has read the reply: read what it sent first,
        for a second at most."""
        try:
            self.connection.shutdown(socket.SHUT_WR)
            end = time.monotonic() + 1
            for _ in range(64):  # a few MiB at most, then let the reset happen
                left = end - time.monotonic()
                if left <= 0:
                    break
                self.connection.settimeout(left)
                if not self.connection.recv(65536):
                    break
        except OSError:
            pass


def _response(status: int, payload: dict, close: bool, head_only: bool = False) -> bytes:
    try:
        data = json.dumps(payload).encode()
    except (TypeError, ValueError) as exc:  # a response JSON cannot hold: the service's fault
        status, data = 500, json.dumps({"__type": "InternalFailure", "message": str(exc)}).encode()
    head = (f"HTTP/1.1 {status} {_reason(status)}\r\nServer: hsmshell\r\nDate: {_date()}\r\n"
            f"Content-Type: {JSON}\r\nContent-Length: {len(data)}\r\nx-amzn-RequestId: {uuid4_text(os.urandom(16))}\r\n"
            + ("Connection: close\r\n" if close else "") + "\r\n")
    return head.encode() + (b"" if head_only else data)


_DIGITS = re.compile(r"[0-9]+")
# C0 and C1 controls (escape sequences), DEL, and what would end the quoted request line.
_UNPRINTABLE = re.compile(r'[\x00-\x1f\x7f-\x9f"\\]')


def _escape(match: re.Match) -> str:
    return f"\\x{ord(match[0]):02x}"


def _not_a_number(constant: str):
    raise ValueError(f"{constant} is not a JSON number")  # Python's json reads NaN and Infinity; AWS does not


def _finite(text: str) -> float:
    number = float(text)
    if number in (float("inf"), float("-inf")):  # 1e400
        raise ValueError(f"{text} is out of range")
    return number


# Made once: json.loads given options makes a decoder at every call.
_DECODER = json.JSONDecoder(parse_constant=_not_a_number, parse_float=_finite)


def _host_names(given: str, bound: str, port: int) -> frozenset[str]:
    """The Host headers that name an endpoint, lower case: each name with the port and without."""
    names = {given.lower(), bound.lower(), "localhost"}
    names |= {f"[{n}]" for n in names if ":" in n}  # IPv6 addresses are bracketed in Host
    return frozenset(names | {f"{n}:{port}" for n in names})


def _split_host(header: str) -> tuple[str, str | None]:
    """'127.0.0.1:4599' -> ('127.0.0.1', '4599'); '[::1]:4599' -> ('::1', '4599')."""
    if header.startswith("["):
        name, _, rest = header[1:].partition("]")
        return name, rest[1:] if rest.startswith(":") else None
    name, colon, port = header.rpartition(":")
    if not colon or ":" in name:  # no port, or an IPv6 address without brackets
        return header, None
    return name, port


@functools.cache  # an enum lookup at every reply
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
