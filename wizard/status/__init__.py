"""`bw-wizard status`: a read-only health report of an account, whoever set it up.

`run.run_status(session)` signs in, reads the account (`collect`), judges it (`checks`,
`verdicts`) and returns a `report.StatusReport`; `render` turns it into text. The command
(`wizard/commands/status.py`) and the Status screen (`wizard/tui/screens/status.py`) both call
`run_status`, so they can never disagree about what is wrong.
"""
