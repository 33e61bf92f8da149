"""`bw-wizard callbacks` as a real process: prints its URL, one line per event, and stops cleanly
on SIGTERM or Ctrl+C (SIGINT) without a traceback."""

from __future__ import annotations

import os
import re
import signal
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.callbacks.helpers import SAMPLE_NAMES, sample
from tests.processes import LineProcess

REPO = Path(__file__).resolve().parents[2]
USER, PASSWORD = "cb-user", "command-Secret-123"
JSON = {"Content-Type": "application/json", "User-Agent": "BandwidthAPI/v2"}


class Command(LineProcess):
    """`bw-wizard callbacks ARGS` in its own process."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        super().__init__(
            [sys.executable, "-m", "wizard", "callbacks", *args],
            cwd=REPO,
            env={**os.environ, **(env or {})},
        )


@pytest.fixture
def command() -> Iterator[type[Command]]:
    started: list[Command] = []

    class Tracked(Command):
        def __init__(self, *args: str, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            started.append(self)

    yield Tracked
    for process in started:
        process.kill()


def test_it_prints_each_sample_it_receives_and_stops_cleanly_on_sigterm(command, tmp_path):
    log = tmp_path / "events.jsonl"
    cmd = command(
        "--port", "0", "--user", USER, "--log", str(log), env={"BW_CALLBACK_PASSWORD": PASSWORD}
    )
    first = cmd.wait_line(r"^Listening for Bandwidth callbacks on ")
    url = re.search(r"(http://127\.0\.0\.1:(\d+)/callbacks) ", first)
    assert url and int(url.group(2)) > 0, first
    assert "••••" in first and PASSWORD not in first
    cmd.wait_line(r"Press Ctrl\+C")
    with httpx.Client(timeout=10, trust_env=False) as client:
        for name in SAMPLE_NAMES:
            challenge = client.post(url.group(1), content=sample(name), headers=JSON)
            assert challenge.status_code == 401
            assert challenge.headers["www-authenticate"].startswith("Basic realm=")
            answer = client.post(
                url.group(1), content=sample(name), headers=JSON, auth=(USER, PASSWORD)
            )
            assert answer.status_code == 200, answer.text
            line = cmd.wait_line(re.escape(name))
            if name == "message-failed":
                assert "error 4432" in line and "country" in line
            if name == "message-received":
                assert "Hey, check this out!" in line
        again = client.post(
            url.group(1), content=sample("message-sent"), headers=JSON, auth=(USER, PASSWORD)
        )
        assert again.json()["duplicates"] == 1
    code, stderr = cmd.stop(signal.SIGTERM)
    rest = cmd.remaining_output()
    assert code == 0, stderr
    assert "Traceback" not in stderr and stderr.strip() == ""
    assert rest == ["Stopped."]  # the redelivery printed nothing
    everything = "\n".join(cmd.seen + rest)
    assert PASSWORD not in everything
    assert len(log.read_text().splitlines()) == 5


def test_ctrl_c_stops_it_cleanly_and_a_restart_reads_the_log(command, tmp_path):
    log = tmp_path / "events.jsonl"
    cmd = command("--port", "0", "--log", str(log))
    first = cmd.wait_line(r"^Listening")
    assert "no auth" in first
    url = re.search(r"(http://\S+/callbacks)", first).group(1)
    cmd.wait_line(r"Press Ctrl\+C")
    httpx.post(url, content=sample("message-delivered"), headers=JSON, trust_env=False)
    assert "[unauthenticated]" in cmd.wait_line("message-delivered")
    code, stderr = cmd.stop(signal.SIGINT)
    assert code == 0 and "Traceback" not in stderr and "KeyboardInterrupt" not in stderr

    again = command("--port", "0", "--log", str(log))
    again.wait_line("1 earlier events read back from the log")
    again.stop()


def test_a_taken_port_is_a_plain_sentence(command):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        cmd = command("--port", str(port))
        code = cmd.proc.wait(timeout=10)
        stderr = cmd.stderr()
    assert code == 1
    assert f"cannot listen on 127.0.0.1:{port}: the port is already in use" in stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize(
    ("args", "env", "words"),
    [
        (["--user", "u"], {}, "--user needs a password"),
        (["--password", "pw-Secret-9"], {}, "needs a user name too"),
        ([], {"BW_CALLBACK_PASSWORD": "pw-Secret-9"}, "needs a user name too"),
        (["--port", "70000"], {}, "between 0 and 65535"),
    ],
)
def test_bad_arguments_are_plain_sentences(command, args, env, words):
    cmd = command(*args, env=env)
    code = cmd.proc.wait(timeout=10)
    stderr = cmd.stderr()
    assert code == 2 and words in stderr and "Traceback" not in stderr
    assert "pw-Secret-9" not in stderr + "".join(cmd.remaining_output())
