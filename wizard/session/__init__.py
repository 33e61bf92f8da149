"""Start-up, once, for the screens and the commands alike.

`connection` turns settings and secrets into clients, `serve` runs an ASGI app in the wizard's
event loop, `sandbox` starts the in-process sandbox on it, and `session` puts together what a
run needs: connection, secrets, progress, sandbox and callback receiver.
"""
