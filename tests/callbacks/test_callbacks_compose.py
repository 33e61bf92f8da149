"""Composing a message: E.164 normalisation, destination lists, segment estimates, limits."""

from __future__ import annotations

import pytest

from wizard.core.phone import normalize_e164
from wizard.core.sms import segment_info
from wizard.engine.validation import (
    MAX_DESTINATIONS,
    MAX_TEXT,
    parse_destinations,
    parse_media_urls,
    text_problem,
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("919-555-1234", "+19195551234"),
        ("(919) 555 1234", "+19195551234"),
        ("(919) 555-1234", "+19195551234"),
        ("919.555.1234", "+19195551234"),
        ("9195551234", "+19195551234"),
        ("+1 919 555 1234", "+19195551234"),
        ("+1 (919) 555-1234", "+19195551234"),
        ("+19195551234", "+19195551234"),
        ("1 919 555 1234", "+19195551234"),
        ("19195551234", "+19195551234"),
        ("1-919-555-1234", "+19195551234"),
        ("  919 555 1234  ", "+19195551234"),
        ("+1 800 555 0199", "+18005550199"),
        ("+44 20 7183 8750", "+442071838750"),
        ("+1 919 555 4432", "+19195554432"),  # a sandbox test destination
    ],
)
def test_numbers_are_normalised_to_e164(typed, expected):
    assert normalize_e164(typed) == expected


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("", "Enter a phone number"),
        ("   ", "Enter a phone number"),
        ("abc", "is not a phone number"),
        ("12345", "too few digits"),
        ("555-1234", "too few digits"),
        ("919 555 12345", "too many digits"),
        ("+1 123 555 1234", "area code cannot start with 1"),
        ("(023) 555-1234", "area code cannot start with 0"),
        ("+999 1234 5678", "unknown country code"),
        ("919-555-1234 ext. 5", "extension"),
        ("9" * 60, "too long"),
        ("+52 345 678 903", "too few digits"),
        ("+1 555 444 3333", "not a phone number in use"),
        ("919-055-1234", "after the area code cannot start with 0"),
    ],
)
def test_invalid_numbers_say_why_in_a_sentence(typed, words):
    with pytest.raises(ValueError) as caught:
        normalize_e164(typed)
    message = str(caught.value)
    assert words in message
    assert message.endswith(".")
    assert "Traceback" not in message and "NumberParseException" not in message


def test_another_default_region():
    assert normalize_e164("020 7183 8750", default_region="GB") == "+442071838750"


def test_destination_lists_split_on_commas_newlines_and_spaces():
    parsed = parse_destinations("919-555-1234, (919) 555 0100\n+19195550101; 9195550102")
    assert parsed.ok
    assert parsed.numbers == ("+19195551234", "+19195550100", "+19195550101", "+19195550102")

    spaced = parse_destinations("+19195550100 +19195550101 9195550102")
    assert spaced.numbers == ("+19195550100", "+19195550101", "+19195550102")


def test_destination_lists_report_each_bad_item_and_drop_duplicates():
    parsed = parse_destinations("919-555-1234, abc, 12345, +1 919 555 1234, 9195551234")
    assert parsed.numbers == ("+19195551234",)
    assert parsed.duplicates == ("+19195551234",)
    assert [error.item for error in parsed.errors] == ["abc", "12345"]
    assert "is not a phone number" in parsed.errors[0].message
    assert "too few digits" in parsed.errors[1].message
    assert not parsed.ok


def test_destination_lists_keep_to_the_limit():
    numbers = ", ".join(f"919555{index:04d}" for index in range(100, 100 + MAX_DESTINATIONS + 2))
    parsed = parse_destinations(numbers)
    assert len(parsed.numbers) == MAX_DESTINATIONS + 2
    (error,) = parsed.errors
    assert error.item == "" and "at most 10" in error.message and "remove 2" in error.message
    assert parse_destinations(", ".join(numbers.split(", ")[:MAX_DESTINATIONS])).ok


def test_an_empty_destination_list_asks_for_a_number():
    parsed = parse_destinations(" ,, \n")
    assert not parsed.ok and "at least one" in parsed.errors[0].message


# -- segments --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoding", "segments", "per_segment", "units"),
    [
        ("", "GSM-7", 0, 160, 0),
        ("a", "GSM-7", 1, 160, 1),
        ("a" * 160, "GSM-7", 1, 160, 160),
        ("a" * 161, "GSM-7", 2, 153, 161),
        ("a" * 306, "GSM-7", 2, 153, 306),
        ("a" * 307, "GSM-7", 3, 153, 307),
        ("@£$¥èéùìòÇ", "GSM-7", 1, 160, 10),
        # Extension characters cost two septets.
        ("€" * 80, "GSM-7", 1, 160, 160),
        ("€" * 80 + "a", "GSM-7", 2, 153, 161),
        ("a" * 159 + "{", "GSM-7", 2, 153, 161),
        ("a" * 158 + "[", "GSM-7", 1, 160, 160),
        # An escape pair is never split: 152 + 2 does not fit in 153, so it opens segment 2.
        ("a" * 152 + "^" + "a" * 152, "GSM-7", 3, 153, 306),
        ("a" * 151 + "^" + "a" * 153, "GSM-7", 2, 153, 306),
        # Anything outside GSM-7 switches the whole text to UCS-2.
        ("é" * 70, "GSM-7", 1, 160, 70),
        ("ā", "UCS-2", 1, 70, 1),
        ("ā" * 70, "UCS-2", 1, 70, 70),
        ("ā" * 71, "UCS-2", 2, 67, 71),
        ("ā" * 134, "UCS-2", 2, 67, 134),
        ("ā" * 135, "UCS-2", 3, 67, 135),
        ("a" * 69 + "😀", "UCS-2", 2, 67, 71),
        ("😀" * 35, "UCS-2", 1, 70, 70),
        # A surrogate pair is never split: 66 + 2 does not fit in 67.
        ("a" * 66 + "😀" + "a" * 66, "UCS-2", 3, 67, 134),
        ("Hello, 世界", "UCS-2", 1, 70, 9),
    ],
)
def test_segment_estimates(text, encoding, segments, per_segment, units):
    info = segment_info(text)
    assert (info.encoding, info.segments, info.per_segment, info.units) == (
        encoding,
        segments,
        per_segment,
        units,
    )
    assert info.characters == len(text)
    assert 0 <= info.remaining <= per_segment


def test_remaining_counts_down_within_the_last_segment():
    assert segment_info("a" * 150).remaining == 10
    assert segment_info("a" * 160).remaining == 0
    assert segment_info("a" * 161).remaining == 153 - 8


def test_text_limits():
    assert text_problem("hello") is None
    assert text_problem("x" * MAX_TEXT) is None
    too_long = text_problem("x" * (MAX_TEXT + 3))
    assert too_long and "2048" in too_long and "remove 3" in too_long
    assert text_problem("   ") and "Write some text" in text_problem("   ")
    assert text_problem("", has_media=True) is None


def test_media_urls():
    urls, errors = parse_media_urls(
        "https://example.com/a.png, http://x.org/b.gif\nftp://nope/c.png https://example.com/a.png"
    )
    assert urls == ("https://example.com/a.png",)
    assert [e.item for e in errors] == ["http://x.org/b.gif", "ftp://nope/c.png"]
    assert parse_media_urls("") == ((), ())
