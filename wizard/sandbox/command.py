"""`bw-wizard sandbox`: serve the local Bandwidth emulator until Ctrl+C or SIGTERM.

Imports stay light at module level because the CLI builds every subcommand's parser at start-up;
the server (uvicorn, starlette) is only imported when the command actually runs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from dataclasses import fields

from wizard.sandbox.config import DEFAULT_PORT, LargeAccount, SandboxConfig
from wizard.sandbox.credentials import sandbox_credentials
from wizard.sandbox.identity import Identity
from wizard.sandbox.limits import GROUPS

#: --flag -> Identity field; every part of the built-in identity can be overridden.
IDENTITY_FLAGS = {
    "--account-id": "account_id",
    "--username": "username",
    "--password": "password",
    "--client-id": "client_id",
    "--client-secret": "client_secret",
    "--user-id": "user_id",
    "--token": "token",
    "--secret": "secret",
    "--site-id": "site_id",
}


def _credentials_lines(identity: Identity) -> list[str]:
    return [
        f"  {c.client_id} / {c.client_secret}".ljust(52) + c.label
        for c in sandbox_credentials(identity)
    ]


def _identity_help() -> str:
    d = Identity()
    return "\n".join(
        [
            "API Credentials (OAuth2 client id / secret; public demo data):",
            *_credentials_lines(d),
            f"main account {d.account_id} (sub-account/site {d.site_id} exists)",
            "",
            f"retired API user {d.username} / {d.password}: "
            "refused (401) unless --legacy-api-users",
            f"retired guide messaging (catapult): userId {d.user_id}, token {d.token} / "
            f"secret {d.secret}",
            "",
            "test area codes: 222 ends PARTIAL, 333 FAILED, 444 BACKORDERED, 777 has no numbers;",
            "  223 numbers fail TN option orders (12184). Toll-free: tollFreeWildCardPattern=8**.",
            "10DLC campaigns: CA1B2C3 REGISTERED, CP4D5E6 PENDING, CE7F8G9 EXPIRED.",
            "a local number delivers once on CA1B2C3 (SUCCESS), a toll-free one once verified.",
            "test destinations +1NPA555CCCC fail with errorCode CCCC for 4432, 4720, 4775;",
            "  +1NPA555866X is T-Mobile (5620 from an unregistered number).",
            "control API (JSON): GET /_sandbox/state, POST /_sandbox/reset, /_sandbox/faults, "
            "/_sandbox/config, /_sandbox/applications, /_sandbox/clock, /_sandbox/seed, "
            "/_sandbox/ratelimits",
        ]
    )


def _large_account(value: str) -> LargeAccount:
    """`numbers=10000,locations=200,...` (any subset of LargeAccount's fields) or empty."""
    from wizard.sandbox.seed import large_account_from_json

    counts: dict[str, int] = {}
    for part in filter(None, (item.strip() for item in value.split(","))):
        name, sep, number = part.partition("=")
        if not sep or not number.strip().isdigit():
            raise argparse.ArgumentTypeError(f"expected name=count, got {part!r}")
        counts[name.strip()] = int(number)
    try:
        return large_account_from_json(counts)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = _identity_help()
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help="port to listen on, 0 for any free one (default: %(default)s)",
    )
    parser.add_argument(
        "--order-delay",
        type=float,
        default=3.0,
        metavar="SECONDS",
        help="seconds an order takes from RECEIVED to COMPLETE (default: %(default)s)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed for ids and phone numbers (default: %(default)s)"
    )
    parser.add_argument(
        "--inbound-reply",
        action="store_true",
        help="after each delivered message, send a message-received reply to the application",
    )
    defaults = LargeAccount()
    parser.add_argument(
        "--large-account",
        nargs="?",
        const="",
        default=None,
        type=_large_account,
        metavar="COUNTS",
        help=(
            "seed a large account at start-up and on every reset; COUNTS overrides the shape, "
            f"e.g. numbers={defaults.numbers},locations={defaults.locations},"
            f"applications={defaults.applications},sites={defaults.sites},"
            f"toll_free={defaults.toll_free},failed_messages={defaults.failed_messages}"
        ),
    )
    parser.add_argument(
        "--clock",
        choices=("real", "manual"),
        default="real",
        help="manual: time stands still until POST /_sandbox/clock advances it "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--no-rate-limits",
        action="store_true",
        help="answer every request, however fast (default: Bandwidth's published limits)",
    )
    parser.add_argument(
        "--legacy-api-users",
        action="store_true",
        help="accept the retired API user (HTTP Basic username:password) as in 2018, so the "
        "guide's requests replay as written; Bandwidth refuses it since 2026-12-02",
    )
    for flag, name in IDENTITY_FLAGS.items():
        parser.add_argument(
            flag,
            dest=f"identity_{name}",
            default=None,
            metavar="VALUE",
            help=f"override the sandbox's {name.replace('_', ' ')}",
        )


def _identity(args: argparse.Namespace) -> Identity:
    known = {f.name for f in fields(Identity)}
    overrides = {
        name: value
        for name in known
        if (value := getattr(args, f"identity_{name}", None)) not in (None, "")
    }
    return Identity(**overrides)


def config_from(args: argparse.Namespace) -> SandboxConfig:
    """The sandbox's settings from the parsed flags."""
    config = SandboxConfig(
        host=args.host,
        port=args.port,
        order_delay=args.order_delay,
        seed=args.seed,
        identity=_identity(args),
        inbound_reply=args.inbound_reply,
        clock=args.clock,
        large_account=args.large_account,
        legacy_api_users=args.legacy_api_users,
    )
    if args.no_rate_limits:
        config.rate_limits = {group: None for group in GROUPS}
    return config


def run(args: argparse.Namespace) -> int:
    if not 0 <= args.port <= 65535:
        print("The port must be a number from 0 to 65535.", file=sys.stderr)
        return 2
    if args.order_delay < 0:
        print("The order delay cannot be negative.", file=sys.stderr)
        return 2
    from wizard.sandbox.server import SandboxServer, SandboxStartError

    try:
        return asyncio.run(_serve(SandboxServer(config_from(args))))
    except SandboxStartError as exc:
        print(f"The sandbox could not start: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Sandbox stopped.", flush=True)
        return 0


async def _serve(server: object) -> int:
    from wizard.sandbox.server import SandboxServer

    assert isinstance(server, SandboxServer)
    await server.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        # Not available everywhere (Windows); Ctrl+C still interrupts there.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    print(_banner(server), flush=True)
    try:
        await stop.wait()
    finally:
        await server.stop()
    print("Sandbox stopped.", flush=True)
    return 0


def _banner(server: object) -> str:
    from wizard.sandbox.server import SandboxServer

    assert isinstance(server, SandboxServer)
    i = server.config.identity
    delay = server.config.order_delay
    large = server.config.large_account
    extra = []
    if large is not None:
        extra.append(
            f"Large account: {large.numbers} numbers on {large.locations} locations, "
            f"{large.applications} applications, {large.sites} sub-accounts."
        )
    if server.config.clock == "manual":
        extra.append('The clock is manual: POST /_sandbox/clock {"advance": 5} moves it.')
    if not any(server.config.rate_limits.values()):
        extra.append("Rate limits are off.")
    legacy = (
        f"accepted (--legacy-api-users): {i.username} / {i.password}"
        if server.config.legacy_api_users
        else "refused with 401, as Bandwidth does since 2026-12-02"
    )
    return "\n".join(
        [
            f"Bandwidth sandbox running at {server.base_url}",
            f"  Dashboard + 10DLC/TFV {server.api_v2_url}   (for https://api.bandwidth.com/api/v2)",
            f"  Dashboard (older)     {server.dashboard_url}   (for https://dashboard.bandwidth.com/api)",
            f"  Messaging API         {server.messaging_url}   (for https://messaging.bandwidth.com/api/v2)",
            f"  OAuth2 token          {server.oauth_token_url}",
            f"  Guide messaging       {server.legacy_messaging_url}   (retired catapult API)",
            f"  Control (JSON)        {server.control_url}/state",
            "",
            f"  Account id            {i.account_id}   sub-account (site) {i.site_id}",
            "  API Credentials (client id / secret):",
            *["  " + line for line in _credentials_lines(i)],
            f"  API users             {legacy}",
            f"  Guide messaging       userId {i.user_id}, token {i.token} / secret {i.secret}",
            "",
            *extra,
            f"Orders finish after {delay:g} s. Press Ctrl+C to stop.",
        ]
    )
