"""The whole check's quick ways of writing a stored JSON text canonically give ``canonical_json``'s text.

``audit verify`` hashes ten years of entries; it reads each stored payload with the C scanner directly and
writes it with the ASCII-only encoder when the stored text allows. Any character either way could write
differently is held here to the one canonical form the hashes were taken of.
"""

from __future__ import annotations

import json

import pytest

from core import trail_check
from core.hashing import canonical_json

VALUES = [
    {"b": 1, "a": [True, None, "x"], "c": {"z": "", "y": -3}},
    {"text": 'line\nbreak\ttab "quoted" back\\slash /slash \b\f\r'},
    {"text": "caf\u00e9 \u2014 \u4e2d \U0001f600"},
    {"text": "del \x7f"},
    {"text": "bell \x07 and nul \x00"},
    {"text": "a lone surrogate \ud800"},
    {"text": "\u2028\u2029"},
    {"unicode key \u00e9": 1, "plain": 2},
    {"numbers": [0, 1, -1, 10**30, 1.5, -0.0, 1e16, 1e-7]},
    [1, "two", {"three": 3}],
    "just text \u00e9",
    12,
    None,
    {},
    [],
]


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_a_stored_text_is_written_as_the_canonical_form_writes_it(value: object, ensure_ascii: bool) -> None:
    stored = json.dumps(value, ensure_ascii=ensure_ascii)
    assert trail_check._canonical_stored(stored) == canonical_json(json.loads(stored))
    assert trail_check._loads(stored) == json.loads(stored)


@pytest.mark.parametrize("stored", ['{"a": "\\u00e9"}', '{"a": "\\u007f"}', '{"a": "\x7f"}', '{"a": "\u00e9"}'])
def test_a_text_with_escapes_or_del_takes_the_canonical_writer(stored: str) -> None:
    assert trail_check._canonical_stored(stored) == canonical_json(json.loads(stored))


@pytest.mark.parametrize("stored", [" {}", "{} ", "\ufeff{}", "{", "{} {}", "NaN", ""])
def test_a_text_that_is_not_one_value_alone_is_read_as_json_loads_reads_it(stored: str) -> None:
    try:
        expected: object = json.loads(stored)
    except ValueError as error:
        with pytest.raises(type(error)):
            trail_check._loads(stored)
    else:
        assert repr(trail_check._loads(stored)) == repr(expected)  # NaN is not equal to itself


DETAILS = [
    {
        "event_id": "5a7d2df5-9d0d-4d3c-94c1-5d11cd70946c",
        "type": "vitals.recorded",
        "content_hash": "a" * 64,
        "summary_hash": "b" * 64,
    },
    {"event_id": "odd id with spaces", "type": "x", "content_hash": "", "summary_hash": "not hex"},
    {"event_id": "caf\u00e9", "type": "t", "content_hash": "c", "summary_hash": "s"},
    {"event_id": "tab\there", "type": "t", "content_hash": "c", "summary_hash": "s"},
    {"event_id": "del\x7f", "type": "t", "content_hash": "c", "summary_hash": "s"},
    {"event_id": 'quote"d', "type": "t", "content_hash": "c", "summary_hash": "s"},
    {"event_id": "e", "type": "t", "content_hash": "c", "summary_hash": "s", "more": "1"},
    {"type": "t", "event_id": "e", "content_hash": "c", "summary_hash": "s"},
    {"event_id": "e", "type": "t", "content_hash": "c"},
]


@pytest.mark.parametrize("detail", DETAILS)
@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_a_care_lines_hash_read_without_json_is_the_writers_hash(detail: dict, ensure_ascii: bool) -> None:
    """Care lines' details are cut at their quotes rather than parsed: whatever the text, the hash is
    ``core.audit.entry_hash``'s, and pieces are only taken from a text that is exactly those four keys."""
    from datetime import UTC, datetime

    from core.audit import entry_hash

    text = json.dumps(detail, ensure_ascii=ensure_ascii)
    at = datetime(2026, 11, 26, 13, 0, 0, 123456, tzinfo=UTC)
    row = (7, "2026-11-26 13:00:00.123456", "actor", "record.written", "ws", "p", "s", text, "0" * 64, "")
    moment = trail_check._Moments(lambda value: None)
    hashed, parsed, facts = trail_check._line_hash(row, moment)
    assert hashed == entry_hash(
        seq=7,
        at=at,
        actor_id="actor",
        action="record.written",
        workstation="ws",
        patient_id="p",
        session_id="s",
        detail=json.loads(text),
        prev_hash="0" * 64,
    )
    if facts is not None:
        assert list(json.loads(text)) == ["event_id", "type", "content_hash", "summary_hash"]
        assert facts == (detail["event_id"], detail["content_hash"], detail["summary_hash"])
    else:
        assert parsed == json.loads(text)


SHAPES = [
    # each: stored texts of one shape (the first is learnt, the rest are filled in), then of others like it
    ['{"b": "1", "a": "two", "c": {"z": "", "y": -3}}', '{"b": "%s", "a": "100%", "c": {"z": "z", "y": -3}}'],
    ['{"a": "1", "b": "2"}', '{"b": "1", "a": "2"}', '{"a": "x: y", "c": "2"}'],  # other keys, same rest
    ['{"a": "1", "a": "2"}', '{"a": "3", "a": ""}'],  # a key twice: the last one counts
    ['{"n": 5, "s": "x"}', '{"n": 6, "s": "x"}', '{"n": 5.0, "s": "y"}', '{"n": 1e2, "s": "y"}'],
    ['["a", "b", {"k": "v", "j": ["w", null, true]}]', '["", "%%", {"k": "v2", "j": ["w2", null, true]}]'],
    ['"just text"', '"other text"', "12", "null", "{}", "[]", '{"": ""}'],
    ['{"a" : "spaced", "b":"tight"}', '{"a" : "x", "b":"y"}'],
    ['{"a": "del \x7f"}', '{"a": "caf\\u00e9"}', '{"a": "tab\\t"}', '{"a": "x"}'],
    # escapes of characters past ASCII (as Python's JSON writer stores them), and of ones that must stay escaped
    [
        '{"a": "plain", "b": "x"}',
        '{"a": "caf\\u00e9 \\u00d7 2", "b": "x"}',
        '{"a": "not treated \\u2014 reviewed", "b": "y"}',
        '{"a": "q\\u0022", "b": "y"}',
        '{"a": "\\u005c", "b": "z"}',
        '{"a": "\\ud83d\\ude00", "b": ""}',
        '{"a": "\\\\u00e9", "b": ""}',
        '{"a": "\\u0001", "b": ""}',
        '{"a": "\\u007f", "b": ""}',
        '{"a": "\\ue000", "b": ""}',
        '{"\\u00e9": "k", "b": "%"}',
        '{"a": "\\u00e9", "b": "\\n"}',
    ],
]


@pytest.mark.parametrize("texts", SHAPES)
def test_a_payload_filled_into_its_learnt_shape_is_written_as_the_canonical_form_writes_it(texts: list[str]) -> None:
    shapes = trail_check._Shapes()
    for _ in range(2):  # learnt, then filled in
        for stored in texts:
            assert shapes.canonical(stored) == canonical_json(json.loads(stored))
    assert shapes  # the shapes were kept


@pytest.mark.parametrize(
    "stored", ["{", '{"a": "1"', '{"a" "1"}', '{"a": "\x01"}', "", '{"a": tru}', '{"a": "\\u12"}', '{"a": "\\uZZZZ"}']
)
def test_a_payload_that_is_not_json_is_refused_as_json_loads_refuses_it(stored: str) -> None:
    shapes = trail_check._Shapes()
    shapes.canonical('{"a": "1"}')
    with pytest.raises(ValueError):
        json.loads(stored)
    with pytest.raises(ValueError):
        shapes.canonical(stored)


@pytest.mark.parametrize("action", ["signature", "account.added", "sign_in"])
@pytest.mark.parametrize(
    "detail",
    [
        {"event_id": "e", "meaning": "not treated \u2014 reviewed", "signed_hash": "a" * 64},
        {"event_id": "e", "meaning": "verified", "signed_hash": "b" * 64},
        {"account_id": "a", "role": "nurse", "first_administrator": True},
        {"reason": 'quote"d \\ and \t'},
        "just text",
    ],
)
def test_a_line_the_walk_takes_nothing_from_is_hashed_as_the_writer_hashed_it(action: str, detail: object) -> None:
    """Lines other than records written (signatures, accounts, sign-ins) only have their hash taken: their
    detail's canonical text comes from its learnt shape, the same hash as ``core.audit.entry_hash``'s."""
    from datetime import UTC, datetime

    from core.audit import entry_hash

    moment = trail_check._Moments(lambda value: None)
    for _ in range(2):  # learnt, then filled in
        text = json.dumps(detail)
        row = (7, "2026-11-26 13:00:00.123456", "actor", action, "ws", None, "s", text, "0" * 64, "")
        hashed, parsed, facts = trail_check._line_hash(row, moment)
        at = datetime(2026, 11, 26, 13, 0, 0, 123456, tzinfo=UTC)
        expected = entry_hash(
            seq=7,
            at=at,
            actor_id="actor",
            action=action,
            workstation="ws",
            patient_id=None,
            session_id="s",
            detail=json.loads(text),
            prev_hash="0" * 64,
        )
        assert (hashed, parsed, facts) == (expected, None, None)
