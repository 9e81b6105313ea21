"""The provider HTTP client against real local servers: connections kept open and reused,
a connection the server closed while idle replaced without sending twice, redirects, and
errors sorted for retrying."""

import socket
import threading
from http.server import ThreadingHTTPServer

import pytest

from aduan.channels import http
from aduan.channels.tests.fake_server import KeptOpenHandler


class Server:
    """HTTP/1.1 on 127.0.0.1 recording each connection and request. `close_after` closes
    a connection silently after that many answers (as a server ends an idle keep-alive
    connection); `routes` maps a path to (status, headers, body)."""

    def __init__(self, close_after: int = 0, routes: dict | None = None):
        self.connections = 0
        self.requests: list[tuple[str, str, str]] = []  # (method, path, Authorization)
        self.lock = threading.Lock()
        server = self

        class Handler(KeptOpenHandler):
            def setup(self):
                super().setup()
                self.answered = 0
                with server.lock:
                    server.connections += 1

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                with server.lock:
                    server.requests.append((self.command, self.path,
                                            self.headers.get("Authorization", "")))
                status, headers, body = (routes or {}).get(
                    self.path, (200, {"Content-Type": "application/json"}, b'{"ok": true}'))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if headers.get("Transfer-Encoding") == "chunked":
                    self.end_headers()
                    for piece in (body[:5], body[5:]):
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                    self.wfile.write(b"0\r\n\r\n")
                else:
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                self.wfile.flush()
                self.answered += 1
                if close_after and self.answered >= close_after:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)

            do_GET = do_POST = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def server():
    started = []

    def start(**kwargs):
        started.append(Server(**kwargs))
        return started[-1]

    yield start
    for s in started:
        s.stop()


def test_requests_to_one_host_share_one_connection(server):
    srv = server()
    for n in range(5):
        answer = http.request("POST", f"{srv.url}/v23.0/1/messages", json_body={"n": n},
                              token="secret")
        assert answer.status == 200 and answer.json() == {"ok": True}
    assert srv.connections == 1 and len(srv.requests) == 5


def test_a_connection_closed_by_the_server_while_idle_is_replaced_and_nothing_sent_twice(
        server):
    srv = server(close_after=1)
    for n in range(3):
        assert http.request("POST", f"{srv.url}/send", json_body={"n": n}).status == 200
    assert [path for _, path, _ in srv.requests] == ["/send"] * 3  # each once
    assert srv.connections == 3


def test_a_connection_idle_too_long_is_not_reused(server, monkeypatch):
    monkeypatch.setattr(http, "IDLE_SECONDS", -1.0)
    srv = server()
    for _ in range(3):
        http.request("GET", f"{srv.url}/ping")
    assert srv.connections == 3


def test_a_chunked_answer_is_read_whole_and_the_connection_kept(server):
    srv = server(routes={"/chunked": (200, {"Transfer-Encoding": "chunked",
                                            "Content-Type": "application/json"},
                                      b'{"result": [1, 2, 3]}')})
    assert http.request("GET", f"{srv.url}/chunked").json() == {"result": [1, 2, 3]}
    assert http.request("GET", f"{srv.url}/chunked").status == 200
    assert srv.connections == 1


def test_a_redirect_is_followed_and_the_token_stays_with_its_host(server):
    cdn = server()
    graph = server(routes={
        "/same": (302, {"Location": "/media"}, b""),
        "/elsewhere": (302, {"Location": f"http://localhost:{cdn.port}/file.jpg"}, b""),
    })
    assert http.request("GET", f"{graph.url}/same", token="secret").status == 200
    assert graph.requests[-1] == ("GET", "/media", "Bearer secret")
    assert http.request("GET", f"{graph.url}/elsewhere", token="secret").status == 200
    assert cdn.requests == [("GET", "/file.jpg", "")]


def test_errors_are_sorted_for_retrying(server):
    srv = server(routes={
        "/busy": (503, {"Retry-After": "7"}, b'{"error": {"message": "later", "code": 2}}'),
        "/bad": (400, {}, b'{"error": {"message": "Invalid parameter", "code": 100}}'),
        "/big": (200, {}, b"x" * 100),
    })
    with pytest.raises(http.Retryable) as busy:
        http.request("POST", f"{srv.url}/busy", json_body={})
    assert busy.value.status == 503 and busy.value.retry_after == 7 and busy.value.code == 2
    with pytest.raises(http.Rejected) as bad:
        http.request("POST", f"{srv.url}/bad", json_body={})
    assert bad.value.code == 100 and "Invalid parameter" in str(bad.value)
    with pytest.raises(http.Rejected, match="larger than 10 bytes"):
        http.request("GET", f"{srv.url}/big", limit=10)
    assert http.request("GET", f"{srv.url}/ok").status == 200  # the connection still serves
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    with pytest.raises(http.Retryable):
        http.request("GET", f"http://127.0.0.1:{port}/nobody")


def test_a_silent_server_is_a_timeout_to_retry(server):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with pytest.raises(http.Retryable, match="timeout"):
            http.request("GET", f"http://127.0.0.1:{port}/slow", timeout=0.3)
