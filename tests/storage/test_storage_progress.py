"""Progress: saved after every step, atomic, never lost, never someone else's, never secret."""

from __future__ import annotations

import json
import os
import re

import pytest

from wizard.storage.progress import (
    FORMAT_VERSION,
    Progress,
    ProgressCorrupt,
    ProgressError,
    ProgressForeign,
    SavedProgressBook,
    SecretInProgress,
    load_progress,
    progress_path,
    save_progress,
    start_over,
)

ACCOUNT = "9900000"
DASHBOARD = "http://127.0.0.1:8960/api"


def saved(profile: str = "sandbox") -> Progress:
    progress = load_progress(profile, ACCOUNT, DASHBOARD)
    progress.record("verify-credentials", {"account_id": ACCOUNT, "account_name": "Sandbox"})
    progress.record("choose-subaccount", {"site_id": "10001", "created": False})
    save_progress(progress)
    return progress


def test_path_per_profile(isolated_dirs):
    assert progress_path("sandbox") == isolated_dirs["state"] / "progress-sandbox.json"
    assert progress_path(ACCOUNT) == isolated_dirs["state"] / f"progress-{ACCOUNT}.json"
    for bad in ("", "../x", "a/b", ".hidden", "x" * 65):
        with pytest.raises(ValueError):
            progress_path(bad)


def test_no_file_gives_an_empty_progress():
    progress = load_progress("sandbox", ACCOUNT, DASHBOARD)
    assert (progress.profile, progress.account_id, progress.dashboard_url) == (
        "sandbox",
        ACCOUNT,
        DASHBOARD,
    )
    assert progress.version == FORMAT_VERSION
    assert progress.steps == {}
    assert not progress.path.exists()


def test_round_trip_and_getters():
    saved()
    progress = load_progress("sandbox", ACCOUNT, DASHBOARD)
    assert list(progress.steps) == ["verify-credentials", "choose-subaccount"]
    assert progress.get("create-application") is None
    assert progress.get("choose-subaccount") == {"site_id": "10001", "created": False}
    record = progress.step("verify-credentials")
    assert record is not None and record.status == "done" and record.finished_at
    document = json.loads(progress.path.read_text())
    assert document["format"] == "bw-wizard-progress" and document["version"] == 1


def test_updated_at_moves_and_created_at_stays():
    first = saved()
    created = first.created_at
    first.record("create-application", {"application_id": "app-1"})
    save_progress(first)
    again = load_progress("sandbox", ACCOUNT, DASHBOARD)
    assert again.created_at == created
    assert again.updated_at >= created


def test_records_an_older_version_wrote_as_failed_still_load():
    """Earlier versions also wrote "failed" and "pending" records: their data is still used."""
    document = valid_document()
    document["steps"]["order-numbers"] = {
        "status": "failed",
        "data": {"customer_order_id": "bw-wizard-1"},
        "finished_at": "2025-01-02T03:04:05+00:00",
        "message": "The order request timed out.",
    }
    write_raw(json.dumps(document).encode())
    again = load_progress("sandbox", ACCOUNT, DASHBOARD)
    assert again.get("order-numbers") == {"customer_order_id": "bw-wizard-1"}


def test_the_engine_book_saves_every_record_and_forget():
    book = SavedProgressBook(load_progress("sandbox", ACCOUNT, DASHBOARD))
    assert book.get("create-application") is None
    book.record("create-application", {"application_id": "app-1", "created": True})
    assert load_progress("sandbox", ACCOUNT, DASHBOARD).get("create-application")
    assert book.get("create-application") == {"application_id": "app-1", "created": True}
    book.forget("create-application")
    assert load_progress("sandbox", ACCOUNT, DASHBOARD).steps == {}


def test_step_ids_may_be_str_enums():
    from enum import StrEnum

    class Step(StrEnum):
        VERIFY = "verify-credentials"

    progress = load_progress("sandbox", ACCOUNT, DASHBOARD)
    progress.record(Step.VERIFY, {"account_id": ACCOUNT})
    assert list(progress.steps) == ["verify-credentials"]


# ------------------------------------------------------------------------------------------
# Crashes, corrupt and foreign files


def test_a_crash_mid_save_leaves_the_old_file(monkeypatch):
    progress = saved()
    before = progress.path.read_bytes()
    progress.record("create-application", {"application_id": "app-1"})

    def crash(src: str, dst: str) -> None:
        raise OSError(5, "Input/output error")

    with monkeypatch.context() as patch, pytest.raises(ProgressError, match="unchanged"):
        patch.setattr(os, "replace", crash)
        save_progress(progress)
    assert progress.path.read_bytes() == before
    assert [p.name for p in progress.path.parent.iterdir()] == ["progress-sandbox.json"]
    assert load_progress("sandbox", ACCOUNT, DASHBOARD).get("create-application") is None


def write_raw(content: bytes, profile: str = "sandbox") -> bytes:
    path = progress_path(profile)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return content


def valid_document(**changes: object) -> dict:
    document = {
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
                "finished_at": "2025-01-02T03:04:05+00:00",
                "message": None,
            }
        },
    }
    document.update(changes)
    return document


def test_the_valid_document_loads():
    write_raw(json.dumps(valid_document()).encode())
    assert load_progress("sandbox", ACCOUNT, DASHBOARD).get("create-application")


def assert_start_over_message(message: str) -> None:
    assert "bw-wizard apply --start-over" in message
    assert "Start over" in message and "Welcome" in message
    assert "left as it is" in message


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "not valid JSON"),
        (b'{"format": "bw-wizard-progress", ', "not valid JSON (line 1"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[1, 2]", "does not hold a JSON object"),
        (b'{"hello": "world"}', "not a bw-wizard progress file"),
        (json.dumps(valid_document(version=2)).encode(), "newer bw-wizard"),
        (json.dumps(valid_document(version=0)).encode(), "format version 0 is unknown"),
        (json.dumps(valid_document(version="1")).encode(), "version is missing"),
        (json.dumps(valid_document(steps=[])).encode(), "'steps' is not an object"),
        (json.dumps(valid_document(account_id=9900000)).encode(), "'account_id' is not text"),
        (json.dumps(valid_document(created_at="yesterday")).encode(), "'created_at'"),
        (json.dumps(valid_document(extra=1)).encode(), "unexpected entry 'extra'"),
        (
            json.dumps(
                valid_document(steps={"x": {"status": "maybe", "data": {}, "finished_at": None}})
            ).encode(),
            "lacks 'message'",
        ),
        (
            json.dumps(
                valid_document(
                    steps={
                        "x": {"status": "maybe", "data": {}, "finished_at": None, "message": None}
                    }
                )
            ).encode(),
            "unknown status",
        ),
        (json.dumps(valid_document(profile="other")).encode(), "profile 'other'"),
        (b"[" * 100_000, "not valid JSON"),
    ],
)
def test_corrupt_files_give_a_plain_error_and_stay_untouched(content, reason):
    write_raw(content)
    with pytest.raises(ProgressCorrupt) as caught:
        load_progress("sandbox", ACCOUNT, DASHBOARD)
    error = caught.value
    assert error.path == progress_path("sandbox")
    assert reason in error.reason
    assert str(error.path) in str(error)
    assert_start_over_message(str(error))
    assert progress_path("sandbox").read_bytes() == content


def test_another_accounts_progress_is_foreign_and_untouched():
    content = write_raw(json.dumps(valid_document(account_id="1111111")).encode())
    with pytest.raises(ProgressForeign) as caught:
        load_progress("sandbox", ACCOUNT, DASHBOARD)
    error = caught.value
    assert (error.found_account, error.expected_account) == ("1111111", ACCOUNT)
    assert "account 1111111, not account 9900000" in str(error)
    assert_start_over_message(str(error))
    assert progress_path("sandbox").read_bytes() == content


def test_another_dashboards_progress_is_foreign():
    write_raw(json.dumps(valid_document()).encode())
    with pytest.raises(ProgressForeign) as caught:
        load_progress("sandbox", ACCOUNT, "https://dashboard.bandwidth.com/api")
    assert "https://dashboard.bandwidth.com/api" in str(caught.value)
    assert DASHBOARD in str(caught.value)
    # Same URL up to case and a trailing slash is the same dashboard.
    assert load_progress("sandbox", ACCOUNT, "HTTP://127.0.0.1:8960/api/").get("create-application")


def test_unreadable_file_is_corrupt_not_a_traceback():
    progress_path("sandbox").mkdir(parents=True)
    with pytest.raises(ProgressCorrupt, match="cannot be read"):
        load_progress("sandbox", ACCOUNT, DASHBOARD)


# ------------------------------------------------------------------------------------------
# Starting over


def test_start_over_keeps_a_backup_and_returns_it():
    content = write_raw(b"not json at all")
    backup = start_over("sandbox")
    assert backup is not None
    assert re.fullmatch(r"progress-sandbox\.json\.\d{8}T\d{6}Z(-\d+)?\.bak", backup.name)
    assert backup.parent == progress_path("sandbox").parent
    assert backup.read_bytes() == content
    assert not progress_path("sandbox").exists()
    assert load_progress("sandbox", ACCOUNT, DASHBOARD).steps == {}
    assert start_over("sandbox") is None


def test_start_over_twice_in_a_second_keeps_both():
    first_content = write_raw(b"first")
    first = start_over("sandbox")
    second_content = write_raw(b"second")
    second = start_over("sandbox")
    assert first is not None and second is not None and first != second
    assert first.read_bytes() == first_content
    assert second.read_bytes() == second_content


def test_start_over_only_touches_its_profile():
    write_raw(b"{}", "sandbox")
    other = write_raw(b"{}", ACCOUNT)
    start_over("sandbox")
    assert progress_path(ACCOUNT).read_bytes() == other


# ------------------------------------------------------------------------------------------
# No secrets


@pytest.mark.parametrize(
    "data",
    [
        {"callback_password": "hunter2"},
        {"application": {"client_secret": "hunter2"}},
        {"messages": [{"id": "m-1", "token": "hunter2"}]},
    ],
)
def test_secret_looking_values_are_refused(data):
    progress = saved()
    before = progress.path.read_bytes()
    with pytest.raises(SecretInProgress) as caught:
        progress.record("create-application", data)
    assert "hunter2" not in str(caught.value)
    assert "keyring" in str(caught.value)
    assert progress.step("create-application") is None
    # Even data put in behind the API's back is refused at save time.
    from wizard.storage.progress import StepRecord

    progress.steps["create-application"] = StepRecord("done", data)
    with pytest.raises(SecretInProgress):
        save_progress(progress)
    assert progress.path.read_bytes() == before


def test_unsaveable_values_are_a_plain_error():
    progress = saved()
    progress.record("create-application", {"ids": {1, 2}})
    with pytest.raises(ProgressError, match="could not be saved"):
        save_progress(progress)
