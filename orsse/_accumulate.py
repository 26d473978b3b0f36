"""Rebuild the final completion from its chunks, as a non-streaming call would have returned it.

The merge rules, and the real streams that made each one necessary, are in
``docs/streams.md``: role assigned, text concatenated, tool calls keyed by their index,
reasoning details kept faithful, usage taken (never summed), a finish chunk sent twice
counted once, the id of the first chunk that has one, provider extras by one rule.
Time is linear in the stream and memory bounded by the limits of :class:`Accumulator`.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

from ._completion import ChatCompletion, Choice, FunctionCall, Message, ToolCall
from ._errors import CompletionLimitError
from ._wire import ChoiceLogprobs, ReasoningDetail, ToolCallDelta, keys_within

if TYPE_CHECKING:
    from typing import Any, Callable, Dict, List, Optional, Sequence

    from ._wire import (
        Annotation,
        ChatCompletionChunk,
        ChoiceDelta,
        ChunkChoice,
        ErrorDetail,
        Image,
        TokenLogprob,
        Usage,
    )

__all__ = ["Accumulator"]

# Pieces of these detail types continue the entry before them; any other type
# (encrypted blobs, kinds not invented yet) stands alone exactly as it came.
_JOINABLE = {"reasoning.text": "text", "reasoning.summary": "summary"}


def _join(parts: Optional[List[str]]) -> Optional[str]:
    return None if parts is None else "".join(parts)


def _size(value: Any) -> int:
    return len(value) if type(value) is str else 0


class _Extras:
    """Unknown keys of deltas and their parts, merged: text is a stream of pieces (kept
    as a list, joined once: linear however many pieces), lists grow, any other value
    replaces the one before; a null adds nothing."""

    __slots__ = ("values", "texts", "lists")

    def __init__(self) -> None:
        self.values: Dict[str, Any] = {}
        self.texts: Dict[str, List[str]] = {}
        self.lists: Dict[str, List[Any]] = {}

    def add(self, extra: Dict[str, Any]) -> int:
        """Merge *extra*; the number of characters of text it added."""
        added = 0
        values, texts, lists = self.values, self.texts, self.lists
        for key, value in extra.items():
            if value is None:
                continue
            if type(value) is str:
                added += len(value)
                parts = texts.get(key)
                if parts is not None:
                    parts.append(value)
                    continue
                values.pop(key, None)
                lists.pop(key, None)
                texts[key] = [value]
            elif type(value) is list:
                items = lists.get(key)
                if items is not None:
                    items.extend(value)
                    continue
                values.pop(key, None)
                texts.pop(key, None)
                lists[key] = list(value)
            else:
                # A value of another kind replaces whatever came before.
                texts.pop(key, None)
                lists.pop(key, None)
                values[key] = value
        return added

    def __bool__(self) -> bool:
        return bool(self.values or self.texts or self.lists)

    def result(self) -> Dict[str, Any]:
        out = dict(self.values)
        for key, parts in self.texts.items():
            out[key] = "".join(parts)
        for key, items in self.lists.items():
            out[key] = list(items)
        return out


def _latest_values(into: Dict[str, Any], extra: Dict[str, Any]) -> None:
    """Unknown keys of a chunk or a choice describe it, not a piece of its text: the
    latest value that says something stands (a null, ``{}``, ``[]`` or ``""`` does not:
    Azure's ``content_filter_results`` verdict survives the ``{}`` of later chunks)."""
    for key, value in extra.items():
        if value is None or value == {} or value == [] or value == "":
            continue
        into[key] = value


#: Chunk keys that are not part of the completion: OpenAI's per-chunk random padding
#: that hides the length of each token.
_TRANSPORT_KEYS = frozenset(("obfuscation",))


#: The keys :meth:`Accumulator.add_plain` takes at each level.
_all_plain_chunk = keys_within(
    ("id", "object", "created", "model", "provider", "system_fingerprint", "service_tier",
     "choices", "usage", "error")
)  # fmt: skip
_all_plain_choice = keys_within(("index", "delta", "finish_reason", "native_finish_reason", "logprobs"))
_all_plain_delta = keys_within(
    ("role", "content", "refusal", "reasoning", "reasoning_content", "reasoning_details", "tool_calls")
)
_detail_from_dict = ReasoningDetail.from_dict
_tool_call_from_dict = ToolCallDelta.from_dict


class _DetailState:
    """A reasoning detail being joined from pieces; text is kept as a list of parts so
    that thousands of token-sized pieces cost linear time."""

    __slots__ = ("first", "parts", "signature", "extra")

    def __init__(self, first: ReasoningDetail) -> None:
        self.first = first
        text_key = _JOINABLE.get(first.type or "")
        piece = getattr(first, text_key) if text_key else None
        self.parts: List[str] = [] if piece is None else [piece]
        self.signature = first.signature
        self.extra = dict(first.extra)

    def continues(self, piece: ReasoningDetail) -> bool:
        first = self.first
        return (
            piece.type == first.type
            and piece.type in _JOINABLE
            and piece.index == first.index
            and piece.format == first.format
            and (piece.id is None or first.id is None or piece.id == first.id)
        )

    def add(self, piece: ReasoningDetail) -> None:
        text = getattr(piece, _JOINABLE[piece.type or ""])
        if text is not None:
            self.parts.append(text)
        if piece.signature is not None:
            self.signature = piece.signature
        if piece.id is not None and self.first.id is None:
            self.first = _replace_id(self.first, piece.id)
        for key, value in piece.extra.items():
            self.extra.setdefault(key, value)

    def result(self) -> ReasoningDetail:
        first = self.first
        text_key = _JOINABLE.get(first.type or "")
        if text_key is None:
            return first
        joined = "".join(self.parts) if self.parts else getattr(first, text_key)
        return ReasoningDetail(
            type=first.type,
            text=joined if text_key == "text" else first.text,
            summary=joined if text_key == "summary" else first.summary,
            data=first.data,
            signature=self.signature,
            format=first.format,
            index=first.index,
            id=first.id,
            extra=dict(self.extra),
        )


def _replace_id(detail: ReasoningDetail, new_id: str) -> ReasoningDetail:
    return ReasoningDetail(
        type=detail.type, text=detail.text, summary=detail.summary, data=detail.data,
        signature=detail.signature, format=detail.format, index=detail.index, id=new_id,
        extra=detail.extra,
    )  # fmt: skip


class _ToolCallState:
    __slots__ = ("index", "id", "type", "name", "arguments", "extra", "function_extra")

    def __init__(self, index: int) -> None:
        self.index = index
        self.id: Optional[str] = None
        self.type: Optional[str] = None
        self.name: Optional[str] = None
        self.arguments: List[str] = []
        self.extra = _Extras()
        self.function_extra = _Extras()

    def add(self, fragment: ToolCallDelta) -> int:
        added = 0
        if self.id is None:
            self.id = fragment.id
        if self.type is None:
            self.type = fragment.type
        function = fragment.function
        if function is not None:
            if self.name is None:
                self.name = function.name
            arguments = function.arguments
            if arguments:
                self.arguments.append(arguments)
                added += len(arguments)
            if function.extra:
                added += self.function_extra.add(function.extra)
        if fragment.extra:
            added += self.extra.add(fragment.extra)
        return added

    def result(self) -> ToolCall:
        extra = self.extra.result()
        call = ToolCall(
            id=self.id,
            type=self.type or "function",
            function=FunctionCall(name=self.name, arguments="".join(self.arguments)),
            index=self.index,
            extra=extra,
        )
        if self.function_extra:
            # Unknown function keys stay inside "function" where they came from.
            extra["function"] = dict(call.function.to_dict(), **self.function_extra.result())
        return call


class _ChoiceState:
    __slots__ = (
        "index", "role", "content", "refusal", "reasoning", "reasoning_content", "details",
        "tool_calls", "latest_call", "annotations", "images", "audio", "logprobs_content",
        "logprobs_refusal", "logprobs_extra", "finish_reason", "native_finish_reason",
        "delta_extra", "choice_extra", "finish_delta", "owner", "repeated", "fragment_indexes",
    )  # fmt: skip

    def __init__(self, index: int, owner: Accumulator) -> None:
        self.index = index
        self.owner = owner
        self.role: Optional[str] = None
        self.content: Optional[List[str]] = None
        self.refusal: Optional[List[str]] = None
        self.reasoning: Optional[List[str]] = None
        self.reasoning_content: Optional[List[str]] = None
        self.details: List[_DetailState] = []
        self.tool_calls: Dict[int, _ToolCallState] = {}
        #: The highest tool-call index so far, where a fragment without one continues.
        self.latest_call: Optional[int] = None
        self.annotations: List[Annotation] = []
        self.images: List[Image] = []
        self.audio: Optional[_Extras] = None
        self.logprobs_content: Optional[List[TokenLogprob]] = None
        self.logprobs_refusal: Optional[List[TokenLogprob]] = None
        self.logprobs_extra = _Extras()
        self.finish_reason: Optional[str] = None
        self.native_finish_reason: Optional[str] = None
        self.delta_extra = _Extras()
        self.choice_extra: Dict[str, Any] = {}
        # The delta of the chunk that carried the finish reason: some streams send that
        # chunk again (the copy carrying usage), and its delta must not count twice.
        self.finish_delta: Optional[ChoiceDelta] = None
        self.repeated = False
        self.fragment_indexes: Sequence[int] = ()

    def add(self, choice: ChunkChoice) -> int:
        """Merge one choice of a chunk; the number of characters of text it added.

        Also leaves, for the updates layer, ``repeated`` (the chunk was a repeat the merge
        rules dropped) and ``fragment_indexes`` (the call each tool-call fragment went to).
        """
        self.repeated = False
        self.fragment_indexes = ()
        delta = choice.delta
        if choice.native_finish_reason is not None:
            self.native_finish_reason = choice.native_finish_reason
        if choice.finish_reason is not None:
            repeated = self.finish_reason is not None and delta == self.finish_delta
            self.finish_reason = choice.finish_reason
            self.finish_delta = delta
            if repeated:
                self.repeated = True
                return 0
        if choice.logprobs is not None:
            self._add_logprobs(choice.logprobs)
        if choice.extra:
            _latest_values(self.choice_extra, choice.extra)

        added = self.add_parts(
            delta.role, delta.content, delta.refusal, delta.reasoning, delta.reasoning_content,
            delta.reasoning_details, delta.tool_calls,
        )
        if delta.annotations:
            self.annotations.extend(delta.annotations)
            added += len(delta.annotations)
        if delta.images:
            self.images.extend(delta.images)
            for image in delta.images:
                added += 1 if image.image_url is None else 1 + _size(image.image_url.url)
        if delta.audio is not None:
            if self.audio is None:
                self.audio = _Extras()
            added += self.audio.add(delta.audio)
        if delta.extra:
            added += self.delta_extra.add(delta.extra)
        return added

    def add_parts(
        self,
        role: Optional[str],
        content: Optional[str],
        refusal: Optional[str],
        reasoning: Optional[str],
        reasoning_content: Optional[str],
        details: Optional[List[ReasoningDetail]],
        tool_calls: Optional[List[ToolCallDelta]],
    ) -> int:
        """Merge the common parts of a delta, from the typed delta or straight from a plain
        chunk's dict (:meth:`Accumulator.add_plain`); the number of characters added."""
        added = 0
        if role is not None:
            self.role = role
        if content is not None:
            added += len(content)
            if self.content is None:
                self.content = [content]
            else:
                self.content.append(content)
        if reasoning is not None:
            added += len(reasoning)
            if self.reasoning is None:
                self.reasoning = [reasoning]
            else:
                self.reasoning.append(reasoning)
        if reasoning_content is not None:
            added += len(reasoning_content)
            if self.reasoning_content is None:
                self.reasoning_content = [reasoning_content]
            else:
                self.reasoning_content.append(reasoning_content)
        if refusal is not None:
            added += len(refusal)
            if self.refusal is None:
                self.refusal = [refusal]
            else:
                self.refusal.append(refusal)
        if details:
            added += self._add_details(details)
        if tool_calls:
            added += self._add_tool_calls(tool_calls)
        return added

    def _add_details(self, pieces: List[ReasoningDetail]) -> int:
        details = self.details
        added = 0
        for piece in pieces:
            added += 1 + _size(piece.text) + _size(piece.summary) + _size(piece.data)
            if details and details[-1].continues(piece):
                details[-1].add(piece)
            else:
                details.append(_DetailState(piece))
        return added

    def _add_tool_calls(self, fragments: List[ToolCallDelta]) -> int:
        calls = self.tool_calls
        added = 0
        indexes: List[int] = []
        self.fragment_indexes = indexes
        for fragment in fragments:
            index = fragment.index
            latest = self.latest_call
            if index is None:
                # Some OpenAI-compatible servers omit the index when they stream one
                # call at a time: a fragment with a new id opens the next call, any
                # other continues the latest one.
                if latest is None:
                    index = 0
                elif fragment.id is not None and fragment.id != calls[latest].id:
                    index = latest + 1
                else:
                    index = latest
            state = calls.get(index)
            if state is None:
                self.owner._count_tool_call()
                state = calls[index] = _ToolCallState(index)
                if latest is None or index > latest:
                    self.latest_call = index
            added += state.add(fragment)
            indexes.append(index)
        return added

    def _add_logprobs(self, logprobs: ChoiceLogprobs) -> None:
        if logprobs.content is not None:
            if self.logprobs_content is None:
                self.logprobs_content = []
            self.logprobs_content.extend(logprobs.content)
        if logprobs.refusal is not None:
            if self.logprobs_refusal is None:
                self.logprobs_refusal = []
            self.logprobs_refusal.extend(logprobs.refusal)
        if logprobs.extra:
            self.logprobs_extra.add(logprobs.extra)

    def result(self) -> Choice:
        extra = self.delta_extra.result()
        reasoning = _join(self.reasoning)
        reasoning_name = "reasoning"
        if self.reasoning_content is not None:
            # DeepSeek's name for the same text (GLM, xAI, llama.cpp): it is the
            # reasoning, written back under that name. A stream that sends both names
            # keeps each under its own.
            if reasoning is None:
                reasoning = _join(self.reasoning_content)
                reasoning_name = "reasoning_content"
            else:
                extra["reasoning_content"] = _join(self.reasoning_content)
        message = Message(
            role=self.role,
            content=_join(self.content),
            refusal=_join(self.refusal),
            reasoning=reasoning,
            reasoning_name=reasoning_name,
            reasoning_details=[detail.result() for detail in self.details],
            tool_calls=[self.tool_calls[index].result() for index in sorted(self.tool_calls)],
            annotations=list(self.annotations),
            images=list(self.images),
            audio=None if self.audio is None else self.audio.result(),
            extra=extra,
        )
        has_logprobs = (
            self.logprobs_content is not None
            or self.logprobs_refusal is not None
            or bool(self.logprobs_extra)
        )
        logprobs = (
            ChoiceLogprobs(
                content=None if self.logprobs_content is None else list(self.logprobs_content),
                refusal=None if self.logprobs_refusal is None else list(self.logprobs_refusal),
                extra=self.logprobs_extra.result(),
            )
            if has_logprobs
            else None
        )
        return Choice(
            index=self.index,
            message=message,
            finish_reason=self.finish_reason,
            native_finish_reason=self.native_finish_reason,
            logprobs=logprobs,
            extra=dict(self.choice_extra),
        )


#: Generous bounds on the rebuilt completion: far beyond any real answer, far below what
#: exhausts a machine's memory (a hostile stream of 10 million tool-call indexes grew an
#: unbounded accumulator to 5.5 GB).
DEFAULT_MAX_TEXT = 64 * 1024 * 1024
DEFAULT_MAX_TOOL_CALLS = 10_000
DEFAULT_MAX_CHOICES = 1_000


class Accumulator:
    """Collects chunks (``add``) and rebuilds the completion (``result``) at any time.

    ``result()`` may be called mid-stream, for a partial answer; it never changes the
    accumulator. ``done`` says a ``[DONE]`` was seen (set by ``iter_chunks``),
    ``finished`` that a finish reason arrived, ``error`` holds a reported stream error.

    The rebuilt completion is bounded: *max_text* characters of text in all (content,
    reasoning, refusal, tool-call arguments, reasoning details, unknown text fields,
    image data), *max_tool_calls* tool calls and *max_choices* choices. A chunk that
    goes past one raises :class:`CompletionLimitError`, whose ``partial`` is the
    completion up to and including that chunk.
    """

    def __init__(
        self,
        *,
        max_text: int = DEFAULT_MAX_TEXT,
        max_tool_calls: int = DEFAULT_MAX_TOOL_CALLS,
        max_choices: int = DEFAULT_MAX_CHOICES,
    ) -> None:
        self.id: Optional[str] = None
        self.created: Optional[int] = None
        self.model: Optional[str] = None
        self.provider: Optional[str] = None
        self.system_fingerprint: Optional[str] = None
        self.service_tier: Optional[str] = None
        self.usage: Optional[Usage] = None
        self.error: Optional[ErrorDetail] = None
        self.extra: Dict[str, Any] = {}
        self.chunk_count = 0
        self.done = False
        self.max_text = max_text
        self.max_tool_calls = max_tool_calls
        self.max_choices = max_choices
        #: Characters of text merged so far (what ``max_text`` bounds).
        self.text_size = 0
        self._tool_call_count = 0
        self._has_id = False
        #: Called after each chunk is merged as ``observer(chunk, merged)``: for each of
        #: the chunk's choices, ``None`` when it was a repeat the merge rules dropped, else
        #: the index of the tool call each of its tool-call fragments went to. The
        #: updates layer (``orsse.iter_updates``) listens here.
        self.observer: Optional[Callable[[ChatCompletionChunk, List[Optional[Sequence[int]]]], None]] = None
        #: With an ``observer``, called instead of it for a chunk :meth:`add_plain`
        #: merged straight from its dict (so that such chunks need no typed objects), as
        #: ``parts_observer(choice_index, content, refusal, reasoning, reasoning_content,
        #: reasoning_details, tool_calls, fragment_indexes)``: the delta's parts (the last
        #: two typed, or None) and the index of the tool call each fragment went to. An
        #: observer without one is given every chunk typed.
        self.parts_observer: Optional[Callable[..., object]] = None
        self._choices: Dict[int, _ChoiceState] = {}

    @property
    def finished(self) -> bool:
        """Whether any choice has received its finish reason."""
        return any(state.finish_reason is not None for state in self._choices.values())

    def add(self, chunk: ChatCompletionChunk) -> None:
        """Merge one chunk into the result."""
        self.chunk_count += 1
        self._note_names(
            chunk.id, chunk.created, chunk.model, chunk.provider, chunk.system_fingerprint,
            chunk.service_tier,
        )
        if chunk.usage is not None:
            self.usage = chunk.usage
        if chunk.error is not None:
            self.error = chunk.error
        if chunk.extra:
            extra = chunk.extra
            if not _TRANSPORT_KEYS.isdisjoint(extra):
                extra = {k: v for k, v in extra.items() if k not in _TRANSPORT_KEYS}
            _latest_values(self.extra, extra)
        choices = self._choices
        observer = self.observer
        merged: Optional[List[Optional[Sequence[int]]]] = None if observer is None else []
        added = 0
        for choice in chunk.choices:
            state = choices.get(choice.index)
            if state is None:
                if len(choices) >= self.max_choices:
                    self._over("max_choices", self.max_choices, len(choices) + 1)
                state = choices[choice.index] = _ChoiceState(choice.index, self)
            added += state.add(choice)
            if merged is not None:
                merged.append(None if state.repeated else state.fragment_indexes)
        if added:
            self.text_size += added
            if self.text_size > self.max_text:
                self._over("max_text", self.max_text, self.text_size)
        if observer is not None and merged is not None:
            observer(chunk, merged)

    def _note_names(
        self, id: Any, created: Any, model: Any, provider: Any, fingerprint: Any, tier: Any
    ) -> None:
        if not self._has_id:
            # The id and creation time name the generation: the first chunk with an id
            # gives both. Azure opens with a prompt-filter preamble whose id is "" and
            # created 0; they stand only until a real one comes.
            if id:
                self.id = id
                self.created = created
                self._has_id = True
            elif self.id is None:
                self.id = id
                self.created = created
        # Model and provider can change when OpenRouter falls back to another provider
        # mid-request: the last one named is who produced the end of the answer.
        if model:
            self.model = model
        if provider:
            self.provider = provider
        if fingerprint:
            self.system_fingerprint = fingerprint
        if tier:
            self.service_tier = tier

    def add_plain(self, chunk: Dict[str, Any]) -> bool:
        """Merge a decoded chunk of the shape nearly every chunk has, straight from its
        dict, as ``add(ChatCompletionChunk.from_dict(chunk))`` would; ``False``, having
        changed nothing, for any other shape.

        Plain means: known top-level keys only, no usage and no error, one choice with no
        finish reason, no logprobs and no unknown key, and a delta of text fields,
        reasoning details and tool calls (those two built as their typed objects). The
        caller builds the typed chunk for anything else, and so gets the exact error for a
        malformed one. Skipping the chunk, choice and delta objects makes ``collect()``
        1.27-1.32x faster on a chat stream, 1.1x on tool calls (benchmarks/compare.py).
        With an ``observer`` (which is given typed chunks) it takes none, unless a
        ``parts_observer`` is there to be told what each merged chunk added.
        """
        told = None
        if self.observer is not None:
            told = self.parts_observer
            if told is None:
                return False
        if not _all_plain_chunk(chunk):
            return False
        get = chunk.get
        choices = get("choices")
        if type(choices) is not list or len(choices) != 1 or get("usage") is not None or get("error") is not None:
            return False
        choice = choices[0]
        if type(choice) is not dict or not _all_plain_choice(choice):
            return False
        if choice.get("finish_reason") is not None or choice.get("logprobs") is not None:
            return False
        index = choice.get("index")
        if index is None:
            index = 0
        elif type(index) is not int:
            return False
        delta = choice.get("delta")
        if delta is None:
            delta = {}
        elif type(delta) is not dict or not _all_plain_delta(delta):
            return False
        field = delta.get
        role: Any = field("role")
        content: Any = field("content")
        # The delta of nearly every chunk: role and content, both text, nothing else.
        text_only = len(delta) == 2 and type(role) is str and type(content) is str
        if text_only:
            refusal = reasoning = reasoning_content = details = calls = None
        else:
            refusal = field("refusal")
            reasoning = field("reasoning")
            reasoning_content = field("reasoning_content")
            for text in (role, content, refusal, reasoning, reasoning_content):
                if text is not None and type(text) is not str:
                    return False
            details = field("reasoning_details")
            calls = field("tool_calls")
            try:
                if details:
                    if type(details) is not list:
                        return False
                    details = [_detail_from_dict(item) for item in details]
                elif details is not None and type(details) is not list:
                    return False
                if calls:
                    if type(calls) is not list:
                        return False
                    calls = [_tool_call_from_dict(item) for item in calls]
                elif calls is not None and type(calls) is not list:
                    return False
            except (TypeError, AttributeError, ValueError, RecursionError):
                return False  # add() on the typed chunk raises the error that names the key

        self.chunk_count += 1
        model = get("model")
        provider = get("provider")
        if self._has_id and "system_fingerprint" not in chunk and "service_tier" not in chunk:
            # The id is settled: only the model and provider can still change.
            if model:
                self.model = model
            if provider:
                self.provider = provider
        else:
            self._note_names(
                get("id"), get("created"), model, provider, get("system_fingerprint"), get("service_tier")
            )
        choices_state = self._choices
        state = choices_state.get(index)
        if state is None:
            if len(choices_state) >= self.max_choices:
                self._over("max_choices", self.max_choices, len(choices_state) + 1)
            state = choices_state[index] = _ChoiceState(index, self)
        # state.repeated is left alone: only a finish chunk, never plain, can be a repeat,
        # and the observer reads it only after add(), which sets it afresh.
        native = choice.get("native_finish_reason")
        if native is not None:
            state.native_finish_reason = native
        if text_only:
            state.role = role
            added = len(content)
            if state.content is None:
                state.content = [content]
            else:
                state.content.append(content)
        else:
            if told is not None:
                state.fragment_indexes = ()  # add_parts sets them only when there are tool calls
            added = state.add_parts(role, content, refusal, reasoning, reasoning_content, details, calls)
        if added:
            self.text_size += added
            if self.text_size > self.max_text:
                self._over("max_text", self.max_text, self.text_size)
        if told is not None:
            if text_only:
                told(index, content, None, None, None, None, None, ())
            else:
                told(index, content, refusal, reasoning, reasoning_content, details, calls, state.fragment_indexes)
        return True

    def tool_call(self, choice_index: int, tool_index: int) -> ToolCall:
        """One tool call as it stands, as ``result()`` would rebuild it, at the cost of
        that call alone. Raises ``KeyError`` when no fragment of it has arrived."""
        return self._choices[choice_index].tool_calls[tool_index].result()

    def _count_tool_call(self) -> None:
        if self._tool_call_count >= self.max_tool_calls:
            self._over("max_tool_calls", self.max_tool_calls, self._tool_call_count + 1)
        self._tool_call_count += 1

    def _over(self, name: str, limit: int, size: int) -> None:
        raise CompletionLimitError(name, limit, size, self.chunk_count, self.result())

    def result(self) -> ChatCompletion:
        """The completion as it stands: final after the last chunk, partial before.

        Each call builds new lists, dicts and joined strings, so a result stays as it was
        while more chunks arrive. Objects that arrived whole in a chunk (the usage, an
        annotation, an image, a logprob entry, an encrypted reasoning detail) are the
        chunk's own objects, not copies: read them, or copy before changing them.
        """
        return ChatCompletion(
            id=self.id,
            created=self.created,
            model=self.model,
            provider=self.provider,
            system_fingerprint=self.system_fingerprint,
            service_tier=self.service_tier,
            choices=[self._choices[index].result() for index in sorted(self._choices)],
            usage=self.usage,
            extra=dict(self.extra),
        )
