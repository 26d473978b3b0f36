"""Typed views of what a stream sends: the chunk and everything inside it.

Attribute names are the JSON keys (and openai-python's names), so code written against
openai's chunks reads the same. Every field may be missing or null; keys orsse does not
know yet are kept in ``extra``; ``to_dict()`` gives back the object the chunk was parsed
from, explicit nulls included, so a relay can forward chunks unchanged.

Each type declares its fields once, as a dataclass whose fields say how a JSON value is
checked (``_text()``, ``_integer()``, ``_one(Type)``, ``_many(Type)``…). ``@_wire`` derives
the rest from that declaration: the known-key set, and a ``from_dict`` written out as
source code and compiled once, so building a chunk (the hot path of every stream) costs
what a hand-written constructor costs while no list of keys is written twice.
"""

from __future__ import annotations

import json
import sys
from dataclasses import MISSING, dataclass, field, fields

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

if TYPE_CHECKING:
    from typing import Any, Callable, Dict, FrozenSet, Iterable, List, Optional, Tuple, Type, TypeVar

    #: A JSON value as ``json.loads`` returns it. Kept as ``Any`` on purpose: ``extra``
    #: holds whatever new keys a server invents, so nothing narrower is true.
    JSON = Any
    JSONObject = Dict[str, Any]
    _W = TypeVar("_W", bound="_WireType")

__all__ = [
    "Annotation",
    "ChatCompletionChunk",
    "ChoiceDelta",
    "ChoiceLogprobs",
    "ChunkChoice",
    "CompletionTokensDetails",
    "CostDetails",
    "ErrorDetail",
    "FunctionCallDelta",
    "Image",
    "ImageUrl",
    "PromptTokensDetails",
    "ReasoningDetail",
    "TokenLogprob",
    "ToolCallDelta",
    "TopLogprob",
    "UrlCitation",
    "Usage",
]

SLOTS = {"slots": True} if sys.version_info >= (3, 10) else {}

# -- declaring a field ----------------------------------------------------------------------
#
# The checks are on the values the accumulator joins, keys on or descends into; a value
# that is only carried (an id, a number) is kept as whatever JSON came.

_KIND = "orsse.kind"


def _field(kind: str, of: Any = None) -> Any:
    return field(default=None, metadata={_KIND: (kind, of)})


def _text() -> Any:
    """A string, or null."""
    return _field("str")


def _integer() -> Any:
    """An integer, or null."""
    return _field("int")


def _object() -> Any:
    """A JSON object kept as a dict, or null."""
    return _field("dict")


def _one(of: Any) -> Any:
    """An object parsed as the wire type *of*, or null."""
    return _field("one", of)


def _many(of: Any) -> Any:
    """A list of objects, each parsed as the wire type *of*, or null."""
    return _field("many", of)


def _converted(convert: Callable[[Any], Any]) -> Any:
    """A non-null value passed through *convert* (which raises on a value it refuses)."""
    return _field("call", convert)


def _extra() -> Any:
    return field(default_factory=dict)


def _sent_keys() -> Any:
    # The object parsed, for its keys: to_dict() writes back exactly those, in order, a
    # key sent as null included. The dict itself rather than a tuple of its keys: a
    # tuple per object made building a chunk 15% slower on CPython (3 x ~100 ns of
    # ~2 us), a reference costs nothing; a kept chunk keeps its source dict alive.
    # Not compared: two chunks with the same values are equal whatever their key order.
    return field(default=None, repr=False, compare=False)


def wrong_type(value: Any, where: str, expected: str = "a string") -> TypeError:
    """The error for a value of the wrong JSON type; ``parse_chunk`` and ``iter_chunks``
    turn it into a :class:`ChunkDecodeError` naming the event."""
    return TypeError(f"{where} is a JSON {type(value).__name__}, not {expected}")


def keys_within(names: Iterable[str]) -> Callable[[JSONObject], bool]:
    """A test that a dict has no key outside *names*, the fastest there is on each Python.

    CPython: ``frozenset.issuperset``, one C call (127 ns on a chunk, against 244 ns for
    counting the names it holds). PyPy: ``len(d)`` against the count of *names* in it,
    which the JIT turns into a few hash lookups: 6 ns, against 174 ns for ``issuperset``
    (a third of PyPy's json.loads time for the three objects of a chunk).
    """
    unique = tuple(dict.fromkeys(names))
    if sys.implementation.name != "pypy" or not unique:
        return frozenset(unique).issuperset
    return counted_within(unique)


def counted_within(names: Tuple[str, ...]) -> Callable[[JSONObject], bool]:
    """:func:`keys_within` by counting: ``len(d) == ("a" in d) + ("b" in d) + ...``."""
    source = "def within(d):\n    return len(d) == {}\n".format(" + ".join(f"({name!r} in d)" for name in names))
    scope: Dict[str, Any] = {}
    exec(compile(source, "<orsse keys_within>", "exec"), scope)
    within: Callable[[JSONObject], bool] = scope["within"]
    return within


def _unknown(data: JSONObject, known: FrozenSet[str]) -> JSONObject:
    return {key: value for key, value in data.items() if key not in known}


def _to_json(value: Any) -> JSON:
    if isinstance(value, _WireType):
        return value.to_dict()
    if isinstance(value, list):
        return [_to_json(item) for item in value]
    return value


class _WireType:
    """What every wire type has: ``from_dict`` (made by :func:`_wire`) and ``to_dict``."""

    __slots__ = ()

    #: The JSON keys the fields stand for; any other key goes to ``extra``.
    KNOWN: FrozenSet[str] = frozenset()
    # (name, default, default_factory) of each JSON field, in declaration order.
    _DEFAULTS: Tuple[Tuple[str, Any, Any], ...] = ()

    if TYPE_CHECKING:
        extra: JSONObject
        _sent: Optional[Iterable[str]]

        @classmethod
        def from_dict(cls: Type[_W], d: JSONObject) -> _W:
            """Build from decoded JSON; raises ``TypeError`` naming the field on a value of
            the wrong type (``parse_chunk`` turns it into a clear error)."""
            ...

    def to_dict(self) -> JSONObject:
        """The JSON object: for a parsed value, the keys it was parsed from, in order and
        with their nulls; then any field set since (and any key added to ``extra``).
        Serialising is rare next to parsing, so plain reflection does."""
        out: JSONObject = {}
        extra = self.extra
        known = self.KNOWN
        sent = self._sent
        if sent is not None:
            for key in sent:
                if key in known:
                    out[key] = _to_json(getattr(self, key))
                elif key in extra:
                    out[key] = extra[key]
        for name, default, factory in self._DEFAULTS:
            if name in out:
                continue
            value = getattr(self, name)
            if value is None:
                continue
            # A parsed value leaves out what was not sent and is still its default
            # (a chunk sent without "choices" has choices == []).
            if sent is not None and value == (default if factory is MISSING else factory()):
                continue
            out[name] = _to_json(value)
        for key, value in extra.items():
            if key not in out:
                out[key] = value
        return out


# -- deriving the known keys and the constructor ----------------------------------------------


def _wire(where: str, shortcut: Tuple[str, ...] = ()) -> Callable[[Type[_W]], Type[_W]]:
    """Make a declared dataclass a wire type: its ``KNOWN`` keys and its ``from_dict``.

    *where* names the object in error messages (``"delta"``, ``"tool_calls[]"``).
    *shortcut* names string fields that, when a payload has no other key, are all there
    is to check: the shape of nearly every delta (``role`` and ``content``) skips the
    lookups of every rare field (about 1.4× faster for such a delta on CPython).
    """

    def make(cls: Type[_W]) -> Type[_W]:
        declared = [f for f in fields(cls) if f.name not in ("extra", "_sent")]  # type: ignore[arg-type]
        names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
        if names[-2:] != ["extra", "_sent"]:
            raise TypeError(f"{cls.__name__}: extra and _sent must be the last fields")
        cls.KNOWN = frozenset(f.name for f in declared)
        cls._DEFAULTS = tuple((f.name, f.default, f.default_factory) for f in declared)
        setattr(cls, "from_dict", classmethod(_compile_from_dict(cls, declared, where, shortcut)))
        return cls

    return make


def _compile_from_dict(cls: Type[_WireType], declared: List[Any], where: str, shortcut: Tuple[str, ...]) -> Any:
    """The source of ``from_dict`` for *cls*, compiled. Values are checked in the order
    of the declaration; a field with a non-null default takes it when the key is null."""
    prefix = f"{where}." if where else ""
    namespace: Dict[str, Any] = {
        "_known": cls.KNOWN,
        "_all_known": keys_within(f.name for f in declared),
        "_unknown": _unknown,
        "_wrong_type": wrong_type,
        "_dumps": json.dumps,
        "_dict": dict,
            }
    lines = [
        "def from_dict(cls, d):",
        # A try costs nothing until it catches, unlike a type check on every object.
        "    try:",
        "        get = d.get",
        "    except AttributeError:",
        f"        raise _wrong_type(d, {where or 'the chunk'!r}, 'an object') from None",
    ]

    if shortcut:
        # Every key is a shortcut field holding a string: all of them present first (the
        # common case, one length test), else count the values found, which costs less
        # than a set comparison (slow on PyPy).
        args = []
        for f in declared:
            if f.name in shortcut:
                args.append(f"s_{f.name}")
                lines.append(f"    s_{f.name} = get({f.name!r})")
            else:
                args.append(_default_source(f, namespace))
        everything = " and ".join(f"type(s_{n}) is str" for n in shortcut)
        strings = " and ".join(f"(type(s_{n}) is str or s_{n} is None)" for n in shortcut)
        found = " + ".join(f"(s_{n} is not None)" for n in shortcut)
        lines.append(
            f"    if (len(d) == {len(shortcut)} and {everything}) or"
            f" (len(d) == {found} and {strings}):"
        )
        lines.extend("    " + line for line in _construct(cls, args + ["{}", "d"]))

    checks = {"str": ("str", "a string"), "int": ("int", "an integer"), "dict": ("_dict", "an object")}
    args = []
    for number, f in enumerate(declared):
        var = f"v{number}"
        args.append(var)
        lines.append(f"    {var} = get({f.name!r})")
        kind, of = f.metadata.get(_KIND, (None, None))
        where_field = prefix + f.name
        default = _default_source(f, namespace)
        # What a null (or a missing key) becomes: the field's default, when not None.
        if_null = "" if default == "None" else f"\n    else:\n        {var} = {default}"
        if kind in checks:
            python_type, expected = checks[kind]
            if default == "None":
                lines.append(
                    f"    if {var} is not None and type({var}) is not {python_type}:\n"
                    f"        raise _wrong_type({var}, {where_field!r}, {expected!r})"
                )
            else:
                lines.append(
                    f"    if {var} is None:\n        {var} = {default}\n"
                    f"    elif type({var}) is not {python_type}:\n"
                    f"        raise _wrong_type({var}, {where_field!r}, {expected!r})"
                )
        elif kind in ("one", "call"):
            namespace[f"_make{number}"] = of.from_dict if kind == "one" else of
            lines.append(f"    if {var} is not None:\n        {var} = _make{number}({var}){if_null}")
        elif kind == "many":
            namespace[f"_make{number}"] = of.from_dict
            lines.append(
                f"    if type({var}) is list:\n"
                # One item, as nearly always: a list display costs less than a comprehension.
                f"        {var} = [_make{number}({var}[0])] if len({var}) == 1 else"
                f" [_make{number}(item) for item in {var}]\n"
                f"    elif {var} is not None:\n"
                f"        raise _wrong_type({var}, {where_field!r}, 'a list')"
                + ("" if default == "None" else f"\n    else:\n        {var} = {default}")
            )
        elif kind is not None:
            raise TypeError(f"{cls.__name__}.{f.name}: unknown field kind {kind!r}")
        elif default != "None":
            lines.append(f"    if {var} is None:\n        {var} = {default}")
    lines.extend(_construct(cls, args + ["{} if _all_known(d) else _unknown(d, _known)", "d"]))
    # The helpers reach the function as closure variables, not as globals: on PyPy a
    # lookup in a dict that is not a module's is several times slower (the generated
    # constructors ran 2x slower than the hand-written ones with globals).
    cells = dict(namespace, _new=object.__new__, type=type, len=len, isinstance=isinstance, list=list, str=str, int=int)
    source = "def _factory({}):\n{}    return from_dict\n".format(
        ", ".join(cells), "".join(f"    {line}\n" for line in "\n".join(lines).split("\n"))
    )
    scope: Dict[str, Any] = {}
    exec(compile(source, f"<orsse {cls.__name__}.from_dict>", "exec"), scope)
    function = scope["_factory"](**cells)
    function.__qualname__ = f"{cls.__name__}.from_dict"
    function.__doc__ = f"A {cls.__name__} from its decoded JSON object (derived from the declaration)."
    function.source = source  # for the curious, and for tests
    return function


def _construct(cls: Type[_WireType], values: List[str]) -> List[str]:
    """Lines that build the instance from the expressions *values* (one per field, in
    order): ``object.__new__`` and one store per field, rather than ``cls(...)``, whose
    call through ``type.__call__`` into the dataclass ``__init__`` cost about a third of
    building a chunk on CPython. Valid because the derived ``__init__`` only stores."""
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    lines = ["    o = _new(cls)"]
    lines.extend(f"    o.{name} = {value}" for name, value in zip(names, values))
    lines.append("    return o")
    return lines


def _default_source(f: Any, namespace: Dict[str, Any]) -> str:
    """The expression giving field *f*'s default inside the generated code."""
    if f.default_factory is not MISSING:
        namespace[f"_factory_{f.name}"] = f.default_factory
        return f"_factory_{f.name}()"
    if f.default is None:
        return "None"
    namespace[f"_default_{f.name}"] = f.default
    return f"_default_{f.name}"


# -- small pieces -----------------------------------------------------------------------------


@_wire("reasoning_details[]")
@dataclass(**SLOTS)
class ReasoningDetail(_WireType):
    """One ``reasoning_details`` entry: ``reasoning.text`` (``text``, ``signature``),
    ``reasoning.summary`` (``summary``) or ``reasoning.encrypted`` (``data``); entries of
    other types keep all their keys in ``extra``."""

    type: Optional[str] = _text()
    text: Optional[str] = _text()
    summary: Optional[str] = _text()
    data: Optional[str] = None
    signature: Optional[str] = _text()
    format: Optional[str] = None
    index: Optional[int] = None
    id: Optional[str] = None
    extra: JSONObject = _extra()
    _sent: Optional[Iterable[str]] = _sent_keys()


def _arguments_text(arguments: JSON) -> str:
    # A few OpenAI-compatible servers send the arguments as a JSON value rather than as
    # its text; the text is what every client (and the API) expects.
    if type(arguments) is str:
        return arguments
    return json.dumps(arguments, ensure_ascii=False)


@_wire("tool_calls[].function")
@dataclass(**SLOTS)
class FunctionCallDelta(_WireType):
    """A piece of a tool call's function: the ``name`` (first piece) and ``arguments`` text."""

    name: Optional[str] = _text()
    arguments: Optional[str] = _converted(_arguments_text)
    extra: JSONObject = _extra()
    _sent: Optional[Iterable[str]] = _sent_keys()


@_wire("tool_calls[]")
@dataclass(**SLOTS)
class ToolCallDelta(_WireType):
    """A tool-call fragment; only ``index`` is sure to be there."""

    index: Optional[int] = _integer()
    id: Optional[str] = None
    type: Optional[str] = None
    function: Optional[FunctionCallDelta] = _one(FunctionCallDelta)
    extra: JSONObject = _extra()
    _sent: Optional[Iterable[str]] = _sent_keys()


@_wire("annotations[].url_citation")
@dataclass(**SLOTS)
class UrlCitation(_WireType):
    """Where a web-search answer got a statement from."""

    url: Optional[str] = None
    title: Optional[str] = None
    content: Optional[str] = None
    start_index: Optional[int] = None
    end_index: Optional[int] = None
    extra: JSONObject = _extra()
    _sent: Optional[Iterable[str]] = _sent_keys()


@_wire("annotations[]")
@dataclass(**SLOTS)
class Annotation(_WireType):
    """A message annotation, such as a ``url_citation`` from web search."""

    type: Optional[str] = None
    url_citation: Optional[UrlCitation] = _one(UrlCitation)
    extra: JSONObject = _extra()
    _sent: Optional[Iterable[str]] = _sent_keys()


@_wire("images[].image_url")
@dataclass(**SLOTS)
class ImageUrl(_WireType):
    """The image itself: usually a ``data:image/png;base64,…`` URL, often megabytes long."""

    url: Optional[str] = None
    extra: JSONObject = _extra()
    _sent: Optional[Iterable[str]] = _sent_keys()


@_wire("images[]")
@dataclass(**SLOTS)
class Image(_WireType):
    """A generated image in the message."""

    type: Optional[str] = None
    image_url: Optional[ImageUrl] = _one(ImageUrl)
    extra: JSONObject = _extra()
    _sent: Optional[Iterable[str]] = _sent_keys()


@_wire("logprobs.content[].top_logprobs[]")
@dataclass(**SLOTS)
class TopLogprob(_WireType):
    """One of the most likely alternatives at a token position."""

    token: Optional[str] = None
    logprob: Optional[float] = None
    bytes: Optional[List[int]] = None
    extra: JSONObject = _extra()
    _sent: Optional[Iterable[str]] = _sent_keys()


@_wire("logprobs.content[]")
@dataclass(**SLOTS)
class TokenLogprob(_WireType):
    """The log probability of one sampled token, with its top alternatives."""

    token: Optional[str] = None
    logprob: Optional[float] = None
    bytes: Optional[List[int]] = None
    top_logprobs: Optional[List[TopLogprob]] = _many(TopLogprob)
    extra: JSONObject = _extra()
    _sent: Optional[Iterable[str]] = _sent_keys()


@_wire("logprobs")
@dataclass(**SLOTS)
class ChoiceLogprobs(_WireType):
    """Log probabilities of the content and refusal tokens of a chunk or message."""

    content: Optional[List[TokenLogprob]] = _many(TokenLogprob)
    refusal: Optional[List[TokenLogprob]] = _many(TokenLogprob)
    extra: JSONObject = _extra()
    _sent: Optional[Iterable[str]] = _sent_keys()


# -- usage and errors -------------------------------------------------------------------------


@_wire("usage.prompt_tokens_details")
@dataclass(**SLOTS)
class PromptTokensDetails(_WireType):
    """How the prompt tokens break down (cache reads and writes, audio, video)."""

    cached_tokens: Optional[int] = None
    cache_write_tokens: Optional[int] = None
    audio_tokens: Optional[int] = None
    video_tokens: Optional[int] = None
    extra: JSONObject = _extra()
    _sent: Optional[Iterable[str]] = _sent_keys()


@_wire("usage.completion_tokens_details")
@dataclass(**SLOTS)
class CompletionTokensDetails(_WireType):
    """How the completion tokens break down (reasoning, images, audio)."""

    reasoning_tokens: Optional[int] = None
    image_tokens: Optional[int] = None
    audio_tokens: Optional[int] = None
    extra: JSONObject = _extra()
    _sent: Optional[Iterable[str]] = _sent_keys()


@_wire("usage.cost_details")
@dataclass(**SLOTS)
class CostDetails(_WireType):
    """What the upstream provider charged, which can differ from OpenRouter's ``cost``."""

    upstream_inference_cost: Optional[float] = None
    upstream_inference_prompt_cost: Optional[float] = None
    upstream_inference_completions_cost: Optional[float] = None
    extra: JSONObject = _extra()
    _sent: Optional[Iterable[str]] = _sent_keys()


@_wire("usage")
@dataclass(**SLOTS)
class Usage(_WireType):
    """Token counts and cost, reported once per stream (never to be summed)."""

    prompt_tokens: Optional[int] = None
    completion_tokens: Optional[int] = None
    total_tokens: Optional[int] = None
    cost: Optional[float] = None
    is_byok: Optional[bool] = None
    prompt_tokens_details: Optional[PromptTokensDetails] = _one(PromptTokensDetails)
    completion_tokens_details: Optional[CompletionTokensDetails] = _one(CompletionTokensDetails)
    cost_details: Optional[CostDetails] = _one(CostDetails)
    server_tool_use: Optional[JSONObject] = None
    extra: JSONObject = _extra()
    _sent: Optional[Iterable[str]] = _sent_keys()


@_wire("error")
@dataclass(**SLOTS)
class ErrorDetail(_WireType):
    """The ``error`` object of a chunk: ``code`` is an int (an HTTP-like status) or a string."""

    code: Optional[Any] = None
    message: Optional[str] = None
    metadata: Optional[JSONObject] = None
    extra: JSONObject = _extra()
    _sent: Optional[Iterable[str]] = _sent_keys()


def _error_detail(error: JSON) -> ErrorDetail:
    # Some servers send "error": "text" instead of an object; it is still an error.
    if type(error) is str:
        return ErrorDetail(message=error)
    if isinstance(error, dict):
        return ErrorDetail.from_dict(error)
    raise wrong_type(error, "error", "an object or a string")


# -- the chunk --------------------------------------------------------------------------------


@_wire("delta", shortcut=("role", "content"))
@dataclass(**SLOTS)
class ChoiceDelta(_WireType):
    """What one chunk adds to one choice's message.

    ``reasoning_content`` is the name GLM, xAI, DeepSeek and llama.cpp give the reasoning
    text that OpenRouter sends as ``reasoning``; the accumulator treats both as reasoning.
    """

    role: Optional[str] = _text()
    content: Optional[str] = _text()
    refusal: Optional[str] = _text()
    reasoning: Optional[str] = _text()
    reasoning_content: Optional[str] = _text()
    reasoning_details: Optional[List[ReasoningDetail]] = _many(ReasoningDetail)
    tool_calls: Optional[List[ToolCallDelta]] = _many(ToolCallDelta)
    annotations: Optional[List[Annotation]] = _many(Annotation)
    images: Optional[List[Image]] = _many(Image)
    audio: Optional[JSONObject] = _object()
    extra: JSONObject = _extra()
    _sent: Optional[Iterable[str]] = _sent_keys()


@_wire("choices[]")
@dataclass(**SLOTS)
class ChunkChoice(_WireType):
    """One choice in a chunk, keyed by ``index`` (0 unless the request asked for ``n > 1``)."""

    index: int = field(default=0, metadata={_KIND: ("int", None)})
    delta: ChoiceDelta = field(default_factory=ChoiceDelta, metadata={_KIND: ("one", ChoiceDelta)})
    finish_reason: Optional[str] = None
    native_finish_reason: Optional[str] = None
    logprobs: Optional[ChoiceLogprobs] = _one(ChoiceLogprobs)
    extra: JSONObject = _extra()
    _sent: Optional[Iterable[str]] = _sent_keys()


@_wire("")
@dataclass(**SLOTS)
class ChatCompletionChunk(_WireType):
    """One ``chat.completion.chunk`` of a stream."""

    id: Optional[str] = None
    object: Optional[str] = None
    created: Optional[int] = None
    model: Optional[str] = None
    provider: Optional[str] = None
    system_fingerprint: Optional[str] = None
    service_tier: Optional[str] = None
    choices: List[ChunkChoice] = field(default_factory=list, metadata={_KIND: ("many", ChunkChoice)})
    usage: Optional[Usage] = _one(Usage)
    error: Optional[ErrorDetail] = _converted(_error_detail)
    extra: JSONObject = _extra()
    _sent: Optional[Iterable[str]] = _sent_keys()


#: Every wire type, innermost first.
WIRE_TYPES: Tuple[Type[_WireType], ...] = (
    ReasoningDetail, FunctionCallDelta, ToolCallDelta, UrlCitation, Annotation, ImageUrl,
    Image, TopLogprob, TokenLogprob, ChoiceLogprobs, PromptTokensDetails,
    CompletionTokensDetails, CostDetails, Usage, ErrorDetail, ChoiceDelta, ChunkChoice,
    ChatCompletionChunk,
)  # fmt: skip
