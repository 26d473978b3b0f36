"""Typed views of what OpenRouter sends: the streamed chunk and everything inside it.

Attribute names follow the JSON (and openai-python's types), so code written against
openai's chunks reads the same. Every field may be missing or null, and keys orsse does
not know yet are kept in ``extra`` and written back out by ``to_dict()``.

Each ``from_dict`` is written out by hand: building a chunk is on the hot path of every
stream, and one pass of ``dict.get`` is several times faster than generic reflection.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field, fields
TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

if TYPE_CHECKING:
    from typing import Any, Dict, FrozenSet, List, Optional

    #: A JSON value as ``json.loads`` returns it. Kept as ``Any`` on purpose: ``extra``
    #: holds whatever new keys a server invents, so nothing narrower is true.
    JSON = Any
    JSONObject = Dict[str, Any]

__all__ = [
    "Annotation",
    "ChatCompletion",
    "ChatCompletionChunk",
    "Choice",
    "ChoiceDelta",
    "ChoiceLogprobs",
    "ChunkChoice",
    "CompletionTokensDetails",
    "CostDetails",
    "ErrorDetail",
    "FunctionCall",
    "FunctionCallDelta",
    "Image",
    "ImageUrl",
    "Message",
    "PromptTokensDetails",
    "ReasoningDetail",
    "TokenLogprob",
    "ToolCall",
    "ToolCallDelta",
    "TopLogprob",
    "UrlCitation",
    "Usage",
]

_SLOTS = {"slots": True} if sys.version_info >= (3, 10) else {}


def _unknown(data: JSONObject, known: FrozenSet[str]) -> JSONObject:
    """The keys of *data* that *known* does not name; a set comparison first, since
    almost every payload has none and ``keys() <= set`` runs in C."""
    if data.keys() <= known:
        return {}
    return {key: value for key, value in data.items() if key not in known}


def _wrong_type(value: Any, where: str, expected: str = "a string") -> TypeError:
    """The error for a value the merge rules cannot use; ``parse_chunk`` and
    ``iter_chunks`` turn it into a :class:`ChunkDecodeError` naming the event."""
    return TypeError(f"{where} is a JSON {type(value).__name__}, not {expected}")


def _nulls(data: JSONObject) -> FrozenSet[str]:
    """The keys sent as an explicit null, so ``to_dict()`` can give them back."""
    return frozenset(key for key, value in data.items() if value is None)


class _ToDict:
    """``to_dict()`` for the chunk types: the fields that are set, then ``extra``.

    Reflection is fine here: serialising is rare next to parsing. A null is written only
    for keys a type recorded as sent null (``null_keys``: usage, whose exact shape
    callers store and compare).
    """

    __slots__ = ()

    def to_dict(self) -> JSONObject:
        out: JSONObject = {}
        null_keys: FrozenSet[str] = getattr(self, "null_keys", frozenset())
        for f in fields(self):  # type: ignore[arg-type]
            name = f.name
            if name == "extra" or name == "null_keys":
                continue
            value = getattr(self, name)
            if value is not None:
                out[name] = _to_json(value)
            elif name in null_keys:
                out[name] = None
        out.update(getattr(self, "extra"))
        return out


def _to_json(value: Any) -> JSON:
    if isinstance(value, _ToDict):
        return value.to_dict()
    if isinstance(value, list):
        return [_to_json(item) for item in value]
    return value


# -- small pieces ---------------------------------------------------------------------


@dataclass(**_SLOTS)
class ReasoningDetail(_ToDict):
    """One ``reasoning_details`` entry: ``reasoning.text`` (``text``, ``signature``),
    ``reasoning.summary`` (``summary``) or ``reasoning.encrypted`` (``data``); entries of
    other types keep all their keys in ``extra``."""

    type: Optional[str] = None
    text: Optional[str] = None
    summary: Optional[str] = None
    data: Optional[str] = None
    signature: Optional[str] = None
    format: Optional[str] = None
    index: Optional[int] = None
    id: Optional[str] = None
    extra: JSONObject = field(default_factory=dict)

    _KNOWN = frozenset(("type", "text", "summary", "data", "signature", "format", "index", "id"))

    @classmethod
    def from_dict(cls, d: JSONObject) -> ReasoningDetail:
        get = d.get
        kind = get("type")
        text = get("text")
        summary = get("summary")
        signature = get("signature")
        # These are the values the accumulator joins or keys on; anything else is
        # only carried, so any JSON will do there.
        for value, where in ((kind, "type"), (text, "text"), (summary, "summary"), (signature, "signature")):
            if value is not None and type(value) is not str:
                raise _wrong_type(value, f"reasoning_details[].{where}")
        return cls(
            kind, text, summary, get("data"), signature, get("format"), get("index"), get("id"),
            _unknown(d, cls._KNOWN),
        )  # fmt: skip


@dataclass(**_SLOTS)
class FunctionCallDelta(_ToDict):
    """A piece of a tool call's function: the ``name`` (first piece) and ``arguments`` text."""

    name: Optional[str] = None
    arguments: Optional[str] = None
    extra: JSONObject = field(default_factory=dict)

    _KNOWN = frozenset(("name", "arguments"))

    @classmethod
    def from_dict(cls, d: JSONObject) -> FunctionCallDelta:
        name = d.get("name")
        if name is not None and type(name) is not str:
            raise _wrong_type(name, "tool_calls[].function.name")
        arguments = d.get("arguments")
        if arguments is not None and type(arguments) is not str:
            # A few OpenAI-compatible servers send the arguments as a JSON value rather
            # than as its text; the text is what every client (and the API) expects.
            arguments = json.dumps(arguments, ensure_ascii=False)
        return cls(name, arguments, _unknown(d, cls._KNOWN))


@dataclass(**_SLOTS)
class ToolCallDelta(_ToDict):
    """A tool-call fragment; only ``index`` is sure to be there."""

    index: Optional[int] = None
    id: Optional[str] = None
    type: Optional[str] = None
    function: Optional[FunctionCallDelta] = None
    extra: JSONObject = field(default_factory=dict)

    _KNOWN = frozenset(("index", "id", "type", "function"))

    @classmethod
    def from_dict(cls, d: JSONObject) -> ToolCallDelta:
        get = d.get
        index = get("index")
        if index is not None and type(index) is not int:
            raise _wrong_type(index, "tool_calls[].index", "an integer")
        function = get("function")
        return cls(
            index,
            get("id"),
            get("type"),
            None if function is None else FunctionCallDelta.from_dict(function),
            _unknown(d, cls._KNOWN),
        )


@dataclass(**_SLOTS)
class UrlCitation(_ToDict):
    """Where a web-search answer got a statement from."""

    url: Optional[str] = None
    title: Optional[str] = None
    content: Optional[str] = None
    start_index: Optional[int] = None
    end_index: Optional[int] = None
    extra: JSONObject = field(default_factory=dict)

    _KNOWN = frozenset(("url", "title", "content", "start_index", "end_index"))

    @classmethod
    def from_dict(cls, d: JSONObject) -> UrlCitation:
        get = d.get
        return cls(
            get("url"), get("title"), get("content"), get("start_index"), get("end_index"),
            _unknown(d, cls._KNOWN),
        )  # fmt: skip


@dataclass(**_SLOTS)
class Annotation(_ToDict):
    """A message annotation, such as a ``url_citation`` from web search."""

    type: Optional[str] = None
    url_citation: Optional[UrlCitation] = None
    extra: JSONObject = field(default_factory=dict)

    _KNOWN = frozenset(("type", "url_citation"))

    @classmethod
    def from_dict(cls, d: JSONObject) -> Annotation:
        citation = d.get("url_citation")
        return cls(
            d.get("type"),
            None if citation is None else UrlCitation.from_dict(citation),
            _unknown(d, cls._KNOWN),
        )


@dataclass(**_SLOTS)
class ImageUrl(_ToDict):
    """The image itself: usually a ``data:image/png;base64,…`` URL, often megabytes long."""

    url: Optional[str] = None
    extra: JSONObject = field(default_factory=dict)

    _KNOWN = frozenset(("url",))

    @classmethod
    def from_dict(cls, d: JSONObject) -> ImageUrl:
        return cls(d.get("url"), _unknown(d, cls._KNOWN))


@dataclass(**_SLOTS)
class Image(_ToDict):
    """A generated image in the message."""

    type: Optional[str] = None
    image_url: Optional[ImageUrl] = None
    extra: JSONObject = field(default_factory=dict)

    _KNOWN = frozenset(("type", "image_url"))

    @classmethod
    def from_dict(cls, d: JSONObject) -> Image:
        image_url = d.get("image_url")
        return cls(
            d.get("type"),
            None if image_url is None else ImageUrl.from_dict(image_url),
            _unknown(d, cls._KNOWN),
        )


@dataclass(**_SLOTS)
class TopLogprob(_ToDict):
    """One of the most likely alternatives at a token position."""

    token: Optional[str] = None
    logprob: Optional[float] = None
    bytes: Optional[List[int]] = None
    extra: JSONObject = field(default_factory=dict)

    _KNOWN = frozenset(("token", "logprob", "bytes"))

    @classmethod
    def from_dict(cls, d: JSONObject) -> TopLogprob:
        return cls(d.get("token"), d.get("logprob"), d.get("bytes"), _unknown(d, cls._KNOWN))


@dataclass(**_SLOTS)
class TokenLogprob(_ToDict):
    """The log probability of one sampled token, with its top alternatives."""

    token: Optional[str] = None
    logprob: Optional[float] = None
    bytes: Optional[List[int]] = None
    top_logprobs: Optional[List[TopLogprob]] = None
    extra: JSONObject = field(default_factory=dict)

    _KNOWN = frozenset(("token", "logprob", "bytes", "top_logprobs"))

    @classmethod
    def from_dict(cls, d: JSONObject) -> TokenLogprob:
        get = d.get
        top = get("top_logprobs")
        return cls(
            get("token"),
            get("logprob"),
            get("bytes"),
            None if top is None else [TopLogprob.from_dict(item) for item in top],
            _unknown(d, cls._KNOWN),
        )


@dataclass(**_SLOTS)
class ChoiceLogprobs(_ToDict):
    """Log probabilities of the content and refusal tokens of a chunk or message."""

    content: Optional[List[TokenLogprob]] = None
    refusal: Optional[List[TokenLogprob]] = None
    extra: JSONObject = field(default_factory=dict)

    _KNOWN = frozenset(("content", "refusal"))

    @classmethod
    def from_dict(cls, d: JSONObject) -> ChoiceLogprobs:
        content = d.get("content")
        refusal = d.get("refusal")
        return cls(
            None if content is None else [TokenLogprob.from_dict(item) for item in content],
            None if refusal is None else [TokenLogprob.from_dict(item) for item in refusal],
            _unknown(d, cls._KNOWN),
        )


# -- usage and errors -------------------------------------------------------------------


@dataclass(**_SLOTS)
class PromptTokensDetails(_ToDict):
    """How the prompt tokens break down (cache reads and writes, audio, video)."""

    cached_tokens: Optional[int] = None
    cache_write_tokens: Optional[int] = None
    audio_tokens: Optional[int] = None
    video_tokens: Optional[int] = None
    extra: JSONObject = field(default_factory=dict)
    null_keys: FrozenSet[str] = field(default=frozenset(), repr=False, compare=False)

    _KNOWN = frozenset(("cached_tokens", "cache_write_tokens", "audio_tokens", "video_tokens"))

    @classmethod
    def from_dict(cls, d: JSONObject) -> PromptTokensDetails:
        get = d.get
        return cls(
            get("cached_tokens"), get("cache_write_tokens"), get("audio_tokens"),
            get("video_tokens"), _unknown(d, cls._KNOWN), _nulls(d),
        )  # fmt: skip


@dataclass(**_SLOTS)
class CompletionTokensDetails(_ToDict):
    """How the completion tokens break down (reasoning, images, audio)."""

    reasoning_tokens: Optional[int] = None
    image_tokens: Optional[int] = None
    audio_tokens: Optional[int] = None
    extra: JSONObject = field(default_factory=dict)
    null_keys: FrozenSet[str] = field(default=frozenset(), repr=False, compare=False)

    _KNOWN = frozenset(("reasoning_tokens", "image_tokens", "audio_tokens"))

    @classmethod
    def from_dict(cls, d: JSONObject) -> CompletionTokensDetails:
        get = d.get
        return cls(
            get("reasoning_tokens"), get("image_tokens"), get("audio_tokens"),
            _unknown(d, cls._KNOWN), _nulls(d),
        )  # fmt: skip


@dataclass(**_SLOTS)
class CostDetails(_ToDict):
    """What the upstream provider charged, which can differ from OpenRouter's ``cost``."""

    upstream_inference_cost: Optional[float] = None
    upstream_inference_prompt_cost: Optional[float] = None
    upstream_inference_completions_cost: Optional[float] = None
    extra: JSONObject = field(default_factory=dict)
    null_keys: FrozenSet[str] = field(default=frozenset(), repr=False, compare=False)

    _KNOWN = frozenset(
        ("upstream_inference_cost", "upstream_inference_prompt_cost", "upstream_inference_completions_cost")
    )

    @classmethod
    def from_dict(cls, d: JSONObject) -> CostDetails:
        get = d.get
        return cls(
            get("upstream_inference_cost"), get("upstream_inference_prompt_cost"),
            get("upstream_inference_completions_cost"), _unknown(d, cls._KNOWN), _nulls(d),
        )  # fmt: skip


@dataclass(**_SLOTS)
class Usage(_ToDict):
    """Token counts and cost, reported once per stream (never to be summed)."""

    prompt_tokens: Optional[int] = None
    completion_tokens: Optional[int] = None
    total_tokens: Optional[int] = None
    cost: Optional[float] = None
    is_byok: Optional[bool] = None
    prompt_tokens_details: Optional[PromptTokensDetails] = None
    completion_tokens_details: Optional[CompletionTokensDetails] = None
    cost_details: Optional[CostDetails] = None
    server_tool_use: Optional[JSONObject] = None
    extra: JSONObject = field(default_factory=dict)
    null_keys: FrozenSet[str] = field(default=frozenset(), repr=False, compare=False)

    _KNOWN = frozenset(
        (
            "prompt_tokens", "completion_tokens", "total_tokens", "cost", "is_byok",
            "prompt_tokens_details", "completion_tokens_details", "cost_details", "server_tool_use",
        )
    )  # fmt: skip

    @classmethod
    def from_dict(cls, d: JSONObject) -> Usage:
        get = d.get
        prompt = get("prompt_tokens_details")
        completion = get("completion_tokens_details")
        cost = get("cost_details")
        return cls(
            get("prompt_tokens"),
            get("completion_tokens"),
            get("total_tokens"),
            get("cost"),
            get("is_byok"),
            None if prompt is None else PromptTokensDetails.from_dict(prompt),
            None if completion is None else CompletionTokensDetails.from_dict(completion),
            None if cost is None else CostDetails.from_dict(cost),
            get("server_tool_use"),
            _unknown(d, cls._KNOWN), _nulls(d),
        )


@dataclass(**_SLOTS)
class ErrorDetail(_ToDict):
    """The ``error`` object of a chunk: ``code`` is an int (an HTTP-like status) or a string."""

    code: Optional[Any] = None
    message: Optional[str] = None
    metadata: Optional[JSONObject] = None
    extra: JSONObject = field(default_factory=dict)

    _KNOWN = frozenset(("code", "message", "metadata"))

    @classmethod
    def from_dict(cls, d: JSONObject) -> ErrorDetail:
        return cls(d.get("code"), d.get("message"), d.get("metadata"), _unknown(d, cls._KNOWN))


def _error_detail(error: JSON) -> ErrorDetail:
    # Some servers send "error": "text" instead of an object; it is still an error.
    if type(error) is dict:
        return ErrorDetail.from_dict(error)
    if type(error) is str:
        return ErrorDetail(message=error)
    raise _wrong_type(error, "error", "an object or a string")


# -- the chunk ------------------------------------------------------------------------


@dataclass(**_SLOTS)
class ChoiceDelta(_ToDict):
    """What one chunk adds to one choice's message."""

    role: Optional[str] = None
    content: Optional[str] = None
    refusal: Optional[str] = None
    reasoning: Optional[str] = None
    reasoning_details: Optional[List[ReasoningDetail]] = None
    tool_calls: Optional[List[ToolCallDelta]] = None
    annotations: Optional[List[Annotation]] = None
    images: Optional[List[Image]] = None
    audio: Optional[JSONObject] = None
    extra: JSONObject = field(default_factory=dict)

    _KNOWN = frozenset(
        (
            "role", "content", "refusal", "reasoning", "reasoning_details", "tool_calls",
            "annotations", "images", "audio",
        )
    )  # fmt: skip

    @classmethod
    def from_dict(cls, d: JSONObject) -> ChoiceDelta:
        get = d.get
        role = get("role")
        content = get("content")
        if type(content) is str and (
            (type(role) is str and len(d) == 2) or (role is None and len(d) == 1)
        ):
            # The shape of nearly every chunk of a chat answer, with or without its role:
            # the keys that hold a string are all the keys there are, so no rare field
            # (nor any unknown key) can be present.
            return cls(role, content, None, None, None, None, None, None, None, {})
        refusal = get("refusal")
        reasoning = get("reasoning")
        for value, where in ((role, "role"), (content, "content"), (refusal, "refusal"), (reasoning, "reasoning")):
            if value is not None and type(value) is not str:
                raise _wrong_type(value, f"delta.{where}")
        audio = get("audio")
        if audio is not None and type(audio) is not dict:
            raise _wrong_type(audio, "delta.audio", "an object")
        details = get("reasoning_details")
        tool_calls = get("tool_calls")
        annotations = get("annotations")
        images = get("images")
        return cls(
            role,
            content,
            refusal,
            reasoning,
            None if details is None else [ReasoningDetail.from_dict(item) for item in details],
            None if tool_calls is None else [ToolCallDelta.from_dict(item) for item in tool_calls],
            None if annotations is None else [Annotation.from_dict(item) for item in annotations],
            None if images is None else [Image.from_dict(item) for item in images],
            audio,
            {} if _delta_keys_known(d) else _unknown(d, cls._KNOWN),
        )


# Bound issuperset() methods: "no key but these?" in one C call, without a function
# frame or a dict view. They take the place of _unknown() on the hot path.
_delta_keys_known = ChoiceDelta._KNOWN.issuperset
_delta_from_dict = ChoiceDelta.from_dict


@dataclass(**_SLOTS)
class ChunkChoice(_ToDict):
    """One choice in a chunk, keyed by ``index`` (0 unless the request asked for ``n > 1``)."""

    index: int = 0
    delta: ChoiceDelta = field(default_factory=ChoiceDelta)
    finish_reason: Optional[str] = None
    native_finish_reason: Optional[str] = None
    logprobs: Optional[ChoiceLogprobs] = None
    extra: JSONObject = field(default_factory=dict)

    _KNOWN = frozenset(("index", "delta", "finish_reason", "native_finish_reason", "logprobs"))

    @classmethod
    def from_dict(cls, d: JSONObject) -> ChunkChoice:
        get = d.get
        index = get("index")
        if index is None:
            index = 0
        elif type(index) is not int:
            raise _wrong_type(index, "choices[].index", "an integer")
        delta = get("delta")
        logprobs = get("logprobs")
        return cls(
            index,
            ChoiceDelta() if delta is None else _delta_from_dict(delta),
            get("finish_reason"),
            get("native_finish_reason"),
            None if logprobs is None else ChoiceLogprobs.from_dict(logprobs),
            {} if _choice_keys_known(d) else _unknown(d, cls._KNOWN),
        )


_choice_keys_known = ChunkChoice._KNOWN.issuperset
_choice_from_dict = ChunkChoice.from_dict


@dataclass(**_SLOTS)
class ChatCompletionChunk(_ToDict):
    """One ``chat.completion.chunk`` of a stream."""

    id: Optional[str] = None
    object: Optional[str] = None
    created: Optional[int] = None
    model: Optional[str] = None
    provider: Optional[str] = None
    system_fingerprint: Optional[str] = None
    service_tier: Optional[str] = None
    choices: List[ChunkChoice] = field(default_factory=list)
    usage: Optional[Usage] = None
    error: Optional[ErrorDetail] = None
    extra: JSONObject = field(default_factory=dict)

    _KNOWN = frozenset(
        (
            "id", "object", "created", "model", "provider", "system_fingerprint", "service_tier",
            "choices", "usage", "error",
        )
    )  # fmt: skip

    @classmethod
    def from_dict(cls, d: JSONObject) -> ChatCompletionChunk:
        """Build a chunk from decoded JSON; raises ``TypeError``/``AttributeError`` on a
        payload of the wrong shape (``parse_chunk`` turns those into a clear error)."""
        get = d.get
        choices = get("choices")
        if type(choices) is list and len(choices) == 1:
            # One choice, as nearly always: a list display costs less than a comprehension.
            choice_list = [_choice_from_dict(choices[0])]
        elif choices:
            choice_list = [_choice_from_dict(choice) for choice in choices]
        else:
            choice_list = []
        usage = get("usage")
        error = get("error")
        return cls(
            get("id"),
            get("object"),
            get("created"),
            get("model"),
            get("provider"),
            get("system_fingerprint"),
            get("service_tier"),
            choice_list,
            None if usage is None else Usage.from_dict(usage),
            None if error is None else _error_detail(error),
            {} if _chunk_keys_known(d) else _unknown(d, cls._KNOWN),
        )

    def to_dict(self) -> JSONObject:
        out = _ToDict.to_dict(self)
        out["choices"] = [choice.to_dict() for choice in self.choices]
        return out


_chunk_keys_known = ChatCompletionChunk._KNOWN.issuperset


# -- the rebuilt, non-streaming completion ----------------------------------------------


@dataclass(**_SLOTS)
class FunctionCall:
    """The function a finished tool call names, with its whole ``arguments`` JSON text."""

    name: Optional[str] = None
    arguments: str = ""

    def to_dict(self) -> JSONObject:
        return {"name": self.name, "arguments": self.arguments}


@dataclass(**_SLOTS)
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


@dataclass(**_SLOTS)
class Message:
    """The assistant message of one choice, as a non-streaming response carries it.

    ``content``, ``refusal`` and ``reasoning`` are ``None`` when no chunk carried any
    text for them, and the joined pieces otherwise (``""`` is a real, empty answer).
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

    def to_dict(self) -> JSONObject:
        out: JSONObject = {
            "role": self.role,
            "content": self.content,
            "refusal": self.refusal,
            "reasoning": self.reasoning,
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


@dataclass(**_SLOTS)
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


@dataclass(**_SLOTS)
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
        out: JSONObject = {
            "id": self.id,
            "object": self.object,
            "created": self.created,
            "model": self.model,
            "provider": self.provider,
        }
        if self.system_fingerprint is not None:
            out["system_fingerprint"] = self.system_fingerprint
        if self.service_tier is not None:
            out["service_tier"] = self.service_tier
        out["choices"] = [choice.to_dict() for choice in self.choices]
        if self.usage is not None:
            out["usage"] = self.usage.to_dict()
        out.update(self.extra)
        return out
