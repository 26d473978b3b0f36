"""The next turn: Message.to_param(), ToolCall.parse_arguments(), orsse.tool_result(), and
the README's tool-calling loop run end to end against a loopback server that replays the
two-turn recordings (interaction .0, then .1)."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import orsse
from _fixtures import RECORDED, fixture_id
from chunk_helpers import data_payloads

if TYPE_CHECKING:
    from typing import Any, Dict, Iterator, List

ROOT = Path(__file__).resolve().parent.parent
# Every recording whose first answer called tools and whose second request sent them back:
# OpenRouter's, and other OpenAI-compatible servers' when the fixtures hold them.
TWO_TURNS = sorted(
    p
    for folder in [RECORDED] + sorted(RECORDED.parent.glob("*compat*"))
    for p in folder.rglob("*.0.sse")
    if p.with_name(p.name.replace(".0.sse", ".1.sse")).exists()
)


def _second(first: Path, suffix: str) -> Path:
    return first.with_name(first.name.replace(".0.sse", ".1" + suffix))


def _sidecar(sse: Path) -> Dict[str, Any]:
    return json.loads(sse.with_name(sse.name[: -len(".sse")] + ".json").read_text("utf-8"))


def _raw_reasoning_secrets(raw: bytes) -> List[str]:
    """Every signature and encrypted blob in a stream, read from its raw events: what a
    provider checks when the reasoning comes back."""
    out = []
    for payload in data_payloads(raw):
        try:
            event = json.loads(payload)
        except ValueError:
            continue
        for choice in event.get("choices") or []:
            for detail in (choice.get("delta") or {}).get("reasoning_details") or []:
                for key in ("signature", "data"):
                    if detail.get(key):
                        out.append(detail[key])
    return out


def _tool_calls_as_sent(message: Dict[str, Any]) -> List[Dict[str, Any]]:
    """id, type and function of each tool call (the recording client also added its own
    cache_control marks, which are not part of the answer)."""
    return [
        {"id": c["id"], "type": c["type"], "function": {"name": c["function"]["name"], "arguments": c["function"]["arguments"]}}
        for c in message.get("tool_calls") or []
    ]


# -- Message.to_param() -------------------------------------------------------------------


@pytest.mark.parametrize("first", TWO_TURNS, ids=[fixture_id(p) for p in TWO_TURNS])
def test_to_param_carries_the_tool_calls_and_reasoning_untouched(first: Path) -> None:
    raw = first.read_bytes()
    message = orsse.collect([raw]).message
    param = message.to_param()
    assert json.loads(json.dumps(param)) == param  # plain JSON
    assert param["role"] == "assistant"
    if message.content:
        assert param["content"] == message.content
    else:
        assert "content" not in param  # empty, beside tool calls
    recorded = [m for m in _sidecar(_second(first, ".sse"))["request"]["body"]["messages"] if m["role"] == "assistant"][-1]
    assert param["tool_calls"] == _tool_calls_as_sent(recorded)
    assert param["tool_calls"] == [
        {"id": c.id, "type": "function", "function": {"name": c.function.name, "arguments": c.function.arguments}}
        for c in message.tool_calls
    ]
    assert param.get("reasoning_details", []) == [d.to_dict() for d in message.reasoning_details]
    sent = json.dumps(param.get("reasoning_details", []))
    secrets = _raw_reasoning_secrets(raw)
    positions = [sent.find(json.dumps(secret)[1:-1]) for secret in secrets]
    assert -1 not in positions and positions == sorted(positions)  # every one, in order


def test_to_param_of_plain_answers_and_of_edge_cases() -> None:
    assert orsse.Message(content="Hi.").to_param() == {"role": "assistant", "content": "Hi."}
    assert orsse.Message(content="").to_param() == {"role": "assistant", "content": ""}
    assert orsse.Message(content=None).to_param() == {"role": "assistant", "content": ""}
    call = orsse.ToolCall(id="c1", function=orsse.FunctionCall(name="f", arguments='{"a":1}'))
    assert orsse.Message(content=None, tool_calls=[call]).to_param() == {
        "role": "assistant",
        "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": '{"a":1}'}}],
    }
    refused = orsse.Message(content=None, refusal="No.").to_param()
    assert refused == {"role": "assistant", "content": "", "refusal": "No."}
    # reasoning text with no details to carry it goes back under the name it came with
    thought = orsse.Message(content="4", reasoning="2+2", reasoning_name="reasoning_content")
    assert thought.to_param() == {"role": "assistant", "content": "4", "reasoning_content": "2+2"}
    detail = orsse.ReasoningDetail(type="reasoning.encrypted", data="blob", format="f", index=0)
    carried = orsse.Message(content="4", reasoning="2+2", reasoning_details=[detail]).to_param()
    assert carried == {"role": "assistant", "content": "4", "reasoning_details": [detail.to_dict()]}
    # a key a server added to a call (Gemini's thought signature) goes back with it
    signed = orsse.ToolCall(
        id="c2", function=orsse.FunctionCall(name="g", arguments="{}"),
        extra={"extra_content": {"google": {"thought_signature": "sig"}}},
    )  # fmt: skip
    assert orsse.Message(tool_calls=[signed]).to_param()["tool_calls"] == [
        {"id": "c2", "type": "function", "function": {"name": "g", "arguments": "{}"},
         "extra_content": {"google": {"thought_signature": "sig"}}},
    ]  # fmt: skip


# -- ToolCall.parse_arguments() and tool_result() ---------------------------------------


def test_parse_arguments_decodes_or_names_the_call_and_the_character() -> None:
    call = orsse.ToolCall(id="c7", function=orsse.FunctionCall(name="add", arguments='{"a": 2, "b": 3}'), index=1)
    assert call.parse_arguments() == {"a": 2, "b": 3}
    assert orsse.ToolCall(id="c", function=orsse.FunctionCall(name="noop", arguments="")).parse_arguments() == {}
    bad = orsse.ToolCall(id="c7", function=orsse.FunctionCall(name="add", arguments='{"a": 2, "b": }'), index=1)
    with pytest.raises(orsse.ToolArgumentsError) as caught:
        bad.parse_arguments()
    error = caught.value
    assert isinstance(error, orsse.OrsseError) and isinstance(error, ValueError)
    assert (error.tool_call_id, error.name, error.index, error.position) == ("c7", "add", 1, 14)
    assert error.arguments == '{"a": 2, "b": }'
    assert "'add'" in str(error) and "'c7'" in str(error) and "character 14" in str(error)
    deep = orsse.ToolCall(id="d", function=orsse.FunctionCall(name="f", arguments="[" * 100_000 + "]" * 100_000))
    with pytest.raises(orsse.ToolArgumentsError):
        deep.parse_arguments()


def test_tool_result_messages() -> None:
    call = orsse.ToolCall(id="call_1", function=orsse.FunctionCall(name="weather", arguments="{}"))
    assert orsse.tool_result(call, "40 C") == {"role": "tool", "tool_call_id": "call_1", "content": "40 C"}
    assert orsse.tool_result(call, {"temp": 40, "unit": "°C"}) == {
        "role": "tool", "tool_call_id": "call_1", "content": '{"temp": 40, "unit": "°C"}',
    }  # fmt: skip
    assert orsse.tool_result("call_2", 5)["content"] == "5"
    assert orsse.tool_result({"id": "call_3"}, [1, 2])["tool_call_id"] == "call_3"
    with pytest.raises(ValueError, match="no id"):
        orsse.tool_result(orsse.ToolCall(id=None), "x")
    with pytest.raises(TypeError, match="JSON"):
        orsse.tool_result(call, object())


# -- the loop, end to end -----------------------------------------------------------------


class Replay:
    """A loopback server answering the n-th POST with the n-th recorded stream, in
    small chunked pieces, and keeping every request body."""

    def __init__(self, streams: List[bytes]) -> None:
        self.streams = streams
        self.requests: List[Dict[str, Any]] = []
        replay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                replay.requests.append(json.loads(body))
                number = len(replay.requests) - 1
                if number >= len(replay.streams):
                    self.send_response(500)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.send_header("Connection", "close")
                self.end_headers()
                data = replay.streams[number]
                for start in range(0, len(data), 97):
                    piece = data[start : start + 97]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/v1"

    def __enter__(self) -> Replay:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def stream_updates() -> None:
    """The loop relies on ChatStream.updates(), the seam the clients offer."""
    assert callable(getattr(orsse.ChatStream, "updates", None))


def tool_loop(url: str, first_request: Dict[str, Any], results: Dict[str, str]) -> List[orsse.Message]:
    """The loop a program runs: stream, run the tools, send the answers back, repeat."""
    body = dict(first_request)
    model = body.pop("model")
    messages = list(body.pop("messages"))
    body.pop("stream", None)
    body.pop("stream_options", None)
    answers = []
    for _ in range(4):
        with orsse.stream_chat(model, messages, base_url=url, api_key="sk-test", max_retries=0, **body) as stream:
            for update in stream.updates():
                if update.type == "completion":
                    message = update.completion.message
        answers.append(message)
        messages.append(message.to_param())
        if not message.tool_calls:
            return answers
        for call in message.tool_calls:
            call.parse_arguments()
            messages.append(orsse.tool_result(call, results[call.id]))
    raise AssertionError("the loop did not end")


@pytest.mark.parametrize("first", TWO_TURNS, ids=[fixture_id(p) for p in TWO_TURNS])
def test_the_tool_loop_against_the_recorded_two_turns(first: Path, stream_updates: None) -> None:
    second = _second(first, ".sse")
    recorded_first = _sidecar(first)["request"]["body"]
    recorded_second = _sidecar(second)["request"]["body"]
    results = {m["tool_call_id"]: m["content"] for m in recorded_second["messages"] if m["role"] == "tool"}
    with Replay([first.read_bytes(), second.read_bytes()]) as server:
        answers = tool_loop(server.url, recorded_first, results)
    assert len(server.requests) == 2 and len(answers) == 2
    sent = server.requests[1]["messages"]
    assert sent[: len(recorded_first["messages"])] == recorded_first["messages"]
    assistant = sent[len(recorded_first["messages"])]
    # the tool calls go back exactly as the recording's own second request has them
    assert _tool_calls_as_sent(assistant) == _tool_calls_as_sent(
        [m for m in recorded_second["messages"] if m["role"] == "assistant"][-1]
    )
    # with the reasoning details of the first answer, every signature and blob in place
    first_answer = orsse.collect([first.read_bytes()]).message
    assert assistant.get("reasoning_details", []) == [d.to_dict() for d in first_answer.reasoning_details]
    for secret in _raw_reasoning_secrets(first.read_bytes()):
        assert secret in json.dumps(assistant.get("reasoning_details"))
    assert [m for m in sent if m["role"] == "tool"] == [m for m in recorded_second["messages"] if m["role"] == "tool"]
    assert answers[1].content == orsse.collect([second.read_bytes()]).content


def test_the_readme_tool_loop_runs_as_written(monkeypatch: pytest.MonkeyPatch, stream_updates: None, capsys: Any) -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    (block,) = [b for b in re.findall(r"```python\n(.*?)```", readme, re.S) if "tool_result" in b]
    first = RECORDED / "TestOpenRouterThinking" / "anthropic" / "thinking-streaming.0.sse"
    second = _second(first, ".sse")
    real_stream_chat = orsse.stream_chat
    with Replay([first.read_bytes(), second.read_bytes()]) as server:

        def stream_chat(*args: Any, **kwargs: Any) -> orsse.ChatStream:
            return real_stream_chat(*args, base_url=server.url, api_key="sk-test", max_retries=0, **kwargs)

        monkeypatch.setattr(orsse, "stream_chat", stream_chat)
        exec(compile(block, "README tool loop", "exec"), {})
    printed = capsys.readouterr().out
    assert len(server.requests) == 2
    recorded_second = _sidecar(second)["request"]["body"]["messages"]
    sent = server.requests[1]["messages"]
    assert _tool_calls_as_sent(sent[-2]) == _tool_calls_as_sent([m for m in recorded_second if m["role"] == "assistant"][-1])
    assert sent[-2]["reasoning_details"][0]["signature"] == _raw_reasoning_secrets(first.read_bytes())[0]
    assert sent[-1] == {"role": "tool", "tool_call_id": sent[-2]["tool_calls"][0]["id"], "content": "40 C"}
    assert orsse.collect([second.read_bytes()]).content in printed
    assert 'weather({"location": "Florence, Italy"})' in printed


def test_the_new_errors_survive_pickling() -> None:
    import pickle

    call = orsse.ToolCall(id="c9", function=orsse.FunctionCall(name="f", arguments="[1,"), index=2)
    with pytest.raises(orsse.ToolArgumentsError) as caught:
        call.parse_arguments()
    again = pickle.loads(pickle.dumps(caught.value))
    assert type(again) is orsse.ToolArgumentsError and str(again) == str(caught.value)
    assert (again.tool_call_id, again.name, again.index, again.position, again.arguments) == ("c9", "f", 2, 3, "[1,")
    with pytest.raises(orsse.PartialJSONError) as parse_error:
        orsse.PartialJSONParser().feed("[1,,")
    copied = pickle.loads(pickle.dumps(parse_error.value))
    assert (copied.position, copied.reason, str(copied)) == (3, parse_error.value.reason, str(parse_error.value))
