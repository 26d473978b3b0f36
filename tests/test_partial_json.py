"""PartialJSONParser: the final value is json.loads's, the values before it are never
wrong, however the text is cut; bad JSON is an orsse error naming the character."""

from __future__ import annotations

import copy
import json
import math
import random
from typing import TYPE_CHECKING

import pytest

import orsse
from _fixtures import FIXTURES
from chunk_helpers import data_payloads

if TYPE_CHECKING:
    from typing import Any, Dict, List, Sequence, Tuple


def _fixture_arguments() -> List[Tuple[str, str]]:
    """Every tool call's arguments text in the fixtures, joined from the raw data events
    (read here with json.loads, not with orsse), with the streamed pieces."""
    calls: List[Tuple[str, str]] = []
    for sse in sorted(FIXTURES.rglob("*.sse")):
        joined: Dict[Tuple[int, int], List[str]] = {}
        for payload in data_payloads(sse.read_bytes()):
            try:
                event = json.loads(payload)
            except ValueError:
                continue
            if not isinstance(event, dict):
                continue
            for choice in event.get("choices") or []:
                for fragment in (choice.get("delta") or {}).get("tool_calls") or []:
                    arguments = (fragment.get("function") or {}).get("arguments")
                    if isinstance(arguments, str):
                        key = (choice.get("index", 0), fragment.get("index", 0))
                        joined.setdefault(key, []).append(arguments)
        for (choice, call), pieces in sorted(joined.items()):
            calls.append((f"{sse.relative_to(FIXTURES).as_posix()}#{choice}.{call}", "\x00".join(pieces)))
    return calls


FIXTURE_CALLS = _fixture_arguments()


def _valid(text: str) -> bool:
    try:
        json.loads(text.replace("\x00", ""))
    except ValueError:
        return False
    return True


def check_prefix(partial: Any, final: Any, where: str = "$") -> None:
    """*partial* is a value *final* can grow from: a string is a prefix, an object has
    the first keys of the final one, every finished member is already equal."""
    if isinstance(final, dict):
        assert isinstance(partial, dict), where
        keys = list(partial)
        assert keys == list(final)[: len(keys)], where
        for number, key in enumerate(keys):
            if number < len(keys) - 1:
                _equal(partial[key], final[key], f"{where}.{key}")
            else:
                check_prefix(partial[key], final[key], f"{where}.{key}")
    elif isinstance(final, list):
        assert isinstance(partial, list), where
        assert len(partial) <= len(final), where
        for number, item in enumerate(partial):
            if number < len(partial) - 1:
                _equal(item, final[number], f"{where}[{number}]")
            else:
                check_prefix(item, final[number], f"{where}[{number}]")
    elif isinstance(final, str):
        assert isinstance(partial, str) and final.startswith(partial), where
    else:
        _equal(partial, final, where)


def _equal(got: Any, want: Any, where: str = "$") -> None:
    if isinstance(want, float) and math.isnan(want):
        assert isinstance(got, float) and math.isnan(got), where
    elif isinstance(want, dict):
        assert isinstance(got, dict) and list(got) == list(want), where
        for key in want:
            _equal(got[key], want[key], f"{where}.{key}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), where
        for number, (a, b) in enumerate(zip(got, want)):
            _equal(a, b, f"{where}[{number}]")
    else:
        assert type(got) is type(want) and got == want, (where, got, want)


def parse_pieces(pieces: Sequence[str], *, check: bool = True) -> Any:
    """Feed *pieces*; check every value shown on the way against the final one."""
    text = "".join(pieces)
    final = json.loads(text)
    parser = orsse.PartialJSONParser()
    # Checking is linear in the value: on long texts, a hundred or so of the values shown.
    every = max(1, len(pieces) // 100)
    for number, piece in enumerate(pieces):
        value = parser.feed(piece)
        assert value is parser.value
        if check and value is not None and number % every == 0:
            check_prefix(copy.deepcopy(value), final)
    result = parser.close()
    _equal(result, final)
    return result


def cut(text: str, offsets: Sequence[int]) -> List[str]:
    out, start = [], 0
    for offset in sorted(offsets):
        out.append(text[start:offset])
        start = offset
    out.append(text[start:])
    return out


# -- every tool call in the fixtures ----------------------------------------------------


def test_the_fixtures_hold_tool_calls() -> None:
    assert len(FIXTURE_CALLS) >= 30


def test_long_arguments_built_from_the_fixtures_cut_randomly() -> None:
    # The recorded calls are short: a long one (a file written by a tool, say) is made
    # of all of them, as values of one object, and cut at random.
    values = [json.loads(text.replace("\x00", "")) for _, text in FIXTURE_CALLS if _valid(text)]
    text = json.dumps({"calls": values, "content": "line \"é\" \\ \ud83d\ude00\n" * 2000}, ensure_ascii=False)
    rng = random.Random(7)
    for _ in range(2):
        parse_pieces(cut(text, [rng.randint(0, len(text)) for _ in range(len(text) // 5)]))
    ascii_text = json.dumps(values * 20)
    parse_pieces(cut(ascii_text, [rng.randint(0, len(ascii_text)) for _ in range(len(ascii_text) // 3)]))


@pytest.mark.parametrize("name,streamed", FIXTURE_CALLS, ids=[name for name, _ in FIXTURE_CALLS])
def test_fixture_arguments_as_streamed_and_cut_anywhere(name: str, streamed: str) -> None:
    pieces = streamed.split("\x00")
    text = "".join(pieces)
    if not _valid(text):
        # a call cut off with its stream (truncated.sse): an error, however it is cut
        for pieces in ([text], list(text)):
            parser = orsse.PartialJSONParser()
            with pytest.raises(orsse.PartialJSONError):
                for piece in pieces:
                    parser.feed(piece)
                parser.close()
        return
    parse_pieces(pieces)
    parse_pieces(list(text))
    rng = random.Random(name)
    if len(text) <= 160:
        for offset in range(len(text) + 1):
            parse_pieces(cut(text, [offset]), check=False)
        for _ in range(20):
            parse_pieces(cut(text, [rng.randint(0, len(text)) for _ in range(3)]))
    else:
        for _ in range(60):
            parse_pieces(cut(text, [rng.randint(0, len(text)) for _ in range(rng.randint(1, 30))]))


# -- the hard places, cut at every offset ---------------------------------------------

TRICKY = [
    r'{"text": "caf\u00e9 \\ \" \/ \b\f\n\r\t end"}',
    r'"\ud83d\ude00 then \uD83D\uDE00"',
    r'["lone \ud83d", "lone \ud83d\u0041", "lone \ude00", "\ud83d\\", "\ud83dx"]',
    r'{"a": {"b": [[], [{}], {"c": [1, [2, [3]]]}]}, "d": []}',
    "[0, -0, 1e5, 1E+5, -1.25e-3, 6.02e23, 12345678901234567890, 0.5, -0.0, 1e400]",
    "[true, false, null, NaN, Infinity, -Infinity]",
    '{"t": true, "f": false, "n": null}',
    ' \t\n\r{ "spaced" : [ 1 , 2 ] , "x" : "y" } \n',
    '"top-level string"',
    "42",
    "-3.5e-2",
    "true",
    "null",
    "[]",
    "{}",
    '{"": "", "\\u0000": "\\u0000"}',
    '{"k\\"ey": "\\u20ac\\u00e9\\u4e2d\\ud834\\udd1e"}',
]


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_text_cut_at_every_offset_and_every_pair(text: str) -> None:
    parse_pieces([text])
    parse_pieces(list(text))
    for offset in range(len(text) + 1):
        parse_pieces(cut(text, [offset]))
    if len(text) <= 60:
        for first in range(len(text) + 1):
            for second in range(first, len(text) + 1):
                parse_pieces(cut(text, [first, second]), check=False)


def test_a_surrogate_pair_never_shows_half() -> None:
    text = '"a\\ud83d\\ude00b"'
    for offset in range(len(text) + 1):
        parser = orsse.PartialJSONParser()
        shown = parser.feed(text[:offset])
        assert shown is None or "\ud83d" not in shown
        assert parser.feed(text[offset:]) == "a\U0001f600b"


def test_partial_values_step_by_step() -> None:
    parser = orsse.PartialJSONParser()
    steps = [
        ('{"ci', {}),
        ('ty": "Flo', {"city": "Flo"}),
        ('rence", "days": 1', {"city": "Florence"}),
        ("2", {"city": "Florence"}),
        (", ", {"city": "Florence", "days": 12}),
        ('"ok": tr', {"city": "Florence", "days": 12}),
        ("ue, ", {"city": "Florence", "days": 12, "ok": True}),
        ('"tags": ["a', {"city": "Florence", "days": 12, "ok": True, "tags": ["a"]}),
        ('\\u00', {"city": "Florence", "days": 12, "ok": True, "tags": ["a"]}),
        ('e9"]}', {"city": "Florence", "days": 12, "ok": True, "tags": ["a\u00e9"]}),
    ]
    for piece, expected in steps:
        assert parser.feed(piece) == expected, piece
    assert parser.complete
    assert parser.close() == json.loads("".join(piece for piece, _ in steps))


def test_nothing_to_show_is_none_and_a_number_waits_for_its_end() -> None:
    parser = orsse.PartialJSONParser()
    assert parser.feed("  ") is None
    assert parser.feed("12") is None
    assert not parser.complete
    assert parser.close() == 12
    parser = orsse.PartialJSONParser()
    assert parser.feed("[1") == []
    assert parser.feed("0") == []
    assert parser.feed("0 ") == [100]


def test_a_long_string_is_shown_as_a_growing_prefix_that_lags_little() -> None:
    text = json.dumps({"content": "é" * 60_000 + "end"}, ensure_ascii=False)
    opening = len('{"content": "')
    parser = orsse.PartialJSONParser()
    shown_before = 0
    for start in range(0, len(text) - 3, 7):
        value = parser.feed(text[start : start + 7])
        if value:
            shown = len(value["content"])
            assert shown >= shown_before
            fed = min(start + 7, len(text) - 2) - opening
            # all of it while short, then never more than 1/16 of what is shown behind
            assert shown == fed if fed <= 1024 else shown * 17 >= fed * 16, (fed, shown)
            shown_before = shown
    parser.feed(text[start + 7 :])
    assert parser.close() == json.loads(text)


def test_exponents_and_big_numbers_equal_json_loads() -> None:
    for text in ["1e2", "1E-2", "-1.5e+10", "0e0", "1.0", "123456789" * 10, "2.5E308", "1e-400"]:
        for offset in range(len(text) + 1):
            assert parse_pieces(cut(text, [offset])) == json.loads(text)


def test_literals_split_everywhere() -> None:
    for word in ["true", "false", "null", "NaN", "Infinity", "-Infinity"]:
        text = f'[{word}, {{"k": {word}}}]'
        for offset in range(len(text) + 1):
            parse_pieces(cut(text, [offset]))


# -- errors ------------------------------------------------------------------------------

BAD = [
    ("", 0),
    ("   ", 3),
    ('{"a" 1}', 5),
    ('{"a": 1,}', 8),
    ("[1,]", 3),
    ("[1 2]", 3),
    ("01", 0),
    ("1.", 0),
    (".5", 0),
    ("+1", 0),
    ("-", 0),
    ("1e", 0),
    ("-NaN", 0),
    ('"abc', 4),
    ('"a\\x"', 2),
    ('"a\\u12G4"', 2),
    ('"\\ud83d\\u12G4"', 7),
    ('"a\nb"', 2),
    ("tru", 3),
    ("trux", 3),
    ("nulL", 3),
    ('{"a": 1}x', 8),
    ("[1]]", 3),
    ("{", 1),
    ('{"a":', 5),
    ("[", 1),
    ("{'a': 1}", 1),
    ("\ufeff{}", 0),
]


@pytest.mark.parametrize("text,position", BAD)
def test_bad_json_raises_naming_the_character(text: str, position: int) -> None:
    with pytest.raises(ValueError):
        json.loads(text)
    for pieces in ([text], list(text), cut(text, [len(text) // 2])):
        parser = orsse.PartialJSONParser()
        with pytest.raises(orsse.PartialJSONError) as caught:
            for piece in pieces:
                parser.feed(piece)
            parser.close()
        error = caught.value
        assert isinstance(error, orsse.OrsseError) and isinstance(error, ValueError)
        assert error.position == position, (text, pieces, error)
        assert f"character {position}" in str(error)
        # the parser stays failed, with the same error
        with pytest.raises(orsse.PartialJSONError) as again:
            parser.feed("1")
        assert again.value is error
        with pytest.raises(orsse.PartialJSONError):
            parser.close()


def test_deep_nesting_is_an_error_not_a_recursion_error() -> None:
    parser = orsse.PartialJSONParser()
    with pytest.raises(orsse.PartialJSONError, match="nested deeper than 500"):
        parser.feed("[" * 100_000)
    assert orsse.PartialJSONParser(max_depth=3).feed("[[[1]]]") == [[[1]]]
    with pytest.raises(orsse.PartialJSONError) as caught:
        orsse.PartialJSONParser(max_depth=3).feed('{"a": {"b": {"c": {')
    assert caught.value.position == 18
    deep = "[" * 500 + "]" * 500
    value = orsse.PartialJSONParser().feed(deep)
    for _ in range(499):
        value = value[0]
    assert value == []


def test_random_mutations_accepted_exactly_when_json_loads_accepts() -> None:
    """The oracle: on text that may be broken, parse to json.loads's value or raise
    PartialJSONError, exactly when json.loads raises, and nothing else ever escapes."""
    rng = random.Random(12)
    alphabet = '{}[]:,"\\ \n0123456789.eE+-truefalsnNaIiy\u00e9\ud83d'
    seeds = [text for text in TRICKY] + [text for _, text in FIXTURE_CALLS if text.strip()][:20]
    for _ in range(3000):
        text = rng.choice(seeds).replace("\x00", "")
        for _ in range(rng.randint(1, 3)):
            at = rng.randint(0, len(text))
            action = rng.random()
            if action < 0.4:
                text = text[:at] + text[at + 1 :]
            elif action < 0.8:
                text = text[:at] + rng.choice(alphabet) + text[at:]
            else:
                text = text[:at]
        try:
            want: Any = json.loads(text)
            ok = True
        except ValueError:
            ok = False
        pieces = cut(text, [rng.randint(0, len(text)) for _ in range(rng.randint(0, 4))])
        parser = orsse.PartialJSONParser()
        try:
            for piece in pieces:
                parser.feed(piece)
            got = parser.close()
        except orsse.PartialJSONError as error:
            assert not ok, (text, pieces, error)
            assert 0 <= error.position <= len(text)
        else:
            assert ok, (text, pieces)
            _equal(got, want)


def test_the_benchmark_arguments_are_valid_json_of_the_size_asked() -> None:
    import importlib.util

    path = FIXTURES.parent / "benchmarks" / "bench_partial_json.py"
    spec = importlib.util.spec_from_file_location("orsse_bench_partial_json", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    for size in (4096, 65536, 100_003):
        text = bench.arguments(size)
        assert len(text) == size
        assert bench.parse_incrementally(bench.pieces_of(text)) == json.loads(text)
