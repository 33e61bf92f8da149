"""`bw-wizard apply`: every step without screens, for scripts and CI.

It runs the same engine as the screens and prints the same events as lines. It creates only what
the config's tables ask for (README, "Headless apply"); when the config stops short, it says
before which step it stopped and why, and exits 0. Exit codes follow Bandwidth's own `band` CLI
so scripts can branch on the cause; 8 is the one code `band` does not have.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_CODES_HELP = """exit codes:
  0  done: the message was delivered (with --sandbox), or accepted (202) when apply does not
     wait for callbacks; also when the config stops before a step (the output says which)
  1  general failure: the config (nothing was sent), order FAILED, server error
  2  authentication: wrong or missing credentials (401), no keyring to keep a needed secret
  3  not found: an id, a sub-account, no numbers in the area code
  4  conflict or plan limit: 409, order BACKORDERED, a missing role (403), number not ready
  5  timeout: the order was not final in time, or no delivered/failed callback came within
     --callback-wait (the message was accepted; its outcome is unknown)
  7  rate limited (429 after retries)
  8  message failed: accepted (202), then a message-failed callback (for any destination)
On failure apply still prints what it created, so nothing is orphaned. Secrets never come from
the config file: the OS keyring or BW_... environment variables only."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EXIT_CODES_HELP
    parser.add_argument(
        "--config",
        type=Path,
        help="TOML file with settings and step inputs (see README); no secrets in it",
    )
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="run against an in-process sandbox (no account, no network)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the ids of everything created as JSON"
    )
    parser.add_argument(
        "--start-over",
        action="store_true",
        help="set saved progress aside (kept as a .bak file) and start from the first step",
    )
    parser.add_argument(
        "--send-again",
        action="store_true",
        help=(
            "send the [message] even if an earlier run sent it (or may have: the guide's API "
            "cannot look messages up); every other step still resumes"
        ),
    )
    parser.add_argument(
        "--send-anyway",
        action="store_true",
        help=(
            "send even when a check before the send fails (the number is not ready, the "
            "application is not linked, the callback URL is not public); recorded as such"
        ),
    )
    parser.add_argument(
        "--order-delay",
        type=float,
        default=0.5,
        help="with --sandbox: seconds the sandbox takes to complete an order (default 0.5)",
    )
    parser.add_argument(
        "--callback-wait",
        type=float,
        default=None,
        metavar="SECONDS",
        help=(
            "with --sandbox: seconds to wait after the 202 for every destination's "
            "message-delivered or message-failed callback (default: 10 with --sandbox); a "
            "failed callback exits 8, and when the wait runs out apply names the destinations "
            "still unknown and exits 5. Not available without --sandbox: on an account the "
            "callbacks go to your callback URL, and exit 0 means accepted"
        ),
    )


def run(args: argparse.Namespace) -> int:
    import asyncio

    from wizard.commands.apply_run import ApplyRun

    runner = ApplyRun(args)
    try:
        return asyncio.run(runner.main())
    except KeyboardInterrupt:
        runner.print_created()
        print(
            "Interrupted; progress is saved, run the same command again to resume.", file=sys.stderr
        )
        return 130
