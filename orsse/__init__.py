"""orsse: OpenRouter (and any OpenAI-compatible) streaming chat completions, standard library only.

Layers, each usable on its own: bytes -> :class:`ServerSentEvent` (:class:`SSEDecoder`, sans-IO;
or just the data with :func:`iter_data`, or dicts with :func:`iter_json`) -> typed chunks ->
:class:`Accumulator` -> the rebuilt completion; and a urllib client on top. The Responses
API stream has the same: :func:`iter_response_events` (typed events) ->
:class:`ResponseAccumulator` -> :class:`Response` (:func:`collect_response`).
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
    ResponseLimitError,
    SSEError,
    SSELimitError,
    StreamError,
    ToolArgumentsError,
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
    from ._responses import ResponseAccumulator as ResponseAccumulator
    from ._responses import acollect_response as acollect_response
    from ._responses import aiter_response_events as aiter_response_events
    from ._responses import collect_response as collect_response
    from ._responses import detect_stream_kind as detect_stream_kind
    from ._responses import iter_response_events as iter_response_events
    from ._responses import parse_response_event as parse_response_event
    from ._response_types import (
        AnnotationAddedEvent as AnnotationAddedEvent,
        ContentPart as ContentPart,
        ContentPartEvent as ContentPartEvent,
        FunctionCallItem as FunctionCallItem,
        MessageItem as MessageItem,
        OtherItem as OtherItem,
        OutputItemEvent as OutputItemEvent,
        ReasoningItem as ReasoningItem,
        Response as Response,
        ResponseError as ResponseError,
        ResponseErrorEvent as ResponseErrorEvent,
        ResponseEvent as ResponseEvent,
        ResponseStatusEvent as ResponseStatusEvent,
        ResponseUsage as ResponseUsage,
        TextDeltaEvent as TextDeltaEvent,
        TextDoneEvent as TextDoneEvent,
        UnknownResponseEvent as UnknownResponseEvent,
    )
    from ._json import aiter_json as aiter_json
    from ._json import iter_json as iter_json
    from ._completion import (
        ChatCompletion as ChatCompletion,
        Choice as Choice,
        FunctionCall as FunctionCall,
        Message as Message,
        ToolCall as ToolCall,
    )
    from ._partial_json import PartialJSONError as PartialJSONError
    from ._partial_json import PartialJSONParser as PartialJSONParser
    from ._turns import tool_result as tool_result
    from ._updates import Update as Update
    from ._updates import TextDelta as TextDelta
    from ._updates import TextDone as TextDone
    from ._updates import ToolCallStart as ToolCallStart
    from ._updates import ToolCallArgumentsDelta as ToolCallArgumentsDelta
    from ._updates import ToolCallDone as ToolCallDone
    from ._updates import UsageUpdate as UsageUpdate
    from ._updates import FinishUpdate as FinishUpdate
    from ._updates import KeepAlive as KeepAlive
    from ._updates import CompletionUpdate as CompletionUpdate
    from ._updates import iter_updates as iter_updates
    from ._updates import aiter_updates as aiter_updates
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
    "PartialJSONError": "_partial_json",
    "PartialJSONParser": "_partial_json",
    "tool_result": "_turns",
    "Update": "_updates",
    "TextDelta": "_updates",
    "TextDone": "_updates",
    "ToolCallStart": "_updates",
    "ToolCallArgumentsDelta": "_updates",
    "ToolCallDone": "_updates",
    "UsageUpdate": "_updates",
    "FinishUpdate": "_updates",
    "KeepAlive": "_updates",
    "CompletionUpdate": "_updates",
    "iter_updates": "_updates",
    "aiter_updates": "_updates",
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
    "ResponseAccumulator": "_responses",
    "iter_response_events": "_responses",
    "aiter_response_events": "_responses",
    "collect_response": "_responses",
    "acollect_response": "_responses",
    "detect_stream_kind": "_responses",
    "AnnotationAddedEvent": "_response_types",
    "ContentPart": "_response_types",
    "ContentPartEvent": "_response_types",
    "FunctionCallItem": "_response_types",
    "MessageItem": "_response_types",
    "OtherItem": "_response_types",
    "OutputItemEvent": "_response_types",
    "ReasoningItem": "_response_types",
    "Response": "_response_types",
    "ResponseError": "_response_types",
    "ResponseErrorEvent": "_response_types",
    "ResponseEvent": "_response_types",
    "ResponseStatusEvent": "_response_types",
    "ResponseUsage": "_response_types",
    "TextDeltaEvent": "_response_types",
    "TextDoneEvent": "_response_types",
    "UnknownResponseEvent": "_response_types",
    "parse_response_event": "_responses",
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
    "AnnotationAddedEvent",
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
    "CompletionUpdate",
    "ConnectTimeout",
    "ContentPart",
    "ContentPartEvent",
    "CostDetails",
    "ErrorDetail",
    "FinishUpdate",
    "FunctionCall",
    "FunctionCallDelta",
    "FunctionCallItem",
    "Image",
    "ImageUrl",
    "IncompleteStreamError",
    "KeepAlive",
    "InputTypeError",
    "Message",
    "MessageItem",
    "MissingAPIKeyError",
    "NotChatStreamError",
    "NotEventStreamError",
    "OrsseError",
    "OtherItem",
    "OutputItemEvent",
    "PartialJSONError",
    "PartialJSONParser",
    "PromptTokensDetails",
    "ReadTimeout",
    "ReasoningDetail",
    "ReasoningItem",
    "Response",
    "ResponseAccumulator",
    "ResponseError",
    "ResponseErrorEvent",
    "ResponseEvent",
    "ResponseLimitError",
    "ResponseStatusEvent",
    "ResponseUsage",
    "SSEDecoder",
    "SSEError",
    "SSELimitError",
    "ServerSentEvent",
    "StreamError",
    "TextDeltaEvent",
    "TextDoneEvent",
    "TextDelta",
    "TextDone",
    "TokenLogprob",
    "ToolArgumentsError",
    "ToolCall",
    "ToolCallArgumentsDelta",
    "ToolCallDelta",
    "ToolCallDone",
    "ToolCallStart",
    "TopLogprob",
    "UnknownResponseEvent",
    "Update",
    "UrlCitation",
    "Usage",
    "UsageUpdate",
    "acollect",
    "acollect_response",
    "aiter_chunks",
    "aiter_data",
    "aiter_events",
    "aiter_json",
    "aiter_response_events",
    "aiter_updates",
    "collect",
    "collect_response",
    "detect_stream_kind",
    "iter_chunks",
    "iter_data",
    "iter_events",
    "iter_json",
    "iter_response_events",
    "iter_updates",
    "parse_chunk",
    "parse_response_event",
    "stream_chat",
    "tool_result",
    "__version__",
]

del TYPE_CHECKING
