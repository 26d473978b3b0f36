"""The Responses API stream: typed events from bytes, and the response they rebuild.

Built on the public SSE layer (:func:`iter_events` / :func:`aiter_events`): each event becomes
one typed event (``_response_types``), each typed event goes into a
:class:`ResponseAccumulator`, and the stream's end is judged the way a chat stream's is: a
``response.completed`` (or ``.incomplete``) is a result, ``response.failed`` or an ``error``
event raises :class:`StreamError`, and bytes that stop before either raise
:class:`IncompleteStreamError`. Every error carries the response rebuilt so far as
``.partial_response`` (older code's ``.partial`` returns it too, though that attribute is
typed for chat completions). A ``data: [DONE]`` (OpenRouter's examples end with one;
OpenAI's streams do not) stops the reading, and is never required.

The accumulator really accumulates: text, refusals, summaries and function arguments are
joined from their deltas, parts and items are replaced whole by their ``.done`` events,
so a stream cut anywhere still gives every item that had started. When the final
response arrives it is the result, exactly as sent.
"""

from __future__ import annotations

import json
from dataclasses import replace

from ._errors import (
    read_failure,
    ChunkDecodeError,
    IncompleteStreamError,
    InputTypeError,
    OrsseError,
    ResponseLimitError,
    StreamError,
)
from ._json import json_object
from ._response_types import (
    KNOWN_EVENT_TYPES,
    ContentPart,
    ContentPartEvent,
    ResponseErrorEvent,
    FunctionCallItem,
    MessageItem,
    OtherItem,
    OutputItemEvent,
    ReasoningItem,
    Response,
    ResponseStatusEvent,
    TextDeltaEvent,
    TextDoneEvent,
    AnnotationAddedEvent,
    UnknownResponseEvent,
    event_from_dict,
    with_output,
)
from ._sse import DEFAULT_MAX_EVENT_SIZE, DEFAULT_MAX_LINE_SIZE, SSEDecoder, aiter_events, iter_events

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
        Optional,
        Union,
    )

    from ._response_types import OutputItem, ResponseEvent
    from ._sse import ServerSentEvent

__all__ = [
    "ResponseAccumulator",
    "iter_response_events",
    "aiter_response_events",
    "collect_response",
    "acollect_response",
    "detect_stream_kind",
    "parse_response_event",
]

#: The default bound on a rebuilt response, in characters of text and structure (see
#: :class:`ResponseAccumulator`): far above any real answer (a 128k-token reasoning
#: response is a few MB), far below what would exhaust a machine.
DEFAULT_MAX_RESPONSE_SIZE = 64 * 1024 * 1024

#: What each object (an item, a part, an annotation) is counted as besides its text, so a
#: flood of empty items is bounded too.
_OBJECT_COST = 64

_TERMINAL = frozenset(("response.completed", "response.incomplete", "response.failed"))


def _size(value: Any) -> int:
    """Characters of the strings in a JSON value plus a fixed cost per value; iterative,
    so no nesting depth can raise RecursionError."""
    total = 0
    stack = [value]
    pop = stack.pop
    push = stack.extend
    while stack:
        item = pop()
        if type(item) is str:
            total += len(item) + 2
        elif type(item) is dict:
            total += 2 + len(item)
            push(item.keys())
            push(item.values())
        elif type(item) is list:
            total += 2 + len(item)
            push(item)
        else:
            total += 8
    return total


class _PartState:
    """A content or summary part being rebuilt; text pieces in lists, joined on demand."""

    __slots__ = ("part", "text", "refusal", "annotations", "logprobs", "done")

    def __init__(self, part: ContentPart, done: bool = False) -> None:
        self.part = part
        self.text: Optional[List[str]] = None if part.text is None else [part.text]
        self.refusal: Optional[List[str]] = None if part.refusal is None else [part.refusal]
        self.annotations: Optional[List[Dict[str, Any]]] = (
            None if part.annotations is None else list(part.annotations)
        )
        self.logprobs: Optional[List[Any]] = None if part.logprobs is None else list(part.logprobs)
        #: A ``.done`` gave the whole part: it is the result as sent.
        self.done = done

    def take_added(self, part: ContentPart) -> None:
        """A ``.added`` for a part already started (late, after its first deltas, or sent
        twice): it describes the part, and the text joined so far stays."""
        self.part = part
        if self.text is None and part.text is not None:
            self.text = [part.text]
        if self.refusal is None and part.refusal is not None:
            self.refusal = [part.refusal]
        if self.annotations is None and part.annotations is not None:
            self.annotations = list(part.annotations)
        if self.logprobs is None and part.logprobs is not None:
            self.logprobs = list(part.logprobs)

    def result(self) -> ContentPart:
        if self.done:
            return self.part
        return replace(
            self.part,
            text=_joined(self.text),
            refusal=_joined(self.refusal),
            annotations=None if self.annotations is None else list(self.annotations),
            logprobs=None if self.logprobs is None else list(self.logprobs),
            extra=dict(self.part.extra),
        )


def _joined(pieces: Optional[List[str]]) -> Optional[str]:
    if pieces is None:
        return None
    if len(pieces) > 1:
        # Kept joined, so asking for partial results as the stream goes stays linear.
        pieces[:] = ["".join(pieces)]
    return pieces[0]


def _append(pieces: Optional[List[str]], text: str) -> List[str]:
    if pieces is None:
        return [text]
    pieces.append(text)
    return pieces


class _ItemState:
    """An output item being rebuilt from its parts and deltas (or given whole by ``.done``).

    Parts and arguments are kept whatever the item's type: a delta aimed at an item whose
    type has no such field (summary text for a message, text for a function call or a web
    search, an ``.added`` that changed the item's type) lands in the rebuilt item's
    ``extra`` under the key the API would use, so no text the stream sent is lost.
    """

    __slots__ = ("item", "content", "summary", "arguments", "done", "next_index")

    def __init__(self, item: OutputItem, done: bool = False) -> None:
        self.item = item
        self.done = done
        self.content = _indexed(_sent_parts(item, "content"))
        self.summary = _indexed(_sent_parts(item, "summary"))
        arguments = item.arguments if isinstance(item, FunctionCallItem) else item.extra.get("arguments")
        self.arguments: Optional[List[str]] = [arguments] if type(arguments) is str else None
        # One past the highest part index of each list, for events that give no index
        # (kept, not computed, so such events cost constant time).
        self.next_index = {"content": len(self.content), "summary": len(self.summary)}

    def parts(self, where: str) -> Dict[int, _PartState]:
        return self.summary if where == "summary" else self.content

    def put(self, where: str, index: int, part: _PartState) -> None:
        self.parts(where)[index] = part
        if index >= self.next_index[where]:
            self.next_index[where] = index + 1

    def take_added(self, item: OutputItem) -> None:
        """A ``.added`` for an item already started (late, after its first deltas, or sent
        twice): it describes the item, and the parts and arguments joined so far stay."""
        given = _ItemState(item)
        for where in ("content", "summary"):
            parts = self.parts(where)
            for index, part in given.parts(where).items():
                if index in parts:
                    parts[index].take_added(part.part)
                else:
                    self.put(where, index, part)
        if self.arguments is None:
            self.arguments = given.arguments
        self.item = item

    def result(self) -> OutputItem:
        item = self.item
        if self.done:
            return item
        if isinstance(item, MessageItem):
            rebuilt: OutputItem = replace(item, content=_rebuilt(item.content, self.content), extra=dict(item.extra))
        elif isinstance(item, ReasoningItem):
            rebuilt = replace(
                item,
                summary=_rebuilt(item.summary, self.summary),
                content=_rebuilt(item.content, self.content),
                extra=dict(item.extra),
            )
        elif isinstance(item, FunctionCallItem):
            rebuilt = replace(item, arguments=_joined(self.arguments), extra=dict(item.extra))
        else:
            rebuilt = replace(item, extra=dict(item.extra))
        self._keep_strays(rebuilt)
        return rebuilt

    def _keep_strays(self, rebuilt: OutputItem) -> None:
        """Write into *rebuilt*'s ``extra`` what the stream gave that its type has no field for."""
        extra = rebuilt.extra
        for where, parts in (("content", self.content), ("summary", self.summary)):
            if parts and not hasattr(rebuilt, where):
                dicts = [parts[index].result().to_dict() for index in sorted(parts)]
                sent = extra.get(where)
                if type(sent) is list and _sent_parts(rebuilt, where) is None:
                    dicts = sent + dicts  # sent as something other than parts: kept before them
                extra[where] = dicts
        if self.arguments is not None and not isinstance(rebuilt, FunctionCallItem):
            extra["arguments"] = _joined(self.arguments)


def _sent_parts(item: OutputItem, where: str) -> Optional[List[ContentPart]]:
    """The parts *item* came with under *where*: its field, or for a type without one a
    list in ``extra`` that reads as parts (anything else there stays as it was sent)."""
    if isinstance(item, ReasoningItem) or (isinstance(item, MessageItem) and where == "content"):
        parts: Optional[List[ContentPart]] = getattr(item, where)
        return parts
    sent = item.extra.get(where)
    if type(sent) is not list:
        return None
    try:
        return [ContentPart.from_dict(part) for part in sent]
    except (TypeError, ValueError):
        return None


def _indexed(parts: Optional[List[ContentPart]]) -> Dict[int, _PartState]:
    return {} if not parts else {index: _PartState(part) for index, part in enumerate(parts)}


def _rebuilt(original: Optional[List[ContentPart]], parts: Dict[int, _PartState]) -> Optional[List[ContentPart]]:
    if not parts:
        return None if original is None else list(original)
    return [parts[index].result() for index in sorted(parts)]


# What a delta that arrives before its item or part (a stream joined late, a server that
# skips the ``.added`` events) starts: the shape the API gives such items and parts.
def _new_message(item_id: Optional[str]) -> OutputItem:
    return MessageItem(id=item_id, status="in_progress", role="assistant", content=[])


def _new_reasoning(item_id: Optional[str]) -> OutputItem:
    return ReasoningItem(id=item_id, summary=[])


def _new_call(item_id: Optional[str]) -> OutputItem:
    return FunctionCallItem(id=item_id, status="in_progress", arguments="")


#: For each delta and done type: which part list it writes to ("content", "summary" or
#: None for a function call's arguments), the part it starts, and the item it starts.
_TARGETS: Dict[str, Any] = {
    "output_text": ("content", lambda: ContentPart("output_text", "", None, [], []), _new_message),
    "refusal": ("content", lambda: ContentPart("refusal", None, ""), _new_message),
    "reasoning_summary_text": ("summary", lambda: ContentPart("summary_text", ""), _new_reasoning),
    "reasoning_text": ("content", lambda: ContentPart("reasoning_text", ""), _new_reasoning),
    "function_call_arguments": (None, None, _new_call),
}


#: "response.output_text.delta" -> "output_text", for every delta and done type.
_TARGET_NAMES = {f"response.{name}.{end}": name for name in _TARGETS for end in ("delta", "done")}


class ResponseAccumulator:
    """Collects the typed events of one stream (``add``) and rebuilds the response
    (``result``) at any time.

    ``result()`` may be called mid-stream for a partial response: the latest response
    snapshot (``response.created`` / ``.in_progress``) with ``output`` rebuilt from the
    items, parts and deltas so far, each item whole where its ``.done`` arrived. Once
    ``response.completed`` or ``.incomplete`` arrives, ``result()`` is that response
    exactly as sent (its own object: copy before changing it).

    ``max_response_size`` bounds what the accumulator keeps, counted as the characters of
    the text it joined and of the items and parts it was given (plus a small cost per
    object); going past it raises :class:`ResponseLimitError` with the partial response.
    Whole responses (the snapshots and the final one) replace each other and are bounded
    by the SSE decoder's ``max_event_size`` instead.
    """

    def __init__(self, *, max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE) -> None:
        if max_response_size < 1:
            raise ValueError("max_response_size must be positive")
        self.max_response_size = max_response_size
        #: The latest snapshot of the response (created / queued / in_progress).
        self.snapshot: Optional[Response] = None
        #: The response of the last ``response.completed`` / ``.incomplete`` / ``.failed``.
        self.final: Optional[Response] = None
        #: The type of the event that ended the response (``response.completed``...), if any.
        self.final_type: Optional[str] = None
        #: A bare ``error`` event, if one came.
        self.error: Optional[ResponseErrorEvent] = None
        self.event_count = 0
        #: ``data: [DONE]`` was seen (set by the iterators).
        self.done = False
        #: What has been counted against ``max_response_size`` so far.
        self.size = 0
        self._items: Dict[int, _ItemState] = {}
        self._next_output = 0  # one past the highest output index, for events with none
        self._by_id: Dict[str, int] = {}

    @property
    def finished(self) -> bool:
        """Whether the response ended: completed, incomplete or failed."""
        return self.final is not None

    @property
    def status(self) -> Optional[str]:
        """The response's status as it stands (``in_progress`` until the end)."""
        latest = self.final if self.final is not None else self.snapshot
        return None if latest is None else latest.status

    def add(self, event: ResponseEvent) -> None:
        """Merge one event into the response."""
        self.event_count += 1
        kind = event.type
        if type(event) is TextDeltaEvent:
            self._add_delta(event)
        elif type(event) is ResponseStatusEvent:
            if kind in _TERMINAL:
                self.final = event.response
                self.final_type = kind
            else:
                self.snapshot = event.response
        elif type(event) is OutputItemEvent:
            self._add_item(event)
        elif type(event) is ContentPartEvent:
            self._add_part(event)
        elif type(event) is TextDoneEvent:
            self._add_done_text(event)
        elif type(event) is AnnotationAddedEvent:
            self._add_annotation(event)
        elif type(event) is ResponseErrorEvent:
            self.error = event
        # Unknown events change nothing here: the iterators still hand them on.

    # -- the merge rules ----------------------------------------------------------

    def _grow(self, amount: int) -> None:
        self.size += amount
        if self.size > self.max_response_size:
            raise ResponseLimitError(
                f"the rebuilt response grew past max_response_size ({self.size} > "
                f"{self.max_response_size} characters; raise max_response_size=... if such "
                "responses are expected)",
                self.max_response_size,
                self.size,
                self.result(),
            )

    def _state(self, output_index: Optional[int], item_id: Optional[str], start: Any) -> _ItemState:
        """The item an event is about: by its output index, else by its id, else (an
        event that names neither) the latest item, as a part's events without an index
        go to the latest part; a new one (made by *start*) when none is known yet, or
        when the latest is already whole, so that text after it is not dropped."""
        items = self._items
        if output_index is None:
            if item_id is not None:
                output_index = self._by_id.get(item_id)
                if output_index is None:
                    output_index = self._next_output
            else:
                latest = items.get(self._next_output - 1)
                output_index = self._next_output - (latest is not None and not latest.done)
        state = items.get(output_index)
        if state is None:
            self._grow(_OBJECT_COST)
            state = _ItemState(start(item_id))
            self._put(output_index, item_id, state)
        return state

    def _put(self, output_index: int, item_id: Optional[str], state: _ItemState) -> None:
        self._items[output_index] = state
        if output_index >= self._next_output:
            self._next_output = output_index + 1
        if item_id is not None:
            self._by_id[item_id] = output_index

    def _add_item(self, event: OutputItemEvent) -> None:
        item = event.item
        self._grow(_size(item.to_dict()) + _OBJECT_COST)
        index = event.output_index
        if index is None:
            known = None if item.id is None else self._by_id.get(item.id)
            index = known if known is not None else self._next_output
        done = event.type.endswith(".done")
        state = self._items.get(index)
        if state is not None and not done:
            # A late or repeated .added must not throw away what the deltas gave; after
            # the item's .done it changes nothing.
            if not state.done:
                state.take_added(item)
            if item.id is not None:
                self._by_id[item.id] = index
            return
        self._put(index, item.id, _ItemState(item, done=done))

    def _add_part(self, event: ContentPartEvent) -> None:
        summary = event.type.startswith("response.reasoning_summary_part")
        state = self._state(
            event.output_index, event.item_id, _new_reasoning if summary else _new_message
        )
        if state.done:
            return
        where = "summary" if summary else "content"
        index = event.summary_index if summary else event.content_index
        if index is None:
            index = state.next_index[where]
        self._grow(_size(event.part.to_dict()) + _OBJECT_COST)
        done = event.type.endswith(".done")
        part = state.parts(where).get(index)
        if part is not None and not done:
            if not part.done:  # late or repeated .added: the text so far stays
                part.take_added(event.part)
            return
        state.put(where, index, _PartState(event.part, done=done))

    def _piece(self, event: Any, name: str) -> Optional[_PartState]:
        """The part a text event writes to (``None`` for function arguments), started when
        missing; ``None`` too when the item or part is already whole."""
        where, start_part, start_item = _TARGETS[name]
        state = self._state(event.output_index, event.item_id, start_item)
        if state.done or where is None:
            return None
        index = event.summary_index if where == "summary" else event.content_index
        if index is None:
            index = max(state.next_index[where] - 1, 0)  # the latest part
        part = state.parts(where).get(index)
        if part is None:
            self._grow(_OBJECT_COST)
            part = _PartState(start_part())
            state.put(where, index, part)
        return None if part.done else part

    def _add_delta(self, event: TextDeltaEvent) -> None:
        name = _TARGET_NAMES.get(event.type)
        if name is None:
            return  # a delta event made by hand with a type of its own: nothing to join
        delta = event.delta
        self._grow(len(delta))
        if name == "function_call_arguments":
            state = self._state(event.output_index, event.item_id, _new_call)
            if not state.done:
                state.arguments = _append(state.arguments, delta)
            return
        part = self._piece(event, name)
        if part is None:
            return
        if name == "refusal":
            part.refusal = _append(part.refusal, delta)
        else:
            part.text = _append(part.text, delta)
        if event.logprobs:
            if part.logprobs is None:
                part.logprobs = []
            part.logprobs.extend(event.logprobs)

    def _add_done_text(self, event: TextDoneEvent) -> None:
        name = _TARGET_NAMES.get(event.type)
        if name is None:
            return
        if name == "function_call_arguments":
            state = self._state(event.output_index, event.item_id, _new_call)
            if state.done:
                return
            if event.arguments is not None:
                self._grow(len(event.arguments))
                state.arguments = [event.arguments]
            if event.name is not None and isinstance(state.item, FunctionCallItem):
                state.item = replace(state.item, name=event.name)
            return
        part = self._piece(event, name)
        if part is None:
            return
        if name == "refusal":
            if event.refusal is not None:
                self._grow(len(event.refusal))
                part.refusal = [event.refusal]
        elif event.text is not None:
            self._grow(len(event.text))
            part.text = [event.text]
        if event.logprobs is not None:
            part.logprobs = list(event.logprobs)

    def _add_annotation(self, event: AnnotationAddedEvent) -> None:
        part = self._piece(event, "output_text")
        if part is None:
            return
        self._grow(_size(event.annotation) + _OBJECT_COST)
        annotations = part.annotations
        if annotations is None:
            annotations = part.annotations = []
        index = event.annotation_index
        # An index within the list replaces that annotation; any other (none, past the
        # end, or negative, which no server means as "from the end") appends, so a
        # hostile index can neither raise nor overwrite an annotation it does not name.
        if index is not None and 0 <= index < len(annotations):
            annotations[index] = event.annotation
        else:
            annotations.append(event.annotation)

    # -- results ------------------------------------------------------------------

    def output(self) -> List[OutputItem]:
        """The output items rebuilt so far, in output order."""
        items = self._items
        return [items[index].result() for index in sorted(items)]

    def result(self) -> Response:
        """The response as it stands: final once the stream ended, partial before.

        A failed response whose own ``output`` is empty is given the items rebuilt from
        the stream, so nothing that arrived is lost.
        """
        final = self.final
        if final is not None:
            if self.final_type == "response.failed" and not final.output and self._items:
                return with_output(final, self.output())
            return final
        base = self.snapshot if self.snapshot is not None else Response()
        return with_output(base, self.output())


# -- from bytes to events ----------------------------------------------------------------


def _typed(payload: Dict[str, Any], name: str, data: str, index: int) -> ResponseEvent:
    try:
        return event_from_dict(payload, name)
    except (TypeError, ValueError, AttributeError, KeyError, RecursionError) as exc:
        kind = payload.get("type")
        kind = kind if type(kind) is str else name
        raise ChunkDecodeError(f"unexpected shape of a {kind!r} event: {exc}", data, index) from None


def parse_response_event(
    data: Union[str, bytes, Dict[str, Any]], event_name: str = "message", *, event_index: int = 0
) -> ResponseEvent:
    """One typed event from its JSON text or an already decoded dict; *event_name* is the
    SSE ``event:`` field, used when the payload names no ``type`` of its own.

    An event of a type orsse does not know comes back as an :class:`UnknownResponseEvent`.
    A payload that is not a JSON object, or a known event of the wrong shape, raises
    :class:`ChunkDecodeError` naming *event_index*.
    """
    if isinstance(data, dict):
        try:
            text = json.dumps(data, default=repr)
        except (RecursionError, ValueError):  # nested past the encoder's depth, or circular
            text = "(a dict json.dumps could not write)"
        return _typed(data, event_name, text, event_index)
    text = data.decode("utf-8", "replace") if isinstance(data, (bytes, bytearray)) else data
    return _typed(json_object(text, event_index), event_name, text, event_index)


class _ResponseReader:
    """What the sync and async iterators share: one SSE event in, one typed event out
    (or ``None`` at ``[DONE]``), the errors raised with the partial response."""

    __slots__ = ("accumulator", "event_index")

    def __init__(self, accumulator: Optional[ResponseAccumulator], max_response_size: Optional[int]) -> None:
        if accumulator is None:
            accumulator = ResponseAccumulator(
                max_response_size=DEFAULT_MAX_RESPONSE_SIZE if max_response_size is None else max_response_size
            )
        elif max_response_size is not None:
            accumulator.max_response_size = max_response_size
        self.accumulator = accumulator
        self.event_index = 0

    def take(self, sse: ServerSentEvent) -> Optional[ResponseEvent]:
        data = sse.data
        if data == "[DONE]":
            self.accumulator.done = True
            return None
        self.event_index += 1
        index = self.event_index
        name = sse.event
        payload: Optional[Dict[str, Any]] = None
        try:
            payload = json_object(data, index)
        except ChunkDecodeError as exc:
            if name in KNOWN_EVENT_TYPES or name == "message":
                what = "an event with no event: line" if name == "message" else f"a {name!r} event"
                raise ChunkDecodeError(f"{exc.reason}, in {what}", data, index) from None
            # A named event orsse does not know may carry anything: kept whole, as text.
            event: ResponseEvent = UnknownResponseEvent(name, None, None, data)
        else:
            event = _typed(payload, name, data, index)
        if type(event) is UnknownResponseEvent and not event.raw:
            event.raw = data
        self.accumulator.add(event)
        kind = event.type
        if kind == "response.failed" or type(event) is ResponseErrorEvent:
            raise self._stream_error(event, event.to_dict() if payload is None else payload)
        return event

    def _stream_error(self, event: ResponseEvent, sent: Dict[str, Any]) -> StreamError:
        """The error for *event*; its ``metadata`` is the event as *sent* (an error with no
        ``type`` of its own does not gain one)."""
        partial = self.accumulator.result()
        if type(event) is ResponseErrorEvent:
            code, message = event.code, event.message
        else:
            reported = partial.error
            code = None if reported is None else reported.code
            message = None if reported is None else reported.message
        return StreamError(code, message or "(no message)", sent, partial_response=partial)

    def with_partial(self, error: OrsseError) -> OrsseError:
        """*error* carrying the response so far as ``partial_response`` (errors of the byte
        source too)."""
        if error.partial_response is None:
            error.partial_response = self.accumulator.result()
        return error

    def finish(self) -> None:
        """At the end of the bytes: no final response means the stream was cut off."""
        accumulator = self.accumulator
        if accumulator.final is None:
            ended = "at data: [DONE]" if accumulator.done else "at the end of the bytes"
            got = f"after {accumulator.event_count} event(s)" if accumulator.event_count else "with no event at all"
            raise self.with_partial(
                IncompleteStreamError(
                    f"the Responses stream stopped {ended} {got}, with no response.completed, "
                    ".incomplete or .failed: it was cut off"
                )
            )


def _read_failed(exc: Exception, caller: str, events: int) -> OrsseError:
    return read_failure(exc, caller, f"after {events} event(s) of the Responses stream")


def _iterate(reader: _ResponseReader, events: Iterable[ServerSentEvent], caller: str) -> Iterator[ResponseEvent]:
    take = reader.take
    try:
        for sse in events:
            event = take(sse)
            if event is None:
                break
            yield event
        reader.finish()
    except OrsseError as error:
        raise reader.with_partial(error)
    except Exception as exc:
        raise reader.with_partial(_read_failed(exc, caller, reader.accumulator.event_count)) from exc


def iter_response_events(
    chunks: Iterable[bytes],
    *,
    accumulator: Optional[ResponseAccumulator] = None,
    on_comment: Optional[Callable[[str], None]] = None,
    max_line_size: int = DEFAULT_MAX_LINE_SIZE,
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
    max_response_size: Optional[int] = None,
) -> Iterator[ResponseEvent]:
    """Typed events from the raw bytes of a Responses API stream, one per SSE event.

    Known events are typed (``ResponseStatusEvent``, ``OutputItemEvent``, ``ContentPartEvent``,
    ``TextDeltaEvent``, ``TextDoneEvent``, ``AnnotationAddedEvent``); any other type comes
    as an ``UnknownResponseEvent`` holding the payload whole. Every event also goes into
    *accumulator* (a fresh one when not given), whose ``result()`` is the response so far.

    ``response.failed`` and ``error`` events raise :class:`StreamError` (``code``,
    ``message``, ``metadata`` = the event's payload); bytes that end before the final
    response raise :class:`IncompleteStreamError`; a known event that is not a JSON object
    of the right shape raises :class:`ChunkDecodeError` naming it; an exception from the
    byte source itself (a dropped connection) raises :class:`IncompleteStreamError`, the
    original as ``__cause__``. Each carries the partial :class:`Response` as ``.partial_response``.
    Reading stops at ``data: [DONE]``.
    """
    reader = _ResponseReader(accumulator, max_response_size)
    events = iter_events(
        chunks, max_line_size=max_line_size, max_event_size=max_event_size, on_comment=on_comment
    )
    return _iterate(reader, events, "iter_response_events")


async def aiter_response_events(
    chunks: AsyncIterable[bytes],
    *,
    accumulator: Optional[ResponseAccumulator] = None,
    on_comment: Optional[Callable[[str], None]] = None,
    max_line_size: int = DEFAULT_MAX_LINE_SIZE,
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
    max_response_size: Optional[int] = None,
) -> AsyncIterator[ResponseEvent]:
    """:func:`iter_response_events` for an async iterable of bytes."""
    reader = _ResponseReader(accumulator, max_response_size)
    take = reader.take
    try:
        async for sse in aiter_events(
            chunks, max_line_size=max_line_size, max_event_size=max_event_size, on_comment=on_comment
        ):
            event = take(sse)
            if event is None:
                break
            yield event
        reader.finish()
    except OrsseError as error:
        raise reader.with_partial(error)
    except Exception as exc:
        raise reader.with_partial(
            _read_failed(exc, "aiter_response_events", reader.accumulator.event_count)
        ) from exc


def collect_response(
    chunks: Iterable[bytes],
    *,
    accumulator: Optional[ResponseAccumulator] = None,
    on_comment: Optional[Callable[[str], None]] = None,
    max_line_size: int = DEFAULT_MAX_LINE_SIZE,
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
    max_response_size: Optional[int] = None,
) -> Response:
    """Read a whole Responses API stream and return the :class:`Response`.

    Takes the options of :func:`iter_response_events` and raises what it raises.
    ``response.incomplete`` is a result (``status == "incomplete"``, see
    ``incomplete_details``), not an error.
    """
    reader = _ResponseReader(accumulator, max_response_size)
    events = iter_events(
        chunks, max_line_size=max_line_size, max_event_size=max_event_size, on_comment=on_comment
    )
    for _ in _iterate(reader, events, "collect_response"):
        pass
    return reader.accumulator.result()


async def acollect_response(
    chunks: AsyncIterable[bytes],
    *,
    accumulator: Optional[ResponseAccumulator] = None,
    on_comment: Optional[Callable[[str], None]] = None,
    max_line_size: int = DEFAULT_MAX_LINE_SIZE,
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
    max_response_size: Optional[int] = None,
) -> Response:
    """:func:`collect_response` for an async iterable of bytes."""
    if accumulator is None:
        accumulator = ResponseAccumulator(
            max_response_size=DEFAULT_MAX_RESPONSE_SIZE if max_response_size is None else max_response_size
        )
    async for _ in aiter_response_events(
        chunks,
        accumulator=accumulator,
        on_comment=on_comment,
        max_line_size=max_line_size,
        max_event_size=max_event_size,
        max_response_size=max_response_size,
    ):
        pass
    return accumulator.result()


# -- telling the two kinds of stream apart -----------------------------------------------


def detect_stream_kind(head: bytes) -> Optional[str]:
    """``"responses"`` or ``"chat"``, from the first bytes of a stream; ``None`` while
    they hold no whole event yet (read more and ask again).

    A Responses stream is one whose first event is named ``response.*`` (its ``event:``
    line, or the ``type`` of its JSON data); anything else is taken for a chat stream.
    Meant for callers that must pick a parser before reading on, such as ``orsse parse``;
    at the end of the bytes, ``None`` means the stream held no event at all.
    """
    decoder = SSEDecoder()
    try:
        events = decoder.feed(head)
    except OrsseError:
        return "chat"  # not an event stream either kind would accept: the chat path reports it
    if not events:
        return None
    first = events[0]
    if first.event.startswith("response."):
        return "responses"
    if first.event == "message" and '"type"' in first.data:
        try:
            payload = json_object(first.data, 1)
        except ChunkDecodeError:
            return "chat"
        kind = payload.get("type")
        if type(kind) is str and kind.startswith("response."):
            return "responses"
    return "chat"
