"""The WHATWG HTML standard's event-stream rules, as byte-exact vectors for ``orsse.SSEDecoder``.

"Parsing an event stream" and "Interpreting an event stream" (HTML, section 9.2): every
vector below is checked fed whole, one byte at a time, and cut at every offset (and, for
short vectors, at every pair of offsets), which must all give the same events.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import pytest

import orsse
from _fixtures import one_byte_at_a_time, split_at
from sse_helpers import decode

if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional

BOM = b"\xef\xbb\xbf"


def E(data: str, event: str = "message", id: str = "", retry: Optional[int] = None) -> Dict[str, Any]:
    return {"event": event, "data": data, "id": id, "retry": retry}


def parse(data: bytes, **kwargs: Any) -> List[Dict[str, Any]]:
    """The events of *data*, after checking every way of cutting it gives the same."""
    whole, _, _ = decode([data], **kwargs)
    assert decode(one_byte_at_a_time(data), **kwargs)[0] == whole
    for i in range(len(data) + 1):
        assert decode(split_at(data, [i]), **kwargs)[0] == whole, f"split at {i}"
    if len(data) <= 48:
        for i, j in itertools.combinations(range(len(data) + 1), 2):
            assert decode(split_at(data, [i, j]), **kwargs)[0] == whole, f"split at {i}, {j}"
    return whole


def last_event_id(data: bytes) -> str:
    return decode([data])[2].last_event_id


# -- vectors: (bytes, expected events) -------------------------------------------------

VECTORS = {
    # The standard's own examples.
    "spec-stock-ticker": (
        b"data: YHOO\ndata: +2\ndata: 10\n\n",
        [E("YHOO\n+2\n10")],
    ),
    "spec-four-blocks": (
        b": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n",
        [E("first event", id="1"), E("second event"), E(" third event")],
    ),
    "spec-four-blocks-last-unterminated": (
        b": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n",
        [E("first event", id="1"), E("second event")],
    ),
    "spec-empty-data-lines": (
        b"data\n\ndata\ndata\n\ndata:",
        [E(""), E("\n")],
    ),
    "spec-space-after-colon": (
        b"data:test\n\ndata: test\n\n",
        [E("test"), E("test")],
    ),
    # Line ends.
    "lf": (b"data: a\n\n", [E("a")]),
    "crlf": (b"data: a\r\n\r\n", [E("a")]),
    "cr": (b"data: a\r\r", [E("a")]),
    "cr-cr-is-two-line-ends": (b"data: a\r\rdata: b\r\r", [E("a"), E("b")]),
    "lf-cr-is-two-line-ends": (b"data: a\n\r", [E("a")]),
    "cr-crlf": (b"data: a\r\r\n", [E("a")]),
    "crlf-lf": (b"data: a\r\n\n", [E("a")]),
    "lf-crlf": (b"data: a\n\r\n", [E("a")]),
    "mixed-line-ends-in-one-event": (b"data: a\rdata: b\ndata: c\r\n\r\n", [E("a\nb\nc")]),
    "crlfcrlf-is-not-three-line-ends": (b"data: a\r\n\r\ndata: b\r\n\r\n", [E("a"), E("b")]),
    "u2028-u2029-not-line-ends": (b"data: a\xe2\x80\xa8b\xe2\x80\xa9c\n\n", [E("a\u2028b\u2029c")]),
    "nel-not-line-end": (b"data: a\xc2\x85b\n\n", [E("a\x85b")]),
    "vt-ff-not-line-ends": (b"data: a\x0bb\x0cc\n\n", [E("a\x0bb\x0cc")]),
    "vt-ff-nel-do-not-end-a-block": (b"data: a\n\x0b\n\x0c\n\xc2\x85\n\ndata: b\n\n", [E("a"), E("b")]),
    # BOM.
    "bom-stripped": (BOM + b"data: a\n\n", [E("a")]),
    "second-bom-kept-so-field-unknown": (BOM + BOM + b"data: a\n\ndata: b\n\n", [E("b")]),
    "bom-not-at-start-kept-in-field-name": (b"data: a\n\n" + BOM + b"data: b\n\n", [E("a")]),
    "bom-not-at-start-kept-in-value": (b"data: " + BOM + b"a\n\n", [E("\ufeffa")]),
    "bom-alone-on-first-line": (BOM + b"\ndata: a\n\n", [E("a")]),
    "partial-bom-is-text": (b"\xef\xbbdata: a\n\ndata: b\n\n", [E("b")]),
    # Fields.
    "field-names-case-sensitive": (b"Data: x\nDATA: y\ndata: z\n\n", [E("z")]),
    "event-case-sensitive": (b"Event: x\ndata: z\n\n", [E("z")]),
    "no-colon-data-is-empty-line": (b"data\n\n", [E("")]),
    "no-colon-data-twice": (b"data\ndata\n\n", [E("\n")]),
    "only-one-leading-space-removed": (b"data:  a \n\n", [E(" a ")]),
    "tab-is-not-the-space": (b"data:\ta\n\n", [E("\ta")]),
    "colon-in-value-kept": (b"data: a: b:c\n\n", [E("a: b:c")]),
    "space-before-colon-is-part-of-name": (b"data : a\n\ndata: b\n\n", [E("b")]),
    "unknown-fields-ignored": (b"foo: bar\nfoo\ndata: a\nbaz:\n\n", [E("a")]),
    "unknown-field-alone-dispatches-nothing": (b"foo: bar\n\n", []),
    "nul-in-data-kept": (b"data: a\x00b\n\n", [E("a\x00b")]),
    # Event type.
    "event-type": (b"event: add\ndata: a\n\n", [E("a", "add")]),
    "event-type-reset-after-dispatch": (b"event: add\ndata: a\n\ndata: b\n\n", [E("a", "add"), E("b")]),
    "empty-event-type-is-message": (b"event:\ndata: a\n\n", [E("a")]),
    "event-no-colon-is-message": (b"event\ndata: a\n\n", [E("a")]),
    "last-event-field-wins": (b"event: a\nevent: b\ndata: x\n\n", [E("x", "b")]),
    "event-type-reset-by-block-without-data": (b"event: add\n\ndata: b\n\n", [E("b")]),
    "event-type-kept-verbatim": (b"event:  Spaced Out \ndata: x\n\n", [E("x", " Spaced Out ")]),
    # Empty data buffer: nothing is dispatched.
    "blank-lines-only": (b"\n\n\n\r\n\r\r", []),
    "comment-only": (b": hi\n\n", []),
    "id-only-block-dispatches-nothing": (b"id: 1\n\n", []),
    "id-only-then-data": (b"id: 1\n\ndata: a\n\n", [E("a", id="1")]),
    "repeated-blank-lines-dispatch-once": (b"data: a\n\n\n\n\ndata: b\n\n\n", [E("a"), E("b")]),
    "event-only-block-dispatches-nothing": (b"event: x\n\n", []),
    "retry-only-block-dispatches-nothing": (b"retry: 5\n\n", []),
    # Ids.
    "id-persists": (b"id: 1\ndata: a\n\ndata: b\n\n", [E("a", id="1"), E("b", id="1")]),
    "empty-id-resets": (b"id: 1\ndata: a\n\nid:\ndata: b\n\n", [E("a", id="1"), E("b")]),
    "id-no-colon-resets": (b"id: 1\ndata: a\n\nid\ndata: b\n\n", [E("a", id="1"), E("b")]),
    "id-with-nul-ignored": (b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n", [E("a", id="1"), E("b", id="1")]),
    "id-after-data-in-block-counts": (b"data: a\nid: 7\n\n", [E("a", id="7")]),
    "last-id-field-wins": (b"id: 1\nid: 2\ndata: a\n\n", [E("a", id="2")]),
    "id-with-spaces-kept": (b"id:  x y \ndata: a\n\n", [E("a", id=" x y ")]),
    "id-is-text-not-number": (b"id: 007\ndata: a\n\n", [E("a", id="007")]),
    # Retry.
    "retry": (b"retry: 1000\ndata: a\n\n", [E("a", retry=1000)]),
    "retry-zero": (b"retry: 0\ndata: a\n\n", [E("a", retry=0)]),
    "retry-leading-zeros": (b"retry: 0042\ndata: a\n\n", [E("a", retry=42)]),
    "retry-no-space": (b"retry:15\ndata: a\n\n", [E("a", retry=15)]),
    "retry-plus-rejected": (b"retry: +5\ndata: a\n\n", [E("a")]),
    "retry-minus-rejected": (b"retry: -5\ndata: a\n\n", [E("a")]),
    "retry-letter-rejected": (b"retry: 1a\ndata: a\n\n", [E("a")]),
    "retry-second-space-rejected": (b"retry:  5\ndata: a\n\n", [E("a")]),
    "retry-trailing-space-rejected": (b"retry: 5 \ndata: a\n\n", [E("a")]),
    "retry-decimal-rejected": (b"retry: 1.5\ndata: a\n\n", [E("a")]),
    "retry-arabic-digit-rejected": (b"retry: \xd9\xa3\ndata: a\n\n", [E("a")]),
    "retry-fullwidth-digit-rejected": (b"retry: \xef\xbc\x95\ndata: a\n\n", [E("a")]),
    "retry-superscript-rejected": (b"retry: \xc2\xb2\ndata: a\n\n", [E("a")]),
    "retry-empty-rejected": (b"retry:\ndata: a\n\n", [E("a")]),
    "retry-no-colon-rejected": (b"retry\ndata: a\n\n", [E("a")]),
    "retry-invalid-keeps-earlier-valid": (b"retry: 5\nretry: x\ndata: a\n\n", [E("a", retry=5)]),
    "retry-only-for-its-block": (b"retry: 5\ndata: a\n\ndata: b\n\n", [E("a", retry=5), E("b")]),
    "retry-case-sensitive": (b"Retry: 5\ndata: a\n\n", [E("a")]),
    # Comments.
    "comments-are-not-events": (b":\n: a\n:b\n\ndata: x\n: inside\ndata: y\n\n", [E("x\ny")]),
    "comment-looking-like-a-field": (b": data: x\n\n", []),
    # UTF-8.
    "utf8-multibyte": (b"data: Ol\xc3\xa1 \xe2\x82\xac \xf0\x9f\x98\x80\n\n", [E("Ol\u00e1 \u20ac \U0001F600")]),
    "invalid-byte": (b"data: a\xffb\n\n", [E("a\ufffdb")]),
    "truncated-sequence-at-line-end": (b"data: \xe2\x82\n\n", [E("\ufffd")]),
    "truncated-sequence-before-ascii": (b"data: \xf0\x9f\x98x\n\n", [E("\ufffdx")]),
    "overlong": (b"data: \xc0\xaf\n\n", [E("\ufffd\ufffd")]),
    "surrogate": (b"data: \xed\xa0\x80\n\n", [E("\ufffd\ufffd\ufffd")]),
    "above-max": (b"data: \xf4\x90\x80\x80\n\n", [E("\ufffd\ufffd\ufffd\ufffd")]),
    "stray-continuations": (b"data: \x80\xbf\n\n", [E("\ufffd\ufffd")]),
    "invalid-byte-before-cr": (b"data: \xc3\r\r", [E("\ufffd")]),
    "invalid-in-field-name": (b"\xffdata: a\n\ndata: b\n\n", [E("b")]),
    "invalid-in-id": (b"id: \xfe\ndata: a\n\n", [E("a", id="\ufffd")]),
    "invalid-in-event": (b"event: \xfe\ndata: a\n\n", [E("a", "\ufffd")]),
    # End of stream.
    "unterminated-line-discarded": (b"data: a\n\ndata: b", [E("a")]),
    "unterminated-event-discarded": (b"data: a\n\ndata: b\n", [E("a")]),
    "unterminated-event-after-cr-discarded": (b"data: a\n\ndata: b\r", [E("a")]),
    "empty-stream": (b"", []),
}


@pytest.mark.parametrize("data, expected", list(VECTORS.values()), ids=list(VECTORS))
def test_vector(data: bytes, expected: List[Dict[str, Any]]) -> None:
    assert parse(data) == expected


# -- last event id and reconnection time -------------------------------------------------


def test_last_event_id_follows_dispatch() -> None:
    decoder = orsse.SSEDecoder()
    assert decoder.last_event_id == ""
    decoder.feed(b"id: 1\ndata: a\n")
    assert decoder.last_event_id == ""  # not committed before the blank line
    decoder.feed(b"\n")
    assert decoder.last_event_id == "1"
    decoder.feed(b"data: b\n\n")
    assert decoder.last_event_id == "1"
    decoder.feed(b"id\ndata: c\n\n")
    assert decoder.last_event_id == ""


def test_id_only_block_still_sets_last_event_id() -> None:
    assert last_event_id(b"id: 5\n\n") == "5"
    assert last_event_id(b"data: a\n\nid: 5\n\n\n\n") == "5"
    assert last_event_id(b"id: 5\n\nid\n\n") == ""


def test_id_with_nul_does_not_change_last_event_id() -> None:
    assert last_event_id(b"id: 1\n\nid: \x00\n\n") == "1"
    assert last_event_id(b"id: \x00\n\n") == ""


def test_uncommitted_id_does_not_count_at_end_of_stream() -> None:
    decoder = orsse.SSEDecoder()
    assert decoder.feed(b"id: 1\ndata: a\n\nid: 2\ndata: b\n") == [orsse.ServerSentEvent("a", "message", "1")]
    assert decoder.close() == []
    assert decoder.last_event_id == "1"


def test_uncommitted_id_only_block_does_not_count_at_end_of_stream() -> None:
    decoder = orsse.SSEDecoder()
    decoder.feed(b"id: 1\n\nid: 2\n")
    decoder.close()
    assert decoder.last_event_id == "1"


def test_decoder_retry_keeps_latest_valid_value() -> None:
    decoder = orsse.SSEDecoder()
    assert decoder.retry is None
    decoder.feed(b"retry: 300\n\n")  # no data: still sets the reconnection time
    assert decoder.retry == 300
    decoder.feed(b"retry: +5\ndata: a\n\n")
    assert decoder.retry == 300
    decoder.feed(b"retry: 7\n")  # takes effect at once, not at the blank line
    assert decoder.retry == 7


def test_huge_retry_value_does_not_raise_valueerror() -> None:
    # 5000 ASCII digits are a valid retry field. Python refuses int() on strings of more
    # than 4300 digits (sys.get_int_max_str_digits), so a naive int(value) raises a plain
    # ValueError out of feed(): anything the peer sends must give events or an OrsseError.
    stream = b"retry: " + b"9" * 5000 + b"\ndata: a\n\n"
    try:
        events = decode([stream])[0]
    except orsse.OrsseError:
        return
    assert [e["data"] for e in events] == ["a"]


# -- cuts across reads -----------------------------------------------------------------


def test_crlf_split_across_feeds_is_one_line_end() -> None:
    decoder = orsse.SSEDecoder()
    assert decoder.feed(b"data: a\r") == []
    assert decoder.feed(b"\n") == []
    assert decoder.feed(b"data: b\r") == []
    assert decoder.feed(b"\n\r") == [orsse.ServerSentEvent("a\nb")]
    assert decoder.feed(b"\n") == []
    assert decoder.feed(b"data: c\r\n") == []
    assert decoder.feed(b"\r\n") == [orsse.ServerSentEvent("c")]


def test_cr_then_cr_across_feeds_is_two_line_ends() -> None:
    decoder = orsse.SSEDecoder()
    assert decoder.feed(b"data: a\r") == []
    assert decoder.feed(b"\r") == [orsse.ServerSentEvent("a")]


def test_cr_then_empty_feed_then_lf() -> None:
    decoder = orsse.SSEDecoder()
    assert decoder.feed(b"data: a\r") == []
    assert decoder.feed(b"") == []
    assert decoder.feed(b"\n") == []  # still the second half of the CRLF
    assert decoder.feed(b"\n") == [orsse.ServerSentEvent("a")]


def test_bom_in_three_feeds_stripped_once() -> None:
    decoder = orsse.SSEDecoder()
    assert decoder.feed(b"\xef") == []
    assert decoder.feed(b"\xbb") == []
    assert decoder.feed(b"\xbf") == []
    assert decoder.feed(b"\xef") == []
    assert decoder.feed(b"\xbb") == []
    assert decoder.feed(b"\xbfdata: a\n\n") == []  # second BOM: field "\ufeffdata"
    assert decoder.feed(b"data: b\n\n") == [orsse.ServerSentEvent("b")]


def test_multibyte_character_split_across_feeds_comes_out_whole() -> None:
    text = "\u00e1\u20ac\U0001F600"
    raw = b"data: " + text.encode() + b"\n\n"
    for i in range(len(raw) + 1):
        events = decode(split_at(raw, [i]))[0]
        assert events == [E(text)], i


def test_invalid_utf8_never_raises_unicode_error() -> None:
    for byte in range(256):
        raw = b"data: " + bytes([byte]) + b"x" + bytes([byte, byte]) + b"\n\n"
        events = decode(one_byte_at_a_time(raw))[0]
        assert len(events) in (0, 1)  # 0 when the byte is CR or LF and splits the field


# -- comments ---------------------------------------------------------------------------


def test_comments_go_to_on_comment() -> None:
    raw = b": OPENROUTER PROCESSING\n\n:\n:no space\n:  two spaces\r\n: data: x\rdata: a\n: mid\n\n:\xff\n"
    for chunks in ([raw], one_byte_at_a_time(raw)):
        events, comments, _ = decode(chunks)
        assert events == [E("a")]
        assert comments == ["OPENROUTER PROCESSING", "", "no space", " two spaces", "data: x", "mid", "\ufffd"]


def test_comments_without_callback_are_ignored() -> None:
    decoder = orsse.SSEDecoder()
    assert decoder.feed(b": hi\ndata: a\n\n") == [orsse.ServerSentEvent("a")]


def test_unterminated_comment_is_not_reported() -> None:
    events, comments, _ = decode([b": one\n: two"])
    assert events == [] and comments == ["one"]


# -- lifecycle --------------------------------------------------------------------------


def test_feed_after_close_raises() -> None:
    decoder = orsse.SSEDecoder()
    decoder.feed(b"data: a\n\n")
    assert decoder.close() == []
    with pytest.raises(orsse.OrsseError):
        decoder.feed(b"data: b\n\n")
    with pytest.raises(orsse.OrsseError):
        decoder.feed(b"")


def test_close_discards_unfinished_event() -> None:
    decoder = orsse.SSEDecoder()
    assert decoder.feed(b"event: x\ndata: a\ndata: b") == []
    assert decoder.has_pending_data
    assert decoder.close() == []
    assert not decoder.has_pending_data


def test_has_pending_data() -> None:
    decoder = orsse.SSEDecoder()
    assert not decoder.has_pending_data
    decoder.feed(b"data: a")
    assert decoder.has_pending_data
    decoder.feed(b"\n")
    assert decoder.has_pending_data
    decoder.feed(b"\n")
    assert not decoder.has_pending_data


def test_event_defaults() -> None:
    event = orsse.ServerSentEvent("x")
    assert (event.data, event.event, event.id, event.retry) == ("x", "message", "", None)


def test_bytearray_input() -> None:
    decoder = orsse.SSEDecoder()
    assert decoder.feed(bytearray(b"data: a\r")) + decoder.feed(bytearray(b"\n\n")) == [orsse.ServerSentEvent("a")]


@pytest.mark.parametrize("kwargs", [{"max_line_size": 0}, {"max_event_size": 0}, {"max_line_size": -1}])
def test_non_positive_limits_rejected(kwargs: Dict[str, int]) -> None:
    with pytest.raises(ValueError):
        orsse.SSEDecoder(**kwargs)


# -- limits -----------------------------------------------------------------------------


def _buffered(decoder: orsse.SSEDecoder) -> Optional[int]:
    """How many bytes of an unfinished line the decoder holds, when that can be seen."""
    buffer = getattr(decoder, "_partial_line", None)
    return None if buffer is None else len(buffer)


def _assert_limit_error(exc: orsse.SSELimitError, name: str, limit: int) -> None:
    assert isinstance(exc, orsse.SSEError)
    assert isinstance(exc, orsse.OrsseError)
    assert exc.limit_name == name
    assert exc.limit == limit
    assert exc.size > limit
    assert name in str(exc)


@pytest.mark.parametrize("prefix", [b"", b"data: ok\n\n", b": c\r"])
@pytest.mark.parametrize("piece_size", [1, 7, 64])
def test_endless_line_in_small_pieces(prefix: bytes, piece_size: int) -> None:
    limit = 1000
    decoder = orsse.SSEDecoder(max_line_size=limit)
    decoder.feed(prefix)
    piece = (b"data: " + b"x" * piece_size)[:piece_size]
    fed = 0
    with pytest.raises(orsse.SSELimitError) as info:
        while fed < 10 * limit:
            decoder.feed(piece)
            fed += piece_size
            buffered = _buffered(decoder)
            assert buffered is None or buffered <= limit
    # The error comes with the first piece that takes the line past the limit.
    assert fed == (limit // piece_size) * piece_size
    _assert_limit_error(info.value, "max_line_size", limit)
    assert len(prefix) + fed <= info.value.offset <= len(prefix) + fed + piece_size


def test_long_line_in_one_feed() -> None:
    limit = 1000
    for raw in (
        b"data: " + b"x" * 2000 + b"\n\n",  # the whole line and its end in one read
        b"data: " + b"x" * 2000,  # no line end at all
        b"data: a\n\ndata: " + b"x" * 2000,  # after a complete event
        b"data: a\n" + b"x" * 2000 + b"\ndata: b\n\n",  # between two lines
    ):
        with pytest.raises(orsse.SSELimitError) as info:
            orsse.SSEDecoder(max_line_size=limit).feed(raw)
        _assert_limit_error(info.value, "max_line_size", limit)


def test_long_line_completed_by_a_big_feed() -> None:
    limit = 1000
    decoder = orsse.SSEDecoder(max_line_size=limit)
    decoder.feed(b"data: " + b"x" * 500)
    with pytest.raises(orsse.SSELimitError) as info:
        decoder.feed(b"y" * 1000 + b"\n\n")
    _assert_limit_error(info.value, "max_line_size", limit)


def test_line_exactly_at_limit_passes() -> None:
    limit = 100
    line = b"data: " + b"x" * (limit - 6)
    assert len(line) == limit
    for raw in (line + b"\n\n", line + b"\r\n\r\n", line + b"\r\r"):
        assert parse(raw, max_line_size=limit) == [E("x" * (limit - 6))]
    for chunks in ([line + b"x\n\n"], one_byte_at_a_time(line + b"x\n\n"), [line[:50], line[50:] + b"x\n\n"]):
        with pytest.raises(orsse.SSELimitError):
            decode(chunks, max_line_size=limit)


def test_line_limit_counts_bytes_not_characters() -> None:
    value = "\u20ac" * 10  # 30 bytes of UTF-8
    raw = b"data: " + value.encode() + b"\n\n"
    assert parse(raw, max_line_size=36) == [E(value)]
    with pytest.raises(orsse.SSELimitError):
        decode([raw], max_line_size=35)


def test_event_of_many_data_lines() -> None:
    limit = 1000
    line = b"data: " + b"x" * 99 + b"\n"  # 100 characters of data with its line feed
    decoder = orsse.SSEDecoder(max_event_size=limit, max_line_size=200)
    for _ in range(10):  # 999 characters of data
        assert decoder.feed(line) == []
    with pytest.raises(orsse.SSELimitError) as info:
        decoder.feed(line)
    _assert_limit_error(info.value, "max_event_size", limit)


def test_event_of_many_empty_data_lines() -> None:
    with pytest.raises(orsse.SSELimitError) as info:
        decode([b"data\n" * 2000], max_event_size=1000)
    _assert_limit_error(info.value, "max_event_size", 1000)


def test_event_limit_is_per_event() -> None:
    raw = (b"data: " + b"x" * 80 + b"\n\n") * 50
    assert len(decode([raw], max_event_size=100)[0]) == 50


def test_event_limit_in_one_big_feed() -> None:
    with pytest.raises(orsse.SSELimitError) as info:
        orsse.SSEDecoder(max_event_size=1000).feed((b"data: " + b"y" * 300 + b"\n") * 10 + b"\n")
    _assert_limit_error(info.value, "max_event_size", 1000)


def test_event_exactly_at_limit_passes() -> None:
    # max_event_size bounds the characters of an event's data: data of exactly that many
    # characters must pass, one more must not.
    assert parse(b"data: abcde\n\n", max_event_size=5) == [E("abcde")]
    assert parse(b"data: ab\ndata: cd\n\n", max_event_size=5) == [E("ab\ncd")]
    with pytest.raises(orsse.SSELimitError):
        decode([b"data: abcdef\n\n"], max_event_size=5)
    with pytest.raises(orsse.SSELimitError):
        decode([b"data: abc\ndata: cd\n\n"], max_event_size=5)


def test_limit_error_does_not_depend_on_how_the_bytes_are_cut() -> None:
    # The event limit is crossed at byte 67, the line limit only later, at byte 168: the
    # error should name the limit that the stream crossed first however it is read.
    raw = b"data: " + b"a" * 60 + b"\n" + b"b" * 200
    names = set()
    for chunks in ([raw], one_byte_at_a_time(raw), split_at(raw, [100])):
        with pytest.raises(orsse.SSELimitError) as info:
            decode(chunks, max_line_size=100, max_event_size=50)
        names.add(info.value.limit_name)
    assert names == {"max_event_size"}


def test_default_limits_allow_a_3_mib_event() -> None:
    decoder = orsse.SSEDecoder()
    for limit in (decoder.max_line_size, decoder.max_event_size):
        assert 3 * 1024 * 1024 < limit <= 1024 * 1024 * 1024
    data = b"A" * (3 * 1024 * 1024 + 17)
    events = decoder.feed(b"data: " + data + b"\n\n")
    assert len(events) == 1 and events[0].data == data.decode()


def test_4_mib_line_in_256_byte_reads() -> None:
    # Linear-time behaviour is measured in benchmarks/; here only the result is checked.
    data = bytes(range(65, 91)) * (4 * 1024 * 1024 // 26)
    raw = b"data: " + data + b"\n\n"
    decoder = orsse.SSEDecoder()
    events = []
    for i in range(0, len(raw), 256):
        events.extend(decoder.feed(raw[i : i + 256]))
    assert len(events) == 1 and events[0].data == data.decode()


def test_server_sent_event_behaves_like_a_dataclass() -> None:
    event = orsse.ServerSentEvent("hi", id="7")
    assert (event.data, event.event, event.id, event.retry) == ("hi", "message", "7", None)
    assert event == orsse.ServerSentEvent(data="hi", event="message", id="7", retry=None)
    assert event != orsse.ServerSentEvent("hi", id="8")
    assert event != ("hi", "message", "7", None)
    assert repr(event) == "ServerSentEvent(data='hi', event='message', id='7', retry=None)"
    with pytest.raises(TypeError):
        hash(event)
    with pytest.raises(AttributeError):
        event.other = 1  # type: ignore[attr-defined]
    assert orsse.ServerSentEvent.__match_args__ == ("data", "event", "id", "retry")
