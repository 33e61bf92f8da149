"""Every identity against every API: the role each route needs, refused with 403 in the shape of
the API it belongs to (Dashboard XML, messaging JSON, 10DLC JSON, toll-free verification JSON);
a Build trial refused everything but its account; a second account that exists but holds no
data."""

from __future__ import annotations

import pytest
from sbx_helpers import BUILD, LIMITED, MULTI, Api, parse

NO_RIGHTS = "client does not have access rights to the content"


@pytest.fixture
def full(sandbox):
    client = Api(sandbox.base_url, sandbox.identity)
    yield client
    client.close()


@pytest.fixture
def make(sandbox):
    made: list[Api] = []

    def build(client: tuple[str, str]) -> Api:
        api = Api(sandbox.base_url, sandbox.identity, client)
        made.append(api)
        return api

    yield build
    for api in made:
        api.close()


#: (name, method, path under /api/v2/accounts/{a}, body): one request per role.
REQUESTS = [
    ("account", "GET", "", None),
    ("sub-accounts", "GET", "/sites", None),
    ("applications", "GET", "/applications", None),
    ("numbers", "GET", "/availableNumbers?areaCode=919&quantity=1", None),
    ("numbers", "GET", "/orders?page=1&size=5", None),
    ("numbers", "GET", "/tnoptions", None),
    ("campaigns", "GET", "/tendlc/campaigns", None),
    ("campaigns", "GET", "/tendlc/phoneNumbers", None),
    ("toll-free", "GET", "/phoneNumbers/+18005550100/tollFreeVerification", None),
    ("toll-free", "POST", "/tollFreeVerification", {}),
]


def call(api: Api, account: str, method: str, path: str, body: object):
    url = f"/api/v2/accounts/{account}{path}"
    if path.startswith(("/tendlc", "/phoneNumbers", "/tollFree")):
        return api.json(method, url, body)
    return api.xml(method, url)


def refused_as(answer, name: str) -> bool:
    """Whether `answer` is the 403 of a missing role, in its API's shape."""
    if answer.status_code != 403:
        return False
    if name == "campaigns":
        return answer.json() == {"errors": [{"type": "forbidden", "description": NO_RIGHTS}]}
    if name == "toll-free":
        return answer.json() == {"type": "forbidden", "description": NO_RIGHTS}
    status = parse(answer.text)["ErrorResponse"]["ResponseStatus"]
    return (status["ErrorCode"], status["Description"]) == ("1001", "Access Denied")


def test_the_full_account_may_do_everything(full):
    for name, method, path, body in REQUESTS:
        answer = call(full, "9900000", method, path, body)
        assert answer.status_code in (200, 400, 404), (path, answer.text)  # answered
        assert not refused_as(answer, name)


def test_without_campaign_and_tfv_roles(make):
    limited = make(LIMITED)
    for name, method, path, body in REQUESTS:
        answer = call(limited, "9900000", method, path, body)
        if name in ("campaigns", "toll-free"):
            assert refused_as(answer, name), (path, answer.text)
        else:
            assert answer.status_code in (200, 400, 404), (path, answer.text)


def test_without_tfv_role_the_use_cases_are_refused_too(make):
    answer = make(LIMITED).json("GET", "/api/v2/tollFreeVerification/useCases")
    assert answer.status_code == 403
    assert answer.json() == {"type": "forbidden", "description": NO_RIGHTS}


def test_a_build_trial_is_voice_only(make):
    build = make(BUILD)
    for name, method, path, body in REQUESTS:
        answer = call(build, "9900002", method, path, body)
        if name == "account":
            assert answer.status_code == 200
            account = parse(answer.text)["AccountResponse"]["Account"]
            assert account["AccountType"] == "Build"
        else:
            assert answer.status_code == 403, (path, answer.text)
        # The main account is not among the trial's accounts.
        assert call(build, "9900000", method, path, body).status_code == 403


def test_a_build_trial_cannot_message(make, full):
    ready = full.ready_account(register=False)
    build = make(BUILD)
    body = {"applicationId": ready["app_id"], "from": ready["number"], "to": ["+19195550123"]}
    for account in ("9900002", "9900000"):
        answer = build.json("POST", f"/api/v2/users/{account}/messages", body)
        assert answer.status_code == 403
        assert answer.json() == {"type": "forbidden", "description": "Access Denied"}
    listed = build.json("GET", "/api/v2/users/9900002/messages?messageDirection=OUTBOUND")
    assert listed.status_code == 403
    assert full.state()["messages"] == []


def test_a_two_account_credential_sees_both(make):
    multi = make(MULTI)
    main = multi.xml("GET", "/api/v2/accounts/9900000/sites")
    assert "<Id>10001</Id>" in main.text
    account = parse(multi.xml("GET", "/api/v2/accounts/9900001").text)["AccountResponse"]
    assert account["Account"]["AccountId"] == "9900001"
    sites = parse(multi.xml("GET", "/api/v2/accounts/9900001/sites").text)["SitesResponse"]
    assert sites["Sites"]["Site"]["Id"] == "20001"
    assert multi.xml("GET", "/api/v2/accounts/9900001/sites/20001").status_code == 200
    assert multi.xml("GET", "/api/v2/accounts/9900001/sites/1").status_code == 404
    # The second account holds no data in the sandbox: everything else is refused.
    assert multi.xml("GET", "/api/v2/accounts/9900001/applications").status_code == 403
    created = multi.xml("POST", "/api/v2/accounts/9900001/sites", "<Site><Name>x</Name></Site>")
    assert created.status_code == 403
    campaigns = multi.json("GET", "/api/v2/accounts/9900001/tendlc/campaigns")
    assert campaigns.status_code == 403
    # An account in nobody's token stays refused.
    assert multi.xml("GET", "/api/v2/accounts/9900002").status_code == 403
