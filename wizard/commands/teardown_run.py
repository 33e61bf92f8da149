"""The body of `bw-wizard teardown`, apart from its argparse half so `--help` stays instant.

It reads the account's saved progress, plans the teardown from it (`wizard.engine.teardown_plan`)
and prints that plan; with `--yes` it asks for the count of numbers, removes the receiver's
state, then runs the plan (`wizard.engine.teardown_runner`), printing each piece as it goes. The
story goes to stdout (stderr with --json); every failure is printed once, on stderr, with what
to do next.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from wizard.commands.target import account_known, check_progress, session_for, sign_in
from wizard.commands.teardown_local import LocalState
from wizard.core.errors import EXIT_OK, Kind, WizardError, exit_code
from wizard.engine.step import StepId
from wizard.engine.teardown_plan import Resource, TeardownPlan, plan_teardown
from wizard.engine.teardown_runner import KEPT, Outcome, TeardownFailed, TeardownRunner
from wizard.session.session import Session


class TeardownCommand:
    def __init__(
        self,
        args: argparse.Namespace,
        *,
        stdin: TextIO | None = None,
        out: TextIO | None = None,
        err: TextIO | None = None,
    ) -> None:
        self.args = args
        self.stdin = stdin or sys.stdin
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.lines: TextIO = self.err if args.json else self.out
        self.report: dict[str, Any] = {"dry_run": not args.yes}

    def say(self, text: str = "") -> None:
        print(text, file=self.lines, flush=True)

    async def main(self) -> int:
        session: Session | None = None
        code = EXIT_OK
        try:
            session = session_for(sandbox=self.args.sandbox)
            code = await self._run(session)
        except WizardError as error:
            code = self._failed(error)
        finally:
            if session is not None:
                await session.aclose()
            if self.args.json:
                self.report["exit"] = code
                print(json.dumps(self.report, indent=2), file=self.out, flush=True)
        return code

    def _failed(self, error: WizardError) -> int:
        where = error.resource.value if isinstance(error, TeardownFailed) else None
        print(f"✗ {where}: {error.message}" if where else f"error: {error.message}", file=self.err)
        if error.hint:
            print(f"  next: {error.hint}", file=self.err)
        if where:
            print(
                "  What was removed before this is recorded as gone: run `bw-wizard teardown "
                "--yes` again to finish.",
                file=self.err,
            )
        self.report["failed"] = {"resource": where, "message": error.message, "hint": error.hint}
        return exit_code(error.kind)

    async def _run(self, session: Session) -> int:
        if self.args.yes or not account_known(session):
            await sign_in(session)
        else:
            check_progress(session)
        assert session.conn is not None
        conn = session.conn
        plan = plan_teardown(
            session.progress, account_id=conn.account_id, dashboard_url=conn.dashboard_url
        )
        messages = [
            str(m.get("id") or "")
            for m in (session.progress.get(StepId.SEND) or {}).get("messages") or []
        ]
        self.report.update(
            {
                "account_id": conn.account_id,
                "dashboard_url": conn.dashboard_url,
                "kept": [
                    {"resource": k.resource.value, "what": k.what, "why": k.why} for k in plan.kept
                ],
            }
        )
        if not self.args.yes:
            local = LocalState.find(
                session.callback_log_path(), plan.numbers, messages, sandbox_dirs=self.args.sandbox
            )
            self._print_plan(plan, local)
            return EXIT_OK
        assert session.clients is not None
        runner = TeardownRunner(
            session.clients.dashboard,
            session.progress,
            plan,
            on_outcome=self._outcome,
            timeout=self.args.timeout,
        )
        numbers = await runner.resolve_numbers()
        local = LocalState.find(
            session.callback_log_path(), numbers, messages, sandbox_dirs=self.args.sandbox
        )
        if plan.is_empty and local.is_empty:
            self.say(f"Nothing to tear down for account {conn.account_id}: {self._why_empty(plan)}")
            self.report.update({"removed": [], "already_gone": [], "local": []})
            return EXIT_OK
        self.say(f"Tearing down what the wizard created on account {conn.account_id}:")
        if numbers:
            self._confirm(len(numbers), numbers)
        self.report.update({"removed": [], "already_gone": [], "local": []})
        for line in local.remove():
            self.say(f"✓ {line}")
            self.report["local"].append(line)
        try:
            await runner.run()
        finally:
            if runner.disconnect is not None:
                self.report["disconnect_order_id"] = runner.disconnect.id
        for kept in plan.kept:
            self.say(f"· kept {kept.what}: {kept.why}")
        self.say("Done: nothing the wizard created remains, and its saved progress is cleared.")
        return EXIT_OK

    # -- output --------------------------------------------------------------------------------

    def _outcome(self, outcome: Outcome) -> None:
        mark = "·" if outcome.status == KEPT else "✓"
        self.say(f"{mark} {outcome.detail}: {outcome.status}")
        key = {"removed": "removed", "already gone": "already_gone"}.get(outcome.status)
        entry = {"resource": outcome.resource.value, "detail": outcome.detail}
        if key:
            self.report.setdefault(key, []).append(entry)
        else:
            self.report["kept"].append({"resource": outcome.resource.value, "why": outcome.detail})

    def _why_empty(self, plan: TeardownPlan) -> str:
        if plan.kept:
            return "the saved progress records nothing the wizard created (see what is kept)."
        return (
            "no saved progress records anything. (`apply --sandbox` and `bw-wizard --sandbox` "
            "keep nothing after they exit.)"
        )

    def _print_plan(self, plan: TeardownPlan, local: LocalState) -> None:
        self.report.update(
            {
                "local": local.lines(),
                "requests": [
                    {
                        "resource": r.resource.value,
                        "title": r.title,
                        "method": r.method,
                        "url": r.url,
                        "body": r.body,
                        "why": r.why,
                        "note": r.note,
                    }
                    for r in plan.removals
                ],
                "disconnect_count": len(plan.numbers) if plan.numbers_known else None,
            }
        )
        account = plan.account_id
        if plan.is_empty and local.is_empty:
            self.say(f"Nothing to tear down for account {account}: {self._why_empty(plan)}")
            self._print_kept(plan)
            return
        self.say("Dry run: nothing is changed. Run again with --yes to carry it out.")
        self.say(f"Account {account} at {plan.dashboard_url}, from its saved progress.")
        if not local.is_empty:
            self.say("")
            self.say("On this computer (the callback receiver's state):")
            for line in local.lines():
                self.say(f"  - {line}")
        if plan.removals:
            self.say("")
            self.say("Requests, in this order:")
        for number, removal in enumerate(plan.removals, start=1):
            self.say(f"  {number}. {removal.title}: {removal.why}")
            self.say(f"     {removal.method} {removal.url}")
            if removal.body:
                self.say(f"     {removal.body}")
            if removal.note:
                self.say(f"     ({removal.note})")
        self._print_kept(plan)
        if plan.removal(Resource.NUMBERS) is not None:
            count = len(plan.numbers) if plan.numbers_known else "the"
            self.say("")
            self.say(
                f"Disconnecting is irreversible and stops billing: --yes asks you to type the "
                f"count of numbers ({count}), or takes --disconnect-count N without a terminal."
            )

    def _print_kept(self, plan: TeardownPlan) -> None:
        if not plan.kept:
            return
        self.say("")
        self.say("Kept (not created by the wizard):")
        for kept in plan.kept:
            self.say(f"  - {kept.what}: {kept.why}")

    # -- the count -------------------------------------------------------------------------------

    def _confirm(self, count: int, numbers: tuple[str, ...]) -> None:
        """The typed count of numbers, or --disconnect-count; refuse (nothing changed) otherwise."""
        noun = "number" if count == 1 else "numbers"
        given = self.args.disconnect_count
        if given is not None:
            if given != count:
                raise WizardError(
                    f"--disconnect-count {given} does not match the {count} {noun} this teardown "
                    f"would disconnect ({', '.join(numbers)}); nothing was changed.",
                    f"Check the numbers with a dry run, then pass --disconnect-count {count}.",
                    kind=Kind.VALIDATION,
                )
            return
        if not self.stdin.isatty():
            raise WizardError(
                f"Disconnecting {count} {noun} needs the count typed at a terminal, and there is "
                "none; nothing was changed.",
                f"Run it in a terminal, or confirm with --disconnect-count {count}.",
                kind=Kind.VALIDATION,
            )
        print(
            f"About to disconnect {count} {noun}: {', '.join(numbers)}. This cannot be undone and "
            f"stops their billing.\nType {count} (the count of numbers) to confirm: ",
            end="",
            file=self.err,
            flush=True,
        )
        answer = self.stdin.readline().strip()
        if answer != str(count):
            raise WizardError(
                f"“{answer}” is not {count}; nothing was changed.",
                "Run it again and type the count of numbers to disconnect them.",
                kind=Kind.VALIDATION,
            )
