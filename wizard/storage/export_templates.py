"""The two programs `bw-wizard export` writes next to the .env: a message sender on Bandwidth's
own SDK and a callback handler on Starlette. Neither holds an id or a secret: both read the .env
when they start, so the same files work after the ids change and can be shared without leaking
anything.

Each program carries its own ten-line .env reader, so it runs with nothing but its one
dependency (bandwidth-sdk, starlette with uvicorn) installed.
"""

from __future__ import annotations

_ENV_READER = '''

def load_env(path: Path) -> None:
    """KEY=value lines of a .env file into os.environ; variables already set win."""
    if not path.exists():
        return
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == "'":
            value = value[1:-1]
        elif len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
        os.environ.setdefault(key.strip(), value)
'''

SEND_MESSAGE = (
    '''#!/usr/bin/env python3
"""Send a text message with Bandwidth's Python SDK (bandwidth-sdk), as bw-wizard set it up.

    pip install bandwidth-sdk
    python send_message.py +19195550123 "Hello from Bandwidth"

It reads .env next to it (variables already set in the environment win): BW_ACCOUNT_ID,
BW_CLIENT_ID, BW_CLIENT_SECRET, BW_NUMBER, BW_MESSAGING_APPLICATION_ID, and USER_NUMBER when no
destination is given. It signs in with OAuth2 client credentials (API Credentials): Bandwidth
stopped accepting API users (a username and password) on 2026-12-02. BW_MESSAGING_URL and
BW_OAUTH_URL, when set, send it somewhere other than Bandwidth (bw-wizard's sandbox).

"Accepted" (HTTP 202) is not "delivered": the outcome arrives later as a message-delivered or
message-failed callback at the application's callback URL.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import bandwidth
from bandwidth.models.message_request import MessageRequest

REQUIRED = (
    "BW_ACCOUNT_ID",
    "BW_CLIENT_ID",
    "BW_CLIENT_SECRET",
    "BW_NUMBER",
    "BW_MESSAGING_APPLICATION_ID",
)
'''
    + _ENV_READER
    + """

def main(argv: list[str]) -> int:
    load_env(Path(__file__).with_name(".env"))
    missing = [name for name in REQUIRED if not os.environ.get(name)]
    if missing:
        print(f"error: set {', '.join(missing)} (in .env or the environment)", file=sys.stderr)
        return 2
    to = argv[1] if len(argv) > 1 else os.environ.get("USER_NUMBER", "")
    if not to:
        print("usage: python send_message.py +1NUMBER [TEXT]", file=sys.stderr)
        return 2
    text = argv[2] if len(argv) > 2 else "Hello from Bandwidth"
    settings = {
        "client_id": os.environ["BW_CLIENT_ID"],
        "client_secret": os.environ["BW_CLIENT_SECRET"],
    }
    if os.environ.get("BW_OAUTH_URL"):
        settings["access_token_url"] = os.environ["BW_OAUTH_URL"]
    if os.environ.get("BW_MESSAGING_URL"):
        settings["host"] = os.environ["BW_MESSAGING_URL"]
        settings["ignore_operation_servers"] = True
    api = bandwidth.MessagesApi(bandwidth.ApiClient(bandwidth.Configuration(**settings)))
    request = MessageRequest(
        application_id=os.environ["BW_MESSAGING_APPLICATION_ID"],
        to=[to],
        var_from=os.environ["BW_NUMBER"],
        text=text,
    )
    try:
        message = api.create_message(os.environ["BW_ACCOUNT_ID"], request)
    except bandwidth.ApiException as error:
        print(f"error: Bandwidth answered {error.status}: {error.body}", file=sys.stderr)
        return 1
    to_list = ", ".join(message.to or [])
    print(f"Accepted (202): message {message.id} from {message.var_from} to {to_list}")
    print("The outcome comes as a callback (message-delivered or message-failed).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
"""
)

CALLBACK_HANDLER = (
    '''"""A minimal handler for Bandwidth's message callbacks, on Starlette, as bw-wizard set it up.

    pip install starlette uvicorn
    python bw_callbacks.py            (or: uvicorn bw_callbacks:app --port 8970)

It reads .env next to it (variables already set win): BW_CALLBACK_USER and BW_CALLBACK_PASSWORD,
the credentials the application gives Bandwidth; PORT (default 8970) and BW_CALLBACK_PATH
(default /callbacks) say where it listens. Put your own code in handle().

What Bandwidth expects of it (api-docs site/docs/messaging/webhooks.mdx, numbers/webhooks.md):
- Basic auth is a challenge: Bandwidth POSTs without credentials first and sends them only after
  a 401 with `WWW-Authenticate: Basic`, so that is the answer when they are missing or wrong.
- Each POST is a JSON array of events; answer 2xx within 10 seconds, or Bandwidth tries again.
- Delivery is at least once, for up to 24 hours: the same event can come more than once. Each is
  handled once, known by its type, message id, destination, time and error code. (The memory of
  what was seen lives in this process; keep it in your database to survive restarts.)
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import os
import sys
from collections import OrderedDict
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
'''
    + _ENV_READER
    + '''

load_env(Path(__file__).with_name(".env"))
USER = os.environ.get("BW_CALLBACK_USER", "")
PASSWORD = os.environ.get("BW_CALLBACK_PASSWORD", "")
PATH = os.environ.get("BW_CALLBACK_PATH", "/callbacks")
SEEN_LIMIT = 100_000
"""Event keys remembered (the oldest are forgotten first)."""
_seen: OrderedDict[str, None] = OrderedDict()


def handle(event: dict) -> None:
    """Your code goes here: called once for each event, however often Bandwidth sends it."""
    message = event.get("message") or {}
    line = f"{event.get('type')} message {message.get('id')} to {event.get('to')}"
    if event.get("type") == "message-failed":
        line += f": error {event.get('errorCode')} ({event.get('description')})"
    elif event.get("type") == "message-received":
        line += f" from {message.get('from')}: {message.get('text')!r}"
    print(line.encode("unicode_escape").decode("ascii"), flush=True)  # no escape codes


def authorised(header: str | None) -> bool:
    """The Basic credentials match (compared in constant time); no password set: anyone."""
    if not PASSWORD:
        return True
    scheme, _, value = (header or "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        user, _, password = base64.b64decode(value.strip(), validate=True).partition(b":")
    except (binascii.Error, ValueError):
        return False
    user_ok = hmac.compare_digest(user, USER.encode())
    password_ok = hmac.compare_digest(password, PASSWORD.encode())
    return user_ok and password_ok


def event_key(event: dict) -> str:
    message = event.get("message") if isinstance(event.get("message"), dict) else {}
    parts = (event.get("type"), message.get("id"), event.get("to"), event.get("time"))
    return json.dumps([*parts, event.get("errorCode")])


async def callbacks(request: Request) -> Response:
    if not authorised(request.headers.get("authorization")):
        return Response(status_code=401, headers={"WWW-Authenticate": 'Basic realm="callbacks"'})
    try:
        events = json.loads(await request.body())
    except ValueError:
        return JSONResponse({"error": "Expected a JSON array of events."}, status_code=400)
    if isinstance(events, dict):
        events = [events]
    accepted = duplicates = 0
    for event in events if isinstance(events, list) else []:
        if not isinstance(event, dict):
            continue
        key = event_key(event)
        if key in _seen:
            duplicates += 1
            continue
        handle(event)  # remembered only once handled: a failure here makes Bandwidth retry
        _seen[key] = None
        if len(_seen) > SEEN_LIMIT:
            _seen.popitem(last=False)
        accepted += 1
    return JSONResponse({"accepted": accepted, "duplicates": duplicates})


app = Starlette(routes=[Route(PATH, callbacks, methods=["POST"])])

if __name__ == "__main__":
    import uvicorn

    if not PASSWORD:
        print("warning: no BW_CALLBACK_PASSWORD: callbacks are accepted without credentials",
              file=sys.stderr)
    port = int(os.environ.get("PORT", "8970"))
    uvicorn.run(app, host=os.environ.get("HOST", "127.0.0.1"), port=port)
'''
)
