"""Turn a Bandwidth failure into the next thing a person should do.

Bandwidth's descriptions say what broke ("The SiteId submitted is invalid.") but rarely what to
do about it, and some fixes are outside the API entirely (13609 needs a support ticket). The
wording lives here, in one table, so the TUI and headless mode give the same advice.
"""

from __future__ import annotations

from urllib.parse import urlsplit

#: Next steps for Bandwidth error codes, keyed by the code as the API sends it.
CODE_HINTS: dict[str, str] = {
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
    "12016": "That sub-account does not exist on this account: pick one from the list.",
    "request-validation": "Correct the fields listed and send again.",
    "max-message-queue-size-exceeded": (
        "Too many messages are queued on the account: wait a minute and send again."
    ),
}

#: Kinds decided by the Bandwidth code when the HTTP status alone does not say (2xx, 400).
CODE_KINDS: dict[str, str] = {
    "13609": "validation",
    "5020": "validation",
    "5016": "validation",
    "12806": "validation",
    "13645": "validation",
    "4010": "validation",
    "12016": "not_found",
    "request-validation": "validation",
    "unauthorized": "auth",
    "forbidden": "auth",
    "max-message-queue-size-exceeded": "rate_limited",
}


def kind_for(status: int | None, code: str | None) -> str:
    """Classify a failed answer so callers can pick an exit code without parsing text."""
    if status in (401, 403):
        return "auth"
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

    ``api`` is ``"dashboard"``, ``"messaging"`` or ``"oauth"`` (the token endpoint);
    ``auth_scheme`` is ``"basic"`` or ``"oauth"``; ``generation`` is ``"guide"`` (2018
    catapult host, token:secret) or ``"current"``.
    """
    if auth_scheme == "oauth" or api == "oauth":
        return "the OAuth2 client id and client secret"
    if api == "messaging" and generation == "guide":
        return "the Voice & Messaging API token and secret (not the Dashboard username)"
    if api == "messaging":
        return "the Dashboard API username and password (today's messaging API uses them too)"
    return "the Dashboard (Phone Number API) username and password"


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
) -> str:
    """The next step for a failure; never includes a secret (only names the credential set)."""
    host = urlsplit(url).netloc or url or "the server"
    if html and (status is None or status < 500):
        return (
            f"{host} answered with a web page instead of the API: check that the base URL points "
            "at the API (for example https://dashboard.bandwidth.com/api), and that no proxy or "
            "login page is in the way."
        )
    if code and code in CODE_HINTS:
        return CODE_HINTS[code]
    if status == 401:
        which = credentials or "the credentials"
        service = {
            "messaging": "the messaging API",
            "oauth": "the OAuth2 token endpoint",
        }.get(api, "the Dashboard (numbers) API")
        ids = "the user or account id" if api == "messaging" else "the account id"
        return (
            f"{service[0].upper()}{service[1:]} refused {which}: check them (and {ids}) and "
            "enter them again."
        )
    if status == 403:
        return (
            "The credentials were accepted but are not allowed to do this: ask the account's "
            "administrator to give the API user the needed roles (Configuration, Ordering, "
            "Messaging), and check that the account id is yours."
        )
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
        return (
            f"Bandwidth is limiting the request rate (orders and searches: about 100 a minute): "
            f"wait {wait} and try again."
        )
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
    if kind == "validation":
        return "Correct the values sent and try again."
    return "Try again; if it keeps failing, note the error code and contact Bandwidth support."
