"""Updates as they happen: text pieces, tool calls forming, the finish, the completion.

Built on the one :class:`~orsse.Accumulator`: it decides what each chunk adds (a finish
chunk sent twice counts once, a tool-call fragment goes to the call its index names), and
tells this layer through its ``observer`` seam; nothing here merges anything itself. So
the deltas of each kind add up exactly to the rebuilt message.

When the "done" updates fire:

- ``tool_call.done``, as soon as the call cannot change any more: when the next call of
  the same choice starts, if the calls so far came one after another and this call's
  arguments are already one whole JSON value; otherwise when the choice finishes.
- ``reasoning.done``, ``content.done``, ``refusal.done`` and the remaining
  ``tool_call.done``, when the choice's finish reason arrives (just before ``finish``),
  or at the end of the stream for a choice that never got one.
"""

from __future__ import annotations

from ._errors import OrsseError, ToolArgumentsError
from ._partial_json import PartialJSONError, PartialJSONParser
from ._sse import DEFAULT_MAX_EVENT_SIZE, DEFAULT_MAX_LINE_SIZE

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

if TYPE_CHECKING:
    from typing import (
        Any,
        AsyncIterable,
        AsyncIterator,
        Callable,
        Dict,
        Iterable,
        Iterator,
        List,
        Literal,
        Optional,
        Sequence,
        Tuple,
        Union,
    )

    from ._accumulate import Accumulator
    from ._completion import ChatCompletion, ToolCall
    from ._wire import ChatCompletionChunk, ReasoningDetail, ToolCallDelta, Usage

    TextDeltaType = Literal["content.delta", "reasoning.delta", "refusal.delta"]
    TextDoneType = Literal["content.done", "reasoning.done", "refusal.done"]

__all__ = [
    "Update",
    "TextDelta",
    "TextDone",
    "ToolCallStart",
    "ToolCallArgumentsDelta",
    "ToolCallDone",
    "UsageUpdate",
    "FinishUpdate",
    "KeepAlive",
    "CompletionUpdate",
    "iter_updates",
    "aiter_updates",
]


# -- the updates -------------------------------------------------------------------------


class Update:
    """Base class of every update. ``type`` names the kind (``"content.delta"``, ...);
    ``index`` is the choice it belongs to (``None`` for the stream-wide ones: ``usage``,
    ``keepalive``, ``completion``).

    Each subclass declares ``type`` as the literal strings it can hold, so a type checker
    narrows ``update.type == "content.delta"`` to a :class:`TextDelta`, as ``isinstance``
    does."""

    __slots__ = ("type", "index")

    _FIELDS: Sequence[str] = ()

    def _values(self) -> List[Any]:
        return [getattr(self, name) for name in self._FIELDS]

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Update)
        mine = (getattr(self, "type"), getattr(self, "index"), self._values())
        return mine == (getattr(other, "type"), getattr(other, "index"), other._values())

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fields = "".join(f", {name}={getattr(self, name)!r}" for name in self._FIELDS)
        return (
            f"{self.__class__.__name__}(type={getattr(self, 'type')!r}, "
            f"index={getattr(self, 'index')!r}{fields})"
        )


class _Text:
    """The pieces of one growing text, shared by the updates that report them: each
    update's ``snapshot`` joins the first pieces only when it is asked for, so an update
    costs nothing in proportion to the text before it."""

    __slots__ = ("parts", "joined", "joined_count")

    def __init__(self) -> None:
        self.parts: List[str] = []
        self.joined = ""
        self.joined_count = 0

    def add(self, piece: str) -> int:
        self.parts.append(piece)
        return len(self.parts)

    def prefix(self, count: int) -> str:
        if count == self.joined_count:
            return self.joined
        if count > self.joined_count:
            text = self.joined + "".join(self.parts[self.joined_count : count])
        else:
            text = "".join(self.parts[:count])
        # Reading the snapshots in order (the usual way) joins only the new pieces.
        self.joined, self.joined_count = text, count
        return text

    def text(self) -> str:
        return self.prefix(len(self.parts))


class TextDelta(Update):
    """``"content.delta"``, ``"reasoning.delta"`` or ``"refusal.delta"``: the new piece
    ``delta``, and ``snapshot``, the text so far with it (joined when first read)."""

    __slots__ = ("delta", "_text", "_count")

    _FIELDS = ("delta", "snapshot")

    type: Literal["content.delta", "reasoning.delta", "refusal.delta"]
    index: int

    def __init__(self, type: TextDeltaType, index: int, delta: str, text: _Text, count: int) -> None:
        self.type = type
        self.index = index
        self.delta = delta
        self._text = text
        self._count = count

    @property
    def snapshot(self) -> str:
        """The whole text of this kind so far, this piece included."""
        return self._text.prefix(self._count)


class TextDone(Update):
    """``"content.done"``, ``"reasoning.done"`` or ``"refusal.done"``: ``text`` is the
    whole text of that kind, the pieces of its deltas joined."""

    __slots__ = ("text",)

    _FIELDS = ("text",)

    type: Literal["content.done", "reasoning.done", "refusal.done"]
    index: int

    def __init__(self, type: TextDoneType, index: int, text: str) -> None:
        self.type = type
        self.index = index
        self.text = text


class ToolCallStart(Update):
    """``"tool_call.start"``: the first fragment of tool call ``tool_index`` arrived,
    naming its ``id`` and the function ``name``."""

    __slots__ = ("tool_index", "id", "name")

    _FIELDS = ("tool_index", "id", "name")

    type: Literal["tool_call.start"]
    index: int

    def __init__(self, index: int, tool_index: int, id: Optional[str], name: Optional[str]) -> None:
        self.type = "tool_call.start"
        self.index = index
        self.tool_index = tool_index
        self.id = id
        self.name = name


class ToolCallArgumentsDelta(Update):
    """``"tool_call.arguments.delta"``: the new piece ``delta`` of a call's arguments,
    ``snapshot`` the arguments text so far, and ``partial`` the value parsed so far
    (see :class:`PartialJSONParser`: never wrong, and grown in place by later pieces;
    the last good value when the text has turned out not to be JSON)."""

    __slots__ = ("tool_index", "id", "name", "delta", "partial", "_text", "_count")

    _FIELDS = ("tool_index", "id", "name", "delta", "snapshot")

    type: Literal["tool_call.arguments.delta"]
    index: int

    def __init__(
        self,
        index: int,
        tool_index: int,
        id: Optional[str],
        name: Optional[str],
        delta: str,
        partial: Any,
        text: _Text,
        count: int,
    ) -> None:
        self.type = "tool_call.arguments.delta"
        self.index = index
        self.tool_index = tool_index
        self.id = id
        self.name = name
        self.delta = delta
        self.partial = partial
        self._text = text
        self._count = count

    @property
    def snapshot(self) -> str:
        """The arguments text so far, this piece included."""
        return self._text.prefix(self._count)


class ToolCallDone(Update):
    """``"tool_call.done"``: the whole ``tool_call`` (a :class:`ToolCall`, exactly as in
    the rebuilt message), with ``arguments``, its parsed arguments, or ``error``, a
    :class:`ToolArgumentsError` when they are not valid JSON (``arguments`` is then
    ``None``). Empty arguments (a call without parameters) parse as ``{}``."""

    __slots__ = ("tool_index", "tool_call", "arguments", "error")

    _FIELDS = ("tool_index", "tool_call", "arguments", "error")

    type: Literal["tool_call.done"]
    index: int

    def __init__(
        self,
        index: int,
        tool_index: int,
        tool_call: ToolCall,
        arguments: Any,
        error: Optional[ToolArgumentsError],
    ) -> None:
        self.type = "tool_call.done"
        self.index = index
        self.tool_index = tool_index
        self.tool_call = tool_call
        self.arguments = arguments
        self.error = error


class UsageUpdate(Update):
    """``"usage"``: the token counts and cost, as the stream reported them."""

    __slots__ = ("usage",)

    _FIELDS = ("usage",)

    type: Literal["usage"]
    index: None

    def __init__(self, usage: Usage) -> None:
        self.type = "usage"
        self.index = None
        self.usage = usage


class FinishUpdate(Update):
    """``"finish"``: the choice's ``finish_reason`` (``stop``, ``tool_calls``, ``length``,
    …) and the provider's own ``native_finish_reason``."""

    __slots__ = ("finish_reason", "native_finish_reason")

    _FIELDS = ("finish_reason", "native_finish_reason")

    type: Literal["finish"]
    index: int

    def __init__(self, index: int, finish_reason: str, native_finish_reason: Optional[str]) -> None:
        self.type = "finish"
        self.index = index
        self.finish_reason = finish_reason
        self.native_finish_reason = native_finish_reason


class KeepAlive(Update):
    """``"keepalive"``: a comment line of the stream (``: OPENROUTER PROCESSING``), which
    servers send while the model works: ``comment`` is its text. It comes where the
    comment came in the stream, after the updates of the events before it, however the
    bytes were grouped into reads."""

    __slots__ = ("comment",)

    _FIELDS = ("comment",)

    type: Literal["keepalive"]
    index: None

    def __init__(self, comment: str) -> None:
        self.type = "keepalive"
        self.index = None
        self.comment = comment


class CompletionUpdate(Update):
    """``"completion"``, always last: the rebuilt :class:`ChatCompletion`."""

    __slots__ = ("completion",)

    _FIELDS = ("completion",)

    type: Literal["completion"]
    index: None

    def __init__(self, completion: ChatCompletion) -> None:
        self.type = "completion"
        self.index = None
        self.completion = completion


if TYPE_CHECKING:
    #: What the iterators yield: each kind of update, told apart by its ``type``.
    AnyUpdate = Union[
        TextDelta, TextDone, ToolCallStart, ToolCallArgumentsDelta, ToolCallDone,
        UsageUpdate, FinishUpdate, KeepAlive, CompletionUpdate,
    ]  # fmt: skip


# -- following a stream ---------------------------------------------------------------------


# The text kinds, in the order their "done" updates come.
_DELTA_TYPES: Dict[str, TextDeltaType] = {
    "reasoning": "reasoning.delta", "content": "content.delta", "refusal": "refusal.delta",
}  # fmt: skip
_DONE_TYPES: Dict[str, TextDoneType] = {
    "reasoning": "reasoning.done", "content": "content.done", "refusal": "refusal.done",
}  # fmt: skip


class _ToolState:
    __slots__ = ("index", "id", "name", "text", "parser", "error", "done")

    def __init__(self, index: int, id: Optional[str], name: Optional[str]) -> None:
        self.index = index
        self.id = id
        self.name = name
        self.text = _Text()
        self.parser = PartialJSONParser()
        self.error: Optional[PartialJSONError] = None
        self.done = False


class _ChoiceUpdates:
    __slots__ = ("index", "texts", "tools", "latest_tool", "one_after_another", "finished")

    def __init__(self, index: int) -> None:
        self.index = index
        self.texts: Dict[str, _Text] = {}  # by kind: "reasoning", "content", "refusal"
        self.tools: Dict[int, _ToolState] = {}
        self.latest_tool = -1
        # Whether every fragment so far continued the latest call or started a new one:
        # only then may a call be declared done before the choice finishes.
        self.one_after_another = True
        self.finished = False


class _Pending:
    """A tool-call update whose value depends on the parser: worked out only when its
    turn comes to be handed out. A read can bring many chunks at once, all merged before
    the first is handed out, and the parsed value grows in place: parsing at hand-out
    time gives each update the value as of its own piece."""

    __slots__ = ("choice", "tool", "update", "early")

    def __init__(
        self, choice: int, tool: _ToolState, update: Optional[ToolCallArgumentsDelta], early: bool = False
    ) -> None:
        self.choice = choice
        self.tool = tool
        self.update = update  # None: the call's "done", if still due
        self.early = early  # a done that holds only if the arguments are whole JSON by then


def _reasoning_piece(
    reasoning: Optional[str], reasoning_content: Optional[str], details: Optional[List[ReasoningDetail]]
) -> Optional[str]:
    """The reasoning text a delta adds: ``reasoning`` (or DeepSeek's ``reasoning_content``)
    when it has one, else the text of its ``reasoning_details`` (some servers send only
    those). OpenRouter sends both channels with the same text: it counts once."""
    if reasoning is not None:
        return reasoning
    if reasoning_content is not None:
        return reasoning_content
    if details:
        pieces = []
        for detail in details:
            if detail.type == "reasoning.text" and detail.text:
                pieces.append(detail.text)
            elif detail.type == "reasoning.summary" and detail.summary:
                pieces.append(detail.summary)
        return "".join(pieces)
    return None


class UpdateTracker:
    """Turns what an :class:`Accumulator` merges into updates: the seam between a
    stream of chunks (``iter_chunks``, a client's stream) and its updates.

    Create it on the accumulator before any chunk is added, call :meth:`comment` for each
    comment line of the stream, and iterate :meth:`follow` (or :meth:`afollow`) over the
    chunks: it yields the updates each chunk made, then the "done" updates still due and
    the completion at the end. Errors from the chunks are raised after the updates of
    what arrived before them.
    """

    def __init__(self, accumulator: Accumulator) -> None:
        if accumulator.observer is not None:
            raise ValueError("this accumulator is already followed by another UpdateTracker")
        if accumulator.chunk_count:
            raise ValueError(
                "follow the updates from the start: this accumulator has already merged "
                f"{accumulator.chunk_count} chunk(s)"
            )
        self.accumulator = accumulator
        self._queue: List[Union[AnyUpdate, _Pending]] = []
        self._choices: Dict[int, _ChoiceUpdates] = {}
        self._ended = False
        accumulator.observer = self._observe
        accumulator.parts_observer = self._parts

    def comment(self, text: str) -> None:
        """A comment line of the stream (a keep-alive)."""
        self._queue.append(KeepAlive(text))

    def follow(self, chunks: Iterable[Any]) -> Iterator[AnyUpdate]:
        """Iterate *chunks* (whose every chunk goes into this tracker's accumulator) and
        yield the updates as they come."""
        drain = self._drain
        try:
            for _ in chunks:
                if self._queue:
                    yield from drain()
        except OrsseError:
            yield from drain()
            raise
        except GeneratorExit:
            # Left early: so is the stream (a client's stream closes its connection,
            # which stops the generation upstream).
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
            raise
        self._end()
        yield from drain()

    async def afollow(self, chunks: AsyncIterable[Any]) -> AsyncIterator[AnyUpdate]:
        """:meth:`follow` for an async iterable of chunks."""
        drain = self._drain
        try:
            async for _ in chunks:
                if self._queue:
                    for update in drain():
                        yield update
        except OrsseError:
            for update in drain():
                yield update
            raise
        except GeneratorExit:
            aclose = getattr(chunks, "aclose", None)
            if aclose is not None:
                await aclose()
            raise
        self._end()
        for update in drain():
            yield update

    # -- handing out ----------------------------------------------------------------------------

    def _drain(self) -> Iterator[AnyUpdate]:
        queue = self._queue
        self._queue = []
        for item in queue:
            if isinstance(item, Update):
                yield item
                continue
            update = self._settle(item)
            if update is not None:
                yield update

    def _settle(self, pending: _Pending) -> Optional[AnyUpdate]:
        tool = pending.tool
        update = pending.update
        if update is not None:
            if tool.error is None:
                try:
                    tool.parser.feed(update.delta)
                except PartialJSONError as bad:
                    tool.error = bad
            update.partial = tool.parser.value
            return update
        if tool.done or (pending.early and (tool.error is not None or not tool.parser.complete)):
            return None
        tool.done = True
        call = self.accumulator.tool_call(pending.choice, tool.index)
        arguments: Any = None
        problem: Optional[ToolArgumentsError] = None
        failure = tool.error
        if failure is None:
            if not call.function.arguments.strip():
                arguments = {}  # a function without parameters, as some providers stream it
            else:
                try:
                    arguments = tool.parser.close()
                except PartialJSONError as exc:
                    failure = tool.error = exc
        if failure is not None:
            problem = ToolArgumentsError(
                failure.reason,
                failure.position,
                arguments=call.function.arguments,
                tool_call_id=call.id,
                name=call.function.name,
                index=tool.index,
            )
        return ToolCallDone(pending.choice, tool.index, call, arguments, problem)

    def _end(self) -> None:
        """At the end of a stream that ended well: the "done" updates still due, and the
        completion. Nothing for a stream that did not end (closed early)."""
        accumulator = self.accumulator
        if self._ended or not (accumulator.done or accumulator.finished):
            return
        self._ended = True
        accumulator.observer = None
        accumulator.parts_observer = None
        for index in sorted(self._choices):
            state = self._choices[index]
            if not state.finished:
                self._done(state)
        self._queue.append(CompletionUpdate(accumulator.result()))

    # -- the observer ---------------------------------------------------------------------------

    def _observe(self, chunk: ChatCompletionChunk, merged: List[Optional[Sequence[int]]]) -> None:
        queue = self._queue
        for choice, tool_indexes in zip(chunk.choices, merged):
            if tool_indexes is None:
                continue  # a repeat the accumulator dropped
            delta = choice.delta
            state = self._parts(
                choice.index, delta.content, delta.refusal, delta.reasoning, delta.reasoning_content,
                delta.reasoning_details, delta.tool_calls, tool_indexes,
            )  # fmt: skip
            if choice.finish_reason is not None and not state.finished:
                self._done(state)
                queue.append(FinishUpdate(state.index, choice.finish_reason, choice.native_finish_reason))
        if chunk.usage is not None:
            queue.append(UsageUpdate(chunk.usage))

    def _parts(
        self,
        index: int,
        content: Optional[str],
        refusal: Optional[str],
        reasoning: Optional[str],
        reasoning_content: Optional[str],
        details: Optional[List[ReasoningDetail]],
        tool_calls: Optional[List[ToolCallDelta]],
        tool_indexes: Sequence[int],
    ) -> _ChoiceUpdates:
        """The updates of what one choice's delta added: from a typed chunk (above), or
        from the accumulator's ``parts_observer`` for a chunk merged from its dict."""
        state = self._choices.get(index)
        if state is None:
            state = self._choices[index] = _ChoiceUpdates(index)
        piece = _reasoning_piece(reasoning, reasoning_content, details)
        if piece:
            self._text(state, "reasoning", piece)
        if content:
            self._text(state, "content", content)
        if refusal:
            self._text(state, "refusal", refusal)
        if tool_indexes:
            assert tool_calls is not None
            for fragment, tool_index in zip(tool_calls, tool_indexes):
                function = fragment.function
                self._tool_fragment(state, tool_index, None if function is None else function.arguments)
        return state

    def _text(self, state: _ChoiceUpdates, kind: str, piece: str) -> None:
        text = state.texts.get(kind)
        if text is None:
            text = state.texts[kind] = _Text()
        self._queue.append(TextDelta(_DELTA_TYPES[kind], state.index, piece, text, text.add(piece)))

    def _tool_fragment(self, state: _ChoiceUpdates, tool_index: int, arguments: Optional[str]) -> None:
        queue = self._queue
        tool = state.tools.get(tool_index)
        if tool is None:
            if tool_index < state.latest_tool:
                state.one_after_another = False
            elif state.one_after_another:
                # The calls before this one are done, if their arguments are whole JSON
                # by the time this update is handed out.
                for earlier in state.tools.values():
                    if not earlier.done:
                        queue.append(_Pending(state.index, earlier, None, early=True))
            state.latest_tool = max(state.latest_tool, tool_index)
            call = self.accumulator.tool_call(state.index, tool_index)
            tool = state.tools[tool_index] = _ToolState(tool_index, call.id, call.function.name)
            queue.append(ToolCallStart(state.index, tool_index, tool.id, tool.name))
        elif tool_index != state.latest_tool:
            state.one_after_another = False
        if arguments:
            count = tool.text.add(arguments)
            update = ToolCallArgumentsDelta(
                state.index, tool_index, tool.id, tool.name, arguments, None, tool.text, count
            )
            queue.append(_Pending(state.index, tool, update))

    def _done(self, state: _ChoiceUpdates) -> None:
        state.finished = True
        queue = self._queue
        for kind, done_type in _DONE_TYPES.items():
            text = state.texts.get(kind)
            if text is not None:
                queue.append(TextDone(done_type, state.index, text.text()))
        for tool_index in sorted(state.tools):
            queue.append(_Pending(state.index, state.tools[tool_index], None))


def content_text(updates: Iterable[Update], index: int = 0) -> Iterator[str]:
    """Only the text of the answer: each ``content.delta`` piece of choice *index*."""
    for update in updates:
        if isinstance(update, TextDelta) and update.type == "content.delta" and update.index == index:
            yield update.delta


async def acontent_text(updates: AsyncIterable[Update], index: int = 0) -> AsyncIterator[str]:
    """:func:`content_text` for an async iterable of updates."""
    async for update in updates:
        if isinstance(update, TextDelta) and update.type == "content.delta" and update.index == index:
            yield update.delta


# -- from bytes ---------------------------------------------------------------------------------


def _tracker(
    accumulator: Optional[Accumulator], on_comment: Optional[Callable[[str], None]]
) -> Tuple[UpdateTracker, Callable[[str], None]]:
    """A tracker on *accumulator* (a fresh one when ``None``), and the comment callback
    to give the SSE layer: the tracker's, then the caller's own."""
    from ._accumulate import Accumulator

    tracker = UpdateTracker(Accumulator() if accumulator is None else accumulator)
    if on_comment is None:
        return tracker, tracker.comment
    callback = on_comment

    def comment(text: str) -> None:
        tracker.comment(text)
        callback(text)

    return tracker, comment


def iter_updates(
    chunks: Iterable[bytes],
    *,
    accumulator: Optional[Accumulator] = None,
    on_comment: Optional[Callable[[str], None]] = None,
    max_line_size: int = DEFAULT_MAX_LINE_SIZE,
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
) -> Iterator[AnyUpdate]:
    """Updates from the raw bytes of a streaming response, as they happen.

    Each update has a ``type`` and the choice ``index``: ``content.delta``,
    ``reasoning.delta``, ``refusal.delta`` (:class:`TextDelta`), ``tool_call.start``,
    ``tool_call.arguments.delta``, ``tool_call.done``, ``content.done``,
    ``reasoning.done``, ``refusal.done`` (:class:`TextDone`), ``usage``, ``finish``,
    ``keepalive``, and last ``completion`` with the rebuilt :class:`ChatCompletion`.
    The deltas of each kind add up exactly to the completion's message. Takes the
    options of :func:`iter_chunks` and raises what it raises (with ``.partial``), after
    the updates of everything that arrived before the error.
    """
    from ._chunks import merge_reads

    tracker, comment = _tracker(accumulator, on_comment)
    return tracker.follow(
        merge_reads(chunks, tracker.accumulator, "iter_updates", comment, max_line_size, max_event_size)
    )


def aiter_updates(
    chunks: AsyncIterable[bytes],
    *,
    accumulator: Optional[Accumulator] = None,
    on_comment: Optional[Callable[[str], None]] = None,
    max_line_size: int = DEFAULT_MAX_LINE_SIZE,
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
) -> AsyncIterator[AnyUpdate]:
    """:func:`iter_updates` for an async iterable of bytes (httpx, aiohttp)."""
    from ._chunks import amerge_reads

    tracker, comment = _tracker(accumulator, on_comment)
    return tracker.afollow(
        amerge_reads(chunks, tracker.accumulator, "aiter_updates", comment, max_line_size, max_event_size)
    )
