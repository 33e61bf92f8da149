"""The first screen stays light: opening the wizard must not import what only later steps need.

Every module here costs start-up time on every launch (httpx and its TLS context, the XML codec,
keyring and D-Bus, phonenumbers' tables, the sandbox's server). They load when the step that
needs them runs, or in the background once the first frame is drawn.
"""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = (
    "httpx",
    "httpcore",
    "xmltodict",
    "keyring",
    "secretstorage",
    "phonenumbers",
    "uvicorn",
    "starlette",
    "wizard.sandbox",
    "wizard.callbacks.receiver",
    "wizard.storage.credentials",
)

PROGRAM = """
import sys
from wizard.session.session import Session
from wizard.tui.app import WizardApp
from wizard.tui.screens.welcome import WelcomeScreen

app = WizardApp(Session())
screen = WelcomeScreen()
loaded = sorted(sys.modules)
print("\\n".join(loaded))
"""


def test_the_first_screen_imports_none_of_the_heavy_modules() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = set(result.stdout.split())
    heavy = sorted(
        name for name in loaded if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)
    )
    assert not heavy, heavy
