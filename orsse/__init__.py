"""orsse: OpenRouter (and any OpenAI-compatible) streaming chat completions, standard library only.

Layers, each usable on its own: bytes -> :class:`ServerSentEvent` (:class:`SSEDecoder`, sans-IO)
-> typed chunks -> :class:`Accumulator` -> the rebuilt completion; and a urllib client on top.
"""

from typing import TYPE_CHECKING

from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ChunkDecodeError,
    ConnectTimeout,
    IncompleteStreamError,
    MissingAPIKeyError,
    NotEventStreamError,
    OrsseError,
    ReadTimeout,
    SSEError,
    SSELimitError,
    StreamError,
)
from ._sse import ServerSentEvent, SSEDecoder, aiter_data, aiter_events, iter_data, iter_events
from ._accumulate import Accumulator
from ._chunks import acollect, aiter_chunks, collect, iter_chunks, parse_chunk
from ._types import (
    Annotation,
    ChatCompletion,
    ChatCompletionChunk,
    Choice,
    ChoiceDelta,
    ChoiceLogprobs,
    ChunkChoice,
    CompletionTokensDetails,
    CostDetails,
    ErrorDetail,
    FunctionCall,
    FunctionCallDelta,
    Image,
    ImageUrl,
    Message,
    PromptTokensDetails,
    ReasoningDetail,
    TokenLogprob,
    ToolCall,
    ToolCallDelta,
    TopLogprob,
    UrlCitation,
    Usage,
)

if TYPE_CHECKING:
    from ._client import ChatStream, stream_chat

__version__ = "0.1.0"

# The client is imported on first use, so that ``import orsse`` loads no network code
# (http.client, socket, ssl, urllib.request).
_LAZY = frozenset(("ChatStream", "stream_chat"))


def __getattr__(name: str) -> object:
    if name in _LAZY:
        from . import _client

        value = getattr(_client, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> "list[str]":
    return sorted(set(globals()) | _LAZY)

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "Annotation",
    "ChatCompletion",
    "ChatCompletionChunk",
    "ChatStream",
    "Choice",
    "ChoiceDelta",
    "ChoiceLogprobs",
    "ChunkChoice",
    "ChunkDecodeError",
    "CompletionTokensDetails",
    "ConnectTimeout",
    "CostDetails",
    "ErrorDetail",
    "FunctionCall",
    "FunctionCallDelta",
    "Image",
    "ImageUrl",
    "IncompleteStreamError",
    "Message",
    "MissingAPIKeyError",
    "NotEventStreamError",
    "OrsseError",
    "PromptTokensDetails",
    "ReadTimeout",
    "ReasoningDetail",
    "SSEError",
    "SSELimitError",
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
    "collect",
    "iter_chunks",
    "iter_data",
    "iter_events",
    "parse_chunk",
    "stream_chat",
    "__version__",
]
