"""A program under test in its own process, its stdout read line by line in a thread, so a test
waits for a line (with a deadline) instead of sleeping until it has probably been printed."""

from __future__ import annotations

import queue
import re
import signal
import subprocess
import threading
import time
from collections.abc import Sequence
from pathlib import Path


class LineProcess:
    """`argv` started in `cwd` with exactly `env`; stderr kept apart, or merged into stdout."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        cwd: Path,
        env: dict[str, str],
        merge_stderr: bool = False,
    ) -> None:
        self.proc = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_line(self, pattern: str, timeout: float = 10.0) -> str:
        """The first new line matching the regular expression `pattern`."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no line matching {pattern!r}; got {self.seen}")
            try:
                line = self.lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError(f"process ended; got {self.seen}; stderr {self.stderr()}")
            self.seen.append(line)
            if re.search(pattern, line):
                return line

    def stop(self, signum: int = signal.SIGTERM) -> tuple[int, str]:
        """Send `signum` (if it still runs) and wait: (exit code, stderr)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signum)
        code = self.proc.wait(timeout=10)
        return code, self.stderr()

    def stderr(self) -> str:
        if self.proc.poll() is None or self.proc.stderr is None:
            return ""
        return self.proc.stderr.read()

    def remaining_output(self) -> list[str]:
        out = []
        while True:
            line = self.lines.get(timeout=10)
            if line is None:
                return out
            out.append(line)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
