"""What Bandwidth says after a send: events, their log, the receiver, the per-message timeline.

`event` reads one callback, `log` keeps accepted ones on disk, `receiver` is the ASGI app that
answers Bandwidth, `tracker` ties events to the messages they are about, `error_codes` explains
a message-failed code, and `tunnel` finds a public URL for a receiver on this computer.
"""
