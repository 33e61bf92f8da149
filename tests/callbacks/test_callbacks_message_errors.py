"""Every message-failed code in the notes has a plain meaning and a next step; unknown codes
fall back on their range; the pre-send advice matches the kind of from-number."""

from __future__ import annotations

import pytest

from wizard.callbacks.error_codes import (
    KNOWN_CODES,
    TOLL_FREE_AREA_CODES,
    carrier_advice,
    explain_error_code,
    number_kind,
)

#: Every code named in bandwidth-api-notes.md ("Message callbacks", "Why a first message fails").
CODES_IN_THE_NOTES = {
    4403: "forbidden",
    4405: "unallocated",
    4407: "not associated with this account",
    4432: "country",
    4433: "toll-free",
    4452: "application id",
    4470: "spam",
    4476: "10DLC campaign",
    4720: "not a valid address",
    4770: "spam",
    4773: "campaign",
    4774: "10DLC provisioning",
    4775: "opted out",
    4780: "T-Mobile",
    4781: "AT&T",
    4785: "sending too much",
    4795: "not verified",
    9902: "delivery receipt",
    9999: "does not recognise",
}


@pytest.mark.parametrize("code", sorted(CODES_IN_THE_NOTES))
def test_every_code_in_the_notes_is_explained(code):
    for given in (code, str(code), f" {code} "):
        explanation = explain_error_code(given)
        assert explanation.code == str(code)
        assert explanation.known
        assert CODES_IN_THE_NOTES[code] in explanation.meaning
        assert explanation.meaning.endswith(".") and explanation.next_step.endswith(".")
        assert explanation.summary == f"{code}: {explanation.meaning}"


def test_every_known_code_reads_as_sentences():
    assert set(CODES_IN_THE_NOTES) <= KNOWN_CODES
    for code in KNOWN_CODES:
        explanation = explain_error_code(code)
        assert explanation.meaning[0].isupper() and explanation.meaning.endswith("."), code
        assert explanation.next_step[0].isupper() and explanation.next_step.endswith("."), code


def test_5xxx_codes_in_the_docs_are_carrier_or_service_failures_worth_one_retry():
    for code in (5100, 5500, 5600, 5650, 5999):
        explanation = explain_error_code(code)
        assert explanation.known and explanation.retryable


@pytest.mark.parametrize(
    ("code", "words", "retryable"),
    [
        (4999, "client-side", False),
        (4123, "Bandwidth refused", False),
        (4799, "The carrier refused", False),
        (5432, "service error", True),
        (5001, "carrier", True),
        (9123, "did not make clear", True),
        (1234, "outside the documented ranges", False),
    ],
)
def test_unknown_codes_fall_back_on_their_range(code, words, retryable):
    explanation = explain_error_code(code)
    assert not explanation.known
    assert words in explanation.meaning
    assert explanation.retryable is retryable
    assert explanation.next_step


@pytest.mark.parametrize("odd", [None, "", "abc", True, 44.32, "4432x", [4432]])
def test_garbage_codes_never_raise(odd):
    explanation = explain_error_code(odd)
    assert not explanation.known and explanation.meaning and explanation.next_step


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        ("+19195551234", "local"),
        ("9195551234", "local"),
        ("+18005550199", "toll-free"),
        ("+1 888 555 0199", "toll-free"),
        ("12345", "short-code"),
        ("123456", "short-code"),
        ("+442071838750", "other"),
        ("", "other"),
    ],
)
def test_number_kinds(number, kind):
    assert number_kind(number) == kind


@pytest.mark.parametrize("area", sorted(TOLL_FREE_AREA_CODES))
def test_toll_free_advice_asks_for_verification(area):
    advice = carrier_advice(f"+1{area}5550199")
    assert "toll-free verification" in advice and "4795" in advice
    assert "10DLC" not in advice


def test_local_advice_asks_for_a_10dlc_campaign():
    advice = carrier_advice("+19195551234")
    assert "registered 10DLC campaign" in advice and "+19195551234" in advice
    assert "toll-free verification" not in advice


def test_short_codes_are_provisioned_separately():
    assert "provisioned separately" in carrier_advice("12345")


def test_every_piece_of_advice_says_the_callback_is_the_outcome():
    assert set(TOLL_FREE_AREA_CODES) == {"800", "888", "877", "866", "855", "844", "833"}
    for number in ("+19195551234", "+18885550199", "12345", "+442071838750"):
        advice = carrier_advice(number)
        assert "no public test host" in advice
        assert "202" in advice and "message-delivered or message-failed callback" in advice
