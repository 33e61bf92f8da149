"""`bw-wizard` without a subcommand: build the shared context and run the App.

Everything that can fail before the first screen (a broken settings file, no terminal, the
sandbox's port) ends here as one plain sentence on stderr and a non-zero exit code; a person
never sees a traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

EXIT_STARTUP = 1


def run_tui(args: argparse.Namespace) -> int:
    """Run the wizard; returns the process exit code."""
    try:
        ctx = build_context(args)
    except Exception as error:
        return _fail(error)
    try:
        from wizard.tui.app import WizardApp

        app = WizardApp(ctx)
        app.run()
    except KeyboardInterrupt:
        raise
    except Exception as error:
        return _fail(error)
    if app.startup_error:
        print(f"bw-wizard could not start: {app.startup_error}", file=sys.stderr)
        return EXIT_STARTUP
    return int(app.return_code or 0)


def build_context(args: argparse.Namespace) -> Any:
    """The WizardContext for these arguments; with --sandbox the sandbox starts in the App."""
    from wizard.tui.context import WizardContext

    if getattr(args, "sandbox", False):
        return WizardContext(
            sandbox=True,
            start_sandbox=True,
            sandbox_options={"order_delay": float(getattr(args, "order_delay", 3.0) or 3.0)},
            start_receiver=True,
        )
    return _account_context(WizardContext)


def _account_context(context_type: Any) -> Any:
    """Settings from wizard.settings, secrets from wizard.credentials, saved progress."""
    from wizard.connect import ConnectionSettings, Secrets
    from wizard.credentials import CredentialStore, SecretName
    from wizard.progress import ProgressError, SavedProgressBook, load_progress
    from wizard.settings import load_settings
    from wizard.steps import MemoryProgress

    settings = load_settings()  # SettingsError is a sentence naming the file and the line
    store = CredentialStore()
    ctx = context_type(sandbox=False, settings=settings, store=store, start_receiver=True)
    if not settings.account_id:
        return ctx  # first run: the Credentials step asks for everything
    conn = ConnectionSettings.from_settings(settings)
    account = conn.account_id

    def get(name: SecretName) -> str | None:
        try:
            return store.get(account, name)
        except ValueError:
            return None

    ctx.conn = conn
    ctx.secrets = Secrets(
        dashboard_password=get(SecretName.DASHBOARD_PASSWORD),
        oauth_client_secret=get(SecretName.OAUTH_CLIENT_SECRET),
        messaging_token=get(SecretName.MESSAGING_TOKEN),
        messaging_secret=get(SecretName.MESSAGING_SECRET),
        callback_password=get(SecretName.CALLBACK_PASSWORD),
    )
    ctx.progress_profile = account
    try:
        ctx.progress = SavedProgressBook(load_progress(account, account, conn.dashboard_url))
    except ProgressError as error:
        # Shown on Welcome, which offers to start over (the file is kept as a backup).
        ctx.progress = MemoryProgress()
        ctx.progress_error = str(error)
    ctx.inputs.site_id = settings.site_id
    ctx.inputs.callback_url = settings.callback_url or ""
    ctx.inputs.callback_user = settings.callback_user
    ctx.inputs.callback_password = ctx.secrets.callback_password
    return ctx


def _fail(error: BaseException) -> int:
    try:
        from wizard.tui.context import error_sentence

        sentence = error_sentence(error)
    except Exception:  # the import itself may be what failed: still no traceback
        sentence = f"{type(error).__name__}: {error}"
    print(f"bw-wizard could not start: {sentence}", file=sys.stderr)
    return EXIT_STARTUP
