"""The ``orsse`` command (also ``python -m orsse``).

  orsse parse FILE|-      rebuild a recorded stream: message, reasoning, tool calls, usage
        --events          print the raw events and comments instead (with --json: JSON lines)
        --json            print the rebuilt completion as JSON
  orsse chat -m MODEL [--system TEXT] [--reasoning] [--json] PROMPT...|-
                          stream an answer from OpenRouter (or --base-url), key from
                          OPENROUTER_API_KEY; usage, cost and speed go to stderr

Exit codes:
  0    success
  1    an unexpected error (a bug in orsse: please report it)
  2    bad command line
  3    no API key: OPENROUTER_API_KEY is not set
  4    HTTP error before the stream started (4xx, 5xx, or not an event stream)
  5    network error: could not connect, or timed out
  6    the server reported an error mid-stream
  7    the stream was cut off (it ended early or the connection dropped)
  8    bad input: an unreadable file, a malformed stream or a malformed chunk
  130  interrupted (Ctrl-C); what had arrived stays printed
  141  the output was closed early (a pipe such as `| head`)

Every error is one line on stderr, starting with ``orsse: error:``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

from ._version import __version__
from ._accumulate import Accumulator
from ._chunks import iter_chunks
from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ChunkDecodeError,
    IncompleteStreamError,
    MissingAPIKeyError,
    OrsseError,
    SSEError,
    StreamError,
)
from ._sse import SSEDecoder

if TYPE_CHECKING:
    from typing import Any, BinaryIO, Dict, Iterator, List, Optional, Sequence, TextIO

    from ._completion import ChatCompletion, Message
    from ._wire import Usage

__all__ = ["main"]

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_NO_KEY = 3
EXIT_HTTP = 4
EXIT_NETWORK = 5
EXIT_STREAM_ERROR = 6
EXIT_TRUNCATED = 7
EXIT_BAD_INPUT = 8
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141

DEFAULT_BASE_URL = "https://openrouter.ai/api/v1"
READ_SIZE = 65536


def exit_code(error: BaseException) -> int:
    """The exit code for an error (see the module docstring)."""
    if isinstance(error, MissingAPIKeyError):
        return EXIT_NO_KEY
    if isinstance(error, APIStatusError):
        return EXIT_HTTP
    if isinstance(error, (APIConnectionError, APITimeoutError)):
        return EXIT_NETWORK
    if isinstance(error, StreamError):
        return EXIT_STREAM_ERROR
    if isinstance(error, IncompleteStreamError):
        return EXIT_TRUNCATED
    if isinstance(error, (SSEError, ChunkDecodeError)):
        return EXIT_BAD_INPUT
    return EXIT_INTERNAL


class _Output:
    """stdout and stderr, remembering whether each ended its line (so an error or the
    statistics never start in the middle of a streamed answer)."""

    def __init__(self, out: TextIO, err: TextIO) -> None:
        self.out = out
        self.err = err
        self.out_open = False  # stdout holds text after its last newline
        self.err_open = False
        self.color_err = _wants_color(err)
        self.color_out = _wants_color(out)

    def write(self, text: str) -> None:
        if text:
            # Set first: a Ctrl-C right after the write must still see the open line.
            self.out_open = not text.endswith("\n")
            self.out.write(text)
            self.out.flush()

    def write_err(self, text: str) -> None:
        if text:
            self.err_open = not text.endswith("\n")
            self.err.write(text)
            self.err.flush()

    def end_lines(self) -> None:
        """End any open line, on the stream it is open on."""
        if self.out_open:
            self.write("\n")
        if self.err_open:
            self.write_err("\n")

    def error(self, message: str) -> None:
        self.end_lines()
        self.write_err(f"orsse: error: {_one_line(message)}\n")

    def dim(self, text: str) -> str:
        return f"\x1b[2m{text}\x1b[0m" if self.color_err else text

    def bold(self, text: str) -> str:
        return f"\x1b[1m{text}\x1b[0m" if self.color_out else text


def _wants_color(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _one_line(text: str, limit: int = 600) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- the parser ---------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    doc = __doc__ or ""
    epilog = doc[doc.index("Exit codes:") :].replace("``", "")
    parser = argparse.ArgumentParser(
        prog="orsse",
        description="Server-sent events and OpenRouter / OpenAI-compatible streaming chat "
        "completions, standard library only.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"orsse {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    parse = commands.add_parser(
        "parse",
        help="rebuild the completion from a recorded stream",
        description="Parse a recorded event stream (a file, or - for standard input) and "
        "print the message, reasoning, tool calls and usage it rebuilds.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parse.add_argument("file", metavar="FILE", help="the recorded stream (.sse), or - for standard input")
    parse.add_argument("--events", action="store_true", help="print the raw events and comments instead")
    parse.add_argument("--json", action="store_true", help="print JSON: the rebuilt completion (with --events: one event per line)")
    parse.set_defaults(run=_parse_command)

    chat = commands.add_parser(
        "chat",
        help="stream an answer from a model",
        description="Send a prompt and print the answer as it streams. The key comes from "
        "OPENROUTER_API_KEY. Usage, cost, time to first token and speed go to stderr.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    chat.add_argument("prompt", nargs="*", metavar="PROMPT", help="the prompt (words are joined); - or nothing reads standard input")
    chat.add_argument("-m", "--model", required=True, help="the model, e.g. openai/gpt-4o-mini")
    chat.add_argument("-s", "--system", metavar="TEXT", help="a system message")
    chat.add_argument("--reasoning", action="store_true", help="show the model's reasoning (dimmed, on stderr)")
    chat.add_argument("--effort", choices=("minimal", "low", "medium", "high"), help="ask for reasoning of this effort")
    chat.add_argument("--max-tokens", type=int, metavar="N", help="limit the answer's length")
    chat.add_argument("--temperature", type=float, metavar="T")
    chat.add_argument(
        "-p", "--param", action="append", default=[], metavar="KEY=VALUE",
        help="another request field; VALUE is read as JSON when it parses (repeatable)",
    )  # fmt: skip
    chat.add_argument("--json", action="store_true", help="print the rebuilt completion as JSON instead of the text")
    chat.add_argument(
        "--base-url", default=os.environ.get("OPENROUTER_BASE_URL") or DEFAULT_BASE_URL,
        help="any OpenAI-compatible API (default: $OPENROUTER_BASE_URL or %(default)s)",
    )  # fmt: skip
    chat.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS", help="the longest silence tolerated (default %(default)g)")
    chat.add_argument("--retries", type=int, default=2, metavar="N", help="retries before the stream starts (default %(default)d)")
    chat.add_argument("--app-url", help="attribution: the HTTP-Referer header")
    chat.add_argument("--app-title", help="attribution: the X-OpenRouter-Title header")
    chat.set_defaults(run=_chat_command)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line; returns the exit code."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):
                pass
    args = _parser().parse_args(argv)
    output = _Output(sys.stdout, sys.stderr)
    try:
        code: int = args.run(args, output)
        return code
    except KeyboardInterrupt:
        try:
            output.end_lines()
            output.write_err("orsse: interrupted\n")
        except (BrokenPipeError, OSError):
            pass
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # Python would complain again at exit, flushing the closed stdout.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return EXIT_BROKEN_PIPE


# -- orsse parse -------------------------------------------------------------------------


def _read_blocks(source: BinaryIO) -> Iterator[bytes]:
    read = getattr(source, "read1", source.read)
    while True:
        data = read(READ_SIZE)
        if not data:
            return
        yield data


def _parse_command(args: argparse.Namespace, output: _Output) -> int:
    name = args.file
    try:
        source: BinaryIO = sys.stdin.buffer if name == "-" else open(name, "rb")
    except OSError as exc:
        output.error(f"cannot read {name}: {exc.strerror or exc}")
        return EXIT_BAD_INPUT
    try:
        if args.events:
            return _print_events(source, args.json, output)
        accumulator = Accumulator()
        try:
            for _ in iter_chunks(_read_blocks(source), accumulator=accumulator):
                pass
        except OrsseError as exc:
            partial = exc.partial if exc.partial is not None else accumulator.result()
            if accumulator.chunk_count:
                _print_completion(partial, args.json, output)
            output.error(f"{_where(name)}{exc}")
            return exit_code(exc)
        except OSError as exc:
            output.error(f"cannot read {name}: {exc.strerror or exc}")
            return EXIT_BAD_INPUT
        _print_completion(accumulator.result(), args.json, output)
        return EXIT_OK
    finally:
        if source is not sys.stdin.buffer:
            source.close()


def _where(name: str) -> str:
    return "standard input: " if name == "-" else f"{name}: "


def _print_events(source: BinaryIO, as_json: bool, output: _Output) -> int:
    """Each comment and event, in stream order: fed a line at a time, so a comment is
    printed before the events that follow it."""
    lines: List[str] = []

    def comment(text: str) -> None:
        if as_json:
            lines.append(json.dumps({"comment": text}, ensure_ascii=False))
        else:
            lines.append(f": {text}")

    decoder = SSEDecoder(on_comment=comment)
    count = 0
    try:
        for block in _read_blocks(source):
            for line in block.splitlines(keepends=True):
                for event in decoder.feed(line):
                    count += 1
                    lines.append(_format_event(event, as_json))
                if lines:
                    output.write("\n".join(lines) + "\n")
                    lines.clear()
        decoder.close()
    except SSEError as exc:
        output.error(str(exc))
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        raise
    except OSError as exc:
        output.error(f"cannot read: {exc.strerror or exc}")
        return EXIT_BAD_INPUT
    return EXIT_OK


def _format_event(event: Any, as_json: bool) -> str:
    if as_json:
        return json.dumps(
            {"event": event.event, "data": event.data, "id": event.id, "retry": event.retry},
            ensure_ascii=False,
        )
    lines = []
    if event.event != "message":
        lines.append(f"event: {event.event}")
    if event.id:
        lines.append(f"id: {event.id}")
    if event.retry is not None:
        lines.append(f"retry: {event.retry}")
    lines.extend(f"data: {line}" for line in event.data.split("\n"))
    return "\n".join(lines) + "\n"


def _print_completion(completion: ChatCompletion, as_json: bool, output: _Output) -> None:
    if as_json:
        output.write(json.dumps(completion.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        output.write(_describe(completion, output))


def _describe(completion: ChatCompletion, output: _Output) -> str:
    """The completion for people: header, reasoning, message, tool calls, usage."""
    bold = output.bold
    parts: List[str] = []
    head = []
    if completion.model:
        provider = f" ({completion.provider})" if completion.provider else ""
        head.append(f"model      {completion.model}{provider}")
    if completion.id:
        head.append(f"id         {completion.id}")
    many = len(completion.choices) > 1
    for choice in completion.choices:
        label = f"choice {choice.index}: " if many else ""
        if choice.finish_reason or choice.native_finish_reason:
            native = choice.native_finish_reason
            extra = f" ({native})" if native and native != choice.finish_reason else ""
            head.append(f"{label or 'finish     '}{choice.finish_reason}{extra}")
    if head:
        parts.append("\n".join(head))
    if not completion.choices:
        parts.append(bold("message") + "\n  (no choice arrived)")
    for choice in completion.choices:
        suffix = f" (choice {choice.index})" if many else ""
        parts.extend(_describe_message(choice.message, suffix, bold))
    if completion.usage is not None:
        parts.append(bold("usage") + "\n" + _indent(_describe_usage(completion.usage)))
    return "\n\n".join(parts) + "\n"


def _describe_message(message: Message, suffix: str, bold: Any) -> List[str]:
    parts = []
    if message.reasoning or message.reasoning_details:
        text = message.reasoning or _details_text(message) or "(none in clear)"
        kinds: Dict[str, int] = {}
        signed = False
        for detail in message.reasoning_details:
            kinds[detail.type or "?"] = kinds.get(detail.type or "?", 0) + 1
            signed = signed or detail.signature is not None
        body = _indent(text)
        if kinds:
            listed = ", ".join(f"{n} {kind}" for kind, n in kinds.items())
            body += f"\n  [details: {listed}{', signed' if signed else ''}]"
        parts.append(bold("reasoning" + suffix) + "\n" + body)
    if message.refusal:
        parts.append(bold("refusal" + suffix) + "\n" + _indent(message.refusal))
    if message.content:
        parts.append(bold("message" + suffix) + "\n" + _indent(message.content))
    elif not message.tool_calls and not message.refusal:
        parts.append(bold("message" + suffix) + "\n  (empty)")
    if message.tool_calls:
        parts.append(bold("tool calls" + suffix) + "\n" + _describe_tool_calls(message))
    if message.annotations:
        lines = []
        for annotation in message.annotations:
            citation = annotation.url_citation
            if citation is not None:
                lines.append(f"  - {citation.title or ''} <{citation.url}>".replace("  -  <", "  - <"))
            else:
                lines.append(f"  - {annotation.type}")
        parts.append(bold("annotations" + suffix) + "\n" + "\n".join(lines))
    if message.images:
        parts.append(bold("images" + suffix) + f"\n  {len(message.images)} image(s)")
    return parts


def _describe_tool_calls(message: Message) -> str:
    lines = []
    for call in message.tool_calls:
        arguments = call.function.arguments
        try:
            shown = json.dumps(json.loads(arguments), ensure_ascii=False) if arguments else "{}"
        except ValueError:
            shown = f"{arguments}  (not valid JSON)"
        ident = f"  id={call.id}" if call.id else ""
        lines.append(f"  [{call.index}] {call.function.name}{ident}\n      {shown}")
    return "\n".join(lines)


def _details_text(message: Message) -> str:
    return "".join(d.text or d.summary or "" for d in message.reasoning_details)


def _describe_usage(usage: Usage) -> str:
    lines = [f"tokens     {_token_line(usage)}"]
    if usage.cost is not None:
        cost = f"cost       ${usage.cost:.6f}"
        upstream = usage.cost_details.upstream_inference_cost if usage.cost_details else None
        if upstream is not None and upstream != usage.cost:
            cost += f" (upstream ${upstream:.6f})"
        if usage.is_byok:
            cost += " (BYOK)"
        lines.append(cost)
    return "\n".join(lines)


def _token_line(usage: Usage) -> str:
    prompt = f"{_n(usage.prompt_tokens)} prompt"
    details = usage.prompt_tokens_details
    if details is not None and (details.cached_tokens or details.cache_write_tokens):
        cached = [f"{details.cached_tokens or 0} cached"]
        if details.cache_write_tokens:
            cached.append(f"{details.cache_write_tokens} written to cache")
        prompt += f" ({', '.join(cached)})"
    completion = f"{_n(usage.completion_tokens)} completion"
    reasoning = usage.completion_tokens_details.reasoning_tokens if usage.completion_tokens_details else None
    if reasoning:
        completion += f" ({reasoning} reasoning)"
    total = f" = {usage.total_tokens}" if usage.total_tokens is not None else ""
    return f"{prompt} + {completion}{total}"


def _n(value: Optional[int]) -> str:
    return "?" if value is None else str(value)


def _indent(text: str) -> str:
    return "\n".join("  " + line if line else "" for line in text.split("\n"))


# -- orsse chat ----------------------------------------------------------------------------


def _chat_command(args: argparse.Namespace, output: _Output) -> int:
    if not os.environ.get("OPENROUTER_API_KEY", "").strip():
        output.error("no API key: set OPENROUTER_API_KEY (export OPENROUTER_API_KEY=sk-or-...)")
        return EXIT_NO_KEY
    try:
        params = _params(args)
    except ValueError as exc:
        output.error(str(exc))
        return EXIT_USAGE
    words = args.prompt
    if words in ([], ["-"]):
        if not words and sys.stdin.isatty():
            output.error("no prompt: give it as words, or - to read standard input")
            return EXIT_USAGE
        prompt = sys.stdin.read()
    else:
        prompt = " ".join(words)
    if not prompt.strip():
        output.error("the prompt is empty")
        return EXIT_USAGE
    messages: List[Dict[str, Any]] = []
    if args.system:
        messages.append({"role": "system", "content": args.system})
    messages.append({"role": "user", "content": prompt})

    import logging

    from ._client import stream_chat

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("orsse: %(message)s"))
    logger = logging.getLogger("orsse")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

    started = time.perf_counter()
    first: Optional[float] = None
    show_text = not args.json
    in_reasoning = False
    try:
        with stream_chat(
            args.model,
            messages,
            base_url=args.base_url,
            timeout=(min(10.0, args.timeout), args.timeout),
            max_retries=args.retries,
            app_url=args.app_url,
            app_title=args.app_title,
            **params,
        ) as stream:
            for chunk in stream:
                for choice in chunk.choices:
                    if choice.index != 0:
                        continue
                    delta = choice.delta
                    thought = delta.reasoning
                    if thought is None and delta.reasoning_details:
                        thought = "".join(d.text or d.summary or "" for d in delta.reasoning_details)
                    if thought:
                        if first is None:
                            first = time.perf_counter()
                        if args.reasoning and show_text:
                            in_reasoning = True
                            output.write_err(output.dim(thought))
                    if delta.content:
                        if first is None:
                            first = time.perf_counter()
                        if show_text:
                            if in_reasoning:
                                in_reasoning = False
                                output.write_err("\n\n" if output.err_open else "\n")
                            output.write(delta.content)
            completion = stream.result()
    except ValueError as exc:  # a bad --base-url, a header that cannot be sent
        output.error(str(exc))
        return EXIT_USAGE
    except OrsseError as exc:
        if args.json and exc.partial is not None:
            output.end_lines()
            _print_completion(exc.partial, True, output)
        if isinstance(exc, MissingAPIKeyError):
            output.error("no API key: set OPENROUTER_API_KEY")
        else:
            output.error(str(exc))
        return exit_code(exc)
    ended = time.perf_counter()
    output.end_lines()
    message = completion.message
    if args.json:
        _print_completion(completion, True, output)
    elif message.tool_calls:
        output.write("\n" + output.bold("tool calls") + "\n" + _describe_tool_calls(message) + "\n")
    output.write_err(output.dim(_stats(completion, started, first, ended)) + "\n")
    return EXIT_OK


def _params(args: argparse.Namespace) -> Dict[str, Any]:
    params: Dict[str, Any] = {}
    if args.effort:
        params["reasoning"] = {"effort": args.effort}
    if args.max_tokens is not None:
        params["max_tokens"] = args.max_tokens
    if args.temperature is not None:
        params["temperature"] = args.temperature
    for item in args.param:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"--param wants KEY=VALUE, not {item!r}")
        try:
            params[key] = json.loads(value)
        except ValueError:
            params[key] = value
    if "stream" in params:
        raise ValueError("--param stream=... cannot be set: orsse always streams")
    return params


def _stats(completion: ChatCompletion, started: float, first: Optional[float], ended: float) -> str:
    usage = completion.usage
    parts = []
    if usage is None:
        parts.append("usage: not reported")
    else:
        parts.append(f"usage: {_token_line(usage)} tokens")
        if usage.cost is not None:
            parts.append(f"cost ${usage.cost:.6f}")
    if first is not None:
        parts.append(f"first token {first - started:.2f}s")
        tokens = usage.completion_tokens if usage is not None else None
        if tokens and ended > first:
            parts.append(f"{tokens / (ended - first):.1f} tokens/s")
    parts.append(f"total {ended - started:.2f}s")
    if completion.model:
        parts.append(completion.model + (f" via {completion.provider}" if completion.provider else ""))
    return " · ".join(parts)
