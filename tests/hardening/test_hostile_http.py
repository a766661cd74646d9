"""Hostile requests to the endpoint (`hsmshell serve`, as an operator starts it): any method,
target, headers, size and body, well-formed or not, gets a JSON error with a client error's
status (never a 5xx, never an HTML page), the server never prints a traceback, and the world
it serves still loads and validates afterwards."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import socket
import subprocess

import botocore.session
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hsmshell.aws import cloudhsmv2, dispatch, kms
from hsmshell.services import open_store
from hsmshell.testing.worlds import copy_world
from hsmshell.world.store import Store

IMPLEMENTED = {"kms": sorted(kms.OPERATIONS), "cloudhsmv2": sorted(cloudhsmv2.OPERATIONS),
               "cloudtrail": ["LookupEvents"]}
PREFIX = {service: prefix for prefix, service in dispatch.TARGET_PREFIXES.items()}
SERVICE_FAULTS = {"KMSInternalException", "CloudHsmInternalFailureException", "InternalFailure"}
GOOD = ["1234abcd-12ab-34cd-56ef-1234567890ab", "cks-1234567890abcdef0", "alias/ExampleAlias", "alias/aws/x",
        "cluster-1a23b4cdefg", "backup-9g87f6edcba", "hsm-ab12cd34ef5", "ExampleKeyStore", "AWS_CLOUDHSM",
        "ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT", "AES_256", "hsm1.medium", "us-west-2a", "subnet-0e358c43",
        "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "EventName"]

SIGNED = ("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261129/us-west-2/kms/aws4_request, "
          "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64)  # any signature is accepted by default


def _members() -> dict[tuple[str, str], list[str]]:
    models = {service: botocore.session.get_session().get_service_model(service) for service in IMPLEMENTED}
    found = {}
    for service, operations in IMPLEMENTED.items():
        for name in operations:
            shape = models[service].operation_model(name).input_shape
            found[service, name] = sorted(shape.members) if shape else []
    return found


MEMBERS = _members()

scalars = (st.none() | st.booleans() | st.integers() | st.integers(-2**70, 2**70)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20) | st.sampled_from(GOOD))
values = st.recursive(scalars, lambda kids: st.lists(kids, max_size=3)
                      | st.dictionaries(st.text(max_size=8) | st.sampled_from(["Name", "Value", "Key", "Values"]),
                                        kids, max_size=3), max_leaves=8)


@st.composite
def api_calls(draw) -> tuple[str, dict[str, str], bytes]:
    """A request to a real operation, with members of its input shape holding anything."""
    service, name = draw(st.sampled_from(sorted(MEMBERS)))
    members = MEMBERS[service, name]
    params = draw(st.dictionaries(st.sampled_from(members) if members else st.text(max_size=5), values,
                                  max_size=4))
    body = json.dumps(params).encode()
    return "POST", {"X-Amz-Target": f"{PREFIX[service]}.{name}", "Content-Type": "application/x-amz-json-1.1",
                    "Authorization": SIGNED}, body


TARGETS = st.sampled_from([f"{PREFIX[s]}.{n}" for s, n in MEMBERS] + ["TrentService.NoSuchOperation",
                          "TrentService.", ".ListKeys", "TrentService", "", "x" * 300, "TrentService.ListKeys.x"])
AUTHORIZATION = st.sampled_from([
    None, "", "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA256 nonsense", "Basic dXNlcjpwYXNz", SIGNED, SIGNED,
    "AWS4-HMAC-SHA256 Credential=/, SignedHeaders=, Signature="]) | st.text(max_size=40)
BODIES = (st.binary(max_size=300) | st.sampled_from([b"", b"{}", b"[]", b"null", b"1", b'"x"', b"{", b'{"a":',
                                                     b"\xff\xfe{}", b"[" * 5000 + b"]" * 5000,
                                                     b'{"KeyId":' * 3000 + b"1" + b"}" * 3000,
                                                     b'{"Limit": NaN}', b'{"KeyId": Infinity}', b"[-Infinity]",
                                                     b'{"Limit": 1e400}'])
          | values.map(lambda v: json.dumps(v).encode()))


@st.composite
def raw_requests(draw) -> tuple[str, dict[str, str], bytes]:
    """Anything a socket can be sent: odd methods, no target, bad signatures, odd bodies."""
    method = draw(st.sampled_from(["POST", "POST", "POST", "GET", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH",
                                   "TRACE", "CONNECT", "FOO", "post"]))
    headers = {}
    target = draw(TARGETS)
    if target:
        headers["X-Amz-Target"] = target
    authorization = draw(AUTHORIZATION)
    if authorization is not None:
        headers["Authorization"] = authorization
    if draw(st.booleans()):
        headers["Content-Type"] = draw(st.sampled_from(["application/x-amz-json-1.1", "text/plain", "", "\x7f"]))
    return method, headers, draw(BODIES)


def content_length(body: bytes):
    """The Content-Length to send: mostly the truth, sometimes a lie or nonsense."""
    return st.sampled_from([str(len(body)), str(len(body)), str(len(body)), None, "-1", "abc", "1e3", " 5",
                            str(10 ** 12), str(2 ** 64), str(1024 * 1024 + 1), str(len(body) + 7),
                            "9" * 5000, "\udcb2"])  # \udcb2: the byte 0xb2, "²" in Latin-1


@pytest.fixture(scope="module")
def server(template_world, tmp_path_factory):
    """`hsmshell serve` on a free port, its output kept to be read at the end."""
    folder = copy_world(template_world, tmp_path_factory.mktemp("hostile")).parent
    log = (folder / "serve.log").open("w+")
    proc = subprocess.Popen([shutil.which("hsmshell"), "--world", str(folder / "world.yaml"), "serve", "--port", "0",
                             "--log"], stdout=subprocess.PIPE, stderr=log, text=True)
    banner = proc.stdout.readline()
    port = int(re.search(r"http://127\.0\.0\.1:(\d+)", banner).group(1))
    yield port, folder
    proc.terminate()
    assert proc.wait(10) == 0
    log.seek(0)
    output = log.read()
    assert "Traceback" not in output and "Exception" not in output, output[-3000:]
    assert "\x1b" not in output and "\x07" not in output  # no escape sequence reaches the operator's terminal
    assert '"POST / HTTP/1.1"' in output  # the log was written, and read here
    open_store(folder / "world.yaml").read()  # loads, settles and validates
    Store(folder / "world.yaml").read()


def send(port: int, method: str, headers: dict[str, str], body: bytes, length: str | None) -> tuple[int, dict, bytes]:
    """One request written byte for byte; a body shorter than its Content-Length is cut off
    by closing the sending side, as a client that dies mid-request does."""
    head = [f"{method} / HTTP/1.1", "Host: 127.0.0.1"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    if length is not None:
        head.append(f"Content-Length: {length}")
    data = ("\r\n".join(head) + "\r\n\r\n").encode("utf-8", "surrogateescape") + body
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        response = http.client.HTTPResponse(sock, method=method)
        response.begin()
        return response.status, dict(response.getheaders()), response.read()


def check(status: int, headers: dict, payload: bytes, method: str) -> None:
    assert headers.get("Content-Type") == "application/x-amz-json-1.1", (status, payload[:200])
    if method == "HEAD":
        assert payload == b""
        return
    reply = json.loads(payload)
    assert isinstance(reply, dict)
    if status == 200:
        return
    assert reply.get("__type"), reply
    assert "Traceback" not in json.dumps(reply)
    # A client's mistake is never answered as the service's own fault.
    assert 400 <= status < 500 and reply["__type"] not in SERVICE_FAULTS, (status, reply)


FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(request=api_calls(), data=st.data())
def test_operations_with_members_of_any_type(server, request, data):
    method, headers, body = request
    length = data.draw(st.sampled_from([str(len(body)), str(len(body)), None, str(len(body) + 3)]))
    check(*send(server[0], method, headers, body, length), method)


@FUZZ
@given(request=raw_requests(), data=st.data())
def test_any_method_target_header_and_body(server, request, data):
    method, headers, body = request
    length = data.draw(content_length(body))
    check(*send(server[0], method, headers, body, length), method)


def test_a_request_that_is_not_http(server):
    for junk in (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", b"GET\r\n\r\n", b"POST / HTTP/9.9\r\n\r\n",
                 b"POST /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n", b"POST / HTTP/1.1\r\n" + b"X: y\r\n" * 200 + b"\r\n"):
        with socket.create_connection(("127.0.0.1", server[0]), timeout=30) as sock:
            sock.sendall(junk)
            sock.shutdown(socket.SHUT_WR)
            reply = b""
            while chunk := sock.recv(65536):
                reply += chunk
        if reply.startswith(b"HTTP/"):
            assert 400 <= int(reply.split(b" ", 2)[1]) < 500, reply[:300]
            reply = reply.split(b"\r\n\r\n", 1)[1]
        # An HTTP/0.9 request line is answered with the body alone, as HTTP/0.9 has no headers.
        assert json.loads(reply)["__type"], reply[:300]


@pytest.mark.parametrize("method, body, status, code", [
    ("POST", b"[" * 5000 + b"]" * 5000, 400, "SerializationException"),  # once a 500: RecursionError
    ("POST", b'{"KeyId":' * 3000 + b'"x"' + b"}" * 3000, 400, "SerializationException"),
    ("POST", b"\xff\xfe{}", 400, "SerializationException"),
    ("TRACE", b"{}", 405, "UnknownOperationException"),  # once 501 and an HTML page
    ("FOO", b"", 405, "UnknownOperationException"),
], ids=["nested-array", "nested-object", "not-utf8", "trace", "unknown-method"])
def test_requests_the_fuzzing_found(server, method, body, status, code):
    headers = {"X-Amz-Target": "TrentService.DescribeKey", "Authorization": SIGNED}
    answer, _, payload = send(server[0], method, headers, body, str(len(body)))
    assert (answer, json.loads(payload)["__type"]) == (status, code)


@pytest.mark.parametrize("body, status", [
    (b'{"KeyId": NaN}', 400), (b'{"KeyId": "x", "GrantTokens": [Infinity]}', 400),  # once 500s
], ids=["nan", "infinity"])
def test_numbers_json_has_not_are_refused(server, body, status):
    headers = {"X-Amz-Target": "TrentService.DescribeKey", "Authorization": SIGNED}
    answer, _, payload = send(server[0], "POST", headers, body, str(len(body)))
    assert (answer, json.loads(payload)["__type"]) == (status, "SerializationException")


@pytest.mark.parametrize("length, status", [("9" * 5000, 413), ("\udcb2", 400)], ids=["5000-digits", "superscript"])
def test_content_lengths_that_once_closed_the_connection_unanswered(server, length, status):
    headers = {"X-Amz-Target": "TrentService.ListKeys", "Authorization": SIGNED}
    assert send(server[0], "POST", headers, b"{}", length)[0] == status


def test_a_request_line_holding_escape_sequences(server):
    """Answered, and logged with its control characters escaped (the fixture reads the log)."""
    with socket.create_connection(("127.0.0.1", server[0]), timeout=30) as sock:
        sock.sendall(b"POST /\x1b]2;owned\x07\x1b[2J HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n"
                     b"X-Amz-Target: TrentService.ListKeys\r\nAuthorization: " + SIGNED.encode() + b"\r\n\r\n{}")
        sock.shutdown(socket.SHUT_WR)
        response = http.client.HTTPResponse(sock, method="POST")
        response.begin()
        assert response.status == 200


@pytest.mark.parametrize("params, code", [
    ({"MaxResults": []}, "SerializationException"),  # once a 500: TypeError
    ({"LookupAttributes": ["EventName"]}, "InvalidLookupAttributesException"),  # once a 500: AttributeError
], ids=["max-results-list", "attribute-not-a-structure"])
def test_lookup_events_members_the_fuzzing_found(server, params, code):
    headers = {"X-Amz-Target": f"{PREFIX['cloudtrail']}.LookupEvents", "Authorization": SIGNED}
    body = json.dumps(params).encode()
    answer, _, payload = send(server[0], "POST", headers, body, str(len(body)))
    assert (answer, json.loads(payload)["__type"]) == (400, code)
