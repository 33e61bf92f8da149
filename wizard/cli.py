"""Command-line entry point.

Only argparse is imported at start-up: each subcommand lives in its own module and is imported
when chosen, so `bw-wizard --help` and the first screen stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

#: Subcommand name -> (module, one-line help). Each module offers `add_arguments(parser)` and
#: `run(args) -> int`, and keeps its own top-level imports light.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "sandbox": ("wizard.sandbox.command", "run the local Bandwidth API emulator in the foreground"),
    "apply": ("wizard.headless", "run every setup step without screens (for scripts and CI)"),
    "callbacks": ("wizard.callbacks_command", "run the callback receiver alone and print events"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bw-wizard",
        description=(
            "Set up Bandwidth Messaging 2.0 step by step: application, location, SMS/MMS, "
            "numbers, first message and its callbacks. Without a subcommand it opens the wizard."
        ),
    )
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="run against the built-in local sandbox (no account, no network needed)",
    )
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        module = importlib.import_module(module_name)
        module.add_arguments(sub_parser)
        sub_parser.set_defaults(run=module.run)
    return parser


def _version() -> str:
    from wizard import __version__

    return f"bw-wizard {__version__}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if getattr(args, "run", None) is not None:
            return int(args.run(args) or 0)
        from wizard.tui.launch import run_tui

        return run_tui(args)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
