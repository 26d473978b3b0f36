"""Rebuild the final completion from its chunks, as a non-streaming call would have returned it.

The merge rules, and the real streams that made each one necessary, are in
``OPENROUTER-STREAMS.md``: role assigned, text concatenated, tool calls keyed by their
index, reasoning details kept faithful, usage taken (never summed), a finish chunk
sent twice counted once.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

from ._completion import ChatCompletion, Choice, FunctionCall, Message, ToolCall
from ._wire import ChoiceLogprobs, ReasoningDetail

if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional

    from ._wire import (
        Annotation,
        ChatCompletionChunk,
        ChoiceDelta,
        ChunkChoice,
        ErrorDetail,
        Image,
        TokenLogprob,
        ToolCallDelta,
        Usage,
    )

__all__ = ["Accumulator"]

# Pieces of these detail types continue the entry before them; any other type
# (encrypted blobs, kinds not invented yet) stands alone exactly as it came.
_JOINABLE = {"reasoning.text": "text", "reasoning.summary": "summary"}


def _join(parts: Optional[List[str]]) -> Optional[str]:
    return None if parts is None else "".join(parts)


def _merge_extra(into: Dict[str, Any], extra: Dict[str, Any]) -> None:
    """Unknown delta keys: text is a stream of pieces, lists grow, other values replace."""
    for key, value in extra.items():
        if value is None:
            continue
        old = into.get(key)
        if isinstance(old, str) and isinstance(value, str):
            into[key] = old + value
        elif isinstance(old, list) and isinstance(value, list):
            into[key] = old + value
        else:
            into[key] = value


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
        self.extra: Dict[str, Any] = {}
        self.function_extra: Dict[str, Any] = {}

    def add(self, fragment: ToolCallDelta) -> None:
        if self.id is None:
            self.id = fragment.id
        if self.type is None:
            self.type = fragment.type
        function = fragment.function
        if function is not None:
            if self.name is None:
                self.name = function.name
            if function.arguments:
                self.arguments.append(function.arguments)
            if function.extra:
                _merge_extra(self.function_extra, function.extra)
        if fragment.extra:
            _merge_extra(self.extra, fragment.extra)

    def result(self) -> ToolCall:
        extra = dict(self.extra)
        call = ToolCall(
            id=self.id,
            type=self.type or "function",
            function=FunctionCall(name=self.name, arguments="".join(self.arguments)),
            index=self.index,
            extra=extra,
        )
        if self.function_extra:
            # Unknown function keys stay inside "function" where they came from.
            extra["function"] = dict(call.function.to_dict(), **self.function_extra)
        return call


class _ChoiceState:
    __slots__ = (
        "index", "role", "content", "refusal", "reasoning", "reasoning_content", "details", "tool_calls",
        "annotations", "images", "audio", "logprobs_content", "logprobs_refusal",
        "logprobs_extra", "finish_reason", "native_finish_reason", "delta_extra",
        "choice_extra", "finish_delta",
    )  # fmt: skip

    def __init__(self, index: int) -> None:
        self.index = index
        self.role: Optional[str] = None
        self.content: Optional[List[str]] = None
        self.refusal: Optional[List[str]] = None
        self.reasoning: Optional[List[str]] = None
        self.reasoning_content: Optional[List[str]] = None
        self.details: List[_DetailState] = []
        self.tool_calls: Dict[int, _ToolCallState] = {}
        self.annotations: List[Annotation] = []
        self.images: List[Image] = []
        self.audio: Optional[Dict[str, Any]] = None
        self.logprobs_content: Optional[List[TokenLogprob]] = None
        self.logprobs_refusal: Optional[List[TokenLogprob]] = None
        self.logprobs_extra: Dict[str, Any] = {}
        self.finish_reason: Optional[str] = None
        self.native_finish_reason: Optional[str] = None
        self.delta_extra: Dict[str, Any] = {}
        self.choice_extra: Dict[str, Any] = {}
        # The delta of the chunk that carried the finish reason: some streams send that
        # chunk again (the copy carrying usage), and its delta must not count twice.
        self.finish_delta: Optional[ChoiceDelta] = None

    def add(self, choice: ChunkChoice) -> None:
        delta = choice.delta
        if choice.native_finish_reason is not None:
            self.native_finish_reason = choice.native_finish_reason
        if choice.finish_reason is not None:
            repeated = self.finish_reason is not None and delta == self.finish_delta
            self.finish_reason = choice.finish_reason
            self.finish_delta = delta
            if repeated:
                return
        if choice.logprobs is not None:
            self._add_logprobs(choice.logprobs)
        if choice.extra:
            # Unknown choice keys describe the choice, not a piece of its text: the
            # latest value stands.
            self.choice_extra.update((k, v) for k, v in choice.extra.items() if v is not None)

        if delta.role is not None:
            self.role = delta.role
        text = delta.content
        if text is not None:
            if self.content is None:
                self.content = [text]
            else:
                self.content.append(text)
        text = delta.reasoning
        if text is not None:
            if self.reasoning is None:
                self.reasoning = [text]
            else:
                self.reasoning.append(text)
        text = delta.reasoning_content
        if text is not None:
            if self.reasoning_content is None:
                self.reasoning_content = [text]
            else:
                self.reasoning_content.append(text)
        text = delta.refusal
        if text is not None:
            if self.refusal is None:
                self.refusal = [text]
            else:
                self.refusal.append(text)
        if delta.reasoning_details:
            self._add_details(delta.reasoning_details)
        if delta.tool_calls:
            self._add_tool_calls(delta.tool_calls)
        if delta.annotations:
            self.annotations.extend(delta.annotations)
        if delta.images:
            self.images.extend(delta.images)
        if delta.audio is not None:
            if self.audio is None:
                self.audio = {}
            _merge_extra(self.audio, delta.audio)
        if delta.extra:
            _merge_extra(self.delta_extra, delta.extra)

    def _add_details(self, pieces: List[ReasoningDetail]) -> None:
        details = self.details
        for piece in pieces:
            if details and details[-1].continues(piece):
                details[-1].add(piece)
            else:
                details.append(_DetailState(piece))

    def _add_tool_calls(self, fragments: List[ToolCallDelta]) -> None:
        calls = self.tool_calls
        for fragment in fragments:
            index = fragment.index
            if index is None:
                # Some OpenAI-compatible servers omit the index when they stream one
                # call at a time: a fragment with a new id opens the next call, any
                # other continues the latest one.
                latest = max(calls) if calls else None
                if latest is None or (fragment.id is not None and fragment.id != calls[latest].id):
                    index = 0 if latest is None else latest + 1
                else:
                    index = latest
            state = calls.get(index)
            if state is None:
                state = calls[index] = _ToolCallState(index)
            state.add(fragment)

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
            _merge_extra(self.logprobs_extra, logprobs.extra)

    def result(self) -> Choice:
        extra = dict(self.delta_extra)
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
            audio=None if self.audio is None else dict(self.audio),
            extra=extra,
        )
        has_logprobs = (
            self.logprobs_content is not None
            or self.logprobs_refusal is not None
            or self.logprobs_extra
        )
        logprobs = (
            ChoiceLogprobs(
                content=None if self.logprobs_content is None else list(self.logprobs_content),
                refusal=None if self.logprobs_refusal is None else list(self.logprobs_refusal),
                extra=dict(self.logprobs_extra),
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


class Accumulator:
    """Collects chunks (``add``) and rebuilds the completion (``result``) at any time.

    ``result()`` may be called mid-stream, for a partial answer; it never changes the
    accumulator. ``done`` says a ``[DONE]`` was seen (set by ``iter_chunks``),
    ``finished`` that a finish reason arrived, ``error`` holds a reported stream error.
    """

    def __init__(self) -> None:
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
        self._choices: Dict[int, _ChoiceState] = {}

    @property
    def finished(self) -> bool:
        """Whether any choice has received its finish reason."""
        return any(state.finish_reason is not None for state in self._choices.values())

    def add(self, chunk: ChatCompletionChunk) -> None:
        """Merge one chunk into the result."""
        self.chunk_count += 1
        # The id and creation time name the generation: the first ones count. Model
        # and provider can change when OpenRouter falls back to another provider
        # mid-request, and the last one is who produced the end of the answer.
        if self.id is None:
            self.id = chunk.id
            self.created = chunk.created
        if chunk.model is not None:
            self.model = chunk.model
        if chunk.provider is not None:
            self.provider = chunk.provider
        if chunk.system_fingerprint is not None:
            self.system_fingerprint = chunk.system_fingerprint
        if chunk.service_tier is not None:
            self.service_tier = chunk.service_tier
        choices = self._choices
        for choice in chunk.choices:
            state = choices.get(choice.index)
            if state is None:
                state = choices[choice.index] = _ChoiceState(choice.index)
            state.add(choice)
        if chunk.usage is not None:
            self.usage = chunk.usage
        if chunk.error is not None:
            self.error = chunk.error
        if chunk.extra:
            # "object" is not carried over: the result is a chat.completion.
            self.extra.update(chunk.extra)

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
