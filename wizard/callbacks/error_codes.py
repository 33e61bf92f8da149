"""Plain sentences for Bandwidth's message-failed error codes, and the advice to give before a send.

A message-failed callback carries only a four-digit `errorCode` and a terse description such as
"forbidden to country". People setting up their first number need to know what it means for them
and what to do next, so every code Bandwidth documents gets a meaning and a next step here, and
codes nobody has seen yet still get a sensible answer from the digit that classifies them
(4xxx: something about the message, the numbers or the account; 5xxx: a service failure).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "KNOWN_CODES",
    "TOLL_FREE_AREA_CODES",
    "ErrorExplanation",
    "carrier_advice",
    "explain_error_code",
    "number_kind",
]


@dataclass(frozen=True)
class ErrorExplanation:
    """What a message-failed code means for the person who sent the message."""

    code: str
    """The code as digits ("4432"), or the text received when it was not a number."""
    meaning: str
    """One plain sentence: what happened."""
    next_step: str
    """One or two plain sentences: what to do about it."""
    known: bool = True
    """False when the meaning was inferred from the code's range rather than looked up."""
    retryable: bool = False
    """True when sending the same message again later may succeed (service failures)."""

    @property
    def summary(self) -> str:
        """`4432: <meaning>` for one-line displays."""
        return f"{self.code}: {self.meaning}"


_REGISTER_10DLC = (
    "Register a 10DLC brand and campaign (Bandwidth Dashboard or your campaign service "
    "provider), assign this number to it, then send again."
)
_VERIFY_TOLL_FREE = (
    "Submit the toll-free number for verification (Bandwidth Dashboard, Toll-Free Verification) "
    "and wait for the status VERIFIED before sending again."
)
_CHECK_NUMBER = "Check the destination number; if it is right, this phone cannot receive texts."
_CONTACT_SUPPORT = "Contact Bandwidth support with the message id so they can look into it."
_SLOW_DOWN = "Send more slowly, stay inside your approved daily and per-minute volumes, then retry."

#: code -> (meaning, next step, retryable)
_CODES: dict[int, tuple[str, str, bool]] = {
    # Bandwidth detected client errors (4xxx): the same request fails the same way again.
    4001: (
        "The service is not allowed for this account or message.",
        "Check that the account and number are enabled for this kind of messaging; "
        + _CONTACT_SUPPORT,
        False,
    ),
    4301: (
        "The text contains characters that cannot be encoded for the destination.",
        "Remove unusual characters (control characters, invalid Unicode) and send again.",
        False,
    ),
    4302: (
        "The from-number is not a routable phone number.",
        "Send from one of your in-service Bandwidth numbers in E.164 form, e.g. +19195551234.",
        False,
    ),
    4303: (
        "The destination is not a routable phone number.",
        "Use a full E.164 number, e.g. +19195551234.",
        False,
    ),
    4350: (
        "The message passed the first checks but could not be sent to this destination.",
        _CHECK_NUMBER,
        False,
    ),
    4360: (
        "The message expired before it could be sent.",
        "Send it again, with a later expiration if you set one.",
        False,
    ),
    4401: (
        "Bandwidth could not route the message, usually because from and to are the same number.",
        "Send to a different number than the one you send from.",
        False,
    ),
    4403: (
        "Messaging is forbidden on the from-number: it is not on this account, not enabled for "
        "messaging, or disconnected.",
        "Send from a number ordered on this account whose location has SMS enabled.",
        False,
    ),
    4404: (
        "Messaging is forbidden to this destination: it is not active or not enabled for texts.",
        _CHECK_NUMBER,
        False,
    ),
    4405: (
        "The from-number is unallocated: it is not an active number in Bandwidth's database.",
        "Send from a number that is in service on this account (the order must be COMPLETE).",
        False,
    ),
    4406: (
        "The destination is a valid North American number that no carrier serves yet.",
        _CHECK_NUMBER,
        False,
    ),
    4407: (
        "The from-number is not associated with this account or not set up to send messages.",
        "Send from a number on this account, in a location with SMS enabled and the messaging "
        "application assigned.",
        False,
    ),
    4408: (
        "The destination number is not set up to receive messages.",
        _CHECK_NUMBER,
        False,
    ),
    4409: (
        "The destination cannot receive this kind of message (most often it does not support MMS).",
        "Send it as a plain text without media.",
        False,
    ),
    4410: (
        "Bandwidth could not download the media.",
        "Open each media URL in a browser to check it is public, then send again.",
        False,
    ),
    4411: (
        "The media attachments are too large in total.",
        "Send smaller or fewer files (keep MMS under about 1 MB in total).",
        False,
    ),
    4412: (
        "The media's content type is not supported.",
        "Use a common type such as image/jpeg, image/png, image/gif or video/mp4.",
        False,
    ),
    4420: (
        "There is no route to the destination's carrier.",
        _CONTACT_SUPPORT,
        False,
    ),
    4421: (
        "This account is not allowed to send to this destination.",
        "Ask Bandwidth support to enable the destination (zone or country) for your account.",
        False,
    ),
    4431: (
        "The account is not provisioned for short-code messaging.",
        "Short codes are provisioned separately: ask Bandwidth support.",
        False,
    ),
    4432: (
        "The account is not allowed to send to this country (or zone).",
        "Send to a number in an enabled country, or ask Bandwidth support to enable "
        "international messaging for your account.",
        False,
    ),
    4433: (
        "The account is not enabled for toll-free messaging.",
        "Ask Bandwidth support to enable toll-free messaging, or send from a local number.",
        False,
    ),
    4434: (
        "Messaging to this toll-free number is not allowed (not enabled or not active).",
        _CHECK_NUMBER,
        False,
    ),
    4435: (
        "The group message has too many recipients.",
        "Send to at most 10 numbers per message.",
        False,
    ),
    4451: (
        "The user id in the request is not valid.",
        "Check the account id (or catapult user id) in the messaging URL.",
        False,
    ),
    4452: (
        "The application id is wrong or belongs to another account.",
        "Use the id of the messaging application created on this account.",
        False,
    ),
    4470: (
        "Bandwidth blocked the message as spam.",
        "Review the content (links, SHAFT topics, repeated text) and your volumes; register the "
        "number (10DLC or toll-free verification) so carriers trust it.",
        False,
    ),
    4476: (
        "The from-number is not registered to a 10DLC campaign.",
        _REGISTER_10DLC,
        False,
    ),
    4481: (
        "The from-number is on Bandwidth's block list after spam or abuse reports.",
        _CONTACT_SUPPORT,
        False,
    ),
    4482: (
        "The destination is blocked from receiving messages.",
        "Remove this number from your recipients.",
        False,
    ),
    4492: (
        "Messages to emergency numbers are forbidden.",
        "Remove the emergency number from your recipients.",
        False,
    ),
    4493: (
        "The sender is not authorised to send messages from this account.",
        "Check the credentials' permissions in the Bandwidth Dashboard.",
        False,
    ),
    # Carrier reported client errors (47xx).
    4700: (
        "The carrier or handset does not support this kind of message.",
        "Try SMS instead of MMS, or another destination.",
        False,
    ),
    4701: (
        "The destination is not reachable or has no SMS service.",
        _CHECK_NUMBER,
        False,
    ),
    4702: (
        "The destination phone is unavailable (off, unreachable, or its storage is full).",
        "Try again later.",
        True,
    ),
    4711: (
        "The carrier could not fetch the media because it is too large.",
        "Send smaller media files.",
        False,
    ),
    4712: (
        "The carrier does not support the media's content type.",
        "Use a common type such as image/jpeg, image/png or image/gif.",
        False,
    ),
    4720: (
        "The carrier says the destination is not a valid address (no such number, or a landline "
        "that cannot receive texts).",
        _CHECK_NUMBER,
        False,
    ),
    4721: (
        "The destination number is deactivated.",
        "Remove this number from your recipients.",
        False,
    ),
    4730: (
        "The carrier has no route to the destination (for example it is roaming).",
        "Try again later.",
        True,
    ),
    4740: (
        "The carrier rejected the from-number as an invalid source.",
        "Check the from-number is an SMS-enabled number on this account, registered for A2P "
        "traffic (10DLC campaign or toll-free verification).",
        False,
    ),
    4750: (
        "The destination carrier rejected the message without a reason.",
        "Check the content and the destination; prepaid phones without credit also do this.",
        False,
    ),
    4751: (
        "The carrier rejected the message as too long.",
        "Send a shorter text.",
        False,
    ),
    4752: (
        "The carrier rejected the message as malformed (for example a blank text).",
        "Send a non-empty text with ordinary characters.",
        False,
    ),
    4770: (
        "The carrier blocked the message as spam.",
        "Review the content and volumes, and make sure the number is registered (10DLC campaign "
        "or toll-free verification).",
        False,
    ),
    4771: (
        "The carrier rejected a shortened URL (bit.ly and the like) in the text.",
        "Use full links on a domain you own.",
        False,
    ),
    4772: (
        "The sender or the receiver is blocked on the carrier's platform.",
        _CONTACT_SUPPORT,
        False,
    ),
    4773: (
        "The 10DLC campaign for this number is not active (pending, rejected or suspended).",
        "Check the campaign status with The Campaign Registry (via the Bandwidth Dashboard) and "
        "send again once it is active.",
        False,
    ),
    4774: (
        "The number's 10DLC provisioning in the industry database is incomplete.",
        _CONTACT_SUPPORT,
        False,
    ),
    4775: (
        "The recipient has opted out of messages from this number (replied STOP).",
        "Stop sending to this number; they can opt back in by replying START.",
        False,
    ),
    4780: (
        "T-Mobile rejected the message: the daily limit for your 10DLC brand was exceeded.",
        _SLOW_DOWN,
        True,
    ),
    4781: (
        "AT&T rejected or throttled the message: your 10DLC campaign's rate limit was exceeded.",
        _SLOW_DOWN,
        True,
    ),
    4785: (
        "The carrier rejected the message for sending too much.",
        _SLOW_DOWN,
        True,
    ),
    4790: (
        "The carrier does not allow this destination to receive short-code messages.",
        "Send from a local or toll-free number instead.",
        False,
    ),
    4791: (
        "The carrier does not allow this short-code campaign.",
        _CONTACT_SUPPORT,
        False,
    ),
    4792: (
        "The short code is not provisioned on the carrier's network.",
        _CONTACT_SUPPORT,
        False,
    ),
    4793: (
        "The short code has expired with the carrier.",
        _CONTACT_SUPPORT,
        False,
    ),
    4795: (
        "The toll-free number is not verified, so carriers block its traffic.",
        _VERIFY_TOLL_FREE,
        False,
    ),
    # Bandwidth service failures (51xx-55xx): trying again may work.
    5100: ("Bandwidth had a temporary application error.", "Send the message again later.", True),
    5101: ("A Bandwidth service was shutting down.", "Send the message again later.", True),
    5106: (
        "Bandwidth could not route the message even after retries.",
        "Send it once more later; if it keeps failing, " + _CONTACT_SUPPORT.lower(),
        True,
    ),
    5111: ("A Bandwidth connection closed mid-way.", "Send the message again later.", True),
    5201: (
        "Bandwidth gave up after retrying delivery.",
        "Send the message again later.",
        True,
    ),
    5211: ("A Bandwidth service was busy.", "Send the message again later.", True),
    5220: ("Bandwidth could not store the message.", "Send the message again later.", True),
    5231: (
        "Bandwidth did not receive every part of a long message.",
        "Send the message again.",
        True,
    ),
    5500: (
        "The destination carrier reported a general failure.",
        "Send it once more later; carriers rarely succeed on repeated retries.",
        True,
    ),
    5501: (
        "No destination was available to deliver the message.",
        "Send it once more later.",
        True,
    ),
    5999: (
        "Bandwidth reported an unknown internal error.",
        "Send it once more later; if it keeps failing, " + _CONTACT_SUPPORT.lower(),
        True,
    ),
    # Carrier reported service failures (56xx).
    5600: (
        "The carrier's service is unavailable (congestion or a full queue).",
        "Send it once more later.",
        True,
    ),
    5610: ("The carrier failed to accept the message.", "Send it once more later.", True),
    5620: ("The carrier's application reported an error.", "Send it once more later.", True),
    5630: ("The carrier never acknowledged the message.", "Send it once more later.", True),
    5650: (
        "The carrier failed to deliver to the phone or its operator.",
        "Send it once more later.",
        True,
    ),
    # Ambiguous (9xxx).
    9902: (
        "No delivery receipt came back from the carrier in time; the message may or may not have "
        "arrived.",
        "Ask the recipient whether it arrived; nothing needs fixing on your side.",
        False,
    ),
    9999: (
        "The carrier reported a failure Bandwidth does not recognise.",
        "Send it once more later; if it keeps failing, " + _CONTACT_SUPPORT.lower(),
        True,
    ),
}

#: Every code with its own explanation (the rest fall back on their range).
KNOWN_CODES: frozenset[int] = frozenset(_CODES)


def explain_error_code(code: int | str | None) -> ErrorExplanation:
    """Meaning and next step for a message-failed `errorCode`, never raising.

    Callbacks send the code as a number, but it passes through JSON and logs, so "4432" and
    " 4432 " are accepted as well; anything else still gets an honest "unknown" answer.
    """
    text = "" if code is None or isinstance(code, bool) else str(code).strip()
    if not re.fullmatch(r"\d{1,6}", text):
        return ErrorExplanation(
            code=text[:40] or "?",
            meaning="Bandwidth sent an error code this wizard does not understand.",
            next_step="Read the description in the callback; " + _CONTACT_SUPPORT.lower(),
            known=False,
        )
    number = int(text)
    if number in _CODES:
        meaning, next_step, retryable = _CODES[number]
        return ErrorExplanation(str(number), meaning, next_step, True, retryable)
    return _by_range(number)


def _by_range(number: int) -> ErrorExplanation:
    code = str(number)
    if 4000 <= number <= 4999:
        who = "the carrier" if 4700 <= number <= 4799 else "Bandwidth"
        return ErrorExplanation(
            code,
            f"{who.capitalize()} refused the message because of something about the message, "
            "the numbers or the account (client-side error).",
            "Sending the same message again will fail the same way: check the numbers, the "
            "content and the number's registration (10DLC campaign or toll-free verification).",
            known=False,
        )
    if 5000 <= number <= 5999:
        return ErrorExplanation(
            code,
            "A carrier or Bandwidth service failed while handling the message (service error).",
            "Send it once more later; if it keeps failing, " + _CONTACT_SUPPORT.lower(),
            known=False,
            retryable=True,
        )
    if 9000 <= number <= 9999:
        return ErrorExplanation(
            code,
            "The message failed downstream for a reason the carrier did not make clear.",
            "Send it once more later; if it keeps failing, " + _CONTACT_SUPPORT.lower(),
            known=False,
            retryable=True,
        )
    return ErrorExplanation(
        code,
        "Bandwidth sent an error code outside the documented ranges.",
        "Read the description in the callback; " + _CONTACT_SUPPORT.lower(),
        known=False,
    )


# -- before sending ---------------------------------------------------------------------------

#: North American toll-free area codes (messages from them need toll-free verification).
TOLL_FREE_AREA_CODES: frozenset[str] = frozenset({"800", "888", "877", "866", "855", "844", "833"})


def number_kind(number: str) -> str:
    """Classify a number: "toll-free", "short-code", "local" (North American) or "other".

    Only the shape of the number matters: carriers treat these three kinds by different rules.
    """
    digits = re.sub(r"\D", "", number or "")
    if 5 <= len(digits) <= 6 and not (number or "").strip().startswith("+"):
        return "short-code"
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) == 10:
        return "toll-free" if digits[:3] in TOLL_FREE_AREA_CODES else "local"
    return "other"


_OUTCOME = (
    "Bandwidth has no public test host, so this message goes to real carriers. The 202 answer "
    "only means Bandwidth queued it: the message-delivered or message-failed callback is the "
    "outcome, so keep the callback receiver running and reachable."
)


def carrier_advice(from_number: str) -> str:
    """What `from_number` needs before US carriers let its messages through, as plain text.

    Shown before the first real (non-sandbox) send: an unregistered number is the commonest
    reason a correct setup still ends in message-failed.
    """
    kind = number_kind(from_number)
    shown = from_number.strip() or "this number"
    if kind == "toll-free":
        need = (
            f"{shown} is a toll-free number: US carriers block its messages until it passes "
            "toll-free verification (status VERIFIED in the Bandwidth Dashboard); unverified "
            "messages fail with error 4795, and 4433 means the account is not enabled for "
            "toll-free messaging."
        )
    elif kind == "short-code":
        need = (
            f"{shown} is a short code: short codes are provisioned separately with the carriers "
            "through Bandwidth support, and only work once that is done."
        )
    elif kind == "local":
        need = (
            f"{shown} is a local (10DLC) number: US carriers block its messages unless it is "
            "assigned to a registered 10DLC campaign (brand and campaign via the Bandwidth "
            "Dashboard); otherwise messages fail with error 4476, 4773 (inactive campaign) or "
            "4774 (provisioning incomplete)."
        )
    else:
        need = (
            f"{shown} is not a North American number: check with Bandwidth support which "
            "registration its country requires before sending."
        )
    return f"{need} {_OUTCOME}"
