"""Role names as Bandwidth writes them in an access token's `roles`, and the role each route needs.

The names are the ones Bandwidth's own CLI meets and matches (Bandwidth/cli): "Messaging",
"Campaign Management", "TFV", "HTTP Application Management", "HttpVoice" and "brtcAccessRole" in
`cmd/auth/auth_test.go`; "Numbers" in `cmd/number/list.go` and `cmd/number/search.go`;
"Sub-Accounts" in `cmd/site/list.go`. The CLI grants capabilities by case-insensitive substrings
("messag", "number", "application management", "campaign", "tfv" ...; `cmd/auth/status.go`), so
these exact names satisfy any client that matches the way it does.

The role a route needs is read from its path, so a route added later under a known prefix is
guarded without being listed here.
"""

from __future__ import annotations

import re

MESSAGING = "Messaging"
NUMBERS = "Numbers"
APPLICATIONS = "HTTP Application Management"
SUB_ACCOUNTS = "Sub-Accounts"
CAMPAIGNS = "Campaign Management"
TOLL_FREE = "TFV"
VOICE = "HttpVoice"
WEBRTC = "brtcAccessRole"

EVERY_ROLE = (MESSAGING, NUMBERS, APPLICATIONS, SUB_ACCOUNTS, CAMPAIGNS, TOLL_FREE, VOICE)
"""What the sandbox's full account credential (and a legacy API user, when allowed) holds."""

BUILD_REFUSED = frozenset({MESSAGING, NUMBERS, CAMPAIGNS, TOLL_FREE})
"""A Bandwidth Build trial is voice-only: these need a full account whatever the token lists
(Bandwidth/cli README and `internal/cmdutil/featurelimit.go`)."""

_PREFIX = re.compile(r"^/api(?:/v2)?")
_ACCOUNT = re.compile(r"^/accounts/[^/]+")

#: (pattern on the path after /accounts/{id}, role); the first match wins.
_ACCOUNT_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^/sites/[^/]+/sippeers/[^/]+/products/messaging(/|$)"), MESSAGING),
    (re.compile(r"^/sites/[^/]+/sippeers/[^/]+/tns(/|$)"), NUMBERS),
    (re.compile(r"^/sites(/|$)"), SUB_ACCOUNTS),
    (re.compile(r"^/applications(/|$)"), APPLICATIONS),
    (
        re.compile(r"^/(availableNumbers|orders|inserviceNumbers|tnoptions|disconnects|tns)(/|$)"),
        NUMBERS,
    ),
    (re.compile(r"^/tendlc(/|$)"), CAMPAIGNS),
    (re.compile(r"^/tollFreeVerification(/|$)"), TOLL_FREE),
    (re.compile(r"^/phoneNumbers/[^/]+/tollFreeVerification(/|$)"), TOLL_FREE),
)

#: Paths outside /accounts/{id}.
_ROOT_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^/users/[^/]+/messages(/|$)"), MESSAGING),
    (re.compile(r"^/tns(/|$)"), NUMBERS),
    (re.compile(r"^/tollFreeVerification(/|$)"), TOLL_FREE),
)


def required_role(path: str) -> str | None:
    """The role a request path needs; None for the account itself and anything unguarded."""
    rest = _PREFIX.sub("", path, count=1)
    account = _ACCOUNT.match(rest)
    rules = _ACCOUNT_RULES if account else _ROOT_RULES
    tail = rest[account.end() :] if account else rest
    for pattern, role in rules:
        if pattern.search(tail):
            return role
    return None
