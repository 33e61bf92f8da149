"""`bw-wizard status`: a read-only health report of an account, for people and for scripts.

Only argparse is imported here: the CLI imports this module to build its help, and the run
itself (`status_run.py`) loads the clients only when it starts.
"""

from __future__ import annotations

import argparse

EXIT_CODES_HELP = """exit codes (as apply's):
  0  healthy: nothing to fix (warnings may still be printed)
  4  problems found: each is printed with its fix (and listed under "problems" with --json)
  1  status could not run (the API failed, a bad argument); 2 the sign-in was refused;
  7  rate limited even after waiting for the resets Bandwidth gave
Progress goes to stderr while it runs; the report goes to stdout. Nothing is changed on the
account, no message is sent, and no saved progress is needed: it works on any account."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from wizard.status.run import DEFAULT_CONCURRENCY, DEFAULT_HOURS, MAX_HOURS

    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EXIT_CODES_HELP
    parser.add_argument(
        "--json", action="store_true", help="print the whole report as JSON on stdout"
    )
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="look at an in-process sandbox's account (no account, no network)",
    )
    parser.add_argument(
        "--account",
        default=None,
        metavar="ID",
        help="the account to look at, when the API Credential can use several "
        "(default: BW_ACCOUNT_ID, the settings, or the only one the credential names)",
    )
    parser.add_argument(
        "--hours",
        type=float,
        default=DEFAULT_HOURS,
        metavar="H",
        help=f"look for failed messages this far back (default {DEFAULT_HOURS:g}, at most "
        f"{MAX_HOURS:g}: List Messages searches 14 days at a time)",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=DEFAULT_CONCURRENCY,
        metavar="N",
        help=f"requests in flight at once (default {DEFAULT_CONCURRENCY}, 1 to 32); a 429 "
        "pauses them all until the reset Bandwidth names",
    )


def run(args: argparse.Namespace) -> int:
    import asyncio
    import sys

    from wizard.commands.status_run import StatusRun

    try:
        return asyncio.run(StatusRun(args).main())
    except KeyboardInterrupt:
        print("Interrupted; nothing was changed.", file=sys.stderr)
        return 130
