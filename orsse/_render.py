"""Completions as text for people, and as strict JSON: what ``orsse parse`` and ``orsse chat`` print.

Pure: objects in, strings out, no I/O, so every layout is tested in-process. Everything a
server sent is shown whatever its type: a field the chunk layer keeps as it came (a usage
count, a cost, a finish reason) may be a string, a list or an object, and is shown as the
JSON it was, never formatted as the number it should have been.
"""

from __future__ import annotations

import json
import math

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional

    from ._completion import ChatCompletion, Message
    from ._response_types import Response, ResponseEvent
    from ._wire import ChatCompletionChunk, ChoiceDelta, Usage

__all__ = [
    "LiveView",
    "ResponseLiveView",
    "describe_response",
    "describe_response_usage",
    "Style",
    "delta_reasoning",
    "describe",
    "describe_tool_calls",
    "describe_usage",
    "message_reasoning",
    "stats_line",
    "thinking_line",
    "to_json",
    "token_line",
]

#: The longest a value of the wrong type is shown (a list of a million items stays one line).
SHOWN_CHARS = 80


class Style:
    """How headings and asides look: ANSI bold and dim when *color*, plain text otherwise."""

    __slots__ = ("color",)

    def __init__(self, color: bool = False) -> None:
        self.color = color

    def bold(self, text: str) -> str:
        return f"\x1b[1m{text}\x1b[0m" if self.color else text

    def dim(self, text: str) -> str:
        return f"\x1b[2m{text}\x1b[0m" if self.color else text


PLAIN = Style(False)


# -- values of any type -----------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _shown(value: Any) -> str:
    """*value* for a line of text: a string as it is, anything else as compact JSON."""
    if isinstance(value, str):
        return value
    if _is_number(value):
        return repr(value) if isinstance(value, float) else str(value)
    try:
        text = json.dumps(value, ensure_ascii=False, default=repr)
    except (ValueError, TypeError, RecursionError):
        text = repr(value)
    if len(text) > SHOWN_CHARS:
        text = text[: SHOWN_CHARS - 1] + "…"
    return text


def _count(value: Any) -> str:
    """A token count: ``?`` when missing, the JSON it was when it is not a number."""
    if value is None:
        return "?"
    if _is_number(value):
        return _shown(value)
    return json_shown(value)


def json_shown(value: Any) -> str:
    """*value* as compact JSON, strings quoted: how a value of the wrong type is shown."""
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"
    return _shown(value)


def _money(value: Any) -> str:
    if _is_number(value):
        return f"${value:.6f}" if math.isfinite(value) else _shown(value)
    return f"{json_shown(value)} (not a number)"


def _indent(text: str) -> str:
    """Two spaces before every line that is not empty (no trailing blanks)."""
    return "\n".join("  " + line if line else "" for line in text.split("\n"))


# -- reasoning under either name ----------------------------------------------------------


def delta_reasoning(delta: ChoiceDelta) -> Optional[str]:
    """The reasoning text one delta adds: ``reasoning``, else ``reasoning_content``
    (DeepSeek's name, used by GLM, xAI, llama.cpp …), else the text of its
    ``reasoning_details``; ``None`` when it adds none."""
    text = delta.reasoning
    if isinstance(text, str):
        return text
    # A typed field on newer chunk types, an unknown key on older ones.
    text = getattr(delta, "reasoning_content", None)
    if text is None:
        text = delta.extra.get("reasoning_content")
    if isinstance(text, str):
        return text
    if delta.reasoning_details:
        return "".join(_detail_text(d) for d in delta.reasoning_details)
    return None


def message_reasoning(message: Message) -> Optional[str]:
    """The reasoning text of a finished message, whichever name the server sent it under."""
    text = message.reasoning
    if isinstance(text, str) and text:
        return text
    other = message.extra.get("reasoning_content")
    if isinstance(other, str) and other:
        return other
    return text if isinstance(text, str) else None


def _detail_text(detail: Any) -> str:
    for text in (detail.text, detail.summary):
        if isinstance(text, str) and text:
            return text
    return ""


# -- the completion for people ------------------------------------------------------------


def describe_head(model: Any, provider: Any, generation_id: Any) -> str:
    """The first lines: who answered, and the generation id ("" when neither is known)."""
    lines = []
    if model:
        by = f" ({_shown(provider)})" if provider else ""
        lines.append(f"model      {_shown(model)}{by}")
    if generation_id:
        lines.append(f"id         {_shown(generation_id)}")
    return "\n".join(lines)


def describe(completion: ChatCompletion, style: Style = PLAIN) -> str:
    """The completion as ``orsse parse`` prints it: who answered, then per choice the
    reasoning, the message, tool calls, annotations and images, then the finish reasons,
    the reasoning details and the usage. The order is the order things stream in, so
    :class:`LiveView` can print the same text as it arrives."""
    parts: List[str] = []
    head = describe_head(completion.model, completion.provider, completion.id)
    if head:
        parts.append(head)
    many = len(completion.choices) > 1
    if not completion.choices:
        parts.append(style.bold("message") + "\n  (no choice arrived)")
    for choice in completion.choices:
        suffix = f" (choice {choice.index})" if many else ""
        parts.extend(_describe_message(choice.message, suffix, style))
    ending = []
    for choice in completion.choices:
        label = f"choice {choice.index}: " if many else ""
        if choice.finish_reason or choice.native_finish_reason:
            native = choice.native_finish_reason
            extra = f" ({_shown(native)})" if native and native != choice.finish_reason else ""
            reason = _shown(choice.finish_reason) if choice.finish_reason is not None else "?"
            ending.append(f"{label or 'finish     '}{reason}{extra}")
        details = _describe_details(choice.message)
        if details:
            ending.append(f"{label or 'details    '}{details}")
    if ending:
        parts.append("\n".join(ending))
    if completion.usage is not None:
        parts.append(style.bold("usage") + "\n" + _indent(describe_usage(completion.usage)))
    return "\n\n".join(parts) + "\n"


def _describe_message(message: Message, suffix: str, style: Style) -> List[str]:
    bold = style.bold
    parts = []
    # Reasoning kept only encrypted has no text to show: the details line counts it.
    reasoning = message_reasoning(message) or "".join(_detail_text(d) for d in message.reasoning_details)
    if reasoning:
        parts.append(bold("reasoning" + suffix) + "\n" + _indent(reasoning))
    content = message.content
    if content:
        parts.append(bold("message" + suffix) + "\n" + _indent(_shown(content)))
    elif not message.tool_calls and not message.refusal:
        parts.append(bold("message" + suffix) + "\n  (empty)")
    if message.refusal:
        parts.append(bold("refusal" + suffix) + "\n" + _indent(_shown(message.refusal)))
    if message.tool_calls:
        parts.append(bold("tool calls" + suffix) + "\n" + describe_tool_calls(message))
    if message.annotations:
        lines = []
        for annotation in message.annotations:
            citation = annotation.url_citation
            if citation is not None:
                title = _shown(citation.title) + " " if citation.title else ""
                lines.append(f"  - {title}<{_shown(citation.url)}>")
            else:
                lines.append(f"  - {_shown(annotation.type)}")
        parts.append(bold("annotations" + suffix) + "\n" + "\n".join(lines))
    if message.images:
        parts.append(bold("images" + suffix) + f"\n  {len(message.images)} image(s)")
    return parts


def _describe_details(message: Message) -> str:
    """``reasoning_details`` counted by type: ``2 reasoning.text, signed``."""
    kinds: Dict[str, int] = {}
    signed = False
    for detail in message.reasoning_details:
        kind = _shown(detail.type) if detail.type else "?"
        kinds[kind] = kinds.get(kind, 0) + 1
        signed = signed or detail.signature is not None
    if not kinds:
        return ""
    listed = ", ".join(f"{n} {kind}" for kind, n in kinds.items())
    return listed + (", signed" if signed else "")


def describe_tool_calls(message: Message) -> str:
    """One entry per tool call: index, name, id, and the arguments (compact when they
    are JSON, as they came with a note when they are not)."""
    lines = []
    for call in message.tool_calls:
        arguments = call.function.arguments
        if not isinstance(arguments, str):
            shown = f"{json_shown(arguments)}  (not a JSON string)"
        elif not arguments:
            shown = "{}"
        else:
            try:
                shown = json.dumps(json.loads(arguments), ensure_ascii=False)
            except (ValueError, RecursionError):
                shown = f"{arguments}  (not valid JSON)"
        ident = f"  id={_shown(call.id)}" if call.id else ""
        lines.append(f"  [{call.index}] {_shown(call.function.name)}{ident}\n      {shown}")
    return "\n".join(lines)


def describe_usage(usage: Usage) -> str:
    """Token counts, then the cost (upstream cost and BYOK when they say something)."""
    lines = [f"tokens     {token_line(usage)}"]
    if usage.cost is not None:
        cost = f"cost       {_money(usage.cost)}"
        upstream = usage.cost_details.upstream_inference_cost if usage.cost_details else None
        if upstream is not None and upstream != usage.cost:
            cost += f" (upstream {_money(upstream)})"
        if usage.is_byok is True:
            cost += " (BYOK)"
        lines.append(cost)
    return "\n".join(lines)


def token_line(usage: Usage) -> str:
    """``12 prompt (4 cached) + 30 completion (20 reasoning) = 42``."""
    prompt = f"{_count(usage.prompt_tokens)} prompt"
    details = usage.prompt_tokens_details
    if details is not None and (details.cached_tokens or details.cache_write_tokens):
        cached = [f"{_count(details.cached_tokens or 0)} cached"]
        if details.cache_write_tokens:
            cached.append(f"{_count(details.cache_write_tokens)} written to cache")
        prompt += f" ({', '.join(cached)})"
    completion = f"{_count(usage.completion_tokens)} completion"
    completion_details = usage.completion_tokens_details
    reasoning = completion_details.reasoning_tokens if completion_details is not None else None
    if reasoning:
        completion += f" ({_count(reasoning)} reasoning)"
    total = f" = {_count(usage.total_tokens)}" if usage.total_tokens is not None else ""
    return f"{prompt} + {completion}{total}"


def stats_line(completion: ChatCompletion, started: float, first: Optional[float], ended: float) -> str:
    """What ``orsse chat`` says after an answer: usage, cost, time to first token,
    speed, total time, who answered. Times are seconds on one clock."""
    usage = completion.usage
    parts = []
    if usage is None:
        parts.append("usage: not reported")
    else:
        parts.append(f"usage: {token_line(usage)} tokens")
        if usage.cost is not None:
            parts.append(f"cost {_money(usage.cost)}")
    if first is not None:
        parts.append(f"first token {first - started:.2f}s")
        # Any: the server's value, whatever its type; used only once it proves a number.
        tokens: Any = usage.completion_tokens if usage is not None else None
        if _is_number(tokens) and math.isfinite(tokens) and tokens > 0 and ended > first:
            parts.append(f"{tokens / (ended - first):.1f} tokens/s")
    parts.append(f"total {ended - started:.2f}s")
    if completion.model:
        by = f" via {_shown(completion.provider)}" if completion.provider else ""
        parts.append(_shown(completion.model) + by)
    return " · ".join(parts)


def thinking_line(seconds: float) -> str:
    """The indicator shown while a model thinks silently: ``thinking… 4s``."""
    return f"thinking… {int(seconds)}s"


# -- the same text, as it arrives ---------------------------------------------------------


class _Live:
    """What the live views share: sections opened as their text arrives, indented as
    :func:`describe` indents them, and the end that completes the description."""

    __slots__ = ("_style", "_printed", "_section", "_line_start", "_model", "_id", "_streaming")

    def __init__(self, style: Style) -> None:
        self._style = style
        self._printed: List[str] = []
        self._section: Optional[str] = None
        #: The last character printed ended a line: the next one gets the indent.
        self._line_start = True
        self._model: Any = None
        self._id: Any = None
        #: False once the stream left the order describe() prints in.
        self._streaming = True

    def _head(self) -> str:
        return describe_head(self._model, None, self._id)

    def _piece(self, section: str, text: str, out: List[str]) -> None:
        if section == self._section and not self._line_start and "\n" not in text:
            out.append(text)  # the common piece: more of the line already begun
            return
        if self._section != section:
            if self._section is None:
                head = self._head()
                if head:
                    out.append(head + "\n\n")
            else:
                out.append("\n\n")
            out.append(self._style.bold(section) + "\n")
            self._section = section
            self._line_start = True
        lines = text.split("\n")
        for i, line in enumerate(lines):
            if i:
                out.append("\n")
                self._line_start = True
            if line:
                if self._line_start:
                    out.append("  ")
                out.append(line)
                self._line_start = False

    def _printing(self, out: List[str]) -> str:
        text = "".join(out)
        if text:
            self._printed.append(text)
        return text

    def _rest(self, whole: str, what: str) -> str:
        printed = "".join(self._printed)
        self._printed = [whole]
        if whole.startswith(printed):
            return whole[len(printed) :]
        note = self._style.dim(f"(the stream came in another order; the whole {what}:)")
        return ("\n" if printed and not printed.endswith("\n") else "") + "\n" + note + "\n\n" + whole


class LiveView(_Live):
    """Prints what :func:`describe` prints, while a chat stream arrives.

    ``feed(chunk)`` returns the text to print now: the head, then the reasoning and the
    answer of choice 0, indented, as their pieces come. ``finish(completion)`` returns
    the rest: everything :func:`describe` says after what was already printed. When the
    stream did not come in that order (a second choice, reasoning after the answer had
    begun, a model that changed), what was printed is not the start of
    :func:`describe`'s text; then ``finish`` says so and prints the whole completion,
    so the end of the output is always the complete description.
    """

    __slots__ = ("_provider", "_finish_delta")

    def __init__(self, style: Style = PLAIN) -> None:
        super().__init__(style)
        self._provider: Any = None
        self._finish_delta: Any = None

    def _head(self) -> str:
        return describe_head(self._model, self._provider, self._id)

    def feed(self, chunk: ChatCompletionChunk) -> str:
        """The text to print for one more chunk ("" when it adds nothing printable yet)."""
        if self._id is None:
            self._id = chunk.id
        if chunk.model is not None:
            self._model = chunk.model
        if chunk.provider is not None:
            self._provider = chunk.provider
        if not self._streaming:
            return ""
        out: List[str] = []
        for choice in chunk.choices:
            if choice.index != 0:
                self._streaming = False
                break
            delta = choice.delta
            if choice.finish_reason is not None:
                # Some servers send the finish chunk twice; the accumulator keeps one.
                if delta == self._finish_delta:
                    continue
                self._finish_delta = delta
            reasoning = delta_reasoning(delta)
            if reasoning:
                if self._section == "message":
                    self._streaming = False
                    break
                self._piece("reasoning", reasoning, out)
            content = delta.content
            if isinstance(content, str) and content:
                self._piece("message", content, out)
        return self._printing(out)

    def finish(self, completion: ChatCompletion) -> str:
        """The rest of the description of *completion* (the final or the partial one)."""
        return self._rest(describe(completion, self._style), "completion")


# -- the Responses API --------------------------------------------------------------------

_REASONING_DELTAS = ("response.reasoning_summary_text.delta", "response.reasoning_text.delta")


def _reasoning_texts(item: Any) -> str:
    """One reasoning item's text: its summary, else its reasoning text, parts apart."""
    summary = "\n\n".join(_text_of(part) for part in item.summary or () if _text_of(part))
    if summary:
        return summary
    return "\n\n".join(_text_of(part) for part in item.content or () if _text_of(part))


def _text_of(part: Any) -> str:
    text = part.text
    return text if isinstance(text, str) else ""


def describe_response(response: Response, style: Style = PLAIN) -> str:
    """A Responses API response the way :func:`describe` shows a chat completion: who
    answered, the reasoning (summaries, else reasoning text), the message, a refusal,
    the function calls and any other output items, the status, and the usage."""
    bold = style.bold
    parts: List[str] = []
    head = describe_head(response.model, None, response.id)
    if head:
        parts.append(head)
    reasoning = "\n\n".join(
        text for text in (_reasoning_texts(item) for item in response.output if item.type == "reasoning") if text
    )
    if reasoning:
        parts.append(bold("reasoning") + "\n" + _indent(reasoning))
    text = response.output_text
    refusal = response.refusal
    calls = response.function_calls
    if text:
        parts.append(bold("message") + "\n" + _indent(text))
    elif not calls and refusal is None:
        parts.append(bold("message") + "\n  (empty)")
    if refusal is not None:
        parts.append(bold("refusal") + "\n" + _indent(refusal))
    if calls:
        lines = []
        for call in calls:
            ident = f"  call_id={_shown(call.call_id)}" if call.call_id else ""
            name = _shown(call.name) if call.name is not None else "?"
            lines.append(f"  {name}{ident}\n      {_arguments(call.arguments)}")
        parts.append(bold("function calls") + "\n" + "\n".join(lines))
    others = [item for item in response.output if item.type not in ("message", "reasoning", "function_call")]
    if others:
        listed = "\n".join(
            f"  - {_shown(item.type)}" + (f" ({_shown(item.status)})" if item.status else "") for item in others
        )
        parts.append(bold("other output") + "\n" + listed)
    status = f"status     {_shown(response.status)}" if response.status else ""
    if response.incomplete_details:
        reason = response.incomplete_details.get("reason") if isinstance(response.incomplete_details, dict) else None
        status += f" ({_shown(reason if reason else response.incomplete_details)})"
    if response.error is not None:
        status += f": {_shown(response.error.message)}" + (f" (code {_shown(response.error.code)})" if response.error.code else "")
    encrypted = len([item for item in response.output if getattr(item, "encrypted_content", None)])
    if encrypted:
        status += ("\n" if status else "") + f"details    {encrypted} encrypted reasoning item(s)"
    if status:
        parts.append(status)
    if response.usage is not None:
        parts.append(bold("usage") + "\n" + _indent(describe_response_usage(response.usage)))
    return "\n\n".join(parts) + "\n"


def _arguments(arguments: Any) -> str:
    if not isinstance(arguments, str):
        return "{}" if arguments is None else f"{json_shown(arguments)}  (not a JSON string)"
    if not arguments:
        return "{}"
    try:
        return json.dumps(json.loads(arguments), ensure_ascii=False)
    except (ValueError, RecursionError):
        return f"{arguments}  (not valid JSON)"


def describe_response_usage(usage: Any) -> str:
    """``12 input (4 cached) + 30 output (20 reasoning) = 42``, then OpenRouter's cost."""
    details = usage.input_tokens_details
    cached = details.get("cached_tokens") if isinstance(details, dict) else None
    out_details = usage.output_tokens_details
    reasoning = out_details.get("reasoning_tokens") if isinstance(out_details, dict) else None
    line = f"{_count(usage.input_tokens)} input"
    if cached:
        line += f" ({_count(cached)} cached)"
    line += f" + {_count(usage.output_tokens)} output"
    if reasoning:
        line += f" ({_count(reasoning)} reasoning)"
    if usage.total_tokens is not None:
        line += f" = {_count(usage.total_tokens)}"
    lines = [f"tokens     {line}"]
    cost = usage.extra.get("cost")
    if cost is not None:
        lines.append(f"cost       {_money(cost)}")
    return "\n".join(lines)


class ResponseLiveView(_Live):
    """:class:`LiveView` for a Responses API stream: the reasoning summary and the text
    as their deltas come, the rest (function calls, status, usage) at the end."""

    __slots__ = ("_part",)

    def __init__(self, style: Style = PLAIN) -> None:
        super().__init__(style)
        self._part: Any = None  # which reasoning part the last reasoning delta belonged to

    def feed(self, event: ResponseEvent) -> str:
        """The text to print for one more event."""
        kind = event.type
        response = getattr(event, "response", None)
        if response is not None:
            if self._id is None:
                self._id = response.id
            if response.model is not None:
                self._model = response.model
        if not self._streaming or not kind.endswith(".delta"):
            return ""
        delta = getattr(event, "delta", "")
        if not isinstance(delta, str) or not delta:
            return ""
        out: List[str] = []
        if kind in _REASONING_DELTAS:
            if self._section == "message":
                self._streaming = False
                return ""
            part = (
                getattr(event, "item_id", None), kind,
                getattr(event, "summary_index", None), getattr(event, "content_index", None),
            )  # fmt: skip
            if self._part is not None and part != self._part:
                self._piece("reasoning", "\n\n", out)
            self._part = part
            self._piece("reasoning", delta, out)
        elif kind == "response.output_text.delta":
            self._piece("message", delta, out)
        return self._printing(out)

    def finish(self, response: Response) -> str:
        """The rest of the description of *response* (the final or the partial one)."""
        return self._rest(describe_response(response, self._style), "response")


# -- strict JSON ---------------------------------------------------------------------------


def to_json(value: Any, indent: Optional[int] = 2) -> str:
    """*value* as strict JSON text (RFC 8259): a number JSON cannot hold (infinity or
    NaN: a server's ``1e400`` reads as infinity) becomes ``null``, as JavaScript's
    ``JSON.stringify`` writes it; a lone surrogate (``"\\ud800"`` in the stream) stays
    an escape, so the text is valid UTF-8."""
    separators = None if indent is not None else (",", ":")
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, indent=indent, separators=separators)
    except ValueError:
        value = _finite(value)
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, indent=indent, separators=separators)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(value, ensure_ascii=True, allow_nan=False, indent=indent, separators=separators)
    return text


def _finite(value: Any) -> Any:
    """A copy of *value* with every non-finite float replaced by ``None``: a loop with its
    own stack, so nesting as deep as ``json.loads`` allows cannot exhaust Python's."""
    root: List[Any] = [value]
    stack: List[Any] = [(root, 0)]
    while stack:
        container, key = stack.pop()
        item = container[key]
        if isinstance(item, float):
            if not math.isfinite(item):
                container[key] = None
        elif isinstance(item, dict):
            copy = dict(item)
            container[key] = copy
            stack.extend((copy, k) for k in copy)
        elif isinstance(item, (list, tuple)):
            copy_list = list(item)
            container[key] = copy_list
            stack.extend((copy_list, i) for i in range(len(copy_list)))
    return root[0]
