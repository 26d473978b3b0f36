"""orsse: OpenRouter (and any OpenAI-compatible) streaming chat completions, standard library only.

Layers, each usable on its own: bytes -> :class:`ServerSentEvent` (:class:`SSEDecoder`, sans-IO)
-> typed chunks -> :class:`Accumulator` -> the rebuilt completion; and a urllib client on top.
"""

from ._errors import (
    ChunkDecodeError,
    IncompleteStreamError,
    OrsseError,
    PartialResultError,
    SSEError,
    SSELimitError,
    StreamError,
)
from ._sse import ServerSentEvent, SSEDecoder, aiter_events, iter_events

__version__ = "0.1.0"

__all__ = [
    "ChunkDecodeError",
    "IncompleteStreamError",
    "OrsseError",
    "PartialResultError",
    "SSEDecoder",
    "SSEError",
    "SSELimitError",
    "ServerSentEvent",
    "StreamError",
    "__version__",
    "aiter_events",
    "iter_events",
]
