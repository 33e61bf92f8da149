"""`bw-wizard teardown`: remove what the wizard created for an account, and nothing else.

A dry run by default: it prints the exact requests it would send, in order, and what it leaves
alone and why. `--yes` carries them out; disconnecting numbers is irreversible and stops their
billing, so it also needs the count of numbers typed at a terminal (or `--disconnect-count N`
when there is none). A rerun after a crash or a refusal finishes the job.
"""

from __future__ import annotations

import argparse

EXIT_CODES_HELP = """exit codes:
  0  done (or the dry run printed), or nothing to tear down
  1  refused: the count was not confirmed, saved progress cannot be used, server error
  2  authentication: wrong or missing credentials
  4  conflict: Bandwidth refused a removal (something else still uses it), or a number order
     has not ended
  5  timeout: the disconnect order had not ended in time (run again later)
  7  rate limited
What was removed before a failure is recorded as gone: run the same command again to finish."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EXIT_CODES_HELP
    parser.add_argument(
        "--yes",
        action="store_true",
        help="carry it out (without it, a dry run prints the requests and changes nothing)",
    )
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help=(
            "the sandbox running on this machine (`bw-wizard sandbox`; BW_API_URL or "
            "http://127.0.0.1:8960), signed in as its built-in identity"
        ),
    )
    parser.add_argument(
        "--json", action="store_true", help="print the plan or the outcome as JSON on stdout"
    )
    parser.add_argument(
        "--disconnect-count",
        type=int,
        default=None,
        metavar="N",
        help=(
            "confirm disconnecting N numbers without a terminal (N must be the count the "
            "teardown would disconnect)"
        ),
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=600.0,
        metavar="SECONDS",
        help="how long to wait for the disconnect order to end (default 600)",
    )


def run(args: argparse.Namespace) -> int:
    import asyncio

    from wizard.commands.teardown_run import TeardownCommand

    return asyncio.run(TeardownCommand(args).main())
