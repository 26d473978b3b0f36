"""iter_updates / aiter_updates: every update type, in order, adding up to the completion
on every stream in the fixtures, however the bytes are cut, sync and async alike."""

from __future__ import annotations

import asyncio
import copy
import json
import random
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import orsse
from _fixtures import FIXTURES, fixture_id, random_reads
from chunk_helpers import SYNTHETIC_CHUNKS, USAGE, agen, chunk, sse_body

if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Sequence, Tuple

# Every chat-completion stream in the fixtures: seeds, recordings (OpenRouter's, and other
# servers' when present), synthetic chunk streams. Not the SSE-level synthetic/ streams,
# nor Responses API ones: those are not chat completions.
STREAMS = sorted(
    path
    for folder in FIXTURES.iterdir()
    if folder.is_dir() and (folder.name in ("seeds", "recorded", "synthetic_chunks") or "compat" in folder.name)
    for path in folder.rglob("*.sse")
)


def updates_of(pieces: Sequence[bytes], *, use_async: bool = False, **options: Any) -> Tuple[List[Any], Any]:
    """The updates, and the error that ended them (``None`` when none did)."""
    got: List[Any] = []

    async def run_async() -> None:
        async for update in orsse.aiter_updates(agen(pieces), **options):
            got.append(update)

    try:
        if use_async:
            asyncio.run(run_async())
        else:
            for update in orsse.iter_updates(pieces, **options):
                got.append(update)
    except orsse.OrsseError as error:
        return got, error
    return got, None


def joined(updates: List[Any], kind: str, index: int, tool_index: Optional[int] = None) -> Optional[str]:
    pieces = [
        u.delta
        for u in updates
        if u.type == kind and u.index == index and (tool_index is None or u.tool_index == tool_index)
    ]
    return "".join(pieces) if pieces else None


def details_text(message: orsse.Message) -> str:
    return "".join(
        (d.text or "") if d.type == "reasoning.text" else (d.summary or "") if d.type == "reasoning.summary" else ""
        for d in message.reasoning_details
    )


def check_adds_up(updates: List[Any], completion: orsse.ChatCompletion, ended: bool = True) -> None:
    """The deltas of each kind join to the message; every "done" says the same (on a
    stream that did not end well, only for the choices that finished)."""
    for choice in completion.choices:
        message = choice.message
        index = choice.index
        with_done = ended or choice.finish_reason is not None
        assert (joined(updates, "content.delta", index) or "") == (message.content or "")
        assert (joined(updates, "refusal.delta", index) or "") == (message.refusal or "")
        reasoning = message.reasoning if message.reasoning is not None else details_text(message)
        assert (joined(updates, "reasoning.delta", index) or "") == reasoning
        for kind, text in (("content", message.content), ("reasoning", reasoning), ("refusal", message.refusal)):
            done = [u for u in updates if u.type == f"{kind}.done" and u.index == index]
            if joined(updates, f"{kind}.delta", index) is None or not with_done:
                assert done == []
            else:
                assert [u.text for u in done] == [text]
        starts = [u for u in updates if u.type == "tool_call.start" and u.index == index]
        assert [(u.tool_index, u.id, u.name) for u in starts] == [
            (call.index, call.id, call.function.name) for call in message.tool_calls
        ]
        for call in message.tool_calls:
            assert (joined(updates, "tool_call.arguments.delta", index, call.index) or "") == call.function.arguments
            dones = [u for u in updates if u.type == "tool_call.done" and u.index == index and u.tool_index == call.index]
            if not with_done:
                assert dones == []
                continue
            (done,) = dones
            assert done.tool_call == call
            try:
                expected = json.loads(call.function.arguments) if call.function.arguments.strip() else {}
            except ValueError:
                assert done.arguments is None and isinstance(done.error, orsse.ToolArgumentsError)
            else:
                assert done.error is None and done.arguments == expected
        finishes = [u for u in updates if u.type == "finish" and u.index == index]
        if choice.finish_reason is None:
            assert finishes == []
        else:
            assert [(u.finish_reason, u.native_finish_reason) for u in finishes] == [
                (choice.finish_reason, choice.native_finish_reason)
            ]


def check_order(updates: List[Any]) -> None:
    """Starts before their pieces, "done" after every piece of its kind, a choice's
    finish after its "done" updates, the completion last and only once."""
    seen_done = set()
    finished = set()
    started = set()
    for number, u in enumerate(updates):
        assert isinstance(u, orsse.Update)
        if u.type.endswith(".delta"):
            if u.type == "tool_call.arguments.delta":
                key: Any = ("tool", u.index, u.tool_index)
                assert key in started
            else:
                key = (u.type[: -len(".delta")], u.index)
            assert key not in seen_done, (number, u)
            assert u.index not in finished
        elif u.type == "tool_call.start":
            started.add(("tool", u.index, u.tool_index))
        elif u.type == "tool_call.done":
            seen_done.add(("tool", u.index, u.tool_index))
        elif u.type.endswith(".done"):
            seen_done.add((u.type[: -len(".done")], u.index))
            assert u.index not in finished
        elif u.type == "finish":
            finished.add(u.index)
        elif u.type == "completion":
            assert number == len(updates) - 1
    assert sum(u.type == "completion" for u in updates) <= 1


def comment_lines(raw: bytes) -> int:
    text = raw.decode("utf-8", "replace")
    return sum(1 for line in re.split(r"\r\n|\r|\n", text) if line.startswith(":"))


# -- every stream ------------------------------------------------------------------------


@pytest.mark.parametrize("path", STREAMS, ids=[fixture_id(p) for p in STREAMS])
def test_updates_add_up_to_the_completion_on_every_stream(path: Path) -> None:
    raw = path.read_bytes()
    try:
        completion = orsse.collect([raw])
        error_type = None
    except orsse.OrsseError as exc:
        assert exc.partial is not None
        completion = exc.partial
        error_type = type(exc)
    rng = random.Random(path.name)
    for use_async in (False, True):
        for pieces in ([raw], random_reads(raw, rng, 64), random_reads(raw, rng, 7)):
            updates, error = updates_of(pieces, use_async=use_async)
            check_order(updates)
            if error_type is None:
                assert error is None
                assert updates[-1].type == "completion"
                assert updates[-1].completion.to_dict() == completion.to_dict()
            else:
                # the updates of what arrived before the error, then the error, as collect()
                assert type(error) is error_type and error.partial.to_dict() == completion.to_dict()
                assert all(u.type != "completion" for u in updates)
            check_adds_up(updates, completion, ended=error_type is None)
            keepalives = [u for u in updates if u.type == "keepalive"]
            if error_type is None:
                assert len(keepalives) == comment_lines(raw)
            assert all(u.comment == "OPENROUTER PROCESSING" for u in keepalives)
            usage = [u.usage for u in updates if u.type == "usage"]
            assert (usage[-1] if usage else None) == completion.usage


@pytest.mark.parametrize("path", STREAMS, ids=[fixture_id(p) for p in STREAMS])
def test_snapshots_and_partial_arguments_are_right_when_each_update_comes(path: Path) -> None:
    texts: Dict[Any, str] = {}
    updates = orsse.iter_updates([path.read_bytes()])
    try:
        for u in updates:
            if u.type in ("content.delta", "reasoning.delta", "refusal.delta"):
                key: Any = (u.type, u.index)
                texts[key] = texts.get(key, "") + u.delta
                assert u.snapshot == texts[key]
            elif u.type == "tool_call.arguments.delta":
                key = (u.index, u.tool_index)
                texts[key] = texts.get(key, "") + u.delta
                assert u.snapshot == texts[key]
                parser = orsse.PartialJSONParser()
                try:
                    expected = parser.feed(texts[key])
                except orsse.PartialJSONError:
                    continue
                assert copy.deepcopy(u.partial) == expected
    except orsse.OrsseError:
        pass


# -- each update type, on streams written here -------------------------------------------


def _types(updates: List[Any]) -> List[Tuple[str, Optional[int]]]:
    return [(u.type, u.index) for u in updates]


def test_a_reasoning_then_content_stream_in_order() -> None:
    raw = sse_body(
        chunk({"role": "assistant", "content": "", "reasoning": "Think",
               "reasoning_details": [{"type": "reasoning.text", "text": "Think", "format": "f", "index": 0}]}),
        chunk({"role": "assistant", "content": "", "reasoning": "ing.",
               "reasoning_details": [{"type": "reasoning.text", "text": "ing.", "format": "f", "index": 0}]}),
        chunk({"role": "assistant", "content": "Hel"}),
        chunk({"role": "assistant", "content": "lo"}),
        chunk({"role": "assistant", "content": ""}, finish_reason="stop", native_finish_reason="end_turn"),
        chunk(choices=[], usage=USAGE),
        comments=2,
    )  # fmt: skip
    updates, error = updates_of([raw])
    assert error is None
    assert _types(updates) == [
        ("keepalive", None), ("keepalive", None),
        ("reasoning.delta", 0), ("reasoning.delta", 0),
        ("content.delta", 0), ("content.delta", 0),
        ("reasoning.done", 0), ("content.done", 0), ("finish", 0),
        ("usage", None), ("completion", None),
    ]  # fmt: skip
    assert [u.delta for u in updates[2:6]] == ["Think", "ing.", "Hel", "lo"]
    assert [u.snapshot for u in updates[2:6]] == ["Think", "Thinking.", "Hel", "Hello"]
    assert updates[6] == orsse.TextDone("reasoning.done", 0, "Thinking.")
    assert updates[7].text == "Hello"
    assert (updates[8].finish_reason, updates[8].native_finish_reason) == ("stop", "end_turn")
    assert updates[9].usage.total_tokens == 15
    assert updates[10].completion.content == "Hello"
    assert updates[10].completion.message.reasoning == "Thinking."
    assert "content.delta" in repr(updates[4]) and "'Hel'" in repr(updates[4])


def test_reasoning_from_reasoning_content_or_from_details_alone() -> None:
    raw = sse_body(
        chunk({"role": "assistant", "reasoning_content": "deep"}),
        chunk({"role": "assistant", "reasoning_content": "seek"}),
        chunk({"role": "assistant", "content": "ok"}, finish_reason="stop"),
    )
    updates, _ = updates_of([raw])
    assert [u.delta for u in updates if u.type == "reasoning.delta"] == ["deep", "seek"]
    assert [u.text for u in updates if u.type == "reasoning.done"] == ["deepseek"]
    raw = sse_body(
        chunk({"role": "assistant", "reasoning_details": [{"type": "reasoning.summary", "summary": "Sum", "index": 0}]}),
        chunk({"role": "assistant", "reasoning_details": [
            {"type": "reasoning.summary", "summary": "mary", "index": 0},
            {"type": "reasoning.encrypted", "data": "opaque", "index": 0},
        ]}),
        chunk({"role": "assistant", "content": "ok"}, finish_reason="stop"),
    )  # fmt: skip
    updates, _ = updates_of([raw])
    assert [u.delta for u in updates if u.type == "reasoning.delta"] == ["Sum", "mary"]
    completion = updates[-1].completion
    check_adds_up(updates, completion)
    assert completion.message.reasoning_details[1].data == "opaque"


def test_refusal_updates() -> None:
    raw = sse_body(
        chunk({"role": "assistant", "refusal": "I can"}),
        chunk({"role": "assistant", "refusal": "not."}),
        chunk({"role": "assistant", "content": ""}, finish_reason="stop"),
    )
    updates, _ = updates_of([raw])
    assert _types(updates) == [
        ("refusal.delta", 0), ("refusal.delta", 0), ("refusal.done", 0), ("finish", 0), ("completion", None),
    ]  # fmt: skip
    assert updates[1].snapshot == "I cannot."
    assert updates[2].text == "I cannot." == updates[-1].completion.message.refusal


def _call(index: int, arguments: str, **first: Any) -> Dict[str, Any]:
    fragment: Dict[str, Any] = {"index": index, "function": {"arguments": arguments}}
    if first:
        fragment.update(id=first["id"], type="function")
        fragment["function"]["name"] = first["name"]
    return fragment


def test_tool_calls_one_after_another_are_done_as_the_next_one_starts() -> None:
    raw = sse_body(
        chunk({"role": "assistant", "content": None, "tool_calls": [_call(0, "", id="call_a", name="add")]}),
        chunk({"role": "assistant", "content": None, "tool_calls": [_call(0, '{"a"')]}),
        chunk({"role": "assistant", "content": None, "tool_calls": [_call(0, ": 2, ")]}),
        chunk({"role": "assistant", "content": None, "tool_calls": [_call(0, '"b": 3}')]}),
        chunk({"role": "assistant", "content": None, "tool_calls": [_call(1, "", id="call_b", name="noop")]}),
        chunk({"role": "assistant", "content": None, "tool_calls": [_call(2, '{"q": "x', id="call_c", name="find")]}),
        chunk({"role": "assistant", "content": None, "tool_calls": [_call(2, '"}')]}),
        chunk({"role": "assistant", "content": ""}, finish_reason="tool_calls", native_finish_reason="tool_use"),
        chunk(choices=[], usage=USAGE),
    )
    updates, error = updates_of([raw])
    assert error is None
    assert [(u.type, getattr(u, "tool_index", None)) for u in updates] == [
        ("tool_call.start", 0),
        ("tool_call.arguments.delta", 0), ("tool_call.arguments.delta", 0), ("tool_call.arguments.delta", 0),
        ("tool_call.done", 0),  # call 1 starts: call 0 is whole JSON, and cannot change
        ("tool_call.start", 1),
        # call 2 starts, but call 1 has no arguments yet: it waits for the finish
        ("tool_call.start", 2), ("tool_call.arguments.delta", 2), ("tool_call.arguments.delta", 2),
        ("tool_call.done", 1), ("tool_call.done", 2),
        ("finish", None), ("usage", None), ("completion", None),
    ]  # fmt: skip
    start = updates[0]
    assert (start.id, start.name) == ("call_a", "add")
    deltas = updates[1:4]
    assert [u.delta for u in deltas] == ['{"a"', ": 2, ", '"b": 3}']
    assert [u.snapshot for u in deltas] == ['{"a"', '{"a": 2, ', '{"a": 2, "b": 3}']
    assert deltas[-1].partial == {"a": 2, "b": 3}
    assert (deltas[0].id, deltas[0].name) == ("call_a", "add")
    done = updates[4]
    assert done.arguments == {"a": 2, "b": 3} and done.error is None
    assert done.tool_call == updates[-1].completion.message.tool_calls[0]
    assert updates[9].arguments == {}  # a call without arguments text: no parameters
    assert updates[10].arguments == {"q": "x"}
    assert updates[7].partial == {"q": "x"}


def test_partial_arguments_grow_and_are_never_wrong() -> None:
    pieces = ['{"ci', 'ty": "Flo', 'rence", "days": 1', "2, ", '"units": [', '"c"]}']
    raw = sse_body(
        chunk({"role": "assistant", "content": None, "tool_calls": [_call(0, "", id="c1", name="weather")]}),
        *[chunk({"role": "assistant", "content": None, "tool_calls": [_call(0, p)]}) for p in pieces],
        chunk({"role": "assistant", "content": ""}, finish_reason="tool_calls"),
    )
    shown = []
    for u in orsse.iter_updates([raw]):
        if u.type == "tool_call.arguments.delta":
            shown.append(copy.deepcopy(u.partial))
    assert shown == [
        {},
        {"city": "Flo"},
        {"city": "Florence"},
        {"city": "Florence", "days": 12},
        {"city": "Florence", "days": 12, "units": []},
        {"city": "Florence", "days": 12, "units": ["c"]},
    ]


def test_bad_arguments_give_a_done_with_the_error_not_an_exception() -> None:
    raw = sse_body(
        chunk({"role": "assistant", "content": None, "tool_calls": [_call(0, '{"a": tru', id="c1", name="f")]}),
        chunk({"role": "assistant", "content": None, "tool_calls": [_call(0, "th}")]}),
        chunk({"role": "assistant", "content": None, "tool_calls": [_call(0, " more")]}),
        chunk({"role": "assistant", "content": ""}, finish_reason="tool_calls"),
    )
    updates, error = updates_of([raw])
    assert error is None
    deltas = [u for u in updates if u.type == "tool_call.arguments.delta"]
    assert [u.partial for u in deltas] == [{}, {}, {}]  # the last good value
    (done,) = [u for u in updates if u.type == "tool_call.done"]
    assert done.arguments is None
    assert isinstance(done.error, orsse.ToolArgumentsError) and isinstance(done.error, orsse.OrsseError)
    assert (done.error.position, done.error.tool_call_id, done.error.name, done.error.index) == (9, "c1", "f", 0)
    assert "'f'" in str(done.error) and "character 9" in str(done.error)
    assert done.tool_call.function.arguments == '{"a": truth} more'


def test_interleaved_tool_calls_are_done_only_when_the_choice_finishes() -> None:
    updates, error = updates_of([(SYNTHETIC_CHUNKS / "parallel_tool_calls.sse").read_bytes()])
    assert error is None
    kinds = [u.type for u in updates]
    first_done = kinds.index("tool_call.done")
    assert first_done > max(i for i, k in enumerate(kinds) if k == "tool_call.arguments.delta")
    assert [u.tool_index for u in updates if u.type == "tool_call.done"] == [0, 1, 2]
    assert [u.arguments for u in updates if u.type == "tool_call.done"] == [
        {"a": 1}, {"city": "Florence", "units": "c"}, {},
    ]  # fmt: skip
    check_adds_up(updates, updates[-1].completion)


def test_tool_calls_without_index_follow_the_accumulator() -> None:
    raw = sse_body(
        chunk({"role": "assistant", "tool_calls": [{"id": "a", "type": "function", "function": {"name": "f", "arguments": "{}"}}]}),
        chunk({"role": "assistant", "tool_calls": [{"id": "b", "type": "function", "function": {"name": "g", "arguments": "[1"}}]}),
        chunk({"role": "assistant", "tool_calls": [{"function": {"arguments": "]"}}]}),
        chunk({"role": "assistant", "content": ""}, finish_reason="tool_calls"),
    )  # fmt: skip
    updates, error = updates_of([raw])
    assert error is None
    assert [(u.tool_index, u.id) for u in updates if u.type == "tool_call.start"] == [(0, "a"), (1, "b")]
    assert [u.arguments for u in updates if u.type == "tool_call.done"] == [{}, [1]]
    check_adds_up(updates, updates[-1].completion)


def test_a_finish_chunk_sent_twice_counts_once() -> None:
    updates, error = updates_of([(SYNTHETIC_CHUNKS / "finish_repeated_content.sse").read_bytes()])
    assert error is None
    assert [u.delta for u in updates if u.type == "content.delta"] == ["Answer: ", "x"]
    assert sum(u.type == "finish" for u in updates) == 1
    assert [u.type for u in updates][-3:] == ["finish", "usage", "completion"]


def test_n_greater_than_one_keeps_each_choice_apart() -> None:
    updates, error = updates_of([(SYNTHETIC_CHUNKS / "n2_choices.sse").read_bytes()])
    assert error is None
    # written from the stream: choice 1 speaks first, both call a tool, both finish in one chunk
    assert [(u.type, u.index, getattr(u, "delta", None)) for u in updates] == [
        ("content.delta", 1, "Bon"),
        ("content.delta", 0, "Hel"),
        ("content.delta", 0, "lo"),
        ("content.delta", 1, "jour"),
        ("tool_call.start", 0, None),
        ("tool_call.start", 1, None),
        ("tool_call.arguments.delta", 1, '{"text": '),
        ("tool_call.arguments.delta", 0, '{"q": "x"}'),
        ("tool_call.arguments.delta", 1, '"hi"}'),
        ("content.done", 0, None),
        ("tool_call.done", 0, None),
        ("finish", 0, None),
        ("content.done", 1, None),
        ("tool_call.done", 1, None),
        ("finish", 1, None),
        ("usage", None, None),
        ("completion", None, None),
    ]
    assert [u.text for u in updates if u.type == "content.done"] == ["Hello", "Bonjour"]
    assert [(u.index, u.finish_reason) for u in updates if u.type == "finish"] == [(0, "tool_calls"), (1, "length")]
    assert [(u.index, u.tool_call.id, u.arguments) for u in updates if u.type == "tool_call.done"] == [
        (0, "call_a", {"q": "x"}), (1, "call_b", {"text": "hi"}),
    ]  # fmt: skip
    assert [u.snapshot for u in updates if u.type == "content.delta" and u.index == 1] == ["Bon", "Bonjour"]


def test_a_stream_without_finish_reason_gets_its_done_updates_at_the_end() -> None:
    raw = sse_body(chunk({"role": "assistant", "content": "Hi"}), chunk({"role": "assistant", "content": "!"}))
    updates, error = updates_of([raw])
    assert error is None
    assert _types(updates) == [("content.delta", 0), ("content.delta", 0), ("content.done", 0), ("completion", None)]


def test_keepalives_are_updates_and_reach_on_comment_too() -> None:
    raw = b": OPENROUTER PROCESSING\n\n:second\n\n" + sse_body(chunk({"content": "x"}, finish_reason="stop"), comments=1)
    seen: List[str] = []
    updates, _ = updates_of([raw], on_comment=seen.append)
    assert [u.comment for u in updates if u.type == "keepalive"] == ["OPENROUTER PROCESSING", "second", "OPENROUTER PROCESSING"]
    assert seen == ["OPENROUTER PROCESSING", "second", "OPENROUTER PROCESSING"]
    assert updates[0] == orsse.KeepAlive("OPENROUTER PROCESSING")



@pytest.mark.parametrize("use_async", [False, True])
def test_a_keepalive_comes_where_it_came_in_the_stream_however_the_reads_fell(use_async: bool) -> None:
    # Content, a keep-alive, more content: one read or many, the keep-alive stays between.
    raw = (
        sse_body(chunk({"content": "Hel"}))[: -len(b"data: [DONE]\n\n")]
        + b": OPENROUTER PROCESSING\n\n"
        + sse_body(chunk({"content": "lo"}), chunk({}, finish_reason="stop"))
    )
    seen: List[str] = []
    want = [("content.delta", 0), ("keepalive", None), ("content.delta", 0), ("content.done", 0), ("finish", 0), ("completion", None)]
    for pieces in ([raw], raw.splitlines(True), [raw[i : i + 1] for i in range(len(raw))], random_reads(raw, random.Random(5), 40)):
        updates, error = updates_of(pieces, use_async=use_async, on_comment=seen.append)
        assert error is None
        assert _types(updates) == want, len(pieces)
    assert seen == ["OPENROUTER PROCESSING"] * 4


# -- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize("use_async", [False, True])
def test_a_mid_stream_error_raises_after_the_updates_of_what_came_before(use_async: bool) -> None:
    raw = sse_body(
        chunk({"role": "assistant", "content": "Par"}),
        chunk({"role": "assistant", "content": "tial"}),
        {"id": "gen-test-1", "object": "chat.completion.chunk", "choices": [],
         "error": {"code": 502, "message": "Provider returned error"}},
    )  # fmt: skip
    for pieces in ([raw], [raw[i : i + 5] for i in range(0, len(raw), 5)]):
        updates, error = updates_of(pieces, use_async=use_async)
        assert isinstance(error, orsse.StreamError) and error.code == 502
        assert [u.delta for u in updates] == ["Par", "tial"]
        assert error.partial is not None and error.partial.content == "Partial"


@pytest.mark.parametrize("use_async", [False, True])
def test_a_cut_off_stream_raises_with_its_partial_and_no_completion(use_async: bool) -> None:
    raw = sse_body(chunk({"role": "assistant", "content": "Cut"}), done=False)
    updates, error = updates_of([raw], use_async=use_async)
    assert isinstance(error, orsse.IncompleteStreamError)
    assert _types(updates) == [("content.delta", 0)]
    assert error.partial is not None and error.partial.content == "Cut"


def test_a_failing_byte_source_keeps_the_updates_so_far() -> None:
    def source() -> Any:
        yield sse_body(chunk({"role": "assistant", "content": "so far"}), done=False)
        raise orsse.IncompleteStreamError("the connection broke")

    got = []
    with pytest.raises(orsse.IncompleteStreamError) as caught:
        for update in orsse.iter_updates(source()):
            got.append(update)
    assert [u.delta for u in got] == ["so far"]
    assert caught.value.partial is not None and caught.value.partial.content == "so far"


def test_one_tracker_per_accumulator_and_from_the_start() -> None:
    from orsse._updates import UpdateTracker

    accumulator = orsse.Accumulator()
    UpdateTracker(accumulator)
    with pytest.raises(ValueError, match="already followed"):
        UpdateTracker(accumulator)
    used = orsse.Accumulator()
    orsse.collect([sse_body(chunk({"content": "x"}, finish_reason="stop"))], accumulator=used)
    with pytest.raises(ValueError, match="from the start"):
        list(orsse.iter_updates([b""], accumulator=used))


def test_the_tracker_follows_a_stream_of_chunks_for_a_client() -> None:
    """The seam a client's stream uses: its own accumulator and comment callback, its
    own chunk iterator; content_text() is the text-only view."""
    from orsse._updates import UpdateTracker, content_text

    raw = sse_body(chunk({"role": "assistant", "content": "Ol"}), chunk({"content": "á"}, finish_reason="stop"), comments=1)
    accumulator = orsse.Accumulator()
    tracker = UpdateTracker(accumulator)
    chunks = orsse.iter_chunks([raw], accumulator=accumulator, on_comment=tracker.comment)
    assert list(content_text(tracker.follow(chunks))) == ["Ol", "á"]
    assert accumulator.observer is None  # let go at the end

    accumulator = orsse.Accumulator()
    tracker = UpdateTracker(accumulator)
    chunks = orsse.iter_chunks([raw], accumulator=accumulator, on_comment=tracker.comment)
    kinds = [u.type for u in tracker.follow(chunks)]
    assert kinds == ["keepalive", "content.delta", "content.delta", "content.done", "finish", "completion"]


def test_the_update_names_are_public_in_all_three_places() -> None:
    from orsse import _updates

    source = (Path(orsse.__file__).parent / "__init__.py").read_text("utf-8")
    for name in _updates.__all__ + ["PartialJSONParser", "PartialJSONError", "tool_result"]:
        assert name in orsse.__all__ and name in orsse._LAZY, name
        assert f"{name} as {name}" in source, name
        assert getattr(orsse, name) is not None
    assert "ToolArgumentsError" in orsse.__all__ and orsse.ToolArgumentsError.__module__ == "orsse._errors"


def test_leaving_the_updates_early_closes_the_chunks() -> None:
    from orsse._updates import UpdateTracker

    closed = []

    def chunks_of(raw: bytes) -> Any:
        try:
            yield from orsse.iter_chunks([raw], accumulator=accumulator)
        finally:
            closed.append(True)

    raw = sse_body(chunk({"content": "a"}), chunk({"content": "b"}), chunk({"content": "c"}, finish_reason="stop"))
    accumulator = orsse.Accumulator()
    updates = UpdateTracker(accumulator).follow(chunks_of(raw))
    assert next(updates).delta == "a"
    updates.close()
    assert closed == [True]


def test_leaving_the_async_updates_early_closes_the_chunks() -> None:
    from orsse._updates import UpdateTracker

    closed = []
    raw = sse_body(chunk({"content": "a"}), chunk({"content": "b"}), chunk({"content": "c"}, finish_reason="stop"))

    async def main() -> None:
        accumulator = orsse.Accumulator()

        async def chunks_of() -> Any:
            try:
                async for item in orsse.aiter_chunks(agen([raw]), accumulator=accumulator):
                    yield item
            finally:
                closed.append(True)

        updates = UpdateTracker(accumulator).afollow(chunks_of())
        first = await updates.__anext__()
        assert first.type == "content.delta" and first.delta == "a"
        await updates.aclose()

    asyncio.run(main())
    assert closed == [True]
