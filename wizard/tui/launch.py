"""`bw-wizard` without a subcommand: build the session and run the App.

Everything that can fail before the first screen (a broken settings file, no terminal, the
sandbox's port) ends here as one plain sentence on stderr and a non-zero exit code; a person
never sees a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
from typing import Any

EXIT_STARTUP = 1


def run_tui(args: argparse.Namespace) -> int:
    """Run the wizard; returns the process exit code."""
    try:
        session = build_session(args)
    except Exception as error:
        return _fail(error)
    try:
        from wizard.tui.app import WizardApp

        app = WizardApp(session)
        with _exit_on_hangup(app):
            app.run()
    except KeyboardInterrupt:
        raise
    except Exception as error:
        return _fail(error)
    finally:
        if session.workdir is not None:
            session.workdir.remove()
    if app.startup_error:
        print(f"bw-wizard could not start: {app.startup_error}", file=sys.stderr)
        return EXIT_STARTUP
    return int(app.return_code or 0)


def build_session(args: argparse.Namespace) -> Any:
    """The Session for these arguments; with --sandbox the sandbox starts inside the App."""
    from wizard.session.session import Session

    if getattr(args, "sandbox", False):
        return Session.for_sandbox(order_delay=float(getattr(args, "order_delay", 3.0) or 3.0))
    return Session.for_account()


class _exit_on_hangup:
    """SIGTERM and SIGHUP (a closed terminal) end the App the way Ctrl+Q does, so the session
    closes and a sandbox run leaves nothing behind."""

    SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))
    """SIGHUP does not exist on Windows."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.previous: dict[int, Any] = {}

    def __enter__(self) -> _exit_on_hangup:
        for signum in self.SIGNALS:
            # ValueError: not the main thread (tests run the App elsewhere).
            with contextlib.suppress(ValueError):
                self.previous[signum] = signal.signal(signum, self._quit)
        return self

    def _quit(self, signum: int, frame: Any) -> None:
        # Signal handlers run on the main thread between bytecodes; the App's loop runs there
        # too, so ask it to exit on its next turn rather than from inside the handler.
        loop = getattr(self.app, "_loop", None)
        if loop is not None and loop.is_running():
            loop.call_soon_threadsafe(self.app.exit, None, 128 + signum)
        else:
            raise SystemExit(128 + signum)

    def __exit__(self, *exc_info: object) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)


def _fail(error: BaseException) -> int:
    try:
        from wizard.core.errors import sentence

        text = sentence(error)
    except Exception:  # the import itself may be what failed: still no traceback
        text = f"{type(error).__name__}: {error}"
    print(f"bw-wizard could not start: {text}", file=sys.stderr)
    return EXIT_STARTUP
