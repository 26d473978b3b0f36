"""Typed views of a Responses API stream: its events, and the response they rebuild.

OpenRouter's ``POST /api/v1/responses`` streams named events (``event: response.output_text.delta``
and a JSON payload whose ``type`` says the same). Field names follow the JSON, and every
type keeps what it does not know: unknown keys in ``extra``, explicit nulls remembered in
``null_keys``, so ``to_dict()`` gives back exactly what the server sent. That exactness is
what lets a rebuilt :class:`Response` be compared with the ``response.completed`` payload,
and be stored or forwarded as if it had come from the non-streaming endpoint.

Only the values the accumulator joins, indexes or keys on are checked here (a delta that is
not a string, an index that is not an integer); everything else is carried as it came.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, fields, replace

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

if TYPE_CHECKING:
    from typing import Any, Callable, ClassVar, Dict, FrozenSet, List, Optional, Type, TypeVar, Union

    #: A JSON value as ``json.loads`` returns it: ``extra`` holds whatever keys a server
    #: invents, so nothing narrower is true.
    JSON = Any
    JSONObject = Dict[str, Any]
    OutputItem = Union["MessageItem", "ReasoningItem", "FunctionCallItem", "OtherItem"]
    _C = TypeVar("_C", bound=Type["_Wire"])

__all__ = [
    "AnnotationAddedEvent",
    "ContentPart",
    "ContentPartEvent",
    "ResponseErrorEvent",
    "FunctionCallItem",
    "MessageItem",
    "OtherItem",
    "OutputItemEvent",
    "ReasoningItem",
    "Response",
    "ResponseError",
    "ResponseEvent",
    "ResponseStatusEvent",
    "ResponseUsage",
    "TextDeltaEvent",
    "TextDoneEvent",
    "UnknownResponseEvent",
]

_SLOTS = {"slots": True} if sys.version_info >= (3, 10) else {}


def _unknown(data: JSONObject, known: FrozenSet[str]) -> JSONObject:
    if data.keys() <= known:  # the usual case, decided in C
        return {}
    return {key: value for key, value in data.items() if key not in known}


def _nulls(data: JSONObject) -> FrozenSet[str]:
    """The keys sent as an explicit null, so that ``to_dict()`` writes them back."""
    if None not in data.values():
        return frozenset()
    return frozenset(key for key, value in data.items() if value is None)


def _checked(value: Any, where: str, kind: type, expected: str) -> Any:
    # bool is an int subclass, and never a valid index.
    if value is not None and (type(value) is not kind):
        raise TypeError(f"{where} is a JSON {_json_name(value)}, not {expected}")
    return value


def _json_name(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number"}
    return names.get(type(value), type(value).__name__)


def _text(d: JSONObject, key: str, where: str) -> Optional[str]:
    return _checked(d.get(key), f"{where}.{key}", str, "a string")  # type: ignore[no-any-return]


def _index(d: JSONObject, key: str, where: str) -> Optional[int]:
    return _checked(d.get(key), f"{where}.{key}", int, "an integer")  # type: ignore[no-any-return]


def _array(d: JSONObject, key: str, where: str) -> Optional[List[Any]]:
    return _checked(d.get(key), f"{where}.{key}", list, "an array")  # type: ignore[no-any-return]


def _object(value: Any, where: str) -> JSONObject:
    if type(value) is not dict:
        raise TypeError(f"{where} is a JSON {_json_name(value)}, not an object")
    return value


#: Fields that describe how a value was sent rather than being part of it.
_NOT_JSON = frozenset(("extra", "null_keys", "lifted"))


def _keyed(cls: _C) -> _C:
    """Give a wire dataclass its ``_KNOWN`` keys, the names of its JSON fields, so the
    keys that go to ``extra`` are never a list kept by hand beside the fields."""
    setattr(cls, "_KNOWN", frozenset(f.name for f in fields(cls) if f.name not in _NOT_JSON))  # type: ignore[arg-type]
    return cls


class _Wire:
    """``to_dict()``: the fields that are set, the keys that were sent null, then ``extra``.

    Reflection is fine here: serialising is rare next to parsing.
    """

    __slots__ = ()

    if TYPE_CHECKING:
        #: The JSON keys of the fields (set by ``@_keyed``); any other key goes to ``extra``.
        _KNOWN: ClassVar[FrozenSet[str]]

    def to_dict(self) -> JSONObject:
        out: JSONObject = {}
        null_keys: FrozenSet[str] = getattr(self, "null_keys")
        for f in fields(self):  # type: ignore[arg-type]
            name = f.name
            if name in _NOT_JSON:
                continue
            value = getattr(self, name)
            if value is not None:
                out[name] = _to_json(value)
            elif name in null_keys:
                out[name] = None
        out.update(getattr(self, "extra"))
        return out


def _to_json(value: Any) -> JSON:
    if isinstance(value, _Wire):
        return value.to_dict()
    if isinstance(value, list):
        # One level only: a list field holds typed values (parts, items) or JSON exactly
        # as parsed, which is handed back unwalked, so no nesting depth of what a server
        # sent (valid JSON 600 deep) can make to_dict() raise RecursionError.
        return [item.to_dict() if isinstance(item, _Wire) else item for item in value]
    return value


# -- the response and what it holds --------------------------------------------------


@_keyed
@dataclass(**_SLOTS)
class ContentPart(_Wire):
    """A part of an output item: ``output_text`` (``text``, ``annotations``, ``logprobs``)
    or ``refusal`` (``refusal``) in a message; ``summary_text`` in a reasoning item's
    ``summary``, ``reasoning_text`` in its ``content``. Other kinds keep their keys in ``extra``."""

    type: Optional[str] = None
    text: Optional[str] = None
    refusal: Optional[str] = None
    annotations: Optional[List[JSONObject]] = None
    logprobs: Optional[List[JSON]] = None
    extra: JSONObject = field(default_factory=dict)
    null_keys: FrozenSet[str] = field(default=frozenset(), repr=False, compare=False)

    @classmethod
    def from_dict(cls, d: Any) -> ContentPart:
        d = _object(d, "part")
        return cls(
            _text(d, "type", "part"), _text(d, "text", "part"), _text(d, "refusal", "part"),
            _array(d, "annotations", "part"), _array(d, "logprobs", "part"),
            _unknown(d, cls._KNOWN), _nulls(d),
        )  # fmt: skip


def _parts(d: JSONObject, key: str, where: str) -> Optional[List[ContentPart]]:
    items = _array(d, key, where)
    return None if items is None else [ContentPart.from_dict(item) for item in items]


@_keyed
@dataclass(**_SLOTS)
class MessageItem(_Wire):
    """An assistant message: its ``content`` is ``output_text`` and ``refusal`` parts."""

    id: Optional[str] = None
    type: Optional[str] = "message"
    status: Optional[str] = None
    role: Optional[str] = None
    content: Optional[List[ContentPart]] = None
    extra: JSONObject = field(default_factory=dict)
    null_keys: FrozenSet[str] = field(default=frozenset(), repr=False, compare=False)

    @classmethod
    def from_dict(cls, d: JSONObject) -> MessageItem:
        return cls(
            _text(d, "id", "item"), d.get("type"), d.get("status"), d.get("role"),
            _parts(d, "content", "item"), _unknown(d, cls._KNOWN), _nulls(d),
        )  # fmt: skip

    @property
    def text(self) -> str:
        """The ``output_text`` parts joined (a refusal is not text: see ``refusal``)."""
        return "".join(part.text or "" for part in self.content or () if part.type == "output_text")

    @property
    def refusal(self) -> Optional[str]:
        """The refusal parts joined, or ``None`` when the model did not refuse."""
        pieces = [part.refusal or "" for part in self.content or () if part.type == "refusal"]
        return "".join(pieces) if pieces else None


@_keyed
@dataclass(**_SLOTS)
class ReasoningItem(_Wire):
    """The model's reasoning: ``summary`` parts (``summary_text``), maybe ``content``
    (``reasoning_text``), and ``encrypted_content``, which must go back unchanged in the
    next request for the model to continue from it."""

    id: Optional[str] = None
    type: Optional[str] = "reasoning"
    status: Optional[str] = None
    summary: Optional[List[ContentPart]] = None
    content: Optional[List[ContentPart]] = None
    encrypted_content: Optional[str] = None
    extra: JSONObject = field(default_factory=dict)
    null_keys: FrozenSet[str] = field(default=frozenset(), repr=False, compare=False)

    @classmethod
    def from_dict(cls, d: JSONObject) -> ReasoningItem:
        return cls(
            _text(d, "id", "item"), d.get("type"), d.get("status"), _parts(d, "summary", "item"),
            _parts(d, "content", "item"), d.get("encrypted_content"), _unknown(d, cls._KNOWN),
            _nulls(d),
        )  # fmt: skip

    @property
    def summary_text(self) -> str:
        """The summary parts joined by blank lines, as they are usually shown."""
        return "\n\n".join(part.text or "" for part in self.summary or ())


@_keyed
@dataclass(**_SLOTS)
class FunctionCallItem(_Wire):
    """A call of one of the request's tools: answer it with a ``function_call_output``
    item carrying the same ``call_id``. ``arguments`` is JSON text."""

    id: Optional[str] = None
    type: Optional[str] = "function_call"
    status: Optional[str] = None
    call_id: Optional[str] = None
    name: Optional[str] = None
    arguments: Optional[str] = None
    extra: JSONObject = field(default_factory=dict)
    null_keys: FrozenSet[str] = field(default=frozenset(), repr=False, compare=False)

    @classmethod
    def from_dict(cls, d: JSONObject) -> FunctionCallItem:
        return cls(
            _text(d, "id", "item"), d.get("type"), d.get("status"), d.get("call_id"),
            d.get("name"), _text(d, "arguments", "item"), _unknown(d, cls._KNOWN), _nulls(d),
        )  # fmt: skip


@_keyed
@dataclass(**_SLOTS)
class OtherItem(_Wire):
    """An output item of any other type (web search, file search, image generation...):
    everything but ``id``, ``type`` and ``status`` is in ``extra``, as it came."""

    id: Optional[str] = None
    type: Optional[str] = None
    status: Optional[str] = None
    extra: JSONObject = field(default_factory=dict)
    null_keys: FrozenSet[str] = field(default=frozenset(), repr=False, compare=False)

    @classmethod
    def from_dict(cls, d: JSONObject) -> OtherItem:
        return cls(
            _text(d, "id", "item"), d.get("type"), d.get("status"), _unknown(d, cls._KNOWN), _nulls(d)
        )


_ITEM_TYPES: Dict[Any, Callable[[JSONObject], OutputItem]] = {
    "message": MessageItem.from_dict,
    "reasoning": ReasoningItem.from_dict,
    "function_call": FunctionCallItem.from_dict,
}


def parse_item(d: Any, where: str = "item") -> OutputItem:
    """An output item from its JSON object, typed by its ``type``."""
    d = _object(d, where)
    kind = d.get("type")
    parse = _ITEM_TYPES.get(kind) if type(kind) is str else None
    return (parse or OtherItem.from_dict)(d)


@_keyed
@dataclass(**_SLOTS)
class ResponseUsage(_Wire):
    """Token counts, reported once, in the final response. The details are kept as sent
    (``input_tokens_details.cached_tokens``, ``output_tokens_details.reasoning_tokens``);
    OpenRouter's own additions (such as ``cost``) are in ``extra``."""

    input_tokens: Optional[int] = None
    output_tokens: Optional[int] = None
    total_tokens: Optional[int] = None
    input_tokens_details: Optional[JSONObject] = None
    output_tokens_details: Optional[JSONObject] = None
    extra: JSONObject = field(default_factory=dict)
    null_keys: FrozenSet[str] = field(default=frozenset(), repr=False, compare=False)

    @classmethod
    def from_dict(cls, d: Any) -> ResponseUsage:
        d = _object(d, "usage")
        get = d.get
        return cls(
            get("input_tokens"), get("output_tokens"), get("total_tokens"),
            get("input_tokens_details"), get("output_tokens_details"), _unknown(d, cls._KNOWN),
            _nulls(d),
        )  # fmt: skip

    @property
    def cached_tokens(self) -> Optional[int]:
        details = self.input_tokens_details
        return details.get("cached_tokens") if isinstance(details, dict) else None

    @property
    def reasoning_tokens(self) -> Optional[int]:
        details = self.output_tokens_details
        return details.get("reasoning_tokens") if isinstance(details, dict) else None


@_keyed
@dataclass(**_SLOTS)
class ResponseError(_Wire):
    """The ``error`` of a failed response (``code``, ``message``)."""

    code: Optional[Any] = None
    message: Optional[str] = None
    extra: JSONObject = field(default_factory=dict)
    null_keys: FrozenSet[str] = field(default=frozenset(), repr=False, compare=False)

    @classmethod
    def from_dict(cls, d: Any) -> ResponseError:
        d = _object(d, "error")
        return cls(d.get("code"), d.get("message"), _unknown(d, cls._KNOWN), _nulls(d))


@_keyed
@dataclass(**_SLOTS)
class Response(_Wire):
    """A response, as the non-streaming endpoint returns it (``object: "response"``).

    ``status`` is ``completed``, ``incomplete`` (see ``incomplete_details``), ``failed``
    (see ``error``) or, in a partial result, ``in_progress``. Every other key of the
    response (``created_at``, ``tools``, ``reasoning``, ``metadata``...) is in ``extra``.
    """

    id: Optional[str] = None
    object: Optional[str] = None
    status: Optional[str] = None
    model: Optional[str] = None
    output: List[OutputItem] = field(default_factory=list)
    usage: Optional[ResponseUsage] = None
    error: Optional[ResponseError] = None
    incomplete_details: Optional[JSONObject] = None
    extra: JSONObject = field(default_factory=dict)
    null_keys: FrozenSet[str] = field(default=frozenset(), repr=False, compare=False)

    @classmethod
    def from_dict(cls, d: Any) -> Response:
        d = _object(d, "response")
        get = d.get
        output = _array(d, "output", "response")
        usage = get("usage")
        error = get("error")
        return cls(
            _text(d, "id", "response"), get("object"), get("status"), get("model"),
            [] if output is None else [parse_item(item, "response.output[]") for item in output],
            None if usage is None else ResponseUsage.from_dict(usage),
            None if error is None else ResponseError.from_dict(error),
            get("incomplete_details"), _unknown(d, cls._KNOWN), _nulls(d),
        )  # fmt: skip

    def to_dict(self) -> JSONObject:
        out = _Wire.to_dict(self)
        # A null output reads back as an empty list; the API's own shape is kept.
        if "output" in self.null_keys and not self.output:
            out["output"] = None
        return out

    @property
    def output_text(self) -> str:
        """The text of every message, joined: what most callers want to show."""
        return "".join(item.text for item in self.output if isinstance(item, MessageItem))

    @property
    def refusal(self) -> Optional[str]:
        """The refusal text of the messages, or ``None`` when the model did not refuse."""
        pieces = [item.refusal for item in self.output if isinstance(item, MessageItem)]
        found = [piece for piece in pieces if piece is not None]
        return "".join(found) if found else None

    @property
    def reasoning_summary(self) -> str:
        """The reasoning summaries, joined by blank lines."""
        texts = [item.summary_text for item in self.output if isinstance(item, ReasoningItem)]
        return "\n\n".join(text for text in texts if text)

    @property
    def function_calls(self) -> List[FunctionCallItem]:
        return [item for item in self.output if isinstance(item, FunctionCallItem)]


# -- events ----------------------------------------------------------------------------


class ResponseEvent(_Wire):
    """Base class of the typed events: each has ``type`` (the payload's, equal to the
    ``event:`` line), ``sequence_number``, ``extra`` and ``to_dict()`` (the payload)."""

    __slots__ = ()

    type: str
    sequence_number: Optional[int]
    extra: JSONObject


@_keyed
@dataclass(**_SLOTS)
class ResponseStatusEvent(ResponseEvent):
    """An event carrying the whole response: ``response.created``, ``.queued``,
    ``.in_progress``, and the last one, ``.completed``, ``.incomplete`` or ``.failed``."""

    type: str = ""
    sequence_number: Optional[int] = None
    response: Response = field(default_factory=Response)
    extra: JSONObject = field(default_factory=dict)
    null_keys: FrozenSet[str] = field(default=frozenset(), repr=False, compare=False)

    @classmethod
    def from_dict(cls, d: JSONObject, kind: str) -> ResponseStatusEvent:
        return cls(
            kind, _index(d, "sequence_number", "event"), Response.from_dict(d.get("response")),
            _unknown(d, cls._KNOWN), _nulls(d),
        )  # fmt: skip


@_keyed
@dataclass(**_SLOTS)
class OutputItemEvent(ResponseEvent):
    """``response.output_item.added`` (the item as it starts) or ``.done`` (whole)."""

    type: str = ""
    sequence_number: Optional[int] = None
    output_index: Optional[int] = None
    item: OutputItem = field(default_factory=OtherItem)
    extra: JSONObject = field(default_factory=dict)
    null_keys: FrozenSet[str] = field(default=frozenset(), repr=False, compare=False)

    @classmethod
    def from_dict(cls, d: JSONObject, kind: str) -> OutputItemEvent:
        return cls(
            kind, _index(d, "sequence_number", "event"), _index(d, "output_index", "event"),
            parse_item(d.get("item")), _unknown(d, cls._KNOWN), _nulls(d),
        )  # fmt: skip


@_keyed
@dataclass(**_SLOTS)
class ContentPartEvent(ResponseEvent):
    """A part of an item starting or done: ``response.content_part.added`` / ``.done``
    (``content_index``) and ``response.reasoning_summary_part.added`` / ``.done``
    (``summary_index``)."""

    type: str = ""
    sequence_number: Optional[int] = None
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    content_index: Optional[int] = None
    summary_index: Optional[int] = None
    part: ContentPart = field(default_factory=ContentPart)
    extra: JSONObject = field(default_factory=dict)
    null_keys: FrozenSet[str] = field(default=frozenset(), repr=False, compare=False)

    @classmethod
    def from_dict(cls, d: JSONObject, kind: str) -> ContentPartEvent:
        return cls(
            kind, _index(d, "sequence_number", "event"), _text(d, "item_id", "event"),
            _index(d, "output_index", "event"), _index(d, "content_index", "event"),
            _index(d, "summary_index", "event"), ContentPart.from_dict(d.get("part")),
            _unknown(d, cls._KNOWN), _nulls(d),
        )  # fmt: skip


@_keyed
@dataclass(**_SLOTS)
class TextDeltaEvent(ResponseEvent):
    """A piece of text: ``response.output_text.delta``, ``.refusal.delta``,
    ``.reasoning_summary_text.delta``, ``.reasoning_text.delta`` or
    ``.function_call_arguments.delta``. ``obfuscation`` is OpenAI's random length-hiding
    padding: transport noise, kept so that ``to_dict()`` gives back the payload."""

    type: str = ""
    sequence_number: Optional[int] = None
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    content_index: Optional[int] = None
    summary_index: Optional[int] = None
    delta: str = ""
    logprobs: Optional[List[JSON]] = None
    obfuscation: Optional[str] = None
    extra: JSONObject = field(default_factory=dict)
    null_keys: FrozenSet[str] = field(default=frozenset(), repr=False, compare=False)

    @classmethod
    def from_dict(cls, d: JSONObject, kind: str) -> TextDeltaEvent:
        # The hot path of every stream (nearly all events are deltas): the checks are
        # one set lookup per value, and the precise complaint is only worked out for a
        # payload that fails them.
        get = d.get
        sequence = get("sequence_number")
        item_id = get("item_id")
        output_index = get("output_index")
        content_index = get("content_index")
        summary_index = get("summary_index")
        delta: Any = get("delta")
        logprobs = get("logprobs")
        if (
            type(delta) is not str
            or type(output_index) not in _INT_OR_NONE
            or type(content_index) not in _INT_OR_NONE
            or type(sequence) not in _INT_OR_NONE
            or type(item_id) not in _STR_OR_NONE
            or type(summary_index) not in _INT_OR_NONE
            or type(logprobs) not in _LIST_OR_NONE
        ):
            _check_delta(d)
        return cls(
            kind, sequence, item_id, output_index, content_index, summary_index, delta, logprobs,
            get("obfuscation"), _unknown(d, cls._KNOWN), _nulls(d),
        )  # fmt: skip


_INT_OR_NONE = frozenset((int, type(None)))
_STR_OR_NONE = frozenset((str, type(None)))
_LIST_OR_NONE = frozenset((list, type(None)))


def _check_delta(d: JSONObject) -> None:
    """Raise the ``TypeError`` that says which value of a delta event is wrong."""
    delta = d.get("delta")
    if type(delta) is not str:
        raise TypeError(f"delta is a JSON {_json_name(delta)}, not a string")
    for key in ("sequence_number", "output_index", "content_index", "summary_index"):
        _index(d, key, "event")
    _text(d, "item_id", "event")
    _array(d, "logprobs", "event")


@_keyed
@dataclass(**_SLOTS)
class TextDoneEvent(ResponseEvent):
    """The whole text of a part, once it is done: ``text`` for ``response.output_text.done``,
    ``.reasoning_summary_text.done`` and ``.reasoning_text.done``; ``refusal`` for
    ``.refusal.done``; ``arguments`` (and perhaps ``name``) for ``.function_call_arguments.done``."""

    type: str = ""
    sequence_number: Optional[int] = None
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    content_index: Optional[int] = None
    summary_index: Optional[int] = None
    text: Optional[str] = None
    refusal: Optional[str] = None
    arguments: Optional[str] = None
    name: Optional[str] = None
    logprobs: Optional[List[JSON]] = None
    extra: JSONObject = field(default_factory=dict)
    null_keys: FrozenSet[str] = field(default=frozenset(), repr=False, compare=False)

    @classmethod
    def from_dict(cls, d: JSONObject, kind: str) -> TextDoneEvent:
        return cls(
            kind, _index(d, "sequence_number", "event"), _text(d, "item_id", "event"),
            _index(d, "output_index", "event"), _index(d, "content_index", "event"),
            _index(d, "summary_index", "event"), _text(d, "text", "event"),
            _text(d, "refusal", "event"), _text(d, "arguments", "event"), _text(d, "name", "event"),
            _array(d, "logprobs", "event"), _unknown(d, cls._KNOWN), _nulls(d),
        )  # fmt: skip


@_keyed
@dataclass(**_SLOTS)
class AnnotationAddedEvent(ResponseEvent):
    """``response.output_text.annotation.added``: a citation (or file path...) for a part."""

    type: str = ""
    sequence_number: Optional[int] = None
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    content_index: Optional[int] = None
    annotation_index: Optional[int] = None
    annotation: JSONObject = field(default_factory=dict)
    extra: JSONObject = field(default_factory=dict)
    null_keys: FrozenSet[str] = field(default=frozenset(), repr=False, compare=False)

    @classmethod
    def from_dict(cls, d: JSONObject, kind: str) -> AnnotationAddedEvent:
        return cls(
            kind, _index(d, "sequence_number", "event"), _text(d, "item_id", "event"),
            _index(d, "output_index", "event"), _index(d, "content_index", "event"),
            _index(d, "annotation_index", "event"), _object(d.get("annotation"), "annotation"),
            _unknown(d, cls._KNOWN), _nulls(d),
        )  # fmt: skip


@_keyed
@dataclass(**_SLOTS)
class ResponseErrorEvent(ResponseEvent):
    """A bare ``error`` event: ``code``, ``message``, ``param`` at the top level (OpenAI),
    or inside an ``error`` object (kept in ``extra``; its code and message are copied up)."""

    type: str = "error"
    sequence_number: Optional[int] = None
    code: Optional[Any] = None
    message: Optional[str] = None
    param: Optional[Any] = None
    extra: JSONObject = field(default_factory=dict)
    null_keys: FrozenSet[str] = field(default=frozenset(), repr=False, compare=False)
    #: The fields copied up from the nested ``error`` object, so ``to_dict()`` leaves them out.
    lifted: FrozenSet[str] = field(default=frozenset(), repr=False, compare=False)

    @classmethod
    def from_dict(cls, d: JSONObject, kind: str) -> ResponseErrorEvent:
        code = d.get("code")
        message = d.get("message")
        lifted = set()
        nested = d.get("error")
        if isinstance(nested, dict):
            if code is None and nested.get("code") is not None:
                code = nested["code"]
                lifted.add("code")
            if message is None and nested.get("message") is not None:
                message = nested["message"]
                lifted.add("message")
        if message is not None and type(message) is not str:
            message = str(message)  # StreamError wants text; a non-text message is rare
        return cls(
            kind, _index(d, "sequence_number", "event"), code, message, d.get("param"),
            _unknown(d, cls._KNOWN), _nulls(d), frozenset(lifted),
        )  # fmt: skip

    def to_dict(self) -> JSONObject:
        out = _Wire.to_dict(self)
        for key in self.lifted & {"code", "message"}:
            del out[key]
        return out


@dataclass(**_SLOTS)
class UnknownResponseEvent(ResponseEvent):
    """An event of a type orsse does not know (yet), kept whole: ``data`` is its JSON
    object, or ``None`` when the data is not one, and ``raw`` is the data as sent."""

    type: str = ""
    sequence_number: Optional[int] = None
    data: Optional[JSONObject] = None
    raw: str = ""
    extra: JSONObject = field(default_factory=dict)
    null_keys: FrozenSet[str] = field(default=frozenset(), repr=False, compare=False)

    def to_dict(self) -> JSONObject:
        return dict(self.data) if self.data is not None else {}


_EVENT_TYPES: Dict[str, Callable[[JSONObject, str], ResponseEvent]] = {}
for _kind in ("created", "queued", "in_progress", "completed", "incomplete", "failed"):
    _EVENT_TYPES["response." + _kind] = ResponseStatusEvent.from_dict
for _kind in ("added", "done"):
    _EVENT_TYPES["response.output_item." + _kind] = OutputItemEvent.from_dict
    _EVENT_TYPES["response.content_part." + _kind] = ContentPartEvent.from_dict
    _EVENT_TYPES["response.reasoning_summary_part." + _kind] = ContentPartEvent.from_dict
for _kind in ("output_text", "refusal", "reasoning_summary_text", "reasoning_text", "function_call_arguments"):
    _EVENT_TYPES[f"response.{_kind}.delta"] = TextDeltaEvent.from_dict
    _EVENT_TYPES[f"response.{_kind}.done"] = TextDoneEvent.from_dict
_EVENT_TYPES["response.output_text.annotation.added"] = AnnotationAddedEvent.from_dict
_EVENT_TYPES["error"] = ResponseErrorEvent.from_dict
del _kind

#: The event types parsed into their own classes; any other becomes an UnknownResponseEvent.
KNOWN_EVENT_TYPES = frozenset(_EVENT_TYPES)


def event_from_dict(payload: JSONObject, event_name: str = "message") -> ResponseEvent:
    """The typed event for one decoded payload; *event_name* is the SSE ``event:`` field,
    used when the payload names no ``type`` of its own.

    Raises ``TypeError``/``ValueError`` for a known event whose payload has the wrong shape;
    its callers turn that into a :class:`ChunkDecodeError` naming the event.
    """
    kind = payload.get("type")
    if type(kind) is not str:
        kind = event_name
        if type(payload.get("error")) is dict and kind not in _EVENT_TYPES:
            # A chat-style error ({"error": {"code", "message"}}, no type), as a server's
            # shared error path writes it into any stream: an error, never an unknown
            # event that lets the stream end as merely cut off.
            kind = "error"
    parse = _EVENT_TYPES.get(kind)
    if parse is None:
        sequence = payload.get("sequence_number")
        return UnknownResponseEvent(kind, sequence if type(sequence) is int else None, payload)
    return parse(payload, kind)


def with_output(response: Response, output: List[OutputItem]) -> Response:
    """A copy of *response* whose ``output`` is *output*."""
    return replace(
        response, output=output, extra=dict(response.extra), null_keys=response.null_keys - {"output"}
    )
