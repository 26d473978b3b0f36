"""HTTP/1.1 on the client side, sans-IO: request bytes out, a response head and body bytes in.

No sockets here: the sync and async drivers move the bytes, this module says what they
mean. Every buffer is bounded (a head, a chunk-size line, the trailers) and every byte
is looked at a bounded number of times, so a hostile server costs linear time and
bounded memory.
"""

from __future__ import annotations

from collections.abc import Mapping

from ._errors import ProtocolError

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

if TYPE_CHECKING:
    from typing import Iterator, List, Optional, Sequence, Tuple

__all__ = ["Headers", "ResponseHead", "ResponseParser", "request_bytes"]

#: The status line and headers together; OpenRouter's are under 2 KiB.
MAX_HEAD = 65536
MAX_HEADER_COUNT = 200
#: A chunk-size line, extensions included.
MAX_CHUNK_LINE = 1024
MAX_TRAILERS = 16384


class Headers(Mapping):  # type: ignore[type-arg]
    """Response headers: a read-only mapping with case-insensitive names.

    ``headers["content-type"]``, ``headers.get("X-Generation-Id")``; a repeated header
    reads as its values joined with ``", "``; ``get_all(name)`` lists them;
    ``raw`` is every ``(name, value)`` pair in the order received.
    """

    __slots__ = ("raw", "_folded")

    def __init__(self, raw: Sequence[Tuple[str, str]] = ()) -> None:
        self.raw: List[Tuple[str, str]] = list(raw)
        folded: dict = {}  # type: ignore[type-arg]
        for name, value in self.raw:
            key = name.lower()
            folded[key] = folded[key] + ", " + value if key in folded else value
        self._folded = folded

    def __getitem__(self, name: str) -> str:
        value: str = self._folded[name.lower()]
        return value

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._folded

    def __iter__(self) -> Iterator[str]:
        return iter(self._folded)

    def __len__(self) -> int:
        return len(self._folded)

    def get_all(self, name: str) -> List[str]:
        key = name.lower()
        return [value for item, value in self.raw if item.lower() == key]

    def __repr__(self) -> str:
        return f"Headers({self.raw!r})"

    def __reduce__(self) -> Tuple[type, Tuple[List[Tuple[str, str]]]]:
        return (Headers, (self.raw,))


class ResponseHead:
    """A response's status line and headers."""

    __slots__ = ("version", "status", "reason", "headers")

    def __init__(self, version: str, status: int, reason: str, headers: Headers) -> None:
        self.version = version
        self.status = status
        self.reason = reason
        self.headers = headers

    def __repr__(self) -> str:
        return f"<ResponseHead {self.version} {self.status} {self.reason!r}>"


def request_bytes(method: str, target: str, headers: Sequence[Tuple[str, str]], body: bytes = b"") -> bytes:
    """The bytes of one request. Header values were checked (no CR, LF or NUL) by the caller."""
    lines = [f"{method} {target} HTTP/1.1"]
    lines += [f"{name}: {value}" for name, value in headers]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    lines.append("\r\n")
    return "\r\n".join(lines).encode("latin-1") + body


# The framings of a body.
_CHUNKED = "chunked"
_LENGTH = "length"
_CLOSE = "close"
_NONE = "none"

# Where the chunked reader is.
_SIZE = 0  # reading a chunk-size line
_DATA = 1  # inside a chunk's data
_DATA_END = 2  # the CRLF after a chunk's data
_TRAILERS = 3  # the trailer lines after the last chunk
_DONE = 4


class ResponseParser:
    """One response, read from the bytes a connection receives.

    :meth:`feed_head` until it returns the :class:`ResponseHead` (interim 1xx responses
    are skipped), then :meth:`feed_body` with each later read: it returns the body bytes
    the read carried, without the chunk framing. ``complete`` says the body ended;
    ``keep_alive`` that the connection can carry another request after it. At the end
    of the input, :meth:`end_of_input` says whether the body was whole.
    """

    __slots__ = (
        "head", "framing", "complete", "keep_alive", "content_encoding", "max_head",
        "_buffer", "_searched", "_remaining", "_state", "_line", "_trailer_size", "_head_only", "error",
    )

    def __init__(self, *, head_only: bool = False, max_head: int = MAX_HEAD) -> None:
        self.head: Optional[ResponseHead] = None
        self.framing = _NONE
        self.complete = False
        self.keep_alive = False
        #: The ``Content-Encoding`` the response says it has, when not identity.
        self.content_encoding: Optional[str] = None
        self.max_head = max_head
        self._buffer = bytearray()
        self._searched = 0  # how far the buffer was searched for the end of the head
        self._remaining = 0
        self._state = _SIZE
        self._line = bytearray()
        self._trailer_size = 0
        #: A response with no body whatever its headers say (to HEAD or CONNECT).
        self._head_only = head_only
        #: The framing broke after some body bytes, which :meth:`feed_body` returned
        #: first; the next call raises it.
        self.error: Optional[ProtocolError] = None

    # -- the head ---------------------------------------------------------------------------

    def feed_head(self, data: bytes) -> Optional[ResponseHead]:
        """The head, once *data* completed it; ``None`` while more is needed."""
        buffer = self._buffer
        buffer += data
        while True:
            end, size = _find_blank_line(buffer, self._searched)
            if end < 0:
                if len(buffer) > self.max_head:
                    raise ProtocolError(f"the response head is larger than {self.max_head} bytes")
                # A blank line is at most 4 bytes: back off 3 so one cut across reads is found.
                self._searched = max(0, len(buffer) - 3)
                return None
            if end > self.max_head:
                raise ProtocolError(f"the response head is larger than {self.max_head} bytes")
            head = _parse_head(bytes(buffer[:end]))
            del buffer[: end + size]
            self._searched = 0
            if 100 <= head.status < 200 and head.status != 101:
                continue  # 100 Continue, 103 Early Hints: the real response follows
            self._start_body(head)
            return head

    def _start_body(self, head: ResponseHead) -> None:
        self.head = head
        headers = head.headers
        tokens = {token.strip().lower() for token in headers.get("connection", "").split(",")}
        if head.version == "HTTP/1.1":
            self.keep_alive = "close" not in tokens
        else:
            self.keep_alive = "keep-alive" in tokens
        encoding = headers.get("content-encoding", "").strip().lower()
        if encoding and encoding != "identity":
            self.content_encoding = encoding
        transfer = headers.get("transfer-encoding")
        if self._head_only or head.status in (204, 304) or head.status == 101:
            self.framing = _NONE
            self.complete = True
        elif transfer is not None:
            codings = [c.strip().lower() for c in transfer.split(",") if c.strip()]
            if codings and codings[-1] == "chunked" and all(c in ("chunked", "identity") for c in codings):
                self.framing = _CHUNKED
            elif any(c not in ("chunked", "identity") for c in codings):
                raise ProtocolError(
                    f"the response has Transfer-Encoding {transfer!r}, which orsse does not decode"
                )
            else:
                self.framing = _CLOSE
                self.keep_alive = False
        elif "content-length" in headers:
            self.framing = _LENGTH
            self._remaining = _content_length(headers["content-length"])
            if self._remaining == 0:
                self.complete = True
        else:
            self.framing = _CLOSE
            self.keep_alive = False

    # -- the body ---------------------------------------------------------------------------

    def feed_body(self, data: bytes) -> bytes:
        """The body bytes *data* carried (``b""`` when it only held framing).

        Bytes received after the end of the body are dropped, and the connection is then
        not reused: it said more than it should have.
        """
        if self.error is not None:
            raise self.error
        if self._buffer:
            # What came with the head, delivered with the first read of the body.
            data = bytes(self._buffer) + data
            self._buffer = bytearray()
        if self.complete:
            if data:
                self.keep_alive = False
            return b""
        framing = self.framing
        if framing == _CHUNKED:
            return self._chunked(data)
        if framing == _LENGTH:
            remaining = self._remaining
            if len(data) >= remaining:
                if len(data) > remaining:
                    self.keep_alive = False
                    data = data[:remaining]
                self._remaining = 0
                self.complete = True
                return data
            self._remaining = remaining - len(data)
            return data
        return data  # ended by the close

    def pending(self) -> bytes:
        """The body bytes that arrived with the head."""
        return self.feed_body(b"") if self._buffer else b""

    def _chunked(self, data: bytes) -> bytes:
        # The common read is one whole chunk ("1a3\r\n" data "\r\n"), taken by find() and
        # slices; the states carry a chunk cut anywhere across reads.
        out: List[bytes] = []
        try:
            self._chunks_into(out, data)
        except ProtocolError as error:
            if not out:
                raise
            self.error = error  # the body bytes before the break come first
        if len(out) == 1:
            return out[0]
        return b"".join(out)

    def _chunks_into(self, out: List[bytes], data: bytes) -> None:
        position = 0
        size = len(data)
        while position < size:
            state = self._state
            if state == _DATA:
                take = min(self._remaining, size - position)
                out.append(data[position : position + take])
                position += take
                self._remaining -= take
                if self._remaining == 0:
                    self._state = _DATA_END
            elif state == _SIZE:
                end = data.find(b"\n", position)
                if end < 0:
                    self._take_line_piece(data[position:], MAX_CHUNK_LINE, "chunk-size line")
                    break
                line = data[position:end]
                position = end + 1
                if self._line:
                    line = bytes(self._line) + line
                    self._line = bytearray()
                if len(line) > MAX_CHUNK_LINE:
                    raise ProtocolError(f"a chunk-size line is longer than {MAX_CHUNK_LINE} bytes")
                chunk_size = _chunk_size(line)
                if chunk_size == 0:
                    self._state = _TRAILERS
                else:
                    self._remaining = chunk_size
                    self._state = _DATA
            elif state == _DATA_END:
                byte = data[position]
                position += 1
                if byte == 10:  # LF: the chunk is done
                    self._state = _SIZE
                elif byte != 13:
                    raise ProtocolError("a chunk's data runs past its declared size")
            elif state == _TRAILERS:
                end = data.find(b"\n", position)
                if end < 0:
                    self._take_line_piece(data[position:], MAX_TRAILERS, "trailer section")
                    break
                line = bytes(self._line) + data[position:end] if self._line else data[position:end]
                self._line = bytearray()
                self._trailer_size += end + 1 - position
                position = end + 1
                if self._trailer_size > MAX_TRAILERS:
                    raise ProtocolError(f"the trailers are longer than {MAX_TRAILERS} bytes")
                if line in (b"", b"\r"):
                    self._state = _DONE
                    self.complete = True
            else:  # _DONE, and more bytes came
                self.keep_alive = False
                break

    def _take_line_piece(self, piece: bytes, limit: int, what: str) -> None:
        self._line += piece
        if len(self._line) > limit:
            raise ProtocolError(f"a {what} is longer than {limit} bytes")

    def end_of_input(self) -> bool:
        """The connection closed: whether the body was whole (always, for a body that
        the close ends)."""
        if self.framing == _CLOSE and self.head is not None:
            self.complete = True
        self.keep_alive = False
        return self.complete

    @property
    def delimited_by_close(self) -> bool:
        return self.framing == _CLOSE


def _find_blank_line(buffer: bytearray, start: int) -> Tuple[int, int]:
    """Where the head ends (the first empty line, CRLF or bare LF) and the length of the
    line breaks there; ``(-1, 0)`` when it has not come yet."""
    crlf = buffer.find(b"\r\n\r\n", start)
    lf = buffer.find(b"\n\n", start)
    if lf >= 0 and (crlf < 0 or lf < crlf):
        return lf, 2
    if crlf >= 0:
        return crlf, 4
    return -1, 0


def _parse_head(raw: bytes) -> ResponseHead:
    lines = raw.split(b"\n")
    status_line = lines[0].rstrip(b"\r")
    version, _, rest = status_line.partition(b" ")
    code, _, reason = rest.partition(b" ")
    if version not in (b"HTTP/1.1", b"HTTP/1.0") or len(code) != 3 or not code.isdigit():
        shown = status_line[:80].decode("latin-1")
        raise ProtocolError(f"the server did not answer with an HTTP/1.x status line: {shown!r}")
    headers: List[Tuple[str, str]] = []
    for line in lines[1:]:
        line = line.rstrip(b"\r")
        if line[:1] in (b" ", b"\t") and headers:
            # An obsolete folded line continues the header before it.
            folded_name, folded_value = headers[-1]
            headers[-1] = (folded_name, folded_value + " " + line.strip().decode("latin-1"))
            continue
        raw_name, colon, raw_value = line.partition(b":")
        if not colon or not raw_name or raw_name != raw_name.strip():
            raise ProtocolError(f"a response header line is malformed: {line[:80].decode('latin-1')!r}")
        headers.append((raw_name.decode("latin-1"), raw_value.strip(b" \t").decode("latin-1")))
        if len(headers) > MAX_HEADER_COUNT:
            raise ProtocolError(f"the response has more than {MAX_HEADER_COUNT} headers")
    return ResponseHead(version.decode("ascii"), int(code), reason.strip().decode("latin-1"), Headers(headers))


def _content_length(value: str) -> int:
    # A repeated Content-Length ("12, 12") is allowed when every copy agrees.
    values = {v.strip() for v in value.split(",")}
    if len(values) != 1:
        raise ProtocolError(f"the response has conflicting Content-Length values: {value[:80]!r}")
    (text,) = values
    if not text.isdigit() or not text.isascii() or len(text) > 18:
        raise ProtocolError(f"the response has an invalid Content-Length: {value[:80]!r}")
    return int(text)


_HEX = frozenset(b"0123456789abcdefABCDEF")


def _chunk_size(line: bytes) -> int:
    text = line.partition(b";")[0].strip(b" \t\r")
    if not text or len(text) > 16 or not set(text) <= _HEX:
        raise ProtocolError(f"a chunk-size line is not a hexadecimal size: {line[:40].decode('latin-1')!r}")
    return int(text, 16)
