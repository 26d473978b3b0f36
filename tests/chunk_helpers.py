"""Helpers shared by the chunk, accumulator and recorded-stream tests.

Import with ``from chunk_helpers import ...``; fixture paths come from ``_fixtures``.
"""

from __future__ import annotations

import asyncio
import json
import random
from typing import TYPE_CHECKING

import orsse
from _fixtures import FIXTURES, SYNTHETIC_CHUNKS, random_reads

if TYPE_CHECKING:
    from typing import Any, AsyncIterator, Dict, Iterable, List, Optional, Sequence, Tuple


def strip_nulls(value: Any) -> Any:
    """*value* with its ``None``-valued keys removed from every object, except inside
    ``usage``: the same payload as a server that leaves out what it has no value for."""
    if isinstance(value, dict):
        return {
            k: (v if k == "usage" else strip_nulls(v)) for k, v in value.items() if v is not None
        }
    if isinstance(value, list):
        return [strip_nulls(item) for item in value]
    return value


def sse_body(*events: Any, done: bool = True, comments: int = 0) -> bytes:
    """An OpenRouter-style stream: each event (a dict, or raw text) as one ``data:`` line
    and a blank line, optional keep-alive comments first, ``data: [DONE]`` last."""
    out: List[str] = [": OPENROUTER PROCESSING\n\n"] * comments
    for event in events:
        text = event if isinstance(event, str) else json.dumps(event, ensure_ascii=False)
        out.append(f"data: {text}\n\n")
    if done:
        out.append("data: [DONE]\n\n")
    return "".join(out).encode("utf-8")


def data_payloads(raw: bytes) -> List[str]:
    """The ``data:`` payloads of an OpenRouter fixture (one-line events), in order."""
    out = []
    for line in raw.decode("utf-8", "replace").replace("\r\n", "\n").split("\n"):
        if line.startswith("data:"):
            out.append(line[6:] if line.startswith("data: ") else line[5:])
    return out


def random_splits(data: bytes, rng: random.Random, max_size: int) -> List[bytes]:
    """*data* cut into reads of random sizes between 1 and *max_size*."""
    return random_reads(data, rng, max_size)


def bytewise(data: bytes) -> List[bytes]:
    return [data[i : i + 1] for i in range(len(data))]


def collect_with(pieces: Iterable[bytes]) -> Tuple[orsse.ChatCompletion, orsse.Accumulator]:
    accumulator = orsse.Accumulator()
    completion = orsse.collect(pieces, accumulator=accumulator)
    return completion, accumulator


def outcome(pieces: Iterable[bytes]) -> Tuple[str, Any]:
    """``("ok", completion dict)`` or ``("error", (class name, partial dict or None))``.

    Only orsse's own errors are caught: anything else escapes and fails the test.
    """
    try:
        completion = orsse.collect(pieces)
    except orsse.OrsseError as exc:
        partial = None if exc.partial is None else exc.partial.to_dict()
        return ("error", (type(exc).__name__, partial))
    return ("ok", completion.to_dict())


async def agen(pieces: Sequence[bytes]) -> AsyncIterator[bytes]:
    for piece in pieces:
        await asyncio.sleep(0)
        yield piece


def acollect_sync(pieces: Sequence[bytes], **options: Any) -> orsse.ChatCompletion:
    return asyncio.run(orsse.acollect(agen(pieces), **options))


def chunk(
    delta: Optional[Dict[str, Any]] = None,
    *,
    index: int = 0,
    finish_reason: Optional[str] = None,
    native_finish_reason: Optional[str] = None,
    usage: Optional[Dict[str, Any]] = None,
    choices: Optional[List[Dict[str, Any]]] = None,
    **top: Any,
) -> Dict[str, Any]:
    """A ``chat.completion.chunk`` dict shaped like OpenRouter's."""
    out: Dict[str, Any] = {
        "id": "gen-test-1",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "test/model-1",
        "provider": "TestProvider",
    }
    if choices is None:
        choices = [
            {
                "index": index,
                "delta": {"role": "assistant", "content": ""} if delta is None else delta,
                "finish_reason": finish_reason,
                "native_finish_reason": native_finish_reason,
            }
        ]
    out["choices"] = choices
    if usage is not None:
        out["usage"] = usage
    out.update(top)
    return out


USAGE = {
    "prompt_tokens": 10,
    "completion_tokens": 5,
    "total_tokens": 15,
    "cost": 0.0001,
    "is_byok": False,
    "prompt_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0, "audio_tokens": 0, "video_tokens": 0},
    "cost_details": {
        "upstream_inference_cost": 0.0001,
        "upstream_inference_prompt_cost": 0.00004,
        "upstream_inference_completions_cost": 0.00006,
    },
    "completion_tokens_details": {"reasoning_tokens": 0, "image_tokens": 0, "audio_tokens": 0},
}
