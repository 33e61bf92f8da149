"""The guide's eight requests, sent verbatim (ids substituted), answer as the guide shows."""

from __future__ import annotations

import httpx
from sbx_helpers import check_guide_answers, run_guide


def test_guide_requests_get_the_guides_answers(sandbox):
    with httpx.Client(timeout=10, trust_env=False) as client:
        answers = run_guide(sandbox.base_url, sandbox.identity, client)
    check_guide_answers(answers, sandbox.base_url, sandbox.identity)


def test_guide_message_produces_sending_then_delivered(sandbox):
    with httpx.Client(timeout=10, trust_env=False) as client:
        answers = run_guide(sandbox.base_url, sandbox.identity, client)
    message_id = answers["8-send-message"].json()["id"]
    state = httpx.get(sandbox.base_url + "/_sandbox/state", timeout=10).json()
    (message,) = [m for m in state["messages"] if m["id"] == message_id]
    assert message["results"]["+19195550123"]["planned"] == "delivered"
