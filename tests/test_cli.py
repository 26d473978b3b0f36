"""The ``orsse`` command line.

Most tests run ``main()`` in-process, with its streams and environment given; ``chat``
talks to the local server of tests/_server.py, ``parse`` reads the fixtures. Real
subprocesses only where a process is the point: the exit status the shell sees, Ctrl-C
(SIGINT), and output that must appear on a pipe while the input is still arriving.
"""

from __future__ import annotations

import gzip
import io
import json
import math
import os
import select
import signal
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import pytest

import orsse
from orsse import _cli
from orsse._cli import main
from _server import (
    AwaitClose,
    Drop,
    Pause,
    Reply,
    Server,
    Wait,
    content_chunk,
    json_reply,
    sse_event,
    sse_reply,
    split_events,
)
from _fixtures import FIXTURES, RECORDED, SEEDS

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, Dict, Iterator, List, Optional

ROOT = FIXTURES.parent
THINKING = RECORDED / "TestOpenRouterThinking" / "anthropic" / "thinking-streaming.0.sse"
KEY = "sk-or-v1-cli-SECRET-0123456789"
HAS_TO_PARAM = hasattr(orsse.Message, "to_param")


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code = code
        self.out = out
        self.err = err

    def __repr__(self) -> str:
        return f"<exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}>"


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # The client takes proxies from the process environment; the tests talk to loopback.
    for name in list(os.environ):
        if name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)


def run(
    *args: str,
    stdin: bytes = b"",
    key: Optional[str] = KEY,
    env: Optional[Dict[str, str]] = None,
    stderr: Optional[io.StringIO] = None,
) -> Result:
    """``orsse ARGS`` in this process: NO_COLOR, and the key in OPENROUTER_API_KEY."""
    environ = {"NO_COLOR": "1"}
    if key is not None:
        environ["OPENROUTER_API_KEY"] = key
    environ.update(env or {})
    out = io.StringIO()
    err = io.StringIO() if stderr is None else stderr
    code = main(list(args), stdin=io.BytesIO(stdin), stdout=out, stderr=err, environ=environ)
    return Result(code, out.getvalue(), err.getvalue())


def chat(server: Server, *args: str, **kwargs: Any) -> Result:
    return run("chat", "--base-url", server.url, "--timeout", "3", "--retries", "0", *args, **kwargs)


def error_line(result: Result) -> str:
    """The one error line; fails unless stderr holds exactly one."""
    lines = [line for line in result.err.splitlines() if line.startswith("orsse: error:")]
    assert len(lines) == 1, result
    assert KEY not in result.err and KEY not in result.out
    return lines[0]


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server().start()
    yield srv
    srv.stop()


USAGE = {
    "prompt_tokens": 12,
    "completion_tokens": 30,
    "total_tokens": 42,
    "cost": 0.000321,
    "completion_tokens_details": {"reasoning_tokens": 20},
}
ANSWER_EVENTS = [
    b": OPENROUTER PROCESSING\n\n",
    sse_event(
        {
            "id": "gen-cli",
            "model": "test/model",
            "provider": "Test",
            "choices": [{"index": 0, "delta": {"role": "assistant", "content": "", "reasoning": "Thinking hard."}}],
        }
    ),
    content_chunk("Hello"),
    content_chunk(", world"),
    content_chunk("", "stop"),
    sse_event({"id": "gen-cli", "choices": [], "usage": USAGE}),
    b"data: [DONE]\n\n",
]
ANSWER_STREAM = b"".join(ANSWER_EVENTS)


def answer(text: str) -> bytes:
    return content_chunk(text) + content_chunk("", "stop") + b"data: [DONE]\n\n"


# -- chat --------------------------------------------------------------------------------


def test_chat_prints_the_answer_and_the_usage(server: Server) -> None:
    server.add(sse_reply(ANSWER_STREAM))
    result = chat(server, "-m", "test/model", "--system", "Be brief.", "Say", "hello")
    assert result.code == 0, result
    assert result.out == "Hello, world\n"
    assert "Thinking hard." not in result.out + result.err  # reasoning only with --reasoning
    assert "thinking…" not in result.err  # stderr is no terminal: no indicator
    stats = result.err.strip().splitlines()[-1]
    assert "12 prompt + 30 completion (20 reasoning) = 42 tokens" in stats
    assert "cost $0.000321" in stats
    assert "first token" in stats and "tokens/s" in stats
    (request,) = server.requests
    assert request.path == "/api/v1/chat/completions"
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert request.json == {
        "model": "test/model",
        "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hello"}],
        "stream": True,
    }


def test_chat_shows_reasoning_apart_from_the_answer(server: Server) -> None:
    server.add(sse_reply(ANSWER_STREAM))
    result = chat(server, "-m", "test/model", "--reasoning", "--effort", "high", "hi")
    assert result.code == 0, result
    assert result.out == "Hello, world\n"
    assert result.err.startswith("Thinking hard.\n")
    assert server.requests[0].json["reasoning"] == {"effort": "high"}


def test_chat_shows_reasoning_content_like_reasoning(server: Server) -> None:
    body = sse_event({"choices": [{"index": 0, "delta": {"role": "assistant", "reasoning_content": "Deep "}}]})
    body += sse_event({"choices": [{"index": 0, "delta": {"reasoning_content": "thought."}}]})
    server.add(sse_reply(body + answer("Yes.")))
    result = chat(server, "-m", "test/model", "--reasoning", "hi")
    assert result.code == 0, result
    assert result.err.startswith("Deep thought.\n") and result.out == "Yes.\n"


def test_chat_json(server: Server) -> None:
    server.add(sse_reply(ANSWER_STREAM))
    result = chat(server, "-m", "test/model", "--json", "hi")
    assert result.code == 0, result
    assert json.loads(result.out) == orsse.collect([ANSWER_STREAM]).to_dict()


def test_chat_json_is_strict(server: Server) -> None:
    usage = b'data: {"choices": [], "usage": {"cost": 1e400, "prompt_tokens": 2}}\n\n'
    server.add(sse_reply(content_chunk("A", "stop") + usage + b"data: [DONE]\n\n"))
    result = chat(server, "-m", "test/model", "--json", "hi")
    assert result.code == 0, result
    assert "Infinity" not in result.out
    assert json.loads(result.out)["usage"] == {"cost": None, "prompt_tokens": 2}


def test_chat_usage_of_the_wrong_type(server: Server) -> None:
    usage = {"prompt_tokens": "12", "completion_tokens": [30], "cost": "0.001"}
    server.add(sse_reply(content_chunk("A", "stop") + sse_event({"choices": [], "usage": usage}) + b"data: [DONE]\n\n"))
    result = chat(server, "-m", "test/model", "hi")
    assert result.code == 0, result
    stats = result.err.strip().splitlines()[-1]
    assert 'usage: "12" prompt + [30] completion tokens' in stats
    assert 'cost "0.001" (not a number)' in stats


def test_chat_reads_the_prompt_from_stdin_and_takes_params(server: Server) -> None:
    server.add(sse_reply(ANSWER_STREAM))
    result = chat(
        server, "-m", "test/model", "-p", "temperature=0.5", "-p", 'provider={"sort": "price"}',
        "-p", "user=alice", "-", stdin="Olá\nworld\n".encode(),
    )  # fmt: skip
    assert result.code == 0, result
    body = server.requests[0].json
    assert body["messages"] == [{"role": "user", "content": "Olá\nworld\n"}]
    assert (body["temperature"], body["provider"], body["user"]) == (0.5, {"sort": "price"}, "alice")


# -- the key ---------------------------------------------------------------------------------


def test_chat_without_a_key_for_openrouter() -> None:
    result = run("chat", "-m", "test/model", "hi", key=None)
    assert result.code == 3, result
    line = error_line(result)
    assert "OPENROUTER_API_KEY" in line and "--key-env" in line


def test_chat_without_a_key_for_another_server_sends_none(server: Server) -> None:
    server.add(sse_reply(ANSWER_STREAM))
    result = chat(server, "-m", "test/model", "hi", key=None)
    assert result.code == 0, result
    assert "Authorization" not in server.requests[0].headers


def test_chat_base_url_from_the_environment(server: Server) -> None:
    server.add(sse_reply(ANSWER_STREAM))
    result = run("chat", "--retries", "0", "-m", "test/model", "hi", key=None, env={"OPENROUTER_BASE_URL": server.url})
    assert result.code == 0, result
    assert "Authorization" not in server.requests[0].headers


def test_chat_key_from_another_variable(server: Server) -> None:
    server.add(sse_reply(ANSWER_STREAM))
    result = chat(server, "--key-env", "MY_KEY", "-m", "test/model", "hi", env={"MY_KEY": "sk-other-1234"})
    assert result.code == 0, result
    assert server.requests[0].headers["Authorization"] == "Bearer sk-other-1234"
    missing = chat(server, "--key-env", "MY_KEY", "-m", "test/model", "hi")
    assert missing.code == 3, missing
    assert "MY_KEY" in error_line(missing)
    assert len(server.requests) == 1


def test_chat_no_key_keeps_the_openrouter_key_from_another_server(server: Server) -> None:
    server.add(sse_reply(ANSWER_STREAM))
    result = chat(server, "--no-key", "-m", "test/model", "hi")
    assert result.code == 0, result
    assert "Authorization" not in server.requests[0].headers


# -- failures end as documented ----------------------------------------------------------


def test_chat_says_why_it_retries(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(orsse._sync_client, "_sleep", lambda seconds: None)
    server.add(json_reply(429, {"error": {"code": 429, "message": "Slow down"}}), sse_reply(ANSWER_STREAM))
    result = run("chat", "--base-url", server.url, "--timeout", "3", "--retries", "1", "-m", "test/model", "Hi")
    assert result.code == 0, result
    assert result.out == "Hello, world\n"
    (line,) = [line for line in result.err.splitlines() if "retry" in line]
    assert line.startswith("orsse: ") and "Slow down" in line and "retry 1 of 1 in " in line


def test_chat_http_401(server: Server) -> None:
    server.add(json_reply(401, {"error": {"code": 401, "message": "No auth credentials found"}}))
    result = chat(server, "-m", "test/model", "hi")
    assert result.code == 4, result
    line = error_line(result)
    assert "401" in line and "No auth credentials found" in line
    assert result.out == ""


def test_chat_mid_stream_error(server: Server) -> None:
    error = {"code": 502, "message": "Upstream went away", "metadata": {"provider_name": "X"}}
    body = [content_chunk("Par"), content_chunk("tial"), sse_event({"choices": [], "error": error})]
    server.add(Reply(body=body))
    result = chat(server, "-m", "test/model", "hi")
    assert result.code == 6, result
    assert result.out == "Partial\n"  # the partial answer stays, its line ended
    assert "Upstream went away" in error_line(result)


def test_chat_malformed_chunk_is_bad_input_and_json_keeps_the_partial(server: Server) -> None:
    server.add(Reply(body=[content_chunk("Par"), b"data: {not json\n\n"]))
    result = chat(server, "-m", "test/model", "--json", "hi")
    assert result.code == 8, result
    assert json.loads(result.out)["choices"][0]["message"]["content"] == "Par"
    assert "data event #2" in error_line(result)


def test_chat_line_past_the_limit_is_bad_input_and_json_keeps_the_partial(server: Server) -> None:
    from orsse._sse import DEFAULT_MAX_LINE_SIZE

    endless = b"data: " + b"x" * (DEFAULT_MAX_LINE_SIZE + 1024)  # a line that never ends in time
    server.add(Reply(body=[content_chunk("Par"), endless]))
    result = chat(server, "-m", "test/model", "--json", "hi")
    assert result.code == 8, result
    assert json.loads(result.out)["choices"][0]["message"]["content"] == "Par"
    assert "max_line_size exceeded" in error_line(result)


def test_chat_connection_dropped(server: Server) -> None:
    server.add(Reply(body=[content_chunk("Par"), Drop()]))
    result = chat(server, "-m", "test/model", "hi")
    assert result.code == 7, result
    assert result.out == "Par\n"
    assert "broke" in error_line(result)


def test_chat_truncated_stream(server: Server) -> None:
    server.add(Reply(body=[content_chunk("Par")]))  # ends cleanly, but without [DONE]
    result = chat(server, "-m", "test/model", "--json", "hi")
    assert result.code == 7, result
    assert json.loads(result.out)["choices"][0]["message"]["content"] == "Par"
    assert "cut off" in error_line(result)


def test_chat_cannot_connect() -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run("chat", "--base-url", f"http://127.0.0.1:{port}/v1", "--retries", "0", "-m", "m", "hi")
    assert result.code == 5, result
    assert "could not connect" in error_line(result)


def test_chat_not_an_event_stream(server: Server) -> None:
    server.add(json_reply(200, {"choices": []}))
    result = chat(server, "-m", "test/model", "hi")
    assert result.code == 4, result
    assert "text/event-stream" in error_line(result)


def test_chat_bad_command_lines(capsys: pytest.CaptureFixture[str]) -> None:
    result = run("chat", "--base-url", "ftp://example.org", "-m", "m", "hi")
    assert result.code == 2, result
    assert "base_url" in error_line(result)
    assert run("chat", "-m", "m", "-p", "novalue", "hi").code == 2
    assert run("chat", "-m", "m", "-p", "stream=false", "hi").code == 2
    assert run("chat", "-m", "m", "-").code == 2  # an empty prompt
    assert run("chat", "hi").code == 2  # no -m
    assert run().code == 2
    capsys.readouterr()


def test_every_kind_of_bad_input_exits_8() -> None:
    from orsse._errors import ResponseLimitError

    for error in (
        orsse.SSELimitError("max_event_size", 10, 11, 0),
        orsse.ChunkDecodeError("bad", "{", 1),
        ResponseLimitError("too big", 10, 11),
    ):
        assert _cli.exit_code(error) == 8, error
    assert _cli.exit_code(orsse.IncompleteStreamError("cut")) == 7
    assert _cli.exit_code(orsse.StreamError(500, "boom")) == 6
    assert _cli.exit_code(RuntimeError("a bug")) == 1


def test_help_lists_the_exit_codes_and_the_json_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("--help").code == 0
    out = capsys.readouterr().out
    for code in ("0 ", "3 ", "4 ", "5 ", "6 ", "7 ", "8 ", "130 ", "141 "):
        assert f"\n  {code}" in out
    assert run("chat", "--help").code == 0
    chat_help = " ".join(capsys.readouterr().out.split())
    assert "is written as null" in chat_help and "--key-env" in chat_help and "--interactive" in chat_help


# -- the thinking indicator -----------------------------------------------------------------


@pytest.fixture
def quick_indicator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_cli, "THINKING_DELAY", 0.05)
    monkeypatch.setattr(_cli, "THINKING_TICK", 0.05)


def silent_then_answer() -> Reply:
    thought = sse_event({"choices": [{"index": 0, "delta": {"reasoning": "hidden"}}]})
    return Reply(body=[b": OPENROUTER PROCESSING\n\n", Pause(0.3), thought, Pause(0.2), answer("Hi")])


@pytest.mark.usefixtures("quick_indicator")
def test_thinking_indicator_on_a_terminal(server: Server) -> None:
    server.add(silent_then_answer())
    terminal = Terminal()
    result = chat(server, "-m", "test/model", "hi", stderr=terminal)
    assert result.code == 0, result
    assert result.out == "Hi\n"
    before_stats = result.err.rsplit("usage:", 1)[0]
    assert "\rthinking… 0s" in before_stats
    drawn = before_stats.rsplit("\r", 2)
    assert drawn[-1] == "" and drawn[-2].strip() == ""  # erased: spaces, back to the start
    assert "\x1b" not in result.err  # NO_COLOR
    assert "hidden" not in result.err


@pytest.mark.usefixtures("quick_indicator")
def test_thinking_indicator_dimmed_without_no_color(server: Server) -> None:
    server.add(silent_then_answer())
    result = chat(server, "-m", "test/model", "hi", stderr=Terminal(), env={"NO_COLOR": ""})
    assert result.code == 0, result
    assert "\r\x1b[2mthinking… " in result.err


@pytest.mark.usefixtures("quick_indicator")
def test_no_thinking_indicator_when_reasoning_is_shown(server: Server) -> None:
    server.add(silent_then_answer())
    result = chat(server, "-m", "test/model", "--reasoning", "hi", stderr=Terminal())
    assert result.code == 0, result
    assert "thinking…" not in result.err and result.err.startswith("hidden\n")


# -- chat --interactive ------------------------------------------------------------------


@pytest.mark.skipif(not HAS_TO_PARAM, reason="needs Message.to_param() from the conversation layer")
def test_interactive_two_lines_in_two_requests_out(server: Server) -> None:
    thought = sse_event(
        {
            "choices": [
                {
                    "index": 0,
                    "delta": {
                        "role": "assistant",
                        "reasoning": "Plan.",
                        "reasoning_details": [{"type": "reasoning.text", "text": "Plan.", "signature": "sig", "index": 0}],
                    },
                }
            ]
        }
    )
    server.add(sse_reply(thought + answer("Hi Ana.")), sse_reply(answer("Ana.")))
    result = chat(server, "-i", "-m", "test/model", "-s", "Be brief.", stdin="I am Ana.\n\nWho am I?\n".encode())
    assert result.code == 0, result
    assert result.out == "Hi Ana.\nAna.\n"
    first, second = server.requests
    assert first.json["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "I am Ana."},
    ]
    completion = orsse.collect([thought + answer("Hi Ana.")])
    carried = json.loads(json.dumps(completion.message.to_param()))
    assert second.json["messages"] == first.json["messages"] + [carried, {"role": "user", "content": "Who am I?"}]
    assert carried["role"] == "assistant" and carried["content"] == "Hi Ana."
    assert carried["reasoning_details"][0]["signature"] == "sig"  # details intact


@pytest.mark.skipif(not HAS_TO_PARAM, reason="needs Message.to_param() from the conversation layer")
def test_interactive_reset_and_save(server: Server, tmp_path: Path) -> None:
    server.add(sse_reply(answer("One.")), sse_reply(answer("Two.")))
    saved = tmp_path / "conversation.json"
    lines = f"first\n/save {saved}\n/reset\n//second\n/nonsense\n/help\n"
    result = chat(server, "-i", "-m", "test/model", stdin=lines.encode())
    assert result.code == 0, result
    assert result.out == "One.\nTwo.\n"
    conversation = json.loads(saved.read_text(encoding="utf-8"))
    assert conversation["model"] == "test/model"
    assert [m["role"] for m in conversation["messages"]] == ["user", "assistant"]
    assert conversation["messages"][1]["content"] == "One."
    assert server.requests[1].json["messages"] == [{"role": "user", "content": "/second"}]
    assert "unknown command /nonsense" in error_line(result)
    assert "/reset" in result.err and "saved 2 message(s)" in result.err


def test_interactive_from_a_pipe_stops_at_the_first_failure(server: Server) -> None:
    server.add(json_reply(429, {"error": {"code": 429, "message": "Slow down"}}))
    result = chat(server, "-i", "-m", "test/model", stdin=b"one\ntwo\n")
    assert result.code == 4, result
    assert "Slow down" in error_line(result)
    assert len(server.requests) == 1


def test_interactive_with_nothing_to_say(server: Server) -> None:
    result = chat(server, "-i", "-m", "test/model", stdin=b"\n  \n")
    assert (result.code, result.out, server.requests) == (0, "", [])


def test_interactive_json_lines(server: Server) -> None:
    server.add(sse_reply(answer("One.")))
    result = chat(server, "-i", "--json", "-m", "test/model", stdin=b"first\n")
    assert result.code == 0, result
    (line,) = result.out.splitlines()
    assert json.loads(line)["choices"][0]["message"]["content"] == "One."


# -- parse -----------------------------------------------------------------------------------


def test_parse_prints_message_reasoning_tool_calls_and_usage() -> None:
    result = run("parse", str(THINKING), key=None)
    assert result.code == 0, result
    for expected in (
        "anthropic/claude-4.5-haiku-20251001 (Amazon Bedrock)",
        "finish     tool_calls (tool_use)",
        "reasoning\n  The user is asking for weather information in Florence, Italy.",
        "details    1 reasoning.text, signed",
        "tool calls\n  [0] weather  id=toolu_",
        '{"location": "Florence, Italy"}',
        "607 prompt + 143 completion (99 reasoning) = 750",
        "cost       $0.001322",
    ):
        assert expected in result.out, (expected, result.out)
    assert result.err == ""


def test_parse_prints_the_message() -> None:
    result = run("parse", str(SEEDS / "claude-sonnet-4_simple.sse"))
    assert result.code == 0, result
    assert "message\n  Olá!\n" in result.out


def test_parse_shows_reasoning_content() -> None:
    body = sse_event({"model": "m", "choices": [{"index": 0, "delta": {"reasoning_content": "Because."}}]})
    result = run("parse", "-", stdin=body + answer("So."))
    assert result.code == 0, result
    assert "reasoning\n  Because.\n\nmessage\n  So." in result.out


def test_parse_json() -> None:
    result = run("parse", "--json", str(THINKING))
    assert result.code == 0, result
    assert result.out.endswith("}\n") and '\n  "id": ' in result.out  # indent 2
    assert json.loads(result.out) == orsse.collect([THINKING.read_bytes()]).to_dict()


def test_parse_json_is_strict() -> None:
    body = b'data: {"choices": [{"index": 0, "delta": {"content": "A"}, "finish_reason": "stop"}], "usage": {"cost": -1e999}}\n\n'
    result = run("parse", "--json", "-", stdin=body)
    assert result.code == 0, result
    assert json.loads(result.out)["usage"]["cost"] is None


def test_parse_wrong_typed_usage() -> None:
    body = content_chunk("A", "stop") + sse_event({"choices": [], "usage": {"cost": [1], "total_tokens": {"n": 1}}})
    result = run("parse", "-", stdin=body)
    assert result.code == 0, result
    assert 'tokens     ? prompt + ? completion = {"n": 1}' in result.out
    assert "cost       [1] (not a number)" in result.out


def test_parse_events() -> None:
    result = run("parse", "--events", str(THINKING))
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert lines[:2] == [": OPENROUTER PROCESSING"] * 2
    data = [line for line in lines if line.startswith("data: ")]
    raw = THINKING.read_bytes()
    assert len(data) == raw.count(b"\ndata: ") + raw.startswith(b"data: ")
    assert data[-1] == "data: [DONE]"
    as_json = run("parse", "--events", "--json", str(THINKING))
    records = [json.loads(line) for line in as_json.out.splitlines()]
    assert records[0] == {"comment": "OPENROUTER PROCESSING"}
    assert records[-1] == {"event": "message", "data": "[DONE]", "id": "", "retry": None}


def test_parse_from_stdin() -> None:
    from_file = run("parse", str(THINKING))
    from_stdin = run("parse", "-", stdin=THINKING.read_bytes())
    assert from_stdin.code == 0, from_stdin
    assert from_stdin.out == from_file.out


def test_parse_malformed(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sse"
    bad.write_bytes(split_events(THINKING.read_bytes())[2] + b"data: {not json\n\n")
    result = run("parse", str(bad))
    assert result.code == 8, result
    line = error_line(result)
    assert "bad.sse" in line and "data event #2" in line and "not a JSON object" in line


def test_parse_past_the_size_limit_is_bad_input_and_json_keeps_the_partial() -> None:
    body = content_chunk("Par") + b"data: " + b"x" * 5000 + b"\n\n"
    result = run("parse", "--json", "--max-size", "4096", "-", stdin=body)
    assert result.code == 8, result
    assert json.loads(result.out)["choices"][0]["message"]["content"] == "Par"
    assert "exceeded" in error_line(result)


def test_parse_a_missing_file() -> None:
    result = run("parse", "no/such/file.sse")
    assert result.code == 8, result
    assert "no/such/file.sse" in error_line(result)


@pytest.mark.parametrize(
    "data, says",
    [
        (b"", "is empty"),
        (gzip.compress(b"data: [DONE]\n\n"), "gzip-compressed"),
        (bytes(range(256)) * 4, "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        (b'{"id": "gen-1", "choices": [{"message": {"content": "Hi"}}]}', "JSON"),
        (b"<html><body>502 Bad Gateway</body></html>", "HTML"),
        ("data: [DONE]\n\n".encode("utf-16"), "UTF-16"),
    ],
    ids=["empty", "gzip", "binary", "png", "json", "html", "utf16"],
)
def test_parse_input_that_is_no_event_stream(tmp_path: Path, data: bytes, says: str) -> None:
    path = tmp_path / "input.sse"
    path.write_bytes(data)
    for result in (run("parse", str(path)), run("parse", "-", stdin=data), run("parse", "--events", str(path))):
        assert result.code == 8, result
        assert says in error_line(result) and result.out == ""


def test_parse_truncated(tmp_path: Path) -> None:
    cut = tmp_path / "cut.sse"
    cut.write_bytes(b"".join(split_events(THINKING.read_bytes())[:6]))
    result = run("parse", str(cut))
    assert result.code == 7, result
    assert "reasoning\n  The user is asking for" in result.out  # the partial result
    assert "cut off" in error_line(result)
    only_keepalive = run("parse", "-", stdin=b": OPENROUTER PROCESSING\n\n")
    assert only_keepalive.code == 7, only_keepalive  # a stream, cut before its first event


def test_parse_a_stream_with_an_error(tmp_path: Path) -> None:
    path = tmp_path / "error.sse"
    path.write_bytes(content_chunk("Par") + sse_event({"choices": [], "error": {"code": "server_error", "message": "boom"}}))
    result = run("parse", str(path))
    assert result.code == 6, result
    assert "Par" in result.out and "boom" in error_line(result)


def test_parse_a_responses_stream() -> None:
    path = FIXTURES / "recorded-responses" / "TestOpenAIResponsesWithSummaryThinking" / "openai-gpt-5" / "thinking-streaming.0.sse"
    result = run("parse", str(path))
    assert result.code == 0, result
    for expected in (
        "model      gpt-5-2025-08-07\n",
        "reasoning\n  **Getting weather info**",
        "function calls\n  weather  call_id=call_zgUaIBRPTwxxOusyyKw5NVMH\n      {\"location\": \"Florence, Italy\"}",
        "tokens     63 input + 121 output (64 reasoning) = 184",
    ):
        assert expected in result.out, (expected, result.out)
    assert run("parse", "-", stdin=path.read_bytes()).out == result.out
    as_json = run("parse", "--json", str(path))
    assert as_json.code == 0, as_json
    assert json.loads(as_json.out) == orsse.collect_response([path.read_bytes()]).to_dict()


class Trickle(io.BytesIO):
    """Standard input that hands over a few bytes a read, as a slow pipe does."""

    def read1(self, size: int = -1) -> bytes:
        return super().read1(1 if self.tell() == 0 else 7)


@pytest.mark.parametrize("path", [THINKING, FIXTURES / "recorded-responses" / "TestOpenAIResponsesCommon" / "openai-gpt-4o" / "simple_streaming.0.sse"], ids=["chat", "responses"])
def test_parse_tells_the_kind_of_stream_however_it_trickles_in(path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(["parse", "-"], stdin=Trickle(path.read_bytes()), stdout=out, stderr=err, environ={})
    assert (code, err.getvalue()) == (0, "")
    assert out.getvalue() == run("parse", str(path)).out


def test_parse_judges_the_input_on_more_than_a_first_tiny_read() -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(["parse", "-"], stdin=Trickle(gzip.compress(THINKING.read_bytes())), stdout=out, stderr=err, environ={})
    assert code == 8 and "gzip-compressed" in err.getvalue()


def test_parse_a_responses_stream_that_fails_or_is_cut() -> None:
    error = FIXTURES / "synthetic_responses" / "error_event.sse"
    result = run("parse", str(error))
    assert result.code == 6, result
    assert "Rate limit reached" in error_line(result) and "function calls" in result.out
    text = FIXTURES / "recorded-responses" / "TestOpenAIResponsesCommon" / "openai-gpt-4o" / "simple_streaming.0.sse"
    cut = b"".join(split_events(text.read_bytes())[:8])
    partial = run("parse", "--json", "-", stdin=cut)
    assert partial.code == 7, partial
    assert json.loads(partial.out)["id"].startswith("resp_")
    bad = run("parse", "-", stdin=b"event: response.created\ndata: {not json\n\n")
    assert bad.code == 8, bad


# -- what needs a real process ---------------------------------------------------------------


def _env(key: Optional[str]) -> Dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.lower().endswith("_proxy") and not name.startswith("OPENROUTER_")
    }
    env["PYTHONIOENCODING"] = "utf-8"
    env["NO_COLOR"] = "1"
    if key is not None:
        env["OPENROUTER_API_KEY"] = key
    return env


def orsse_process(*args: str, key: Optional[str] = KEY) -> subprocess.Popen:  # type: ignore[type-arg]
    return subprocess.Popen(
        [sys.executable, "-m", "orsse", *args],
        cwd=ROOT,
        env=_env(key),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def read_until(child: subprocess.Popen, wanted: bytes, seen: bytes = b"", timeout: float = 10.0) -> bytes:  # type: ignore[type-arg]
    """What the child's stdout says, read as it comes, until it holds *wanted*."""
    assert child.stdout is not None
    deadline = time.monotonic() + timeout
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([child.stdout], [], [], 0.1)
        if ready:
            data = os.read(child.stdout.fileno(), 4096)
            if not data:
                break
            seen += data
    return seen


def finish(child: subprocess.Popen) -> tuple:  # type: ignore[type-arg]
    if child.stdin is not None and child.stdin.closed:
        child.stdin = None  # communicate() would try to flush it
    try:
        return child.communicate(timeout=20)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()


def test_the_shell_sees_the_exit_codes(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sse"
    empty.write_bytes(b"")
    for args, code in ((["parse", str(empty)], 8), (["parse", str(THINKING)], 0), (["chat", "hi"], 2)):
        done = subprocess.run([sys.executable, "-m", "orsse", *args], cwd=ROOT, env=_env(None), capture_output=True, timeout=30)
        assert done.returncode == code, (args, done)


@pytest.mark.skipif(sys.platform == "win32", reason="pipes and select are POSIX here")
def test_parse_stdin_prints_as_the_bytes_arrive() -> None:
    events = split_events(THINKING.read_bytes())
    child = orsse_process("parse", "-")
    assert child.stdin is not None
    try:
        child.stdin.write(b"".join(events[:5]))
        child.stdin.flush()
        seen = read_until(child, b"reasoning\n  The user is asking")
        assert b"reasoning\n  The user is asking" in seen  # printed with the input still open
        assert b"usage" not in seen
        child.stdin.write(b"".join(events[5:]))
        child.stdin.close()
    except BaseException:
        child.kill()
        raise
    out, err = finish(child)
    assert child.returncode == 0, err
    assert (seen + out).decode() == run("parse", str(THINKING)).out


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child is POSIX")
def test_chat_ctrl_c_keeps_the_partial_answer(server: Server) -> None:
    server.add(Reply(body=[content_chunk("Par"), AwaitClose(timeout=10.0)]))
    child = orsse_process("chat", "--base-url", server.url, "--timeout", "10", "-m", "m", "hi")
    try:
        seen = read_until(child, b"Par")
        assert seen == b"Par"
        child.send_signal(signal.SIGINT)
    except BaseException:
        child.kill()
        raise
    out, err = finish(child)
    assert child.returncode == 130
    assert seen + out == b"Par\n"
    assert err.decode().strip() == "orsse: interrupted"
    assert server.client_closed.wait(5.0)  # Ctrl-C closed the connection


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child is POSIX")
@pytest.mark.skipif(not HAS_TO_PARAM, reason="needs Message.to_param() from the conversation layer")
def test_interactive_ctrl_c_stops_the_answer_not_the_conversation(server: Server) -> None:
    # The server waits long past every deadline below, so that a slow ^C fails on its own
    # assertion, saying how slow, rather than racing the server giving up.
    server.add(Reply(body=[content_chunk("Long"), AwaitClose(timeout=60.0)]), sse_reply(answer("Short.")))
    child = orsse_process("chat", "-i", "--base-url", server.url, "--timeout", "10", "-m", "m")
    assert child.stdin is not None
    try:
        child.stdin.write(b"tell me a long story\n")
        child.stdin.flush()
        seen = read_until(child, b"Long")
        child.send_signal(signal.SIGINT)
        assert server.client_closed.wait(5.0)  # the answer stopped: its connection closed
        child.stdin.write(b"then a short one\n")
        child.stdin.close()
    except BaseException:
        child.kill()
        raise
    out, err = finish(child)
    assert child.returncode == 0, err
    assert seen + out == b"Long\nShort.\n"
    assert b"stopped" in err
    # The stopped answer is not part of the conversation.
    assert server.requests[1].json["messages"] == [{"role": "user", "content": "then a short one"}]


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal is POSIX")
def test_interactive_on_a_terminal(server: Server) -> None:
    """The terminal path for real: a pseudo-terminal as the child's controlling terminal,
    so the prompt, readline, Ctrl-C (the terminal's ^C) and Ctrl-D (^D) are the real ones."""
    import pty

    # The server waits long past every deadline below, so that a slow ^C fails on its own
    # assertion, saying how slow, rather than racing the server giving up.
    server.add(Reply(body=[content_chunk("Long"), AwaitClose(timeout=60.0)]), sse_reply(answer("Short.")))
    master, slave = pty.openpty()

    def become_terminal_owner() -> None:  # in the child: a session whose terminal is the pty
        import fcntl
        import termios

        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    env = _env(KEY)
    env["TERM"] = "dumb"  # readline without escape sequences to wade through
    child = subprocess.Popen(
        [sys.executable, "-m", "orsse", "chat", "-i", "--base-url", server.url, "--timeout", "10", "-m", "m"],
        cwd=ROOT, env=env, stdin=slave, stdout=slave, stderr=slave, preexec_fn=become_terminal_owner,
    )  # fmt: skip
    os.close(slave)
    screen = b""
    seen = 0  # how much of the screen earlier steps have read

    def until(wanted: bytes) -> None:
        """Read the terminal until *wanted* appears after what earlier steps read."""
        nonlocal screen, seen
        deadline = time.monotonic() + 10
        while screen.find(wanted, seen) < 0 and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    screen += os.read(master, 4096)
                except OSError:  # the child has gone: the terminal is hung up
                    break
        found = screen.find(wanted, seen)
        assert found >= 0, (wanted, screen[seen:], screen[-300:], child.poll())
        seen = found + len(wanted)

    try:
        until(b"> ")
        os.write(master, b"tell me a long story\r")
        until(b"Long")
        pressed = time.monotonic()
        os.write(master, b"\x03")  # ^C during the answer: stops it
        until(b"stopped")
        stopped_after = time.monotonic() - pressed
        assert server.client_closed.wait(15.0), f"'stopped' {stopped_after:.2f}s after ^C, and still not closed"
        until(b"> ")
        # As a person would, not within a millisecond of the prompt: a SIGINT that lands
        # before readline waits for a key is seen only at the next key (Python's race).
        time.sleep(0.3)
        os.write(master, b"\x03")  # ^C at the prompt: a fresh prompt, still here
        until(b"> ")
        os.write(master, b"then a short one\r")
        until(b"Short.")
        until(b"> ")
        os.write(master, b"\x04")  # ^D leaves
        assert child.wait(timeout=10) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        os.close(master)
    assert server.requests[1].json["messages"] == [{"role": "user", "content": "then a short one"}]


# -- chat --save --------------------------------------------------------------------------


def test_chat_save_writes_the_body_byte_for_byte_and_parse_replays_it(server: Server, tmp_path: Any) -> None:
    body = (RECORDED / "TestOpenRouterThinking" / "anthropic" / "thinking-streaming.0.sse").read_bytes()
    server.add(sse_reply(body))  # one chunked-transfer piece per event
    saved = tmp_path / "answer.sse"
    result = chat(server, "-m", "test/model", "--save", str(saved), "--json", "hi")
    assert result.code == 0, result
    assert saved.read_bytes() == body
    replay = run("parse", "--json", str(saved))
    assert replay.code == 0, replay
    assert json.loads(replay.out) == json.loads(result.out) == orsse.collect([body]).to_dict()


def test_chat_save_keeps_what_came_before_a_cut(server: Server, tmp_path: Any) -> None:
    # Up to ", world": no finish chunk, no [DONE]: the stream was cut off.
    cut = b"".join(ANSWER_EVENTS[:4])
    server.add(Reply(headers={"Content-Type": "text/event-stream"}, body=[cut]))
    saved = tmp_path / "cut.sse"
    result = chat(server, "-m", "test/model", "--save", str(saved), "hi")
    assert result.code == 7, result
    assert saved.read_bytes() == cut


def test_chat_save_refuses_interactive_and_an_unwritable_path(server: Server, tmp_path: Any) -> None:
    result = chat(server, "-m", "test/model", "-i", "--save", str(tmp_path / "x.sse"), stdin=b"hi\n")
    assert result.code == 2 and "--save" in error_line(result)
    result = chat(server, "-m", "test/model", "--save", str(tmp_path / "no" / "such" / "dir.sse"), "hi")
    assert result.code == 2 and "--save: cannot write" in error_line(result)
    assert server.requests == []  # refused before any request
