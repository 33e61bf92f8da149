"""`bw-wizard callbacks`: the callback receiver on its own, printing one line per event; and
`callbacks replay` / `callbacks trigger`, which send events to a handler of your own.

For people who run the rest elsewhere (a script, `bw-wizard apply`, Bandwidth's own tools) and
want to see callbacks arrive, typically behind a tunnel, or who are writing the handler that
will take them. Only argparse is imported at the top: the CLI imports this module at start-up
to build its help.
"""

from __future__ import annotations

import argparse
import os
import sys

#: Where the password may come from instead of the command line (which `ps` shows).
PASSWORD_ENV = "BW_CALLBACK_PASSWORD"
#: Default port: fixed, so a tunnel command (`ngrok http 8970`) can be written down once.
DEFAULT_PORT = 8970


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port to listen on; 0 picks a free one (default: {DEFAULT_PORT})",
    )
    parser.add_argument(
        "--path", default="/callbacks", help="URL path to receive on (default: /callbacks)"
    )
    parser.add_argument(
        "--user", default=None, help="Basic-auth user name Bandwidth must send (CallbackCreds)"
    )
    parser.add_argument(
        "--password",
        default=None,
        help=f"Basic-auth password; better set {PASSWORD_ENV} so it stays out of `ps`",
    )
    parser.add_argument(
        "--log",
        default=None,
        metavar="FILE",
        help="JSONL event log (default: callbacks.jsonl in the bw-wizard data directory)",
    )
    from wizard.commands.callbacks_send import add_actions

    add_actions(parser)


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl+C or SIGTERM; 0 on a clean stop, 2 for bad arguments, 1 otherwise.
    With `replay` or `trigger`, send events instead (`callbacks_send`)."""
    if getattr(args, "action", None):
        from wizard.commands.callbacks_send import run_action

        return run_action(args)
    password = args.password or os.environ.get(PASSWORD_ENV) or None
    user = args.user or None
    if password and not user:
        _error("A callback password needs a user name too: add --user NAME.")
        return 2
    if user and not password:
        _error(f"--user needs a password: set {PASSWORD_ENV} (or pass --password).")
        return 2
    if not 0 <= args.port <= 65535:
        _error(f"--port must be between 0 and 65535, not {args.port}.")
        return 2
    import asyncio

    try:
        return asyncio.run(_serve(args, user, password))
    except KeyboardInterrupt:
        # A second Ctrl+C while stopping, or one before the handlers were in place.
        return 0


async def _serve(args: argparse.Namespace, user: str | None, password: str | None) -> int:
    import asyncio
    import signal
    from pathlib import Path

    from wizard.callbacks.receiver import CallbackReceiver
    from wizard.callbacks.tunnel import find_public_url
    from wizard.session.serve import AppServer, ServeError
    from wizard.storage.paths import data_dir

    try:
        receiver = CallbackReceiver(
            path=args.path,
            username=user,
            password=password,
            log_path=Path(args.log).expanduser() if args.log else data_dir() / "callbacks.jsonl",
            on_event=lambda event: _say(event.summary()),
        )
    except (OSError, ValueError) as error:
        _error(f"Cannot open the callback log: {error}.")
        return 1
    server = AppServer(receiver, host=args.host, port=args.port, what="The callback receiver")
    try:
        await server.start()
    except ServeError as error:
        _error(str(error))
        return 1

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    installed: list[int] = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, stop.set)
            installed.append(signum)
        except (NotImplementedError, RuntimeError):  # Windows: Ctrl+C still ends asyncio.run
            pass

    auth = (
        f"Basic auth as “{user}”, password ••••"
        if user
        else "no auth: events are marked unauthenticated"
    )
    _say(f"Listening for Bandwidth callbacks on {server.url_for(receiver.path)} ({auth})")
    _say(f"Events are saved to {receiver.log_path}")
    if receiver.restored_count:
        _say(f"{receiver.restored_count} earlier events read back from the log")
    tunnel = await find_public_url(local_port=server.port, path=receiver.path)
    _say(tunnel.explanation)
    _say("Press Ctrl+C to stop.")
    try:
        await stop.wait()
    finally:
        for signum in installed:
            loop.remove_signal_handler(signum)
        await server.stop()
        receiver.close()
    if receiver.last_error:
        _error(receiver.last_error)
    _say("Stopped.")
    return 0


def _say(text: str) -> None:
    print(text, flush=True)


def _error(text: str) -> None:
    print(f"error: {text}", file=sys.stderr, flush=True)
