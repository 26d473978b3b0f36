"""orsse: OpenRouter (and any OpenAI-compatible) streaming chat completions, standard library only.

Layers, each usable on its own: bytes -> :class:`ServerSentEvent` (:class:`SSEDecoder`, sans-IO;
or just the data with :func:`iter_data`, or dicts with :func:`iter_json`) -> typed chunks ->
:class:`Accumulator` -> the rebuilt completion; and a urllib client on top.
"""

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ChunkDecodeError,
    CompletionLimitError,
    ConnectTimeout,
    IncompleteStreamError,
    InputTypeError,
    MissingAPIKeyError,
    NotChatStreamError,
    NotEventStreamError,
    OrsseError,
    ReadTimeout,
    SSEError,
    SSELimitError,
    StreamError,
)
from ._sse import ServerSentEvent, SSEDecoder, aiter_data, aiter_events, iter_data, iter_events

if TYPE_CHECKING:
    from ._accumulate import Accumulator as Accumulator
    from ._chunks import acollect as acollect
    from ._chunks import aiter_chunks as aiter_chunks
    from ._chunks import collect as collect
    from ._chunks import iter_chunks as iter_chunks
    from ._chunks import parse_chunk as parse_chunk
    from ._client import ChatStream as ChatStream
    from ._client import stream_chat as stream_chat
    from ._json import aiter_json as aiter_json
    from ._json import iter_json as iter_json
    from ._completion import (
        ChatCompletion as ChatCompletion,
        Choice as Choice,
        FunctionCall as FunctionCall,
        Message as Message,
        ToolCall as ToolCall,
    )
    from ._wire import (
        Annotation as Annotation,
        ChatCompletionChunk as ChatCompletionChunk,
        ChoiceDelta as ChoiceDelta,
        ChoiceLogprobs as ChoiceLogprobs,
        ChunkChoice as ChunkChoice,
        CompletionTokensDetails as CompletionTokensDetails,
        CostDetails as CostDetails,
        ErrorDetail as ErrorDetail,
        FunctionCallDelta as FunctionCallDelta,
        Image as Image,
        ImageUrl as ImageUrl,
        PromptTokensDetails as PromptTokensDetails,
        ReasoningDetail as ReasoningDetail,
        TokenLogprob as TokenLogprob,
        ToolCallDelta as ToolCallDelta,
        TopLogprob as TopLogprob,
        UrlCitation as UrlCitation,
        Usage as Usage,
    )


from ._version import __version__

# The one table of what loads on first use; tests/test_package.py checks that it, the
# TYPE_CHECKING imports above and __all__ below name the same things.
# Only the errors and the SSE decoder load with the package. The chunk layer (two dozen
# dataclasses, whose creation is most of orsse's import time) loads on first use, and
# the client with it, so that ``import orsse`` stays light and loads no network code
# (http.client, socket, ssl).
_LAZY = {
    "Accumulator": "_accumulate",
    "acollect": "_chunks",
    "aiter_chunks": "_chunks",
    "collect": "_chunks",
    "iter_chunks": "_chunks",
    "parse_chunk": "_chunks",
    "iter_json": "_json",
    "aiter_json": "_json",
    "ChatStream": "_client",
    "stream_chat": "_client",
    "Annotation": "_wire",
    "ChatCompletion": "_completion",
    "ChatCompletionChunk": "_wire",
    "Choice": "_completion",
    "ChoiceDelta": "_wire",
    "ChoiceLogprobs": "_wire",
    "ChunkChoice": "_wire",
    "CompletionTokensDetails": "_wire",
    "CostDetails": "_wire",
    "ErrorDetail": "_wire",
    "FunctionCall": "_completion",
    "FunctionCallDelta": "_wire",
    "Image": "_wire",
    "ImageUrl": "_wire",
    "Message": "_completion",
    "PromptTokensDetails": "_wire",
    "ReasoningDetail": "_wire",
    "TokenLogprob": "_wire",
    "ToolCall": "_completion",
    "ToolCallDelta": "_wire",
    "TopLogprob": "_wire",
    "UrlCitation": "_wire",
    "Usage": "_wire",
}


def __getattr__(name: str) -> object:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    module = import_module(f"{__name__}.{module_name}")
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> "list[str]":
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "Accumulator",
    "Annotation",
    "ChatCompletion",
    "ChatCompletionChunk",
    "ChatStream",
    "Choice",
    "ChoiceDelta",
    "ChoiceLogprobs",
    "ChunkChoice",
    "ChunkDecodeError",
    "CompletionLimitError",
    "CompletionTokensDetails",
    "ConnectTimeout",
    "CostDetails",
    "ErrorDetail",
    "FunctionCall",
    "FunctionCallDelta",
    "Image",
    "ImageUrl",
    "IncompleteStreamError",
    "InputTypeError",
    "Message",
    "MissingAPIKeyError",
    "NotChatStreamError",
    "NotEventStreamError",
    "OrsseError",
    "PromptTokensDetails",
    "ReadTimeout",
    "ReasoningDetail",
    "SSEDecoder",
    "SSEError",
    "SSELimitError",
    "ServerSentEvent",
    "StreamError",
    "TokenLogprob",
    "ToolCall",
    "ToolCallDelta",
    "TopLogprob",
    "UrlCitation",
    "Usage",
    "acollect",
    "aiter_chunks",
    "aiter_data",
    "aiter_events",
    "aiter_json",
    "collect",
    "iter_chunks",
    "iter_data",
    "iter_events",
    "iter_json",
    "parse_chunk",
    "stream_chat",
    "__version__",
]

del TYPE_CHECKING
