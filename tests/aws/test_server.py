"""The local endpoint, driven by boto3 and by the real AWS CLI v1 as an operator would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import urllib.request

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config

from hsmshell.aws.server import Endpoint

from ..conftest import STORE_ID

KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


@pytest.fixture
def endpoint(world_path):
    server = Endpoint(world_path).start()  # port 0: a free port, read back
    yield server
    server.stop()


def client(endpoint, service="kms", secret=SECRET):
    return boto3.client(service, endpoint_url=endpoint.url, region_name="us-west-2",
                        aws_access_key_id=KEY, aws_secret_access_key=secret,
                        config=Config(retries={"max_attempts": 1}))


@pytest.fixture
def aws(endpoint, tmp_path):
    """The real AWS CLI v1, pointed at the endpoint the way `hsmshell env` says."""
    path = shutil.which("aws")
    assert path, "the AWS CLI is a test dependency (pip install '.[test]')"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ENDPOINT_URL=endpoint.url, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET,
               AWS_DEFAULT_REGION="us-west-2", AWS_CONFIG_FILE=str(tmp_path / "none"),
               AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"))

    def run(line: str) -> subprocess.CompletedProcess:
        return subprocess.run([path] + line.split()[1:], capture_output=True, text=True, env=env, timeout=60)
    return run


def test_the_runbook_with_boto3(endpoint):
    kms = client(endpoint)
    assert kms.disconnect_custom_key_store(CustomKeyStoreId=STORE_ID)["ResponseMetadata"]["HTTPStatusCode"] == 200
    with pytest.raises(kms.exceptions.CustomKeyStoreInvalidStateException):
        kms.disconnect_custom_key_store(CustomKeyStoreId=STORE_ID)
    key = kms.describe_key(KeyId="1234abcd-12ab-34cd-56ef-1234567890ab")["KeyMetadata"]
    assert key["KeyState"] == "Unavailable" and key["CreationDate"].year == 2017
    kms.connect_custom_key_store(CustomKeyStoreId=STORE_ID)
    store = kms.describe_custom_key_stores(CustomKeyStoreId=STORE_ID)["CustomKeyStores"][0]
    assert store["ConnectionState"] == "CONNECTED"


def test_the_seed_commands_with_the_real_aws_cli(endpoint, aws, doors):
    # "How to log in as kmsuser", with its CMU step done through the console door.
    done = aws(f"aws kms disconnect-custom-key-store --custom-key-store-id {STORE_ID}")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert "Changing password for kmsuser(CU) on 3 nodes" in doors.cmu(
        "loginHSM CO admin co12345\nchangePswd CU kmsuser tempPassword\ny\nquit\n")
    done = aws(f"aws kms update-custom-key-store --custom-key-store-id {STORE_ID} --key-store-password tempPassword")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert aws(f"aws kms connect-custom-key-store --custom-key-store-id {STORE_ID}").returncode == 0
    done = aws(f"aws kms describe-custom-key-stores --custom-key-store-id {STORE_ID}")
    store = json.loads(done.stdout)["CustomKeyStores"][0]
    assert store["ConnectionState"] == "CONNECTED" and store["CreationDate"] == 1499288695.918
    assert done.stdout == doors.aws("kms", "describe-custom-key-stores", "--custom-key-store-id", STORE_ID)[1]
    # "How to recover deleted key material", step 1.
    done = aws("aws cloudhsmv2 describe-backups --filters clusterIds=cluster-1a23b4cdefg")
    backup = json.loads(done.stdout)["Backups"][0]
    assert (backup["ClusterId"], backup["BackupId"], backup["CreateTimestamp"], backup["BackupState"]) == (
        "cluster-1a23b4cdefg", "backup-9g87f6edcba", 1536667238.328, "READY")


def test_errors_reach_the_cli_as_aws_sends_them(aws):
    done = aws("aws kms connect-custom-key-store --custom-key-store-id cks-0000000000000000f")
    assert done.returncode == 255 and done.stdout == ""
    assert done.stderr == ("\nAn error occurred (CustomKeyStoreNotFoundException) when calling the "
                           "ConnectCustomKeyStore operation: Custom key store cks-0000000000000000f does "
                           "not exist in this account and Region.\n")


def test_signatures_are_checked_when_asked(world_path):
    server = Endpoint(world_path, credentials={KEY: SECRET}).start()
    try:
        assert client(server).list_keys()["Keys"]
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            client(server, secret="not-the-secret").list_keys()
        assert caught.value.response["Error"]["Code"] == "InvalidSignatureException"
        unsigned = urllib.request.Request(server.url, data=b"{}", method="POST", headers={
            "X-Amz-Target": "TrentService.ListKeys", "Content-Type": "application/x-amz-json-1.1"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(unsigned, timeout=10)
        assert refused.value.code == 403
        assert json.loads(refused.value.read())["__type"] == "MissingAuthenticationTokenException"
    finally:
        server.stop()


@pytest.mark.parametrize("method, headers, body, status, code", [
    ("POST", {"X-Amz-Target": "TrentService.ListKeys"}, b"x" * (1024 * 1024 + 1), 413,
     "RequestEntityTooLargeException"),
    ("GET", {}, None, 405, "UnknownOperationException"),
    ("POST", {"X-Amz-Target": "NoSuchService.Foo"}, b"{}", 400, "UnknownOperationException"),
    ("POST", {"X-Amz-Target": "TrentService.ListKeys", "Authorization": "AWS4-HMAC-SHA256 nonsense"}, b"{}",
     400, "IncompleteSignatureException"),
])
def test_hostile_requests_get_a_clear_error(endpoint, method, headers, body, status, code):
    request = urllib.request.Request(endpoint.url, data=body, method=method, headers=headers)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == status
    assert json.loads(refused.value.read() or b"{}").get("__type") == code


def test_bad_json_is_a_serialization_error(endpoint):
    kms = client(endpoint)
    request = urllib.request.Request(endpoint.url, data=b"[1,2", method="POST", headers={
        "X-Amz-Target": "TrentService.ListKeys",
        "Authorization": f"AWS4-HMAC-SHA256 Credential={KEY}/20261129/us-west-2/kms/aws4_request, "
                         "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert (refused.value.code, json.loads(refused.value.read())["__type"]) == (400, "SerializationException")
    assert kms.list_keys()["Keys"]  # and the server is still serving


def test_clients_and_shells_at_once_lose_no_change(endpoint, store, doors):
    """Four boto3 clients and two shell sessions commit to one world at the same time."""
    before = store.read()
    start_revision = before.revision
    start_events = sum(e["eventName"] == "DescribeCustomKeyStores" for e in before.trail)
    with store.transaction() as world:
        world.settings.trail_limit = 10_000
    errors = []

    def describe_many():
        try:
            kms = client(endpoint)
            for _ in range(40):
                kms.describe_custom_key_stores(CustomKeyStoreId=STORE_ID)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    def shell_many():
        try:
            doors.cmu("loginHSM CO admin co12345\nlogoutHSM\n" * 10 + "quit\n")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=describe_many) for _ in range(4)]
    threads += [threading.Thread(target=shell_many) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    after = store.read()
    events = sum(e["eventName"] == "DescribeCustomKeyStores" for e in after.trail)
    assert events - start_events == 160
    # commits: 1 setting + 2 shells x (10 logins + 10 logouts); a describe only records its event
    assert after.revision - start_revision == 1 + 2 * 20


# -- the HTTP the endpoint speaks ----------------------------------------------------------------

SIGNED = (f"AWS4-HMAC-SHA256 Credential={KEY}/20261129/us-west-2/kms/aws4_request, "
          "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64)


def exchange(endpoint, *requests: bytes, timeout: float = 10) -> bytes:
    """Requests written on one connection, and everything the server sent back until it closed."""
    import socket

    with socket.create_connection((endpoint.host, endpoint.port), timeout=timeout) as sock:
        for request in requests:
            sock.sendall(request)
        sock.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


def list_keys(extra: str = "", body: bytes = b"{}", version: str = "HTTP/1.1") -> bytes:
    return (f"POST / {version}\r\nX-Amz-Target: TrentService.ListKeys\r\nAuthorization: {SIGNED}\r\n"
            f"Content-Length: {len(body)}\r\n{extra}\r\n").encode() + body


def test_one_connection_carries_many_requests_each_answered_in_order(endpoint):
    received = exchange(endpoint, list_keys() * 3 + list_keys(body=b"[]"))
    import re

    assert re.findall(rb"HTTP/1\.1 \d+ [A-Za-z ]+", received) == [b"HTTP/1.1 200 OK"] * 3 + [b"HTTP/1.1 400 Bad Request"]
    assert received.count(b'"KeyId"') == 3 * 2 and b"SerializationException" in received


@pytest.mark.parametrize("arrives", ["whole", "LF-ended", "after blank lines", "in pieces"])
def test_a_request_head_is_read_alike_however_it_arrives(endpoint, arrives):
    """Read at one go when the buffer holds it whole and CRLF-ended (what SDKs send), by lines
    otherwise: the answer is the same."""
    import time

    request = list_keys()
    if arrives == "LF-ended":
        request = request.replace(b"\r\n", b"\n")
    if arrives == "after blank lines":
        request = b"\r\n\n\r\n" + request
    pieces = [request[:20], request[20:60], request[60:]] if arrives == "in pieces" else [request]
    import socket

    with socket.create_connection((endpoint.host, endpoint.port), timeout=10) as sock:
        for piece in pieces:
            sock.sendall(piece)
            time.sleep(0.05 if arrives == "in pieces" else 0)  # each piece read on its own
        sock.sendall(list_keys("Connection: close\r\n"))
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    assert received.count(b"HTTP/1.1 200 OK\r\n") == 2 and received.count(b'"KeyId"') == 2 * 2


def test_a_client_that_asks_to_continue_is_told_to(endpoint):
    received = exchange(endpoint, list_keys("Expect: 100-continue\r\n"))
    assert received.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n")


@pytest.mark.parametrize("request_bytes, status, message", [
    (list_keys("Transfer-Encoding: chunked\r\n"), 411, b"Content-Length"),
    (b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400, b"not a number"),
    (b"POST / HTTP/1.1\r\nbroken header\r\n\r\n", 400, b"header could not be parsed"),
    (b"POST / HTTP/1.1\r\n" + b"X-A: b\r\n" * 101 + b"\r\n", 431, b"Too many headers"),
    (b"POST /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n", 414, b"too long"),
    (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 TLS\r\n\r\n", 400, b"could not be parsed"),
])
def test_what_is_not_http_as_aws_clients_send_it_gets_a_json_error_and_a_close(endpoint, request_bytes, status,
                                                                                message):
    received = exchange(endpoint, request_bytes + list_keys())
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(f"HTTP/1.1 {status} ".encode()) and b"Connection: close" in head
    assert message in body and json.loads(body)["__type"]
    assert received.count(b"HTTP/1.1 ") == 1  # nothing after it is taken for a request


def test_a_body_cut_short_gets_an_error(endpoint):
    received = exchange(endpoint, b"POST / HTTP/1.1\r\nContent-Length: 12\r\n\r\n{}")
    assert received.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert b"shorter than its Content-Length" in received


def test_an_http_1_0_client_gets_its_answer_and_a_close(endpoint):
    received = exchange(endpoint, list_keys(version="HTTP/1.0") + list_keys())
    assert received.count(b"HTTP/1.1 200 OK") == 1 and b"Connection: close" in received


def test_a_silent_client_is_let_go_and_others_are_served_meanwhile(endpoint, monkeypatch):
    import socket

    from hsmshell.aws import server

    monkeypatch.setattr(server._Handler, "timeout", 0.5)
    with socket.create_connection((endpoint.host, endpoint.port), timeout=10) as silent:
        silent.sendall(b"POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n{")  # and then nothing
        assert client(endpoint).list_keys()["Keys"]
        assert silent.recv(65536) == b""  # closed by the server once the idle time has passed


def test_a_response_json_cannot_hold_is_an_internal_failure_not_a_traceback(endpoint, monkeypatch):
    from hsmshell.aws import dispatch

    monkeypatch.setattr(dispatch, "call", lambda *args: {"Plaintext": b"raw bytes"})
    received = exchange(endpoint, list_keys())
    assert received.startswith(b"HTTP/1.1 500 Internal Server Error\r\n") and b"InternalFailure" in received
    monkeypatch.undo()
    assert client(endpoint).list_keys()["Keys"]  # and it still serves


def post(endpoint, target: str, params: dict) -> tuple[int, dict]:
    request = urllib.request.Request(endpoint.url, data=json.dumps(params).encode(), method="POST", headers={
        "X-Amz-Target": target, "Authorization": SIGNED, "Content-Type": "application/x-amz-json-1.1"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def test_a_service_s_typed_error_reaches_the_wire_with_its_status_and_type(endpoint, store, monkeypatch):
    from hsmshell.cloudhsmv2 import clusters
    from hsmshell.errors.cloudhsmv2 import CloudHsmInternalFailureException
    from hsmshell.errors.kms import KMSInternalException
    from hsmshell.kms import custom_key_stores

    assert post(endpoint, "TrentService.DisconnectCustomKeyStore", {"CustomKeyStoreId": "cks-0000000000000000f"}) == (
        400, {"__type": "CustomKeyStoreNotFoundException",
              "message": "Custom key store cks-0000000000000000f does not exist in this account and Region."})

    def fails(error):
        def service(*args, **kwargs):
            raise error
        return service
    # Nothing in a world makes the services fail inside: a fault stands in for them.
    monkeypatch.setattr(custom_key_stores, "connect", fails(KMSInternalException("KMS failed.")))
    monkeypatch.setattr(clusters, "describe", fails(CloudHsmInternalFailureException("CloudHSM failed.")))
    assert post(endpoint, "TrentService.ConnectCustomKeyStore", {"CustomKeyStoreId": STORE_ID}) == (
        500, {"__type": "KMSInternalException", "message": "KMS failed."})
    assert post(endpoint, "BaldrApiService.DescribeClusters", {}) == (
        500, {"__type": "CloudHsmInternalFailureException", "Message": "CloudHSM failed."})
    assert [(e["eventName"], e.get("errorCode")) for e in store.read().trail][-2:] == [
        ("ConnectCustomKeyStore", "KMSInternalException"), ("DescribeClusters", "CloudHsmInternalFailureException")]


# -- what a hostile or careless client cannot do (issue 15) -------------------------------------

@pytest.mark.parametrize("body", [b'{"Limit": NaN}', b'{"Limit": Infinity}', b'{"Limit": -Infinity}',
                                  b'{"Limit": 1e400}'])
def test_numbers_json_does_not_have_are_a_serialization_error(endpoint, body):
    received = exchange(endpoint, list_keys(body=body))
    assert received.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert json.loads(received.partition(b"\r\n\r\n")[2])["__type"] == "SerializationException"


@pytest.mark.parametrize("length, status", [(b"\xb2", 400), ("\u0662".encode(), 400), (b"9" * 5000, 413),
                                            (b"0" * 30 + b"2", 200)],
                         ids=["superscript-two", "arabic-two", "5000-digits", "leading-zeros"])
def test_a_content_length_that_int_refuses_is_answered(endpoint, length, status):
    """Once these closed the connection without a word: str.isdigit took them, int() did not."""
    request = (f"POST / HTTP/1.1\r\nX-Amz-Target: TrentService.ListKeys\r\nAuthorization: {SIGNED}\r\n"
               "Content-Length: ").encode() + length + b"\r\n\r\n{}"
    received = exchange(endpoint, request)
    assert received.startswith(f"HTTP/1.1 {status} ".encode()), received[:200]


def test_the_log_shows_control_characters_escaped(world_path):
    lines: list[str] = []
    server = Endpoint(world_path, log=lines.append).start()
    try:
        exchange(server, b"POST /\x1b]0;owned\x07\x1b[2J\x9b31m\"x\\ HTTP/1.1\r\nContent-Length: 2\r\n"
                         b"X-Amz-Target: TrentService.ListKeys\r\nAuthorization: " + SIGNED.encode() + b"\r\n\r\n{}")
    finally:
        server.stop()
    assert lines == ['127.0.0.1 "POST /\\x1b]0;owned\\x07\\x1b[2J\\x9b31m\\x22x\\x5c HTTP/1.1" 200 -']


def test_connections_opened_at_once_all_reach_the_server(world_path):
    """The listen backlog holds connections the server has not accepted yet: with
    socketserver's 5, the rest waited for the kernel's SYN retry a second later."""
    import select
    import socket

    server = Endpoint(world_path)  # listening, not yet accepting
    sockets = [socket.socket() for _ in range(60)]
    try:
        for sock in sockets:
            sock.setblocking(False)
            sock.connect_ex((server.host, server.port))
        pending = set(sockets)
        for _ in range(20):  # a bounded wait for the handshakes, well under the SYN retry
            _, writable, _ = select.select([], list(pending), [], 0.02)
            pending -= set(writable)
            if not pending:
                break
        connected = [s for s in sockets if s not in pending and s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0]
        assert len(connected) == len(sockets)
        server.start()
        for sock in sockets:
            sock.setblocking(True)
            sock.settimeout(10)
            sock.sendall(list_keys("Connection: close\r\n"))
            assert sock.recv(65536).startswith(b"HTTP/1.1 200 OK\r\n")
    finally:
        for sock in sockets:
            sock.close()
        server.stop()


def test_a_request_trickling_in_is_cut_off_at_its_deadline(endpoint, monkeypatch):
    import select
    import socket
    import time

    from hsmshell.aws import server

    monkeypatch.setattr(server, "REQUEST_DEADLINE", 1.0)
    with socket.create_connection((endpoint.host, endpoint.port), timeout=10) as slow:
        slow.sendall(b"POST / HTTP/1.1\r\n")
        answer = b""
        for _ in range(100):  # a header byte every 0.1 s, each well within the idle timeout
            time.sleep(0.1)
            try:
                slow.sendall(b"X")
            except OSError:  # reset: the server has answered and closed
                break
            if select.select([slow], [], [], 0)[0]:
                answer = slow.recv(65536)
                break
        assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n") and b"RequestTimeoutException" in answer
    assert client(endpoint).list_keys()["Keys"]


def test_connections_beyond_the_limit_are_answered_503_and_later_served(world_path, monkeypatch):
    import socket
    import time

    from hsmshell.aws import server as module

    monkeypatch.setattr(module, "MAX_CONNECTIONS", 2)
    server = Endpoint(world_path).start()
    try:
        held = [socket.create_connection((server.host, server.port), timeout=10) for _ in range(2)]
        for sock in held:  # each has its thread: one answered request proves it
            sock.sendall(list_keys())
            assert sock.recv(65536).startswith(b"HTTP/1.1 200 OK")
        refused = exchange(server, list_keys())
        assert refused.startswith(b"HTTP/1.1 503 Service Unavailable\r\n") and b"Connection: close" in refused
        assert json.loads(refused.partition(b"\r\n\r\n")[2])["__type"] == "ServiceUnavailableException"
        held.pop().close()
        for _ in range(100):  # the closed connection's thread ends soon after
            answer = exchange(server, list_keys())
            if not answer.startswith(b"HTTP/1.1 503"):
                break
            time.sleep(0.05)
        assert answer.startswith(b"HTTP/1.1 200 OK")
        held[0].close()
    finally:
        server.stop()


@pytest.mark.parametrize("offset_minutes, text", [
    (-16, "Signature expired: {stamp} is now earlier than"),
    (16, "Signature not yet current: {stamp} is still later than"),
])
def test_a_request_signed_more_than_15_minutes_away_is_refused(world_path, monkeypatch, offset_minutes, text):
    import datetime
    import re

    import botocore.auth

    server = Endpoint(world_path, credentials={KEY: SECRET}).start()
    try:
        kms = client(server)
        assert kms.list_keys()["Keys"]
        when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=offset_minutes)
        monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: when.replace(tzinfo=None))
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            kms.list_keys()
        error = caught.value.response["Error"]
        stamp = when.strftime("%Y%m%dT%H%M%SZ")
        sign = "-" if offset_minutes < 0 else "+"
        assert error["Code"] == "InvalidSignatureException"
        assert re.fullmatch(re.escape(text.format(stamp=stamp)) + rf" \d{{8}}T\d{{6}}Z \(\d{{8}}T\d{{6}}Z {re.escape(sign)} "
                            r"15 min\.\)", error["Message"]), error["Message"]
        when = datetime.datetime(2015, 8, 30, 12, 36, tzinfo=datetime.timezone.utc)  # the lambda reads it
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            kms.list_keys()
        assert caught.value.response["Error"]["Message"].startswith(
            "Signature expired: 20150830T123600Z is now earlier than ")
    finally:
        server.stop()


def test_the_signature_date_is_real_time_even_in_a_world_frozen_in_the_past(world_path, store):
    """The client signs with its own clock; a lab's world may stand still years ago."""
    from hsmshell.world import clock

    with store.transaction() as world:
        world.clock.frozen_at = 1440938160.0  # 2015-08-30T12:36:00Z
        assert clock.now(world) == 1440938160.0
    server = Endpoint(world_path, credentials={KEY: SECRET}).start()
    try:
        assert client(server).describe_custom_key_stores(CustomKeyStoreId=STORE_ID)["CustomKeyStores"]
    finally:
        server.stop()


@pytest.mark.parametrize("host, status", [
    (None, 200), ("127.0.0.1:{port}", 200), ("localhost:{port}", 200), ("LOCALHOST", 200), ("127.0.0.1", 200),
    ("evil.example:{port}", 421), ("evil.example", 421), ("127.0.0.1:1", 421), ("localhost.evil.example:{port}", 421),
    ("10.1.2.3:{port}", 421),
])
def test_only_requests_for_this_endpoint_are_served_against_dns_rebinding(endpoint, host, status):
    extra = f"Host: {host.format(port=endpoint.port)}\r\n" if host else ""
    received = exchange(endpoint, list_keys(extra))
    assert received.startswith(f"HTTP/1.1 {status} ".encode()), received[:300]
    if status != 200:
        body = json.loads(received.partition(b"\r\n\r\n")[2])
        assert body["__type"] == "BadRequestException" and "DNS rebinding" in body["message"]


def test_bound_to_every_address_any_ip_is_served_but_no_other_name(world_path):
    server = Endpoint(world_path, host="0.0.0.0").start()
    try:
        with_host = lambda host: exchange(server, list_keys(f"Host: {host}\r\n"))  # noqa: E731
        assert with_host(f"10.1.2.3:{server.port}").startswith(b"HTTP/1.1 200 ")
        assert with_host(f"[::1]:{server.port}").startswith(b"HTTP/1.1 200 ")
        assert with_host(f"localhost:{server.port}").startswith(b"HTTP/1.1 200 ")
        assert with_host(f"evil.example:{server.port}").startswith(b"HTTP/1.1 421 ")
        assert with_host("10.1.2.3:1").startswith(b"HTTP/1.1 421 ")
    finally:
        server.stop()


def test_a_stop_signal_while_a_connection_is_handed_to_its_thread_stops_the_server(world_path, monkeypatch):
    """`serve` turns SIGTERM into KeyboardInterrupt, which can arrive while the accepting thread
    waits for a new connection's thread to start.  Once that was taken for a failed start: the
    slot was given back twice, the ValueError swallowed by socketserver, and the server went on."""
    import socket
    import threading

    server = Endpoint(world_path)
    start = threading.Thread.start

    def started_then_interrupted(thread):
        start(thread)
        thread.join(10)  # the connection is served (the client has gone) and its slot given back
        raise KeyboardInterrupt

    try:
        socket.create_connection((server.host, server.port), timeout=10).close()
        monkeypatch.setattr(threading.Thread, "start", started_then_interrupted)
        with pytest.raises(KeyboardInterrupt):
            server.httpd._handle_request_noblock()  # socketserver's own step, as serve_forever takes it
    finally:
        monkeypatch.undo()
        server.stop()
