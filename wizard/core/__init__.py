"""The bottom layer: pure helpers and the one error family.

Nothing here imports another part of bw-wizard, does I/O or keeps state, so every layer may use
it. The sandbox, which stands for the other side of the wire and imports nothing else of the
wizard, may use `phone`, `sms` and `safe`.
"""
