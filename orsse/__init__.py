"""orsse: OpenRouter (and any OpenAI-compatible) streaming chat completions, standard library only.

Layers, each usable on its own: bytes -> :class:`ServerSentEvent` (:class:`SSEDecoder`, sans-IO)
-> typed chunks -> :class:`Accumulator` -> the rebuilt completion; and a urllib client on top.
"""

from ._errors import (
    ChunkDecodeError,
    IncompleteStreamError,
    OrsseError,
    SSEError,
    SSELimitError,
    StreamError,
)
from ._sse import ServerSentEvent, SSEDecoder, aiter_events, iter_events
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

__version__ = "0.1.0"

__all__ = [
    "Annotation",
    "ChatCompletion",
    "ChatCompletionChunk",
    "Choice",
    "ChoiceDelta",
    "ChoiceLogprobs",
    "ChunkChoice",
    "ChunkDecodeError",
    "CompletionTokensDetails",
    "CostDetails",
    "ErrorDetail",
    "FunctionCall",
    "FunctionCallDelta",
    "Image",
    "ImageUrl",
    "IncompleteStreamError",
    "Message",
    "OrsseError",
    "PromptTokensDetails",
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
    "aiter_events",
    "collect",
    "iter_chunks",
    "iter_events",
    "parse_chunk",
    "__version__",
]
