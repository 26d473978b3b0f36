"""The clients' sans-IO core without any socket: ``_http`` (HTTP/1.1 bytes), ``_exchange``
(the request procedure, driven here by a scripted fake driver) and ``_redact``.

Every response is read whole, one byte at a time and at every split, with the same
result; trailing garbage and oversized pieces raise orsse's own error; random bytes
give a result or ``ProtocolError``, never anything else (the h11 invariant).
"""

from __future__ import annotations

import json
import random
from typing import TYPE_CHECKING

import pytest

import orsse
from orsse import _exchange
from orsse._client import ClientConfig, Timeout
from orsse._exchange import Connect, Discard, Receive, Reuse, Send, Sleep, StartTLS, TimedOut, open_stream
from orsse._http import Headers, ResponseParser, request_bytes
from orsse._redact import Redactor

if TYPE_CHECKING:
    from typing import Any, List, Sequence, Tuple

KEY = "sk-or-v1-test-SECRET-0123456789abcdef"


def read(pieces: Sequence[bytes]) -> Tuple[Any, bytes, ResponseParser]:
    """Feed *pieces* as a connection would: the head first, then the body."""
    parser = ResponseParser()
    head = None
    body: List[bytes] = []
    for piece in pieces:
        if head is None:
            head = parser.feed_head(piece)
            if head is not None:
                body.append(parser.pending())
        else:
            body.append(parser.feed_body(piece))
    if parser.error is not None:  # the bytes before it were returned first
        raise parser.error
    return head, b"".join(body), parser


def splits(data: bytes) -> List[List[bytes]]:
    """Whole, one byte at a time, and cut at every offset."""
    cuts = [[data], [data[i : i + 1] for i in range(len(data))]]
    cuts += [[data[:i], data[i:]] for i in range(1, len(data))]
    return cuts


CHUNKED = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n"
    b"X-Generation-Id: gen-1\r\nSet-Cookie: a\r\nSet-Cookie: b\r\n\r\n"
    b"6\r\ndata: \r\n"
    b"18;ext=1\r\n{\"a\": 1}\n\ndata: [DONE]\n\n\r\n"
    b"0\r\nX-Trailer: yes\r\n\r\n"
)
CHUNKED_BODY = b'data: {"a": 1}\n\ndata: [DONE]\n\n'


@pytest.mark.parametrize("pieces", splits(CHUNKED), ids=lambda p: f"{len(p)}-pieces")
def test_a_chunked_response_however_it_is_cut(pieces: List[bytes]) -> None:
    head, body, parser = read(pieces)
    assert (head.version, head.status, head.reason) == ("HTTP/1.1", 200, "OK")
    assert head.headers["content-type"] == "text/event-stream"
    assert head.headers.get_all("set-cookie") == ["a", "b"] and head.headers["Set-Cookie"] == "a, b"
    assert body == CHUNKED_BODY
    assert parser.complete and parser.keep_alive


def test_content_length_and_close_delimited_bodies() -> None:
    data = b"HTTP/1.1 500 Oops\r\nContent-Length: 5\r\n\r\nhello"
    for pieces in splits(data):
        head, body, parser = read(pieces)
        assert (head.status, head.reason, body, parser.complete, parser.keep_alive) == (500, "Oops", b"hello", True, True)
    data = b"HTTP/1.0 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: x\n\n"
    for pieces in splits(data):
        head, body, parser = read(pieces)
        assert body == b"data: x\n\n" and not parser.complete
        assert parser.end_of_input() and not parser.keep_alive


def test_interim_responses_and_bare_line_feeds() -> None:
    data = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\nContent-Length: 2\nX-Folded: a\n b\n\nhi"
    for pieces in splits(data):
        head, body, _ = read(pieces)
        assert head.status == 200 and body == b"hi" and head.headers["x-folded"] == "a b"


def test_connection_close_and_http_10_are_not_kept_alive() -> None:
    _, _, parser = read([b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"])
    assert parser.complete and not parser.keep_alive
    _, _, parser = read([b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n"])
    assert parser.keep_alive


def test_bytes_after_the_body_end_reuse() -> None:
    _, body, parser = read([b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiGARBAGE"])
    assert body == b"hi" and parser.complete and not parser.keep_alive
    _, body, parser = read([CHUNKED + b"HTTP/1.1 200 OK"])
    assert body == CHUNKED_BODY and not parser.keep_alive


def test_a_cut_body_is_not_whole() -> None:
    _, body, parser = read([CHUNKED[:-20]])
    assert not parser.complete and not parser.end_of_input()


@pytest.mark.parametrize(
    "data, message",
    [
        (b"SPDY/3 200 OK\r\n\r\n", "status line"),
        (b"HTTP/1.1 2000 OK\r\n\r\n", "status line"),
        (b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "malformed"),
        (b"HTTP/1.1 200 OK\r\n : x\r\n\r\n", "malformed"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\n", "conflicting"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "invalid Content-Length"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "does not decode"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "hexadecimal"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", "past its declared size"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + b"1" * 2000, "chunk-size line"),
        (b"HTTP/1.1 200 OK\r\n" + b"X-A: b\r\n" * 300 + b"\r\n", "more than"),
        (b"HTTP/1.1 200 OK\r\nX: " + b"a" * 70000, "larger than"),
    ],
)
def test_garbage_raises_protocol_error(data: bytes, message: str) -> None:
    with pytest.raises(orsse.ProtocolError, match=message):
        read([data])
    with pytest.raises(orsse.ProtocolError, match=message):
        read([data[i : i + 1] for i in range(len(data))])


def test_body_bytes_before_a_broken_chunk_come_first() -> None:
    parser = ResponseParser()
    assert parser.feed_head(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n") is not None
    assert parser.feed_body(b"3\r\nabc\r\nzz\r\n") == b"abc"
    assert isinstance(parser.error, orsse.ProtocolError)
    with pytest.raises(orsse.ProtocolError):
        parser.feed_body(b"more")


def test_a_huge_head_one_byte_at_a_time_stays_linear() -> None:
    """The search for the blank line resumes where it stopped: 60 KB byte by byte is quick."""
    parser = ResponseParser()
    line = b"X-Pad: " + b"a" * 300 + b"\r\n"
    data = b"HTTP/1.1 200 OK\r\n" + line * 190
    for i in range(len(data)):
        assert parser.feed_head(data[i : i + 1]) is None
    assert parser._searched >= len(data) - 3  # never back to the start
    assert parser.feed_head(b"\r\n") is not None


def test_random_bytes_parse_or_raise_protocol_error() -> None:
    rng = random.Random(10)
    alphabet = [b"HTTP/1.1 ", b"200 ", b"OK", b"\r\n", b"\n", b"Transfer-Encoding: chunked", b"Content-Length: 3",
                b": ", b"0", b"5", b"a", b";x", b"\r", b" ", b"\x00", b"\xff"]
    for _ in range(2000):
        data = b"".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 30)))
        cut = rng.randrange(len(data) + 1)
        try:
            read([data[:cut], data[cut:], b"xyz"])
        except orsse.ProtocolError:
            pass


def test_request_bytes() -> None:
    data = request_bytes("POST", "/v1/chat", [("Host", "h"), ("X-A", "b")], b"{}")
    assert data == b"POST /v1/chat HTTP/1.1\r\nHost: h\r\nX-A: b\r\nContent-Length: 2\r\n\r\n{}"


def test_headers_mapping() -> None:
    headers = Headers([("Content-Type", "a"), ("X", "1"), ("x", "2")])
    assert headers["CONTENT-TYPE"] == "a" and "content-type" in headers and 3 not in headers
    assert dict(headers) == {"content-type": "a", "x": "1, 2"} and len(headers) == 2
    import pickle

    assert pickle.loads(pickle.dumps(headers)).raw == headers.raw


# -- the procedure, driven by a script --------------------------------------------------------


def config(**options: Any) -> ClientConfig:
    values: Any = dict(
        api_key=KEY, base_url="http://api.test/v1", timeout=Timeout(1, 1), max_retries=2, headers=None,
        ssl_context=None, proxy=None, app_url=None, app_title=None,
    )
    values.update(options)
    return ClientConfig(**values)


class Script:
    """A fake driver: answers each operation from a list of responses to ``Receive``."""

    def __init__(self, replies: List[Any], pooled: bool = False) -> None:
        self.replies = list(replies)
        self.pooled = pooled
        self.ops: List[Any] = []

    def run(self, cfg: ClientConfig, endpoint: str = "chat/completions") -> Any:
        procedure = open_stream(cfg, cfg.route(endpoint), b"{}")
        result: Any = None
        thrown: Any = None
        while True:
            try:
                op = procedure.throw(thrown) if thrown is not None else procedure.send(result)
            except StopIteration as stop:
                return stop.value
            self.ops.append(op)
            result = thrown = None
            if isinstance(op, Reuse):
                result, self.pooled = self.pooled, False
            elif isinstance(op, Receive):
                reply = self.replies.pop(0)
                if isinstance(reply, BaseException):
                    thrown = reply
                else:
                    result = reply
            elif isinstance(op, Connect) and self.replies and isinstance(self.replies[0], OSError) and getattr(self.replies[0], "at_connect", False):
                thrown = self.replies.pop(0)

    def kinds(self) -> List[str]:
        return [type(op).__name__ for op in self.ops]


OK = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"


def test_the_procedure_of_a_plain_request() -> None:
    script = Script([OK])
    opened = script.run(config())
    assert script.kinds() == ["Reuse", "Connect", "Send", "Receive"]
    assert (script.ops[1].host, script.ops[1].port, script.ops[1].timeout) == ("api.test", 80, 1.0)
    sent = script.ops[2].data
    assert sent.startswith(b"POST /v1/chat/completions HTTP/1.1\r\nHost: api.test\r\n")
    assert f"Authorization: Bearer {KEY}".encode() in sent and sent.endswith(b"\r\n\r\n{}")
    assert opened.head.status == 200


def test_retries_are_decided_in_the_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_exchange, "_random", lambda: 1.0)
    busy = b"HTTP/1.1 503 Busy\r\nContent-Length: 2\r\n\r\n{}"
    script = Script([busy, ConnectionResetError("reset"), OK])
    script.run(config())
    assert script.kinds() == [
        "Reuse", "Connect", "Send", "Receive", "Discard", "Sleep",
        "Reuse", "Connect", "Send", "Receive", "Discard", "Sleep",
        "Reuse", "Connect", "Send", "Receive",
    ]
    assert [op.seconds for op in script.ops if isinstance(op, Sleep)] == [0.5, 1.0]


def test_a_dead_kept_alive_connection_is_replaced_uncounted() -> None:
    script = Script([b"", OK], pooled=True)
    script.run(config(max_retries=0))
    assert script.kinds() == ["Reuse", "Send", "Receive", "Discard", "Connect", "Send", "Receive"]


def test_a_read_timeout_is_not_retried() -> None:
    script = Script([TimedOut()])
    with pytest.raises(orsse.ReadTimeout):
        script.run(config())
    assert "Sleep" not in script.kinds()


def test_a_tunnel_through_an_https_proxy() -> None:
    import ssl

    context = ssl.create_default_context()
    script = Script([b"HTTP/1.1 200 Connection established\r\n\r\n", OK])
    script.run(config(base_url="https://[::1]:8443/v1", proxy="https://u:p@proxy.test", ssl_context=context))
    assert script.kinds() == ["Reuse", "Connect", "StartTLS", "Send", "Receive", "StartTLS", "Send", "Receive"]
    assert (script.ops[1].host, script.ops[1].port) == ("proxy.test", 443)
    assert script.ops[2].server_hostname == "proxy.test"  # TLS to the proxy first
    connect = script.ops[3].data
    assert connect.startswith(b"CONNECT [::1]:8443 HTTP/1.1\r\nHost: [::1]:8443\r\n")
    assert b"Proxy-Authorization: Basic dTpw" in connect
    assert script.ops[5].server_hostname == "::1"
    request = script.ops[6].data
    assert request.startswith(b"POST /v1/chat/completions HTTP/1.1\r\nHost: [::1]:8443\r\n")
    assert b"Proxy-Authorization" not in request


def test_the_responses_endpoint_is_the_same_path() -> None:
    script = Script([OK])
    script.run(config(), "responses")
    assert script.ops[2].data.startswith(b"POST /v1/responses HTTP/1.1")


def test_an_error_response_is_masked_and_parsed() -> None:
    body = json.dumps({"error": {"code": 401, "message": f"bad key {KEY}"}}).encode()
    reply = b"HTTP/1.1 401 " + KEY.encode() + b"\r\nContent-Length: %d\r\nLocation: /?k=%s\r\n\r\n%s" % (len(body), KEY.encode(), body)
    with pytest.raises(orsse.APIStatusError) as info:
        Script([reply]).run(config())
    error = info.value
    assert error.message == "bad key ***" and error.reason == "***" and error.headers["location"] == "/?k=***"



@pytest.mark.parametrize(
    "head",
    [
        b"HTTP/1.1 2OO " + b"r" * 56 + b"{key}\r\n\r\n",  # the status line, cut at 80
        b"HTTP/1.1 200 OK\r\n" + b"X" * 60 + b" {key}\r\n\r\n",  # a header line, cut at 80
        b"HTTP/1.1 200 OK\r\nContent-Length: " + b"1" * 60 + b"{key}\r\n\r\n",  # cut at 80
    ],
    ids=["status-line", "header-line", "content-length"],
)
def test_a_key_cut_short_in_a_quoted_line_is_masked(head: bytes) -> None:
    # A hostile server puts the key across the cut that keeps a quoted line short: the
    # part before the cut is as much a leak as the whole key.
    for shift in range(len(KEY)):
        reply = head.replace(b"{key}", b"~" * shift + KEY.encode())
        with pytest.raises(orsse.ProtocolError) as info:
            Script([reply]).run(config(max_retries=0))
        for text in (str(info.value), repr(info.value.args)):
            assert KEY[:10] not in text, (shift, text)

# -- redaction -------------------------------------------------------------------------------------


def test_redactor_spellings() -> None:
    redactor = Redactor([KEY, "ab", None])
    escaped = "".join("\\u%04x" % ord(c) for c in KEY)
    mixed = KEY[:3] + "\\u" + "%04X" % ord(KEY[3]) + KEY[4:]
    percent = "".join("%%%02x" % ord(c) for c in KEY)
    for spelling in (KEY, escaped, mixed, percent, json.dumps(KEY)):
        assert "***" in redactor.text(f"x {spelling} y") and KEY not in redactor.text(spelling)
    assert redactor.text("ab cd") == "ab cd"  # too short to be a secret
    assert redactor.value({"k": [KEY, (KEY,)]}) == {"k": ["***", ("***",)]}
    assert KEY not in repr(redactor)


def test_redactor_masks_a_start_of_the_key_past_its_tag() -> None:
    redactor = Redactor([KEY, "gsk_0123456789", "hunter2butlong"])
    assert redactor.text(f"a {KEY[:10]}' b") == "a ***' b"  # one character past sk-or-v1-
    assert redactor.text(f"{KEY[:-1]}…") == "***…"
    assert redactor.text("sk-or-v1- keys, gsk_0 keys") == "sk-or-v1- keys, gsk_0 keys"  # the tags alone
    assert redactor.text("gsk_01, hunter2 and hunte") == "***, *** and hunte"
    assert redactor.text(KEY[1:]) == KEY[1:]  # a start, not any piece


def test_redactor_is_linear_on_near_misses() -> None:
    redactor = Redactor([KEY])
    text = (KEY[:9] + "#") * 20000  # a near-match at every position
    assert redactor.text(text) == text
    masked = (KEY[:-1] + "#") * 20000  # a start of the key all along
    assert redactor.text(masked) == "***#" * 20000
