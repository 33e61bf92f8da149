"""`make screenshots`: one SVG per screen in screenshots/, drawn from the snapshot tests' scenes.

The pictures come from the very scenes the snapshot tests compare (`scenes.py`,
`scenes_flow.py`), against a sandbox configured as the test session's, so screenshots/ and the
reviewed snapshots show the same thing. It never rewrites the snapshots themselves: a changed
picture there is something to review, not to regenerate in passing.

Run as `python -m tests.tui.screenshots [DIR]`. Settings, progress and keyring entries go to a
temporary place, as in the tests, so a developer's own set-up is never touched.
"""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from pathlib import Path

# Deterministic rendering, as in tests/conftest.py: before textual is imported anywhere.
os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

SHOTS: dict[str, tuple[str, str]] = {
    "01-welcome": ("setup", "welcome"),
    "02-credentials": ("setup", "credentials"),
    "02b-credentials-bad": ("setup", "credentials-bad"),
    "03-subaccount": ("setup", "subaccount"),
    "04-application": ("setup", "application"),
    "05-location": ("setup", "location"),
    "06-features": ("setup", "features"),
    "06b-features-13609": ("setup", "features-13609"),
    "07-assign": ("setup", "assign"),
    "08-order": ("flow", "order"),
    "09-order-status": ("flow", "order-complete"),
    "08b-order-toll-free": ("flow", "order-toll-free"),
    "09b-order-failed": ("flow", "order-failed"),
    "10-ready": ("flow", "ready-campaigns"),
    "10b-ready-assigned": ("flow", "ready-assignment"),
    "10c-ready-tfv-form": ("flow", "ready-tfv-form"),
    "10d-ready-tfv-pending": ("flow", "ready-tfv-pending"),
    "10e-ready-tfv-verified": ("flow", "ready-tfv-verified"),
    "10f-ready-tfv-declined": ("flow", "ready-tfv-declined"),
    "11-send": ("flow", "send-delivered"),
    "11b-send-failed": ("flow", "send-failed"),
    "11c-send-blocked": ("flow", "send-blocked"),
    "11d-done": ("flow", "done"),
    "12-help": ("setup", "help"),
    "13-light-theme": ("setup", "credentials-light"),
    "14-status": ("status", "status-healthy"),
    "14b-status-problems": ("status", "status-problems"),
}
"""File name (without .svg) -> (scene module, scene name): every screen, then the main error
states and the light theme. The README shows them in this order."""


def _isolate() -> tempfile.TemporaryDirectory[str]:
    """What the tests' autouse fixture does: private dirs, a throwaway keyring service."""
    scratch = tempfile.TemporaryDirectory(prefix="bw-wizard-screenshots-")
    root = Path(scratch.name)
    for name in ("CONFIG", "STATE", "DATA"):
        os.environ[f"BW_WIZARD_{name}_DIR"] = str(root / name.lower())
    os.environ["BW_WIZARD_KEYRING_SERVICE"] = f"bw-wizard-shots-{uuid.uuid4().hex[:12]}"
    for name in list(os.environ):
        if name.startswith("BW_") and not name.startswith("BW_WIZARD_"):
            del os.environ[name]
    return scratch


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    scratch = _isolate()

    import httpx
    from textual._doc import take_svg_screenshot

    from tests.conftest import TEST_SANDBOX
    from tests.tui import scenes, scenes_flow, scenes_status
    from tests.tui.scenes import secret_values
    from wizard.sandbox.server import SandboxConfig, SandboxThread

    config = SandboxConfig(**TEST_SANDBOX)  # the same sandbox as the tests'
    modules = {
        "setup": scenes.SCENES,
        "flow": scenes_flow.SCENES,
        "status": scenes_status.SCENES,
    }
    written: list[Path] = []
    with scratch, SandboxThread(config) as server:
        secrets = secret_values(server)
        for file_name, (module, scene_name) in SHOTS.items():
            reset = httpx.post(f"{server.base_url}/_sandbox/reset", timeout=10, trust_env=False)
            reset.raise_for_status()
            scene = modules[module][scene_name](server)
            svg = take_svg_screenshot(
                scene.app, terminal_size=scene.terminal_size, run_before=scene.run_before
            )
            leaked = [s for s in secrets if s in svg]
            if leaked:
                print(f"refusing to write {file_name}.svg: it shows a secret", file=sys.stderr)
                return 1
            path = out / f"{file_name}.svg"
            path.write_text(svg, encoding="utf-8")
            written.append(path)
            print(f"wrote {path}")
    stale = sorted(set(out.glob("*.svg")) - set(written))
    for path in stale:
        path.unlink()
        print(f"removed {path} (no scene draws it any more)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
