"""The codes a first send meets each get a plain sentence and a next step."""

from __future__ import annotations

import pytest

from wizard.bandwidth import DELIVERY_HINTS, delivery_hint, toll_free_decline_hint
from wizard.bandwidth.hints import CODE_HINTS, forbidden_hint, kind_for


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("4476", "TN option order"),
        ("4773", "REGISTERED"),
        ("4774", "SUCCESS"),
        ("5229", "TN option order"),
        ("5620", "T-Mobile"),
        ("4795", "toll-free verification"),
        ("4433", "toll-free messaging"),
    ],
)
def test_first_send_delivery_codes(code: str, words: str) -> None:
    hint = delivery_hint(code)
    assert hint is not None and hint.code == code
    assert hint.meaning.endswith(".") and hint.next_step.endswith(".")
    assert words in hint.sentence
    assert delivery_hint(int(code)) == hint


def test_other_delivery_codes_are_left_to_the_general_table() -> None:
    assert delivery_hint("4720") is None and delivery_hint(None) is None
    assert set(DELIVERY_HINTS) == {"4476", "4773", "4774", "5229", "5620", "4795", "4433"}


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("13638", "without A2P settings"),
        ("1022", "E.164"),
        ("5076", "does not belong to this account"),
        ("5132", "enable SMS on the location"),
        ("5133", "DefaultOn or DefaultOff"),
        ("12192", "REGISTERED"),
        ("13639", "REGISTERED"),
        ("12220", "rejected"),
        ("1000", "send it again"),
        ("1010", "error id"),
    ],
)
def test_tn_option_and_location_codes(code: str, words: str) -> None:
    assert words in CODE_HINTS[code]


@pytest.mark.parametrize(
    ("code", "resubmit", "words"),
    [
        (511, True, "resubmit the request"),
        (1101, True, "business details"),
        (1000, True, "send the request again"),
        (1001, None, "was cancelled"),
        (1002, False, "20 to 30 minutes"),
        (511, False, "may not be resubmitted"),
        (None, None, "correct what the reason names"),
    ],
)
def test_toll_free_declines(code: int | None, resubmit: bool | None, words: str) -> None:
    hint = toll_free_decline_hint(code, "Disallowed Content - Gambling.", resubmit_allowed=resubmit)
    assert words in hint
    assert hint.startswith("Bandwidth declined the verification (Disallowed Content - Gambling)")


def test_kinds() -> None:
    assert kind_for(401, None) == "auth"
    assert kind_for(403, None) == "forbidden"
    assert kind_for(400, "13638") == "validation"
    assert kind_for(200, "forbidden") == "forbidden"


def test_forbidden_wording_never_says_not_registered() -> None:
    for description in ("", "is not enabled on account 1", "direct customer is not enabled"):
        hint = forbidden_hint("Campaign Management", description)
        assert hint.startswith("Cannot check") and "not registered" not in hint
