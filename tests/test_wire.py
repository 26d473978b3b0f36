"""The wire types (``orsse/_wire.py``): each field declared once, and everything derived
from the declaration (the known keys, ``from_dict``, ``to_dict``) agreeing with it."""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING

import pytest

import orsse
from orsse import _completion, _wire

if TYPE_CHECKING:
    from typing import Any, Dict

WIRE_TYPES = _wire.WIRE_TYPES
PUBLIC_WIRE_NAMES = sorted(_wire.__all__)


def _json_fields(cls: Any) -> list:
    return [f for f in dataclasses.fields(cls) if f.name not in ("extra", "_sent")]


def test_every_public_wire_type_is_declared_and_exported() -> None:
    assert sorted(cls.__name__ for cls in WIRE_TYPES) == PUBLIC_WIRE_NAMES
    for name in PUBLIC_WIRE_NAMES:
        assert getattr(orsse, name) is getattr(_wire, name)
    for name in _completion.__all__:
        assert getattr(orsse, name) is getattr(_completion, name)


@pytest.mark.parametrize("cls", WIRE_TYPES, ids=lambda c: c.__name__)
def test_known_keys_are_the_declared_fields(cls: Any) -> None:
    names = [f.name for f in dataclasses.fields(cls)]
    assert names[-2:] == ["extra", "_sent"]
    assert cls.KNOWN == frozenset(names[:-2])


def _sample(cls: Any, depth: int = 0) -> Dict[str, Any]:
    """A payload giving every declared field a distinct, valid, non-null value, and an
    unknown key, so a constructor that put a value in the wrong field would show."""
    out: Dict[str, Any] = {}
    for number, f in enumerate(_json_fields(cls)):
        kind, of = f.metadata.get("orsse.kind", (None, None))
        if kind == "int":
            out[f.name] = 100 + number
        elif kind in ("one", "many"):
            nested = _sample(of, depth + 1)
            out[f.name] = nested if kind == "one" else [nested, nested]
        elif kind == "dict":
            out[f.name] = {"k": f"{cls.__name__}.{f.name}"}
        elif f.name == "error":
            out[f.name] = _sample(orsse.ErrorDetail, depth + 1)
        else:
            out[f.name] = f"{cls.__name__}.{f.name}"
    out[f"x_unknown_{depth}"] = [depth]
    return out


@pytest.mark.parametrize("cls", WIRE_TYPES, ids=lambda c: c.__name__)
def test_from_dict_puts_each_key_in_its_own_field(cls: Any) -> None:
    payload = _sample(cls)
    parsed = cls.from_dict(payload)
    for f in _json_fields(cls):
        value = getattr(parsed, f.name)
        sent = payload[f.name]
        if isinstance(value, list) and value and hasattr(value[0], "to_dict"):
            assert [item.to_dict() for item in value] == sent, f.name
        elif hasattr(value, "to_dict"):
            assert value.to_dict() == sent, f.name
        else:
            assert value == sent, f.name
    assert parsed.extra == {"x_unknown_0": [0]}
    assert parsed.to_dict() == payload
    assert list(parsed.to_dict()) == list(payload)


@pytest.mark.parametrize("cls", WIRE_TYPES, ids=lambda c: c.__name__)
def test_from_dict_of_nulls_and_of_nothing(cls: Any) -> None:
    nulls = {f.name: None for f in _json_fields(cls)}
    from_nulls = cls.from_dict(nulls)
    assert from_nulls == cls() == cls.from_dict({})
    # Each null is given back, except where the type has a value for "nothing sent"
    # (a choice's index 0, its empty delta, a chunk's empty choices), which stands.
    defaults = {
        f.name: f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        for f in _json_fields(cls)
    }
    replaced = {k: v for k, v in defaults.items() if v is not None}
    assert from_nulls.to_dict() == {k: _wire._to_json(replaced.get(k)) for k in nulls}
    assert set(replaced) <= {"index", "delta", "choices"}
    assert cls.from_dict({}).to_dict() == {}


@pytest.mark.parametrize("cls", WIRE_TYPES, ids=lambda c: c.__name__)
def test_from_dict_refuses_what_is_not_an_object(cls: Any) -> None:
    for value in ([], "x", 5, None):
        with pytest.raises(TypeError, match="not an object"):
            cls.from_dict(value)


def test_keyword_construction_and_to_dict_without_a_source() -> None:
    delta = orsse.ChoiceDelta(content="hi", reasoning_content="think")
    assert delta.to_dict() == {"content": "hi", "reasoning_content": "think"}
    assert orsse.ChunkChoice(delta=delta).to_dict() == {"index": 0, "delta": delta.to_dict()}


def test_a_field_set_after_parsing_is_written() -> None:
    parsed = orsse.ChoiceDelta.from_dict({"content": "a", "role": None})
    parsed.refusal = "no"
    parsed.extra["x_new"] = 1
    assert parsed.to_dict() == {"content": "a", "role": None, "refusal": "no", "x_new": 1}


# -- reasoning_content: the typed field for DeepSeek's name of the reasoning --------------------


def test_reasoning_content_is_a_typed_delta_field() -> None:
    parsed = orsse.parse_chunk({"choices": [{"index": 0, "delta": {"role": "assistant", "reasoning_content": "hm"}}]})
    delta = parsed.choices[0].delta
    assert delta.reasoning_content == "hm"
    assert delta.reasoning is None
    assert delta.extra == {}
    assert delta.to_dict() == {"role": "assistant", "reasoning_content": "hm"}


def test_reasoning_content_of_the_wrong_type_names_the_field() -> None:
    with pytest.raises(orsse.ChunkDecodeError, match=r"delta\.reasoning_content is a JSON int"):
        orsse.parse_chunk({"choices": [{"delta": {"reasoning_content": 5}}]})


# -- the shortcut for the common delta agrees with the general path ------------------------------

SHORTCUT_SHAPES = [
    {}, {"content": "x"}, {"role": "assistant"}, {"role": "assistant", "content": "x"},
    {"content": None}, {"role": None, "content": "x"}, {"content": "x", "x": 1},
    {"content": 5}, {"role": ["a"]}, {"content": "x", "refusal": None},
]  # fmt: skip


@pytest.mark.parametrize("delta", SHORTCUT_SHAPES, ids=json.dumps)
def test_delta_shortcut_agrees_with_the_general_path(delta: Dict[str, Any]) -> None:
    # With an unknown key added the shortcut cannot apply: the general path decides.
    general = dict(delta, x_force_general_path=1)
    try:
        parsed = orsse.ChoiceDelta.from_dict(delta)
    except TypeError as exc:
        with pytest.raises(TypeError, match=str(exc).split(" is ")[0]):
            orsse.ChoiceDelta.from_dict(general)
        return
    slow = orsse.ChoiceDelta.from_dict(general)
    assert slow.extra.pop("x_force_general_path") == 1
    assert parsed == slow
    assert parsed.to_dict() == delta


def test_both_ways_of_telling_unknown_keys_agree() -> None:
    """keys_within counts on PyPy and asks frozenset.issuperset elsewhere: both, and the
    one this Python uses, must say the same of every dict, unknown keys or not."""
    import random

    rng = random.Random(5)
    names = ("id", "object", "choices", "usage", "error", "a'b", "é")
    others = ("extra", "ID", "", "choices ", "obfuscation")
    tests = [frozenset(names).issuperset, _wire.counted_within(names), _wire.keys_within(names)]
    outcomes = set()
    for _ in range(2000):
        keys = rng.sample(names, rng.randrange(len(names) + 1))
        if rng.random() < 0.4:
            keys += rng.sample(others, rng.randrange(1, 3))
        d = {key: None for key in keys}
        answers = {test(d) for test in tests}
        assert len(answers) == 1, d
        outcomes |= answers
    assert outcomes == {True, False}
    assert _wire.keys_within(())({}) and not _wire.keys_within(())({"x": 1})
