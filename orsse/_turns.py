"""The next turn of a conversation: the messages that go back after a tool call.

``Message.to_param()`` gives the assistant message itself; this module has what goes
beside it, and the one reading of a tool call's arguments that both
``ToolCall.parse_arguments()`` and the ``tool_call.done`` update use.
"""

from __future__ import annotations

import json

from ._errors import ToolArgumentsError

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

if TYPE_CHECKING:
    from typing import Any, Dict, Mapping, Optional, Union

    from ._completion import Message, ToolCall

__all__ = ["tool_result", "parse_arguments", "message_param"]


def message_param(message: Message) -> Dict[str, Any]:
    """What ``Message.to_param()`` returns: the assistant message for the next request.

    ``content`` is left out when it is empty beside tool calls (``""`` otherwise: an
    assistant message needs one); ``tool_calls`` carry their id, type, function name and
    arguments exactly as streamed (and any key a server added to a call, such as a
    thought signature, which it expects back); ``reasoning_details`` go back exactly as
    rebuilt, in order, signatures and encrypted blobs untouched. The reasoning text goes
    back only when there are no details to carry it, under the name the server used.
    """
    param: Dict[str, Any] = {"role": message.role or "assistant"}
    if message.content or not message.tool_calls:
        param["content"] = message.content or ""
    if message.refusal is not None:
        param["refusal"] = message.refusal
    if message.tool_calls:
        param["tool_calls"] = [_call_param(call) for call in message.tool_calls]
    if message.reasoning_details:
        param["reasoning_details"] = [detail.to_dict() for detail in message.reasoning_details]
    elif message.reasoning:
        param[message.reasoning_name] = message.reasoning
    return param


def _call_param(call: ToolCall) -> Dict[str, Any]:
    extra = dict(call.extra)
    function = dict(extra.pop("function", None) or {})  # unknown keys streamed inside it
    function.update(name=call.function.name, arguments=call.function.arguments)
    return {"id": call.id, "type": call.type or "function", "function": function, **extra}


def tool_result(tool_call: Union[ToolCall, Mapping[str, Any], str], content: Any) -> Dict[str, Any]:
    """The message answering *tool_call* in the next request:
    ``{"role": "tool", "tool_call_id": ..., "content": ...}``.

    *tool_call* is the :class:`ToolCall` (or its ``to_param()`` dict, or its id);
    *content* is the tool's result: a string goes as it is, anything else as its JSON
    text (what the API expects: tool results are text).
    """
    if isinstance(tool_call, str):
        call_id: Any = tool_call
    elif isinstance(tool_call, dict):
        call_id = tool_call.get("id")
    else:
        call_id = getattr(tool_call, "id", None)
    if not isinstance(call_id, str) or not call_id:
        raise ValueError(
            f"this tool call has no id to answer ({call_id!r}): the server did not send one"
        )
    if not isinstance(content, str):
        try:
            content = json.dumps(content, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"the tool result cannot be sent as JSON text: {exc}") from None
    return {"role": "tool", "tool_call_id": call_id, "content": content}


def parse_arguments(
    arguments: str, *, tool_call_id: Optional[str] = None, name: Optional[str] = None, index: Optional[int] = None
) -> Any:
    """A tool call's arguments decoded; ``{}`` for none at all (some providers stream an
    empty text for a function without parameters). Raises :class:`ToolArgumentsError`
    naming the call and the character at fault."""
    if not arguments.strip():
        return {}
    try:
        return json.loads(arguments)
    except json.JSONDecodeError as exc:
        reason, position = exc.msg, exc.pos
    except (ValueError, RecursionError) as exc:  # too many digits; too deeply nested
        reason, position = str(exc) or type(exc).__name__, 0
    raise ToolArgumentsError(
        reason[:1].lower() + reason[1:],
        position,
        arguments=arguments,
        tool_call_id=tool_call_id,
        name=name,
        index=index,
    )
