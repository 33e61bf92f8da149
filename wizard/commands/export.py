"""`bw-wizard export`: the setup's ids as a .env, and two programs that use it: a message sender
on Bandwidth's Python SDK and a Starlette callback handler (`wizard.storage.export`).

Secrets go into the .env only with `--include-secrets`, read from the environment or the OS
keyring at that moment, with a warning on stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_OUT = "bw-wizard-export"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=("env", "python", "handler", "all"),
        default="all",
        help=(
            "env: .env only; python: send_message.py (bandwidth-sdk); handler: bw_callbacks.py "
            "(Starlette); all (default): the three"
        ),
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(DEFAULT_OUT),
        metavar="DIR",
        help=f"directory to write to (default: ./{DEFAULT_OUT})",
    )
    parser.add_argument(
        "--include-secrets",
        action="store_true",
        help=(
            "also write BW_CLIENT_SECRET and BW_CALLBACK_PASSWORD into the .env, read from the "
            "environment or the OS keyring now"
        ),
    )
    parser.add_argument(
        "--force", action="store_true", help="replace files that exist with other content"
    )


def run(args: argparse.Namespace) -> int:
    import asyncio

    return asyncio.run(_main(args))


async def _main(args: argparse.Namespace) -> int:
    from wizard.commands.target import account_known, check_progress, session_for, sign_in
    from wizard.core.errors import WizardError, exit_code
    from wizard.session.export import export_setup
    from wizard.storage.export import FORMATS

    session = None
    try:
        session = session_for(sandbox=False)
        if account_known(session):
            check_progress(session)
        else:
            await sign_in(session)  # the token names the account, and so its progress
        kinds = FORMATS if args.format == "all" else (args.format,)
        exported = export_setup(
            session, args.out, kinds, include_secrets=args.include_secrets, force=args.force
        )
    except WizardError as error:
        print(f"error: {error.message}", file=sys.stderr)
        if error.hint:
            print(f"  next: {error.hint}", file=sys.stderr)
        return exit_code(error.kind)
    finally:
        if session is not None:
            await session.aclose()
    values = exported.values
    print(f"Exported the setup of account {values.account_id} to {args.out}:")
    for path in exported.paths:
        print(f"  {path}" + ("  (mode 0600)" if path.name == ".env" else ""))
    for missing in exported.missing:
        print(f"  left empty: {missing}")
    if args.include_secrets:
        if values.has_secrets:
            print(
                f"warning: {args.out / '.env'} holds secrets (the API Credential's client secret"
                " and the callback password, as stored now): keep it out of version control and"
                " share it with no one.",
                file=sys.stderr,
            )
        else:
            print(
                "warning: --include-secrets found no secret to include (none in the environment"
                " or the OS keyring).",
                file=sys.stderr,
            )
    if "python" in kinds:
        to = values.user_number or "+1NUMBER"
        print(f"Send a message:      cd {args.out} && python send_message.py {to} 'Hello'")
    if "handler" in kinds:
        print(f"Receive callbacks:   cd {args.out} && python bw_callbacks.py   (port 8970)")
    return 0
