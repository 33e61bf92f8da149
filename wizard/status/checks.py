"""The judgements `status` makes, as pure functions: a URL, a probe's answer, a number's state.

Kept apart from the collector (which only reads) so each rule can be tested on its own and
says, in one place, what Bandwidth needs and why.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from wizard.bandwidth.campaigns import NUMBER_READY, REGISTERED, NumberRegistration
from wizard.bandwidth.hosts import is_local_url
from wizard.bandwidth.verification import TollFreeStatus
from wizard.callbacks.probe import PROBE_TIMEOUT, ProbeResult
from wizard.status.report import Readiness

PLACEHOLDER_HOSTS = ("example.com", "example.org", "example.net")
"""RFC 2606's documentation domains: a callback URL on them is a sample left in place."""
RESERVED_SUFFIXES = (".example", ".invalid", ".test", ".localhost", ".local")
"""Names that never resolve on the public internet (RFC 2606, RFC 6761, mDNS)."""

CHALLENGE_FIX = (
    'Answer a POST without credentials with 401 and `WWW-Authenticate: Basic realm="..."`; '
    "Bandwidth then repeats it with the application's callback user and password."
)
REACH_FIX = (
    "Check that the server is running and reachable from the internet at that URL (for a "
    "receiver on your computer, a tunnel such as `ngrok http PORT`), or set the application's "
    "callback URL to one that is."
)
SET_URL_FIX = (
    "Set the application's callback URL to your public https server (or a tunnel to "
    "`bw-wizard callbacks`): the wizard's Application step, or the Bandwidth App."
)


@dataclass(frozen=True)
class UrlProblem:
    """Why Bandwidth cannot use a callback URL, known from the URL alone."""

    category: str
    """``missing``, ``invalid``, ``placeholder``, ``reserved``, ``loopback``, ``private``,
    ``http``: verdicts group applications by it."""
    sentence: str


def callback_url_problem(url: str, *, api_is_local: bool) -> UrlProblem | None:
    """Why Bandwidth could not deliver to ``url``, judged from the URL alone; None when it
    might (only a probe can tell more).

    ``api_is_local``: the API is a sandbox on this machine, which can reach loopback and plain
    http, as the wizard's own receiver uses them. No rule here ever resolves a name.
    """
    text = (url or "").strip()
    if not text:
        return UrlProblem("missing", "no callback URL is set")
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower().rstrip(".")
        _ = parts.port
    except ValueError:
        return UrlProblem("invalid", f"{text} is not a valid URL")
    if parts.scheme not in ("http", "https") or not host:
        return UrlProblem("invalid", f"{text} is not an http(s) URL")
    if host in PLACEHOLDER_HOSTS or host.endswith(tuple("." + h for h in PLACEHOLDER_HOSTS)):
        return UrlProblem(
            "placeholder",
            f"{text} is a placeholder ({host} is a documentation domain nobody receives on)",
        )
    if is_local_url(text):
        if api_is_local:
            return None
        return UrlProblem(
            "loopback", f"{text} points at this computer (loopback), which Bandwidth cannot reach"
        )
    if host.endswith(RESERVED_SUFFIXES) or host in {s.lstrip(".") for s in RESERVED_SUFFIXES}:
        return UrlProblem(
            "reserved", f"{text} uses a reserved name ({host}) that never resolves on the internet"
        )
    if not api_is_local:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            address = None
        if address is not None and (address.is_private or address.is_link_local):
            return UrlProblem(
                "private", f"{text} is a private network address, which Bandwidth cannot reach"
            )
        if parts.scheme != "https":
            return UrlProblem(
                "http",
                f"{text} is plain http: Bandwidth delivers callbacks with credentials only "
                "over https",
            )
    return None


@dataclass(frozen=True)
class ProbeJudgement:
    """What a probe's answer means for one application's side of it."""

    ok: bool
    """True when the answer is the one Bandwidth needs."""
    category: str = "ok"
    """``timeout``, ``unreachable``, ``slow``, ``no-credentials``, ``no-challenge``,
    ``open``, ``redirect``, ``status``: verdicts group applications by it."""
    message: str | None = None
    fix: str | None = None
    serious: bool = True
    """False for an answer that loses nothing (events are still delivered) but should change."""


def judge_probe(result: ProbeResult, *, user: str | None) -> ProbeJudgement:
    """Judge an unauthenticated POST's answer for an application whose callback user is
    ``user`` (None: the application sends no credentials).

    With a user, the answer must be 401 with a Basic challenge: only then does Bandwidth send
    the credentials. Without one, it must be 2xx: Bandwidth has nothing to answer a challenge
    with. Either way, within Bandwidth's 10 s.
    """
    url = result.url
    if not result.answered:
        if result.timed_out:
            return ProbeJudgement(
                False,
                "timeout",
                f"{url} did not answer within {PROBE_TIMEOUT:g} s: Bandwidth counts that as a "
                "failed delivery and retries",
                "Answer first (2xx, or 401 to ask for credentials) and do the work after; check "
                "that the server is up.",
            )
        return ProbeJudgement(
            False, "unreachable", f"{url} could not be reached: {result.error}", REACH_FIX
        )
    seconds = result.seconds or 0.0
    if seconds > PROBE_TIMEOUT:
        return ProbeJudgement(
            False,
            "slow",
            f"{url} took {seconds:.1f} s to answer, more than Bandwidth's {PROBE_TIMEOUT:g} s",
            "Answer first (2xx, or 401 to ask for credentials) and do the work after.",
        )
    status = result.status or 0
    if status == 401:
        if result.challenge == "Basic":
            if user:
                return ProbeJudgement(True)
            return ProbeJudgement(
                False,
                "no-credentials",
                f"{url} asks for a password, but the application has no callback credentials, "
                "so Bandwidth has nothing to answer with and every event is refused",
                "Give the application the callback user and password the handler checks (the "
                "Application step), or let the handler accept events without them.",
            )
        said = f"a {result.challenge} challenge" if result.challenge else "no WWW-Authenticate"
        return ProbeJudgement(
            False,
            "no-challenge",
            f"{url} answers 401 with {said}, so Bandwidth never sends its credentials and "
            "every event is refused",
            CHALLENGE_FIX,
        )
    if 200 <= status < 300:
        if not user:
            return ProbeJudgement(True)
        return ProbeJudgement(
            False,
            "open",
            f"{url} accepts events without credentials: Bandwidth never needs to send the "
            "callback password, and anyone who knows the URL can post fake events",
            CHALLENGE_FIX + " Then check the user and password it sends.",
            serious=False,
        )
    if 300 <= status < 400:
        target = f" to {result.location}" if result.location else ""
        return ProbeJudgement(
            False,
            "redirect",
            f"{url} redirects{target} (HTTP {status}): the events do not arrive where it points",
            "Set the final URL (after the redirect) as the application's callback URL.",
        )
    expected = "401 with a Basic challenge" if user else "2xx"
    return ProbeJudgement(
        False,
        "status",
        f"{url} answers HTTP {status} to an event without credentials (expected {expected}): "
        "Bandwidth counts that as a failed delivery",
        CHALLENGE_FIX if user else "Make the handler answer 2xx to Bandwidth's POSTs.",
    )


def local_readiness(
    registration: NumberRegistration | None, campaign_status: str | None
) -> Readiness:
    """A US local number's 10DLC state: on a REGISTERED campaign and SUCCESS, or why not.

    ``registration`` is the number's row of the account's 10DLC number list (None: not on
    any campaign); ``campaign_status`` that campaign's status (None: not in the list).
    """
    if registration is None:
        return Readiness.NO_CAMPAIGN
    status = (registration.status or "").upper()
    if status == "FAILURE":
        return Readiness.CAMPAIGN_FAILED
    if campaign_status is not None and campaign_status.upper() != REGISTERED:
        return Readiness.CAMPAIGN_NOT_REGISTERED
    if status == NUMBER_READY:
        return Readiness.READY
    return Readiness.PENDING_CAMPAIGN


def toll_free_readiness(status: TollFreeStatus | None) -> tuple[Readiness, str]:
    """A toll-free number's verification state, and Bandwidth's reason when it said no."""
    if status is None:
        return Readiness.NOT_VERIFIED, ""
    if status.blocked:
        return Readiness.BLOCKED, status.blocked_reason or ""
    if status.is_verified:
        return Readiness.READY, ""
    if status.is_pending:
        return Readiness.PENDING_VERIFICATION, ""
    if status.is_declined:
        return Readiness.DECLINED, status.decline_reason or ""
    return Readiness.NOT_VERIFIED, ""
