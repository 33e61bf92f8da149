"""bw-wizard: a terminal setup wizard for Bandwidth Messaging 2.0."""

__version__ = "0.1.0"
