"""Capabilities from token roles, by Bandwidth's CLI rules, with what each missing one blocks."""

from __future__ import annotations

import pytest
from bw_helpers import make_jwt

from wizard.bandwidth import (
    Capability,
    assess_credential,
    capabilities_from_roles,
    decode_claims,
)
from wizard.bandwidth.capabilities import BUILD_TRIAL_VERDICT

C = Capability

#: The sandbox's identities (wizard/sandbox/credentials.py on the today-bandwidth branch),
#: with role names as Bandwidth spells them (Bandwidth/cli cmd/auth/auth_test.go,
#: cmd/number/search.go, cmd/site/list.go).
FULL = (
    "Messaging",
    "Numbers",
    "HTTP Application Management",
    "Sub-Accounts",
    "Campaign Management",
    "TFV",
    "HttpVoice",
)
LIMITED = tuple(r for r in FULL if r not in ("Campaign Management", "TFV"))
BUILD = ("HTTP Application Management", "HttpVoice", "brtcAccessRole")


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        # Bandwidth/cli cmd/auth/auth_test.go TestCapabilities cases.
        (BUILD, {C.APPLICATIONS}),
        ((), set()),
        (("Messaging", "HttpVoice"), {C.MESSAGING}),
        (("Campaign Management", "TFV"), {C.CAMPAIGNS, C.TOLL_FREE_VERIFICATION}),
        # The rules' other spellings, case-insensitive.
        (("SMS Reporting",), {C.MESSAGING}),
        (("PHONE NUMBERS",), {C.NUMBERS}),
        (("App Management",), {C.APPLICATIONS}),
        (("Toll-Free Verification",), {C.TOLL_FREE_VERIFICATION}),
        (("TollFree Ops",), {C.TOLL_FREE_VERIFICATION}),
        (("10DLC campaign reader",), {C.CAMPAIGNS}),
        (("Sub-Accounts",), {C.SUB_ACCOUNTS}),
        (("admin", "Application Reader"), set()),  # unknown roles grant nothing
    ],
)
def test_cli_matching_rules(roles: tuple[str, ...], expected: set[Capability]) -> None:
    assert capabilities_from_roles(roles) == frozenset(expected)


def test_full_account_has_everything() -> None:
    report = assess_credential(FULL)
    assert report.missing == () and report.can_continue and report.verdict is None
    assert all(c.sentence.endswith(": yes.") for c in report.checks)
    assert [c.capability for c in report.checks] == [
        C.SUB_ACCOUNTS,
        C.APPLICATIONS,
        C.NUMBERS,
        C.CAMPAIGNS,
        C.TOLL_FREE_VERIFICATION,
        C.MESSAGING,
    ]


def test_credential_without_campaign_and_tfv_roles() -> None:
    report = assess_credential(LIMITED)
    assert [c.capability for c in report.missing] == [C.CAMPAIGNS, C.TOLL_FREE_VERIFICATION]
    assert report.can_continue  # the person may walk into the unchecked steps knowingly
    campaigns = report.check(C.CAMPAIGNS)
    assert campaigns.role == "Campaign Management"
    assert "Ready to send" in campaigns.blocks and "4476" in campaigns.blocks
    assert "add the Campaign Management role" in campaigns.ask
    assert "Bandwidth App > Account > API Credentials" in campaigns.ask
    tfv = report.check(C.TOLL_FREE_VERIFICATION)
    assert tfv.role == "TFV" and "4795" in tfv.blocks
    assert tfv.sentence.startswith("Toll-free verification: missing. ")


def test_build_trial_stops_before_anything_is_created() -> None:
    claims = decode_claims(
        make_jwt({"accounts": ["9900002"], "roles": list(BUILD), "express": True})
    )
    report = assess_credential(claims.roles, express=claims.express)
    assert report.build_trial and not report.can_continue
    assert report.verdict == BUILD_TRIAL_VERDICT
    assert (
        "voice-only" in BUILD_TRIAL_VERDICT and "without creating anything" in BUILD_TRIAL_VERDICT
    )
    assert "https://www.bandwidth.com/talk-to-an-expert/" in BUILD_TRIAL_VERDICT
    missing = {c.capability for c in report.missing}
    assert missing == {
        C.MESSAGING,
        C.NUMBERS,
        C.SUB_ACCOUNTS,
        C.CAMPAIGNS,
        C.TOLL_FREE_VERIFICATION,
    }


def test_credential_that_sees_two_accounts() -> None:
    claims = decode_claims(make_jwt({"accounts": ["9900000", "9900001"], "roles": list(FULL)}))
    assert claims.accounts == ("9900000", "9900001") and claims.account_id is None
    assert assess_credential(claims.roles).missing == ()


@pytest.mark.parametrize("capability", list(Capability))
def test_every_missing_capability_names_a_step_and_a_role(capability: Capability) -> None:
    check = assess_credential(()).check(capability)
    assert not check.granted
    assert "step" in check.blocks and check.blocks.endswith(".")
    assert check.role in check.ask and check.role in check.sentence
