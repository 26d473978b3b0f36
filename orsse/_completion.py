"""The completion rebuilt from a stream, shaped like a non-streaming response.

``to_dict()`` writes the JSON of a non-streaming chat completion; the pieces that arrive
whole in a chunk (usage, annotations, images, logprobs, reasoning details) are the wire
types of ``_wire.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ._turns import message_param, parse_arguments
from ._wire import SLOTS

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional

    from ._wire import Annotation, ChoiceLogprobs, Image, ReasoningDetail, Usage

    JSONObject = Dict[str, Any]

__all__ = ["ChatCompletion", "Choice", "FunctionCall", "Message", "ToolCall"]


# -- the rebuilt, non-streaming completion ----------------------------------------------


@dataclass(**SLOTS)
class FunctionCall:
    """The function a finished tool call names, with its whole ``arguments`` JSON text."""

    name: Optional[str] = None
    arguments: str = ""

    def to_dict(self) -> JSONObject:
        return {"name": self.name, "arguments": self.arguments}


@dataclass(**SLOTS)
class ToolCall:
    """A finished tool call, rebuilt from its fragments."""

    id: Optional[str] = None
    type: Optional[str] = "function"
    function: FunctionCall = field(default_factory=FunctionCall)
    index: int = 0
    extra: JSONObject = field(default_factory=dict)

    def to_dict(self) -> JSONObject:
        out: JSONObject = {
            "id": self.id,
            "type": self.type,
            "function": self.function.to_dict(),
        }
        out.update(self.extra)
        return out

    def parse_arguments(self) -> Any:
        """The decoded ``arguments`` (``{}`` when the text is empty: a function without
        parameters). Raises :class:`ToolArgumentsError`, naming this call and the
        character at fault, when the text is not valid JSON."""
        return parse_arguments(
            self.function.arguments, tool_call_id=self.id, name=self.function.name, index=self.index
        )


@dataclass(**SLOTS)
class Message:
    """The assistant message of one choice, as a non-streaming response carries it.

    ``content``, ``refusal`` and ``reasoning`` are ``None`` when no chunk carried any
    text for them, and the joined pieces otherwise (``""`` is a real, empty answer).
    ``reasoning`` is the reasoning text whichever name the stream gave it;
    ``reasoning_name`` is that name (``"reasoning"``, or ``"reasoning_content"`` from
    GLM, xAI, DeepSeek-style servers), the key ``to_dict()`` writes it under.
    """

    role: Optional[str] = "assistant"
    content: Optional[str] = None
    refusal: Optional[str] = None
    reasoning: Optional[str] = None
    reasoning_details: List[ReasoningDetail] = field(default_factory=list)
    tool_calls: List[ToolCall] = field(default_factory=list)
    annotations: List[Annotation] = field(default_factory=list)
    images: List[Image] = field(default_factory=list)
    audio: Optional[JSONObject] = None
    extra: JSONObject = field(default_factory=dict)
    reasoning_name: str = "reasoning"

    def to_dict(self) -> JSONObject:
        out: JSONObject = {
            "role": self.role,
            "content": self.content,
            "refusal": self.refusal,
            self.reasoning_name: self.reasoning,
        }
        # Lists appear only when something came, as in a non-streaming response: a
        # "tool_calls": [] would tell some clients that tools were called.
        if self.reasoning_details:
            out["reasoning_details"] = [detail.to_dict() for detail in self.reasoning_details]
        if self.tool_calls:
            out["tool_calls"] = [call.to_dict() for call in self.tool_calls]
        if self.annotations:
            out["annotations"] = [annotation.to_dict() for annotation in self.annotations]
        if self.images:
            out["images"] = [image.to_dict() for image in self.images]
        if self.audio is not None:
            out["audio"] = self.audio
        out.update(self.extra)
        return out

    def to_param(self) -> JSONObject:
        """This message as the assistant message of the next request (plain JSON).

        ``role``; ``content``, left out when empty beside tool calls; ``tool_calls``,
        their ``id``, ``type``, function ``name`` and ``arguments`` exactly as streamed
        (with any key a server added to a call); ``reasoning_details`` exactly as
        rebuilt, in order, every signature and encrypted blob untouched, as OpenRouter
        requires. The reasoning text goes back, under ``reasoning_name``, only when there
        are no details to carry it.
        """
        return message_param(self)


@dataclass(**SLOTS)
class Choice:
    """One finished choice."""

    index: int = 0
    message: Message = field(default_factory=Message)
    finish_reason: Optional[str] = None
    native_finish_reason: Optional[str] = None
    logprobs: Optional[ChoiceLogprobs] = None
    extra: JSONObject = field(default_factory=dict)

    def to_dict(self) -> JSONObject:
        out: JSONObject = {
            "index": self.index,
            "message": self.message.to_dict(),
            "finish_reason": self.finish_reason,
            "native_finish_reason": self.native_finish_reason,
            "logprobs": None if self.logprobs is None else self.logprobs.to_dict(),
        }
        out.update(self.extra)
        return out


@dataclass(**SLOTS)
class ChatCompletion:
    """The completion rebuilt from a stream, shaped like a non-streaming response."""

    id: Optional[str] = None
    object: str = "chat.completion"
    created: Optional[int] = None
    model: Optional[str] = None
    provider: Optional[str] = None
    system_fingerprint: Optional[str] = None
    service_tier: Optional[str] = None
    choices: List[Choice] = field(default_factory=list)
    usage: Optional[Usage] = None
    extra: JSONObject = field(default_factory=dict)

    @property
    def message(self) -> Message:
        """The first choice's message (an empty one when no choice arrived)."""
        return self.choices[0].message if self.choices else Message()

    @property
    def content(self) -> str:
        """The first choice's answer text, ``""`` when there is none."""
        return self.message.content or ""

    def to_dict(self) -> JSONObject:
        """Exactly the JSON shape of a non-streaming chat completion."""
        # Every key a non-streaming response has, null when the stream did not say:
        # OpenRouter's SDK requires system_fingerprint even when it is null.
        out: JSONObject = {
            "id": self.id,
            "object": self.object,
            "created": self.created,
            "model": self.model,
            "provider": self.provider,
            "system_fingerprint": self.system_fingerprint,
            "service_tier": self.service_tier,
            "choices": [choice.to_dict() for choice in self.choices],
            "usage": None if self.usage is None else self.usage.to_dict(),
        }
        out.update(self.extra)
        return out
