"""Issue 15, abuse 3: the body cap holds whatever the client claims. A chunked
body (no Content-Length) larger than the cap is cut off as it is read: the
server answers 413 and stops reading, instead of taking it all in first."""

from __future__ import annotations

import socket
import threading

import pytest

from bot.web.app import MAX_BODY_BYTES

CHUNK = 64 * 1024
TOTAL = 64 * 1024 * 1024  # far more than socket buffers hold, so the server must stop reading to answer


def chunked_post(base_url: str, path: str, total: int) -> tuple[bytes, int]:
    """POST `total` bytes as a chunked body over a raw socket; returns what the
    server answered and how many body bytes were sent before it hung up."""
    host, port = base_url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=30)
    answer = bytearray()

    def read() -> None:
        try:
            while chunk := sock.recv(65536):
                answer.extend(chunk)
        except OSError:
            pass

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    sent = 0
    try:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\n\r\n".encode()
        )
        block = b'{"text": "' + b"a" * CHUNK
        while sent < total and not answer:
            sock.sendall(b"%x\r\n%s\r\n" % (len(block), block))
            sent += len(block)
            block = b"a" * CHUNK
        if sent >= total:
            sock.sendall(b'3\r\n"}\n\r\n0\r\n\r\n')
    except OSError:  # the server closed the connection on us: what we want
        pass
    reader.join(timeout=30)
    sock.close()
    return bytes(answer), sent


@pytest.mark.timeout(120)
def test_a_chunked_body_over_the_cap_is_cut_off_with_413(app, live_server):
    base = live_server(app)
    answer, sent = chunked_post(base, "/api/conversations", TOTAL)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"Request too large" in answer
    assert sent < TOTAL // 4  # the server stopped reading long before the end


@pytest.mark.timeout(120)
def test_chunked_bodies_within_the_cap_still_work(app, live_server):
    base = live_server(app)
    host, port = base.removeprefix("http://").split(":")
    body = b'{"lang": "fr"}'
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(
            f"POST /api/conversations HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n".encode()
            + b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
        )
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 201"), answer[:200]


def test_a_declared_length_over_the_cap_is_refused_before_reading(http):
    response = http.post(
        "/api/conversations", content=b"x" * (MAX_BODY_BYTES + 1), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413 and "Request too large" in response.json()["detail"]


def test_a_streamed_body_over_the_cap_is_refused_in_process(http):
    """Through TestClient too (no Content-Length: a generator body is sent chunked)."""

    def body():
        yield b'{"lang": "'
        for _ in range(MAX_BODY_BYTES // CHUNK + 2):
            yield b"e" * CHUNK
        yield b'"}'

    response = http.post("/api/conversations", content=body(), headers={"content-type": "application/json"})
    assert response.status_code == 413
