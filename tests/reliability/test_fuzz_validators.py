"""Fuzzing every input validator: the screens' Textual validators and the compose helpers
behind them (phone numbers, destination lists, texts, media URLs).

A validator runs on every keystroke, so it must never raise: it answers valid, or invalid with
a sentence. And what it calls valid must be what the API takes: ASCII digits (Python's
isdigit() and \\d also accept ٣ or ², which no Bandwidth id or area code contains), E.164
numbers, https URLs (http only to this computer).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.reliability.fuzz import fuzz, tricky_text
from wizard.core.phone import normalize_e164
from wizard.core.sms import segment_info
from wizard.engine.validation import (
    MAX_DESTINATIONS,
    MAX_NAME,
    MAX_QUANTITY,
    MAX_TEXT,
    US_STATE_CODES,
    is_loopback_host,
    parse_destinations,
    parse_media_urls,
    text_problem,
)
from wizard.tui.widgets import validators as v

ASCII_DIGITS = re.compile(r"[0-9]+")

inputs = st.one_of(
    tricky_text,
    st.text(max_size=300),
    st.from_regex(r"\A\s?(https?|ftp)://[a-z0-9.\[\]:@-]{0,20}(/[^\s]{0,10})?\s?\Z"),
    st.from_regex(r"\A[+(]?[0-9٣²\- ().]{0,20}\Z"),
    st.sampled_from(
        [
            "http://127.0.0.1:8000/cb",
            "http://[::1]:9/cb",
            "http://[::1/cb",
            "https://x:99999/cb",
            "https://u:p@example.com/cb",
            "https://localhost/cb",
            "9\u0661\u0669",
            "٢٧٦٠٦",
            "²",
            "1" * 5000,
            "+1 919 555 0100, 919-555-0101;(919)5550102",
        ]
    ),
)


def _ascii_int(text: str) -> int:
    assert ASCII_DIGITS.fullmatch(text), f"accepted non-ASCII digits: {text!r}"
    return int(text)


def _account_id(value: str) -> None:
    text = value.strip()
    _ascii_int(text)
    assert len(text) <= 12


def _area_code(value: str) -> None:
    text = value.strip()
    assert re.fullmatch(r"[2-9][0-9]{2}", text), f"not an area code: {text!r}"
    assert text[1:] != "11"


def _quantity(value: str) -> None:
    assert 1 <= _ascii_int(value.strip()) <= MAX_QUANTITY


def _zip(value: str) -> None:
    assert re.fullmatch(r"[0-9]{5}", value.strip()), value


def _state(value: str) -> None:
    assert value.strip().upper() in US_STATE_CODES, value


def _name(value: str) -> None:
    text = value.strip()
    assert text and len(text) <= MAX_NAME and all(ord(ch) >= 32 for ch in text)


def _site_name(value: str) -> None:
    _name(value)
    assert re.fullmatch(r"[A-Za-z0-9. -]+", value.strip()), value


def _required(value: str) -> None:
    assert value.strip() and value == value.strip()


def _callback_url(value: str) -> None:
    text = value.strip()
    parts = urlsplit(text)
    assert parts.scheme in ("http", "https") and parts.hostname
    assert not parts.username and not parts.password
    assert not any(ch.isspace() for ch in text)
    if parts.scheme == "http":
        assert is_loopback_host(parts.hostname)


def _e164(value: str) -> None:
    number = normalize_e164(value)
    assert re.fullmatch(r"\+[1-9][0-9]{6,14}", number), number


def _destinations(value: str) -> None:
    parsed = parse_destinations(value)
    assert parsed.ok and len(parsed.numbers) <= MAX_DESTINATIONS
    assert all(re.fullmatch(r"\+[1-9][0-9]{6,14}", n) for n in parsed.numbers)


def _text_length(value: str) -> None:
    assert value.strip() and len(value) <= MAX_TEXT


VALIDATORS = [
    pytest.param(
        v.AccountId(),
        _account_id,
        id="AccountId",
    ),
    pytest.param(v.Required("thing"), _required, id="Required"),
    pytest.param(v.Name("name"), _name, id="Name"),
    pytest.param(v.SiteName(), _site_name, id="SiteName"),
    pytest.param(v.StateCode(), _state, id="StateCode"),
    pytest.param(v.Zip(), _zip, id="Zip"),
    pytest.param(v.CallbackUrl(), _callback_url, id="CallbackUrl"),
    pytest.param(
        v.AreaCode(),
        _area_code,
        id="AreaCode",
    ),
    pytest.param(
        v.Quantity(),
        _quantity,
        id="Quantity",
    ),
    pytest.param(v.E164(), _e164, id="E164"),
    pytest.param(v.Destinations(), _destinations, id="Destinations"),
    pytest.param(v.TextLength(), _text_length, id="TextLength"),
]


@pytest.mark.parametrize(("validator", "holds_when_valid"), VALIDATORS)
@fuzz(400)
@given(value=inputs)
@example(value="٣٣٣")
@example(value="9\u0661\u0669")
@example(value="²")
@example(value="1" * 5000)
def test_validator_answers_and_what_it_accepts_is_usable(validator, holds_when_valid, value):
    result = validator.validate(value)  # must not raise, whatever was typed
    if result.is_valid:
        holds_when_valid(value)
    else:
        assert result.failure_descriptions, "an invalid value needs a sentence"
        for sentence in result.failure_descriptions:
            assert sentence and (sentence[0].isupper() or sentence[0] in "“\"'+"), sentence
            assert "Traceback" not in sentence and len(sentence) < 400, sentence


@fuzz(400)
@given(value=inputs, region=st.sampled_from(["US", "GB", "ZZ", ""]))
def test_compose_helpers_never_raise_anything_but_their_refusal(value: str, region: str) -> None:
    try:
        number = normalize_e164(value, region)
    except ValueError as error:
        assert str(error) and "Traceback" not in str(error)
    else:
        assert re.fullmatch(r"\+[1-9][0-9]{6,14}", number), number
    parsed = parse_destinations(value, region)
    assert all(error.message for error in parsed.errors)
    info = segment_info(value)
    assert info.segments >= (1 if value else 0) and info.remaining >= 0
    assert text_problem(value) is None or text_problem(value)
    urls, problems = parse_media_urls(value)
    assert all(u.lower().startswith(("http://", "https://")) for u in urls)
    assert all(p.message for p in problems)
