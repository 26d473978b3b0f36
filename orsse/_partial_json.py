"""Parse JSON text as it streams in, showing at every step a value that is never wrong.

Tool-call arguments arrive as token-sized pieces of one JSON text. Re-parsing the whole
text on every piece (what most helpers do) costs time quadratic in its length; this
parser keeps its place between pieces instead, so each piece costs time proportional to
its own length. The hot paths run on compiled patterns (runs of plain string characters,
whitespace, number characters) rather than a Python loop per character.
"""

from __future__ import annotations

import re

from ._errors import OrsseError

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Union

    Container = Union[Dict[str, Any], List[Any]]

__all__ = ["PartialJSONParser", "PartialJSONError"]

#: How deeply arrays and objects may nest before the text is refused: far beyond any
#: real tool call, and far below what would make code walking the value (``==``,
#: ``repr``, ``json.dumps``) hit Python's recursion limit.
DEFAULT_MAX_DEPTH = 500

# An open string's shown value is rebuilt from its pieces while it is short, and after
# that only once the new text reaches 1/_LAG_FACTOR of the text shown: the shown prefix
# lags a little on very long strings, but rebuilding costs at most _LAG_FACTOR + 1
# character copies per character instead of a copy of the whole string per piece.
_SMALL_STRING = 1024
_LAG_FACTOR = 16

_WHITESPACE = " \t\n\r"
_whitespace_run = re.compile(r"[ \t\n\r]+").match
_plain_run = re.compile(r'[^"\\\x00-\x1f]+').match
_number_run = re.compile(r"[-+.eE0-9]+").match
_is_int = re.compile(r"-?(?:0|[1-9][0-9]*)\Z").match
_is_float = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?\Z").match
_is_hex4 = re.compile(r"[0-9a-fA-F]{4}\Z").match

_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_LITERALS = {"t": "true", "f": "false", "n": "null", "N": "NaN", "I": "Infinity"}
# What json.loads accepts besides true/false/null, so that the final value is its value.
_LITERAL_VALUES = {
    "true": True, "false": False, "null": None,
    "NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf"),
}  # fmt: skip

# Where the parser is between tokens: what may come next.
_VALUE = 0  # a value: at the start, after ":" or after "," in an array
_VALUE_OR_CLOSE = 1  # after "[": a value or "]"
_KEY_OR_CLOSE = 2  # after "{": a key or "}"
_KEY = 3  # after "," in an object
_COLON = 4
_AFTER_VALUE = 5  # inside a container: "," or its closing bracket
_END = 6  # the top-level value is complete: only whitespace may follow

# The token being read, which may run on into the next piece.
_NO_TOKEN = 0
_STRING = 1
_KEY_STRING = 2
_NUMBER = 3
_LITERAL = 4

_EXPECTING = {
    _VALUE: "expecting a value",
    _VALUE_OR_CLOSE: "expecting a value or ']'",
    _KEY_OR_CLOSE: "expecting a property name in double quotes or '}'",
    _KEY: "expecting a property name in double quotes",
    _COLON: "expecting ':' after the property name",
    _AFTER_VALUE: "expecting ',' or the closing bracket",
    _END: "extra data after the JSON value",
}


class PartialJSONError(OrsseError, ValueError):
    """The text is not valid JSON. ``position`` is the offset, in characters from the
    start of the whole text (every piece fed so far), of the character at fault (the
    end of the text when it stopped too early); ``reason`` says what was wrong."""

    def __init__(self, reason: str, position: int) -> None:
        self.reason = reason
        self.position = position
        super().__init__(f"invalid JSON at character {position}: {reason}")


class PartialJSONParser:
    """An incremental JSON parser for text that arrives in pieces.

    ``feed(piece)`` returns the value parsed so far; ``close()`` the final value, equal
    to ``json.loads`` of the whole text. A value shown before the end is never wrong:
    a string is a prefix of its final text, an object key appears only once its name
    is complete (and with it the start of its value), a number, ``true``, ``false`` or
    ``null`` only once complete. Nothing appears that the final value will not hold
    (unless the text repeats a key, whose last value then wins, as in ``json.loads``).

    The value returned is the parser's own and grows in place as later pieces come:
    copy it (``copy.deepcopy``) to keep a snapshot. On a very long string the value
    shown may lag a little behind the text (by at most 1/16 of it), so that each piece
    costs time proportional to its own length. ``None`` means nothing to show yet.

    Bad JSON raises :class:`PartialJSONError` (an :class:`OrsseError` and a
    ``ValueError``) naming the character at fault, as soon as a piece shows it; the
    parser then stays failed. Nesting deeper than *max_depth* is an error too.
    """

    __slots__ = (
        "_max_depth", "_stack", "_keys", "_state", "_token", "_parts", "_shown", "_pending",
        "_carry", "_literal", "_matched", "_root", "_fed", "_error", "_result",
    )  # fmt: skip

    def __init__(self, *, max_depth: int = DEFAULT_MAX_DEPTH) -> None:
        self._max_depth = max_depth
        self._stack: List[Container] = []
        self._keys: List[str] = []  # the current key of each object on the stack
        self._state = _VALUE
        self._token = _NO_TOKEN
        self._parts: List[str] = []  # the open string's (or number's) pieces
        self._shown = 0  # characters of the open string shown in the value
        self._pending = 0  # characters of the open string not shown yet
        self._carry = ""  # an escape cut off at the end of a piece, read with the next
        self._literal = ""  # the word being matched (true, false, null, ...)
        self._matched = 0  # how much of it matched so far
        self._root: Any = None
        self._fed = 0  # characters fed so far, the carry included
        self._error: Optional[PartialJSONError] = None
        self._result: Any = None

    @property
    def value(self) -> Any:
        """The value parsed so far (what the last ``feed`` returned)."""
        return self._root

    @property
    def complete(self) -> bool:
        """Whether a whole top-level value has been read (only whitespace may follow).

        A top-level number stays incomplete until something ends it (or ``close()``)."""
        return self._state == _END and self._token == _NO_TOKEN

    @property
    def position(self) -> int:
        """How many characters have been fed so far."""
        return self._fed

    def feed(self, piece: str) -> Any:
        """Read the next piece of the text and return the value parsed so far."""
        if self._error is not None:
            raise self._error
        if type(piece) is not str:
            raise TypeError(f"feed() takes the text as str pieces, not {type(piece).__name__}")
        if not piece:
            return self._root
        carry = self._carry
        base = self._fed - len(carry)
        self._fed += len(piece)
        if carry:
            piece = carry + piece
            self._carry = ""
        try:
            self._read(piece, base)
        except PartialJSONError as error:
            self._error = error
            raise
        if self._token == _STRING and self._pending:
            self._show()
        return self._root

    def close(self) -> Any:
        """The end of the text: return the final value, or raise :class:`PartialJSONError`."""
        if self._error is not None:
            raise self._error
        end = self._fed
        try:
            token = self._token
            if token == _NUMBER:
                self._end_number(end)
            elif token == _LITERAL:
                raise PartialJSONError(f"the text ends inside {self._literal!r}", end)
            elif token != _NO_TOKEN or self._carry:
                raise PartialJSONError("the text ends inside a string", end)
            if self._state != _END:
                if self._stack:
                    raise PartialJSONError(
                        f"the text ends inside {'an array' if type(self._stack[-1]) is list else 'an object'}"
                        f" ({_EXPECTING[self._state]})",
                        end,
                    )
                raise PartialJSONError("expecting a value, found the end of the text", end)
        except PartialJSONError as error:
            self._error = error
            raise
        return self._root

    # -- reading ---------------------------------------------------------------------------

    def _read(self, text: str, base: int) -> None:
        pos = 0
        n = len(text)
        token = self._token
        if token != _NO_TOKEN:
            if token == _STRING or token == _KEY_STRING:
                pos = self._string(text, 0, n, base)
            elif token == _NUMBER:
                pos = self._number(text, 0, n, base)
            else:
                pos = self._literal_more(text, 0, n, base)
        stack = self._stack
        while pos < n:
            char = text[pos]
            if char in _WHITESPACE:
                match = _whitespace_run(text, pos)
                pos = n if match is None else match.end()
                if pos == n:
                    return
                char = text[pos]
            state = self._state
            if state == _AFTER_VALUE:
                top = stack[-1]
                if char == ",":
                    self._state = _VALUE if type(top) is list else _KEY
                    pos += 1
                elif char == ("]" if type(top) is list else "}"):
                    self._pop()
                    pos += 1
                else:
                    raise PartialJSONError(_EXPECTING[state] + f", found {char!r}", base + pos)
            elif state == _COLON:
                if char != ":":
                    raise PartialJSONError(_EXPECTING[state] + f", found {char!r}", base + pos)
                self._state = _VALUE
                pos += 1
            elif state == _KEY_OR_CLOSE or state == _KEY:
                if char == '"':
                    self._token = _KEY_STRING
                    self._parts = []
                    pos = self._string(text, pos + 1, n, base)
                elif char == "}" and state == _KEY_OR_CLOSE:
                    self._pop()
                    pos += 1
                else:
                    raise PartialJSONError(_EXPECTING[state] + f", found {char!r}", base + pos)
            elif state == _END:
                raise PartialJSONError(_EXPECTING[state] + f", found {char!r}", base + pos)
            else:  # a value is expected
                if char == '"':
                    self._token = _STRING
                    self._parts = []
                    self._shown = self._pending = 0
                    self._place("")
                    pos = self._string(text, pos + 1, n, base)
                elif char == "{":
                    self._push({}, base + pos)
                    self._state = _KEY_OR_CLOSE
                    pos += 1
                elif char == "[":
                    self._push([], base + pos)
                    self._state = _VALUE_OR_CLOSE
                    pos += 1
                elif char == "-" or "0" <= char <= "9":
                    self._token = _NUMBER
                    self._parts = []
                    pos = self._number(text, pos, n, base)
                elif char in _LITERALS:
                    self._token = _LITERAL
                    self._literal = _LITERALS[char]
                    self._matched = 0
                    pos = self._literal_more(text, pos, n, base)
                elif char == "]" and state == _VALUE_OR_CLOSE:
                    self._pop()
                    pos += 1
                else:
                    raise PartialJSONError(_EXPECTING[state] + f", found {char!r}", base + pos)

    def _string(self, text: str, pos: int, n: int, base: int) -> int:
        """Read string characters from *pos*; return where reading stopped (*n* when the
        string is still open at the end of the text)."""
        parts = self._parts
        append = parts.append
        added = 0
        while True:
            match = _plain_run(text, pos)
            if match is not None:
                end = match.end()
                append(text[pos:end])
                added += end - pos
                pos = end
            if pos == n:
                break
            char = text[pos]
            if char == '"':
                self._end_string()
                return pos + 1
            if char != "\\":
                raise PartialJSONError(f"control character {char!r} inside a string", base + pos)
            if pos + 1 == n:
                self._carry = text[pos:]
                break
            escape = text[pos + 1]
            simple = _ESCAPES.get(escape)
            if simple is not None:
                append(simple)
                added += 1
                pos += 2
                continue
            if escape != "u":
                raise PartialJSONError(f"invalid escape {text[pos:pos + 2]!r}", base + pos)
            if pos + 6 > n:
                self._check_hex(text[pos + 2 :], base + pos)
                self._carry = text[pos:]
                break
            code = self._hex(text[pos + 2 : pos + 6], base + pos)
            if 0xD800 <= code <= 0xDBFF:
                # A high surrogate joins the low one that may follow it; until the text
                # says whether one does, it is not shown (alone it would be a character
                # the final string does not have).
                following = text[pos + 6 : pos + 8]
                if following == "\\u":
                    if pos + 12 > n:
                        self._check_hex(text[pos + 8 :], base + pos + 6)
                        self._carry = text[pos:]
                        break
                    low = self._hex(text[pos + 8 : pos + 12], base + pos + 6)
                    if 0xDC00 <= low <= 0xDFFF:
                        append(chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)))
                        added += 1
                        pos += 12
                        continue
                elif following in ("", "\\"):
                    self._carry = text[pos:]
                    break
            append(chr(code))
            added += 1
            pos += 6
        self._pending += added
        return n

    @staticmethod
    def _hex(digits: str, where: int) -> int:
        if _is_hex4(digits) is None:
            raise PartialJSONError(f"invalid escape '\\u{digits}'", where)
        return int(digits, 16)

    @staticmethod
    def _check_hex(digits: str, where: int) -> None:
        if digits and _is_hex4(digits.ljust(4, "0")[:4]) is None:
            raise PartialJSONError(f"invalid escape '\\u{digits}'", where)

    def _end_string(self) -> None:
        text = "".join(self._parts)
        self._parts = []
        if self._token == _KEY_STRING:
            self._keys[-1] = text
            self._state = _COLON
        else:
            self._set_last(text)
            self._after_value()
        self._token = _NO_TOKEN

    def _show(self) -> None:
        """Put the open string's text so far into the value, when that is cheap enough."""
        pending = self._pending
        shown = self._shown
        if shown + pending > _SMALL_STRING and pending * _LAG_FACTOR < shown:
            return
        text = "".join(self._parts)
        self._parts = [text]
        self._shown = len(text)
        self._pending = 0
        self._set_last(text)

    def _number(self, text: str, pos: int, n: int, base: int) -> int:
        match = _number_run(text, pos)
        end = pos if match is None else match.end()
        if match is not None:
            self._parts.append(text[pos:end])
        if end == n:
            return n  # the next piece may hold more digits
        if text[end] == "I" and self._parts == ["-"]:
            self._token = _LITERAL
            self._literal = "-Infinity"
            self._matched = 1
            return self._literal_more(text, end, n, base)
        self._end_number(base + end)
        return end

    def _end_number(self, end: int) -> None:
        parts = self._parts
        text = parts[0] if len(parts) == 1 else "".join(parts)
        self._parts = []
        start = end - len(text)
        try:
            if _is_int(text) is not None:
                value: Any = int(text)
            elif _is_float(text) is not None:
                value = float(text)
            else:
                raise PartialJSONError(f"invalid number {text[:40]!r}", start)
        except ValueError as exc:  # an integer past Python's digit limit
            if isinstance(exc, PartialJSONError):
                raise
            raise PartialJSONError(f"number {text[:40]!r}… not accepted: {exc}", start) from None
        self._token = _NO_TOKEN
        self._place(value)
        self._after_value()

    def _literal_more(self, text: str, pos: int, n: int, base: int) -> int:
        word = self._literal
        matched = self._matched
        piece = text[pos : pos + len(word) - matched]
        if not word.startswith(piece, matched):
            wrong = next(i for i, char in enumerate(piece) if word[matched + i] != char)
            raise PartialJSONError(f"invalid literal (expecting {word!r})", base + pos + wrong)
        matched += len(piece)
        pos += len(piece)
        if matched < len(word):
            self._matched = matched
            return pos
        self._token = _NO_TOKEN
        self._place(_LITERAL_VALUES[word])
        self._after_value()
        return pos

    # -- the value ---------------------------------------------------------------------------

    def _place(self, value: Any) -> None:
        """Add a value that has begun (or completed) where the grammar says it goes."""
        stack = self._stack
        if not stack:
            self._root = value
            return
        top = stack[-1]
        if type(top) is list:
            top.append(value)
        else:
            top[self._keys[-1]] = value  # type: ignore[call-overload]

    def _set_last(self, value: Any) -> None:
        """Replace the value placed last (the open string) with its newer text."""
        stack = self._stack
        if not stack:
            self._root = value
            return
        top = stack[-1]
        if type(top) is list:
            top[-1] = value
        else:
            top[self._keys[-1]] = value  # type: ignore[call-overload]

    def _push(self, container: Container, where: int) -> None:
        if len(self._stack) >= self._max_depth:
            raise PartialJSONError(f"nested deeper than {self._max_depth} levels", where)
        self._place(container)
        self._stack.append(container)
        self._keys.append("")

    def _pop(self) -> None:
        self._stack.pop()
        self._keys.pop()
        self._after_value()

    def _after_value(self) -> None:
        self._state = _AFTER_VALUE if self._stack else _END
