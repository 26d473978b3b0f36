"""Keep secrets out of everything orsse produces: one place, used by every client path.

An echoing server can send the key back in any text it controls (an error body, a
status reason, a ``Location`` header, a mid-stream error, a malformed event), spelt
literally, JSON-escaped (``\\u0073\\u006b…``) or percent-encoded (``%73%6b…``). A
:class:`Redactor` matches each secret in any mix of those spellings, in linear time.

The start of a secret is masked too: orsse quotes hostile text cut short (a header line to
80 characters, a bad chunk to 200, the body's first 256 bytes), and a server that puts the
key across such a cut would otherwise get all of it but its end shown. Every cut keeps the
front of what it cuts, so masking every start of a secret that runs past its key-type tag
(``sk-or-v1-``, ``sk-proj-``, ``gsk_``: the same in every key of its kind) and is at least
:data:`MIN_PREFIX` characters long covers them all.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

if TYPE_CHECKING:
    from typing import Any, Iterable, List, Optional, Pattern

    from ._errors import OrsseError

__all__ = ["Redactor", "MASK"]

MASK = "***"
#: Shorter values are not treated as secrets: masking "ab" everywhere would garble text
#: and protect nothing.
MIN_SECRET = 4
#: The shortest start of a longer secret that is masked on its own (see above): shorter
#: ones would garble ordinary words.
MIN_PREFIX = 6
#: Where a key-type tag can end: its last separator within the first characters.
_TAG_SPAN = 10


def _spellings(char: str) -> str:
    code = ord(char)
    options = [re.escape(char)]
    if code < 0x10000:
        options.append(r"\\u%04x" % code)
    if code < 0x80:
        options.append("%%%02x" % code)
    return "(?:" + "|".join(options) + ")"


def _prefix_pattern(secret: str) -> str:
    """The secret, or the longest start of it there is, from one character past its
    key-type tag and at least MIN_PREFIX long: those first characters, then each next one
    optional, nested, so that a match never backtracks past a character that did not
    follow."""
    tag = max(secret.rfind("-", 0, _TAG_SPAN), secret.rfind("_", 0, _TAG_SPAN)) + 1
    shown = min(len(secret), max(MIN_PREFIX, tag + 1))
    head = "".join(_spellings(c) for c in secret[:shown])
    rest = secret[shown:]
    return head + "".join("(?:" + _spellings(c) for c in rest) + ")?" * len(rest)


class Redactor:
    """Replaces every known secret with ``***`` in text, nested values and errors."""

    __slots__ = ("_pattern", "_secrets")

    def __init__(self, secrets: Iterable[Optional[str]] = ()) -> None:
        unique = sorted({s for s in secrets if s and len(s) >= MIN_SECRET}, key=len, reverse=True)
        self._secrets: List[str] = unique
        self._pattern: Optional[Pattern[str]] = None
        if unique:
            # Each character literal or escaped; no nested repetition, so the match
            # costs at most len(secret) steps at each position of the text.
            alternatives = [_prefix_pattern(secret) for secret in unique]
            self._pattern = re.compile("|".join(alternatives), re.IGNORECASE)

    def __bool__(self) -> bool:
        return self._pattern is not None

    def __repr__(self) -> str:
        return f"<Redactor of {len(self._secrets)} secret(s)>"

    def text(self, text: str) -> str:
        pattern = self._pattern
        if pattern is None:
            return text
        return pattern.sub(MASK, text)

    def value(self, value: Any) -> Any:
        """*value* with secrets masked in every string inside it (dicts, lists, tuples)."""
        if self._pattern is None:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.value(k): self.value(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.value(v) for v in value)
        return value

    def error(self, error: OrsseError) -> OrsseError:
        """*error* itself, its message and attributes masked (``partial`` and
        ``partial_response``, the model's own output, are left as they came)."""
        if self._pattern is None:
            return error
        if error.__suppress_context__:
            # A suppressed context (the JSON error behind a ChunkDecodeError, say) still
            # holds the text it failed on: drop it rather than mask a foreign exception.
            error.__context__ = None
        cause = error.__cause__
        if cause is not None and cause is not error and hasattr(cause, "partial"):
            self.error(cause)  # type: ignore[arg-type]
        error.args = tuple(self.value(arg) for arg in error.args)
        for name, attribute in list(vars(error).items()):
            if name == "partial" or name == "partial_response":
                continue
            if name == "headers" and attribute is not None and hasattr(attribute, "raw"):
                from ._http import Headers

                error.headers = Headers([(k, self.text(v)) for k, v in attribute.raw])  # type: ignore[attr-defined]
                continue
            setattr(error, name, self.value(attribute))
        return error
