"""The Textual wizard: one screen per step of the guide, sharing one Session.

Only `launch.run_tui` is meant to be called from outside (by cli.py); it imports Textual lazily
so `bw-wizard --help` and the headless commands stay fast.
"""
