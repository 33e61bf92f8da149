"""`bw-wizard apply`: every step without screens, for scripts and CI.

It runs the same engine as the screens and prints the same events as lines. Exit codes follow
Bandwidth's own `band` CLI so scripts can branch on the cause:

    0  the message was accepted (202)
    1  general failure (bad config, order FAILED, server error)
    2  authentication: wrong or missing credentials (401/403), keyring unusable
    3  not found (an id, a sub-account, no numbers in the area code)
    4  conflict or plan limit (409, order BACKORDERED)
    5  polling timeout (the order was not final in time)
    7  rate limited (429 after retries)

On failure it still prints what was created, so nothing is orphaned. Secrets never come from the
config file: the keyring or BW_... environment variables only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
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
        "--order-delay",
        type=float,
        default=0.5,
        help="with --sandbox: seconds the sandbox takes to complete an order (default 0.5)",
    )
    parser.add_argument(
        "--callback-wait",
        type=float,
        default=None,
        help=(
            "seconds to wait for the message's delivered/failed callback after the 202 "
            "(default: 10 with --sandbox, 0 otherwise)"
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
