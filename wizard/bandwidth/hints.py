"""Turn a Bandwidth failure into the next thing a person should do.

Bandwidth's descriptions say what broke ("The SiteId submitted is invalid.") but rarely what to
do about it, and some fixes are outside the API entirely (13609 needs a support ticket, a
missing role needs an administrator). The wording lives here, in tables, so the screens and
headless mode give the same advice.

Three families of codes meet a first send, and each has its own table:

- :data:`CODE_HINTS`: codes in an HTTP answer (Dashboard XML ``ErrorCode``/``Code``, JSON
  ``type``), including TN option order errors, whose per-number codes arrive in a 200 answer;
- :data:`DELIVERY_HINTS`: the ``errorCode`` of a ``message-failed`` callback that a number not
  yet allowed to send produces (10DLC, toll-free verification);
- :func:`toll_free_decline_hint`: the ``denialStatusCode`` of a declined toll-free
  verification, where what to do depends on ``resubmitAllowed``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

#: Where a person makes the credential the wizard signs in with (dev.bandwidth.com,
#: account/credentials/management). Said wherever a credential is refused or lacks a role.
API_CREDENTIALS_PLACE = "Bandwidth App > Account > API Credentials"

#: Bandwidth's upgrade path for a Bandwidth Build trial (Bandwidth/cli AGENTS.md).
UPGRADE_URL = "https://www.bandwidth.com/talk-to-an-expert/"

_RETIRED_API_USERS = (
    "Bandwidth retired API users (username and password) on 2026-12-02: create API "
    f"Credentials ({API_CREDENTIALS_PLACE}) and sign in with their client id and client "
    "secret instead."
)

_NO_SMS_A2P = (
    "enable SMS on the location without A2P settings (no A2pLongCode, A2pMessageClass or "
    "A2pCampaignId: the wizard's default), and tie each number to a campaign afterwards with a "
    "TN option order"
)

#: Next steps for Bandwidth error codes, keyed by the code as the API sends it.
CODE_HINTS: dict[str, str] = {
    # -- the guide's steps ------------------------------------------------------------------
    "13609": (
        "HTTP messaging is not enabled on this Bandwidth account, and only Bandwidth support can "
        "turn it on: open a support ticket asking them to enable HTTP messaging (Messaging 2.0) "
        "for the account, then run this step again."
    ),
    "5020": (
        "The sub-account has no default location, so the numbers have nowhere to go: create a "
        "location with 'default location' set (the location step does this), then order again."
    ),
    "5016": (
        "That sub-account (SiteId) does not exist on this account: pick one from the list of "
        "sub-accounts, or check the account id."
    ),
    "12806": "The application needs a name: enter an application name and try again.",
    "13645": (
        "The location must have SMS enabled with protocol HTTP before an application can be "
        "assigned: run the 'Enable SMS' step first, then assign the application again."
    ),
    "4010": (
        "The number search was rejected: use a three-digit US area code (for example 919) and a "
        "quantity of at least 1."
    ),
    "4004": (
        "The toll-free search was rejected: use a three-character pattern that starts with 8, "
        "such as 8** or 87*, and a quantity of at least 1."
    ),
    "4023": (
        "Bandwidth does not sell new numbers in that area right now: search another area code."
    ),
    "12016": "That sub-account does not exist on this account: pick one from the list.",
    "13629": (
        "That application does not exist on this account: pick one from the list of "
        "applications, or create it again."
    ),
    # -- SMS feature and location A2P settings (numbers.yml, numbers/errors.mdx) --------------
    "13638": (
        "Bandwidth wants a 10DLC campaign id because these SMS settings switch on A2P "
        "long-code, toll-free or short-code messaging with A2P settings for the whole location: "
        f"{_NO_SMS_A2P}; or, if the location must carry A2P settings, add A2pCampaignId with a "
        "REGISTERED campaign."
    ),
    "13637": (
        "A campaign id was sent for a location whose A2P long-code, toll-free and short-code "
        f"messaging are all off: leave the campaign id out, or {_NO_SMS_A2P}."
    ),
    "13639": (
        "That campaign id is not one of this account's authorized campaigns: pick a REGISTERED "
        "campaign from the account's 10DLC campaign list."
    ),
    "13640": (
        "That A2P message class is not authorized for this account: use the message class "
        "Bandwidth shows for the campaign, or leave it out."
    ),
    "13641": (
        f"An A2P message class is needed once A2pLongCode is on: {_NO_SMS_A2P}, or send the "
        "campaign's message class with it."
    ),
    # -- TN option orders: assigning a number to a 10DLC campaign ------------------------------
    "1022": (
        "The telephone number is not in the form the TN option order wants: send it in E.164 "
        "with the + prefix (for example +19195551234)."
    ),
    "5076": (
        "That number does not belong to this account, so its options cannot be changed: check "
        "the number (it must be one the account ordered and has in service)."
    ),
    "5081": "A number format in the TN option order is invalid: check the numbers and send again.",
    "5115": (
        "The TN option order changed nothing for that number: it needs at least one option, "
        "such as the campaign's A2P settings."
    ),
    "5132": (
        "SMS is not on for that number's location: enable SMS on the location (the 'Enable SMS' "
        "step), then assign the number to the campaign again."
    ),
    "5133": (
        "The number's location is not set up for A2P long-code messaging: set the location's "
        "A2P long code to DefaultOn or DefaultOff in the Bandwidth App (location > SMS "
        "settings), then assign the number again."
    ),
    "5139": (
        "A2P (10DLC) messaging is not enabled on this account: ask Bandwidth support or your "
        "account manager to enable it, then assign the number again."
    ),
    "12128": (
        "That campaign id is not one of this account's authorized campaigns: pick a REGISTERED "
        "campaign from the account's 10DLC campaign list."
    ),
    "12129": (
        "That A2P message class is not authorized for this account: use the message class "
        "Bandwidth shows for the campaign."
    ),
    "12192": (
        "That campaign is not active (pending, expired or suspended), so numbers cannot be "
        "assigned to it: pick a REGISTERED campaign, or wait until this one is registered."
    ),
    "12220": (
        "The campaign was rejected by the carriers' review (DCA2): fix the campaign in the "
        "Bandwidth App and have it reviewed again, or pick another REGISTERED campaign."
    ),
    "1000": "Bandwidth had an internal error on this order: wait a minute and send it again.",
    "1001": (
        "Bandwidth denied access to this operation: check that the API credential has the "
        f"needed role ({API_CREDENTIALS_PLACE})."
    ),
    "1010": (
        "Something unexpected happened on Bandwidth's side and was logged with an error id: "
        "contact Bandwidth support with the error id from the description."
    ),
    "1019": "Bandwidth could not read the request: check the values sent and try again.",
    # -- messaging API (JSON "type") ------------------------------------------------------------
    "request-validation": "Correct the fields listed and send again.",
    "max-message-queue-size-exceeded": (
        "The account's message queue is full (messages are limited per minute): wait a minute "
        "and send again, or ask Bandwidth support for a higher rate."
    ),
}

#: Bandwidth refuses an SMS feature without A2P settings on an account it set up as A2P-only
#: ("A2pOnly account %s required A2P enabled on location", numbers.yml
#: UpdateSipPeerSmsSettings); that answer carries no code, so it is recognised by its words.
A2P_ONLY_HINT = (
    "This account is A2P-only, so every location needs 10DLC settings: enable SMS with "
    "A2pLongCode DefaultOn, the campaign's message class and a REGISTERED campaign id."
)

#: Kinds decided by the Bandwidth code when the HTTP status alone does not say (2xx, 400).
CODE_KINDS: dict[str, str] = {
    "13609": "validation",
    "5020": "validation",
    "5016": "validation",
    "12806": "validation",
    "13645": "validation",
    "4010": "validation",
    "4004": "validation",
    "13638": "validation",
    "13637": "validation",
    "13639": "validation",
    "13641": "validation",
    "12016": "not_found",
    "13629": "not_found",
    "request-validation": "validation",
    "unauthorized": "auth",
    "forbidden": "forbidden",
    "max-message-queue-size-exceeded": "rate_limited",
}


@dataclass(frozen=True)
class DeliveryHint:
    """What a ``message-failed`` code means for a first send, and what makes it go away."""

    code: str
    meaning: str
    next_step: str

    @property
    def sentence(self) -> str:
        return f"{self.meaning} {self.next_step}"


_ASSIGN = (
    "Assign the number to a REGISTERED 10DLC campaign with a TN option order (the Ready to send "
    "step does this), wait until it reads SUCCESS on the campaign, then send again."
)

#: The ``message-failed`` codes a number that is not yet allowed to send meets first
#: (bandwidth-2026.md section 4; messaging/errors.mdx; Bandwidth/cli AGENTS.md).
DELIVERY_HINTS: dict[str, DeliveryHint] = {
    "4476": DeliveryHint(
        "4476",
        "The from-number is not assigned to a registered 10DLC campaign, so US carriers "
        "refuse its texts.",
        _ASSIGN,
    ),
    "4773": DeliveryHint(
        "4773",
        "The number's 10DLC campaign is not active for this destination (pending, rejected "
        "or suspended).",
        "Check the campaign's status in the Bandwidth App (or pick a REGISTERED campaign and "
        "assign the number to it), then send again.",
    ),
    "4774": DeliveryHint(
        "4774",
        "The number's 10DLC provisioning in the industry database is incomplete.",
        "Wait until the number reads SUCCESS on its campaign; if it stays this way, ask "
        "Bandwidth support to check the number's 10DLC provisioning.",
    ),
    "5229": DeliveryHint(
        "5229",
        "Bandwidth could not provision the number onto its 10DLC campaign (campaign suspended, "
        "number on another campaign, or a partner error).",
        "Look at the number's status on the campaign; assign it again with a TN option order, "
        "or ask Bandwidth support with the message id.",
    ),
    "5620": DeliveryHint(
        "5620",
        "T-Mobile blocked the message: the from-number is not registered for 10DLC (T-Mobile "
        "blocks unregistered numbers outright).",
        _ASSIGN,
    ),
    "4795": DeliveryHint(
        "4795",
        "The toll-free number is not verified, and traffic from unverified toll-free numbers "
        "is blocked.",
        "Submit the number for toll-free verification (the Ready to send step does this) and "
        "send again once its status is VERIFIED; review takes days.",
    ),
    "4433": DeliveryHint(
        "4433",
        "The account is not enabled for toll-free messaging.",
        "Ask Bandwidth support to enable toll-free messaging on the account, or send from a "
        "local number assigned to a 10DLC campaign.",
    ),
}


def delivery_hint(code: str | int | None) -> DeliveryHint | None:
    """The first-send explanation for a ``message-failed`` code, when it is one of those."""
    if code is None:
        return None
    return DELIVERY_HINTS.get(str(code).strip())


def toll_free_decline_hint(
    code: int | str | None, description: str = "", *, resubmit_allowed: bool | None = None
) -> str:
    """The next step for a declined toll-free verification.

    Bandwidth's decline codes (support article "toll-free verification rejection reasons")
    group as: 1000 submission timed out, 1001 cancelled by the customer, 1002 number not
    provisioned to the account, 11xx business information, and content or opt-in problems
    above that. Whether a fixed request may be sent again is Bandwidth's call, given in
    ``resubmitAllowed``; the wording follows it rather than guessing from the code.
    """
    number = str(code).strip() if code is not None else ""
    reason = description.strip().rstrip(".")
    said = (
        f"Bandwidth declined the verification ({reason})"
        if reason
        else ("Bandwidth declined the verification")
    )
    if number == "1002":
        return (
            f"{said}: the number is not provisioned to this account yet. Wait 20 to 30 minutes "
            "after ordering a toll-free number before submitting; if it persists, open a "
            "Bandwidth support ticket."
        )
    if number == "1001":
        return f"{said}: the request was cancelled. Submit a new request if you still need it."
    if resubmit_allowed is False:
        return (
            f"{said}, and this request may not be resubmitted. Contact Bandwidth support to "
            "discuss it, or verify a different toll-free number (or use a local number on a "
            "10DLC campaign)."
        )
    if number.startswith("11"):
        fix = "correct the business details (name, address, website, contact) so they match"
    elif number == "1000":
        fix = "send the request again"
    else:
        fix = "correct what the reason names"
    return (
        f"{said}: {fix}, then resubmit the request (resubmission is allowed for 7 days after "
        "the decline)."
    )


def kind_for(status: int | None, code: str | None) -> str:
    """Classify a failed answer so callers can pick an exit code without parsing text."""
    if status == 401:
        return "auth"
    if status == 403:
        return "forbidden"
    if status == 404:
        return "not_found"
    if status == 409:
        return "conflict"
    if status == 429:
        return "rate_limited"
    if status is not None and status >= 500:
        return "server"
    if code and code in CODE_KINDS:
        return CODE_KINDS[code]
    if status in (400, 422):
        return "validation"
    return "general"


def credential_phrase(api: str, auth_scheme: str, generation: str = "current") -> str:
    """Name the credential set a request used, so a 401 says which one to fix.

    ``api`` is ``"dashboard"``, ``"messaging"``, ``"platform"`` or ``"oauth"`` (the token
    endpoint); ``auth_scheme`` is ``"basic"`` or ``"oauth"``; ``generation`` is ``"guide"``
    (2018 catapult host, token:secret) or ``"current"``.
    """
    if auth_scheme == "oauth" or api == "oauth":
        return "the API Credentials' client id and client secret"
    if api == "messaging" and generation == "guide":
        return "the retired Voice & Messaging API token and secret (the guide's catapult API)"
    return "an API user's username and password (retired by Bandwidth on 2026-12-02)"


def forbidden_hint(role: str | None, description: str = "", *, build_trial: bool = False) -> str:
    """The next step for a 403: a role the credential lacks, or a feature the account lacks.

    The 10DLC endpoints word each cause differently (Bandwidth/cli ``cmd/tendlc/helpers.go``);
    whichever it is, the check could not be made, which is not the same as "not registered".
    On a Bandwidth Build trial the cause is the plan, not a role (Bandwidth/cli
    ``internal/cmdutil/featurelimit.go`` Wrap403), so asking for a role would not help.
    """
    if build_trial:
        return (
            "Not available on a Bandwidth Build trial: it is voice-only, so messaging, numbers, "
            f"10DLC and toll-free verification need a full Bandwidth account ({UPGRADE_URL})."
        )
    text = description.lower()
    if "registration center" in text:
        return (
            "Cannot check: the account is not enabled for Bandwidth's Registration Center. Ask "
            "your Bandwidth account manager to enable it; until then, check 10DLC campaigns in "
            "the Bandwidth App."
        )
    if "import customer is not enabled" in text:
        return (
            "Cannot check: these 10DLC endpoints are for accounts that import campaigns "
            "registered at The Campaign Registry. Check campaigns in the Bandwidth App, or ask "
            "your account manager."
        )
    if "direct customer is not enabled" in text:
        return (
            "Cannot check: the account is set up to import campaigns from The Campaign Registry, "
            "not to register them with Bandwidth. Ask your account manager which endpoints apply."
        )
    if "is not enabled on account" in text:
        return (
            "Cannot check: 10DLC campaign management is not enabled on this account. Ask your "
            "Bandwidth account manager to enable messaging and campaign management."
        )
    which = f"the {role} role" if role else "the role this needs"
    return (
        f"Cannot check: this API credential lacks {which}. Ask an account administrator to add "
        f"it to the credential ({API_CREDENTIALS_PLACE}), or continue knowing this was not "
        "checked."
    )


def hint_for(
    *,
    kind: str,
    status: int | None,
    code: str | None,
    api: str = "dashboard",
    credentials: str = "",
    url: str = "",
    retry_after: float | None = None,
    html: bool = False,
    refused: bool = False,
    role: str | None = None,
    description: str = "",
    build_trial: bool = False,
) -> str:
    """The next step for a failure; never includes a secret (only names the credential set)."""
    host = urlsplit(url).netloc or url or "the server"
    if html and (status is None or status < 500):
        return (
            f"{host} answered with a web page instead of the API: check that the base URL points "
            "at the API (for example https://api.bandwidth.com/api/v2), and that no proxy or "
            "login page is in the way."
        )
    if status == 403 or kind == "forbidden":
        # Before the code table: a 403's "Access Denied" (1001) says less than the role does.
        return forbidden_hint(role, description, build_trial=build_trial)
    if code and code in CODE_HINTS:
        return CODE_HINTS[code]
    if status == 401:
        if api == "oauth" or "client id" in credentials:
            return (
                "Bandwidth refused the client id and client secret: check both (the secret is "
                f"shown only once, when the credential is made), or create new API Credentials "
                f"({API_CREDENTIALS_PLACE}) and sign in with those."
            )
        if "retired Voice & Messaging" in credentials:
            return (
                "The guide's catapult messaging API refused the token and secret: check them. "
                "That API is retired; only the sandbox still answers it."
            )
        return _RETIRED_API_USERS
    if kind == "not_found":
        return (
            f"Check the account id and the ids used, and that the base URL ({host}) is the API's."
        )
    if kind == "conflict":
        return (
            "Something with that name already exists (a location name must be unique on its "
            "sub-account): use the existing one or choose another name."
        )
    if kind == "rate_limited":
        wait = f"{retry_after:.0f} s" if retry_after is not None else "a minute"
        return f"Bandwidth is limiting the request rate: wait {wait} and try again."
    if kind == "server":
        return (
            "Bandwidth had a problem on its side: wait a minute and try again; if it persists, "
            "check https://status.bandwidth.com."
        )
    if kind == "timeout":
        return (
            f"{host} did not answer in time: check the network connection and try again; if you "
            "use the sandbox, check that it is running."
        )
    if kind == "network":
        if refused:
            return (
                f"Nothing is listening at {host}: is the URL right? If you use the sandbox, is it "
                "running (bw-wizard sandbox)?"
            )
        return (
            f"Could not reach {host}: is the URL right and the network up? If you use the "
            "sandbox, is it running (bw-wizard sandbox)?"
        )
    if "a2ponly" in description.lower().replace(" ", ""):
        return A2P_ONLY_HINT
    if kind == "validation":
        return "Correct the values sent and try again."
    return "Try again; if it keeps failing, note the error code and contact Bandwidth support."
