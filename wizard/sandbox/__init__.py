"""A faithful local emulator of today's Bandwidth: the Dashboard, Messaging, 10DLC, toll-free
verification and OAuth2 APIs.

It imports nothing from the rest of `wizard`: it is the other side of the wire. Start it with
`bw-wizard sandbox`, in-process with `server.SandboxServer`, or in a thread with
`server.SandboxThread`.
"""
