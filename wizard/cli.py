"""Command-line entry point.

Only argparse is imported at start-up: each subcommand lives in its own module and is imported
when chosen, so `bw-wizard --help` and the first screen stay fast.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Sequence
from typing import Any

#: Subcommand name -> (module, one-line help). Each module offers `add_arguments(parser)` and
#: `run(args) -> int`, and keeps its own top-level imports light.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "sandbox": ("wizard.sandbox.command", "run the local Bandwidth API emulator in the foreground"),
    "apply": ("wizard.commands.apply", "run every setup step without screens (for scripts and CI)"),
    "callbacks": (
        "wizard.commands.callbacks",
        "run the callback receiver alone and print events; replay or trigger callbacks",
    ),
    "export": (
        "wizard.commands.export",
        "write the setup's ids as a .env, with a message sender and a callback handler",
    ),
    "teardown": (
        "wizard.commands.teardown",
        "remove what the wizard created for an account (a dry run unless --yes)",
    ),
    "status": ("wizard.commands.status", "check an account's messaging setup, read-only"),
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
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_SubcommandParser)
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        sub_parser.module_name = module_name
    return parser


class _SubcommandParser(argparse.ArgumentParser):
    """A subcommand's parser that imports its module only when that subcommand is chosen.

    `bw-wizard --sandbox` parses with the same parser as `bw-wizard apply`, so building it
    must not import the sandbox server, the headless runner and the receiver just to list
    their names: their arguments are added the first time this parser is used.
    """

    module_name: str | None = None

    def _load(self) -> None:
        if self.module_name is None:
            return
        module = importlib.import_module(self.module_name)
        self.module_name = None
        module.add_arguments(self)
        self.set_defaults(run=module.run)

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        self._load()
        return super().parse_known_args(args, namespace)

    def format_help(self) -> str:
        self._load()
        return super().format_help()

    def format_usage(self) -> str:
        self._load()
        return super().format_usage()


def _version() -> str:
    from wizard import __version__

    return f"bw-wizard {__version__}"


#: First-generation threshold of CPython's cyclic collector while the screens run (default 700).
GC_THRESHOLD = 10_000


def quiet_collector() -> None:
    """Let CPython's cyclic collector run less often in the TUI process.

    Start-up creates some 80,000 objects that live as long as the process (Textual, the
    sandbox, the screens). With the default threshold of 700 new objects, the collector ran
    about 230 times before the first screen was ready, scanning ever more of them: about
    50 ms of a 0.8 s start (benchmarks/README.md). Cycles are still collected, in batches of
    10,000 allocations instead of 700.
    """
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])


def freeze_for_exit() -> None:
    """Hide every live object from the collector once the App has exited.

    Interpreter shutdown otherwise runs full collections over everything the TUI built
    (about 80 ms, measured); frozen objects are freed by reference count alone, and the
    process ends right after.
    """
    gc.freeze()


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if getattr(args, "run", None) is not None:
            return int(args.run(args) or 0)
        from wizard.tui.launch import run_tui

        # Only the screens' process: `apply` and friends also run inside test processes.
        quiet_collector()
        try:
            return run_tui(args)
        finally:
            freeze_for_exit()
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
