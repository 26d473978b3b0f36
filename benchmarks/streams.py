"""Seeded, realistic ``text/event-stream`` inputs for the benchmarks and their correctness test.

Every generator returns a :class:`Stream`: the bytes on the wire plus what a compliant decoder
must make of them (the data of each event, in order, and the comment lines), so that
``tests/test_bench_inputs.py`` can prove every input parses right before anything is timed.
The shapes follow the recorded OpenRouter streams in ``shared/recorded``: one ``data:`` line
of compact UTF-8 JSON per event, ``: OPENROUTER PROCESSING`` keep-alives before and between
events, the finish chunk sent twice (the copy carrying usage), and ``data: [DONE]``.

Standard library only; importable on its own (``importlib`` from the file path works).
"""

from __future__ import annotations

import base64
import json
import random
from typing import Any, Dict, List, Optional, Union

__all__ = [
    "READ_SIZES",
    "Stream",
    "benchmark_streams",
    "chat_stream",
    "cut",
    "event_reads",
    "reads_of",
    "image_stream",
    "tool_stream",
]

#: The read sizes every stream is delivered in.
READ_SIZES = (1, 7, 64, 1024, 16384, 65536)

#: Beside the sizes: one read per event (and per keep-alive), as a live stream arrives.
EVENT = "event"

KEEPALIVE = "OPENROUTER PROCESSING"
DONE = "[DONE]"

# Token-sized pieces in several scripts, as models emit them: Latin with accents, Cyrillic,
# Greek, CJK, Devanagari, Arabic and emoji (astral code points), plus punctuation and the
# newlines that JSON escapes as \n.
_WORDS = (
    " the", " stream", " of", " tokens", " is", " long", ",", ".", " and", " a", " model",
    " Olá", "!", " déjà", " vu", " naïve", " café", " Grüße", " aus", " Köln", " señor",
    " Привет", ",", " мир", " Καλημέρα", " 你好", "世界", "。", " こんにちは", " 東京",
    " नमस्ते", " مرحبا", " 😊", " 🚀", " 👩‍💻", "\n\n", "\n- ", " **", "**", " `code`",
    " 1", "2", "3", " +", " =", " ½", " ≈", " →", " “quoted”", " \"json\"", " \\path",
)

_MODELS = (
    ("openai/gpt-5.4-nano-20260317", "OpenAI"),
    ("anthropic/claude-4.5-haiku-20251001", "Amazon Bedrock"),
    ("moonshotai/kimi-k2.5-0127", "Chutes"),
    ("google/gemini-3-flash-preview-20251217", "Google AI Studio"),
)


class Stream:
    """One benchmark input: the wire bytes and what they must decode to."""

    __slots__ = ("name", "raw", "data", "payloads", "comments")

    def __init__(self, name: str, raw: bytes, data: List[str], comments: List[str]) -> None:
        #: Short name used in the benchmark table.
        self.name = name
        #: The bytes on the wire.
        self.raw = raw
        #: The data of every event a compliant decoder dispatches, in order.
        self.data = data
        #: The JSON payloads among them (all but ``[DONE]``): the ``json.loads`` floor's input.
        self.payloads = [d for d in data if d != DONE]
        #: The text of every comment line, in order.
        self.comments = comments

    def __repr__(self) -> str:
        return f"<Stream {self.name}: {len(self.raw)} bytes, {len(self.data)} events>"


def cut(raw: bytes, size: int) -> List[bytes]:
    """*raw* delivered in reads of *size* bytes (the last one shorter)."""
    return [raw[i : i + size] for i in range(0, len(raw), size)]


def event_reads(raw: bytes) -> List[bytes]:
    """*raw* delivered as a live stream arrives: one read per block up to and including
    its blank line (``data: ...\n\n``, or a keep-alive comment and its blank line)."""
    end = b"\r\n\r\n" if b"\r\n" in raw else b"\n\n"
    reads = [block + end for block in raw.split(end)]
    last = reads.pop()
    if last != end:
        reads.append(last[: -len(end)])
    return reads


def reads_of(raw: bytes, read: Union[int, str]) -> List[bytes]:
    """*raw* in reads of *read* bytes, or one read per event for :data:`EVENT`."""
    return event_reads(raw) if read == EVENT else cut(raw, int(read))


def _dumps(obj: Any) -> str:
    # What OpenRouter sends: compact separators, raw UTF-8 (no \u escapes).
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


class _Writer:
    def __init__(self, newline: str) -> None:
        self.newline = newline
        self.parts: List[str] = []
        self.data: List[str] = []
        self.comments: List[str] = []

    def comment(self, text: str = KEEPALIVE) -> None:
        self.parts.append(f": {text}{self.newline}{self.newline}")
        self.comments.append(text)

    def event(self, data: str) -> None:
        self.parts.append(f"data: {data}{self.newline}{self.newline}")
        self.data.append(data)

    def stream(self, name: str) -> Stream:
        return Stream(name, "".join(self.parts).encode("utf-8"), self.data, self.comments)


def _header(rng: random.Random) -> Dict[str, Any]:
    model, provider = rng.choice(_MODELS)
    created = 1777319000 + rng.randrange(10000)
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    gen_id = f"gen-{created}-" + "".join(rng.choice(letters) for _ in range(20))
    return {
        "id": gen_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "provider": provider,
    }


def _chunk(head: Dict[str, Any], delta: Dict[str, Any], finish: Optional[str] = None,
           native: Optional[str] = None, **extra: Any) -> str:
    choice = {"index": 0, "delta": delta, "finish_reason": finish, "native_finish_reason": native}
    return _dumps({**head, "choices": [choice], **extra})


_USAGE = {
    "prompt_tokens": 19, "completion_tokens": 7, "total_tokens": 26, "cost": 0.00001255,
    "is_byok": False,
    "prompt_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0, "audio_tokens": 0,
                              "video_tokens": 0},
    "cost_details": {"upstream_inference_cost": 0.00001255,
                     "upstream_inference_prompt_cost": 0.0000038,
                     "upstream_inference_completions_cost": 0.00000875},
    "completion_tokens_details": {"reasoning_tokens": 0, "image_tokens": 0, "audio_tokens": 0},
}


def _finish(w: _Writer, head: Dict[str, Any], reason: str, native: str) -> None:
    delta = {"role": "assistant", "content": ""}
    w.event(_chunk(head, delta, reason, native))
    w.event(_chunk(head, delta, reason, native, usage=_USAGE))
    w.event(DONE)


def chat_stream(events: int = 1000, seed: int = 1, newline: str = "\n",
                name: str = "chat") -> Stream:
    """Many small content chunks with non-ASCII text, keep-alives before and between them."""
    rng = random.Random(seed)
    w = _Writer(newline)
    head = _header(rng)
    for _ in range(rng.randrange(1, 6)):
        w.comment()
    for i in range(events):
        if i and rng.random() < 0.02:
            w.comment()
        text = "".join(rng.choice(_WORDS) for _ in range(rng.choice((1, 1, 1, 2, 3))))
        w.event(_chunk(head, {"role": "assistant", "content": text}))
    _finish(w, head, "stop", "stop")
    return w.stream(name)


def tool_stream(calls: int = 8, seed: int = 2, name: str = "tools") -> Stream:
    """Parallel tool calls whose JSON arguments arrive as escaped, token-sized fragments."""
    rng = random.Random(seed)
    w = _Writer("\n")
    head = _header(rng)
    for _ in range(rng.randrange(1, 4)):
        w.comment()
    for index in range(calls):
        call_id = "toolu_bdrk_01" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")
                                            for _ in range(22))
        name_ = rng.choice(("weather", "search_web", "run_python", "read_file"))
        first = {"index": index, "id": call_id, "type": "function",
                 "function": {"name": name_, "arguments": ""}}
        w.event(_chunk(head, {"role": "assistant", "content": None, "tool_calls": [first]}))
        for _ in range(2):  # the empty fragments Anthropic sends before the arguments
            empty = {"index": index, "function": {"arguments": ""}}
            w.event(_chunk(head, {"role": "assistant", "content": None, "tool_calls": [empty]}))
        body = "".join(rng.choice(_WORDS) for _ in range(rng.randrange(60, 200)))
        arguments = _dumps({"location": "Florence, Italy", "unit": "celsius", "query": body,
                            "limit": rng.randrange(1, 50)})
        pos = 0
        while pos < len(arguments):
            step = rng.choice((1, 2, 3, 4, 6, 9, 14))
            piece = {"index": index, "function": {"arguments": arguments[pos : pos + step]}}
            w.event(_chunk(head, {"role": "assistant", "content": None, "tool_calls": [piece]}))
            pos += step
            if rng.random() < 0.01:
                w.comment()
    _finish(w, head, "tool_calls", "tool_use")
    return w.stream(name)


def image_stream(size: int = 4 * 1024 * 1024, seed: int = 3, name: str = "image") -> Stream:
    """One event of *size* bytes carrying a base64 image (one line), then the finish."""
    rng = random.Random(seed)
    w = _Writer("\n")
    head = _header(rng)
    w.comment()
    prefix = "data:image/png;base64,"
    shell = _chunk(head, {"role": "assistant", "content": "", "images": [
        {"type": "image_url", "image_url": {"url": prefix}}]})
    room = max(0, size - len("data: \n\n") - len(shell))
    n = room * 3 // 4 + 3
    b64 = base64.b64encode(rng.getrandbits(8 * n).to_bytes(n, "little")).decode("ascii")[:room]
    b64 = b64[: len(b64) - len(b64) % 4]
    w.event(shell.replace(prefix, prefix + b64, 1))
    _finish(w, head, "stop", "stop")
    return w.stream(name)


def benchmark_streams(quick: bool = False) -> List[Stream]:
    """The inputs ``benchmarks/bench.py`` measures, in table order."""
    events = 300 if quick else 1500
    return [
        chat_stream(events),
        tool_stream(2 if quick else 8),
        chat_stream(events, newline="\r\n", name="chat-crlf"),
        image_stream(),
    ]
