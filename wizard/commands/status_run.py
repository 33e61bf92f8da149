"""The body of `bw-wizard status`, apart from its argparse half so `--help` stays instant.

It starts a Session the way `apply` does (the sandbox's, or the account's settings and
secrets), runs `wizard.status.run.run_status`, and prints: progress on stderr while it runs,
then the report on stdout (text, or JSON with `--json`). A failure to run at all is printed
once, on stderr, as "error: ..." with the next step under it, and exits by its kind.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TextIO

from wizard.core.errors import EXIT_GENERAL, Kind, WizardError, exit_code
from wizard.session.session import Session
from wizard.status.collect import StatusProgress
from wizard.status.render import render_text
from wizard.status.run import MAX_HOURS

PROGRESS_EVERY = 1.0
"""Seconds between progress lines when stderr is not a terminal (a log, CI)."""
MAX_CONCURRENCY = 32


class ProgressPrinter:
    """Progress on stderr: one line redrawn in place on a terminal; elsewhere a line per
    phase and at most one a second, so a log stays readable."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self._phase = ""
        self._last = 0.0
        self._width = 0

    def __call__(self, progress: StatusProgress) -> None:
        now = time.monotonic()
        changed = progress.phase != self._phase
        if not changed and now - self._last < (0.1 if self.tty else PROGRESS_EVERY):
            return
        self._phase, self._last = progress.phase, now
        line = f"status: {progress.line()}"
        if self.tty:
            padding = " " * max(0, self._width - len(line))
            self._width = len(line)
            print(f"\r{line}{padding}", end="", file=self.stream, flush=True)
        else:
            print(line, file=self.stream, flush=True)

    def finish(self) -> None:
        if self.tty and self._width:
            print("\r" + " " * self._width + "\r", end="", file=self.stream, flush=True)


class StatusRun:
    def __init__(
        self, args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None
    ) -> None:
        self.args = args
        self.out = out or sys.stdout
        self.err = err or sys.stderr

    def _check_arguments(self) -> None:
        if not 1 <= self.args.concurrency <= MAX_CONCURRENCY:
            raise WizardError(
                f"--concurrency must be between 1 and {MAX_CONCURRENCY}, not "
                f"{self.args.concurrency}.",
                kind=Kind.VALIDATION,
            )
        if not 0 < self.args.hours <= MAX_HOURS:
            raise WizardError(
                f"--hours must be more than 0 and at most {MAX_HOURS:g} (14 days), not "
                f"{self.args.hours:g}.",
                "List Messages searches at most 14 days at a time.",
                kind=Kind.VALIDATION,
            )

    async def _session(self) -> Session:
        if self.args.sandbox:
            session = Session.for_sandbox(receiver=False)
            await session.start(refresh=False)
            return session
        from wizard.commands.apply_credentials import check_credentials

        session = Session.for_account(receiver=False)
        check_credentials(session)
        if self.args.account and session.conn is not None:
            session.conn = session.conn.with_account(self.args.account)
        return session

    async def main(self) -> int:
        from wizard.status.run import run_status

        session: Session | None = None
        progress = ProgressPrinter(self.err)
        try:
            self._check_arguments()
            session = await self._session()
            report = await run_status(
                session,
                hours=self.args.hours,
                concurrency=self.args.concurrency,
                on_progress=progress,
            )
        except WizardError as error:
            progress.finish()
            print(f"error: {error.message}", file=self.err, flush=True)
            if error.hint:
                print(f"  next: {error.hint}", file=self.err, flush=True)
            return exit_code(error.kind)
        except Exception as error:  # a bug or an unforeseen failure: a sentence, not a trace
            progress.finish()
            print(f"error: {type(error).__name__}: {error}", file=self.err, flush=True)
            return EXIT_GENERAL
        finally:
            if session is not None:
                await session.aclose()
        progress.finish()
        if self.args.json:
            json.dump(report.as_json(), self.out, indent=2, ensure_ascii=False)
            print(file=self.out)
        else:
            for line in render_text(report, sandbox=bool(session and session.sandbox)):
                print(line, file=self.out)
        self.out.flush()
        return report.exit_code
