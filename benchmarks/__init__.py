"""Benchmarks of bw-wizard against the floor set by its own tools (`make bench`).

Each module measures one thing, alternating a baseline and the wizard in one process
invocation, and returns `common.Result` rows; `run.py` prints them as one table and keeps the
latest table in benchmarks/README.md. Figures are printed, never asserted: the smoke test in
tests/benchmarks only proves the scripts still work and that nothing is lost or duplicated.
"""
