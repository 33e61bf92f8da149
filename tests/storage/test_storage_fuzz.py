"""Whatever is in a settings mapping or a progress file, the answer is a value or one of our
plain errors: never a traceback from deep inside a parser."""

from __future__ import annotations

import contextlib
import datetime as dt
import json

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.storage.progress import ProgressCorrupt, ProgressForeign, load_progress, progress_path
from wizard.storage.settings import (
    SETTING_KEYS,
    Settings,
    SettingsError,
    load_settings,
    settings_from_mapping,
    settings_path,
)

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

ACCOUNT = "9900000"
DASHBOARD = "http://127.0.0.1:8960/api"

interesting_text = st.sampled_from(
    [
        "",
        " ",
        "9900000",
        "current",
        "guide",
        "basic",
        "oauth2",
        "https://dashboard.bandwidth.com/api",
        "http://127.0.0.1:8960/api",
        "http://[::1",
        "https://u:p@x",
        "https://x:0/",
        "https://x:99999",
        "http://localhost",
        "https:///nohost",
        "file:///etc/passwd",
        "\x00",
        "u-abc",
        "12345678901234567890123",
    ]
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True),
    st.text(max_size=40),
    interesting_text,
    st.datetimes(),
    st.dates(),
    st.times(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=10,
)
keys = st.one_of(st.sampled_from(sorted(SETTING_KEYS)), st.text(max_size=20))


@FUZZ
@given(st.dictionaries(keys, values, max_size=8))
def test_settings_from_mapping_only_raises_settings_error(data):
    try:
        result = settings_from_mapping(data)
    except SettingsError as error:
        assert str(error)
    else:
        assert isinstance(result, Settings)


@FUZZ
@given(st.dictionaries(st.sampled_from(sorted(SETTING_KEYS)), values, max_size=8))
def test_settings_from_known_keys_only_raises_settings_error(data):
    with contextlib.suppress(SettingsError):
        settings_from_mapping(data)


toml_values = st.recursive(
    st.one_of(
        st.booleans(),
        st.integers(min_value=-(2**63), max_value=2**63 - 1),
        st.text(max_size=30),
        interesting_text,
        st.datetimes(timezones=st.just(dt.UTC)),
        st.dates(),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=200),
        st.dictionaries(keys, toml_values, max_size=6).map(
            lambda d: tomli_w.dumps(d).encode("utf-8")
        ),
    )
)
def test_any_settings_file_loads_or_gives_settings_error(content):
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    try:
        load_settings(env={})
    except SettingsError as error:
        assert str(path) in str(error)


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False),
        st.text(max_size=20),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)

VALID = {
    "format": "bw-wizard-progress",
    "version": 1,
    "profile": "sandbox",
    "account_id": ACCOUNT,
    "dashboard_url": DASHBOARD,
    "created_at": "2025-01-02T03:04:05+00:00",
    "updated_at": "2025-01-02T03:04:05+00:00",
    "steps": {
        "create-application": {
            "status": "done",
            "data": {"application_id": "app-1"},
            "finished_at": None,
            "message": None,
        }
    },
}


@st.composite
def mutated_documents(draw):
    """A valid document with some entries replaced by random JSON: reaches the shape checks."""
    document = json.loads(json.dumps(VALID))
    for key in draw(st.lists(st.sampled_from(sorted(VALID)), max_size=3)):
        document[key] = draw(json_values)
    step = document.get("steps")
    if isinstance(step, dict) and isinstance(step.get("create-application"), dict):
        for key in draw(st.lists(st.sampled_from(["status", "data", "finished_at", "message"]))):
            step["create-application"][key] = draw(json_values)
    return json.dumps(document).encode()


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=300),
        json_values.map(lambda value: json.dumps(value).encode()),
        mutated_documents(),
    )
)
def test_any_progress_file_loads_or_gives_a_progress_error(content):
    path = progress_path("sandbox")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    try:
        load_progress("sandbox", ACCOUNT, DASHBOARD)
    except (ProgressCorrupt, ProgressForeign) as error:
        assert str(path) in str(error)
    assert path.read_bytes() == content
