"""The sandbox's built-in account: its ids and demo credentials, today's and the retired ones.

They are demo values for a local emulator, so the command may print them; the real secrets a user
types into the wizard never come near this module. The OAuth2 client here is the full account's
API Credential; the other credentials derive from it (`credentials`).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Identity:
    """Who the sandbox believes it is, as a Bandwidth account with both API generations."""

    account_id: str = "9900000"
    """Dashboard account id; also the `{accountId}` of today's messaging URL."""
    username: str = "sandbox"
    """The retired API user (HTTP Basic), accepted only with legacy_api_users."""
    password: str = field(default="sandbox-password", repr=False)
    client_id: str = "sandbox-client"
    """The full account's OAuth2 client credentials (every role on `account_id`)."""
    client_secret: str = field(default="sandbox-secret", repr=False)
    user_id: str = "u-sandbox"
    """Retired catapult messaging user id, the `{userId}` of the guide's messaging URL."""
    token: str = "t-sandbox"
    """Legacy messaging API token (Basic username of the guide's messaging request)."""
    secret: str = field(default="s-sandbox", repr=False)
    site_id: str = "10001"
    """The one sub-account (site) that exists from the start, as the guide assumes."""
    site_name: str = "Sandbox sub-account"

    def public(self) -> dict[str, str]:
        """Everything but the secrets, for /_sandbox/state and logs."""
        return {
            "account_id": self.account_id,
            "username": self.username,
            "client_id": self.client_id,
            "user_id": self.user_id,
            "token": self.token,
            "site_id": self.site_id,
            "site_name": self.site_name,
        }
