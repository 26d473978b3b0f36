"""orsse: OpenRouter (and any OpenAI-compatible) streaming chat completions, standard library only.

Layers, each usable on its own: bytes -> :class:`ServerSentEvent` (:class:`SSEDecoder`, sans-IO;
or just the data with :func:`iter_data`, or dicts with :func:`iter_json`) -> typed chunks ->
:class:`Accumulator` -> the rebuilt completion; and HTTP clients on top
(:class:`Client`, :class:`AsyncClient`, :func:`stream_chat`), standard library only.
"""

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ChunkDecodeError,
    ConnectTimeout,
    IncompleteStreamError,
    InvalidRequestError,
    MissingAPIKeyError,
    NotEventStreamError,
    OrsseError,
    ProtocolError,
    ProxyError,
    ReadTimeout,
    SSEError,
    SSELimitError,
    StreamError,
    TotalTimeout,
)
from ._sse import ServerSentEvent, SSEDecoder, aiter_data, aiter_events, iter_data, iter_events

if TYPE_CHECKING:
    from ._accumulate import Accumulator as Accumulator
    from ._chunks import acollect as acollect
    from ._chunks import aiter_chunks as aiter_chunks
    from ._chunks import collect as collect
    from ._chunks import iter_chunks as iter_chunks
    from ._chunks import parse_chunk as parse_chunk
    from ._async_client import AsyncChatStream as AsyncChatStream
    from ._async_client import AsyncClient as AsyncClient
    from ._client import Timeout as Timeout
    from ._client import stream_chat as stream_chat
    from ._sync_client import ChatStream as ChatStream
    from ._sync_client import Client as Client
    from ._json import aiter_json as aiter_json
    from ._json import iter_json as iter_json
    from ._types import (
        Annotation as Annotation,
        ChatCompletion as ChatCompletion,
        ChatCompletionChunk as ChatCompletionChunk,
        Choice as Choice,
        ChoiceDelta as ChoiceDelta,
        ChoiceLogprobs as ChoiceLogprobs,
        ChunkChoice as ChunkChoice,
        CompletionTokensDetails as CompletionTokensDetails,
        CostDetails as CostDetails,
        ErrorDetail as ErrorDetail,
        FunctionCall as FunctionCall,
        FunctionCallDelta as FunctionCallDelta,
        Image as Image,
        ImageUrl as ImageUrl,
        Message as Message,
        PromptTokensDetails as PromptTokensDetails,
        ReasoningDetail as ReasoningDetail,
        TokenLogprob as TokenLogprob,
        ToolCall as ToolCall,
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
# (socket, ssl, asyncio).
_LAZY = {
    "Accumulator": "_accumulate",
    "acollect": "_chunks",
    "aiter_chunks": "_chunks",
    "collect": "_chunks",
    "iter_chunks": "_chunks",
    "parse_chunk": "_chunks",
    "iter_json": "_json",
    "aiter_json": "_json",
    "AsyncChatStream": "_async_client",
    "AsyncClient": "_async_client",
    "ChatStream": "_sync_client",
    "Client": "_sync_client",
    "Timeout": "_client",
    "stream_chat": "_client",
    "Annotation": "_types",
    "ChatCompletion": "_types",
    "ChatCompletionChunk": "_types",
    "Choice": "_types",
    "ChoiceDelta": "_types",
    "ChoiceLogprobs": "_types",
    "ChunkChoice": "_types",
    "CompletionTokensDetails": "_types",
    "CostDetails": "_types",
    "ErrorDetail": "_types",
    "FunctionCall": "_types",
    "FunctionCallDelta": "_types",
    "Image": "_types",
    "ImageUrl": "_types",
    "Message": "_types",
    "PromptTokensDetails": "_types",
    "ReasoningDetail": "_types",
    "TokenLogprob": "_types",
    "ToolCall": "_types",
    "ToolCallDelta": "_types",
    "TopLogprob": "_types",
    "UrlCitation": "_types",
    "Usage": "_types",
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
    "AsyncChatStream",
    "AsyncClient",
    "ChatCompletion",
    "ChatCompletionChunk",
    "ChatStream",
    "Choice",
    "ChoiceDelta",
    "ChoiceLogprobs",
    "ChunkChoice",
    "ChunkDecodeError",
    "Client",
    "CompletionTokensDetails",
    "ConnectTimeout",
    "CostDetails",
    "ErrorDetail",
    "FunctionCall",
    "FunctionCallDelta",
    "Image",
    "ImageUrl",
    "IncompleteStreamError",
    "InvalidRequestError",
    "Message",
    "MissingAPIKeyError",
    "NotEventStreamError",
    "OrsseError",
    "PromptTokensDetails",
    "ProtocolError",
    "ProxyError",
    "ReadTimeout",
    "ReasoningDetail",
    "SSEDecoder",
    "SSEError",
    "SSELimitError",
    "ServerSentEvent",
    "StreamError",
    "Timeout",
    "TokenLogprob",
    "ToolCall",
    "ToolCallDelta",
    "TopLogprob",
    "TotalTimeout",
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
