"""Fuzzing the JSON and TOML readers: messaging answers (send, List Messages, errors), the
progress file, the settings file and the headless config.

Each reader must give back what it promises or its own refusal (BandwidthError,
ProgressCorrupt/ProgressForeign, SettingsError, ConfigError) with a plain sentence, never
another exception or a traceback; and what it accepts must be what the rest of the wizard can
use (ids are ASCII digits, an area code is three ASCII digits, a timeout is a finite number).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import httpx
import tomli_w
from hypothesis import example, given
from hypothesis import strategies as st

from tests.reliability.fuzz import (
    CONTENT_TYPES,
    STATUSES,
    fuzz,
    json_values,
    run,
    tricky_text,
)
from wizard.bandwidth.auth import basic_auth
from wizard.bandwidth.errors import KINDS, BandwidthError
from wizard.bandwidth.messaging import MessagePage, MessagingClient
from wizard.bandwidth.models import SentMessage
from wizard.bandwidth.transport import RetryPolicy
from wizard.commands.apply_config import ConfigError, load_apply_config
from wizard.storage.progress import (
    FORMAT_NAME,
    Progress,
    ProgressCorrupt,
    ProgressError,
    load_progress,
    progress_path,
    save_progress,
)
from wizard.storage.settings import SettingsError, read_settings_file, settings_from_mapping

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

# -- messaging answers ------------------------------------------------------------------------

SENT = {
    "id": "1600000007919abcdefghijklmnop",
    "owner": "+19195550100",
    "applicationId": "a",
    "time": "2026-11-29T00:00:00.000Z",
    "segmentCount": 1,
    "direction": "out",
    "to": ["+19195550123"],
    "from": "+19195550100",
    "text": "hi",
}
LISTED = {
    "totalCount": 1,
    "pageInfo": {},
    "messages": [
        {
            "messageId": "1600000007919abcdefghijklmnop",
            "sourceTn": "+19195550100",
            "destinationTn": "+19195550123",
            "messageStatus": "DELIVERED",
            "messageDirection": "OUTBOUND",
            "receiveTime": "2026-11-29T00:00:00.000Z",
            "segmentCount": 1,
            "errorCode": 0,
        }
    ],
}


def _replace_somewhere(document: Any, path: list[int], value: Any) -> Any:
    """`document` with one nested value (chosen by `path`) swapped for `value`."""
    if not path or not isinstance(document, dict | list) or not document:
        return value
    if isinstance(document, dict):
        keys = list(document)
        key = keys[path[0] % len(keys)]
        return {**document, key: _replace_somewhere(document[key], path[1:], value)}
    index = path[0] % len(document)
    copy = list(document)
    copy[index] = _replace_somewhere(copy[index], path[1:], value)
    return copy


def near(document: Any) -> st.SearchStrategy[bytes]:
    """JSON close to a real answer (one value swapped for anything), or anything at all."""
    mutated = st.builds(
        _replace_somewhere,
        st.just(document),
        st.lists(st.integers(min_value=0, max_value=20), max_size=4),
        json_values(),
    )
    return st.one_of(
        mutated.map(lambda d: json.dumps(d).encode()),
        json_values().map(lambda d: json.dumps(d).encode()),
        st.binary(max_size=80),
        st.sampled_from([b"", b"{", b"[]", b"null", b'{"messages": {}}', b"NaN", b"1e999"]),
    )


messaging_answers = st.fixed_dictionaries(
    {
        "status": STATUSES,
        "content_type": CONTENT_TYPES,
        "body": st.one_of(near(SENT), near(LISTED)),
    }
)


def check_error(error: BandwidthError) -> None:
    assert error.kind in KINDS
    sentence = str(error)
    assert sentence and "Traceback" not in sentence and not CONTROL.search(sentence), sentence
    if error.status is not None and error.status >= 400:
        assert error.hint, sentence


@fuzz(600)
@given(st.sampled_from(["send", "list", "send-guide"]), messaging_answers)
@example("list", {"status": 200, "content_type": "application/json", "body": b'{"messages": 5}'})
@example("send", {"status": 400, "content_type": "application/json", "body": b'{"fieldErrors":1}'})
def test_messaging_answers_become_records_or_one_error(call: str, answer: dict) -> None:
    def reply(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": answer["content_type"]} if answer["content_type"] else {}
        return httpx.Response(answer["status"], content=answer["body"], headers=headers)

    base = "https://api.catapult.example/v2" if call == "send-guide" else "https://m.example/api/v2"

    async def go() -> Any:
        async with MessagingClient(
            base,
            "9900000",
            basic_auth("t", "secret-marker-42"),
            transport=httpx.MockTransport(reply),
            retry=RetryPolicy(max_attempts=1),
        ) as client:
            if call == "list":
                return await client.list_messages(source_tn="+19195550100", limit=5)
            return await client.send_message("a", "+19195550100", ["+19195550123"], "hi")

    try:
        result = run(go)
    except BandwidthError as error:
        check_error(error)
        assert "secret-marker-42" not in str(error)
        return
    if call == "list":
        assert isinstance(result, MessagePage)
        assert all(m.message_id and m.source_tn and m.destination_tn for m in result.messages)
    else:
        assert isinstance(result, SentMessage) and result.id


# -- the progress file --------------------------------------------------------------------------

ACCOUNT = "9900000"
URL = "https://dashboard.bandwidth.com/api"


def _valid_progress() -> dict[str, Any]:
    return {
        "format": FORMAT_NAME,
        "version": 1,
        "profile": ACCOUNT,
        "account_id": ACCOUNT,
        "dashboard_url": URL,
        "created_at": "2026-11-29T00:00:00+00:00",
        "updated_at": "2026-11-29T00:00:00+00:00",
        "steps": {
            "create-application": {
                "status": "done",
                "data": {"application_id": "a"},
                "finished_at": "2026-11-29T00:00:00+00:00",
                "message": None,
            },
            "send-message": {
                "status": "done",
                "data": {"sending": {"from": "+19195550100", "to": ["+19195550123"]}},
                "finished_at": None,
                "message": None,
            },
        },
    }


@fuzz(600)
@given(near(_valid_progress()))
@example(b"\xef\xbb\xbf{}")
@example(b"[" * 100_000)
@example(json.dumps({**_valid_progress(), "version": True}).encode())
def test_progress_file_loads_or_says_it_is_corrupt(raw: bytes) -> None:
    path = progress_path(ACCOUNT)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    try:
        progress = load_progress(ACCOUNT, ACCOUNT, URL)
    except ProgressError as error:
        text = str(error)
        assert "Traceback" not in text and str(path) in text
        if isinstance(error, ProgressCorrupt):
            assert "start over" in text.lower() or "start-over" in text
        assert path.read_bytes() == raw, "a file that cannot be used must be left as it is"
        return
    assert isinstance(progress, Progress)
    # What loads can be written back (or is refused as holding a secret): never a crash.
    try:
        save_progress(progress)
    except ProgressError as error:
        assert "Traceback" not in str(error)
    else:
        assert load_progress(ACCOUNT, ACCOUNT, URL).steps.keys() == progress.steps.keys()


# -- the settings file and the headless config ----------------------------------------------

SETTING_VALUES = st.one_of(
    tricky_text,
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(),
    st.booleans(),
    st.lists(st.integers(max_value=9), max_size=2),
    st.sampled_from(
        [
            "https://dashboard.bandwidth.com/api",
            "http://127.0.0.1:8960/api",
            "http://[::1/api",
            "https://x:99999/",
            "https://u:p@host.example/",
            "current",
            "guide",
            "oauth2",
            "9900000",
            "٣٣٣",
        ]
    ),
)
SETTING_NAMES = st.sampled_from(
    [
        "account_id",
        "generation",
        "auth",
        "username",
        "client_id",
        "messaging_user_id",
        "site_id",
        "dashboard_url",
        "messaging_url",
        "oauth_token_url",
        "callback_url",
        "callback_user",
        "callback_host",
        "callback_port",
        "password",
        "unknown",
    ]
)


def _toml(data: dict[str, Any]) -> bytes:
    try:
        return tomli_w.dumps(data).encode()
    except (TypeError, ValueError):
        return b"broken = [\n"


settings_files = st.one_of(
    st.dictionaries(SETTING_NAMES, SETTING_VALUES, max_size=6).map(_toml),
    st.binary(max_size=80),
    st.text(max_size=80).map(lambda t: t.encode("utf-8", "surrogatepass")),
)


@fuzz(600)
@given(settings_files)
@example(b'account_id = "\xd9\xa3\xd9\xa3"\n')
@example(b"callback_port = 1e999\n")
def test_settings_file_reads_or_names_the_problem(raw: bytes) -> None:
    path = Path(progress_path(ACCOUNT).parent.parent / "config" / "settings.toml")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    try:
        settings = read_settings_file(path)
    except SettingsError as error:
        text = str(error)
        assert str(path) in text and "Traceback" not in text
        return
    for name in ("account_id", "site_id"):
        value = getattr(settings, name)
        assert value is None or (value.isascii() and value.isdigit()), (name, value)
    assert 1 <= settings.callback_port <= 65535
    # What was read is valid input again.
    assert settings_from_mapping(settings.to_mapping()) == settings


CONFIG_VALUES = st.one_of(
    SETTING_VALUES,
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(tricky_text, max_size=3),
)
config_tables = st.fixed_dictionaries(
    {},
    optional={
        "order": st.dictionaries(
            st.sampled_from(["area_code", "quantity", "timeout", "other"]),
            CONFIG_VALUES,
            max_size=3,
        ),
        "message": st.dictionaries(
            st.sampled_from(["to", "from", "text", "media", "tag", "priority", "secret"]),
            CONFIG_VALUES,
            max_size=3,
        ),
        "application": st.dictionaries(
            st.sampled_from(["name", "callback_url", "callback_user"]), CONFIG_VALUES, max_size=2
        ),
        "account_id": SETTING_VALUES,
    },
)


@fuzz(600)
@given(raw=st.one_of(config_tables.map(_toml), st.binary(max_size=60)))
@example(raw=b'[order]\narea_code = "919\\n"\n')
@example(raw=b'[order]\narea_code = "9\xd9\xa3\xd9\xa9"\n')
@example(raw=b"[order]\ntimeout = nan\n")
@example(raw=b"[order]\ntimeout = inf\n")
def test_headless_config_reads_or_names_the_problem(raw: bytes, tmp_path_factory) -> None:
    path = tmp_path_factory.mktemp("cfg") / "bw.toml"
    path.write_bytes(raw)
    try:
        config = load_apply_config(path)
    except ConfigError as error:
        assert "Traceback" not in str(error) and str(path) in str(error)
        return
    inputs = config.inputs
    assert re.fullmatch(r"[2-9][0-9]{2}", inputs.area_code), inputs.area_code
    assert inputs.area_code[1:] != "11"
    assert math.isfinite(inputs.order_timeout) and inputs.order_timeout > 0
    assert all(n.startswith("+") and n[1:].isascii() and n[1:].isdigit() for n in inputs.message_to)
    try:
        settings_from_mapping(config.settings, source=str(path))
    except SettingsError as error:
        assert str(path) in str(error)
