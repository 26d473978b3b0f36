"""The ``orsse`` command (also ``python -m orsse``).

  orsse parse FILE|-      replay a recorded stream (chat, or Responses API): message,
                          reasoning, tool calls, usage, printed as the bytes arrive
        --events          print the raw events and comments instead (with --json: JSON lines)
        --json            print the rebuilt completion as JSON
  orsse chat -m MODEL [--system TEXT] [--reasoning] [--json] PROMPT...|-
                          stream an answer from OpenRouter (or --base-url); usage, cost and
                          speed go to stderr
        -i, --interactive a conversation: one prompt per line (/reset, /save FILE, /help);
                          Ctrl-C stops the answer, Ctrl-D leaves

The key comes from OPENROUTER_API_KEY, or the variable --key-env names; --no-key sends
none. A --base-url other than OpenRouter's needs no key: none is sent when none is set.

Exit codes:
  0    success
  1    an unexpected error (a bug in orsse: please report it)
  2    bad command line
  3    no API key: OPENROUTER_API_KEY (or the --key-env variable) is not set
  4    HTTP error before the stream started (4xx, 5xx, or not an event stream)
  5    network error: could not connect, or timed out
  6    the server reported an error mid-stream
  7    the stream was cut off (it ended early or the connection dropped)
  8    bad input: an unreadable file, input that is not an event stream (empty,
       binary, compressed), a malformed stream or chunk, or one past a size limit
  130  interrupted (Ctrl-C); what had arrived stays printed
  141  the output was closed early (a pipe such as `| head`)

Every error is one line on stderr, starting with ``orsse: error:``. With --json, the
completion rebuilt before an error is still printed. In interactive mode a failed answer
is reported and the conversation goes on; with prompts from a pipe, the first failure
ends it with its exit code.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
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
    excerpt,
)
from ._render import (
    LiveView,
    Style,
    delta_reasoning,
    describe_tool_calls,
    stats_line,
    thinking_line,
    to_json,
)
from ._sse import DEFAULT_MAX_EVENT_SIZE, SSEDecoder

if TYPE_CHECKING:
    from typing import Any, BinaryIO, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, TextIO, Tuple

    from ._completion import ChatCompletion, Message

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
#: The thinking indicator appears after this long without an answer, and counts seconds.
THINKING_DELAY = 1.0
THINKING_TICK = 1.0

JSON_NOTE = (
    "strict JSON: a number JSON cannot hold (1e400, which reads as infinity, or NaN) is "
    "written as null"
)


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
    if isinstance(error, (SSEError, ChunkDecodeError)) or isinstance(error, ValueError):
        # The rest of orsse's ValueErrors say the same: the bytes are not acceptable
        # (a rebuilt result past its size limit among them).
        return EXIT_BAD_INPUT
    return EXIT_INTERNAL


class _Output:
    """stdout and stderr, remembering whether each ended its line (so an error or the
    statistics never start in the middle of a streamed answer)."""

    def __init__(self, out: TextIO, err: TextIO, environ: Mapping[str, str]) -> None:
        self.out = out
        self.err = err
        self.out_open = False  # stdout holds text after its last newline
        self.err_open = False
        self.err_tty = _isatty(err)
        self.out_style = Style(self.color_allowed(environ) and _isatty(out))
        self.err_style = Style(self.color_allowed(environ) and self.err_tty)
        #: Held by the thinking indicator while it draws on stderr.
        self.lock = threading.Lock()

    @staticmethod
    def color_allowed(environ: Mapping[str, str]) -> bool:
        return not environ.get("NO_COLOR") and environ.get("TERM") != "dumb"

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

    def note(self, message: str) -> None:
        self.end_lines()
        self.write_err(f"orsse: {_one_line(message)}\n")


def _isatty(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):  # a closed stream
        return False


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
        help="replay a recorded stream",
        description="Parse a recorded event stream (a file, or - for standard input): a chat\n"
        "completion or a Responses API stream. Prints the message, reasoning, tool calls and\n"
        "usage it rebuilds, as the bytes arrive.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parse.add_argument("file", metavar="FILE", help="the recorded stream (.sse), or - for standard input")
    parse.add_argument("--events", action="store_true", help="print the raw events and comments instead")
    parse.add_argument(
        "--json", action="store_true",
        help=f"print the rebuilt completion as JSON (with --events: one event per line); {JSON_NOTE}",
    )  # fmt: skip
    parse.add_argument(
        "--max-size", type=_positive_int, default=DEFAULT_MAX_EVENT_SIZE, metavar="BYTES",
        help="the longest line and the largest event accepted (default %(default)d)",
    )  # fmt: skip
    parse.set_defaults(run=_parse_command)

    chat = commands.add_parser(
        "chat",
        help="stream an answer from a model",
        description="Send a prompt and print the answer as it streams. Usage, cost, time to\n"
        "first token and speed go to stderr; on a terminal, 'thinking… 4s' while none has come.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    chat.add_argument(
        "prompt", nargs="*", metavar="PROMPT",
        help="the prompt (words are joined); - or nothing reads standard input; with -i, the first prompt",
    )  # fmt: skip
    chat.add_argument("-m", "--model", required=True, help="the model, e.g. openai/gpt-4o-mini")
    chat.add_argument("-s", "--system", metavar="TEXT", help="a system message")
    chat.add_argument(
        "-i", "--interactive", action="store_true",
        help="a conversation: prompts one after another (one per line from a pipe), each "
        "answer carried into the next request; /reset starts over, /save FILE writes the "
        "conversation as JSON; Ctrl-C stops the answer, Ctrl-D leaves",
    )  # fmt: skip
    chat.add_argument("--reasoning", action="store_true", help="show the model's reasoning (dimmed, on stderr)")
    chat.add_argument("--effort", choices=("minimal", "low", "medium", "high"), help="ask for reasoning of this effort")
    chat.add_argument("--max-tokens", type=int, metavar="N", help="limit the answer's length")
    chat.add_argument("--temperature", type=float, metavar="T")
    chat.add_argument(
        "-p", "--param", action="append", default=[], metavar="KEY=VALUE",
        help="another request field; VALUE is read as JSON when it parses (repeatable)",
    )  # fmt: skip
    chat.add_argument(
        "--json", action="store_true",
        help=f"print the rebuilt completion as JSON instead of the text (with -i: one line per answer); {JSON_NOTE}",
    )  # fmt: skip
    chat.add_argument(
        "--base-url", default=None,
        help=f"any OpenAI-compatible API (default: $OPENROUTER_BASE_URL or {DEFAULT_BASE_URL})",
    )  # fmt: skip
    chat.add_argument(
        "--key-env", metavar="NAME",
        help="read the API key from the environment variable NAME instead of OPENROUTER_API_KEY",
    )  # fmt: skip
    chat.add_argument(
        "--no-key", action="store_true",
        help="send no API key (a local server that needs none; also keeps OPENROUTER_API_KEY from it)",
    )  # fmt: skip
    chat.add_argument(
        "--save", metavar="FILE",
        help="also write the response body to FILE exactly as received, byte for byte, so that "
        "'orsse parse FILE' replays it (bug reports, new fixtures); not with -i",
    )  # fmt: skip
    chat.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS", help="the longest silence tolerated (default %(default)g)")
    chat.add_argument("--retries", type=int, default=2, metavar="N", help="retries before the stream starts (default %(default)d)")
    chat.add_argument("--app-url", help="attribution: the HTTP-Referer header")
    chat.add_argument("--app-title", help="attribution: the X-OpenRouter-Title header")
    chat.set_defaults(run=_chat_command)
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


class _Context:
    """What a command reads and writes: the streams and the environment (the real ones,
    or a test's)."""

    def __init__(self, stdin: BinaryIO, output: _Output, environ: Mapping[str, str]) -> None:
        self.stdin = stdin
        self.output = output
        self.environ = environ


def main(
    argv: Optional[Sequence[str]] = None,
    *,
    stdin: Optional[BinaryIO] = None,
    stdout: Optional[TextIO] = None,
    stderr: Optional[TextIO] = None,
    environ: Optional[Mapping[str, str]] = None,
) -> int:
    """Run the command line; returns the exit code. The streams and the environment
    default to the process's own (``stdin`` is binary)."""
    if stdout is None or stderr is None:
        for stream in (sys.stdout, sys.stderr):
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                try:
                    reconfigure(errors="replace")
                except (ValueError, OSError):
                    pass
    out = sys.stdout if stdout is None else stdout
    err = sys.stderr if stderr is None else stderr
    environment = os.environ if environ is None else environ
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a bad command line
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    output = _Output(out, err, environment)
    context = _Context(sys.stdin.buffer if stdin is None else stdin, output, environment)
    try:
        code: int = args.run(args, context)
        return code
    except KeyboardInterrupt:
        try:
            output.end_lines()
            output.write_err("orsse: interrupted\n")
        except (BrokenPipeError, OSError):
            pass
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        if stdout is None:
            # Python would complain again at exit, flushing the closed stdout.
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
            except (OSError, ValueError):
                pass
        return EXIT_BROKEN_PIPE


# -- orsse parse -------------------------------------------------------------------------


class _NotAStream(Exception):
    """The input is plainly not an event stream (empty, binary, compressed)."""


# Magic numbers of what a saved body must not be: compressed bytes that were never decoded.
_COMPRESSED = (
    (b"\x1f\x8b", "gzip-compressed data: decompress it first (gunzip, or curl --compressed)"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data: decompress it first (unzstd)"),
    (b"BZh", "bzip2-compressed data: decompress it first (bunzip2)"),
    (b"\xfd7zXZ\x00", "xz-compressed data: decompress it first (unxz)"),
    (b"PK\x03\x04", "a zip archive: unpack it first"),
    (b"\xff\xfe", "UTF-16 text, not UTF-8: convert it first (iconv -f UTF-16 -t UTF-8)"),
    (b"\xfe\xff", "UTF-16 text, not UTF-8: convert it first (iconv -f UTF-16 -t UTF-8)"),
)
#: The bytes looked at before the input is judged: enough for the longest magic number.
_SNIFF_BYTES = 6
_SSE_FIELDS = (b"data", b"event", b"id", b"retry", b"")


def _starts_like_sse(head: bytes) -> bool:
    """Whether the first line of *head* is an event-stream field or comment."""
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    end = len(head)
    for stop in (b":", b"\n", b"\r"):
        found = head.find(stop, 0, end)
        if found >= 0:
            end = found
    return head[:end] in _SSE_FIELDS and (end < len(head) or head in _SSE_FIELDS)


def looks_like(head: bytes) -> Optional[str]:
    """What the first bytes of an input are when they are plainly no event stream
    (compressed, binary), else ``None``."""
    for magic, what in _COMPRESSED:
        if head.startswith(magic):
            return what
    if _starts_like_sse(head):
        return None
    if b"\0" in head:
        return "binary data, not text"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not just a character cut at the end of the read
            return "binary data, not UTF-8 text"
    return None


def _what_text_is(head: bytes) -> str:
    """For a text input without a single event: what it seems to be instead."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith((b"{", b"[")):
        kind = "JSON (a response saved without streaming?)"
    elif text.startswith(b"<"):
        kind = "HTML or XML (an error page?)"
    else:
        kind = "text"
    return f"holds no event stream: it looks like {kind}, starting {excerpt(head.decode('utf-8', 'replace'), 60)}"


class _Input:
    """The blocks of an input, as they arrive, told apart from what is no event stream.

    ``before_read`` runs before each read that may wait, so what the blocks so far
    produced is printed before orsse waits for more (a pipe prints as it arrives; a
    file is still written in few large writes).
    """

    def __init__(self, source: BinaryIO, before_read: Any) -> None:
        self.source = source
        self.before_read = before_read
        self.head = b""
        self.size = 0
        self.comments = 0

    def comment(self, _text: str) -> None:
        self.comments += 1

    def __iter__(self) -> Iterator[bytes]:
        read = getattr(self.source, "read1", self.source.read)
        first = b""
        while len(first) < _SNIFF_BYTES:  # a pipe may hand over a byte or two at first
            self.before_read()
            data = read(READ_SIZE)
            if not data:
                break
            first += data
        if not first:
            raise _NotAStream("is empty (0 bytes): no event stream")
        self.head = first[:512]
        what = looks_like(first)
        if what is not None:
            raise _NotAStream(f"is {what}")
        self.size = len(first)
        yield first
        while True:
            self.before_read()
            data = read(READ_SIZE)
            if not data:
                return
            self.size += len(data)
            yield data


def _parse_command(args: argparse.Namespace, context: _Context) -> int:
    output = context.output
    name = args.file
    where = "standard input" if name == "-" else name
    try:
        source: BinaryIO = context.stdin if name == "-" else open(name, "rb")
    except OSError as exc:
        output.error(f"cannot read {name}: {exc.strerror or exc}")
        return EXIT_BAD_INPUT
    try:
        if args.events:
            return _print_events(source, where, args, output)
        return _replay(source, where, args, output)
    except _NotAStream as exc:
        output.error(f"{where} {exc}")
        return EXIT_BAD_INPUT
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        output.error(f"cannot read {where}: {exc.strerror or exc}")
        return EXIT_BAD_INPUT
    finally:
        if name != "-":
            source.close()


#: How much of the input is held back at most to tell a chat stream from a Responses one.
DETECT_LIMIT = 1024 * 1024


def _kind(blocks: Iterable[bytes]) -> Tuple[str, Iterator[bytes]]:
    """Which kind of stream the blocks hold (``"chat"`` or ``"responses"``), and the
    blocks again, all of them. Only blocks that can end the first event are looked at,
    so a long first event is not decoded again and again."""
    from ._responses import detect_stream_kind

    it = iter(blocks)
    held: List[bytes] = []
    size = 0
    tail = b""
    kind: Optional[str] = None
    for block in it:
        held.append(block)
        size += len(block)
        edge = tail + block[:3]
        if any(end in block or end in edge for end in (b"\n\n", b"\r\r", b"\n\r\n", b"\r\n\r")):
            kind = detect_stream_kind(b"".join(held))
        tail = block[-3:]
        if kind is not None or size >= DETECT_LIMIT:
            break
    return kind or "chat", _chain_blocks(held, it)


def _chain_blocks(held: List[bytes], rest: Iterator[bytes]) -> Iterator[bytes]:
    yield from held
    held.clear()
    yield from rest


def _replay(source: BinaryIO, where: str, args: argparse.Namespace, output: _Output) -> int:
    """Print a recorded stream, chat or Responses: as it arrives (text), or once it is
    whole (JSON)."""
    pending: List[str] = []

    def flush() -> None:
        if pending:
            output.write("".join(pending))
            pending.clear()

    blocks = _Input(source, flush)
    kind, data = _kind(blocks)
    accumulator: Any
    live: Any
    if kind == "responses":
        from ._render import ResponseLiveView
        from ._responses import ResponseAccumulator, iter_response_events

        accumulator = ResponseAccumulator()
        live = None if args.json else ResponseLiveView(output.out_style)
        events: Iterator[Any] = iter_response_events(
            data, accumulator=accumulator, on_comment=blocks.comment,
            max_line_size=args.max_size, max_event_size=args.max_size,
        )  # fmt: skip
    else:
        accumulator = Accumulator()
        live = None if args.json else LiveView(output.out_style)
        events = iter_chunks(
            data, accumulator=accumulator, on_comment=blocks.comment,
            max_line_size=args.max_size, max_event_size=args.max_size,
        )  # fmt: skip
    try:
        for event in events:
            if live is not None:
                pending.append(live.feed(event))
    except OrsseError as exc:
        flush()
        kept: Any = exc.partial_response if kind == "responses" else exc.partial
        partial = kept if kept is not None else accumulator.result()
        arrived = accumulator.event_count if kind == "responses" else accumulator.chunk_count
        if arrived:
            _print_result(partial, live, output)
        elif not blocks.comments and not _starts_like_sse(blocks.head):
            # Not one event: say what the input looks like instead of how it failed.
            output.error(f"{where} {_what_text_is(blocks.head)}")
            return EXIT_BAD_INPUT
        output.error(f"{where}: {exc}")
        return exit_code(exc)
    flush()
    _print_result(accumulator.result(), live, output)
    return EXIT_OK


def _print_result(result: Any, live: Any, output: _Output) -> None:
    """The end of a replay: the rest of the live text, or the whole result as JSON."""
    if live is None:
        output.end_lines()
        output.write(to_json(result.to_dict()) + "\n")
    else:
        output.write(live.finish(result))


def _print_events(source: BinaryIO, where: str, args: argparse.Namespace, output: _Output) -> int:
    """Each comment and event, in stream order: fed a line at a time, so a comment is
    printed before the events that follow it."""
    as_json = args.json
    lines: List[str] = []

    def comment(text: str) -> None:
        lines.append(to_json({"comment": text}, indent=None) if as_json else f": {text}")

    decoder = SSEDecoder(on_comment=comment, max_line_size=args.max_size, max_event_size=args.max_size)
    blocks = _Input(source, lambda: None)
    printed = False
    try:
        for block in blocks:
            for line in block.splitlines(keepends=True):
                for event in decoder.feed(line):
                    lines.append(_format_event(event, as_json))
                if lines:
                    printed = True
                    output.write("\n".join(lines) + "\n")
                    lines.clear()
        decoder.close()
    except SSEError as exc:
        if lines:
            output.write("\n".join(lines) + "\n")
        output.error(f"{where}: {exc}")
        return EXIT_BAD_INPUT
    if not printed and not _starts_like_sse(blocks.head):
        output.error(f"{where} {_what_text_is(blocks.head)}")
        return EXIT_BAD_INPUT
    return EXIT_OK


def _format_event(event: Any, as_json: bool) -> str:
    if as_json:
        return to_json({"event": event.event, "data": event.data, "id": event.id, "retry": event.retry}, indent=None)
    lines = []
    if event.event != "message":
        lines.append(f"event: {event.event}")
    if event.id:
        lines.append(f"id: {event.id}")
    if event.retry is not None:
        lines.append(f"retry: {event.retry}")
    lines.extend(f"data: {line}" for line in event.data.split("\n"))
    return "\n".join(lines) + "\n"


# -- orsse chat ----------------------------------------------------------------------------


class _Thinking:
    """``thinking… 4s`` on stderr while no answer has come, erased when it starts.

    Only on a terminal: anywhere else it would be noise in a log. A thread draws it,
    since the main thread sits in a blocking read; it and the main thread take turns
    on stderr through ``output.lock``.
    """

    def __init__(self, output: _Output, enabled: bool) -> None:
        self.output = output
        self.enabled = enabled
        self.drawn = 0  # the width of what is on the line now
        self.stopped = threading.Event()
        self.thread: Optional[threading.Thread] = None

    def start(self) -> None:
        if self.enabled:
            self.thread = threading.Thread(target=self._run, name="orsse-thinking", daemon=True)
            self.thread.start()

    def _run(self) -> None:
        started = time.monotonic()
        wait = THINKING_DELAY
        while not self.stopped.wait(wait):
            with self.output.lock:
                if self.stopped.is_set():
                    return
                text = thinking_line(time.monotonic() - started)
                padding = " " * max(0, self.drawn - len(text))
                err = self.output.err
                err.write("\r" + self.output.err_style.dim(text) + padding)
                err.flush()
                self.drawn = len(text)
            wait = THINKING_TICK

    def stop(self) -> None:
        """Stop, and leave the line as it was before (safe to call more than once)."""
        if self.thread is None:
            return
        with self.output.lock:
            self.stopped.set()
            if self.drawn:
                err = self.output.err
                try:
                    err.write("\r" + " " * self.drawn + "\r")
                    err.flush()
                except (OSError, ValueError):
                    pass
                self.drawn = 0
        self.thread.join()
        self.thread = None


class _Settings:
    """What every request of one ``orsse chat`` shares."""

    def __init__(self, args: argparse.Namespace, api_key: str, base_url: str, params: Dict[str, Any]) -> None:
        self.args = args
        self.api_key = api_key
        self.base_url = base_url
        self.params = params


def _base_url(args: argparse.Namespace, environ: Mapping[str, str]) -> str:
    return args.base_url or environ.get("OPENROUTER_BASE_URL") or DEFAULT_BASE_URL


def _api_key(args: argparse.Namespace, base_url: str, environ: Mapping[str, str]) -> Tuple[str, Optional[str]]:
    """The key to send ("" for none), or the error that stops the command."""
    if args.no_key:
        return "", None
    name = args.key_env or "OPENROUTER_API_KEY"
    key = environ.get(name, "").strip()
    if key:
        return key, None
    if args.key_env:
        return "", f"no API key: the variable {name} (named by --key-env) is not set"
    if base_url.rstrip("/") == DEFAULT_BASE_URL:
        return "", (
            "no API key: set OPENROUTER_API_KEY (export OPENROUTER_API_KEY=sk-or-...), or name "
            "another variable with --key-env NAME"
        )
    # Another server (a local one, most often) may need no key at all.
    return "", None


def _chat_command(args: argparse.Namespace, context: _Context) -> int:
    output = context.output
    base_url = _base_url(args, context.environ)
    key, problem = _api_key(args, base_url, context.environ)
    if problem is not None:
        output.error(problem)
        return EXIT_NO_KEY
    try:
        params = _params(args)
    except ValueError as exc:
        output.error(str(exc))
        return EXIT_USAGE
    if args.save and args.interactive:
        # One file holds one response body: several answers in it would not replay.
        output.error("--save records one answer: it does not go with -i (use /save for the conversation)")
        return EXIT_USAGE
    if args.save:
        try:
            open(args.save, "wb").close()  # a path that cannot be written fails before any request
        except OSError as exc:
            output.error(f"--save: cannot write {args.save}: {exc.strerror or exc}")
            return EXIT_USAGE
    settings = _Settings(args, key, base_url, params)

    import logging

    # The client says so when it retries; the user should see why a start is slow.
    handler = logging.StreamHandler(output.err)
    handler.setFormatter(logging.Formatter("orsse: %(message)s"))
    logger = logging.getLogger("orsse")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        if args.interactive:
            return _conversation(settings, context)
        return _one_prompt(settings, context)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


def _system(args: argparse.Namespace) -> List[Dict[str, Any]]:
    return [{"role": "system", "content": args.system}] if args.system else []


def _one_prompt(settings: _Settings, context: _Context) -> int:
    args, output = settings.args, context.output
    words = args.prompt
    if words in ([], ["-"]):
        if not words and _isatty(context.stdin):
            output.error("no prompt: give it as words, or - to read standard input (-i for a conversation)")
            return EXIT_USAGE
        prompt = context.stdin.read().decode("utf-8", "replace")
    else:
        prompt = " ".join(words)
    if not prompt.strip():
        output.error("the prompt is empty")
        return EXIT_USAGE
    messages = _system(args) + [{"role": "user", "content": prompt}]
    code, _completion = _answer(settings, context, messages)
    return code


def _answer(
    settings: _Settings, context: _Context, messages: List[Any], json_lines: bool = False
) -> Tuple[int, Optional[ChatCompletion]]:
    """Stream one answer to *messages*: the exit code, and the completion when it succeeded.

    KeyboardInterrupt goes through to the caller, once the connection is closed (by the
    ``with``) and the indicator erased.
    """
    from ._client import stream_chat

    args, output = settings.args, context.output
    as_json = args.json
    show_reasoning = args.reasoning and not as_json
    thinking = _Thinking(output, output.err_tty and not show_reasoning)
    started = time.perf_counter()
    first: Optional[float] = None
    in_reasoning = False
    thinking.start()  # from the start: connecting and queueing are part of the wait
    try:
        try:
            stream = stream_chat(
                args.model,
                messages,
                api_key=settings.api_key,
                base_url=settings.base_url,
                timeout=(min(10.0, args.timeout), args.timeout),
                max_retries=args.retries,
                app_url=args.app_url,
                app_title=args.app_title,
                **settings.params,
            )
        except (ValueError, TypeError) as exc:
            # Not an OrsseError: a bad --base-url, a header or a field that cannot be sent.
            if isinstance(exc, OrsseError):
                raise
            thinking.stop()
            output.error(str(exc))
            return EXIT_USAGE, None
        with stream, _saving(stream, args.save):
            for chunk in stream:
                for choice in chunk.choices:
                    if choice.index != 0:
                        continue
                    delta = choice.delta
                    thought = delta_reasoning(delta)
                    if thought:
                        if first is None:
                            first = time.perf_counter()
                        if show_reasoning:
                            thinking.stop()
                            in_reasoning = True
                            output.write_err(output.err_style.dim(thought))
                    text = delta.content or delta.refusal
                    if text:
                        if first is None:
                            first = time.perf_counter()
                        thinking.stop()
                        if not as_json:
                            if in_reasoning:
                                in_reasoning = False
                                output.write_err("\n\n" if output.err_open else "\n")
                            output.write(text)
                    if delta.tool_calls:
                        thinking.stop()
            completion = stream.result()
    except OrsseError as exc:
        thinking.stop()
        if as_json:
            partial = exc.partial
            if partial is not None:
                output.end_lines()
                output.write(to_json(partial.to_dict(), indent=None if json_lines else 2) + "\n")
        output.error(str(exc))
        return exit_code(exc), None
    finally:
        thinking.stop()
    ended = time.perf_counter()
    output.end_lines()
    message = completion.message
    if as_json:
        output.write(to_json(completion.to_dict(), indent=None if json_lines else 2) + "\n")
    elif message.tool_calls:
        output.write("\n" + output.out_style.bold("tool calls") + "\n" + describe_tool_calls(message) + "\n")
    output.write_err(output.err_style.dim(stats_line(completion, started, first, ended)) + "\n")
    return EXIT_OK, completion


class _saving:
    """``--save FILE``: the stream's body goes to FILE as it arrives (nothing when no FILE)."""

    def __init__(self, stream: Any, path: Optional[str]) -> None:
        self.file = None if path is None else open(path, "wb")
        if self.file is not None:
            stream.record(self.file.write)

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc_info: object) -> None:
        if self.file is not None:
            self.file.close()


def _params(args: argparse.Namespace) -> Dict[str, Any]:
    import json

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


# -- orsse chat --interactive --------------------------------------------------------------

HELP = """\
  /reset        start the conversation over (the system message stays)
  /save FILE    write the conversation as JSON ({"model", "messages"}: a request body)
  /help         this list
  //text        send a prompt that starts with /
  Ctrl-C stops an answer (it is not kept); Ctrl-D (or /exit) leaves"""


def _prompts(context: _Context, tty: bool) -> Iterator[str]:
    """The user's prompts: read with line editing from a terminal, a line at a time
    from anything else."""
    output = context.output
    if not tty:
        while True:
            line = context.stdin.readline()
            if not line:
                return
            yield line.decode("utf-8", "replace").rstrip("\r\n")
    try:
        import readline  # noqa: F401 - importing it gives input() editing and history
    except ImportError:
        pass
    while True:
        try:
            yield input("> ")
        except EOFError:
            output.write("\n")
            return
        except KeyboardInterrupt:
            output.write("\n")  # as a shell does: a fresh prompt


def _as_param(item: Any) -> Any:
    """A conversation entry as a request message. An answer goes back as the
    conversation layer builds it (reasoning details intact, as the next turn needs them)."""
    if isinstance(item, dict):
        return item
    to_param = getattr(item, "to_param", None)
    if to_param is None:
        raise _MissingSeam("this orsse has no Message.to_param(): the conversation cannot carry answers")
    return to_param()


class _MissingSeam(Exception):
    pass


def _conversation(settings: _Settings, context: _Context) -> int:
    args, output = settings.args, context.output
    tty = _isatty(context.stdin) and context.stdin is getattr(sys.stdin, "buffer", None)
    history: List[Any] = _system(args)
    first = [" ".join(args.prompt)] if args.prompt and args.prompt != ["-"] else []
    if tty:
        output.write_err(output.err_style.dim(f"orsse chat with {args.model}: /help for commands, Ctrl-D leaves") + "\n")
    for line in _chain(first, _prompts(context, tty)):
        text = line.strip()
        if not text:
            continue
        if text.startswith("/") and not text.startswith("//"):
            command, _, rest = text.partition(" ")
            if command in ("/exit", "/quit"):
                break
            if command == "/reset":
                history = _system(args)
                output.note("the conversation starts over")
            elif command == "/save":
                _save_conversation(rest.strip(), args.model, history, output)
            elif command == "/help":
                output.write_err(HELP + "\n")
            else:
                output.error(f"unknown command {command} (/help lists them; //text sends a prompt starting with /)")
            continue
        if text.startswith("//"):
            line = line.replace("/", "", 1)
        user = {"role": "user", "content": line}
        try:
            messages = [_as_param(item) for item in history] + [user]
        except _MissingSeam as exc:
            output.error(str(exc))
            return EXIT_INTERNAL
        try:
            code, completion = _answer(settings, context, messages, json_lines=True)
        except KeyboardInterrupt:
            output.note("stopped: this answer is not kept in the conversation")
            continue
        if completion is None:
            if not tty:
                return code
            continue
        # The answer is kept as it is and becomes a request message when one is sent
        # (each once: what was sent stays converted).
        history = messages + [completion.message]
    return EXIT_OK


def _chain(first: List[str], rest: Iterable[str]) -> Iterator[str]:
    yield from first
    yield from rest


def _save_conversation(path: str, model: str, history: List[Any], output: _Output) -> None:
    if not path:
        output.error("/save wants a file name: /save FILE")
        return
    try:
        text = to_json({"model": model, "messages": [_as_param(item) for item in history]})
    except _MissingSeam as exc:
        output.error(str(exc))
        return
    try:
        with open(path, "w", encoding="utf-8") as file:
            file.write(text + "\n")
    except OSError as exc:
        output.error(f"cannot write {path}: {exc.strerror or exc}")
        return
    output.note(f"saved {len(history)} message(s) to {path}")
